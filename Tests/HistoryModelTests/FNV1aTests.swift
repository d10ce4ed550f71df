import HistoryModel
import Testing

/// FNV-1a 64 against the published test vectors (the values are kept in stores and names, so they never change).
struct FNV1aTests {
    @Test func publishedVectors() {
        #expect(FNV1a.hash64("".utf8) == 0xcbf2_9ce4_8422_2325)
        #expect(FNV1a.hash64("a".utf8) == 0xaf63_dc4c_8601_ec8c)
        #expect(FNV1a.hash64("foobar".utf8) == 0x8594_4171_f739_67e8)
        #expect(FNV1a.hash64(Array("foobar".utf8)[...]) == 0x8594_4171_f739_67e8)
    }
}
