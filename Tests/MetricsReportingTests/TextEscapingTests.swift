import Testing

@testable import MetricsReporting

struct TextEscapingTests {
    @Test(arguments: [
        ("Alice Anders", "Alice Anders"),
        ("René Lefèvre 日本", "René Lefèvre 日本"),
        ("\u{1B}[31mred\u{1B}[0m", "\\x1B[31mred\\x1B[0m"),
        ("bell\u{07}back\u{08}del\u{7F}", "bell\\x07back\\x08del\\x7F"),
        ("cr\rnl\ntab\tnul\u{0}", "cr\\x0Dnl\\x0Atab\\x09nul\\x00"),
        ("c1\u{85}\u{9B}", "c1\\u0085\\u009B"),
        ("evil\u{202E}txt.exe\u{202C}", "evil\\u202Etxt.exe\\u202C"),
        (
            "\u{202A}\u{202B}\u{202D}\u{2066}\u{2067}\u{2068}\u{2069}",
            "\\u202A\\u202B\\u202D\\u2066\\u2067\\u2068\\u2069"
        ),
        ("\u{200F}\u{2065}\u{206A}\u{A0}", "\u{200F}\u{2065}\u{206A}\u{A0}"),
        ("back\\slash <x> | *", "back\\slash <x> | *"),
    ])
    func terminal(text: String, expected: String) {
        #expect(TextEscaping.terminal(text) == expected)
    }

    @Test func terminalKeepsTabsWhenAsked() {
        #expect(TextEscaping.terminal("\tindented\u{1B}", keepingTabs: true) == "\tindented\\x1B")
        #expect(TextEscaping.terminal("\tindented", keepingTabs: false) == "\\x09indented")
    }

    @Test(arguments: [
        ("plain words", "plain words"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
        ("EventLoopFuture<T>", "EventLoopFuture&lt;T&gt;"),
        ("__init__ and *bold*", "\\_\\_init\\_\\_ and \\*bold\\*"),
        ("a `code` span", "a \\`code\\` span"),
        ("pipe | and & amp", "pipe \\| and &amp; amp"),
        ("back\\slash", "back\\\\slash"),
        ("# heading", "\\# heading"),
        ("not # heading", "not # heading"),
        ("line\nbreak\rand\ttab", "line break and tab"),
        ("\u{1B}[31mred\u{07}\u{7F}\u{202E}", "\\x1B\\[31mred\\x07\\x7F\\u202E"),
    ])
    func markdown(text: String, expected: String) {
        #expect(TextEscaping.markdown(text) == expected)
    }

    @Test(arguments: [
        ("main", "`main`"),
        ("feat/x`y", "``feat/x`y``"),
        ("a``b`c", "```a``b`c```"),
        ("`start", "`` `start ``"),
        ("end`", "`` end` ``"),
        ("esc\u{1B}[31m", "`esc\\x1B[31m`"),
        ("<b>|*_", "`<b>|*_`"),
    ])
    func markdownCode(text: String, expected: String) {
        #expect(TextEscaping.markdownCode(text) == expected)
    }

    @Test(arguments: [
        ("alice@acme.com", "<alice@acme.com>"),
        ("first.last+tag@sub.example-corp.io", "<first.last+tag@sub.example-corp.io>"),
        (
            "49699333+dependabot[bot]@users.noreply.github.com",
            "&lt;49699333+dependabot\\[bot\\]@users.noreply.github.com&gt;"
        ),
        ("img src=x onerror=alert(1)", "&lt;img src=x onerror=alert(1)&gt;"),
        ("a@evil\u{1B}[31m.com", "&lt;a@evil\\x1B\\[31m.com&gt;"),
        ("x@-bad.com", "&lt;x@-bad.com&gt;"),
        ("x@a..b", "&lt;x@a..b&gt;"),
        ("@nobody.com", "&lt;@nobody.com&gt;"),
        ("", "&lt;&gt;"),
    ])
    func markdownEmail(email: String, expected: String) {
        #expect(TextEscaping.markdownEmail(email) == expected)
    }

    @Test(arguments: [
        ("Alice <alice@acme.com>", "Alice <alice@acme.com>"),
        ("<b>Eve</b> <eve@x.org>", "&lt;b&gt;Eve&lt;/b&gt; <eve@x.org>"),
        ("Mallory <img src=x onerror=alert(1)>", "Mallory &lt;img src=x onerror=alert(1)&gt;"),
        ("no address", "no address"),
    ])
    func markdownIdentity(identity: String, expected: String) {
        #expect(TextEscaping.markdownIdentity(identity) == expected)
    }

    @Test(arguments: [
        ("src/main.swift", "src/main.swift"),
        ("dir with space/é.txt", "dir with space/é.txt"),
        ("new\nline.txt", "\"new\\nline.txt\""),
        ("tab\there", "\"tab\\there\""),
        ("quote\"d", "\"quote\\\"d\""),
        ("back\\slash", "\"back\\\\slash\""),
        ("esc\u{1B}[31m\u{07}\u{7F}", "\"esc\\033[31m\\a\\177\""),
        ("bidi\u{202E}", "\"bidi\\342\\200\\256\""),
        ("c1\u{85}", "\"c1\\302\\205\""),
    ])
    func quotedPath(path: String, expected: String) {
        #expect(TextEscaping.quotedPath(path) == expected)
    }
}
