import Foundation
import HistoryParsing
import Testing

@testable import HistoryMetrics

/// `GitAttributes` against `git check-attr -a` on a repository with crafted `.gitattributes` files: macros
/// (the built-in `binary`, custom ones, macros naming macros, self-referring ones, definitions in a deeper file,
/// which git ignores), later overrides, nested files, `-attr` and `!attr`, values, anchored patterns. For every
/// path, the reader's attributes must be exactly those git lists.
@Suite struct GitAttributesCheckAttrTests {
    static let files: [(path: String, contents: String)] = [
        (
            ".gitattributes",
            """
            * text=auto
            *.sh text eol=lf
            [attr]mymacro positive -negative !rootattr
            [attr]gen linguist-generated -diff
            [attr]nested mymacro gen
            * rootattr
            root_test3 !rootattr
            macro* mymacro another=77
            gen/** gen
            *.pb.go nested
            *.png binary
            keep.png diff
            *.dat -diff
            *.dat diff
            undo.* binary
            undo.* -binary
            vendor/** linguist-vendored
            vendor/keep/** -linguist-vendored
            docs/*.md !text
            # a comment, then macros that name one another
            [attr]firstmacro -thirdmacro -secondmacro
            [attr]secondmacro firstmacro -firstmacro
            [attr]thirdmacro secondmacro=hahaha
            macro_bad firstmacro secondmacro thirdmacro
            [attr]self self other
            selfish self
            /anchored.txt anchoredattr
            both.txt diff binary
            both.bin binary diff

            """
        ),
        (
            "tests/resources/.gitattributes",
            """
            * binary
            *.sh text diff merge eol=lf
            [attr]ignoredmacro foo
            *.c ignoredmacro

            """
        ),
        (
            "tests/resources/deep/.gitattributes",
            """
            *.sh -diff
            file.txt !binary
            *.bin binary diff

            """
        ),
        (
            "sub/.gitattributes",
            """
            * subattr=yes -negattr
            *.txt     another=zero
            sub/*.txt another=one
            ab*\t\t\t merge=filfre
            abc\t\t\t -foo -bar
            *.c\t\t\t frotz
            deep/file\t deepdeep

            """
        ),
        (
            "attrtests/.gitattributes",
            """
            * rootattr
            root_test2 -rootattr
            root_test3 !rootattr
            binfile\t   \t\t   binary
            abc\t\tfoo bar baz
            root_test2 multiattr
            root_test3 multi2=foo
            root_test3 multiattr=1 multiattr=2 multiattr=3 multi2=abc !multi2
            root_test2 multiattr=string -multiattr
            [attr]mymacro2 positive -negative !rootattr
            macro* mymacro mymacro2 another=77

            """
        ),
    ]

    static let paths = [
        "a.txt", "run.sh", "anchored.txt", "x/anchored.txt", "root_test3", "macro_x", "macrofile.c", "gen/a.c",
        "gen/sub/b.pb.go", "api.pb.go", "logo.png", "keep.png", "img/keep.png", "data.dat", "undo.png", "vendor/x.c",
        "vendor/keep/y.c", "docs/readme.md", "docs/sub/readme.md", "macro_bad", "selfish", "both.txt", "both.bin",
        "tests/resources/push.sh", "tests/resources/a.txt", "tests/resources/x.c", "tests/resources/deep/run.sh",
        "tests/resources/deep/file.txt", "tests/resources/deep/z.bin", "tests/resources/deep/q.png",
        "sub/a.txt", "sub/sub/b.txt", "sub/abc", "sub/abd", "sub/x.c", "sub/deep/file", "sub/sub/deep/file",
        "attrtests/abc", "attrtests/macro1", "attrtests/root_test2", "attrtests/root_test3", "attrtests/binfile",
        "attrtests/macro_bad",
    ]

    /// `git check-attr -a` for every path, in a fresh repository holding the files (no user or system
    /// configuration, so no other attributes file is read).
    static func checkAttr() throws -> [String: [String: String]] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "yardstick-check-attr-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        for file in files {
            let url = dir.appendingPathComponent(file.path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.contents.utf8).write(to: url)
        }
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        environment["HOME"] = dir.path
        environment["XDG_CONFIG_HOME"] = dir.path
        func git(_ arguments: [String], input: String = "") throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git", "-C", dir.path] + arguments
            process.environment = environment
            let stdin = Pipe()
            let stdout = Pipe()
            process.standardInput = stdin
            process.standardOutput = stdout
            try process.run()
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
            let data = stdout.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "git \(arguments)")
            return String(decoding: data, as: UTF8.self)
        }
        _ = try git(["init", "-q"])
        let listing = try git(["check-attr", "-a", "--stdin"], input: paths.joined(separator: "\n") + "\n")
        var out: [String: [String: String]] = Dictionary(uniqueKeysWithValues: paths.map { ($0, [:]) })
        for line in listing.split(separator: "\n") {
            let parts = line.components(separatedBy: ": ")
            guard parts.count == 3 else { continue }
            out[parts[0], default: [:]][parts[1]] = parts[2]
        }
        return out
    }

    @Test func everyPathHasGitsAttributes() throws {
        let git = try Self.checkAttr()
        let reader = GitAttributes(files: Self.files)
        for path in Self.paths {
            let ours = reader.attributes(for: path).mapValues(\.description)
            #expect(ours == git[path], "\(path)")
        }
        // The paths this was written for, as git sees them.
        #expect(git["tests/resources/push.sh"]?["diff"] == "set")
        #expect(git["tests/resources/push.sh"]?["binary"] == "set")
        #expect(git["tests/resources/deep/run.sh"]?["diff"] == "unset")
        #expect(git["tests/resources/deep/file.txt"]?["diff"] == nil)
        #expect(git["undo.png"]?["diff"] == nil)
    }

    /// What the counted sizes take from it: a path is left out as binary when `diff` is unset.
    @Test func flagsFollowGitsDiffAttribute() {
        let reader = GitAttributes(files: Self.files)
        #expect(reader.flags(for: "tests/resources/push.sh") == [])
        #expect(reader.flags(for: "tests/resources/a.txt") == [.binary, .noDiff])
        #expect(reader.flags(for: "tests/resources/deep/run.sh") == [.binary, .noDiff])
        #expect(reader.flags(for: "tests/resources/deep/file.txt") == [])
        #expect(reader.flags(for: "tests/resources/deep/z.bin") == [])
        #expect(reader.flags(for: "logo.png") == [.binary, .noDiff])
        #expect(reader.flags(for: "keep.png") == [])
        #expect(reader.flags(for: "undo.png") == [])
        #expect(reader.flags(for: "data.dat") == [])
        #expect(reader.flags(for: "both.txt") == [.binary, .noDiff])
        #expect(reader.flags(for: "both.bin") == [])
        #expect(reader.flags(for: "gen/a.c") == [.linguistGenerated, .noDiff])
        #expect(reader.flags(for: "gen/sub/b.pb.go") == [.linguistGenerated, .noDiff])
        #expect(reader.flags(for: "vendor/x.c") == [.linguistVendored])
        #expect(reader.flags(for: "vendor/keep/y.c") == [])
    }

    /// Where `diff` is set, git diffs the file as text whatever its content: `forcesText` is true exactly where
    /// `git check-attr` says `diff: set`, and `setsDiff` says whether any rule (or a macro a rule sets) does.
    @Test func forcedTextIsWhereGitSetsDiff() throws {
        let git = try Self.checkAttr()
        let attributes = GitAttributes(files: Self.files)
        var forced = 0
        for path in Self.paths {
            #expect(attributes.forcesText(path) == (git[path]?["diff"] == "set"), "\(path)")
            if attributes.forcesText(path) { forced += 1 }
        }
        #expect(forced > 0)
        #expect(attributes.setsDiff)
        #expect(!GitAttributes(files: [(".gitattributes", "*.png binary\n*.c -diff\n*.h diff=cpp\n")]).setsDiff)
        #expect(GitAttributes(files: [(".gitattributes", "*.c -diff\nx.c diff\n")]).setsDiff)
        #expect(GitAttributes(files: [(".gitattributes", "[attr]texty diff -text\nx.bin texty\n")]).setsDiff)
        #expect(!GitAttributes(files: [("sub/.gitattributes", "[attr]texty diff\nx.bin texty\n")]).setsDiff)
        #expect(GitAttributes(files: [(".gitattributes", "*.dat -text diff\n")]).forcesText("a/b.dat"))
        #expect(!GitAttributes(files: [(".gitattributes", "*.dat diff\n*.dat diff=ignore\n")]).forcesText("b.dat"))
    }

    /// `flags(for:)` reads only the rules that can give a flag its value (those naming a flag's attribute or a
    /// macro that stands for one): on every path, the same flags as from every rule, and the flags git's
    /// attributes give.
    @Test func flagsFromTheRulesThatCanSetThemAreThoseOfEveryRule() {
        let attributes = GitAttributes(files: Self.files)
        var set = 0
        for path in Self.paths {
            #expect(attributes.flags(for: path) == attributes.flagsFromEveryRule(for: path), "\(path)")
            if !attributes.flags(for: path).isEmpty { set += 1 }
        }
        #expect(set == 11)
        #expect(attributes.flags(for: "gen/sub/b.pb.go") == [.linguistGenerated, .noDiff])
        #expect(attributes.flags(for: "tests/resources/deep/run.sh") == [.binary, .noDiff])
        #expect(attributes.flags(for: "tests/resources/push.sh").isEmpty)
    }
}
