import TestSupport
import Testing

@testable import HistoryMetrics
@testable import HistoryParsing

/// Patterns come from analysed repositories (`.gitattributes`) and from configuration, so matching must
/// finish whatever they are: these cases took exponential time with the recursive matcher.
struct GlobLinearTimeTests {
    static let manyStars = String(repeating: "*a", count: 16) + "*b"

    @Test func starsThenAMissingByteFinish() {
        let glob = Glob(Self.manyStars)
        let name = String(repeating: "a", count: 40)
        #expect(!glob.matches(name))
        #expect(!glob.matches("dir/" + name))
        #expect(!glob.matchesText(name))
        #expect(glob.matches(name + "b"))
        #expect(glob.matchesText("x/" + name + "b"))
        let split = String(repeating: "a", count: 20) + "/" + String(repeating: "a", count: 20) + "b"
        #expect(glob.matches(split))  // the base name alone matches
        #expect(!Glob("/" + Self.manyStars).matches(split))  // `*` does not cross the slash
        #expect(Glob("/" + Self.manyStars).matchesText(split))  // except in text
    }

    @Test func longTextsFinish() {
        let text = String(repeating: "a", count: 100_000)
        #expect(!Glob(Self.manyStars).matchesText(text))
        #expect(Glob(Self.manyStars).matchesText(text + "b"))
        #expect(!Glob("/" + Self.manyStars).matches(text))
    }

    @Test func doubleStarsFinish() {
        let glob = Glob(String(repeating: "**/", count: 20) + "x")
        let deep = Array(repeating: "a", count: 40).joined(separator: "/")
        #expect(!glob.matches(deep + "/y"))
        #expect(glob.matches(deep + "/x"))
        let anyRun = Glob("a/" + String(repeating: "**a", count: 16) + "**b")
        #expect(!anyRun.matches("a/" + Array(repeating: "a", count: 40).joined(separator: "/")))
        #expect(anyRun.matches("a/" + Array(repeating: "a", count: 40).joined(separator: "/") + "b"))
    }

    @Test func questionMarksAndClassesFinish() {
        let glob = Glob(String(repeating: "*[ab]?", count: 12) + "c")
        let name = String(repeating: "ab", count: 30)
        #expect(!glob.matches(name))
        #expect(glob.matches(name + "c"))
    }

    @Test func pathologicalAttributesFinish() {
        let attributes = GitAttributes(files: [(".gitattributes", Self.manyStars + " linguist-generated\n")])
        #expect(attributes.flags(for: String(repeating: "a", count: 40)) == [])
        #expect(attributes.flags(for: String(repeating: "a", count: 40) + "b") == [.linguistGenerated])
    }

    /// The automaton agrees with the recursive matcher it replaced on every pair of a fixed pseudo-random
    /// sample of patterns and texts over the bytes that matter (`*`, `?`, `[`, `]`, `!`, `-`, `\`, `/`).
    @Test(arguments: [true, false])
    func agreesWithTheRecursiveMatcher(slashIsSpecial: Bool) {
        var random = SeededGenerator(seed: 0x5eed)
        let patternBytes = Array("ab*?[]!-\\/".utf8)
        let textBytes = Array("ab]-\\/*".utf8)
        var disagreements: [String] = []
        var matched = 0
        for _ in 0..<20_000 {
            let pattern = (0..<random.below(8)).map { _ in patternBytes[random.below(patternBytes.count)] }
            let text = (0..<random.below(7)).map { _ in textBytes[random.below(textBytes.count)] }
            let expected = Reference.match(pattern[...], text[...], slashIsSpecial: slashIsSpecial)
            let got = Glob.Program(pattern[...], slashIsSpecial: slashIsSpecial).matches(text[...])
            if expected { matched += 1 }
            if got != expected {
                disagreements.append(
                    "\(String(decoding: pattern, as: UTF8.self)) ~ \(String(decoding: text, as: UTF8.self))")
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10))")
        #expect(matched > 500)  // the sample exercises matches, not only failures
    }
}

/// The recursive (backtracking) matcher Glob used before, kept verbatim as the reference semantics.
private enum Reference {
    static func match(_ pattern: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>, slashIsSpecial: Bool = true) -> Bool {
        var p = pattern.startIndex
        var t = text.startIndex
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
                            if match(pattern[rest...], text[s...], slashIsSpecial: true) { return true }
                            guard let next = text[s...].firstIndex(of: slash) else { return false }
                            s = next + 1
                        }
                    }
                    var s = t
                    while true {
                        if match(pattern[rest...], text[s...], slashIsSpecial: true) { return true }
                        if s == text.endIndex { return false }
                        s += 1
                    }
                }
                var rest = p + 1
                while rest < pattern.endIndex && pattern[rest] == star { rest += 1 }
                var s = t
                while true {
                    if match(pattern[rest...], text[s...], slashIsSpecial: slashIsSpecial) { return true }
                    if s == text.endIndex || (slashIsSpecial && text[s] == slash) { return false }
                    s += 1
                }
            }
            guard t < text.endIndex else { return false }
            if c == UInt8(ascii: "?") {
                if slashIsSpecial && text[t] == slash { return false }
            } else if c == UInt8(ascii: "["), let (ok, next) = matchClass(pattern, p, text[t]) {
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

    /// Matches `[...]` at `start`; returns whether `ch` is in the class and the index after `]`, or nil when
    /// the bracket is not closed (then it is an ordinary character).
    private static func matchClass(_ pattern: ArraySlice<UInt8>, _ start: Int, _ ch: UInt8) -> (Bool, Int)? {
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
