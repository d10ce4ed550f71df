import EvidenceImport
import HistoryModel
import Testing

/// The `squash` sample repository's landed changes, credited as the default grouping (by e-mail domain) does.
enum SquashChanges {
    static let refs: [ChangeRef] = [
        ChangeRef(commit: Fixture.initial, commits: [Fixture.initial], number: nil, groups: ["acme.com"]),
        ChangeRef(commit: Fixture.login12, commits: [Fixture.login12], number: 12, groups: ["vendorco.io"]),
        ChangeRef(commit: Fixture.session13, commits: [Fixture.session13], number: 13, groups: ["acme.com"]),
        ChangeRef(commit: Fixture.ciConfig, commits: [Fixture.ciConfig], number: nil, groups: ["acme.com"]),
        ChangeRef(commit: Fixture.rateLimit7, commits: [Fixture.rateLimit7], number: 7, groups: ["vendorco.io"]),
        ChangeRef(commit: Fixture.reset14, commits: [Fixture.reset14], number: 14, groups: ["gmail.com"]),
        ChangeRef(commit: Fixture.lodash16, commits: [Fixture.lodash16], number: 16, groups: ["bots"]),
        ChangeRef(commit: Fixture.revert, commits: [Fixture.revert], number: nil, groups: ["acme.com"]),
    ]

    static func tally(_ join: BuildJoin, group: String) -> BuildTally {
        join.tally(changes: refs.indices.filter { refs[$0].groups.contains(group) })
    }
}

@Suite struct BuildJoinTests {
    func allBuilds() throws -> [BuildRecord] {
        try ["gh-runs.json", "rest-runs.json", "gitlab-pipelines.json", "jenkins.json", "builds.csv"].flatMap {
            try BuildImport.read(Fixture.path("builds/" + $0))
        }
    }

    @Test func everyRecordIsJoinedCountedOrReported() throws {
        let join = Evidence.joinBuilds(try allBuilds(), index: ChangeIndex(changes: SquashChanges.refs))
        #expect(join.records == 23)
        #expect(join.duplicates == 3)  // run 1001 twice in gh-runs and once more in rest-runs; a repeated CSV row
        #expect(join.unmatched == 1)  // deaddead…, in no history
        #expect(join.withoutCommit == 1)  // Jenkins #42, still building, no git data yet
        #expect(join.perChange.values.reduce(0) { $0 + $1.count } == 18)
        // Runs of refs/pull/14/head join #14 by its PR number.
        // (github:1005:1, github:2001:1 and github:2002:2: the latter two a run and its re-run)
        #expect(join.perChange[5]?.count == 3)
        #expect(join.perChange[5]?.tally.firstSuccess == 0 && join.perChange[5]?.tally.firstFailure == 1)
    }

    @Test func perGroupRates() throws {
        let join = Evidence.joinBuilds(try allBuilds(), index: ChangeIndex(changes: SquashChanges.refs))
        let acme = SquashChanges.tally(join, group: "acme.com")
        #expect(
            [acme.success, acme.failure, acme.cancelled, acme.skipped, acme.pending, acme.other] == [4, 2, 1, 1, 2, 0])
        #expect(acme.successRate == 4.0 / 6.0 * 100)
        #expect([acme.firstSuccess, acme.firstFailure, acme.firstUnknown] == [2, 1, 1])
        #expect(acme.firstAttemptSuccessRate == 2.0 / 3.0 * 100)
        let vendor = SquashChanges.tally(join, group: "vendorco.io")
        #expect([vendor.success, vendor.failure, vendor.cancelled, vendor.skipped, vendor.pending] == [2, 2, 0, 0, 0])
        #expect(vendor.successRate == 50)
        #expect([vendor.firstSuccess, vendor.firstFailure, vendor.firstUnknown] == [1, 2, 0])
        let gmail = SquashChanges.tally(join, group: "gmail.com")
        #expect([gmail.success, gmail.failure, gmail.cancelled] == [1, 1, 1])
        #expect(gmail.successRate == 50)
        #expect(gmail.firstAttemptSuccessRate == 0)
        let bots = SquashChanges.tally(join, group: "bots")
        #expect(bots.cancelled == 1 && bots.successRate == nil)
    }

    @Test func aBuildOfABranchHeadJoinsThroughTheReviewExport() {
        var index = ChangeIndex(changes: SquashChanges.refs)
        let head = Fixture.pull14Head
        let build = BuildRecord(key: "x", commit: head, outcome: .success)
        #expect(Evidence.joinBuilds([build], index: index).unmatched == 1)
        index.add(commit: head, to: 5)
        #expect(Evidence.joinBuilds([build], index: index).perChange[5]?.count == 1)
    }
}

@Suite struct CoverageJoinTests {
    /// Line ownership of the `squash` repository at HEAD for the files the fixtures cover, as
    /// `git blame --first-parent` gives it: origins index SquashChanges.refs.
    static let owners: [String: [Int32]] = [
        "src/login.c": Array(repeating: 1, count: 19) + Array(repeating: 5, count: 4) + Array(repeating: 1, count: 57),
        "src/main.c": Array(repeating: 0, count: 9) + Array(repeating: 7, count: 3) + Array(repeating: 0, count: 18),
        "src/ratelimit.c": Array(repeating: 4, count: 45),
        "src/util.c": Array(repeating: 0, count: 40),
        "src/reset.c": Array(repeating: 5, count: 50),
    ]

    @Test func coveragePerGroupFromLineOwnership() throws {
        let files = CoverageImport.merge(
            try ["coverage.info", "coverage.xml", "llvm-cov.json"].map {
                try CoverageImport.read(Fixture.path("coverage/" + $0))
            })
        let result = Evidence.coverageByGroup(
            files, mapper: Evidence.PathMapper(), tracked: { Self.owners[$0] != nil }, origins: { Self.owners[$0] },
            groups: { SquashChanges.refs[Int($0)].groups })
        #expect(result.groups["acme.com"] == Evidence.CoverageTally(instrumented: 7, covered: 4))
        #expect(result.groups["vendorco.io"] == Evidence.CoverageTally(instrumented: 6, covered: 4))
        // reset.c lines 1-10 from llvm-cov's segments (7 covered), all written by #14.
        #expect(result.groups["gmail.com"] == Evidence.CoverageTally(instrumented: 14, covered: 9))
        #expect(result.groups.count == 3)
        // util.c line 41: past the file's end
        #expect(result.unattributed == Evidence.CoverageTally(instrumented: 1, covered: 1))
        #expect(result.unmatchedFiles == 1 && result.unmatchedLines == 2)  // src/generated.c
        #expect(result.summaryOnlyLines == 0)  // llvm-cov's export has per-line data (segments)
    }
}

@Suite struct ReviewJoinTests {
    @Test func reviewsJoinByLandedCommitOrNumber() throws {
        let github = ReviewImport.merge(
            try ["gh-prs.json", "rest-pulls.json", "rest-reviews.json", "rest-comments.json"].map {
                try ReviewImport.read(Fixture.path("reviews/" + $0))
            })
        let gitlab = ReviewImport.merge(
            try ["gitlab-mrs.json", "gitlab-notes.json"].map { try ReviewImport.read(Fixture.path("reviews/" + $0)) })
        let join = Evidence.joinReviews(github + gitlab, index: ChangeIndex(changes: SquashChanges.refs))
        #expect(join.records == 5)
        #expect(join.unmatched == 1)  // #99: its merge commit is in no history, and no change has number 99
        #expect(join.merged == 0)
        #expect(join.perChange.keys.sorted() == [1, 2, 4, 5])
        let hours = join.perChange.sorted { $0.key < $1.key }.map { Evidence.figures($0.value).turnaroundHours }
        #expect(hours == [2.5, 2.5, 3.25, 4])
        // vendorco.io: #12 and !7.
        let vendor = [1, 4].compactMap { join.perChange[$0] }.map(Evidence.figures)
        #expect(Evidence.median(vendor.compactMap(\.turnaroundHours)) == 2.875)
        #expect(Evidence.mean(vendor.map { Double($0.comments) }) == 1)
    }

    @Test func aNumberWithoutALandedCommitJoinsByNumber() {
        let index = ChangeIndex(changes: SquashChanges.refs)
        let pr = PullRequestReview(number: 16, author: "dependabot[bot]", openedAt: 0)
        #expect(Evidence.joinReviews([pr], index: index).perChange[6] == pr)
        // A second record of the same change is merged into it, and counted as such.
        let twice = Evidence.joinReviews([pr, PullRequestReview(number: 16, author: "a", openedAt: 0)], index: index)
        #expect(twice.records == 2 && twice.perChange.count == 1 && twice.merged == 1 && twice.unmatched == 0)
    }

    @Test func botsAndTheAuthorAreNotReviewers() {
        let pr = PullRequestReview(
            number: 1, author: "Dana", openedAt: 0,
            events: [
                ReviewEvent(key: "a", author: "dana", isBot: false, at: 1_000, kind: .comment),
                ReviewEvent(
                    key: "b", author: "renovate[bot]", isBot: ReviewImport.isBot(login: "renovate[bot]"), at: 2_000,
                    kind: .comment),
                ReviewEvent(key: "c", author: "ravi", isBot: false, at: 7_200_000, kind: .review, state: "APPROVED"),
            ])
        #expect(
            Evidence.figures(pr)
                == Evidence.ReviewFigures(
                    turnaroundHours: 2, negativeSpan: false, comments: 0, reviewers: 1, approvals: 1))
        let skewed = PullRequestReview(
            number: 2, author: "dana", openedAt: 10_000,
            events: [ReviewEvent(key: "d", author: "ravi", isBot: false, at: 5_000, kind: .comment)])
        #expect(
            Evidence.figures(skewed)
                == Evidence.ReviewFigures(
                    turnaroundHours: nil, negativeSpan: true, comments: 1, reviewers: 1, approvals: 0))
    }
}

@Suite struct BranchJoinTests {
    /// A `pull_request` run of a commit no history holds (a push a squash merge dropped) joins the landed
    /// pull request whose head branch it names and whose open span (opened to merged) holds its start.
    @Test func aPullRequestRunOfAnUnknownCommitJoinsByBranchAndTime() {
        var joiner = BuildJoiner(index: ChangeIndex(changes: SquashChanges.refs))
        joiner.addBranch("reset", from: 1_000, to: 5_000, change: 5)
        joiner.addBranch("fix", from: 1_000, to: 5_000, change: 1)
        joiner.addBranch("fix", from: 4_000, to: 9_000, change: 2)
        let gone = Fixture.id("deaddeaddeaddeaddeaddeaddeaddeaddeaddead")
        func run(_ key: String, _ at: Int64, _ branch: String?, _ outcome: BuildOutcome = .success) -> BuildRecord {
            BuildRecord(key: key, commit: gone, outcome: outcome, startedAt: at, pullRequestBranch: branch)
        }
        joiner.add(run("a", 2_000, "reset", .failure))  // #14's branch while it was open
        joiner.add(run("b", 6_000, "reset"))  // after #14 merged
        joiner.add(run("c", 4_500, "fix"))  // two open PRs of that branch name: neither
        joiner.add(run("d", 7_000, "fix"))  // only the second is open
        joiner.add(run("e", 2_000, nil))  // not a pull_request run
        joiner.add(BuildRecord(key: "f", commit: Fixture.login12, outcome: .success, pullRequestBranch: "reset"))
        let join = joiner.join
        #expect(join.joinedByBranch == 2)
        #expect(join.unmatched == 3)
        #expect(join.perChange[5]?.tally.failure == 1 && join.perChange[5]?.count == 1)
        #expect(join.perChange[2]?.count == 1)
        #expect(join.perChange[1]?.count == 1)  // f: by its commit first
    }
}
