/// A `Key: value` line in a commit message's trailer block (`Reviewed-by:`, `Co-authored-by:`, …).
public struct Trailer: Hashable, Sendable {
    public var key: String
    public var value: String

    /// Keys that mark a paragraph as a trailer block even when other lines sit among the trailers
    /// (git accepts `Signed-off-by`; review tools add the others, e.g. Gerrit's `Reviewed-on`).
    public static let wellKnownKeys: Set<String> = [
        "signed-off-by", "reviewed-on", "reviewed-by", "change-id", "co-authored-by", "acked-by", "tested-by",
        "approved-by", "reported-by", "suggested-by", "fixes", "cc", "helped-by",
    ]

    /// Trailer keys (lower-case) that name a reviewer.
    public static let reviewKeys: Set<String> = ["reviewed-by", "acked-by", "approved-by", "tested-by"]

    /// Trailer keys (lower-case) whose value names a person (`Name <email>`).
    public static let personKeys: Set<String> = [
        "signed-off-by", "reviewed-by", "co-authored-by", "acked-by", "tested-by", "approved-by", "reported-by",
        "suggested-by", "helped-by", "cc",
    ]

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// Parses the trailer block of a commit message, following git's rules closely: the last paragraph
    /// (not the subject) is a trailer block when every line in it is a trailer or a continuation line, or
    /// when at least a quarter are trailers and one of them is well known (`Signed-off-by:`,
    /// `Reviewed-on:`, … see `wellKnownKeys`, or `(cherry picked from commit …)`).
    ///
    /// Only the last paragraph is split into lines, walking back from the end: git.git's merge messages list
    /// every merged commit, and splitting them whole was most of the time (ADR 0008). The lines are those of
    /// `message.lines()`.
    public static func parse(message: String) -> [Trailer] {
        // The line ending at `end` (exclusive) and the separator before it (nil for the first line).
        func lineBefore(_ end: String.Index) -> (line: Substring, separator: String.Index?) {
            var k = end
            while k > message.startIndex {
                let p = message.index(before: k)
                let c = message[p]
                if c == "\n" || c == "\r\n" { return (message[k..<end], p) }
                k = p
            }
            return (message[message.startIndex..<end], nil)
        }
        var paragraph: [Substring] = []  // the last paragraph, last line first
        var cursor = lineBefore(message.endIndex)
        while cursor.line.allSatisfy(\.isWhitespace) {
            guard let separator = cursor.separator else { return [] }
            cursor = lineBefore(separator)
        }
        while !cursor.line.allSatisfy(\.isWhitespace) {
            paragraph.append(cursor.line)
            // The first paragraph is the subject, never a trailer block.
            guard let separator = cursor.separator else { return [] }
            cursor = lineBefore(separator)
        }
        // `cursor.line` is the blank line above the paragraph: some line before it must hold text.
        guard message[..<cursor.line.startIndex].contains(where: { !$0.isWhitespace }) else { return [] }
        let lines = paragraph.reversed()
        var trailers: [Trailer] = []
        var trailerLines = 0
        var otherLines = 0
        var gitGenerated = false
        for line in lines {
            if let first = line.first, first == " " || first == "\t" {
                if let last = trailers.popLast() {
                    trailers.append(Trailer(key: last.key, value: last.value + " " + line.trimmingWhitespace()))
                }
                continue
            }
            if let t = Trailer(line: line) {
                trailers.append(t)
                trailerLines += 1
                if Self.wellKnownKeys.contains(t.key.lowercased()) { gitGenerated = true }
            } else if line.hasPrefix("(cherry picked from commit ") {
                trailerLines += 1
                gitGenerated = true
            } else {
                otherLines += 1
            }
        }
        guard trailerLines > 0 else { return [] }
        if otherLines == 0 || (gitGenerated && trailerLines * 3 >= otherLines) { return trailers }
        return []
    }

    private static func isKeyByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    /// Parses one `Key: value` line; the key is letters, digits and dashes.
    init?(line: Substring) {
        guard let colon = line.firstIndex(of: ":") else { return nil }
        let key = line[..<colon]
        guard !key.isEmpty, key.utf8.allSatisfy(Self.isKeyByte) else { return nil }
        let value = line[line.index(after: colon)...].trimmingWhitespace()
        self.init(key: String(key), value: value)
    }
}

extension Substring {
    func trimmingWhitespace() -> String {
        var s = self[...]
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}

extension String {
    /// The string without leading and trailing white space.
    public func trimmed() -> String { self[...].trimmingWhitespace() }
}
