import Foundation
import ReportContract
import Testing

@testable import MetricsReporting

/// Golden files in `Snapshots/`. With `RECORD_SNAPSHOTS` set in the environment the files are (re)written;
/// otherwise the rendered text must equal the file byte for byte.
enum Snapshot {
    static func directory(filePath: String = #filePath) -> URL {
        URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent(
            "Snapshots", isDirectory: true)
    }

    static func check(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = directory().appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != nil {
            try FileManager.default.createDirectory(at: directory(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
            return
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            Issue.record(
                "missing snapshot \(name); run the tests with RECORD_SNAPSHOTS=1 to write it",
                sourceLocation: sourceLocation)
            return
        }
        let expected = String(decoding: data, as: UTF8.self)
        if expected == text { return }
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let b = text.split(separator: "\n", omittingEmptySubsequences: false)
        let line = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
        let want = line < a.count ? String(a[line]) : "<end of file>"
        let got = line < b.count ? String(b[line]) : "<end of output>"
        Issue.record(
            "\(name) differs from the snapshot at line \(line + 1):\n  expected: \(want)\n  actual:   \(got)",
            sourceLocation: sourceLocation)
    }
}

struct SnapshotTests {
    let report = Fixture.report()

    @Test func table() throws {
        try Snapshot.check(ReportFormat.table.render(report), named: "report.txt")
    }

    @Test func markdown() throws {
        try Snapshot.check(ReportFormat.markdown.render(report), named: "report.md")
    }

    @Test func json() throws {
        try Snapshot.check(ReportFormat.json.render(report), named: "report.json")
    }

    @Test func csv() throws {
        try Snapshot.check(ReportFormat.csv.render(report), named: "report.csv")
    }

    @Test func openMetrics() throws {
        try Snapshot.check(ReportFormat.openMetrics.render(report), named: "report.prom")
    }

    @Test func formats() {
        #expect(
            ReportFormat.allCases.map(\.rawValue) == ["table", "markdown", "json", "html", "csv", "openmetrics"])
        #expect(ReportFormat(rawValue: "markdown") == .markdown)
        #expect(ReportFormat(rawValue: "yaml") == nil)
    }
}
