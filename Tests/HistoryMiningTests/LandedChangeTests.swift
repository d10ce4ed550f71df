import HistoryMetrics
import HistoryModel
import HistoryParsing
import Synchronization
import TestSupport
import Testing

@testable import HistoryMining

/// One expected landed change: kind, number, author e-mail, raw and counted sizes, commit count.
struct Expected: CustomStringConvertible {
    var commit: String
    var kind: ChangeKind
    var number: Int?
    var author: String
    var added: Int
    var deleted: Int
    var countedAdded: Int
    var countedDeleted: Int
    var commits: Int

    var description: String { "\(commit) \(kind)" }
}

func mine(_ name: String, workers: Int = 2) throws -> (LandedHistory, ReportBuilder) {
    let miner = Miner(path: SampleRepositories.path(name), options: MiningOptions(workers: workers))
    let history = try miner.landedHistory()
    var exclusions = ExclusionPolicy()
    exclusions.attributes = GitAttributes(files: history.mined.attributeFiles)
    return (history, ReportBuilder(groups: AuthorGroups(), exclusions: exclusions))
}

func check(_ name: String, _ expected: [Expected]) throws {
    let (history, builder) = try mine(name)
    let changes = Array(history.changes.reversed())  // oldest first, like the tables
    #expect(changes.count == expected.count)
    for (change, e) in zip(changes, expected) {
        let size = builder.size(of: change)
        #expect(change.commit.short == e.commit, "\(e)")
        #expect(change.kind == e.kind, "\(e)")
        #expect(change.number == e.number, "\(e)")
        #expect(change.author.email == e.author, "\(e)")
        #expect(size.additions == e.added, "\(e)")
        #expect(size.deletions == e.deleted, "\(e)")
        #expect(size.countedAdditions == e.countedAdded, "\(e)")
        #expect(size.countedDeletions == e.countedDeleted, "\(e)")
        #expect(change.commits.count == e.commits, "\(e)")
    }
}

let alice = "alice@acme.com"
let bob = "bob@acme.com"
let vikram = "vikram@vendorco.io"
let wei = "wei@vendorco.io"
let carla = "carla.diaz@gmail.com"
let rene = "rene@vendorco.io"
let dependabot = "49699333+dependabot[bot]@users.noreply.github.com"

@Suite struct LandedChangeTests {
    @Test func githubMergeCommits() throws {
        try check(
            "github-merge",
            [
                Expected(
                    commit: "f879d7c", kind: .direct, number: nil, author: alice, added: 299, deleted: 0,
                    countedAdded: 175, countedDeleted: 0, commits: 1),
                Expected(
                    commit: "2242287", kind: .merge, number: 1, author: alice, added: 170, deleted: 0,
                    countedAdded: 170, countedDeleted: 0, commits: 3),
                Expected(
                    commit: "b6c1c5e", kind: .direct, number: nil, author: bob, added: 1, deleted: 1, countedAdded: 1,
                    countedDeleted: 1, commits: 1),
                Expected(
                    commit: "85f656d", kind: .merge, number: 2, author: vikram, added: 185, deleted: 0,
                    countedAdded: 185, countedDeleted: 0, commits: 4),
                Expected(
                    commit: "58a4331", kind: .merge, number: nil, author: carla, added: 65, deleted: 0,
                    countedAdded: 65, countedDeleted: 0, commits: 2),
                Expected(
                    commit: "4f02dc8", kind: .merge, number: 3, author: bob, added: 1, deleted: 1, countedAdded: 1,
                    countedDeleted: 1, commits: 2),
                Expected(
                    commit: "1e53f9d", kind: .merge, number: 4, author: bob, added: 73, deleted: 14, countedAdded: 17,
                    countedDeleted: 6, commits: 2),
                Expected(
                    commit: "c396973", kind: .direct, number: nil, author: alice, added: 7, deleted: 1, countedAdded: 7,
                    countedDeleted: 1, commits: 1),
                Expected(
                    commit: "c1d5d0d", kind: .merge, number: 5, author: wei, added: 265, deleted: 0, countedAdded: 55,
                    countedDeleted: 0, commits: 2),
                Expected(
                    commit: "4465fa7", kind: .merge, number: 6, author: dependabot, added: 5, deleted: 5,
                    countedAdded: 1, countedDeleted: 1, commits: 1),
                Expected(
                    commit: "af94c62", kind: .merge, number: nil, author: bob, added: 22, deleted: 7, countedAdded: 22,
                    countedDeleted: 7, commits: 4),
                Expected(
                    commit: "ac835c2", kind: .merge, number: 7, author: rene, added: 60, deleted: 0, countedAdded: 60,
                    countedDeleted: 0, commits: 2),
                Expected(
                    commit: "fec84f6", kind: .merge, number: 8, author: wei, added: 145, deleted: 0, countedAdded: 145,
                    countedDeleted: 0, commits: 3),
            ])
    }

    @Test func bareCloneGivesTheSameChanges() throws {
        let (work, _) = try mine("github-merge")
        let (bare, _) = try mine("github-merge.git")
        #expect(work.changes.map(\.commit) == bare.changes.map(\.commit))
        #expect(work.changes.map(\.files) == bare.changes.map(\.files))
        #expect(bare.mined.workingDirectory == nil)
    }

    @Test func squashMerges() throws {
        try check(
            "squash",
            [
                Expected(
                    commit: "b7c6886", kind: .direct, number: nil, author: alice, added: 160, deleted: 0,
                    countedAdded: 140, countedDeleted: 0, commits: 1),
                Expected(
                    commit: "737132e", kind: .squash, number: 12, author: vikram, added: 120, deleted: 0,
                    countedAdded: 120, countedDeleted: 0, commits: 1),
                Expected(
                    commit: "f8d8b6f", kind: .squash, number: 13, author: bob, added: 71, deleted: 3, countedAdded: 71,
                    countedDeleted: 3, commits: 1),
                Expected(
                    commit: "6a029a2", kind: .direct, number: nil, author: alice, added: 8, deleted: 0, countedAdded: 8,
                    countedDeleted: 0, commits: 1),
                Expected(
                    commit: "2f8499c", kind: .squash, number: 7, author: wei, added: 46, deleted: 1, countedAdded: 46,
                    countedDeleted: 1, commits: 1),
                Expected(
                    commit: "edde372", kind: .squash, number: 14, author: carla, added: 54, deleted: 4,
                    countedAdded: 54, countedDeleted: 4, commits: 1),
                Expected(
                    commit: "5c501d3", kind: .squash, number: 16, author: dependabot, added: 5, deleted: 5,
                    countedAdded: 1, countedDeleted: 1, commits: 1),
                Expected(
                    commit: "522e3e9", kind: .direct, number: nil, author: bob, added: 3, deleted: 71, countedAdded: 3,
                    countedDeleted: 71, commits: 1),
            ])
    }

    @Test func gerritChanges() throws {
        try check(
            "gerrit",
            [
                Expected(
                    commit: "40b62ad", kind: .direct, number: nil, author: alice, added: 154, deleted: 0,
                    countedAdded: 154, countedDeleted: 0, commits: 1),
                Expected(
                    commit: "630d979", kind: .gerrit, number: 1234, author: vikram, added: 28, deleted: 5,
                    countedAdded: 28, countedDeleted: 5, commits: 1),
                Expected(
                    commit: "be9c5fa", kind: .gerrit, number: 1240, author: wei, added: 1, deleted: 1, countedAdded: 1,
                    countedDeleted: 1, commits: 1),
                Expected(
                    commit: "fa29ced", kind: .gerrit, number: 1251, author: carla, added: 18, deleted: 0,
                    countedAdded: 18, countedDeleted: 0, commits: 1),
                Expected(
                    commit: "523ed60", kind: .direct, number: nil, author: bob, added: 1, deleted: 0, countedAdded: 1,
                    countedDeleted: 0, commits: 1),
                Expected(
                    commit: "3e888f7", kind: .gerrit, number: 1262, author: bob, added: 24, deleted: 2,
                    countedAdded: 24, countedDeleted: 2, commits: 1),
                Expected(
                    commit: "0714859", kind: .gerrit, number: 1270, author: alice, added: 1, deleted: 0,
                    countedAdded: 1, countedDeleted: 0, commits: 1),
            ])
    }

    @Test func rebaseMergesGroupByCommitterTime() throws {
        try check(
            "rebase",
            [
                Expected(
                    commit: "d6c5549", kind: .direct, number: nil, author: alice, added: 97, deleted: 0,
                    countedAdded: 97, countedDeleted: 0, commits: 1),
                Expected(
                    commit: "7c8a5b5", kind: .rebase, number: nil, author: vikram, added: 84, deleted: 0,
                    countedAdded: 84, countedDeleted: 0, commits: 3),
                Expected(
                    commit: "d33c569", kind: .direct, number: nil, author: bob, added: 2, deleted: 2, countedAdded: 2,
                    countedDeleted: 2, commits: 1),
                Expected(
                    commit: "7eb79f0", kind: .rebase, number: nil, author: carla, added: 68, deleted: 0,
                    countedAdded: 68, countedDeleted: 0, commits: 2),
                Expected(
                    commit: "26b64a8", kind: .rebase, number: nil, author: bob, added: 2, deleted: 2, countedAdded: 2,
                    countedDeleted: 2, commits: 1),
                Expected(
                    commit: "1f990b7", kind: .direct, number: nil, author: alice, added: 1, deleted: 1, countedAdded: 1,
                    countedDeleted: 1, commits: 1),
            ])
    }

    @Test func otherForgesMergeFormats() throws {
        try check(
            "forges",
            [
                Expected(
                    commit: "5424df8", kind: .direct, number: nil, author: alice, added: 65, deleted: 0,
                    countedAdded: 65, countedDeleted: 0, commits: 1),
                Expected(
                    commit: "d1e8b70", kind: .merge, number: 12, author: vikram, added: 80, deleted: 0,
                    countedAdded: 80, countedDeleted: 0, commits: 2),
                Expected(
                    commit: "9c06c7b", kind: .merge, number: 7, author: wei, added: 65, deleted: 0, countedAdded: 65,
                    countedDeleted: 0, commits: 1),
                Expected(
                    commit: "3fc7c5f", kind: .direct, number: nil, author: bob, added: 1, deleted: 1, countedAdded: 1,
                    countedDeleted: 1, commits: 1),
                Expected(
                    commit: "80020bd", kind: .merge, number: 42, author: carla, added: 62, deleted: 0, countedAdded: 62,
                    countedDeleted: 0, commits: 2),
                Expected(
                    commit: "051cdcb", kind: .merge, number: nil, author: bob, added: 1, deleted: 1, countedAdded: 1,
                    countedDeleted: 1, commits: 1),
            ])
    }

    @Test func mergeTitlesComeFromTheForgeMessage() throws {
        let (history, _) = try mine("forges")
        #expect(
            history.changes.map(\.title) == [
                "Merge branch 'hotfix'", "Add export", "Update README badges", "Add search", "Add login",
                "Initial commit",
            ])
    }

    /// Changes built on two threads (every sample, from the first change on) are the changes built on one, in
    /// the same order.
    @Test(arguments: ["github-merge", "squash", "gerrit", "rebase", "forges", "delivery"])
    func classificationOnTwoThreadsEqualsOne(sample: String) throws {
        let (history, _) = try mine(sample)
        let classifier = LandedChangeClassifier()
        let one = classifier.classify(mainline: history.mined.mainline, commits: history.mined.commits, workers: 1)
        let two = classifier.classify(
            mainline: history.mined.mainline, commits: history.mined.commits, workers: 2, parallelFrom: 1)
        #expect(one.count == history.changes.count)
        #expect(two.count == one.count)
        for (a, b) in zip(one, two) {
            #expect(a.commit == b.commit && a.kind == b.kind && a.number == b.number && a.title == b.title)
            #expect(a.commits == b.commits && a.author == b.author && a.coAuthors == b.coAuthors)
            #expect(a.authoredAt == b.authoredAt && a.landedAt == b.landedAt && a.files == b.files)
            #expect(a.reviewedDiffs.map(\.tip) == b.reviewedDiffs.map(\.tip))
        }
    }

    /// The byte pre-check never hides a line a character-wise search finds: first line, middle line, after a
    /// CRLF line, and only at the start of a line.
    @Test func mergeRequestLinesAreFoundWhereverTheyAre() {
        let gitLab = "Merge branch 'feature' into 'main'\n\nAdd search\n\nSee merge request acme/app!17"
        #expect(ChangeNumbers.mergeNumber(message: gitLab) == 17)
        #expect(ChangeNumbers.mergeTitle(message: gitLab) == "Add search")
        #expect(ChangeNumbers.mergeNumber(message: "See merge request acme/app!5\n") == 5)
        // one CRLF line
        #expect(ChangeNumbers.mergeNumber(message: "Merge\r\n\r\nSee merge request acme/app!6\r\n") == nil)
        #expect(ChangeNumbers.mergeNumber(message: "Merge branch 'x'\n\n * See merge request acme/app!7") == nil)
        #expect(ChangeNumbers.mayHaveLine(startingWith: "See merge request ", in: "Merge\n\nSee merge request a!1"))
        #expect(
            !ChangeNumbers.mayHaveLine(startingWith: "See merge request ", in: "Merge\n\nNot See merge request a!1\n"))
        #expect(!ChangeNumbers.mayHaveLine(startingWith: "See merge request ", in: "See merge request"))
        #expect(!ChangeNumbers.mayHaveLine(startingWith: "See merge request ", in: ""))
    }

    @Test func coAuthorsAreCredited() throws {
        let (history, _) = try mine("github-merge")
        let reorg = try #require(history.changes.first { $0.number == 3 })
        #expect(reorg.coAuthors == [Identity(name: "Carla Diaz", email: carla)])
    }

    @Test func progressCountsEveryMinedCommitOnce() throws {
        let reports = Mutex<[MiningProgress]>([])
        let miner = Miner(path: SampleRepositories.path("github-merge"), options: MiningOptions(workers: 2))
        let mined = try miner.mine { p in reports.withLock { $0.append(p) } }
        let seen = reports.withLock { $0 }
        #expect(!seen.isEmpty)
        #expect(seen.allSatisfy { $0.phase == "commits" && $0.total == mined.commits.count && $0.done <= $0.total })
        #expect(seen.map(\.done).max() == mined.commits.count)
        #expect(mined.commits.count == 38)  // every commit reachable from main (git rev-list --count)
    }

    @Test func mailmapAliasesResolveToTheCanonicalPerson() throws {
        let (history, _) = try mine("github-merge")
        let emails = Set(history.mined.commits.records.map { $0.author.email })
        #expect(!emails.contains("alice.anders@old-acme.example"))
        #expect(emails.contains(alice))
    }

    @Test func invalidUTF8NamesAreRepairedNotDropped() throws {
        let (history, _) = try mine("github-merge")
        let i18n = try #require(history.changes.first { $0.number == 7 })
        #expect(i18n.author.name == "Ren\u{FFFD} Lef\u{FFFD}vre")
    }

    @Test func renamesArePairedAsGitPairsThem() throws {
        let (history, _) = try mine("github-merge")
        let reorg = try #require(history.changes.first { $0.number == 3 })
        let renamed = reorg.files.filter { $0.status == .renamed }.map {
            "\($0.oldPath ?? "") \($0.path) \($0.additions) \($0.deletions)"
        }
        #expect(
            renamed.sorted() == [
                "Sources/Yard/Util.swift Sources/Yard/Support/Util.swift 1 1", "docs/guide.md docs/user-guide.md 0 0",
            ])
    }

    @Test(arguments: [1, 2, 4]) func resultsDoNotDependOnWorkerCount(workers: Int) throws {
        let (one, _) = try mine("github-merge", workers: 1)
        let (many, _) = try mine("github-merge", workers: workers)
        #expect(one.changes.map(\.commit) == many.changes.map(\.commit))
        #expect(one.changes.map(\.files) == many.changes.map(\.files))
        #expect(one.changes.map(\.author) == many.changes.map(\.author))
    }

    @Test func sinceAndUntilSelectByLandingTime() throws {
        let path = SampleRepositories.path("squash")
        let all = try Miner(path: path, options: MiningOptions()).landedHistory().changes
        let lo = all[5].landedAt
        let hi = all[2].landedAt
        let window = try Miner(path: path, options: MiningOptions(since: lo, until: hi)).landedHistory().changes
        #expect(window.map(\.commit) == all[2...5].map(\.commit))
    }
}

@Suite struct MiningErrorTests {
    @Test func notARepository() {
        #expect(throws: MiningError.self) {
            try Miner(path: SampleRepositories.path("not-a-repo"), options: MiningOptions()).mine()
        }
        do {
            _ = try Miner(path: SampleRepositories.path("not-a-repo"), options: MiningOptions()).mine()
        } catch {
            #expect("\(error)".hasSuffix("not-a-repo: not a git repository"))
        }
    }

    @Test func emptyRepository() {
        do {
            _ = try Miner(path: SampleRepositories.path("empty"), options: MiningOptions()).mine()
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".hasSuffix("empty: the repository has no commits yet"))
        }
    }

    @Test func unknownBranch() {
        do {
            _ = try Miner(path: SampleRepositories.path("squash"), options: MiningOptions(branch: "no-such-branch"))
                .mine()
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".hasSuffix("squash: unknown branch or revision 'no-such-branch'"))
        }
    }

    @Test func corruptObjectNamesTheObject() {
        do {
            _ = try Miner(path: SampleRepositories.path("corrupt"), options: MiningOptions()).mine()
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("2bdff12c35b30a98df4014519245974d9b429ceb"))
        }
    }

    @Test func shallowCloneFailsUnlessAllowed() throws {
        let path = SampleRepositories.path("shallow")
        do {
            _ = try Miner(path: path, options: MiningOptions()).mine()
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("shallow clone: history stops at 3 boundary commit(s)"))
        }
        let mined = try Miner(path: path, options: MiningOptions(allowShallow: true)).mine()
        #expect(mined.shallowBoundaries.count == 3)
        #expect(mined.truncated.count + mined.mainline.count == 3)
    }
}

/// Integration merges (ADR 0018) on the `integration` sample: by the merged branch's name (`development`,
/// `maint`) and by the merges on its own first-parent line (ten, under a pull-request subject); a pull request
/// from a fork's `master` stays a merge. The deps/ import and the minified file are left out of counted sizes.
@Suite struct IntegrationMergeTests {
    @Test func integrationSample() throws {
        try check(
            "integration",
            [
                Expected(
                    commit: "79cdb8b", kind: .direct, number: nil, author: alice, added: 25, deleted: 0,
                    countedAdded: 25, countedDeleted: 0, commits: 1),
                Expected(
                    commit: "c060211", kind: .merge, number: 1, author: bob, added: 30, deleted: 0, countedAdded: 30,
                    countedDeleted: 0, commits: 1),
                Expected(
                    commit: "c1d38ec", kind: .integration, number: nil, author: wei, added: 20, deleted: 0,
                    countedAdded: 20, countedDeleted: 0, commits: 4),
                Expected(
                    commit: "be31548", kind: .merge, number: 3, author: carla, added: 12, deleted: 0,
                    countedAdded: 12, countedDeleted: 0, commits: 1),
                Expected(
                    commit: "77d46f7", kind: .integration, number: 4, author: wei, added: 50, deleted: 0,
                    countedAdded: 50, countedDeleted: 0, commits: 20),
                Expected(
                    commit: "ba2eaf0", kind: .merge, number: 5, author: bob, added: 153, deleted: 0, countedAdded: 53,
                    countedDeleted: 0, commits: 1),
                Expected(
                    commit: "58e43f5", kind: .squash, number: 6, author: carla, added: 11, deleted: 0, countedAdded: 8,
                    countedDeleted: 0, commits: 1),
                Expected(
                    commit: "0afacd0", kind: .integration, number: nil, author: bob, added: 2, deleted: 2,
                    countedAdded: 2, countedDeleted: 2, commits: 1),
            ])
    }

    @Test(arguments: [
        ("Merge branch 'development'", "development"),
        ("Merge branch 'maint'", "maint"),
        ("Merge branch 'master' into pr/3938", "master"),
        ("Merge remote-tracking branch 'origin/main' into development", "main"),
        ("Merge remote branch 'upstream/release/2.0'", "release/2.0"),
        ("Sync with maint", "maint"),
        ("Sync with 'maint'", "maint"),
        ("Sync with Git 2.45.1", "2.45.1"),
        ("Sync with maint to grab trivial doc fixes", "maint"),
        ("Merge branch 'jc/maint-fix'", "jc/maint-fix"),
    ])
    func mergedBranchNames(subject: String, name: String) {
        #expect(IntegrationMerges.mergedBranchName(subject: subject) == name)
    }

    @Test(arguments: [
        "Merge pull request #3 from carla/master", "Merge branch 'master' of https://github.com/j6t/gitk",
        "Merge tag 'v2.1'", "Merge branch 'unterminated", "Add maint docs",
        "Sync with ",
    ])
    func subjectsNamingNoBranch(subject: String) {
        #expect(IntegrationMerges.mergedBranchName(subject: subject) == nil)
    }

    @Test func longLivedNames() {
        for name in [
            "main", "master", "development", "develop", "maint", "next", "release/2.1", "release-2.1", "maint-2.50",
            "2.45.1", "v1.0",
        ] {
            #expect(IntegrationMerges.isLongLived(name), "\(name)")
        }
        // git's topic branches (`xx/topic`), and names that only contain a long-lived one, are not.
        for name in ["jc/maint-fix", "ab/master-doc", "feature/main-menu", "release/", "maintenance", "v1", "1.x"] {
            #expect(!IntegrationMerges.isLongLived(name), "\(name)")
        }
    }

    /// Nine merges on the merged branch's first-parent line keep a merge a pull request; ten make it an
    /// integration merge. Merges reached only through a second parent are not counted.
    @Test func sideMergeThreshold() {
        func sig(_ t: Int64) -> Signature { Signature(name: "A", email: "a@x.io", time: t, offsetMinutes: 0) }
        func oid(_ n: Int) -> ObjectID { ObjectID(high: 0, middle: 0, low: UInt32(n)) }
        func merge(sideMerges: Int) -> (CommitRecord, [CommitRecord]) {
            var branch: [CommitRecord] = []
            var parent = oid(1)
            for i in 0..<sideMerges {
                let id = oid(100 + i)
                branch.append(
                    CommitRecord(
                        id: id, parents: [parent, oid(500 + i)], author: sig(Int64(i)), committer: sig(Int64(i)),
                        message: "Merge pull request #\(i) from x/y"))
                branch.append(
                    CommitRecord(
                        id: oid(500 + i), parents: [parent], author: sig(Int64(i)), committer: sig(Int64(i)),
                        message: "Topic \(i)"))
                parent = id
            }
            let m = CommitRecord(
                id: oid(999), parents: [oid(1), parent], author: sig(1000), committer: sig(1000),
                message: "Merge pull request #77 from acme/train",
                sideBranches: [
                    SideBranch(tip: parent, mergeBase: oid(1), commits: branch.map(\.id), reviewedFiles: [])
                ])
            return (m, branch)
        }
        let nine = merge(sideMerges: 9)
        #expect(IntegrationMerges.reason(nine.0, branch: nine.1) == nil)
        let ten = merge(sideMerges: 10)
        #expect(IntegrationMerges.reason(ten.0, branch: ten.1) == "merged branch's first-parent line holds 10 merges")
    }
}
