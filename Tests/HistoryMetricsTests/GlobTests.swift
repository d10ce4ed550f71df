import Testing

@testable import HistoryMetrics
@testable import HistoryParsing

struct GlobTests {
    @Test(arguments: [
        // `*` within a name; unanchored patterns match the base name at any depth.
        ("*.swift", "main.swift", true),
        ("*.swift", "Sources/App/main.swift", true),
        ("*.swift", "main.swiftx", false),
        ("*.swift", "main.swift/readme.md", false),
        ("*.swift", ".swift", true),
        ("*", "anything/at/all.txt", true),
        ("Makefile", "Makefile", true),
        ("Makefile", "sub/Makefile", true),
        ("Makefile", "sub/Makefile.am", false),
        // `?` is one character, never a slash.
        ("?.c", "a.c", true),
        ("?.c", "ab.c", false),
        ("?.c", ".c", false),
        ("a?b", "a/b", false),
        // A slash in the middle anchors the pattern at the base directory.
        ("Sources/*.swift", "Sources/main.swift", true),
        ("Sources/*.swift", "Sources/App/main.swift", false),
        ("Sources/*.swift", "Other/Sources/main.swift", false),
        ("docs/*", "docs/a/b.md", false),
        // `**/` matches zero or more directories.
        ("**/foo.txt", "foo.txt", true),
        ("**/foo.txt", "a/foo.txt", true),
        ("**/foo.txt", "a/b/c/foo.txt", true),
        ("**/foo.txt", "a/xfoo.txt", false),
        ("**/foo.txt", "xfoo.txt", false),
        ("a/**/b", "a/b", true),
        ("a/**/b", "a/x/b", true),
        ("a/**/b", "a/x/y/b", true),
        ("a/**/b", "a/x/y/c", false),
        ("a/**/b", "x/a/b", false),
        // `dir/**` matches everything inside dir.
        ("dir/**", "dir/a", true),
        ("dir/**", "dir/a/b/c.txt", true),
        ("dir/**", "dir", false),
        ("dir/**", "other/dir/a", false),
        ("dir/**", "directory/a", false),
        ("Generated/**/*.swift", "Generated/x.swift", true),
        ("Generated/**/*.swift", "Generated/a/b/x.swift", true),
        ("Generated/**/*.swift", "Generated/a/b/x.txt", false),
        // Character classes.
        ("[abc].txt", "a.txt", true),
        ("[abc].txt", "c.txt", true),
        ("[abc].txt", "d.txt", false),
        ("[!a].txt", "b.txt", true),
        ("[!a].txt", "a.txt", false),
        ("[^a].txt", "a.txt", false),
        ("[^a].txt", "z.txt", true),
        ("file[0-9].log", "file7.log", true),
        ("file[0-9].log", "filex.log", false),
        ("[]]", "]", true),
        // An unclosed bracket is an ordinary character.
        ("[abc", "[abc", true),
        ("[abc", "a", false),
        // Escapes.
        (#"\*.txt"#, "*.txt", true),
        (#"\*.txt"#, "a.txt", false),
        (#"a\?"#, "a?", true),
        (#"a\?"#, "ab", false),
    ])
    func matchesPath(pattern: String, path: String, expected: Bool) {
        #expect(Glob(pattern).matches(path) == expected)
    }

    @Test(arguments: [
        (#"*\[bot\]*"#, "dependabot[bot]", true),
        (#"*\[bot\]*"#, "49699333+dependabot[bot]@users.noreply.github.com", true),
        (#"*\[bot\]*"#, "dependabot", false),
        (#"*\[bot\]*"#, "b", false),
        (#"*\[bot\]*"#, "robot", false),
        ("*@acme.com", "ada@acme.com", true),
        ("*@acme.com", "ada@eu.acme.com", false),
        ("*@*.acme.com", "ada@eu.acme.com", true),
        // `/` is an ordinary character for text.
        ("src/*.c", "src/x/y.c", true),
        ("a*z", "a/b/z", true),
        ("a?z", "a/z", true),
        ("**", "x/y", true),
        ("dependabot*", "dependabot[bot]", true),
        ("dependabot*", "Dependabot", false),
        ("[a-c]*", "bob", true),
        ("[a-c]*", "dave", false),
    ])
    func matchesText(pattern: String, text: String, expected: Bool) {
        #expect(Glob(pattern).matchesText(text) == expected)
    }

    @Test func textAndPathDifferOnSlashes() {
        let glob = Glob("src/*.c")
        #expect(!glob.matches("src/x/y.c"))
        #expect(glob.matchesText("src/x/y.c"))
        let unanchored = Glob("a*z")
        #expect(!unanchored.matches("a/z"))  // base name "z"
        #expect(unanchored.matchesText("a/z"))
    }

    @Test func leadingSlashAnchorsAtTheBase() {
        let glob = Glob("/Package.swift")
        #expect(glob.matches("Package.swift"))
        #expect(glob.description == "/Package.swift")
        #expect(glob.pattern == "/Package.swift")
        #expect(!glob.matches("Sub/Package.swift"))
    }

    @Test func anchoredPatternWithLeadingSlash() {
        #expect(Glob("/docs/*.md").matches("docs/a.md"))
        #expect(!Glob("/docs/*.md").matches("x/docs/a.md"))
    }
}
