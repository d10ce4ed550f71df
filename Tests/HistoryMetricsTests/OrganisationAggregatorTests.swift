import Foundation
import HistoryModel
import ReportContract
import Testing

@testable import HistoryMetrics

/// The organisation report over hand-made repository reports: counts summed, medians, percentiles and shares
/// recomputed from the per-change rows (never averaged), imports combined from summed counts, mixed sources
/// refused. Expected values computed by hand in the comments.
@Suite struct OrganisationAggregatorTests {
    /// One landed change of `group` with the facts the calculators read.
    static func change(
        _ n: Int, group: String, author: String, counted: Int, hours: Double?, escaped: Bool = false,
        changed: Int = 0, own: Int = 0, others: Int = 0, kind: String = "merge"
    ) -> Report.PullRequest {
        let commit = String(repeating: "0", count: 34) + String(format: "%06d", n)
        return Report.PullRequest(
            commit: commit, kind: kind, number: n, title: "change \(n)", author: author, coAuthors: [], group: group,
            groups: [group], commits: [commit], reviewedDiffs: [], additions: counted, deletions: 0,
            countedAdditions: counted, countedDeletions: 0, binaryFiles: 0, excludedFiles: [],
            authoredAt: "2024-01-0\(n % 9 + 1)T00:00:00Z", landedAt: "2024-01-0\(n % 9 + 1)T12:00:00Z",
            delivery: Report.ChangeDelivery(
                reviewTurnaroundHours: hours, reviewers: [], unreviewed: false, changedLines: changed,
                reworkOwnLines: own, reworkOthersLines: others, addedLines: changed, rewrittenAfterLanding: 0,
                majorRework: false, isFix: false, isRevert: false, blames: [], blamedBy: [], revertedInWindow: false,
                escapedDefect: escaped, touchesTests: false, testLines: 0, codeLines: counted, adrsAdded: []))
    }

    /// A group's metric rows as a repository report holds them: every declared metric with the declaration's
    /// source (the aggregator reads only the sources and the imported details), `imports` replacing some.
    static func group(_ name: String, authors: [Report.Author], imports: [String: Report.Metric] = [:]) -> Report.Group
    {
        var metrics: [String: Report.Metric] = [:]
        for d in MetricDeclaration.all where d.requires != .businessHours {
            metrics[d.key.rawValue] = Report.Metric(
                title: d.title.replacing("{reworkWindowDays}", with: "21"), value: nil, unit: d.unit,
                aggregator: d.aggregator.rawValue, source: d.reportSource, details: [:])
        }
        metrics.merge(imports) { _, new in new }
        return Report.Group(name: name, authors: authors, metrics: metrics)
    }

    static func report(_ path: String, groups: [Report.Group], changes: [Report.PullRequest]) -> Report {
        Report(
            schemaVersion: Report.currentSchemaVersion, tool: Report.Tool(name: "yardstick", version: "0.1.0"),
            repository: Report.Repository(
                path: path, head: String(repeating: "a", count: 40), branch: "main", shallow: false),
            options: Report.Options(), period: Report.Period(from: "2024-01-01T00:00:00Z", to: "2024-01-09T00:00:00Z"),
            groups: groups, bots: [], pullRequests: changes, notes: [])
    }

    static let alice = Report.Author(name: "Alice", email: "alice@vendor.io", rule: "domain vendor.io", changes: 0)
    static let bob = Report.Author(name: "Bob", email: "bob@vendor.io", rule: "domain vendor.io", changes: 0)
    static let carol = Report.Author(name: "Carol", email: "carol@acme.com", rule: "domain acme.com", changes: 0)

    static func with(_ a: Report.Author, changes: Int) -> Report.Author {
        var a = a
        a.changes = changes
        return a
    }

    static func imported(_ key: MetricKey, _ details: [String: Double]) -> Report.Metric {
        ReportBuilder.imported(key, title: "imported \(key)", value: 1, details: details)
    }

    /// Repository `a`: Vendor sizes 10, 20, 30, turnaround 1, 2, 3 h, one escaped defect, 60 changed lines with 6
    /// own rework; Acme one change. Repository `b`: Vendor sizes 100, 200, turnaround 10, 20 h, one escaped defect,
    /// 300 changed lines with 30 others' rework. Coverage imported in both, builds in `a` only, review comments a
    /// proxy in `a` and imported in `b`.
    static var inputs: [OrganisationAggregator.Input] {
        let a = report(
            "repo-a",
            groups: [
                group(
                    "vendor.io", authors: [with(alice, changes: 3)],
                    imports: [
                        MetricKey.testCoverage.rawValue: imported(
                            .testCoverage, ["coveredLines": 50, "instrumentedLines": 100]),
                        MetricKey.buildSuccessRate.rawValue: imported(
                            .buildSuccessRate,
                            [
                                "count": 12, "success": 9, "failure": 1, "cancelled": 2, "skipped": 0, "unfinished": 0,
                                "other": 0,
                            ]),
                    ]),
                group("acme.com", authors: [with(carol, changes: 1)]),
            ],
            changes: [
                change(
                    1, group: "vendor.io", author: "Alice <alice@vendor.io>", counted: 10, hours: 1, escaped: true,
                    changed: 10, own: 6),
                change(2, group: "vendor.io", author: "Alice <alice@vendor.io>", counted: 20, hours: 2, changed: 20),
                change(3, group: "vendor.io", author: "Alice <alice@vendor.io>", counted: 30, hours: 3, changed: 30),
                change(4, group: "acme.com", author: "Carol <carol@acme.com>", counted: 7, hours: 5),
            ])
        var bGroup = group(
            "vendor.io", authors: [with(alice, changes: 1), with(bob, changes: 1)],
            imports: [
                MetricKey.testCoverage.rawValue: imported(
                    .testCoverage, ["coveredLines": 150, "instrumentedLines": 200]),
                MetricKey.reviewCommentsPerPR.rawValue: imported(.reviewCommentsPerPR, ["count": 2]),
            ])
        bGroup.metrics[MetricKey.buildSuccessRate.rawValue]?.needs = "a CI build export"
        let b = report(
            "repo-b", groups: [bGroup],
            changes: [
                change(
                    5, group: "vendor.io", author: "Alice <alice@vendor.io>", counted: 100, hours: 10, escaped: true,
                    changed: 100, others: 30),
                change(6, group: "vendor.io", author: "Bob <bob@vendor.io>", counted: 200, hours: 20, changed: 200),
            ])
        // Given out of name order: the report takes them in name order.
        return [OrganisationAggregator.Input(name: "b", report: b), OrganisationAggregator.Input(name: "a", report: a)]
    }

    @Test func countsAreSummedAndMediansRecomputed() throws {
        let org = OrganisationAggregator.aggregate(Self.inputs, settings: SummarySettings(minimumSample: 5))
        #expect(org.schemaVersion == 1 && org.kind == "organisation")
        #expect(org.repositories.map(\.name) == ["a", "b"])
        #expect(org.repositories.map(\.changes) == [4, 2])
        #expect(org.groups.map(\.name) == ["vendor.io", "acme.com"])
        let vendor = try #require(org.groups.first)
        let m = vendor.metrics
        // 3 + 2 changes; Alice in both repositories is one author, her changes summed (3 + 1).
        #expect(m["landedChanges"]?.value == 5)
        #expect(m["landedChanges"]?.details["merge"] == 5)
        #expect(m["authors"]?.value == 2)
        #expect(vendor.authors.map(\.email) == ["alice@vendor.io", "bob@vendor.io"])
        #expect(vendor.authors.map(\.changes) == [4, 1])
        // PR size: mean (10+20+30+100+200)/5 = 72; median of all five 30 (the medians 20 and 150 would give 85);
        // p90 nearest rank ceil(4.5) = 5th = 200.
        #expect(m["prSize"]?.value == 72)
        #expect(m["prSize"]?.details["median"] == 30)
        #expect(m["prSize"]?.details["p90"] == 200)
        #expect(m["prSize"]?.source == .measured)
        // Turnaround: median of 1, 2, 3, 10, 20 = 3 (the repositories' medians 2 and 15 would average 8.5).
        #expect(m["reviewTurnaroundHours"]?.value == 3)
        #expect(m["reviewTurnaroundHours"]?.details["count"] == 5)
        #expect(m["reviewTurnaroundHours"]?.source == .proxy)
        // Defect escape: 2 escaped of 5 = 40% (the rates 33.33% and 50% would average 41.67%).
        #expect(m["defectEscapeRate"]?.value == 40)
        // Rework: (6 + 30) / (60 + 300) = 10%.
        #expect(m["reworkRate"]?.value == 10)
        #expect(m["reworkRate"]?.details["changedLines"] == 360)
        // Coverage from summed lines: (50 + 150) / (100 + 200) = 66.67%, imported in both.
        #expect(m["testCoverage"]?.value == 66.67)
        #expect(m["testCoverage"]?.source == .imported)
        #expect(m["testCoverage"]?.details["coveredLines"] == 200)
        #expect(m["testCoverage"]?.title.contains("of 2 repositories") == false)
        // Builds imported in one repository of two: 9 / (9 + 1) = 90%, and the title says where.
        #expect(m["buildSuccessRate"]?.value == 90)
        #expect(m["buildSuccessRate"]?.title.hasSuffix("(imported in 1 of 2 repositories)") == true)
        #expect(m["buildSuccessRate"]?.details["cancelled"] == 2)
        // Review comments: a proxy in `a`, imported in `b`: never mixed, no value, and a note says why.
        #expect(m["reviewCommentsPerPR"]?.value == nil)
        #expect(m["reviewCommentsPerPR"]?.needs?.contains("proxy in 1, imported in 1 of 2 repositories") == true)
        #expect(org.notes.contains { $0.hasPrefix("vendor.io: reviewCommentsPerPR is a proxy in a and imported in b") })
        // Acme: its one change, in `a` only.
        #expect(org.groups[1].metrics["landedChanges"]?.value == 1)
        #expect(org.groups[1].metrics["prSize"]?.value == 7)
        // Per repository: each repository's own rows.
        #expect(org.perRepository.map(\.repository) == ["a", "b"])
        #expect(org.perRepository[1].groups.map(\.name) == ["vendor.io"])
        // The summary: the same minimum sample rule, over the organisation's n.
        let prSize = try #require(org.summary.rows.first { $0.key == "prSize" })
        #expect(prSize.cells.map(\.group) == ["vendor.io", "acme.com"])
        #expect(prSize.cells[0].n == 5 && prSize.cells[0].band != nil)
        #expect(prSize.cells[1].verdict == "too few (n=1)")
        #expect(prSize.cells[0].median == 30)
        #expect(prSize.cells[0].drivers.map(\.value) == [200, 100, 30])
    }

    @Test func sameInputsSameReportWhateverTheOrder() {
        let one = OrganisationAggregator.aggregate(Self.inputs)
        let two = OrganisationAggregator.aggregate(Self.inputs.reversed())
        #expect(one == two)
    }

    @Test func identityParsing() {
        #expect(OrganisationAggregator.identity("Ann Lee <ann@x.io>") == .init(name: "Ann Lee", email: "ann@x.io"))
        #expect(OrganisationAggregator.identity("no address") == .init(name: "no address", email: ""))
    }
}
