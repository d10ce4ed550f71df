import Foundation
import ReportContract
import SwiftCSV
import Testing

@testable import MetricsReporting

/// `--format csv` and `--format openmetrics`: read back by real parsers (SwiftCSV; Python's prometheus_client
/// where it is installed, as Scripts/setup.sh does), with group names hostile to both formats.
struct MachineFormatTests {
    /// The fixture report with a group name holding every character the two formats must quote or escape, and
    /// a terminal escape.
    static func hostile() -> Report {
        var report = Fixture.report()
        report.groups[0].name = "Ven\"dor, \\Inc.\nline two \u{1B}[31mred"
        report.repository.branch = "feat\"x\\y"
        return report
    }

    static let hostileVisible = "Ven\"dor, \\Inc.\\x0Aline two \\x1B[31mred"

    @Test func csvReadsBackWithSwiftCSV() throws {
        let report = Self.hostile()
        let text = CSVReporter().render(report)
        #expect(text.hasPrefix(CSVReporter.columns.joined(separator: ",") + "\r\n"))
        // One line per row: no line break from the repository survives, nor any control character.
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\r" && $0 != "\n" })
        let csv = try CSV<Enumerated>(string: text, delimiter: .comma, loadColumns: false)
        #expect(csv.header == CSVReporter.columns)
        let expectedRows = report.groups.reduce(0) { $0 + $1.metrics.count }
        #expect(csv.rows.count == expectedRows)
        let first = try #require(csv.rows.first)
        #expect(first[0] == Self.hostileVisible)
        #expect(first[1] == "prSize")
        #expect(first[3] == "76.67")
        #expect(first[4] == "lines" && first[5] == "mean" && first[6] == "measured" && first[7] == "lower")
        #expect(first[8] == "3")
        let offshore = try #require(csv.rows.first { $0[0] == "offshore" && $0[1] == "prSize" })
        #expect(offshore[3] == "185" && offshore[9] == "Well-Managed Offshore" && offshore[10] == "within")
        let coverage = try #require(csv.rows.first { $0[0] == "offshore" && $0[1] == "testCoverage" })
        #expect(coverage[3] == "" && coverage[6] == "not measured" && coverage[8] == "")
        #expect(coverage[12].hasPrefix("a coverage report"))
        // The group with no landed change has no row.
        #expect(!csv.rows.contains { $0[0] == "empty-team" })
    }

    @Test func csvQuotingFollowsRFC4180() {
        #expect(CSVReporter.field("plain") == "plain")
        #expect(CSVReporter.field("a,b") == "\"a,b\"")
        #expect(CSVReporter.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVReporter.field("two\nlines") == "two\\x0Alines")
        #expect(CSVReporter.number(58.0) == "58" && CSVReporter.number(0.125) == "0.125")
    }

    @Test(arguments: [
        ("prSize", "lines", "yardstick_pr_size_lines"),
        ("reviewTurnaroundHours", "hours", "yardstick_review_turnaround_seconds"),
        ("reviewTurnaroundBusinessHours", "hours", "yardstick_review_turnaround_business_seconds"),
        ("defectEscapeRate", "%", "yardstick_defect_escape_ratio"),
        ("unreviewedShare", "%", "yardstick_unreviewed_ratio"),
        ("testCoverage", "%", "yardstick_test_coverage_ratio"),
        ("reviewCommentsPerPR", "comments", "yardstick_review_comments_per_pr"),
        ("landedChanges", "changes", "yardstick_landed_changes"),
        ("adrsAuthored", "files", "yardstick_adrs_authored"),
    ])
    func openMetricsNames(key: String, unit: String, name: String) {
        #expect(OpenMetricsReporter.name(key: key, unit: unit).name == name)
    }

    @Test func openMetricsUnitsAndEscaping() {
        #expect(OpenMetricsReporter.name(key: "reviewTurnaroundHours", unit: "hours").convert(7.75) == 27_900)
        #expect(OpenMetricsReporter.name(key: "defectEscapeRate", unit: "%").convert(14.29) == 0.1429)
        #expect(OpenMetricsReporter.escape("a\\b\"c\nd", quote: true) == "a\\\\b\\\"c\\nd")
        #expect(OpenMetricsReporter.escape("a\\b\"c\nd", quote: false) == "a\\\\b\"c\\nd")
        #expect(OpenMetricsReporter.labelValue("x\u{1B}y\u{202E}") == "x\\\\x1By\\\\u202E")
    }

    @Test func openMetricsSamplesOfTheFixture() {
        let text = OpenMetricsReporter().render(Fixture.report())
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.last == "# EOF")
        let base = "repository=\"/tmp/repo\",branch=\"main\""
        #expect(lines.contains("yardstick_pr_size_lines{group=\"offshore\",\(base),source=\"measured\"} 185"))
        #expect(lines.contains("yardstick_direct_ratio{group=\"unassigned\",\(base),source=\"measured\"} 1"))
        #expect(lines.contains("yardstick_metric_samples{group=\"core\",\(base),metric=\"pr_size_lines\"} 3"))
        #expect(
            lines.contains(
                "yardstick_info{\(base),head=\"1111111111111111111111111111111111111111\",version=\"0.1.0\",schema_version=\"3\"} 1"
            ))
        // 2024-03-01T09:30:00Z
        #expect(lines.contains("yardstick_last_change_timestamp_seconds{\(base)} 1709285400"))
        // Not measured: no sample, no family.
        #expect(!text.contains("yardstick_test_coverage_ratio"))
        // Each family once, its samples together.
        let types = lines.filter { $0.hasPrefix("# TYPE ") }
        #expect(Set(types).count == types.count)
    }

    static func runPython(_ script: String, input: String) throws -> (status: Int32, out: String) {
        let process = Process()
        // The python3 on PATH, as a shell would run it.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self))
    }

    static let hasPrometheusClient: Bool = {
        (try? runPython("import prometheus_client", input: ""))?.status == 0
    }()

    /// Both of prometheus_client's parsers (the text format node-exporter reads, and OpenMetrics) read every
    /// sample back, labels unescaped to the visible form of the hostile names.
    @Test(.enabled(if: hasPrometheusClient, "python3 with prometheus_client (Scripts/setup.sh installs it)"))
    func openMetricsParsesWithPrometheusClient() throws {
        let text = OpenMetricsReporter().render(Self.hostile())
        let script = """
            import sys, json
            from prometheus_client.parser import text_string_to_metric_families as text_parse
            from prometheus_client.openmetrics.parser import text_string_to_metric_families as om_parse
            data = sys.stdin.read()
            out = {}
            for name, parse in (("text", text_parse), ("openmetrics", om_parse)):
                out[name] = sorted([[s.name, s.labels, s.value] for f in parse(data) if f.type == "gauge" for s in f.samples], key=json.dumps)
            print(json.dumps(out, sort_keys=True))
            """
        let (status, out) = try Self.runPython(script, input: text)
        #expect(status == 0, "\(out)")
        let parsed = try #require(
            try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: [[Any]]], "\(out)")
        for parser in ["text", "openmetrics"] {
            let samples = try #require(parsed[parser])
            let sampleLines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
            #expect(samples.count == sampleLines.count, "\(parser)")
            let size = try #require(
                samples.first {
                    ($0[0] as? String) == "yardstick_pr_size_lines"
                        && ($0[1] as? [String: String])?["group"] == Self.hostileVisible
                },
                "\(parser)")
            #expect((size[1] as? [String: String])?["branch"] == "feat\"x\\y")
            #expect((size[2] as? Double).map { abs($0 - 76.67) < 0.01 } == true)
        }
    }

    /// CSV and OpenMetrics read the groups' metrics only, never the pull requests: a stored run's metrics JSON
    /// (its report without them) is rendered in their place when a store reuses a report (`analyze --store`).
    @Test func machineFormatsReadNoPullRequest() {
        let report = Fixture.report()
        #expect(report.pullRequests.count > 3)
        var withoutChanges = report
        withoutChanges.pullRequests = []
        #expect(CSVReporter().render(withoutChanges) == CSVReporter().render(report))
        #expect(OpenMetricsReporter().render(withoutChanges) == OpenMetricsReporter().render(report))
    }
}
