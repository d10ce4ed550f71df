/// Pure helpers over commit messages.
public enum Message {
    /// The first paragraph folded onto one line, as `git log --format=%s` prints it.
    public static func subject(of message: String) -> String {
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
