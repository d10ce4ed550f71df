import HistoryMetrics
import HistoryMining
import HistoryModel
import ReportContract
import TestSupport
import Testing
import YardstickAnalysis
import YardstickConfig

/// The `applied` sample (Scripts/make-sample-repos.sh, build_applied): series a maintainer applied for others,
/// a fix early in a series, and an add-only fix. The expected blames are `git blame --first-parent` of the
/// lines each fix changes (sample-repos/README.md).
@Suite struct AppliedSeriesTests {
    static func report(_ configure: (inout YardstickConfiguration) -> Void = { _ in }) throws -> Report {
        var configuration = YardstickConfiguration()
        configure(&configuration)
        return try Analysis(
            path: SampleRepositories.path("applied"), mining: MiningOptions(workers: 2), configuration: configuration
        ).run()
    }

    static func change(_ r: Report, _ short: String) throws -> (Report.PullRequest, Report.ChangeDelivery) {
        let pr = try #require(r.pullRequests.first { $0.commit.hasPrefix(short) }, "\(short)")
        return (pr, try #require(pr.delivery))
    }

    static func blames(_ d: Report.ChangeDelivery) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: d.blames.map { (String($0.commit.prefix(7)), $0.lines) })
    }

    @Test func maintainerRunsAreAppliedAndReviewedOnlyByTrailers() throws {
        let r = try Self.report()
        #expect(
            r.pullRequests.map { String($0.commit.prefix(7)) } == [
                "d070dd1", "53dfb35", "2555c7a", "5a24d1a", "35b2239",
            ])
        #expect(r.pullRequests.map(\.kind) == ["direct", "applied", "applied", "direct", "direct"])
        let (seriesOne, one) = try Self.change(r, "2555c7a")
        #expect(seriesOne.commits.count == 3)
        #expect(one.unreviewed)
        #expect(one.reviewers == [])
        let (seriesTwo, two) = try Self.change(r, "53dfb35")
        #expect(seriesTwo.commits.count == 2)
        #expect(!two.unreviewed)
        #expect(two.reviewers == ["Bob Brown <bob@acme.com>"])
        let all = r.groups.flatMap { $0.metrics["landedChanges"].map { [$0] } ?? [] }
        #expect(all.reduce(0) { $0 + ($1.details["applied"] ?? 0) } == 2)
    }

    @Test func aFixEarlyInASeriesAndAnAddOnlyFixAreTraced() throws {
        let r = try Self.report()
        let (_, series) = try Self.change(r, "2555c7a")
        // The series' newest subject is no fix; its oldest commit is, and blames Bob's line 11.
        #expect(series.isFix)
        #expect(Self.blames(series) == ["5a24d1a": 1])
        let (_, addOnly) = try Self.change(r, "d070dd1")
        // Two lines inserted between line 10 (Bob's) and line 11 (series 1's): one line each.
        #expect(addOnly.isFix)
        #expect(Self.blames(addOnly) == ["2555c7a": 1, "5a24d1a": 1])
        let (_, bob) = try Self.change(r, "5a24d1a")
        #expect(bob.blamedBy.map { String($0.prefix(7)) } == ["d070dd1", "2555c7a"])
        #expect(bob.escapedDefect)

        // Classic SZZ (no context for add-only fixes): the add-only fix blames nothing.
        let classic = try Self.report { $0.delivery.addOnlyFixContext = 0 }
        #expect(try Self.change(classic, "d070dd1").1.blames.isEmpty)
        #expect(Self.blames(try Self.change(classic, "2555c7a").1) == ["5a24d1a": 1])
    }
}
