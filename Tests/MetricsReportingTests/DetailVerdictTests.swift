import ReportContract
import Testing

@testable import HistoryMetrics
@testable import MetricsReporting

/// A metric's detail row (table, Markdown, HTML) and the summary's cell for its group never disagree: where the
/// cell gives no band (`too few (n=…)` below the minimum sample, `needs …`), the row says the same instead of
/// the band it would otherwise show (ADR 0017, issue 14).
struct DetailVerdictTests {
    /// The detail row of a metric in one group's section of the Markdown report.
    static func markdownRow(_ report: Report, group: String, title: String) -> String? {
        let lines = MarkdownReporter().render(report).split(separator: "\n").map(String.init)
        guard let start = lines.firstIndex(of: "## \(group)") else { return nil }
        return lines[(start + 1)...].prefix { !$0.hasPrefix("## ") }.first { $0.hasPrefix("| \(title)") }
    }

    static func placement(_ report: Report, group: String, key: MetricKey) -> String? {
        guard let g = report.groups.first(where: { $0.name == group }) else { return nil }
        return Wording.orderedMetrics(g, summary: report.summary).first { $0.0 == key.rawValue }?.1.benchmark?
            .placement
    }

    @Test func tooFewInTheSummaryIsTooFewInTheDetail() throws {
        // Minimum sample 10: core's 3 changes are too few; without the summary the row would show the band.
        let report = Fixture.report()
        let row = try #require(Self.markdownRow(report, group: "core", title: "PR size"))
        #expect(row.contains("| 76.67 | mean | measured | too few (n=3) | lower |"))
        #expect(!row.contains("better than all"))
        #expect(Self.placement(report, group: "offshore", key: .prSize) == "too few (n=2)")
        // No position and no bands: the table format does not colour the row as banded.
        let core = try #require(report.groups.first { $0.name == "core" })
        let judged = try #require(Wording.orderedMetrics(core, summary: report.summary).first { $0.0 == "prSize" })
        #expect(judged.1.benchmark?.position == nil && judged.1.benchmark?.bands == [])
        #expect(judged.1.benchmark?.row == core.metrics["prSize"]?.benchmark?.row)
        #expect(judged.1.value == 76.67)
        let text = TerminalReporter(colour: false, width: 200).render(report)
        let line = try #require(
            text.split(separator: "\n").first {
                $0.contains("PR size (lines changed, counted)") && $0.contains("76.67")
            })
        #expect(line.contains("too few (n=3)") && !line.contains("better than all"))
        let html = HTMLReporter().render(report)
        #expect(html.contains("<td>too few (n=3)</td>"))
        #expect(
            !html.contains("<td>below every band (lowest: Well-Managed Offshore (100–250 lines)); better than all</td>")
        )
    }

    @Test func aBandInTheSummaryIsTheBandInTheDetail() throws {
        // Minimum sample 3: core's cell has its band, and so has the row; offshore (2 changes) is still too few.
        var builder = Fixture.builder
        builder.summary.minimumSample = 3
        let report = Fixture.report(builder)
        #expect(
            Self.placement(report, group: "core", key: .prSize)
                == "below every band (lowest: Well-Managed Offshore (100–250 lines)); better than all")
        #expect(Self.placement(report, group: "offshore", key: .prSize) == "too few (n=2)")
        // Unmeasured metrics keep saying what they need.
        #expect(
            Self.placement(report, group: "core", key: .reviewTurnaroundHours)
                == report.groups[0].metrics["reviewTurnaroundHours"]?.benchmark?.placement)
    }

    @Test func needsInTheSummaryIsNeedsInTheDetail() throws {
        var builder = Fixture.builder
        builder.summary.minimumSample = 1
        var report = Fixture.report(builder)
        var summary = try #require(report.summary)
        let row = try #require(summary.rows.firstIndex { $0.key == "prSize" })
        let column = try #require(summary.groups.firstIndex(of: "core"))
        summary.rows[row].cells[column].band = nil
        summary.rows[row].cells[column].verdict = "needs trailers"
        report.summary = summary
        #expect(Self.placement(report, group: "core", key: .prSize) == "needs trailers")
        // A group the summary does not show keeps its placement.
        report.summary?.groups[column] = "someone-else"
        #expect(
            Self.placement(report, group: "core", key: .prSize)
                == report.groups[0].metrics["prSize"]?.benchmark?.placement)
        report.summary = nil
        #expect(
            Self.placement(report, group: "core", key: .prSize)
                == report.groups[0].metrics["prSize"]?.benchmark?.placement)
    }
}
