/// Pure helpers over commit messages.
public enum Message {
    /// The first paragraph folded onto one line, as `git log --format=%s` prints it.
    public static func subject(of message: String) -> String {
        asciiSubject(of: message) ?? subjectByCharacters(of: message)
    }

    /// `subjectByCharacters`'s answer read from the UTF-8 bytes, when every line it reads is ASCII; nil as soon
    /// as one is not. In ASCII each Character is one byte except `\r\n`, so a line cut at `\n` is the same
    /// line with at most a trailing `\r`, which is white space like the other bytes `Character.isWhitespace`
    /// accepts here (tab to carriage return, and space) and is trimmed. A store decodes records, and so this,
    /// many times per run (ADR 0008).
    static func asciiSubject(of message: String) -> String? {
        var message = message
        return message.withUTF8 { bytes -> String? in
            @inline(__always) func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }
            var out: [UInt8] = []
            var at = 0
            let n = bytes.count
            while at < n {
                var end = at
                var ascii: UInt8 = 0
                while end < n && bytes[end] != 0x0A {
                    ascii |= bytes[end]
                    end += 1
                }
                if ascii >= 0x80 { return nil }
                var first = at
                var last = end
                while first < last && isSpace(bytes[first]) { first += 1 }
                while last > first && isSpace(bytes[last - 1]) { last -= 1 }
                at = end + 1
                if first == last {
                    if out.isEmpty { continue }
                    break
                }
                if !out.isEmpty { out.append(0x20) }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[first..<last]))
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// The subject read Character by Character: the reference `asciiSubject` is tested against, and the answer
    /// for a message whose first paragraph is not all ASCII.
    static func subjectByCharacters(of message: String) -> String {
        // Reads lines lazily: the subject is usually the first line of a long message.
        var parts: [Substring] = []
        var rest = message[...]
        while !rest.isEmpty {
            let end = rest.firstIndex { $0 == "\n" || $0 == "\r\n" } ?? rest.endIndex
            let line = rest[..<end]
            rest = end == rest.endIndex ? rest[end...] : rest[rest.index(after: end)...]
            if line.allSatisfy(\.isWhitespace) {
                if parts.isEmpty { continue }
                break
            }
            parts.append(line)
        }
        return parts.map { $0.trimmingWhitespace() }.joined(separator: " ")
    }

    /// The lines of `message` (split at every newline Character, empty ones left out) that open with one of
    /// `openings` (lower-case ASCII) in any case, as `lowercased().hasPrefix` finds them. An ASCII message is
    /// cut at its newline bytes (`\n`, vertical tab, form feed, `\r`: a `\r\n` pair leaves an empty piece
    /// between them, which is left out as its one Character leaves none) and compared byte by byte, since only
    /// A to Z change in lower-casing; any other message is read Character by Character (`linesByCharacters`).
    public static func lines(of message: String, openingWith openings: [String]) -> [Substring] {
        let utf8 = message.utf8
        guard utf8.allSatisfy({ $0 < 0x80 }) else { return linesByCharacters(of: message, openingWith: openings) }
        let wanted = openings.map { Array($0.utf8) }
        var out: [Substring] = []
        var start = utf8.startIndex
        var i = start
        func take(_ end: String.Index) {
            guard start < end else { return }
            let line = utf8[start..<end]
            let opens = wanted.contains { w in
                line.count >= w.count
                    && zip(line, w).allSatisfy { b, o in (b >= 0x41 && b <= 0x5A ? b | 0x20 : b) == o }
            }
            if opens { out.append(message[start..<end]) }
        }
        while i < utf8.endIndex {
            let b = utf8[i]
            if b >= 0x0A && b <= 0x0D {
                take(i)
                start = utf8.index(after: i)
            }
            utf8.formIndex(after: &i)
        }
        take(utf8.endIndex)
        return out
    }

    /// `lines(of:openingWith:)` read Character by Character: its reference, and its answer for a message that is
    /// not all ASCII.
    static func linesByCharacters(of message: String, openingWith openings: [String]) -> [Substring] {
        message.split(whereSeparator: \.isNewline).filter { line in
            let lower = line.lowercased()
            return openings.contains { lower.hasPrefix($0) }
        }
    }

    /// Parses `Name <email>` (as in `Co-authored-by:` or `Reviewed-by:` trailers); nil when there is no `<…>`.
    public static func identity(_ value: String) -> Identity? {
        guard let open = value.lastIndex(of: "<"), let close = value.lastIndex(of: ">"), open < close else {
            return nil
        }
        let email = value[value.index(after: open)..<close].trimmingWhitespace()
        let name = value[..<open].trimmingWhitespace()
        guard !email.isEmpty else { return nil }
        return Identity(name: name.isEmpty ? email : name, email: email)
    }
}

extension String {
    /// The lines of a text, split at `\n` and `\r\n` (in Swift `"\r\n"` is one Character, so splitting at
    /// `"\n"` alone would not cut CRLF text), without their line terminators.
    func lines() -> [Substring] {
        split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
    }
}
