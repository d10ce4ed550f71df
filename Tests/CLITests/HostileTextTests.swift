import Foundation
import TestSupport
import Testing

private func yardstick(_ arguments: [String]) -> Command.Result {
    Command.run(Command.yardstick, arguments)
}

/// Text from the repository (names, e-mails, subjects, branch, paths, file text) never reaches a terminal
/// or a Markdown document as control characters or markup: every human format shows it escaped.
@Suite struct HostileTextTests {
    static let repo = HostileRepositories.path("hostile")

    /// The scalars that must never be written: C0 controls but newline (and tab where allowed), DEL, C1
    /// controls, bidi embeddings, overrides and isolates.
    static func forbidden(_ text: String, allowTab: Bool = false) -> [String] {
        text.unicodeScalars.filter { s in
            let v = s.value
            if v == 0x0A || (allowTab && v == 0x09) { return false }
            return v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v)
                || (0x2066...0x2069).contains(v)
        }.map { String(format: "U+%04X", $0.value) }
    }

    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    @Test func theRepositoryReallyHoldsHostileBytes() throws {
        // The JSON report carries the raw text (JSON escapes C0 itself); the human formats must not.
        let result = yardstick(["analyze", Self.repo, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stdout.contains(#""name" : "Eve \u001b[31mRed\u001b[0m""#)
                || result.stdout.contains(#""name":"Eve \u001b[31mRed\u001b[0m""#))
        #expect(result.stdout.contains("\u{202E}"))
        #expect(result.stdout.contains("feat`x"))
    }

    @Test func table() {
        // Wide enough that the bots line is not wrapped between words.
        let result = yardstick(["analyze", Self.repo, "--width", "200"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Self.forbidden(result.stdout).isEmpty, "\(Self.forbidden(result.stdout))")
        let lines = Self.lines(result.stdout)
        #expect(lines.contains { $0.hasPrefix("branch feat`x at ") })
        #expect(lines.contains("evil\\x1B[31m.example — 1 landed change by 1 author"))
        #expect(lines.contains("Bots set apart: robo\\x1B]0;pwned\\x07[bot] <robo[bot]@users.noreply.github.com> (1)"))
    }

    @Test func markdown() {
        let result = yardstick(["analyze", Self.repo, "--format", "markdown"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Self.forbidden(result.stdout).isEmpty, "\(Self.forbidden(result.stdout))")
        for raw in ["<script", "<img", "[x](javascript", "<b>", "Future<T>", " __init__", "*helpers*", "[bot]"] {
            #expect(!result.stdout.contains(raw), "\(raw)")
        }
        let lines = Self.lines(result.stdout)
        #expect(lines.contains { $0.hasPrefix("Branch ``feat`x`` at `") })
        #expect(lines.contains("## evil\\x1B\\[31m.example"))
        #expect(lines.contains("Authors: Mallory &lt;mallory@evil\\x1B\\[31m.example&gt; (1, e-mail domain)."))
        #expect(
            lines.contains(
                "Authors: Alice Anders <alice@acme.com> (2, e-mail domain); Bella\\x07 Bell <bella@acme.com> (1, e-mail domain); Bidi \\u202Eevil\\u202C \\u2066x\\u2069 \\u009B31m <bidi@acme.com> (1, e-mail domain); Carl Overwrite <carl@acme.com> (1, e-mail domain); Eve \\x1B\\[31mRed\\x1B\\[0m <eve@acme.com> (1, e-mail domain)."
            ))
        #expect(
            lines.contains(
                "- robo\\x1B\\]0;pwned\\x07\\[bot\\] &lt;robo\\[bot\\]@users.noreply.github.com&gt;: 1 landed change"))
        let rows = lines.filter { $0.hasPrefix("| `") }.map {
            $0.split(separator: " | ").dropFirst(2).joined(separator: " | ")
        }
        #expect(
            rows == [
                "robo\\x1B\\]0;pwned\\x07\\[bot\\] &lt;robo\\[bot\\]@users.noreply.github.com&gt; | bots | 1 | 0 | 1 | 0 | 2024-03-08 | Bump &lt;b&gt;deps&lt;/b&gt; |",
                "Alice Anders <alice@acme.com> | acme.com | 3 | 0 | 3 | 0 | 2024-03-07 | \\# Not a heading |",
                "Mallory &lt;mallory@evil\\x1B\\[31m.example&gt; | evil\\x1B\\[31m.example | 2 | 0 | 2 | 0 | 2024-03-06 | Subject with ESC \\x1B\\[31mred\\x1B\\[0m and BEL\\x07 and DEL\\x7F |",
                "Bidi \\u202Eevil\\u202C \\u2066x\\u2069 \\u009B31m <bidi@acme.com> | acme.com | 1 | 0 | 1 | 0 | 2024-03-05 | Add EventLoopFuture&lt;T&gt; &amp; \\_\\_init\\_\\_ \\*helpers\\* \\`now\\` \\| #1 |",
                "Carl Overwrite <carl@acme.com> | acme.com | 1 | 0 | 1 | 0 | 2024-03-04 | \\[x\\](javascript:alert(1)) |",
                "Bella\\x07 Bell <bella@acme.com> | acme.com | 1 | 0 | 1 | 0 | 2024-03-03 | &lt;img src=x onerror=alert(1)&gt; |",
                "Eve \\x1B\\[31mRed\\x1B\\[0m <eve@acme.com> | acme.com | 1 | 0 | 1 | 0 | 2024-03-02 | &lt;script&gt;alert(1)&lt;/script&gt; |",
                "Alice Anders <alice@acme.com> | acme.com | 4 | 0 | 3 | 0 | 2024-03-01 | Initial import |",
            ])
    }

    /// `.gitattributes` holds `*a*a*…*a*b` (16 `*a`), which a backtracking matcher takes minutes over on a
    /// name of 40 a's: the run finishes, and the attribute applies to exactly the name that matches.
    @Test func exponentialAttributePatternIsMatchedExactly() throws {
        let result = yardstick(["analyze", Self.repo, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let prs = try #require(json["pullRequests"] as? [[String: Any]])
        let initial = try #require(prs.first { $0["title"] as? String == "Initial import" })
        let excluded = try #require(initial["excludedFiles"] as? [[String: Any]])
        let a40 = String(repeating: "a", count: 40)
        #expect(excluded.map { $0["path"] as? String } == [a40 + "b"])
        #expect(excluded.map { $0["reason"] as? String } == [".gitattributes linguist-generated"])
        #expect(initial["additions"] as? Int == 4)
        #expect(initial["countedAdditions"] as? Int == 3)
    }

    @Test func groups() {
        let result = yardstick(["groups", Self.repo])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stdout == """
                Group                 Author                                                          Rule           Commits  Landed
                acme.com              Alice Anders <alice@acme.com>                                   e-mail domain  2        2
                acme.com              Bella\\x07 Bell <bella@acme.com>                                 e-mail domain  1        1
                acme.com              Bidi \\u202Eevil\\u202C \\u2066x\\u2069 \\u009B31m <bidi@acme.com>   e-mail domain  1        1
                acme.com              Carl\\x0DOverwrite <carl@acme.com>                               e-mail domain  1        1
                acme.com              Eve \\x1B[31mRed\\x1B[0m <eve@acme.com>                           e-mail domain  1        1
                bots                  robo\\x1B]0;pwned\\x07[bot] <robo[bot]@users.noreply.github.com>  bot pattern    1        1
                evil\\x1B[31m.example  Mallory <mallory@evil\\x1B[31m.example>                          e-mail domain  1        1

                """)
        #expect(Self.forbidden(result.stdout).isEmpty)
    }

    @Test func blame() {
        let result = yardstick(["blame", "--repo", Self.repo, "new\nline.txt", "esc\u{1B}[31m.txt", "README.md"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Self.forbidden(result.stdout, allowTab: true).isEmpty)
        let rows = Self.lines(result.stdout).map { $0.dropFirst(41) }
        #expect(
            rows == [
                "\"new\\nline.txt\" 1) one",
                "\"new\\nline.txt\" 2) two",
                "\"esc\\033[31m.txt\" 1) plain",
                "\"esc\\033[31m.txt\" 2) \ttabbed",
                "\"esc\\033[31m.txt\" 3) colour \\x1B[31mred\\x1B[0m",
                "README.md 1) hello",
                "",
            ])
    }

    @Test func errorMessagesQuotingRepositoryTextAreEscaped() {
        let missing = yardstick(["blame", "--repo", Self.repo, "gone\u{1B}[2J\r.txt"])
        #expect(missing.status == 1)
        #expect(missing.stderr.hasPrefix("error: gone\\x1B[2J\\x0D.txt: no such file at HEAD ("), "\(missing.stderr)")
        #expect(missing.stderr.split(separator: "\n").count == 1)
        #expect(Self.forbidden(missing.stderr).isEmpty)
        let branch = yardstick(["analyze", Self.repo, "--branch", "no\u{7}pe\u{202E}"])
        #expect(branch.status == 1)
        #expect(branch.stderr.contains("unknown branch or revision 'no\\x07pe\\u202E'"), "\(branch.stderr)")
        #expect(Self.forbidden(branch.stderr).isEmpty)
    }
}
