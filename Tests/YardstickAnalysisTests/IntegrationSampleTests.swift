import HistoryMetrics
import HistoryMining
import ReportContract
import TestSupport
import Testing
import YardstickAnalysis

/// The whole analysis on the `integration` sample (sample-repos/README.md): integration merges kept out of
/// PR size, the default exclusions listed, and the last month and quarter marked partial.
@Suite struct IntegrationSampleTests {
    static func report(window: TimeWindow? = nil, until: Int64? = nil) throws -> Report {
        var mining = MiningOptions(workers: 2)
        mining.until = until
        return try Analysis(path: SampleRepositories.path("integration"), mining: mining, window: window).run()
    }

    @Test func integrationMergesAndExclusions() throws {
        let r = try Self.report()
        #expect(
            r.pullRequests.map(\.kind) == [
                "integration", "squash", "merge", "integration", "merge", "integration", "merge", "direct",
            ])
        #expect(
            r.exclusions
                == Report.Exclusions(
                    integrationMerges: 3,
                    files: [
                        Report.ExclusionRule(rule: "vendored (deps/)", files: 1, lines: 100, changes: 1),
                        Report.ExclusionRule(rule: "vendored (*.min.js)", files: 1, lines: 3, changes: 1),
                    ]))
        func metric(_ group: String, _ key: String) -> Report.Metric? {
            r.groups.first { $0.name == group }?.metrics[key]
        }
        // acme.com: the initial commit (25), #1 (30) and #5 (53 of 153: deps/pcre left out, deps/zlib taken
        // back by linguist-vendored=false); the maint merge is a landed change but no PR.
        #expect(metric("acme.com", "landedChanges")?.value == 4)
        #expect(metric("acme.com", "landedChanges")?.details["integration"] == 1)
        #expect(metric("acme.com", "prSize")?.value == 36)
        #expect(metric("acme.com", "prSize")?.details == ["count": 3, "median": 30, "p90": 53, "rawMean": 69.33])
        // gmail.com: #3 (12) and the squash #6 (8 of 11: web/app.min.js left out).
        #expect(metric("gmail.com", "prSize")?.value == 10)
        // vendorco.io: only the two integration merges (development, and the next-gen train of ten merges).
        #expect(metric("vendorco.io", "landedChanges")?.details["integration"] == 2)
        #expect(metric("vendorco.io", "prSize")?.value == nil)
        #expect(metric("vendorco.io", "reviewTurnaroundHours")?.value == nil)
        let maint = try #require(r.pullRequests.first)
        #expect(maint.delivery?.turnaroundNote == "integration merge")
    }

    /// The history ends on 2024-09-10: September and the third quarter are partial, July and August whole;
    /// with `--until 2024-09-30` the quarter is whole.
    @Test func theLastWindowIsPartial() throws {
        let months = try Self.report(window: .month)
        let acme = try #require(months.groups.first { $0.name == "acme.com" }?.windows)
        #expect(acme.map(\.name) == ["2024-07", "2024-09"])
        #expect(acme.map(\.partial) == [false, true])
        let quarters = try Self.report(window: .quarter)
        #expect(quarters.groups.first { $0.name == "acme.com" }?.windows?.map(\.partial) == [true])
        let whole = try Self.report(window: .quarter, until: 1_727_740_799)  // 2024-09-30T23:59:59Z
        #expect(whole.groups.first { $0.name == "acme.com" }?.windows?.map(\.partial) == [false])
    }
}
