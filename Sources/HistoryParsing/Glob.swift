/// A gitignore/gitattributes-style path pattern: `*` and `?` stop at `/`, `**` crosses directories,
/// `[abc]` and `[!a-z]` are character classes. A pattern without a slash matches a file's name at any
/// depth; a pattern with one is anchored at its base directory.
public struct Glob: Hashable, Sendable, CustomStringConvertible {
    public let pattern: String
    /// The pattern compiled for paths (`*` stops at `/`) and for text (it does not).
    private let pathProgram: Program
    private let textProgram: Program
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
        let bytes = Array(body.utf8)[...]
        pathProgram = Program(bytes, slashIsSpecial: true)
        textProgram = Program(bytes, slashIsSpecial: false)
        let slash = UInt8(ascii: "/")
        // A slash anywhere but at the end anchors the pattern (gitignore rule), a leading one included.
        anchored = leadingSlash || bytes.dropLast(bytes.last == slash ? 1 : 0).contains(slash)
        // Shapes are told apart on bytes, as the general matcher reads the pattern: a wildcard followed by
        // a combining mark is one Character, but still a wildcard (fuzzing found such shapes disagreeing).
        let b = bytes
        let special: (UInt8) -> Bool = {
            $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "\\")
        }
        let star = UInt8(ascii: "*")
        if !leadingSlash, b.first == star, !b.dropFirst().contains(where: special), !b.contains(slash) {
            // (`/*.ext` is anchored: only the base directory's files, left to the general matcher)
            shape = .nameSuffix(String(decoding: b.dropFirst(), as: UTF8.self))
        } else if b.starts(with: [star, star, slash]), b.reversed().starts(with: [star, star, slash]), b.count > 6 {
            let middle = b.dropFirst(3).dropLast(3)
            shape =
                middle.contains(where: special) || middle.contains(slash)
                ? .general : .directoryAnywhere(String(decoding: middle, as: UTF8.self))
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
        if anchored { return pathProgram.matches(p[...]) }
        let name = p.lastIndex(of: UInt8(ascii: "/")).map { p[($0 + 1)...] } ?? p[...]
        return pathProgram.matches(name)
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
        textProgram.matches(Array(text.utf8)[...])
    }

    /// The general matcher alone, with no shape shortcut: the reference the shapes are checked against
    /// (the fuzz target `glob` and its regression tests).
    static func match(_ pattern: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>, slashIsSpecial: Bool = true) -> Bool {
        Program(pattern, slashIsSpecial: slashIsSpecial).matches(text)
    }

    /// A pattern compiled to a sequence of steps, run as a nondeterministic automaton: the set of steps
    /// reachable after each byte of the text is kept as a bitset, so every byte costs at most one pass over
    /// the steps and nothing is ever retried: time proportional to the text's length times the pattern's,
    /// never exponential (the recursive matcher this replaces took minutes on `*a*a*a…*b`). Patterns come
    /// from analysed repositories (`.gitattributes`) and configuration.
    struct Program: Hashable, Sendable {
        enum Step: Hashable, Sendable {
            /// One byte equal to this one.
            case byte(UInt8)
            /// One byte of the set (`?`, `[...]`).
            case oneOf(ByteSet)
            /// Any run of bytes of the set (`*`: all but `/` for paths; `**` not followed by `/`: all).
            case run(ByteSet)
            /// The start of `**/`: goes on to the next step (`directories`) or past it, consuming nothing.
            case optionalDirectories
            /// The rest of `**/`: any bytes ending with `/` (one or more whole directories).
            case directories
        }

        let steps: [Step]

        init(_ pattern: ArraySlice<UInt8>, slashIsSpecial: Bool) {
            let star = UInt8(ascii: "*")
            let slash = UInt8(ascii: "/")
            let notSlash = slashIsSpecial ? ByteSet.all.removing(slash) : ByteSet.all
            var steps: [Step] = []
            var p = pattern.startIndex
            while p < pattern.endIndex {
                let c = pattern[p]
                if c == star {
                    if slashIsSpecial && p + 1 < pattern.endIndex && pattern[p + 1] == star {
                        if p + 2 < pattern.endIndex && pattern[p + 2] == slash {
                            steps.append(.optionalDirectories)
                            steps.append(.directories)
                            p += 3
                        } else {
                            steps.append(.run(.all))
                            p += 2
                        }
                        continue
                    }
                    // A run of single stars is one star (only `**` is special, and only for paths).
                    while p < pattern.endIndex && pattern[p] == star { p += 1 }
                    steps.append(.run(notSlash))
                    continue
                }
                if c == UInt8(ascii: "?") {
                    steps.append(.oneOf(notSlash))
                    p += 1
                } else if c == UInt8(ascii: "["), let (_, next) = Glob.matchClass(pattern, p, 0) {
                    var set = ByteSet()
                    for b in 0...255 where Glob.matchClass(pattern, p, UInt8(b))?.0 == true { set.insert(UInt8(b)) }
                    steps.append(.oneOf(set))
                    p = next
                } else if c == UInt8(ascii: "\\"), p + 1 < pattern.endIndex {
                    steps.append(.byte(pattern[p + 1]))
                    p += 2
                } else {
                    steps.append(.byte(c))
                    p += 1
                }
            }
            self.steps = steps
        }

        func matches(_ text: ArraySlice<UInt8>) -> Bool {
            let count = steps.count + 1  // states: before each step, and the accepting one after the last
            let words = (count + 63) / 64
            return steps.withUnsafeBufferPointer { steps in
                withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 2 * words) { buffer in
                    buffer.initialize(repeating: 0)
                    var current = UnsafeMutableBufferPointer(rebasing: buffer[0..<words])
                    var next = UnsafeMutableBufferPointer(rebasing: buffer[words...])
                    func isSet(_ s: UnsafeMutableBufferPointer<UInt64>, _ i: Int) -> Bool {
                        s[i >> 6] & (1 << UInt64(i & 63)) != 0
                    }
                    func set(_ s: UnsafeMutableBufferPointer<UInt64>, _ i: Int) { s[i >> 6] |= 1 << UInt64(i & 63) }
                    /// Adds the states reachable without consuming a byte: a star may match nothing, and `**/`
                    /// may be skipped (forward only, so one pass in order suffices).
                    func close(_ s: UnsafeMutableBufferPointer<UInt64>) {
                        for i in 0..<steps.count where isSet(s, i) {
                            switch steps[i] {
                            case .run: set(s, i + 1)
                            case .optionalDirectories:
                                set(s, i + 1)
                                set(s, i + 2)
                            case .byte, .oneOf, .directories: break
                            }
                        }
                    }
                    set(current, 0)
                    close(current)
                    for b in text {
                        var any = false
                        for w in 0..<words { next[w] = 0 }
                        for i in 0..<steps.count where isSet(current, i) {
                            switch steps[i] {
                            case .byte(let c):
                                if b == c {
                                    set(next, i + 1)
                                    any = true
                                }
                            case .oneOf(let bytes):
                                if bytes.contains(b) {
                                    set(next, i + 1)
                                    any = true
                                }
                            case .run(let bytes):
                                if bytes.contains(b) {
                                    set(next, i)
                                    any = true
                                }
                            case .optionalDirectories:
                                break
                            case .directories:
                                set(next, i)
                                if b == UInt8(ascii: "/") { set(next, i + 1) }
                                any = true
                            }
                        }
                        guard any else { return false }
                        close(next)
                        swap(&current, &next)
                    }
                    return isSet(current, steps.count)
                }
            }
        }
    }

    /// A set of bytes, as a 256-bit mask.
    struct ByteSet: Hashable, Sendable {
        private var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0

        static let all: ByteSet = {
            var s = ByteSet()
            s.w0 = ~0
            s.w1 = ~0
            s.w2 = ~0
            s.w3 = ~0
            return s
        }()

        func contains(_ b: UInt8) -> Bool {
            let bit = UInt64(1) << UInt64(b & 63)
            switch b >> 6 {
            case 0: return w0 & bit != 0
            case 1: return w1 & bit != 0
            case 2: return w2 & bit != 0
            default: return w3 & bit != 0
            }
        }

        mutating func insert(_ b: UInt8) {
            let bit = UInt64(1) << UInt64(b & 63)
            switch b >> 6 {
            case 0: w0 |= bit
            case 1: w1 |= bit
            case 2: w2 |= bit
            default: w3 |= bit
            }
        }

        func removing(_ b: UInt8) -> ByteSet {
            var s = self
            let bit = UInt64(1) << UInt64(b & 63)
            switch b >> 6 {
            case 0: s.w0 &= ~bit
            case 1: s.w1 &= ~bit
            case 2: s.w2 &= ~bit
            default: s.w3 &= ~bit
            }
            return s
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
