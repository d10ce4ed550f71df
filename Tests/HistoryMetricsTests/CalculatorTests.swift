import Dispatch
import HistoryModel
import ReportContract
import Testing

@testable import HistoryMetrics

/// The calculators, one concern each, on hand-made records (no repository).
enum Hand {
    static func oid(_ c: Character) -> ObjectID { ObjectID(hex: String(repeating: c, count: 40))! }
    static let t0: Int64 = 1_704_186_000  // 2024-01-02T09:00:00Z
    static let hour: Int64 = 3600
    static let day: Int64 = 86_400
    static let alice = Identity(name: "Alice", email: "alice@acme.com")
    static let bob = Identity(name: "Bob", email: "bob@vendorco.io")
    static let carol = Identity(name: "Carol", email: "carol@acme.com")

    static func record(
        _ id: Character, _ message: String, author: Identity = alice, authored: Int64, committed: Int64,
        parents: [ObjectID] = [], files: [FileChange] = []
    ) -> CommitRecord {
        CommitRecord(
            id: oid(id), parents: parents,
            author: Signature(name: author.name, email: author.email, time: authored, offsetMinutes: 0),
            committer: Signature(name: author.name, email: author.email, time: committed, offsetMinutes: 0),
            message: message, files: files)
    }

    static func change(
        _ kind: ChangeKind, _ id: Character, author: Identity = alice, commits: [ObjectID]? = nil,
        authoredAt: Int64? = nil,
        landedAt: Int64, files: [FileChange] = []
    ) -> LandedChange {
        LandedChange(
            kind: kind, number: nil, commit: oid(id), commits: commits ?? [oid(id)], author: author, coAuthors: [],
            title: "change \(id)", authoredAt: authoredAt ?? landedAt, landedAt: landedAt,
            reviewedDiffs: [DiffRange(base: nil, tip: oid(id))], files: files)
    }

    static func file(_ path: String, _ a: Int, _ d: Int, status: FileChange.Status = .modified, hunks: [Hunk] = [])
        -> FileChange
    {
        FileChange(path: path, status: status, additions: a, deletions: d, isBinary: false, hunks: hunks)
    }

    static func store(_ records: [CommitRecord]) -> CommitStore {
        var store = CommitStore()
        for r in records { store.insert(r) }
        return store
    }

    static var paths: PathClassifier { PathClassifier(exclusions: ExclusionPolicy(), delivery: DeliveryOptions()) }
    static var analyzer: DeliveryAnalyzer {
        DeliveryAnalyzer(options: DeliveryOptions(), exclusions: ExclusionPolicy())
    }

    static func credited(_ facts: ChangeFacts, kind: ChangeKind = .merge, counted: Int = 0) -> ReportBuilder.Credited {
        var size = ReportBuilder.Size()
        size.countedAdditions = counted
        size.additions = counted
        return ReportBuilder.Credited(change: change(kind, "9", landedAt: t0), size: size, facts: facts)
    }

    static func sample(_ facts: [ChangeFacts], authors: Int = 1) -> MetricSample {
        MetricSample(items: facts.map { credited($0) }, authors: authors, options: DeliveryOptions())
    }
}

@Suite struct PerChangeCalculatorTests {
    typealias H = Hand

    @Test func abbreviationIndexFindsEveryIdWithAPrefix() {
        let ids: [ObjectID: Int] = [
            ObjectID(hex: "aa11" + String(repeating: "0", count: 36))!: 0,
            ObjectID(hex: "aa12" + String(repeating: "0", count: 36))!: 1,
            ObjectID(hex: "ab00" + String(repeating: "0", count: 36))!: 2,
        ]
        let index = AbbreviationIndex(ids)
        #expect(index.lowerBound("") == 0)
        #expect(index.lowerBound("aa12") == 1)
        #expect(index.lowerBound("ab") == 2)
        #expect(index.lowerBound("ff") == 3)
        #expect(index.changes(withPrefix: "aa1") == [0, 1])
        #expect(index.changes(withPrefix: "aa12") == [1])
        #expect(index.changes(withPrefix: "b").isEmpty)
    }

    @Test func mergeTurnaroundRunsFromTheLastPushAndCycleFromTheFirstAuthoredCommit() {
        let landedAt = H.t0 + 12 * H.hour
        let b1 = H.record("1", "Start", authored: H.t0, committed: H.t0 + 5 * H.hour)
        let b2 = H.record("2", "Finish", authored: H.t0 + 2 * H.hour, committed: H.t0 + 10 * H.hour)
        let landing = H.record(
            "3", "Merge pull request #1", authored: landedAt, committed: landedAt, parents: [H.oid("0"), b2.id])
        let change = H.change(.merge, "3", commits: [b2.id, b1.id], landedAt: landedAt)
        var f = ChangeFacts()
        H.analyzer.reviewTiming(
            ChangeRecords(change: change, landing: landing, branchIDs: change.commits, branch: [b2, b1]),
            commits: H.store([b1, b2, landing]), into: &f)
        #expect(f.reviewTurnaroundHours == 2)
        #expect(f.cycleTimeHours == 12)
        #expect(f.turnaroundNote == nil)
    }

    @Test func turnaroundNotesSayWhyThereIsNoValue() {
        let landedAt = H.t0
        let direct = H.record("4", "Push", authored: landedAt, committed: landedAt)
        var f = ChangeFacts()
        H.analyzer.reviewTiming(
            ChangeRecords(
                change: H.change(.direct, "4", landedAt: landedAt), landing: direct, branchIDs: nil, branch: []),
            commits: H.store([direct]), into: &f)
        #expect(f.turnaroundNote == "landed without review")
        #expect(f.reviewTurnaroundHours == nil && f.cycleTimeHours == nil)

        let squash = H.record("5", "Port (#5)", authored: landedAt, committed: landedAt)
        var g = ChangeFacts()
        H.analyzer.reviewTiming(
            ChangeRecords(
                change: H.change(.squash, "5", landedAt: landedAt), landing: squash, branchIDs: nil, branch: []),
            commits: H.store([squash]), into: &g)
        #expect(g.turnaroundNote == "not measurable from git")

        // A branch commit dated after its landing (clock skew): no value, a note.
        let skewed = H.record("6", "Later", authored: landedAt + H.hour, committed: landedAt + H.hour)
        let merge = H.record("7", "Merge branch 'x'", authored: landedAt, committed: landedAt)
        var h = ChangeFacts()
        H.analyzer.reviewTiming(
            ChangeRecords(
                change: H.change(.merge, "7", commits: [skewed.id], landedAt: landedAt), landing: merge,
                branchIDs: [skewed.id], branch: [skewed]),
            commits: H.store([skewed, merge]), into: &h)
        #expect(h.turnaroundNote == "negative span")
        #expect(h.cycleNote == "negative span")
        #expect(H.analyzer.span(from: 0, to: 9000) == .success(2.5))
    }

    @Test func reviewDepthCountsOtherPeoplesTrailersAndFixupCommits() {
        let b1 = H.record("1", "Add parser", authored: H.t0, committed: H.t0)
        let b2 = H.record("2", "fixup! Add parser", authored: H.t0, committed: H.t0)
        let sync = H.record(
            "3", "Merge branch 'main' into parser", authored: H.t0, committed: H.t0, parents: [H.oid("1"), H.oid("0")])
        let landing = H.record(
            "4", "Merge pull request #4\n\nReviewed-by: Carol <carol@acme.com>\nReviewed-by: Alice <alice@acme.com>\n",
            authored: H.t0, committed: H.t0)
        let change = H.change(.merge, "4", commits: [b2.id, sync.id, b1.id], landedAt: H.t0)
        var f = ChangeFacts()
        H.analyzer.reviewDepth(
            ChangeRecords(change: change, landing: landing, branchIDs: change.commits, branch: [b2, sync, b1]),
            rules: DeliveryAnalyzer.MessageRules(DeliveryOptions()), into: &f)
        #expect(f.reviewers == [H.carol])
        #expect(f.unreviewed == false)
        #expect(f.branchCommits == 2)
        #expect(f.fixupCommits == 1)

        // Self-merged with no reviewer: unreviewed.
        let selfMerge = H.record("5", "Merge pull request #5", authored: H.t0, committed: H.t0)
        var g = ChangeFacts()
        H.analyzer.reviewDepth(
            ChangeRecords(
                change: H.change(.merge, "5", commits: [], landedAt: H.t0), landing: selfMerge, branchIDs: [],
                branch: []),
            rules: DeliveryAnalyzer.MessageRules(DeliveryOptions()), into: &g)
        #expect(g.unreviewed == true)
        #expect(g.branchCommits == 0)
    }

    @Test func branchReworkCountsCountedLinesThatDidNotSurvive() {
        let b1 = H.record(
            "1", "One", authored: H.t0, committed: H.t0,
            files: [H.file("src/a.c", 40, 0), H.file("vendor/x.c", 100, 0)])
        let b2 = H.record("2", "Two", authored: H.t0, committed: H.t0, files: [H.file("src/a.c", 20, 5)])
        let change = H.change(.merge, "3", commits: [b2.id, b1.id], landedAt: H.t0, files: [H.file("src/a.c", 35, 0)])
        var f = ChangeFacts()
        DeliveryAnalyzer.branchRework(
            ChangeRecords(
                change: change, landing: H.record("3", "Merge", authored: H.t0, committed: H.t0),
                branchIDs: change.commits, branch: [b2, b1]),
            paths: H.paths, into: &f)
        #expect(f.branchAddedLines == 60)
        #expect(f.discardedOnBranch == 25)
    }

    @Test func majorReworkAfterLandingOrOnTheBranch() {
        var after = ChangeFacts()
        after.addedLines = 10
        after.rewrittenAfterLanding = 5
        var below = after
        below.rewrittenAfterLanding = 4
        var branch = ChangeFacts()
        branch.branchAddedLines = 62
        branch.discardedOnBranch = 27
        var facts = [after, below, branch]
        DeliveryAnalyzer.markMajorRework(&facts, threshold: 0.5)
        #expect(facts.map(\.majorRework) == [true, false, false])
        DeliveryAnalyzer.markMajorRework(&facts, threshold: 0.4)
        #expect(facts.map(\.majorRework) == [true, true, true])
    }

    @Test func testTouchAndADRs() {
        let change = H.change(
            .direct, "1", landedAt: H.t0,
            files: [
                H.file("Tests/ParserTests.swift", 3, 1), H.file("Sources/Parser.swift", 10, 2),
                H.file("vendor/x_test.go", 5, 0),
                FileChange(path: "Tests/logo.png", status: .added, additions: 0, deletions: 0, isBinary: true),
                H.file("docs/adr/0002-b.md", 9, 0, status: .added), H.file("docs/adr/0001-a.md", 7, 0, status: .added),
                H.file("docs/adr/0003-c.md", 1, 1), H.file("docs/adr/README.md", 2, 0, status: .added),
            ])
        var f = ChangeFacts()
        DeliveryAnalyzer.testTouch(change, paths: H.paths, into: &f)
        #expect(f.touchesTests)
        #expect(f.testLines == 4)
        #expect(f.codeLines == 10 + 2 + 9 + 7 + 2 + 2)
        #expect(DeliveryAnalyzer.addedADRs(change, paths: H.paths) == ["docs/adr/0001-a.md", "docs/adr/0002-b.md"])
    }

    @Test func revertsAndFixesLinesBlameTheChangesTheyNameWithinTheDefectWindow() {
        // Newest first: a revert of #2 nine days after it, a `Fixes:` line naming #3 100 days after it.
        let changes = [
            H.change(.direct, "a", landedAt: H.t0 + 10 * H.day),
            H.change(.direct, "b", landedAt: H.t0 + 100 * H.day),
            H.change(.direct, "2", landedAt: H.t0 + H.day),
            H.change(.direct, "4", landedAt: H.t0),
        ]
        let commits = H.store([
            H.record("a", "Revert \"Two\"\n\nThis reverts commit \(H.oid("2").hex).\n", authored: 0, committed: 0),
            H.record("b", "Fix crash\n\nFixes: 4444444 (\"Four\")\n", authored: 0, committed: 0),
            H.record("2", "Two", authored: 0, committed: 0),
            H.record("4", "Four", authored: 0, committed: 0),
        ])
        var facts = [ChangeFacts](repeating: ChangeFacts(), count: 4)
        DeliveryAnalyzer.messageBlames(
            changes, commits: commits,
            changeOfCommit: DeliveryAnalyzer.changeOfCommit(changes, pullRequestCommits: [:]),
            into: &facts)
        #expect(facts[0].blames == [2: 0])
        #expect(facts[1].blames == [3: 0])
        #expect(facts[2].revertedBy == 0)
        DeliveryAnalyzer.traceEscapedDefects(&facts, changes: changes, windowDays: 90)
        #expect(facts.map(\.blamedBy) == [[], [], [0], [1]])
        #expect(facts.map(\.escapedDefect) == [false, false, true, false])
        #expect(facts.map(\.revertedInWindow) == [false, false, true, false])
    }

    @Test func szzTracesDeletedAndReplacedLinesToTheChangesThatWroteThem() {
        var ownership = LineOwnership()
        ownership.apply(
            [
                H.file(
                    "a.txt", 10, 0, status: .added, hunks: [Hunk(oldStart: 0, oldCount: 0, newStart: 1, newCount: 10)])
            ], origin: 0)
        ownership.apply(
            [H.file("a.txt", 2, 2, hunks: [Hunk(oldStart: 2, oldCount: 2, newStart: 2, newCount: 2)])], origin: 1)
        // Origin 0 is change 2, origin 1 change 1; the fix (change 0) replaces lines 2-5 and inserts one line.
        let fix = [
            H.file(
                "a.txt", 5, 4,
                hunks: [
                    Hunk(oldStart: 2, oldCount: 4, newStart: 2, newCount: 4),
                    Hunk(oldStart: 9, oldCount: 0, newStart: 10, newCount: 1),
                ])
        ]
        func blames(_ files: [FileChange], maxFixFiles: Int = 20) -> [Int: Int] {
            DeliveryAnalyzer.szzBlames(
                files, fix: 0, ownership: ownership, changeOfOrigin: [2, 1], maxFixFiles: maxFixFiles, paths: H.paths)
        }
        #expect(blames(fix) == [1: 2, 2: 2])
        #expect(blames(fix, maxFixFiles: 0) == [:])
        #expect(
            blames([H.file("a.txt", 1, 0, hunks: [Hunk(oldStart: 3, oldCount: 0, newStart: 4, newCount: 1)])]) == [:])
        var excluded = fix[0]
        excluded.path = "vendor/a.txt"
        excluded.oldPath = "a.txt"
        #expect(blames([excluded]) == [:])
        // The fix's own lines blame nobody.
        #expect(
            DeliveryAnalyzer.szzBlames(
                fix, fix: 1, ownership: ownership, changeOfOrigin: [2, 1], maxFixFiles: 20, paths: H.paths) == [2: 2])
    }

    @Test func ownershipPassMeasuresReworkAndTracesAFixToTheLinesItChanges() {
        // Oldest first: Alice adds 10 lines; five days later Bob replaces lines 2-3; a day later Alice's fix
        // deletes line 5.
        let old = H.record(
            "1", "Add a", author: H.alice, authored: H.t0, committed: H.t0,
            files: [
                H.file(
                    "a.txt", 10, 0, status: .added, hunks: [Hunk(oldStart: 0, oldCount: 0, newStart: 1, newCount: 10)])
            ])
        let mid = H.record(
            "2", "Reword a", author: H.bob, authored: H.t0 + 5 * H.day, committed: H.t0 + 5 * H.day,
            files: [H.file("a.txt", 2, 2, hunks: [Hunk(oldStart: 2, oldCount: 2, newStart: 2, newCount: 2)])])
        let fixFiles = [H.file("a.txt", 0, 1, hunks: [Hunk(oldStart: 5, oldCount: 1, newStart: 4, newCount: 0)])]
        let fix = H.record(
            "3", "Fix crash", author: H.alice, authored: H.t0 + 6 * H.day, committed: H.t0 + 6 * H.day, files: fixFiles)
        let changes = [
            H.change(.direct, "3", author: H.alice, landedAt: fix.committer.time),
            H.change(.direct, "2", author: H.bob, landedAt: mid.committer.time),
            H.change(.direct, "1", author: H.alice, landedAt: old.committer.time),
        ]
        let input = DeliveryAnalyzer.Input(
            changes: changes, mainline: [fix.id, mid.id, old.id], commits: H.store([old, mid, fix]),
            significantDiffs: [fix.id: fixFiles])
        let owned = DeliveryAnalyzer.ownershipPass(
            input, changes: changes, fixes: [true, false, false], traced: [fix.id], options: DeliveryOptions(),
            paths: H.paths)
        #expect(owned.map(\.addedLines) == [0, 2, 10])
        #expect(owned.map(\.changedLines) == [1, 4, 10])
        #expect(owned.map(\.reworkOwnLines) == [1, 0, 0])
        #expect(owned.map(\.reworkOthersLines) == [0, 2, 0])
        #expect(owned.map(\.rewrittenAfterLanding) == [0, 0, 3])
        #expect(owned[0].blames == [2: 1])

        // The whole analysis, sequential and side by side, agrees.
        let sequential = H.analyzer.analyze(input)
        var sideBySide = H.analyzer
        sideBySide.concurrency = Concurrency { side, main in
            let done = DispatchGroup()
            DispatchQueue.global().async(group: done, execute: side)
            main()
            done.wait()
        }
        #expect(sequential[2].blamedBy == [0])
        #expect(sequential[2].escapedDefect)
        #expect(sequential[0].isFix)
        #expect(sequential.map(\.majorRework) == [false, false, false])
        #expect(sideBySide.analyze(input) == sequential)
    }
}
