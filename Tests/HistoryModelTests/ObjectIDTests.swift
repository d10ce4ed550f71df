import Testing

@testable import HistoryModel

struct ObjectIDTests {
    @Test(arguments: [
        "0000000000000000000000000000000000000000",
        "ffffffffffffffffffffffffffffffffffffffff",
        "4b825dc642cb6eb9a060e0bd8de6b2b0c3cc4e3d",
        "0123456789abcdef0123456789abcdef01234567",
        "deadbeefcafebabe00112233445566778899aabb",
    ])
    func hexRoundTrip(hex: String) throws {
        let id = try #require(ObjectID(hex: hex))
        #expect(id.hex == hex)
        #expect(id.description == hex)
        #expect(id.short == String(hex.prefix(7)))
        #expect(id.bytes.count == 20)
        #expect(ObjectID(bytes: id.bytes) == id)
    }

    @Test func uppercaseHexParsesAndPrintsLowercase() throws {
        let id = try #require(ObjectID(hex: "DEADBEEFCAFEBABE00112233445566778899AABB"))
        #expect(id.hex == "deadbeefcafebabe00112233445566778899aabb")
        #expect(id == ObjectID(hex: "deadbeefcafebabe00112233445566778899aabb"))
    }

    @Test func wordsAreBigEndian() throws {
        let id = try #require(ObjectID(hex: "0102030405060708" + "090a0b0c0d0e0f10" + "11121314"))
        #expect(id.high == 0x0102_0304_0506_0708)
        #expect(id.middle == 0x090a_0b0c_0d0e_0f10)
        #expect(id.low == 0x1112_1314)
        #expect(id.bytes == Array(1...20))
        #expect(ObjectID(high: 0x0102_0304_0506_0708, middle: 0x090a_0b0c_0d0e_0f10, low: 0x1112_1314) == id)
    }

    @Test func parsesFromSubstring() throws {
        let line = "commit 4b825dc642cb6eb9a060e0bd8de6b2b0c3cc4e3d"
        let id = try #require(ObjectID(hex: line.dropFirst(7)))
        #expect(id == ObjectID.emptyTree)
    }

    @Test(arguments: [
        "",
        "4b825dc",  // abbreviated
        "4b825dc642cb6eb9a060e0bd8de6b2b0c3cc4e3",  // 39 digits
        "4b825dc642cb6eb9a060e0bd8de6b2b0c3cc4e3d0",  // 41 digits
        "4b825dc642cb6eb9a060e0bd8de6b2b0c3cc4e3g",  // non-hex letter
        "4b825dc642cb6eb9a060e0bd8de6b2b0c3cc4e3 ",  // trailing space
        " 4b825dc642cb6eb9a060e0bd8de6b2b0c3cc4e3",  // leading space
        "0x4b825dc642cb6eb9a060e0bd8de6b2b0c3cc4e",  // prefix
        "4b825dc642cb6eb9a060e0bd8de6b2b0c3cc4é",  // 40 bytes of UTF-8, not hex
        "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
        "----------------------------------------",
    ])
    func parseRejectsBadHex(text: String) {
        #expect(ObjectID(hex: text) == nil)
    }

    @Test func orderingComparesHighThenMiddleThenLow() throws {
        let a = try #require(ObjectID(hex: "0000000000000000" + "ffffffffffffffff" + "ffffffff"))
        let b = try #require(ObjectID(hex: "0000000000000001" + "0000000000000000" + "00000000"))
        let c = try #require(ObjectID(hex: "0000000000000001" + "0000000000000001" + "00000000"))
        let d = try #require(ObjectID(hex: "0000000000000001" + "0000000000000001" + "00000001"))
        #expect(a < b)
        #expect(b < c)
        #expect(c < d)
        #expect(!(d < a))
        #expect(!(a < a))
        #expect([d, b, a, c].sorted() == [a, b, c, d])
    }

    @Test func orderingMatchesHexStringOrdering() throws {
        let hexes = [
            "ff00000000000000000000000000000000000000",
            "0f00000000000000000000000000000000000000",
            "00000000000000000000000000000000000000ff",
            "000000000000000000000000000000000000ff00",
            "0000000000000000ff0000000000000000000000",
            "4b825dc642cb6eb9a060e0bd8de6b2b0c3cc4e3d",
        ]
        let ids = try hexes.map { try #require(ObjectID(hex: $0)) }
        #expect(ids.sorted().map(\.hex) == hexes.sorted())
    }

    @Test func rawPointerRoundTrip() throws {
        let bytes: [UInt8] = Array(1...20)
        let id = bytes.withUnsafeBytes { ObjectID(rawPointer: $0.baseAddress!) }
        #expect(id.hex == "0102030405060708090a0b0c0d0e0f1011121314")
        #expect(id == ObjectID(bytes: bytes))
        var out = [UInt8](repeating: 0, count: 20)
        out.withUnsafeMutableBytes { ObjectID.emptyTree.store(to: $0.baseAddress!) }
        #expect(out == ObjectID.emptyTree.bytes)
        // Unaligned reads.
        let shifted: [UInt8] = [0xFF] + bytes
        let unaligned = shifted.withUnsafeBytes { ObjectID(rawPointer: $0.baseAddress! + 1) }
        #expect(unaligned == id)
    }

    @Test func emptyTree() {
        #expect(ObjectID.emptyTree.hex == "4b825dc642cb6eb9a060e0bd8de6b2b0c3cc4e3d")
        #expect(ObjectID.emptyTree.short == "4b825dc")
        #expect(ObjectID.emptyTree.bytes.first == 0x4b)
        #expect(ObjectID.emptyTree.bytes.last == 0x3d)
    }

    @Test func hashableDistinguishesIDs() throws {
        let a = try #require(ObjectID(hex: "4b825dc642cb6eb9a060e0bd8de6b2b0c3cc4e3d"))
        let b = try #require(ObjectID(hex: "4b825dc642cb6eb9a060e0bd8de6b2b0c3cc4e3e"))
        #expect(Set([a, b, a]).count == 2)
        #expect(a != b)
    }
}
