import Foundation
import HistoryModel
import ReportContract
import Testing

@testable import HistoryMetrics
@testable import MetricsReporting

/// The summary matrix (ADR 0017): exact cells for too few changes, unsupported proxies and the `other` row;
/// layout at 80 and 120 columns; Markdown as a CommonMark (GitHub) renderer reads it.
struct SummaryTests {
    let report = Fixture.report()

    func cell(_ r: Report, _ key: MetricKey, _ group: String) throws -> Report.Summary.Cell {
        let summary = try #require(r.summary)
        let row = try #require(summary.rows.first { $0.key == key.rawValue })
        let index = try #require(summary.groups.firstIndex(of: group))
        return row.cells[index]
    }

    @Test func rowsAreTheBenchmarkMetricsInDeclarationOrder() throws {
        let summary = try #require(report.summary)
        #expect(
            summary.rows.map(\.key) == [
                "prSize", "reviewTurnaroundHours", "reviewCommentsPerPR", "defectEscapeRate", "testCoverage",
                "buildSuccessRate",
            ])
        // empty-team has no landed change: no row (its detail says so).
        #expect(summary.groups == ["core", "offshore", "unassigned"])
        #expect(summary.minimumSample == 10 && summary.maxGroups == 30)
        #expect(summary.other == nil)
        #expect(summary.hint == nil)  // configured
    }

    /// core: changes 1 (120 counted lines), 5 (100) and 6 (10): mean 76.67 from 3 changes, below the default
    /// minimum sample of 10.
    @Test func fewerChangesThanTheMinimumSampleGiveNoBand() throws {
        let c = try cell(report, .prSize, "core")
        #expect(c.value == 76.67)
        #expect(c.band == nil)
        #expect(c.verdict == "too few (n=3)")
        #expect(c.n == 3)
        #expect(c.median == 100 && c.p90 == 120)
        #expect(c.drivers.map(\.label) == ["#12", "555555555555", "#1234"])
        #expect(c.drivers.map(\.value) == [120, 100, 10])
        // The same changes with a minimum sample of 3: below every band of the PR size row, better than all.
        var builder = Fixture.builder
        builder.summary.minimumSample = 3
        let banded = try cell(Fixture.report(builder), .prSize, "core")
        #expect(banded.band == "best" && banded.verdict == "best" && banded.n == 3 && banded.value == 76.67)
        // offshore has 2 changes (250 and 120 lines): still too few at 3.
        #expect(try cell(Fixture.report(builder), .prSize, "offshore").verdict == "too few (n=2)")
    }

    @Test func metricsThisRunCannotMeasureSayWhatTheyNeed() throws {
        // No first-parent history in the fixture: the proxies need it; coverage and builds need an import.
        #expect(try cell(report, .reviewTurnaroundHours, "core").verdict == "needs history")
        #expect(try cell(report, .testCoverage, "core").verdict == "needs import")
        #expect(try cell(report, .buildSuccessRate, "offshore").verdict == "needs import")
        let summary = try #require(report.summary)
        #expect(
            summary.rows.first { $0.key == "testCoverage" }?.needs
                == "a coverage report import (e.g. Cobertura or LCOV); git does not record coverage")
    }

    func proxy(_ key: MetricKey, value: Double?, details: [String: Double]) -> Report.Metric {
        Report.Metric(
            title: "t", value: value, unit: "comments", aggregator: key == .reviewTurnaroundHours ? "median" : "mean",
            source: .proxy, details: details)
    }

    /// Review comments from fix-up commits alone (reviewer trailers on under 10% of the changes) are not placed
    /// in a band; with trailers in the history the same value is (0.5 is within Poorly Managed, 0–1).
    @Test func reviewCommentsWithoutAnyReviewerTrailerNeedThem() throws {
        let row = try #require(BenchmarkRow.row("reviewCommentsPerPR"))
        let m = proxy(.reviewCommentsPerPR, value: 0.5, details: ["count": 12])
        let (without, need) = ReportSummary.cell(
            "g", key: .reviewCommentsPerPR, metric: m, groupChanges: 12, row: row, minimumSample: 10,
            trailers: false, pullRequests: [])
        #expect(without.verdict == "needs trailers" && without.band == nil && without.n == 12 && without.value == 0.5)
        #expect(
            need?.hasPrefix("reviewer trailers (Reviewed-by:, Acked-by:) on at least 10% of the landed changes") == true
        )
        let (with, none) = ReportSummary.cell(
            "g", key: .reviewCommentsPerPR, metric: m, groupChanges: 12, row: row, minimumSample: 10,
            trailers: true, pullRequests: [])
        #expect(with.verdict == "poor" && with.band == "poor" && none == nil)
    }

    /// Squash merges without the forge's pull refs have no turnaround: the cell needs the refs.
    @Test func turnaroundOfSquashMergesWithoutPullRefsNeedsThem() throws {
        let row = try #require(BenchmarkRow.row("reviewTurnaroundHours"))
        let m = proxy(.reviewTurnaroundHours, value: nil, details: ["count": 0, "notMeasurable": 4])
        let (c, need) = ReportSummary.cell(
            "g", key: .reviewTurnaroundHours, metric: m, groupChanges: 4, row: row, minimumSample: 10,
            trailers: true, pullRequests: [])
        #expect(c.verdict == "needs pull refs" && c.band == nil && c.n == 0)
        #expect(need?.contains("git fetch origin '+refs/pull/*/head:refs/pull/*/head'") == true)
        // 8 measurable of many: too few, not unsupported.
        let few = proxy(.reviewTurnaroundHours, value: 0, details: ["count": 8, "notMeasurable": 2637])
        #expect(
            ReportSummary.cell(
                "g", key: .reviewTurnaroundHours, metric: few, groupChanges: 2645, row: row, minimumSample: 10,
                trailers: true, pullRequests: []
            ).0.verdict == "too few (n=8)")
    }

    @Test func bandWords() throws {
        let size = try #require(BenchmarkRow.row("prSize"))
        #expect(SummaryVerdict.band(150, row: size) == "well")
        #expect(SummaryVerdict.band(225, row: size) == "avg/well")
        #expect(SummaryVerdict.band(450, row: size) == "avg-poor")
        #expect(SummaryVerdict.band(571, row: size) == "poor")
        #expect(SummaryVerdict.band(50, row: size) == "best")
        let comments = try #require(BenchmarkRow.row("reviewCommentsPerPR"))
        #expect(SummaryVerdict.band(1.25, row: comments) == "poor-avg")
        #expect(SummaryVerdict.band(7, row: comments) == "best")
    }

    /// Without a configuration and with more groups than `maxGroups`, the largest groups with at least the
    /// minimum sample are shown and `other` is recomputed from the rest's changes, each change once.
    @Test func otherSumsUpTheSmallerGroupsFromTheirChanges() throws {
        var builder = Fixture.builder
        builder.groups = AuthorGroups()
        builder.summary = SummarySettings(minimumSample: 2, maxGroups: 1)
        let r = Fixture.report(builder, configPath: nil)
        let summary = try #require(r.summary)
        #expect(r.groups.map(\.name) == ["acme.com", "contractor.io", "eu.acme.com", "unknown.org"])
        #expect(summary.groups == ["acme.com", "other"])
        let other = try #require(summary.other)
        #expect(other.groups == ["contractor.io", "eu.acme.com", "unknown.org"])
        // Changes 1 (credited to acme.com and contractor.io), 2, 3 and 5: 120, 250, 12 and 100 counted lines.
        #expect(other.changes == 4)
        let size = try cell(r, .prSize, "other")
        #expect(size.value == 120.5 && size.n == 4 && size.verdict == "well")
        #expect(size.median == 110 && size.p90 == 250)
        #expect(size.drivers.map(\.label) == ["#11", "#12", "555555555555"])
        #expect(other.metrics["authors"]?.value == 3)
        #expect(summary.hint?.contains("yardstick groups --write-config") == true)
        // The table shows the summary only, and says where the detail is.
        let text = TerminalReporter(colour: false).render(r)
        #expect(text.contains("Per-group detail: --format markdown, json or html"))
        #expect(!text.contains("acme.com — "))
    }

    @Test(arguments: [80, 120])
    func everyLineFitsTheWidth(width: Int) {
        var r = report
        r.notes.append(String(repeating: "word ", count: 60))
        let text = TerminalReporter(colour: false, width: width).render(r)
        for line in text.split(separator: "\n") {
            #expect(line.count <= width, "\(line.count) > \(width): \(line)")
        }
    }

    @Test func aWordLongerThanTheLineIsNeverCut() {
        let long = String(repeating: "x", count: 100)
        #expect(SummaryText.wrap("a \(long) b", width: 20) == ["a", long, "b"])
        #expect(SummaryText.wrap("one two three", width: 9, first: "- ", rest: "  ") == ["- one two", "  three"])
    }

    /// The Markdown report rendered by cmark-gfm (GitHub's CommonMark): the summary and detail tables are
    /// tables with the expected cells, and markup in repository text stays text.
    @Test func markdownRendersAsWrittenWithACommonMarkRenderer() throws {
        let cmark = "/usr/bin/cmark-gfm"
        try #require(
            FileManager.default.isExecutableFile(atPath: cmark), "cmark-gfm is missing: run Scripts/setup.sh")
        var r = report
        let hostile = "a|b <T> __init__ *x* `c`"
        r.groups[0].name = hostile
        r.summary?.groups[0] = hostile
        let html = try render(MarkdownReporter().render(r), with: cmark)
        // The summary, the three groups with changes (empty-team has no table) and the landed changes.
        #expect(html.components(separatedBy: "<table>").count - 1 == 5)
        #expect(html.contains("<th>Group</th>\n<th>PR size (mean lines)</th>"))
        #expect(html.contains("<td>a|b &lt;T&gt; __init__ *x* `c`</td>\n<td>76.67 · too few · n=3</td>"))
        #expect(html.contains("<td>— · needs import · n=0</td>"))
        #expect(html.contains("<td>Add feature | with pipe</td>"))
        #expect(!html.contains("<T>") && !html.contains("<em>") && !html.contains("<strong>x"))
    }

    func render(_ markdown: String, with cmark: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: cmark)
        process.arguments = ["--extension", "table"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(markdown.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self)
    }
}
