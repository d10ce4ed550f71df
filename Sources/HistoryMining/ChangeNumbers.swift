internal import Foundation
package import HistoryModel

/// Reads PR, merge-request and Gerrit change numbers out of commit messages.
package enum ChangeNumbers {
    /// `Subject (#123)` or `Subject (!45)` at the very end of the subject.
    package static func squashNumber(subject: String) -> Int? {
        var s = Substring(subject)
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        guard s.hasSuffix(")") else { return nil }
        s = s.dropLast()
        let digits = s.reversed().prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty else { return nil }
        s = s.dropLast(digits.count)
        guard s.hasSuffix("(#") || s.hasSuffix("(!") else { return nil }
        return Int(String(digits.reversed()))
    }

    /// The number a merge message names: GitHub `Merge pull request #N from …`, GitLab `See merge request
    /// group/project!N`, Bitbucket `(pull request #N)`, Azure DevOps `Merged PR N: …`; nil for a plain merge.
    package static func mergeNumber(message: String) -> Int? {
        let subject = Message.subject(of: message)
        if let n = number(after: "Merge pull request #", in: subject) { return n }
        if let n = number(after: "(pull request #", in: subject) { return n }
        if subject.hasPrefix("Merged PR "), let n = number(after: "Merged PR ", in: subject) { return n }
        if mayHaveLine(startingWith: "See merge request ", in: message) {
            for line in message.split(separator: "\n") where line.hasPrefix("See merge request ") {
                if let bang = line.lastIndex(of: "!"), let n = leadingNumber(line[line.index(after: bang)...]) {
                    return n
                }
            }
        }
        // A merge titled like a squash (`Add feature (#123)`), as some projects merge pull requests.
        return squashNumber(subject: subject)
    }

    /// False when no line of `message` starts with the bytes of `prefix` (ASCII): then no line starts with it
    /// as characters either, and the message need not be split into lines. Merge messages can be long
    /// (git.git's list every commit), and splitting them by characters was most of classification's time.
    static func mayHaveLine(startingWith prefix: StaticString, in message: String) -> Bool {
        let found = message.utf8.withContiguousStorageIfAvailable { text -> Bool in
            prefix.withUTF8Buffer { p -> Bool in
                guard let base = text.baseAddress, let pBase = p.baseAddress else { return !p.isEmpty }
                var i = 0
                while i + p.count <= text.count {
                    if memcmp(base + i, pBase, p.count) == 0 { return true }
                    guard let newline = memchr(base + i, 0x0A, text.count - i) else { return false }
                    i = base.distance(to: newline.assumingMemoryBound(to: UInt8.self)) + 1
                }
                return false
            }
        }
        return found ?? true
    }

    /// The PR title a merge message carries (GitHub, GitLab and Bitbucket put it in the body; Azure DevOps in
    /// the subject), falling back to the subject.
    package static func mergeTitle(message: String) -> String {
        let subject = Message.subject(of: message)
        let gitLab =
            mayHaveLine(startingWith: "See merge request ", in: message)
            && message.split(separator: "\n").contains { $0.hasPrefix("See merge request ") }
        if subject.hasPrefix("Merge pull request #") || subject.hasPrefix("Merged in ") || gitLab {
            let paragraphs = message.components(separatedByBlankLines: ())
            if paragraphs.count > 1 {
                let body = Message.subject(of: paragraphs[1])
                if !body.isEmpty { return body }
            }
        }
        if subject.hasPrefix("Merged PR "), let colon = subject.firstIndex(of: ":") {
            return subject[subject.index(after: colon)...].trimmingPrefixWhitespace()
        }
        return subject
    }

    /// The change number in a Gerrit `Reviewed-on: https://host/c/project/+/12345` (or `https://host/12345`).
    package static func gerritNumber(trailers: [Trailer]) -> Int? {
        guard let t = trailers.first(where: { $0.key.lowercased() == "reviewed-on" }) else { return nil }
        var value = Substring(t.value)
        while value.hasSuffix("/") { value = value.dropLast() }
        let digits = value.reversed().prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty else { return nil }
        return Int(String(digits.reversed()))
    }

    private static func number(after marker: String, in text: String) -> Int? {
        let t = Array(text.utf8)
        let m = Array(marker.utf8)
        guard t.count >= m.count else { return nil }
        for start in 0...(t.count - m.count) where t[start..<(start + m.count)].elementsEqual(m) {
            let rest = t[(start + m.count)...].prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            return rest.isEmpty ? nil : Int(String(decoding: rest, as: UTF8.self))
        }
        return nil
    }

    private static func leadingNumber(_ s: Substring) -> Int? {
        let digits = s.prefix { $0.isASCII && $0.isNumber }
        return digits.isEmpty ? nil : Int(digits)
    }
}

extension String {
    /// Paragraphs separated by blank lines.
    func components(separatedByBlankLines: Void) -> [String] {
        var out: [String] = []
        var current: [Substring] = []
        for line in split(separator: "\n", omittingEmptySubsequences: false) {
            if line.allSatisfy(\.isWhitespace) {
                if !current.isEmpty { out.append(current.joined(separator: "\n")) }
                current.removeAll()
            } else {
                current.append(line)
            }
        }
        if !current.isEmpty { out.append(current.joined(separator: "\n")) }
        return out
    }
}

extension Substring {
    func trimmingPrefixWhitespace() -> String { String(drop { $0.isWhitespace }) }
}
