import ReportContract
import Testing

@testable import HistoryMetrics
@testable import MetricsReporting

struct MarkdownReporterTests {
    let report = Fixture.report()

    private func landedRows(_ text: String) -> [Substring] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(of: "## Landed changes") else { return [] }
        return lines[(start + 1)...].prefix { !$0.hasPrefix("## ") }.filter { $0.hasPrefix("| `") }
    }

    @Test func oneTableRowPerLandedChange() {
        let rows = landedRows(MarkdownReporter().render(report))
        #expect(rows.count == report.pullRequests.count)
        #expect(rows.count == 6)
        #expect(
            rows.map { $0.prefix(16) }
                == ["1", "2", "3", "4", "5", "6"].map { "| `\(String(repeating: $0, count: 12))`" })
    }

    @Test func rowContents() {
        let rows = landedRows(MarkdownReporter().render(report))
        #expect(
            rows.first
                == "| `111111111111` | merge | 12 | Alice <alice@acme.com> | core | 170 | 30 | 100 | 20 | 2024-03-01 | Add feature \\| with pipe |"
        )
        #expect(
            rows.dropFirst(2).first
                == "| `333333333333` | direct |  | Carol <carol@unknown.org> | unassigned | 10 | 2 | 10 | 2 | 2024-02-28 | Fix typo in README |"
        )
    }

    @Test func escapesPipesAndNewlinesInCells() {
        let text = MarkdownReporter().render(report)
        #expect(text.contains("Add feature \\| with pipe"))
        #expect(!text.contains("Add feature | with pipe"))
        #expect(text.contains("| Fix typo in README |"))
        #expect("a|b\nc\rd".replacingPipes() == "a\\|b c d")
    }

    @Test func escapesPipesInGroupNamesAndAuthors() {
        var r = report
        r.groups[0].name = "core|team"
        r.groups[0].authors[0].name = "Al|ice"
        let text = MarkdownReporter().render(r)
        #expect(text.contains("## core\\|team\n"))
        #expect(text.contains("Authors: Al\\|ice <alice@acme.com> (2, domain acme.com)"))
    }

    @Test func groupSectionsAndTables() {
        let text = MarkdownReporter().render(report)
        #expect(
            text.hasPrefix(
                "# Yardstick report: /tmp/repo\n\nBranch `main` at `\(String(repeating: "1", count: 40))`, 6 landed changes"
            ))
        let headings = text.split(separator: "\n").filter { $0.hasPrefix("## ") }
        #expect(
            headings == [
                "## Summary", "## core", "## offshore", "## empty-team", "## unassigned", "## Bots (set apart)",
                "## Landed changes",
                "## Notes",
            ])
        #expect(text.contains("| Landed changes (merge 1 · gerrit 1 · rebase 1) | 3 | count | measured | — |  |"))
        #expect(text.contains("| Test coverage | — | — | not measured | needs a coverage report import"))
        #expect(text.hasSuffix("\n"))
    }

    @Test func renderingTwiceGivesIdenticalBytes() {
        #expect(MarkdownReporter().render(report) == MarkdownReporter().render(Fixture.report()))
        #expect(ReportFormat.markdown.render(report) == MarkdownReporter().render(report))
    }
}

struct TerminalReporterTests {
    let report = Fixture.report()

    @Test func withoutColourThereIsNoEscapeCharacter() {
        let text = TerminalReporter(colour: false).render(report)
        #expect(!text.unicodeScalars.contains("\u{1B}"))
        #expect(text.hasPrefix("Yardstick \(ReportBuilder.toolVersion) — /tmp/repo\n"))
        #expect(ReportFormat.table.render(report) == text)
        #expect(ReportFormat.table.render(report, colour: false) == text)
    }

    /// The first line of `text` that contains `needle`.
    func line(_ text: String, containing needle: String) -> Substring? {
        text.split(separator: "\n").first { $0.contains(needle) }
    }

    /// The fixture with a minimum sample of 1, so that every summary cell has its band and the detail rows show
    /// the bands too (below the minimum they say `too few`, DetailVerdictTests).
    static func banded() -> Report {
        var builder = Fixture.builder
        builder.summary.minimumSample = 1
        return Fixture.report(builder)
    }

    @Test func withColourThereAreANSICodes() throws {
        let report = Self.banded()
        let text = TerminalReporter(colour: true).render(report)
        #expect(text.hasPrefix("\u{1B}[1mYardstick \(ReportBuilder.toolVersion) — /tmp/repo\u{1B}[0m\n"))
        #expect(text.contains("\u{1B}[1mcore — 3 landed changes by 2 authors\u{1B}[0m"))
        // Better than every band: green. Within Well-Managed: green (the whole line at 80 columns, stacked).
        let best = try #require(line(text, containing: "below every band (lowest: Well-Managed"))
        #expect(best.hasPrefix("\u{1B}[32m      mean · measured · below every band") && best.hasSuffix("\u{1B}[0m"))
        let well = try #require(line(text, containing: "within Well-Managed Offshore (100–250"))
        #expect(well.hasPrefix("\u{1B}[32m"))
        #expect(ReportFormat.table.render(report, colour: true) == text)
        // Wide enough for the one-line table: the metric's row is painted.
        let wide = TerminalReporter(colour: true, width: 240).render(report)
        let row = try #require(line(wide, containing: "below every band (lowest: Well-Managed"))
        #expect(row.hasPrefix("\u{1B}[32m  PR size (lines changed, counted)"))
    }

    @Test func colourMarksPoorlyManagedAndWorseThanAllRed() throws {
        var r = Self.banded()
        r.groups[0].metrics["prSize"]?.benchmark = Report.Benchmark(
            row: "PR Size (avg lines changed)", bands: ["Poorly Managed Offshore"], position: "within",
            placement: "within Poorly Managed Offshore (500+ lines)")
        r.groups[1].metrics["prSize"]?.benchmark = Report.Benchmark(
            row: "PR Size (avg lines changed)", bands: [], position: "worseThanAll", placement: "worse")
        r.groups[3].metrics["prSize"]?.benchmark = Report.Benchmark(
            row: "PR Size (avg lines changed)", bands: ["Industry Average"], position: "within",
            placement: "within Industry Average (200–400 lines)")
        let text = TerminalReporter(colour: true).render(r)
        #expect(try #require(line(text, containing: "within Poorly Managed Offshore (500+")).hasPrefix("\u{1B}[31m"))
        #expect(try #require(line(text, containing: "mean · measured · worse")).hasPrefix("\u{1B}[31m"))
        let average = try #require(line(text, containing: "within Industry Average (200–400 lines)"))
        #expect(!average.contains("\u{1B}"))
    }

    @Test func unmeasuredMetricsAreListedOnceWithWhatTheyNeed() {
        let text = TerminalReporter(colour: false).render(report)
        let all = text.split(separator: "\n")
        let start = (all.firstIndex(of: "What unmeasured metrics need:") ?? all.endIndex - 1) + 1
        // An entry wraps at 80 columns: its further lines start with four spaces.
        let lines = all[start...].prefix { $0.hasPrefix("  ") }.filter { $0.hasPrefix("  - ") }
        #expect(
            lines.map { $0.split(separator: ":").first ?? "" } == [
                "  - PR review turnaround", "  - Code review comments per PR", "  - Defect escape rate",
                "  - Test coverage",
                "  - Build success rate",
            ])
    }

    @Test func renderingTwiceGivesIdenticalBytes() {
        #expect(
            TerminalReporter(colour: false).render(report) == TerminalReporter(colour: false).render(Fixture.report()))
        #expect(
            TerminalReporter(colour: true).render(report) == TerminalReporter(colour: true).render(Fixture.report()))
    }

    @Test func textTableAlignsColumnsAndKeepsNoteLines() {
        var table = TextTable(header: ["A", "Value", "C"])
        table.rows = [
            ["long cell", "1", "x"], ["  a note line that is much longer than any column", "", ""], ["b", "22", ""],
        ]
        #expect(
            table.render() == [
                "  A          Value  C",
                "  long cell  1      x",
                "    a note line that is much longer than any column",
                "  b          22",
            ])
    }
}

struct WordingTests {
    private func metric(_ value: Double?, unit: String) -> Report.Metric {
        Report.Metric(
            title: "t", value: value, unit: unit, aggregator: "mean", source: .measured, betterDirection: nil,
            benchmark: nil,
            details: [:], needs: nil)
    }

    @Test(
        arguments: [
            (0.0, "0"), (12, "12"), (76.67, "76.67"), (76.666, "76.67"), (-3, "-3"), (0.125, "0.13"),
            (1_000_000, "1000000"),
        ] as [(Double, String)])
    func number(value: Double, text: String) {
        #expect(Wording.number(value) == text)
    }

    @Test func valueUnits() {
        #expect(Wording.value(metric(nil, unit: "%")) == "—")
        #expect(Wording.value(metric(33.33, unit: "%")) == "33.33%")
        #expect(Wording.value(metric(4, unit: "hours")) == "4 h")
        #expect(Wording.value(metric(120, unit: "lines")) == "120")
    }

    @Test func metricOrder() {
        let group = Fixture.report().groups[0]
        #expect(
            Wording.orderedMetrics(group).map(\.0) == [
                "prSize", "reviewTurnaroundHours", "reviewCommentsPerPR", "defectEscapeRate", "testCoverage",
                "buildSuccessRate",
                "directShare", "landedChanges", "authors",
            ])
    }

    @Test func summaryPluralisation() {
        let groups = Fixture.report().groups
        #expect(
            groups.map(Wording.summary) == [
                "3 landed changes by 2 authors", "2 landed changes by 1 author", "0 landed changes by 0 authors",
                "1 landed change by 1 author",
            ])
    }
}
