import Testing

@testable import GitBridge

/// The rename detector's span hashes, kept as a sorted list (ADR 0008), against the dictionary of
/// `diffcore-delta.c`'s `hash_chars` they replaced: the same hashes, byte counts and copied bytes for random texts
/// with short, long and CRLF-terminated lines, as text and as binary.
@Suite struct RenameSignatureTests {
    /// `hash_chars` with a dictionary, as the detector computed it before.
    static func reference(_ bytes: [UInt8], isText: Bool) -> [UInt32: Int] {
        var out: [UInt32: Int] = [:]
        var n = 0
        var accum1: UInt32 = 0
        var accum2: UInt32 = 0
        var i = 0
        while i < bytes.count {
            let c = UInt32(bytes[i])
            let old1 = accum1
            i += 1
            if isText && c == 0x0D && i < bytes.count && bytes[i] == 0x0A { continue }
            accum1 = (accum1 << 7) ^ (accum2 >> 25)
            accum2 = (accum2 << 7) ^ (old1 >> 25)
            accum1 &+= c
            n += 1
            if n < 64 && c != 0x0A { continue }
            out[(accum1 &+ accum2 &* 0x61) % 107927, default: 0] += n
            (n, accum1, accum2) = (0, 0, 0)
        }
        if n > 0 { out[(accum1 &+ accum2 &* 0x61) % 107927, default: 0] += n }
        return out
    }

    static func referenceCopied(_ a: [UInt32: Int], _ b: [UInt32: Int]) -> Int {
        a.reduce(0) { sum, entry in sum + (b[entry.key].map { min(entry.value, $0) } ?? 0) }
    }

    /// A text of `lines` lines drawn from a small vocabulary (so that chunks repeat), some longer than 64 bytes,
    /// some ending in CRLF.
    static func text(_ random: inout UInt64, lines: Int) -> [UInt8] {
        func next() -> Int {
            random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: random >> 33)
        }
        let words = ["let", "x", "=", "{", "}", "return", "value", "(", ")", "if", "\t", "  ", "// note"]
        var out: [UInt8] = []
        for _ in 0..<lines {
            for _ in 0..<(next() % 30) { out += Array(words[next() % words.count].utf8) + [0x20] }
            out += next() % 5 == 0 ? [0x0D, 0x0A] : [0x0A]
        }
        if next() % 2 == 0 { out += Array("no newline at the end".utf8) }
        return out
    }

    @Test func sortedSignaturesMatchTheDictionary() {
        var random: UInt64 = 20_261_206
        var compared = 0
        for round in 0..<200 {
            let a = Self.text(&random, lines: 1 + round % 40)
            let b = Self.text(&random, lines: 1 + (round * 7) % 40)
            for isText in [true, false] {
                let sa = a.withUnsafeBytes { RenameDetector.Signature.hash($0, isText: isText) }
                let sb = b.withUnsafeBytes { RenameDetector.Signature.hash($0, isText: isText) }
                let ra = Self.reference(a, isText: isText)
                let rb = Self.reference(b, isText: isText)
                #expect(sa.map(\.hash) == ra.keys.sorted())
                #expect(sa.map(\.bytes) == ra.keys.sorted().map { ra[$0]! })
                let copied = RenameDetector.Signature(counts: sa).copiedBytes(
                    into: RenameDetector.Signature(counts: sb))
                #expect(copied == Self.referenceCopied(ra, rb))
                if copied > 0 { compared += 1 }
            }
        }
        #expect(compared > 100)
    }
}
