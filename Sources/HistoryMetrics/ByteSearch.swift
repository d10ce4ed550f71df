#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// Byte-level searches used as cheap pre-filters before the exact (Character-level or regular-expression)
/// checks. Each answers `true` whenever the exact check could succeed, so skipping on `false` never changes a
/// result: a Character-level match is also a match of the same UTF-8 bytes, and ASCII-only lower-casing keeps
/// every ASCII letter that `lowercased()` would produce from an ASCII letter.
enum ByteSearch {
    /// Whether `needle`'s UTF-8 bytes occur in `haystack`'s.
    static func contains(_ haystack: String, _ needle: String) -> Bool {
        var h = haystack
        var n = needle
        return h.withUTF8 { hb in n.withUTF8 { nb in find(hb, nb) } }
    }

    /// Whether any of `needles` (lower-case ASCII) occurs in `text` compared case-insensitively over ASCII.
    static func containsAnyLowercased(_ text: Substring, _ needles: [String]) -> Bool {
        var t = text
        return t.withUTF8 { bytes in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(bytes.count, 1)) { lower in
                for (i, b) in bytes.enumerated() { lower[i] = (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b }
                let haystack = UnsafeBufferPointer(rebasing: lower[..<bytes.count])
                return needles.contains { needle in
                    var n = needle
                    return n.withUTF8 { find(haystack, $0) }
                }
            }
        }
    }

    private static func find(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let n = needle.baseAddress, needle.count > 0 else { return true }
        guard let h = haystack.baseAddress, haystack.count >= needle.count else { return false }
        let first = Int32(needle[0])
        var p = UnsafeRawPointer(h)
        let last = UnsafeRawPointer(h) + (haystack.count - needle.count)
        while p <= last, let hit = memchr(p, first, last - p + 1) {
            if memcmp(hit, n, needle.count) == 0 { return true }
            p = UnsafeRawPointer(hit) + 1
        }
        return false
    }
}
