import Foundation
import TestSupport
import Testing

/// End to end: every damaged repository of `Scripts/make-damaged-repos.sh` (issue 12, ADR 0011) fails the
/// analysis with exit status 1, nothing on standard output and one line on standard error that names the
/// damaged file or object, with either pack reader. None of them may give a report, crash or hang.
@Suite struct DamagedRepositoryTests {
    /// Runs `yardstick` with extra environment variables.
    static func run(_ arguments: [String], environment: [String] = []) -> Command.Result {
        Command.run("/usr/bin/env", environment + [Command.yardstick] + arguments)
    }

    /// The SHA-1 of a file without its last 20 bytes (what a pack or index checksum covers), by coreutils, and
    /// the checksum the file records in those 20 bytes.
    static func checksums(_ file: String) -> (content: String, trailer: String) {
        let content = Command.run("/bin/sh", ["-c", "head -c -20 \"$1\" | sha1sum", "sh", file]).stdout.prefix(40)
        let trailer = Command.run("/bin/sh", ["-c", "tail -c 20 \"$1\" | od -An -tx1 | tr -d ' \\n'", "sh", file])
            .stdout
        return (String(content), trailer)
    }

    static let readers: [[String]] = [[], ["YARDSTICK_PACK_READER=libgit2"]]

    func expectFailure(_ name: String, _ extra: [String] = [], environment: [String] = [], message: String) {
        for reader in Self.readers {
            let path = DamagedRepositories.path(name)
            let result = Self.run(["analyze", path, "--format", "json"] + extra, environment: reader + environment)
            #expect(result.status == 1, "\(name) \(reader): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(name) \(reader)")
            #expect(result.stderr == "error: \(path): \(message)\n", "\(name) \(reader)")
        }
    }

    @Test func theIntactHistoriesAreReadAlikeLooseAndPacked() {
        var outputs: [String] = []
        for name in ["base", "packed"] {
            for reader in Self.readers {
                let result = Self.run(
                    ["analyze", DamagedRepositories.path(name), "--format", "json"], environment: reader)
                #expect(result.status == 0, "\(name) \(reader): \(result.stderr)")
                outputs.append(result.stdout.replacingOccurrences(of: DamagedRepositories.path(name), with: "REPO"))
            }
        }
        #expect(Set(outputs).count == 1)
        #expect(outputs[0].contains("\"changes\" : 3"))
    }

    @Test func aBlobRewrittenInsideThePackIsRefused() {
        let pack = DamagedRepositories.packFiles("pack-blob-rewritten", suffix: ".pack")[0]
        let sums = Self.checksums(pack)
        #expect(sums.content != sums.trailer)
        expectFailure(
            "pack-blob-rewritten",
            message: "\(pack) is damaged: its content hashes to \(sums.content), its trailer records \(sums.trailer)")
    }

    /// A pack rewritten together with its checksums passes the pack checks; hashing every object sees it.
    @Test func aRechecksummedPackIsCaughtWhenEveryObjectIsHashed() {
        for reader in Self.readers {
            let path = DamagedRepositories.path("pack-rewritten-checksummed")
            #expect(Self.run(["analyze", path, "--format", "json"], environment: reader).status == 0)
        }
        expectFailure(
            "pack-rewritten-checksummed", environment: ["YARDSTICK_VERIFY=all"],
            message:
                "cannot read history: object hash mismatch: packed object 574a07819e3e689b42980455f0da9fb5b352f973 hashes to 6396fbcc0f60b343ff48f7004bfc7aa67f92b1d4 (git_blob_lookup)"
        )
    }

    /// `--verify-objects` is the flag form of `YARDSTICK_VERIFY=all`.
    @Test func theVerifyObjectsFlagHashesEveryObject() {
        expectFailure(
            "pack-rewritten-checksummed", ["--verify-objects"],
            message:
                "cannot read history: object hash mismatch: packed object 574a07819e3e689b42980455f0da9fb5b352f973 hashes to 6396fbcc0f60b343ff48f7004bfc7aa67f92b1d4 (git_blob_lookup)"
        )
        let intact = Self.run(["analyze", DamagedRepositories.path("packed"), "--format", "json", "--verify-objects"])
        #expect(intact.status == 0, "\(intact.stderr)")
    }

    @Test func anIndexOffsetPointedAtAnotherBlobIsRefused() {
        let idx = DamagedRepositories.packFiles("idx-offset-swapped", suffix: ".idx")[0]
        let sums = Self.checksums(idx)
        expectFailure(
            "idx-offset-swapped",
            message: "\(idx) is damaged: its content hashes to \(sums.content), its trailer records \(sums.trailer)")
    }

    @Test func aLooseObjectRewrittenInPlaceIsRefused() {
        expectFailure(
            "loose-rewritten",
            message:
                "cannot read history: object hash mismatch: objects/57/4a07819e3e689b42980455f0da9fb5b352f973 holds an object whose id is 6396fbcc0f60b343ff48f7004bfc7aa67f92b1d4, not 574a07819e3e689b42980455f0da9fb5b352f973 (git_blob_lookup)"
        )
    }

    @Test func aLooseHeaderClaimingPetabytesIsRefusedWithoutAllocating() {
        expectFailure(
            "loose-huge-header",
            message:
                "cannot read history: loose object 574a07819e3e689b42980455f0da9fb5b352f973: its header claims more bytes than its file can hold (git_blob_lookup)"
        )
    }

    @Test func aFIFOInPlaceOfALooseObjectIsRefusedWithoutBlocking() {
        expectFailure(
            "loose-fifo",
            message:
                "cannot read history: loose object 574a07819e3e689b42980455f0da9fb5b352f973: objects/57/4a07819e3e689b42980455f0da9fb5b352f973 is not a regular file (git_blob_lookup)"
        )
    }

    @Test func aTreeThatContainsItselfIsRefused() {
        expectFailure(
            "tree-cycle",
            message:
                "tree 1111111111111111111111111111111111111111 contains itself (as subtree 'sub'): the repository is damaged"
        )
    }

    /// Trees deeper than 1,000 levels are refused before the walk can overflow a stack; 900 levels are walked.
    @Test func aTreeTooDeepIsRefusedAndADeepOneIsWalked() {
        expectFailure(
            "deep-tree",
            message:
                "tree 73fef410357cdec16e52073b83aa70a1bd848a98 is nested more than 1000 levels deep (at '\(String(repeating: "d/", count: 100))…'): refusing to walk it"
        )
        for reader in Self.readers {
            let result = Self.run(
                ["analyze", DamagedRepositories.path("deep-tree-900"), "--format", "json"], environment: reader)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("\"changes\" : 1"))
        }
    }

    @Test func aCommitThatIsItsOwnParentIsRefused() {
        let message =
            "commit 2222222222222222222222222222222222222222 is its own ancestor (its parents lead back to it): the repository is damaged"
        expectFailure("commit-cycle", message: message)
        // `yardstick blame` follows the first-parent line alone.
        let path = DamagedRepositories.path("commit-cycle")
        let blame = Self.run(["blame", "--repo", path, "a.txt"])
        #expect(blame.status == 1)
        #expect(blame.stderr == "error: \(path): \(message)\n")
    }

    @Test func aFIFONamedLikeAPackIndexIsRefusedWithoutBlocking() {
        let fifo =
            DamagedRepositories.path("fifo-idx") + "/objects/pack/pack-0000000000000000000000000000000000000000.idx"
        expectFailure(
            "fifo-idx", message: "\(fifo) is not a regular file (a FIFO, socket, device or folder named like a pack)")
    }

    @Test(arguments: [[], ["--branch", "main"]])
    func aTruncatedPackIsReportedAsDamaged(extra: [String]) {
        let pack = DamagedRepositories.packFiles("truncated-pack", suffix: ".pack")[0]
        let sums = Self.checksums(pack)
        expectFailure(
            "truncated-pack", extra,
            message: "\(pack) is damaged: its content hashes to \(sums.content), its trailer records \(sums.trailer)")
    }

    @Test(arguments: [[], ["--branch", "main"]])
    func aDamagedFanOutTableIsReportedAsDamaged(extra: [String]) {
        let idx = DamagedRepositories.packFiles("damaged-fanout", suffix: ".idx")[0]
        let sums = Self.checksums(idx)
        expectFailure(
            "damaged-fanout", extra,
            message: "\(idx) is damaged: its content hashes to \(sums.content), its trailer records \(sums.trailer)")
    }

    @Test(arguments: [("HEAD", [String]()), ("main", ["--branch", "main"])])
    func aCorruptTipCommitIsReportedAsUnreadable(name: String, extra: [String]) {
        expectFailure(
            "corrupt-head-commit", extra,
            message:
                "\(name) points at commit cbb402c0c4790aa6ec5ce09e48032baae5fcbc0b, which cannot be read: loose object cbb402c0c4790aa6ec5ce09e48032baae5fcbc0b: its file is not a zlib-compressed object"
        )
    }

    @Test(arguments: [("HEAD", [String]()), ("main", ["--branch", "main"])])
    func aTipWhoseTimeOverflowsIsReportedAsUnreadable(name: String, extra: [String]) {
        expectFailure(
            "head-time-overflow", extra,
            message:
                "\(name) points at commit 747399cdecfe19c1105504031edd9a6b96c446e0, which cannot be read: failed to parse signature - invalid Unix timestamp"
        )
    }

    @Test func aTimeAfterTheYear4147IsAnErrorNamingTheCommit() {
        expectFailure(
            "far-future-time",
            message:
                "commit 8ea259d4c5adb786736d87d7e35bd9974b9ce27b: committer time 99999999999 is after the year 4147, outside what Yardstick can date (±2^36 s from 1970); the commit is damaged or hand-made"
        )
    }

    @Test func aPartialCloneIsRefusedBeforeMining() {
        expectFailure(
            "partial-clone",
            message:
                "partial clone (its objects are promised by remote 'origin'): objects it lacks would be found missing only during mining, and Yardstick never fetches; clone the repository again without --filter"
        )
    }

    /// A blob absent from a repository that promises none (no `.promisor` pack) is damage: named with its path
    /// and the commit whose diff needs it.
    @Test func aBlobAbsentWithoutAPromiseIsDamage() {
        expectFailure(
            "lacks-blob",
            message:
                "commit b2570f77ef6dfad1d97d3beda62a97c8b5ad0d73: blob c24b5240932db6bddd91a9aecd36e95ffb2e8f0e ('logo.png') is missing from the object store: the repository is damaged (no .promisor pack promises absent objects)"
        )
    }

    /// A run of `analyze --format json` on one of the repositories, its path replaced by `REPO`.
    static func report(_ name: String, _ extra: [String] = [], environment: [String] = []) -> (
        json: String, stderr: String
    ) {
        let path = DamagedRepositories.path(name)
        let result = run(["analyze", path, "--format", "json"] + extra, environment: environment)
        #expect(result.status == 0, "\(name): \(result.stderr)")
        return (
            result.stdout.replacingOccurrences(of: path, with: "REPO"),
            result.stderr.replacingOccurrences(of: path, with: "REPO")
        )
    }

    static let binaryNote =
        "Partial copy: the repository lacks the content of 2 file changes in 2 commits (2 on the analysed first-parent line), which a .promisor pack promises (such copies leave out large files); each is counted as a binary file, without lines. Commits: 8148a312c567, b2570f77ef6d."

    /// Blobs absent from a copy whose pack is marked `.promisor` (a partial copy, as fetched copies that leave
    /// out large files are) are read as binary files: for a binary file every figure is the full copy's, and the
    /// notes and standard error say what was absent. With either pack reader, any worker count.
    @Test func promisedBinaryBlobsChangeNoFigure() {
        let full = Self.report("promised-full")
        #expect(full.stderr.isEmpty)
        #expect(!full.json.contains("Partial copy"))
        for reader in Self.readers {
            for workers in ["1", "3"] {
                let lacking = Self.report("promised-lacks-binary", ["--workers", workers], environment: reader)
                #expect(
                    lacking.stderr
                        == "warning: REPO lacks the content of files in 2 commits, promised by a .promisor pack (a partial copy); they are counted as binary files, without lines (see the report's notes)\n"
                )
                let noteLine = "    \"\(Self.binaryNote)\",\n"
                #expect(lacking.json.contains(noteLine), "\(reader)")
                #expect(lacking.json.replacingOccurrences(of: noteLine, with: "") == full.json, "\(reader) \(workers)")
            }
        }
    }

    /// A promised text blob that is absent is counted as binary too: its lines are missing from the figures,
    /// and the note says in which commits. Exact values against the full copy's.
    @Test func anAbsentPromisedTextBlobIsCountedAsBinaryAndSaidSo() throws {
        func changes(_ json: String) throws -> [String: [Int]] {
            let report = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let pulls = try #require(report["pullRequests"] as? [[String: Any]])
            var out: [String: [Int]] = [:]
            for p in pulls {
                out[p["title"] as? String ?? ""] = ["additions", "deletions", "binaryFiles"].map { p[$0] as? Int ?? -1 }
            }
            return out
        }
        #expect(
            try changes(Self.report("promised-full").json) == [
                "Add a": [3, 0, 0], "Add the logo and the table": [5, 0, 1], "Extend a and the table": [2, 0, 0],
                "Replace the logo": [0, 0, 1],
            ])
        let lacking = Self.report("promised-lacks-text")
        #expect(
            try changes(lacking.json) == [
                "Add a": [3, 0, 0], "Add the logo and the table": [0, 0, 2], "Extend a and the table": [1, 0, 1],
                "Replace the logo": [0, 0, 1],
            ])
        #expect(
            lacking.json.contains(
                "Partial copy: the repository lacks the content of 2 file changes in 2 commits (2 on the analysed first-parent line), which a .promisor pack promises (such copies leave out large files); each is counted as a binary file, without lines. Commits: 64512b63f8c2, 8148a312c567."
            ))
    }

    /// The store keeps which file changes lacked their content: a run after a stored one gives the bytes of a
    /// run without the store, note included.
    @Test func aStoredRunKeepsWhatWasAbsent() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "yardstick-promised-\(UUID().uuidString)")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = ["--store", folder.path + "/store.sqlite"]
        _ = Self.report("promised-lacks-binary", ["--branch", "main~1"] + store)
        let stored = Self.report("promised-lacks-binary", ["--branch", "main"] + store)
        let plain = Self.report("promised-lacks-binary", ["--branch", "main"])
        #expect(stored.json == plain.json)
        #expect(stored.json.contains(Self.binaryNote))
    }

    /// An unknown name is still reported as unknown, and an empty repository as empty.
    @Test func anUnknownBranchIsStillUnknown() {
        expectFailure("packed", ["--branch", "nope"], message: "unknown branch or revision 'nope'")
    }
}
