import Foundation
import TestSupport
import Testing

/// `--format html` on the sample repositories: golden files in `Snapshots/` (re-recorded with `RECORD_SNAPSHOTS`
/// set), identical for any number of workers.
struct HTMLReportTests {
    static func snapshotDirectory(filePath: String = #filePath) -> String {
        URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Snapshots").path
    }

    @Test(arguments: [
        ("squash", [String]()), ("github-merge", []), ("delivery", ["--window", "month"]),
    ])
    func goldenFile(sample: String, options: [String]) throws {
        let result = Command.run(
            Command.yardstick, ["analyze", sample, "--format", "html"] + options, cwd: SampleRepositories.root)
        #expect(result.status == 0, "\(result.stderr)")
        let path = Self.snapshotDirectory() + "/\(sample).html"
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != nil {
            try Data(result.stdout.utf8).write(to: URL(fileURLWithPath: path))
            return
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        #expect(result.stdout == expected, "\(sample).html differs from its golden file")
    }

    /// The matrix shows the summary's columns: with the other groups summed up, `other` is a column of its own
    /// (github-merge: acme.com's 7 changes shown, gmail.com and vendorco.io in `other`, 6 changes, PR size 85.33
    /// as in the table's golden file), and each group keeps its own section.
    @Test func matrixColumnsFollowTheSummary() throws {
        let result = Command.run(
            Command.yardstick,
            ["analyze", "github-merge", "--format", "html", "--summary-groups", "1", "--min-sample", "4"],
            cwd: SampleRepositories.root)
        #expect(result.status == 0, "\(result.stderr)")
        let matrix = try #require(
            result.stdout.components(separatedBy: "<table class=\"matrix\">").dropFirst().first?
                .components(separatedBy: "</table>").first)
        let heads = matrix.components(separatedBy: "<th>").dropFirst().map { $0.components(separatedBy: "</th>")[0] }
        #expect(Array(heads.prefix(4)) == ["Benchmark row", "Bands", "acme.com", "other"])
        #expect(matrix.contains("<div class=\"value\">85.33</div>"))
        #expect(matrix.contains("n = 6"))
        for group in ["acme.com", "gmail.com", "vendorco.io"] {
            #expect(result.stdout.contains("<h2>Group: \(group)</h2>"))
        }
    }

    @Test func sameBytesForAnyWorkers() {
        let one = Command.run(
            Command.yardstick, ["analyze", "delivery", "--format", "html", "--window", "quarter", "--workers", "1"],
            cwd: SampleRepositories.root)
        let four = Command.run(
            Command.yardstick, ["analyze", "delivery", "--format", "html", "--window", "quarter", "--workers", "4"],
            cwd: SampleRepositories.root)
        #expect(one.status == 0 && four.status == 0)
        #expect(!one.stdout.isEmpty)
        #expect(one.stdout == four.stdout)
    }
}
