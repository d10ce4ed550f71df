import Foundation
import HistoryModel
import TestSupport
import Testing

@testable import GitBridge

@Suite struct RepositoryTests {
    @Test func opensWorkingTreeAndBareRepositories() throws {
        let work = try Repository(path: SampleRepositories.path("github-merge"))
        #expect(!work.isBare)
        #expect(work.workingDirectory != nil)
        let bare = try Repository(path: SampleRepositories.path("github-merge.git"))
        #expect(bare.isBare)
        #expect(bare.workingDirectory == nil)
        #expect(try work.resolveCommit("HEAD") == bare.resolveCommit("HEAD"))
        #expect(try work.resolveCommit("HEAD").hex == "fec84f68b9458a7995c12400d912bdc5e58ee2dc")
        #expect(work.headBranchName == "main")
    }

    @Test func notARepositoryIsNotFound() {
        do {
            _ = try Repository(path: SampleRepositories.path("not-a-repo"))
            Issue.record("expected an error")
        } catch {
            #expect(error.isNotFound)
        }
    }

    @Test func unknownRevisionThrows() throws {
        let repo = try Repository(path: SampleRepositories.path("squash"))
        #expect(throws: GitError.self) { try repo.resolveCommit("no-such-branch") }
    }

    @Test func emptyRepositoryHasAnUnbornHead() throws {
        let repo = try Repository(path: SampleRepositories.path("empty"))
        #expect(repo.isHeadUnborn)
    }

    @Test func shallowBoundariesAreListed() throws {
        let repo = try Repository(path: SampleRepositories.path("shallow"))
        #expect(repo.isShallow)
        #expect(repo.shallowBoundaries().map(\.short) == ["712a175", "af94c62", "ddd933f"].sorted())
    }

    @Test func firstParentLineOfTheSquashRepository() throws {
        let repo = try Repository(path: SampleRepositories.path("squash"))
        let line = try repo.firstParentLine(from: try repo.resolveCommit("HEAD"))
        #expect(
            line.map(\.short) == [
                "522e3e9", "5c501d3", "edde372", "2f8499c", "6a029a2", "f8d8b6f", "737132e", "b7c6886",
            ])
    }

    @Test func mailmapMapsTheAliasAtTheTip() throws {
        let repo = try Repository(path: SampleRepositories.path("github-merge"))
        let tip = try repo.resolveCommit("HEAD")
        let mailmap = try Mailmap(contents: try repo.fileContents(".mailmap", at: tip))
        let resolved = mailmap.resolve(Identity(name: "Alice A", email: "alice.anders@old-acme.example"))
        #expect(resolved == Identity(name: "Alice Anders", email: "alice@acme.com"))
        #expect(try repo.fileContents("no-such-file", at: tip) == nil)
    }
}

@Suite struct MailmapTests {
    /// Lines whose old address is empty map commits recorded without one, as git does (libgit2 refuses the whole
    /// file for one such line: Perl/perl5's `.mailmap` has three); a line whose first address is empty is ignored.
    /// Old names and addresses match in any ASCII case, as git's `strcasecmp` (libgit2 alone matches exactly). Each
    /// expectation is what `git check-mailmap` printed for the same file (git 2.39).
    @Test func emptyAddressesAreMappedAsGitMapsThem() throws {
        let contents = Array(
            ("# comment\nReal Name <real@example.org> Old Name <>\nSimple Person <simple@example.org> <>\n"
                + "Ignored <> Someone <someone@example.org>\nAlice Anders <alice@acme.com> <alice@old.example>\n").utf8)
        let mailmap = try Mailmap(contents: contents)
        let cases: [(Identity, Identity)] = [
            (Identity(name: "Old Name", email: ""), Identity(name: "Real Name", email: "real@example.org")),
            (Identity(name: "OLD NAME", email: ""), Identity(name: "Real Name", email: "real@example.org")),
            (Identity(name: "Other", email: ""), Identity(name: "Simple Person", email: "simple@example.org")),
            (
                Identity(name: "Someone", email: "someone@example.org"),
                Identity(name: "Someone", email: "someone@example.org")
            ),
            (Identity(name: "Al", email: "alice@old.example"), Identity(name: "Alice Anders", email: "alice@acme.com")),
            (Identity(name: "Al", email: "ALICE@old.example"), Identity(name: "Alice Anders", email: "alice@acme.com")),
        ]
        for (given, expected) in cases {
            #expect(mailmap.resolve(given) == expected, "\(given)")
        }
        // Case: a one-address line keeps the commit's address as written; a named line matches the old name and
        // address in any case and gives the new ones as written.
        let cased = try Mailmap(
            contents: Array(
                "Proper Name <Proper@Example.org>\nNew Name <New@Example.org> Old Name <Old@Example.org>\n".utf8))
        let casedCases: [(Identity, Identity)] = [
            (
                Identity(name: "x", email: "proper@example.org"),
                Identity(name: "Proper Name", email: "proper@example.org")
            ),
            (
                Identity(name: "x", email: "Proper@Example.org"),
                Identity(name: "Proper Name", email: "Proper@Example.org")
            ),
            (
                Identity(name: "old name", email: "OLD@example.org"),
                Identity(name: "New Name", email: "New@Example.org")
            ),
            (Identity(name: "Other", email: "old@example.org"), Identity(name: "Other", email: "old@example.org")),
        ]
        for (given, expected) in casedCases {
            #expect(cased.resolve(given) == expected, "\(given)")
        }
        // Without the simple entry, an unknown name with an empty address stays as it is.
        let named = try Mailmap(contents: Array("Real Name <real@example.org> Old Name <>".utf8))
        #expect(named.resolve(Identity(name: "Other", email: "")) == Identity(name: "Other", email: ""))
    }
}

@Suite struct TreeDifferTests {
    @Test func rootCommitDiffsAgainstTheEmptyTree() throws {
        let repo = try Repository(path: SampleRepositories.path("squash"))
        let root = try repo.resolveCommit("b7c6886")
        let files = try TreeDiffer(repository: repo).diff(base: nil, tip: root)
        #expect(files.allSatisfy { $0.status == .added })
        #expect(files.totalAdditions == 160)
        #expect(files.totalDeletions == 0)
    }

    @Test func binaryFilesAreFlaggedAndNotCounted() throws {
        let repo = try Repository(path: SampleRepositories.path("github-merge"))
        let root = try repo.resolveCommit("f879d7c")
        let files = try TreeDiffer(repository: repo).diff(base: nil, tip: root)
        let logo = try #require(files.first { $0.path.hasSuffix("logo.png") })
        #expect(logo.isBinary)
        #expect(logo.additions == 0)
        #expect(logo.hunks.isEmpty)
    }

    @Test func hunksAddUpToTheCounts() throws {
        let repo = try Repository(path: SampleRepositories.path("github-merge"))
        let tip = try repo.resolveCommit("HEAD")
        let base = try repo.resolveCommit("f879d7c")
        let files = try TreeDiffer(repository: repo).diff(base: base, tip: tip)
        for f in files where !f.isBinary && f.status != .renamed {
            #expect(f.hunks.reduce(0) { $0 + Int($1.newCount) } == f.additions, "\(f.path)")
            #expect(f.hunks.reduce(0) { $0 + Int($1.oldCount) } == f.deletions, "\(f.path)")
        }
    }

    /// Exact renames as git's `find_identical_files` pairs them: the same id, and the same mode unless both are
    /// regular files. A submodule moved as it is is a rename (0/0, as `git diff --numstat` gives
    /// `{modules => vendor}/lib`); a file that turns executable under a new name is one; a symlink and a file with
    /// the same blob are a deletion and an addition.
    @Test func exactRenamesPairAsGitPairsThem() throws {
        let git = Plumbing(bare: "modes")
        let dir = git.dir
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let module = String(repeating: "ab", count: 20)
        let target = try git(["hash-object", "-w", "--stdin"], input: "target")
        let text = try git(["hash-object", "-w", "--stdin"], input: "one\ntwo\n")
        let modules = try git(["mktree", "--missing"], input: "160000 commit \(module)\tlib\n")
        let before = try git(
            ["mktree", "--missing"],
            input: "120000 blob \(target)\tlink\n040000 tree \(modules)\tmodules\n100644 blob \(text)\tplain.txt\n")
        let after = try git(
            ["mktree", "--missing"],
            input: "100755 blob \(text)\texec.sh\n100644 blob \(target)\tfile.txt\n040000 tree \(modules)\tvendor\n")
        let old = try git(["commit-tree", before, "-m", "before"])
        let new = try git(["commit-tree", after, "-p", old, "-m", "after"])
        let repo = try Repository(path: dir)
        let oldID = try #require(ObjectID(hex: old))
        let newID = try #require(ObjectID(hex: new))
        let files = try TreeDiffer(repository: repo).diff(base: oldID, tip: newID)
        #expect(
            files.map { "\($0.status) \($0.oldPath ?? "-") \($0.path) \($0.additions)/\($0.deletions)" } == [
                "renamed plain.txt exec.sh 0/0", "added - file.txt 1/0", "deleted - link 0/1",
                "renamed modules/lib vendor/lib 0/0",
            ])
        // git itself, for the record.
        #expect(
            try git(["diff", "--numstat", "-M", old, new]).split(separator: "\n") == [
                "0\t0\tplain.txt => exec.sh", "1\t0\tfile.txt", "0\t1\tlink", "0\t0\t{modules => vendor}/lib",
            ])
    }

    /// git with fixed identities and dates in the bare repository `dir`; `input` on its standard input.
    struct Plumbing {
        let dir: String

        /// A new bare repository in a folder of its own under the temporary directory (the caller removes it).
        init(bare name: String) {
            dir =
                FileManager.default.temporaryDirectory.appendingPathComponent(
                    "yardstick-\(name)-\(UUID().uuidString)"
                ).path
            let result = Command.run("/usr/bin/git", ["init", "-q", "--bare", dir])
            #expect(result.status == 0, "\(result.stderr)")
        }

        func callAsFunction(_ arguments: [String], input: String? = nil) throws -> String {
            let script = input != nil ? "printf '%s' \"$1\" | git \"${@:2}\"" : "git \"${@:2}\""
            let result = Command.run(
                "/usr/bin/env",
                [
                    "GIT_AUTHOR_NAME=A", "GIT_AUTHOR_EMAIL=a@example.com", "GIT_COMMITTER_NAME=A",
                    "GIT_COMMITTER_EMAIL=a@example.com", "GIT_AUTHOR_DATE=2024-01-01T00:00:00Z",
                    "GIT_COMMITTER_DATE=2024-01-01T00:00:00Z", "/bin/bash", "-c", script, "sh", input ?? "",
                    "-C", dir,
                ] + arguments)
            #expect(result.status == 0, "git \(arguments): \(result.stderr)")
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// Inexact renames whose scores tie, paired as git's `diffcore-rename.c` pairs them: four candidate slots per
    /// destination filled as `record_if_better` fills them (a tie keeps its slot, a better candidate takes the first
    /// of the worst), then a stable sort. `dst/y.txt` takes `src/a.txt` (90%); `dst/x.txt` has four sources at 60%,
    /// but `src/e.txt` took the slot of `src/b.txt` (20%), ahead of `src/c.txt` and `src/d.txt`, so git pairs
    /// it with `src/e.txt` where the first tied source in path order would be `src/c.txt`. And a basename is unique
    /// only if no other file left on its side has it, an empty one included: `old/util.c` (empty) keeps
    /// `lib/util.c` (80%) from the basename step, so `src/util.c` pairs with `lib/helpers.c` (95%).
    @Test func tiedRenameScoresPairAsGitPairsThem() throws {
        let git = Plumbing(bare: "ties")
        let dir = git.dir
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func lines(_ spec: [(String, ClosedRange<Int>)]) -> String {
            spec.flatMap { prefix, range in range.map { String(format: "%@line-%02d\n", prefix, $0) } }.joined()
        }
        func blob(_ text: String) throws -> String { try git(["hash-object", "-w", "--stdin"], input: text) }
        func tree(_ entries: [(String, String)]) throws -> String {
            try git(["mktree"], input: entries.map { "100644 blob \($1)\t\($0)\n" }.joined())
        }
        func commit(_ tree: String, parent: String?) throws -> String {
            try git(["commit-tree", tree, "-m", "c"] + (parent.map { ["-p", $0] } ?? []))
        }
        func diff(_ old: String, _ new: String) throws -> [String] {
            let repo = try Repository(path: dir)
            let base = try #require(ObjectID(hex: old))
            let tip = try #require(ObjectID(hex: new))
            let files = try TreeDiffer(repository: repo).diff(base: base, tip: tip)
            return files.map { "\($0.status) \($0.oldPath ?? "-") \($0.path) \($0.additions)/\($0.deletions)" }
        }
        let x = try blob(lines([("x", 1...10)]))
        let y = try blob(lines([("x", 1...6), ("a", 7...9), ("y", 10...10)]))
        let sources = try ["a", "b", "c", "d", "e"].map { name in
            (
                name + ".txt",
                try blob(lines(name == "b" ? [("x", 1...2), ("b", 3...10)] : [("x", 1...6), (name, 7...10)]))
            )
        }
        let src = try tree(sources)
        let dst = try tree([("x.txt", x), ("y.txt", y)])
        let old = try commit(try git(["mktree"], input: "040000 tree \(src)\tsrc\n"), parent: nil)
        let new = try commit(try git(["mktree"], input: "040000 tree \(dst)\tdst\n"), parent: old)
        #expect(
            try diff(old, new) == [
                "renamed src/e.txt dst/x.txt 4/4", "renamed src/a.txt dst/y.txt 1/1", "deleted - src/b.txt 0/10",
                "deleted - src/c.txt 0/10", "deleted - src/d.txt 0/10",
            ])
        #expect(
            try git(["diff", "--name-status", "-M", old, new]).split(separator: "\n") == [
                "R060\tsrc/e.txt\tdst/x.txt", "R090\tsrc/a.txt\tdst/y.txt", "D\tsrc/b.txt", "D\tsrc/c.txt",
                "D\tsrc/d.txt",
            ])

        // Basenames: `util.c` twice among the deleted files, once empty.
        let lib = try tree([
            ("helpers.c", try blob(lines([("n", 1...19), ("h", 20...20)]))),
            ("util.c", try blob(lines([("n", 1...16), ("u", 17...20)]))),
        ])
        let empty = try tree([("util.c", try blob(""))])
        let moved = try tree([("util.c", try blob(lines([("n", 1...20)])))])
        let before = try commit(
            try git(["mktree"], input: "040000 tree \(lib)\tlib\n040000 tree \(empty)\told\n"), parent: nil)
        let after = try commit(try git(["mktree"], input: "040000 tree \(moved)\tsrc\n"), parent: before)
        #expect(
            try diff(before, after) == [
                "deleted - lib/util.c 0/20", "deleted - old/util.c 0/0", "renamed lib/helpers.c src/util.c 1/1",
            ])
        #expect(
            try git(["diff", "--name-status", "-M", before, after]).split(separator: "\n") == [
                "D\tlib/util.c", "D\told/util.c", "R095\tlib/helpers.c\tsrc/util.c",
            ])
    }

    /// A commit whose `encoding` header names another encoding is read as `git log` shows it: converted to UTF-8
    /// (names, addresses, message), or, when iconv does not know the encoding or the bytes are not valid in it, as
    /// the bytes are (invalid UTF-8 then repaired). Each expectation is also what git prints for the commit.
    @Test func encodingHeadersAreReadAsGitReadsThem() throws {
        let git = Plumbing(bare: "enc")
        let dir = git.dir
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tree = try git(["mktree"], input: "")
        // printf formats: octal escapes are the raw bytes of each encoding.
        func commit(encoding: String, name: String, subject: String) throws -> String {
            let header =
                "tree \(tree)\\nauthor \(name) <s@example.com> 1700000000 +0100\\n"
                + "committer \(name) <s@example.com> 1700000000 +0100\\nencoding \(encoding)\\n\\n\(subject)\\n"
            let result = Command.run(
                "/bin/bash", ["-c", "printf '\(header)' | git -C \"$1\" hash-object -t commit -w --stdin", "sh", dir])
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let cases: [(encoding: String, name: String, subject: String, expected: (String, String))] = [
            ("ISO8859-1", "S\\351bastien Ma\\356tre", "Corrige l\\047\\351tat", ("Sébastien Maître", "Corrige l'état")),
            ("iso-8859-8", "\\371\\354\\345\\355", "\\372\\351\\367\\345\\357", ("שלום", "תיקון")),
            ("latin-1", "Fran\\347ois", "Re\\347u", ("François", "Reçu")),
            ("\\047utf8\\047", "S\\303\\251b", "\\303\\211t\\303\\251", ("Séb", "Été")),
            ("UTF-8", "S\\351b", "ok", ("S\u{FFFD}b", "ok")),
            ("SHIFT_JIS", "A\\377B", "x", ("A\u{FFFD}B", "x")),
        ]
        let repo = try Repository(path: dir)
        let mailmap = try Mailmap(contents: nil)
        for c in cases {
            let id = try commit(encoding: c.encoding, name: c.name, subject: c.subject)
            let header = try repo.commitHeader(try #require(ObjectID(hex: id)), mailmap: mailmap)
            #expect(header.author.name == c.expected.0, "\(c.encoding)")
            #expect(header.committer.name == c.expected.0, "\(c.encoding)")
            #expect(Message.subject(of: header.message) == c.expected.1, "\(c.encoding)")
            let shown = Command.run("/usr/bin/git", ["-C", dir, "log", "-1", "--format=%an%n%s", id])
            #expect(shown.stdout == "\(c.expected.0)\n\(c.expected.1)\n", "\(c.encoding)")
        }
    }

    @Test func identicalCommitsHaveNoChanges() throws {
        let repo = try Repository(path: SampleRepositories.path("gerrit"))
        let tip = try repo.resolveCommit("HEAD")
        #expect(try TreeDiffer(repository: repo).diff(base: tip, tip: tip).isEmpty)
    }

    @Test func zeroContextHunksFromXdiff() throws {
        let repo = try Repository(path: SampleRepositories.path("gerrit"))
        let differ = try TreeDiffer(repository: repo)
        let old = Array("a\nb\nc\nd\n".utf8)
        let new = Array("a\nB\nc\nd\ne\n".utf8)
        let hunks = try old.withUnsafeBytes { o in try new.withUnsafeBytes { n in try differ.hunks(o, n) } }
        #expect(
            hunks == [
                Hunk(oldStart: 2, oldCount: 1, newStart: 2, newCount: 1),
                Hunk(oldStart: 4, oldCount: 0, newStart: 5, newCount: 1),
            ])
    }

    @Test(arguments: [("", 0), ("a", 1), ("a\n", 1), ("a\nb", 2), ("\n\n", 2)])
    func lineCounting(text: String, lines: Int) {
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBytes { LineCounting.lines(in: $0) } == lines)
    }
}

@Suite struct RenameSimilarityTests {
    @Test func spanHashesCutAtNewlinesAnd64Bytes() {
        let text = Array(("abc\n" + String(repeating: "x", count: 70)).utf8)
        let hashes = text.withUnsafeBytes { RenameDetector.Signature.hash($0, isText: true) }
        #expect(hashes.map(\.bytes).sorted() == [4, 6, 64])
    }

    @Test func crBeforeLfIsIgnoredInText() {
        let crlf = Array("line one\r\nline two\r\n".utf8)
        let lf = Array("line one\nline two\n".utf8)
        let a = crlf.withUnsafeBytes { RenameDetector.Signature.hash($0, isText: true) }
        let b = lf.withUnsafeBytes { RenameDetector.Signature.hash($0, isText: true) }
        #expect(a.map(\.hash) == b.map(\.hash))
    }
}

@Suite struct TreeCacheTests {
    @Test func repeatedLookupsReturnTheSameTreeAndTheOldestIsDroppedFirst() throws {
        let repo = try Repository(path: SampleRepositories.path("squash"))
        let line = try repo.firstParentLine(from: try repo.resolveCommit("HEAD"))
        let cache = TreeCache(repository: repo, capacity: 2)
        let newest = try cache.tree(commit: line[0])
        #expect(try cache.tree(commit: line[0]) === newest)
        #expect(try cache.tree(repo.treeID(ofCommit: line[0])) === newest)
        _ = try cache.tree(commit: line[1])
        _ = try cache.tree(commit: line[2])
        #expect(cache.count == 2)
        // The first tree was dropped: a new handle for the same tree.
        #expect(try cache.tree(commit: line[0]) !== newest)
        #expect(cache.count == 2)
    }

    @Test func diffsThroughOneDifferMatchFreshDiffers() throws {
        let repo = try Repository(path: SampleRepositories.path("github-merge"))
        let line = try repo.firstParentLine(from: try repo.resolveCommit("HEAD"))
        let shared = try TreeDiffer(repository: repo)
        for (tip, base) in zip(line, line.dropFirst()) {
            #expect(try shared.diff(base: base, tip: tip) == TreeDiffer(repository: repo).diff(base: base, tip: tip))
        }
    }
}

@Suite struct DiffTrimmingTests {
    private func tail(_ a: String, _ b: String) -> Int {
        Array(a.utf8).withUnsafeBytes { x in Array(b.utf8).withUnsafeBytes { y in DiffTrimming.commonTail(x, y) } }
    }

    @Test func nothingIsTrimmedBelowOneBlock() {
        let common = String(repeating: "same line\n", count: 100)  // 1,000 bytes
        #expect(tail("a\n" + common, "b\n" + common) == 0)
    }

    @Test func wholeBlocksAreTrimmedAndTheFirstLineInsideThemIsGivenBack() {
        // 3,000 common bytes: two whole blocks (2,048 bytes) match. The trimmed part starts 952 bytes into the
        // common lines, 2 bytes into a 10-byte line, so 8 bytes (up to that line's newline) are given back.
        let common = String(repeating: "same line\n", count: 300)
        #expect(tail("first\n" + common, "second\n" + common) == 2_048 - 8)
    }

    @Test func theSmallerTextBoundsTheTrim() {
        let common = String(repeating: "0123456789abcdef0123456789abcde\n", count: 64)  // 2,048 bytes
        #expect(tail(common, "extra\n" + common) == 2_048 - 32)
    }

    @Test func aDifferenceInTheLastBlockStopsTheTrim() {
        let common = String(repeating: "same line\n", count: 300)
        #expect(tail(common + "a\n", common + "b\n") == 0)
    }

    @Test func blameHunksSeeTheSameChangesOnTheSamples() throws {
        let repo = try Repository(path: SampleRepositories.path("delivery"))
        let line = try repo.firstParentLine(from: try repo.resolveCommit("HEAD"))
        let whole = try TreeDiffer(repository: repo)
        let blame = try TreeDiffer(repository: repo, blameHunks: true)
        for (tip, base) in zip(line, line.dropFirst()) {
            #expect(try blame.diff(base: base, tip: tip) == whole.diff(base: base, tip: tip))
        }
    }
}

/// Counts-only trimming (`yardstick_trim_plan`) must give exactly xdiff's counts on the whole texts.
@Suite struct CountsOnlyTrimmingTests {
    /// A deterministic generator, so that every run checks the same texts.
    typealias Generator = SeededGenerator

    /// Lines like code's: many blank lines and braces (xdiff's "frequent" lines), some repeats, some unique.
    static func line(_ g: inout Generator) -> String {
        switch g.below(10) {
        case 0, 1: return "\n"
        case 2: return "}\n"
        case 3: return "\treturn 0;\n"
        case 4: return "\t\tbreak;\n"
        case 5: return "x = \(g.below(8));\n"
        default: return "line \(g.below(5_000))\n"
        }
    }

    func counts(_ hunks: [Hunk]) -> (Int, Int) {
        (hunks.reduce(0) { $0 + Int($1.oldCount) }, hunks.reduce(0) { $0 + Int($1.newCount) })
    }

    /// Pairs of texts, each a random text of one of `sizes` lines and a random edit of it: runs of lines
    /// inserted, deleted or replaced, a line repeated, a block duplicated next to itself (the classic case of a
    /// change xdiff can slide). Pairs of equal or empty texts are left out.
    static func randomEdits(
        seed: UInt64, rounds: Int, sizes: [Int], edits: Int, run: Int, line: (inout Generator) -> String
    ) -> [(old: [UInt8], new: [UInt8])] {
        var g = Generator(seed: seed)
        var pairs: [(old: [UInt8], new: [UInt8])] = []
        for round in 0..<rounds {
            var old = (0..<(sizes[round % sizes.count] + g.below(50))).map { _ in line(&g) }
            if g.below(5) == 0 { old[old.count - 1] = "\tno newline at the end" }
            var new = old
            for _ in 0..<(1 + g.below(edits)) {
                let at = g.below(new.count + 1)
                switch g.below(5) {
                case 0: new.insert(contentsOf: (0..<(1 + g.below(run))).map { _ in line(&g) }, at: at)
                case 1: new.removeSubrange(at..<min(new.count, at + 1 + g.below(run)))
                case 2: if at < new.count { new[at] = line(&g) }
                case 3:
                    if at < new.count {
                        new.insert(contentsOf: Array(repeating: new[at], count: 1 + g.below(3)), at: at)
                    }
                default: new.insert(contentsOf: Array(new[at..<min(new.count, at + 1 + g.below(6))]), at: at)
                }
            }
            let pair = (old: Array(old.joined().utf8), new: Array(new.joined().utf8))
            if pair.old != pair.new && !pair.old.isEmpty && !pair.new.isEmpty { pairs.append(pair) }
        }
        return pairs
    }

    /// Runs `trimmed` and whole-file xdiff on each pair; returns how many pairs were trimmed and how many not.
    func compare(
        _ pairs: [(old: [UInt8], new: [UInt8])],
        _ trimmed: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> [Hunk]?,
        whole: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> [Hunk],
        same: ([Hunk], [Hunk]) -> Bool
    ) throws -> (trimmed: Int, whole: Int) {
        var result = (trimmed: 0, whole: 0)
        for (round, pair) in pairs.enumerated() {
            try pair.old.withUnsafeBytes { o in
                try pair.new.withUnsafeBytes { n in
                    guard let cut = try trimmed(o, n) else {
                        result.whole += 1
                        return
                    }
                    result.trimmed += 1
                    let full = try whole(o, n)
                    #expect(same(cut, full), "pair \(round): \(cut) against \(full)")
                }
            }
        }
        return result
    }

    @Test func trimmedCountsEqualWholeCountsOnRandomEdits() throws {
        let differ = try TreeDiffer(repository: try Repository(path: SampleRepositories.path("gerrit")))
        let pairs = Self.randomEdits(
            seed: 20_261_126, rounds: 3_000, sizes: [3, 20, 200, 2_000], edits: 6, run: 40, line: Self.line)
        let plans = try compare(pairs, differ.trimmedHunks, whole: differ.hunks) { counts($0) == counts($1) }
        // Many pairs are trimmed (the check has something to check), and some are not.
        #expect(plans.trimmed > 1_000)
        #expect(plans.whole > 0)
    }

    /// Code-like lines with indentation (for xdiff's indent heuristic) and runs of repeated lines (for sliding).
    static func codeLine(_ g: inout Generator) -> String {
        switch g.below(12) {
        case 0, 1: return "\n"
        case 2: return "}\n"
        case 3: return "\t}\n"
        case 4: return "\t\treturn 0;\n"
        case 5: return "\tif (x) {\n"
        case 6: return "#endif\n"
        case 7: return "\t\tx = \(g.below(4));\n"
        default: return String(repeating: "\t", count: g.below(3)) + "call(\(g.below(3_000)));\n"
        }
    }

    @Test func exactTrimmingGivesXdiffsHunksOnRandomEdits() throws {
        let differ = try TreeDiffer(repository: try Repository(path: SampleRepositories.path("gerrit")))
        let pairs = Self.randomEdits(
            seed: 4_242, rounds: 3_000, sizes: [10, 150, 400, 2_000], edits: 4, run: 12, line: Self.codeLine)
        let plans = try compare(pairs, differ.exactTrimmedHunks, whole: differ.hunks, same: ==)
        #expect(plans.trimmed > 1_000)
        #expect(plans.whole > 0)
    }

    @Test func aMiddleLeftEmptyIsCountedWithoutADiff() throws {
        let repo = try Repository(path: SampleRepositories.path("gerrit"))
        let differ = try TreeDiffer(repository: repo)
        let common = String(repeating: "same\n", count: 50)
        let a = Array((common + "x\ny\n" + common).utf8)
        let b = Array((common + common).utf8)
        let hunks = try a.withUnsafeBytes { o in try b.withUnsafeBytes { n in try differ.trimmedHunks(o, n) } }
        let counted = try #require(hunks.map(counts))
        #expect(counted == (2, 0))
    }
}

@Suite struct BoundedCacheTests {
    @Test func generationsHoldAtMostTwiceTheirCapacity() {
        var map = Generations<Int, Int>(capacity: 3)
        for i in 0..<10 { map[i] = i * 10 }
        // 9 is current with 6...8's generation before it: {9}, {6, 7, 8}.
        #expect(map.count == 4)
        #expect(map[5] == nil)
        #expect(map[6] == 60)
        #expect(map[9] == 90)
    }

    @Test func aHitInThePreviousGenerationSurvivesTheNextTurn() {
        var map = Generations<Int, Int>(capacity: 2)
        map[1] = 1
        map[2] = 2
        map[3] = 3  // {3}, previous {1, 2}
        #expect(map[1] == 1)  // moved to current: {3, 1}, previous {2}
        map[4] = 4  // current full: {4}, previous {3, 1}
        #expect(map[2] == nil)
        #expect(map[1] == 1)
        #expect(map[3] == 3)
        map[1] = nil
        #expect(map[1] == nil)
    }

    @Test func aDiffCacheCanBeEmptied() throws {
        let repo = try Repository(path: SampleRepositories.path("delivery"))
        let cache = DiffCache()
        let differ = try TreeDiffer(repository: repo, cache: cache)
        let tip = try repo.resolveCommit("HEAD")
        let before = try differ.diff(base: nil, tip: tip)
        #expect(cache.count > 0)
        cache.removeAll()
        #expect(cache.count == 0)
        #expect(try differ.diff(base: nil, tip: tip) == before)
    }

    @Test func diffsAreTheSameWhateverTheCacheHolds() throws {
        // A cache of one entry per generation forgets almost everything; results must not depend on it.
        let repo = try Repository(path: SampleRepositories.path("delivery"))
        let commits = try repo.walk(pushing: [repo.resolveCommit("HEAD")], hiding: [])
        let small = try TreeDiffer(repository: repo, cache: DiffCache(capacity: 1))
        let large = try TreeDiffer(repository: repo, cache: DiffCache())
        #expect(commits.count > 10)
        for id in commits + commits {
            let parent = try repo.commitHeader(id, mailmap: Mailmap(contents: nil)).parents.first
            #expect(try small.diff(base: parent, tip: id) == large.diff(base: parent, tip: id))
            // A counts-only diff promises exact counts; its hunks may sit elsewhere when trimmed, so they are
            // left out of the comparison.
            let counts = { (files: [FileChange]) in
                files.map { ($0.path, $0.status, $0.additions, $0.deletions, $0.isBinary) }
            }
            let smallCounts = try counts(small.diff(base: parent, tip: id, countsOnly: true))
            let largeCounts = try counts(large.diff(base: parent, tip: id, countsOnly: true))
            #expect(smallCounts.elementsEqual(largeCounts) { $0 == $1 })
        }
    }

    @Test func mailmapHandsOutOneCopyOfEachName() throws {
        let mailmap = try Mailmap(contents: Array("Ann Example <ann.example@example.com> <ann.old@example.com>\n".utf8))
        let a = mailmap.resolve(Identity(name: "Ann Example-Longname", email: "ann.old@example.com"))
        let b = mailmap.resolve(Identity(name: "Ann Example-Longname", email: "ann.old@example.com"))
        #expect(a == Identity(name: "Ann Example", email: "ann.example@example.com"))
        let storage = { (s: String) in s.utf8.withContiguousStorageIfAvailable { $0.baseAddress } ?? nil }
        #expect(storage(a.email) != nil)
        #expect(storage(a.email) == storage(b.email))
        #expect(mailmap.names.count == 1)  // "Ann Example" is short enough to be stored inline
    }
}
