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
