import HistoryModel
import Testing

@testable import HistoryMetrics

private typealias H = Hand

/// SZZ on hand-made records: fixes inside a series traced one by one, and add-only fixes.
struct SZZTests {
    /// Oldest first: Alice adds 10 lines of a.txt (#1). Bob's applied series #2..#4 lands together: #2 "Fix
    /// overflow" replaces line 3, #3 "Add feature" replaces line 7, #4 "Update notes" adds one line at the end.
    static func series(newestSubject: String = "Update notes") -> (DeliveryAnalyzer.Input<CommitStore>, ObjectID) {
        let add = [
            H.file("a.txt", 10, 0, status: .added, hunks: [Hunk(oldStart: 0, oldCount: 0, newStart: 1, newCount: 10)])
        ]
        let fixFiles = [H.file("a.txt", 1, 1, hunks: [Hunk(oldStart: 3, oldCount: 1, newStart: 3, newCount: 1)])]
        let featureFiles = [H.file("a.txt", 1, 1, hunks: [Hunk(oldStart: 7, oldCount: 1, newStart: 7, newCount: 1)])]
        let notesFiles = [H.file("a.txt", 1, 0, hunks: [Hunk(oldStart: 10, oldCount: 0, newStart: 11, newCount: 1)])]
        let t = H.t0 + 2 * H.day
        let records = [
            H.record("1", "Add a", authored: H.t0, committed: H.t0, files: add),
            H.record("2", "Fix overflow in a", author: H.bob, authored: t, committed: t, files: fixFiles),
            H.record("3", "Add feature", author: H.bob, authored: t, committed: t + 5, files: featureFiles),
            H.record("4", newestSubject, author: H.bob, authored: t, committed: t + 9, files: notesFiles),
        ]
        let changes = [
            H.change(.applied, "4", author: H.bob, commits: [H.oid("4"), H.oid("3"), H.oid("2")], landedAt: t + 9),
            H.change(.direct, "1", landedAt: H.t0),
        ]
        let input = DeliveryAnalyzer.Input(
            changes: changes, mainline: [H.oid("4"), H.oid("3"), H.oid("2"), H.oid("1")], commits: H.store(records),
            significantDiffs: [H.oid("2"): fixFiles, H.oid("3"): featureFiles, H.oid("4"): notesFiles])
        return (input, H.oid("2"))
    }

    @Test func aFixEarlyInASeriesIsTracedOnItsOwn() {
        let (input, fix) = Self.series()
        let rules = DeliveryAnalyzer.MessageRules(DeliveryOptions())
        let flags = rules.revertsAndFixes(input.changes, commits: input.commits)
        // The newest message does not say "fix"; the series is a fix because its oldest commit is one.
        #expect(flags.fixes == [true, false])
        #expect(rules.tracedCommits(input.changes, fixes: flags.fixes, commits: input.commits) == [fix])
        let facts = H.analyzer.analyze(input)
        // Only the fix's own replaced line is blamed (line 3 of #1), not #3's feature line.
        #expect(facts[0].blames == [1: 1])
        #expect(facts[1].blamedBy == [0])
        #expect(facts[1].escapedDefect)
    }

    @Test func aSeriesWhoseNewestCommitIsAFixTracesOnlyItsFixCommits() {
        let (input, fix) = Self.series(newestSubject: "Fix the notes")
        let rules = DeliveryAnalyzer.MessageRules(DeliveryOptions())
        let flags = rules.revertsAndFixes(input.changes, commits: input.commits)
        // Oldest first: #2 and #4; #3 ("Add feature") is not traced, although the group is a fix.
        #expect(rules.tracedCommits(input.changes, fixes: flags.fixes, commits: input.commits) == [fix, H.oid("4")])
        // #4 only adds (after line 10): with the default context of 1 it blames line 10 of #1 too.
        #expect(H.analyzer.analyze(input)[0].blames == [1: 2])
    }

    @Test func anAddOnlyFixBlamesTheLinesAroundItsInsertions() {
        // Alice adds 10 lines (#1); Bob's fix inserts 2 lines after line 4 and 1 line at the top of the file.
        let add = [
            H.file("a.txt", 10, 0, status: .added, hunks: [Hunk(oldStart: 0, oldCount: 0, newStart: 1, newCount: 10)])
        ]
        let fixFiles = [
            H.file(
                "a.txt", 3, 0,
                hunks: [
                    Hunk(oldStart: 0, oldCount: 0, newStart: 1, newCount: 1),
                    Hunk(oldStart: 4, oldCount: 0, newStart: 6, newCount: 2),
                ])
        ]
        let records = [
            H.record("1", "Add a", authored: H.t0, committed: H.t0, files: add),
            H.record(
                "2", "Fix crash on empty input", author: H.bob, authored: H.t0, committed: H.t0 + H.day,
                files: fixFiles),
        ]
        let changes = [
            H.change(.direct, "2", author: H.bob, landedAt: H.t0 + H.day), H.change(.direct, "1", landedAt: H.t0),
        ]
        let input = DeliveryAnalyzer.Input(
            changes: changes, mainline: [H.oid("2"), H.oid("1")], commits: H.store(records),
            significantDiffs: [H.oid("2"): fixFiles])
        // Context 1: line 1 (below the top insertion), lines 4 and 5 (around the other).
        #expect(H.analyzer.analyze(input)[0].blames == [1: 3])
        var options = DeliveryOptions()
        options.addOnlyFixContext = 3
        // Context 3: lines 1-3, and 2-7 without the lines already taken: 1-7.
        #expect(DeliveryAnalyzer(options: options, exclusions: ExclusionPolicy()).analyze(input)[0].blames == [1: 7])
        options.addOnlyFixContext = 0
        #expect(DeliveryAnalyzer(options: options, exclusions: ExclusionPolicy()).analyze(input)[0].blames == [:])
    }

    /// Oldest first: Alice adds 10 lines of a.txt (#1) on day 0; Carol replaces line 6 (#2) on day `carolDay`;
    /// Bob's fix (#3) replaces the line `fixedLine` on day 100.
    static func neighbours(fixedLine: UInt32, carolDay: Int64 = 50) -> DeliveryAnalyzer.Input<CommitStore> {
        let add = [
            H.file("a.txt", 10, 0, status: .added, hunks: [Hunk(oldStart: 0, oldCount: 0, newStart: 1, newCount: 10)])
        ]
        let carol = [H.file("a.txt", 1, 1, hunks: [Hunk(oldStart: 6, oldCount: 1, newStart: 6, newCount: 1)])]
        let fix = [
            H.file("a.txt", 1, 1, hunks: [Hunk(oldStart: fixedLine, oldCount: 1, newStart: fixedLine, newCount: 1)])
        ]
        let records = [
            H.record("1", "Add a", authored: H.t0, committed: H.t0, files: add),
            H.record(
                "2", "Reword the greeting", authored: H.t0 + carolDay * H.day, committed: H.t0 + carolDay * H.day,
                files: carol),
            H.record(
                "3", "Fix crash on empty input", author: H.bob, authored: H.t0 + 100 * H.day,
                committed: H.t0 + 100 * H.day, files: fix),
        ]
        let changes = [
            H.change(.direct, "3", author: H.bob, landedAt: H.t0 + 100 * H.day),
            H.change(.direct, "2", landedAt: H.t0 + carolDay * H.day), H.change(.direct, "1", landedAt: H.t0),
        ]
        return DeliveryAnalyzer.Input(
            changes: changes, mainline: [H.oid("3"), H.oid("2"), H.oid("1")], commits: H.store(records),
            significantDiffs: [H.oid("3"): fix])
    }

    @Test func aFixAlsoBlamesANewerWriterNextToTheLinesItReplaces() {
        func blames(_ fixedLine: UInt32, carolDay: Int64 = 50, lines: Int? = nil) -> [Int: Int] {
            var options = DeliveryOptions()
            if let lines { options.newerNeighbourLines = lines }
            return DeliveryAnalyzer(options: options, exclusions: ExclusionPolicy())
                .analyze(Self.neighbours(fixedLine: fixedLine, carolDay: carolDay))[0].blames
        }
        // Line 5 is Alice's; Carol's line 6 right below is newer: both are blamed (one line each). So for line 7.
        #expect(blames(5) == [2: 1, 1: 1])
        #expect(blames(7) == [2: 1, 1: 1])
        // Line 4 is two above Carol's, beyond the default 1 line: only Alice.
        #expect(blames(4) == [2: 1])
        // Line 6 is Carol's own, the newest around: only Carol.
        #expect(blames(6) == [1: 1])
        // Carol's change landed 95 days before the fix, outside the defect window of 90 days: only Alice.
        #expect(blames(5, carolDay: 5) == [2: 1])
        // Exactly 90 days before: inside.
        #expect(blames(5, carolDay: 10) == [2: 1, 1: 1])
        // Three lines each side: line 9 is three below Carol's line, line 10 four.
        #expect(blames(4, lines: 3) == [2: 1, 1: 1])
        #expect(blames(9, lines: 3) == [2: 1, 1: 1])
        #expect(blames(10, lines: 3) == [2: 1])
        // 0: classic SZZ.
        #expect(blames(5, lines: 0) == [2: 1])
    }

    /// Oldest first: Alice adds 10 lines of a.txt (#1) on day 0; Carol replaces line 6 (#2) on day `carolDay`;
    /// on day 100 Bob's applied series lands: #3 "Add retry" replaces line 5, then #4 "Fix retry" replaces
    /// `fixed` (line 5 again: a line its own change wrote).
    static func ownLines(fixed: [Hunk], carolDay: Int64 = 50) -> DeliveryAnalyzer.Input<CommitStore> {
        let add = [
            H.file("a.txt", 10, 0, status: .added, hunks: [Hunk(oldStart: 0, oldCount: 0, newStart: 1, newCount: 10)])
        ]
        let line6 = [H.file("a.txt", 1, 1, hunks: [Hunk(oldStart: 6, oldCount: 1, newStart: 6, newCount: 1)])]
        let line5 = [H.file("a.txt", 1, 1, hunks: [Hunk(oldStart: 5, oldCount: 1, newStart: 5, newCount: 1)])]
        let fix = [H.file("a.txt", fixed.count, fixed.count, hunks: fixed)]
        let (carol, bob) = (H.t0 + carolDay * H.day, H.t0 + 100 * H.day)
        let records = [
            H.record("1", "Add a", authored: H.t0, committed: H.t0, files: add),
            H.record("2", "Reword a", author: H.carol, authored: carol, committed: carol, files: line6),
            H.record("3", "Add retry", author: H.bob, authored: bob, committed: bob, files: line5),
            H.record("4", "Fix retry", author: H.bob, authored: bob, committed: bob + 5, files: fix),
        ]
        let changes = [
            H.change(.applied, "4", author: H.bob, commits: [H.oid("4"), H.oid("3")], landedAt: bob + 5),
            H.change(.direct, "2", author: H.carol, landedAt: carol),
            H.change(.direct, "1", landedAt: H.t0),
        ]
        return DeliveryAnalyzer.Input(
            changes: changes, mainline: ["4", "3", "2", "1"].map { H.oid(Character($0)) }, commits: H.store(records),
            significantDiffs: [H.oid("4"): fix])
    }

    @Test func aFixWhoseReplacedLinesBlameNothingBlamesTheLinesAroundItsHunks() {
        func blames(_ fixed: [Hunk], carolDay: Int64 = 50, context: Int? = nil, neighbour: Int? = nil) -> [Int: Int] {
            var options = DeliveryOptions()
            if let context { options.addOnlyFixContext = context }
            if let neighbour { options.newerNeighbourLines = neighbour }
            return DeliveryAnalyzer(options: options, exclusions: ExclusionPolicy())
                .analyze(Self.ownLines(fixed: fixed, carolDay: carolDay))[0].blames
        }
        let line5 = Hunk(oldStart: 5, oldCount: 1, newStart: 5, newCount: 1)
        // Line 5 is the series' own (#3): it blames nobody, so lines 4 (Alice's, #1) and 6 (Carol's, #2) are
        // blamed. Carol's is also the newer neighbour of line 5: counted once, not twice.
        #expect(blames([line5]) == [2: 1, 1: 1])
        #expect(blames([line5], neighbour: 0) == [2: 1, 1: 1])
        // Carol's change 100 days before the fix, outside the defect window: the context still blames it.
        #expect(blames([line5], carolDay: 0) == [2: 1, 1: 1])
        // Three lines each side: 2-4 Alice's, 6 Carol's, 7-8 Alice's.
        #expect(blames([line5], context: 3) == [2: 5, 1: 1])
        // No context: nothing but the newer neighbour (Carol, recent), as before.
        #expect(blames([line5], context: 0) == [1: 1])
        #expect(blames([line5], context: 0, neighbour: 0) == [:])
        // A fix that also replaces Alice's line 9 blames that line, and no context; the newer neighbour of line 5
        // (Carol's line 6) stays.
        let line9 = Hunk(oldStart: 9, oldCount: 1, newStart: 9, newCount: 1)
        #expect(blames([line5, line9]) == [2: 1, 1: 1])
        #expect(blames([line5, line9], neighbour: 0) == [2: 1])
        // An insertion beside the own line counts as a hunk of the fix: its context (lines 2 and 3) too.
        let insertion = Hunk(oldStart: 2, oldCount: 0, newStart: 2, newCount: 1)
        #expect(blames([insertion, line5], neighbour: 0) == [2: 3, 1: 1])
    }

    @Test func contextRangesAroundEveryHunk() {
        let top = Hunk(oldStart: 0, oldCount: 0, newStart: 1, newCount: 1)
        let replaced = Hunk(oldStart: 5, oldCount: 2, newStart: 6, newCount: 1)
        let near = Hunk(oldStart: 8, oldCount: 1, newStart: 8, newCount: 0)
        func pairs(_ r: [BranchFixTrace.LineRange]) -> [[Int]] { r.map { [$0.start, $0.count] } }
        // Line 1 below the top insertion; 4 above lines 5-6; 7 below them and above 8, 9 below 8.
        #expect(pairs(Hunk.context([top, replaced, near], lines: 1)) == [[1, 1], [4, 1], [7, 1], [9, 1]])
        // Two lines: 1-2, 3-4 and 7-8 around 5-6 (8 is the next hunk's own), 6-7 above 8 (taken), 9-10 below.
        #expect(pairs(Hunk.context([top, replaced, near], lines: 2)) == [[1, 4], [7, 4]])
        #expect(pairs(Hunk.context([replaced], lines: 0)) == [])
        #expect(pairs(Hunk.around(BranchFixTrace.LineRange(start: 2, count: 3), lines: 3)) == [[1, 1], [5, 3]])
        #expect(pairs(Hunk.around(BranchFixTrace.LineRange(start: 1, count: 1), lines: 1)) == [[2, 1]])
    }

    @Test func insertionContextRanges() {
        let top = Hunk(oldStart: 0, oldCount: 0, newStart: 1, newCount: 1)
        let mid = Hunk(oldStart: 4, oldCount: 0, newStart: 6, newCount: 2)
        let replaced = Hunk(oldStart: 8, oldCount: 1, newStart: 10, newCount: 1)
        func pairs(_ r: [(start: Int, count: Int)]) -> [[Int]] { r.map { [$0.start, $0.count] } }
        #expect(pairs(DeliveryAnalyzer.insertionContext([top, mid, replaced], lines: 1)) == [[1, 1], [4, 2]])
        #expect(pairs(DeliveryAnalyzer.insertionContext([top, mid], lines: 3)) == [[1, 3], [4, 4]])
        #expect(pairs(DeliveryAnalyzer.insertionContext([top, mid], lines: 0)) == [])
    }

    /// A squash is a fix by its own message, or when a commit of its pull request is a fix that names the commit
    /// it fixes (`Fixes: <id>`): the pull request's other "fix" commits fix its own work in progress.
    @Test func aSquashIsAFixWhenACommitOfItsPullRequestNamesTheCommitItFixes() {
        let squash = H.record("9", "Add export (#12)", authored: H.t0, committed: H.t0)
        let pr = [
            H.record("5", "Add exporter", authored: H.t0, committed: H.t0),
            H.record("6", "Fix crash when the export is empty", authored: H.t0, committed: H.t0),
            H.record("7", "fixup! Fix the exporter", authored: H.t0, committed: H.t0),
            H.record(
                "8", "Fix the date format of reports\n\nFixes: 1234567890ab (\"Add reports\")", authored: H.t0,
                committed: H.t0),
            H.record("4", "fixup! Fix dates\n\nFixes: 1234567890ab (\"Add reports\")", authored: H.t0, committed: H.t0),
        ]
        let changes = [H.change(.squash, "9", landedAt: H.t0)]
        let rules = DeliveryAnalyzer.MessageRules(DeliveryOptions())
        let store = H.store([squash] + pr)
        #expect(rules.revertsAndFixes(changes, commits: store).fixes == [false])
        // A fix of the pull request's own work in progress, and a fix-up, do not make it a fix.
        let workInProgress = [H.oid("9"): [H.oid("7"), H.oid("6"), H.oid("5")]]
        #expect(rules.revertsAndFixes(changes, commits: store, pullRequestCommits: workInProgress).fixes == [false])
        // A fix that names the commit it fixes does; a fix-up never does, named commit or not.
        let tagged = [H.oid("9"): [H.oid("8"), H.oid("6"), H.oid("5")]]
        #expect(rules.revertsAndFixes(changes, commits: store, pullRequestCommits: tagged).fixes == [true])
        let taggedFixup = [H.oid("9"): [H.oid("4"), H.oid("5")]]
        #expect(rules.revertsAndFixes(changes, commits: store, pullRequestCommits: taggedFixup).fixes == [false])
        // With no fix patterns, nothing is a fix, however it is tagged.
        var none = DeliveryOptions()
        none.fixPatterns = []
        #expect(
            DeliveryAnalyzer.MessageRules(none).revertsAndFixes(changes, commits: store, pullRequestCommits: tagged)
                .fixes == [false])
        // The squash is traced through its own diff.
        #expect(rules.tracedCommits(changes, fixes: [true], commits: store) == [H.oid("9")])
    }

    /// A commit that changes only test files (`testPatterns`) is no fix, whatever its message: a broken test is not
    /// a defect that escaped to users. Checked wherever a commit can make its change a fix.
    @Test func aCommitThatChangesOnlyTestsIsNoFix() {
        let testOnly = H.record(
            "1", "Fix a leak in the tests", authored: H.t0, committed: H.t0,
            files: [H.file("tests/odb/foreach.c", 2, 1), H.file("t/t5551-http-fetch.sh", 1, 1)])
        let product = H.record(
            "2", "Fix a leak in the reader", authored: H.t0, committed: H.t0,
            files: [H.file("src/reader.c", 2, 1), H.file("tests/reader.c", 5, 0)])
        let noFiles = H.record("3", "Fix a leak in the writer", authored: H.t0, committed: H.t0)
        let rules = DeliveryAnalyzer.MessageRules(DeliveryOptions())
        let store = H.store([testOnly, product, noFiles])
        let direct = ["1", "2", "3"].map { H.change(.direct, Character($0), landedAt: H.t0) }
        #expect(rules.revertsAndFixes(direct, commits: store).fixes == [false, true, true])
        #expect(rules.fixDetection(direct, commits: store).fixes == [false, true, true])
        // Inside a group, a squash's pull request and a merged branch alike.
        let group = H.change(.rebase, "2", commits: [H.oid("2"), H.oid("1")], landedAt: H.t0)
        #expect(rules.fixDetection([group], commits: store).traced == [H.oid("2")])
        let lone = H.change(.rebase, "9", commits: [H.oid("9"), H.oid("1")], landedAt: H.t0)
        let store9 = H.store([testOnly, H.record("9", "Add a writer", authored: H.t0, committed: H.t0)])
        #expect(rules.fixDetection([lone], commits: store9).fixes == [false])
        let tagged = H.record(
            "4", "Fix the flaky test\n\nFixes: 1234567890ab (\"Add reports\")", authored: H.t0, committed: H.t0,
            files: [H.file("tests/reports.c", 1, 1)])
        let squash = H.record("8", "Add export (#12)", authored: H.t0, committed: H.t0)
        let squashStore = H.store([tagged, squash, testOnly])
        let squashed = [H.change(.squash, "8", landedAt: H.t0)]
        #expect(
            rules.revertsAndFixes(squashed, commits: squashStore, pullRequestCommits: [H.oid("8"): [H.oid("1")]])
                .fixes == [false])
        // A commit that names the commit it fixes stays a fix, as the project says, tests or not.
        #expect(
            rules.revertsAndFixes(squashed, commits: squashStore, pullRequestCommits: [H.oid("8"): [H.oid("4")]])
                .fixes == [true])
        #expect(rules.revertsAndFixes([H.change(.direct, "4", landedAt: H.t0)], commits: squashStore).fixes == [true])
        let merge = H.record(
            "7", "Merge branch 'leaks'", authored: H.t0, committed: H.t0, parents: [H.oid("6"), H.oid("1")])
        let merged = [H.change(.merge, "7", commits: [H.oid("7"), H.oid("1")], landedAt: H.t0)]
        #expect(rules.fixDetection(merged, commits: H.store([merge, testOnly])).fixes == [false])
        #expect(rules.fixDetection(merged, commits: H.store([merge, product])).fixes == [false])
        let mergedProduct = [H.change(.merge, "7", commits: [H.oid("7"), H.oid("2")], landedAt: H.t0)]
        #expect(rules.fixDetection(mergedProduct, commits: H.store([merge, product])).branch == [H.oid("2")])
        // With no test patterns, every file counts.
        var noTests = DeliveryOptions()
        noTests.testPatterns = []
        #expect(
            DeliveryAnalyzer.MessageRules(noTests).fixDetection(direct, commits: store).fixes == [true, true, true])
    }

    /// A commit that changes only documentation files (`documentationPatterns`), or documentation and tests, is no
    /// fix either: a wrong manual page or change-log entry is not a defect in the product. `CMakeLists.txt` is a
    /// build file, not documentation.
    @Test func aCommitThatChangesOnlyDocumentationIsNoFix() {
        let files: [[FileChange]] = [
            [H.file("Documentation/git-for-each-ref.txt", 1, 1)],
            [H.file("Documentation/CodingGuidelines", 1, 1)],
            [H.file("docs/KNOWN_BUGS", 0, 9)],
            [H.file("CHANGES", 17, 0), H.file("RELEASE-NOTES", 2, 1)],
            [H.file("README.md", 1, 1), H.file("tests/reader.c", 2, 0)],
            [H.file("man/yardstick.1", 1, 1)],
            [H.file("CMakeLists.txt", 1, 1)],
            [H.file("docs/KNOWN_BUGS", 0, 9), H.file("src/reader.c", 3, 1)],
            [H.file("src/notes.md.in", 1, 1)],
        ]
        let ids: [Character] = ["1", "2", "3", "4", "5", "6", "7", "8", "9"]
        let records = zip(ids, files).map { id, f in
            H.record(id, "Fix the description of --contains", authored: H.t0, committed: H.t0, files: f)
        }
        let rules = DeliveryAnalyzer.MessageRules(DeliveryOptions())
        let store = H.store(records)
        let direct = ids.map { H.change(.direct, $0, landedAt: H.t0) }
        let expected = [false, false, false, false, false, false, true, true, true]
        #expect(rules.revertsAndFixes(direct, commits: store).fixes == expected)
        #expect(rules.fixDetection(direct, commits: store).fixes == expected)
        // A merged branch whose only fix commit changes documentation is no fix.
        let merge = H.record(
            "e", "Merge branch 'kn/for-each-tag-branch'", authored: H.t0, committed: H.t0,
            parents: [H.oid("0"), H.oid("1")])
        let merged = [H.change(.merge, "e", commits: [H.oid("e"), H.oid("1")], landedAt: H.t0)]
        #expect(rules.fixDetection(merged, commits: H.store([merge, records[0]])).fixes == [false])
        // A commit that names the commit it fixes stays a fix.
        let tagged = H.record(
            "d", "Fix the manual page\n\nFixes: 1234567890ab (\"Add reports\")", authored: H.t0, committed: H.t0,
            files: [H.file("Documentation/reports.txt", 1, 1)])
        #expect(
            rules.revertsAndFixes([H.change(.direct, "d", landedAt: H.t0)], commits: H.store([tagged])).fixes == [true])
        // With no documentation patterns, documentation files count as the product's; tests still do not.
        var noDocs = DeliveryOptions()
        noDocs.documentationPatterns = []
        #expect(
            DeliveryAnalyzer.MessageRules(noDocs).fixDetection(direct, commits: store).fixes
                == [true, true, true, true, true, true, true, true, true])
        var neither = noDocs
        neither.testPatterns = []
        #expect(
            DeliveryAnalyzer.MessageRules(neither).fixDetection(Array(direct[4...4]), commits: store).fixes == [true])
    }

    /// A commit that changes only CI configuration and scripts (`ciPatterns`), or those with tests and documentation,
    /// is no fix: a failing CI job is not a defect in the product (analysis revision 12). A build file, or a CI file
    /// with a source file, keeps the fix; so does a commit that names the commit it fixes.
    @Test func aCommitThatChangesOnlyCIFilesIsNoFix() {
        let files: [[FileChange]] = [
            [H.file(".github/workflows/website.yml", 2, 1)],
            [H.file(".travis.yml", 1, 1), H.file("appveyor.yml", 1, 1)],
            [H.file("ci/run-build-and-tests.sh", 3, 2), H.file("t/t7527-builtin-fsmonitor.sh", 1, 1)],
            [H.file(".circleci/config.yml", 1, 1), H.file("README.md", 1, 0)],
            [H.file(".gitlab-ci.yml", 1, 1), H.file("src/reader.c", 3, 1)],
            [H.file("Makefile", 1, 1)],
            [H.file("src/ci/mode.c", 1, 1)],
        ]
        let ids: [Character] = ["1", "2", "3", "4", "5", "6", "7"]
        let records = zip(ids, files).map { id, f in
            H.record(id, "Fix the release build", authored: H.t0, committed: H.t0, files: f)
        }
        let rules = DeliveryAnalyzer.MessageRules(DeliveryOptions())
        let store = H.store(records)
        let direct = ids.map { H.change(.direct, $0, landedAt: H.t0) }
        let expected = [false, false, false, false, true, true, true]
        #expect(rules.revertsAndFixes(direct, commits: store).fixes == expected)
        #expect(rules.fixDetection(direct, commits: store).fixes == expected)
        let tagged = H.record(
            "d", "Fix the release workflow\n\nFixes: 1234567890ab (\"Add releases\")", authored: H.t0,
            committed: H.t0, files: [H.file(".github/workflows/release.yml", 1, 1)])
        #expect(
            rules.revertsAndFixes([H.change(.direct, "d", landedAt: H.t0)], commits: H.store([tagged])).fixes == [true])
        // With no CI patterns, CI files count as the product's.
        var noCI = DeliveryOptions()
        noCI.ciPatterns = []
        #expect(
            DeliveryAnalyzer.MessageRules(noCI).fixDetection(direct, commits: store).fixes
                == [true, true, true, true, true, true, true])
    }

    /// A fix line of the body counts only under a subject that `issueLineExclusions` lets through, whether it names
    /// issues or says what it fixes: a warning, test or documentation change that says it "fixed" something has not
    /// fixed a defect. A line that names the commit it fixes counts under any subject.
    @Test func aFixLineUnderAnExcludedSubjectIsNoFix() {
        let rules = DeliveryAnalyzer.MessageRules(DeliveryOptions())
        func fix(_ message: String) -> Bool { rules.isFix(H.record("1", message, authored: H.t0, committed: H.t0)) }
        #expect(
            !fix(
                "cmake: enable warnings for unused const variables\n\nAs we have now\n"
                    + "fixed all occurrences of such variables, we can enable those warnings.\n"))
        #expect(!fix("tests: add a regression test\n\nFixes the crash on empty input.\n"))
        #expect(!fix("docs: describe --depth\n\nFixes #12\n"))
        #expect(fix("tests: add a regression test\n\nFixes: 1234567890ab (\"Add reader\")\n"))
        #expect(fix("tests: add a regression test\n\nfixes: 1234567\n"))
        #expect(!fix("tests: add a regression test\n\nFixes: 123456\n"))
        #expect(!fix("tests: add a regression test\n\nFixes: 1234567_a\n"))
        #expect(fix("reader: refactor\n\nFixes the crash on empty input.\n"))
        // A line that only names issues makes no fix under any subject (analysis revision 9).
        #expect(!fix("reader: refactor\n\nFixes #12\n"))
        #expect(fix("reader: refactor\n\nFixes #12: the crash on empty input\n"))
        // With no exclusions, every fix line counts.
        var none = DeliveryOptions()
        none.issueLineExclusions = []
        #expect(
            DeliveryAnalyzer.MessageRules(none).isFix(
                H.record("1", "tests: add a regression test\n\nFixes the crash.\n", authored: H.t0, committed: H.t0)))
    }
}
