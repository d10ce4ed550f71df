/// A gitignore/gitattributes-style path pattern: `*` and `?` stop at `/`, `**` crosses directories,
/// `[abc]` and `[!a-z]` are character classes. A pattern without a slash matches a file's name at any
/// depth; a pattern with one is anchored at its base directory.
public struct Glob: Hashable, Sendable, CustomStringConvertible {
    public let pattern: String
    private let bytes: [UInt8]
    private let anchored: Bool
    private let shape: Shape

    /// Common pattern shapes matched without the general matcher (they are asked about every path).
    private enum Shape: Hashable, Sendable {
        case general
        /// `*.ext`: the name ends with the suffix.
        case nameSuffix(String)
        /// `**/dir/**`: some directory component is `dir`.
        case directoryAnywhere(String)
        /// `dir/**` (anchored): the path starts with `dir/`.
        case directoryPrefix(String)
        /// No wildcard at all.
        case literal(String)
    }

    public init(_ pattern: String) {
        self.pattern = pattern
        var p = Substring(pattern)
        let leadingSlash = p.hasPrefix("/")
        if leadingSlash { p = p.dropFirst() }
        let body = String(p)
        bytes = Array(body.utf8)
        let slash = UInt8(ascii: "/")
        // A slash anywhere but at the end anchors the pattern (gitignore rule), a leading one included.
        anchored = leadingSlash || bytes.dropLast(bytes.last == slash ? 1 : 0).contains(slash)
        // Shapes are told apart on bytes, as the general matcher reads the pattern: a wildcard followed by
        // a combining mark is one Character, but still a wildcard (fuzzing found such shapes disagreeing).
        let b = bytes[...]
        let special: (UInt8) -> Bool = { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "\\") }
        let star = UInt8(ascii: "*")
        if !leadingSlash, b.first == star, !b.dropFirst().contains(where: special), !b.contains(slash) {
            // (`/*.ext` is anchored: only the base directory's files, left to the general matcher)
            shape = .nameSuffix(String(decoding: b.dropFirst(), as: UTF8.self))
        } else if b.starts(with: [star, star, slash]), b.reversed().starts(with: [star, star, slash]), b.count > 6 {
            let middle = b.dropFirst(3).dropLast(3)
            shape = middle.contains(where: special) || middle.contains(slash) ? .general : .directoryAnywhere(String(decoding: middle, as: UTF8.self))
        } else if b.reversed().starts(with: [star, star, slash]), !b.dropLast(3).contains(where: special) {
            shape = .directoryPrefix(String(decoding: b.dropLast(2), as: UTF8.self))
        } else if !b.contains(where: special), b.last != slash {
            shape = .literal(body)
        } else {
            shape = .general
        }
    }

    public var description: String { pattern }

    /// Whether `path` (relative to the pattern's base, no leading slash) matches.
    public func matches(_ path: String) -> Bool {
        switch shape {
        // On bytes, as the general matcher compares (Characters would join a combining mark to the `/` or
        // the `.` before it; fuzzing found such paths answered differently).
        case .nameSuffix(let suffix):
            // the suffix has no `/`, so it lies within the last component, which the `*` covers
            return path.utf8.reversed().starts(with: suffix.utf8.reversed())
        case .directoryAnywhere(let dir):
            return Self.hasDirectory(path, dir)
        case .directoryPrefix(let prefix):
            return path.utf8.starts(with: prefix.utf8) && path.utf8.count > prefix.utf8.count
        case .literal(let name):
            guard path.utf8.reversed().starts(with: name.utf8.reversed()) else { return false }
            let extra = path.utf8.count - name.utf8.count
            if extra == 0 { return true }
            return !anchored && path.utf8.dropLast(name.utf8.count).last == UInt8(ascii: "/")
        case .general:
            break
        }
        let p = Array(path.utf8)
        if anchored { return Self.match(bytes[...], p[...]) }
        let name = p.lastIndex(of: UInt8(ascii: "/")).map { p[($0 + 1)...] } ?? p[...]
        return Self.match(bytes[...], name)
    }

    /// Whether `dir` (one or more whole components, like `docs/adr`) is a directory on `path`: a byte search,
    /// since paths are asked about by the hundred thousand.
    public static func hasDirectory(_ path: String, _ dir: String) -> Bool {
        var path = path
        var dir = dir
        return path.withUTF8 { p in
            dir.withUTF8 { d in
                guard !d.isEmpty, p.count > d.count else { return false }
                let slash = UInt8(ascii: "/")
                var start = 0
                while start + d.count < p.count {
                    // `start` is at the beginning of a component.
                    if p[start + d.count] == slash {
                        var equal = true
                        for k in 0..<d.count where p[start + k] != d[k] {
                            equal = false
                            break
                        }
                        if equal { return true }
                    }
                    // Next component.
                    var i = start
                    while i < p.count && p[i] != slash { i += 1 }
                    start = i + 1
                }
                return false
            }
        }
    }

    /// Whether `text` (any string, `/` treated as an ordinary character by `*`) matches: for names and e-mails.
    public func matchesText(_ text: String) -> Bool {
        Self.match(bytes[...], Array(text.utf8)[...], slashIsSpecial: false)
    }

    /// Each star tries every place its match could end, so a pattern with many stars backtracks
    /// exponentially (fuzzing found a pattern of 16 stars and a path of 30 bytes that ran past 10 seconds). A position pair
    /// (pattern, text) that failed once fails again, so failures are remembered: at most one try per pair.
    static func match(_ pattern: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>, slashIsSpecial: Bool = true) -> Bool {
        let columns = text.count + 1
        let words = ((pattern.count + 1) * columns + 63) / 64
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: words) { failed in
            failed.initialize(repeating: 0)
            let matcher = Matcher(pattern: pattern, text: text, slashIsSpecial: slashIsSpecial, columns: columns, failed: failed)
            return matcher.match(pattern.startIndex, text.startIndex)
        }
    }

    private struct Matcher {
        let pattern: ArraySlice<UInt8>
        let text: ArraySlice<UInt8>
        let slashIsSpecial: Bool
        let columns: Int
        /// A bit per (pattern index, text index) pair known not to match.
        let failed: UnsafeMutableBufferPointer<UInt64>

        func match(_ p: Int, _ t: Int) -> Bool {
            let cell = (p - pattern.startIndex) * columns + (t - text.startIndex)
            if failed[cell / 64] & (1 << UInt64(cell % 64)) != 0 { return false }
            if matchOnce(p, t) { return true }
            failed[cell / 64] |= 1 << UInt64(cell % 64)
            return false
        }

        /// Whether pattern[p...] matches text[t...].
        private func matchOnce(_ p0: Int, _ t0: Int) -> Bool {
            var p = p0
            var t = t0
            let star = UInt8(ascii: "*")
            let slash = UInt8(ascii: "/")
            while p < pattern.endIndex {
                let c = pattern[p]
                if c == star {
                    let doubleStar = p + 1 < pattern.endIndex && pattern[p + 1] == star
                    if doubleStar && slashIsSpecial {
                        var rest = p + 2
                        // `**/` also matches zero directories.
                        if rest < pattern.endIndex && pattern[rest] == slash {
                            rest += 1
                            var s = t
                            while true {
                                if match(rest, s) { return true }
                                guard let next = text[s...].firstIndex(of: slash) else { return false }
                                s = next + 1
                            }
                        }
                        var s = t
                        while true {
                            if match(rest, s) { return true }
                            if s == text.endIndex { return false }
                            s += 1
                        }
                    }
                    var rest = p + 1
                    while rest < pattern.endIndex && pattern[rest] == star { rest += 1 }
                    var s = t
                    while true {
                        if match(rest, s) { return true }
                        if s == text.endIndex || (slashIsSpecial && text[s] == slash) { return false }
                        s += 1
                    }
                }
                guard t < text.endIndex else { return false }
                if c == UInt8(ascii: "?") {
                    if slashIsSpecial && text[t] == slash { return false }
                } else if c == UInt8(ascii: "["), let (ok, next) = Glob.matchClass(pattern, p, text[t]) {
                    if !ok { return false }
                    p = next
                    t += 1
                    continue
                } else if c == UInt8(ascii: "\\"), p + 1 < pattern.endIndex {
                    p += 1
                    if pattern[p] != text[t] { return false }
                } else if c != text[t] {
                    return false
                }
                p += 1
                t += 1
            }
            return t == text.endIndex
        }
    }

    /// Matches `[...]` at `start`; returns whether `ch` is in the class and the index after `]`, or nil when
    /// the bracket is not closed (then it is an ordinary character).
    fileprivate static func matchClass(_ pattern: ArraySlice<UInt8>, _ start: Int, _ ch: UInt8) -> (Bool, Int)? {
        var i = start + 1
        var negate = false
        if i < pattern.endIndex && (pattern[i] == UInt8(ascii: "!") || pattern[i] == UInt8(ascii: "^")) {
            negate = true
            i += 1
        }
        var found = false
        var first = true
        while i < pattern.endIndex {
            let c = pattern[i]
            if c == UInt8(ascii: "]") && !first { return (found != negate, i + 1) }
            first = false
            if i + 2 < pattern.endIndex && pattern[i + 1] == UInt8(ascii: "-") && pattern[i + 2] != UInt8(ascii: "]") {
                if c <= ch && ch <= pattern[i + 2] { found = true }
                i += 3
            } else {
                if c == ch { found = true }
                i += 1
            }
        }
        return nil
    }
}
