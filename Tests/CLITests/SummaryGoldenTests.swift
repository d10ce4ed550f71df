import Foundation
import TestSupport
import Testing

/// The summary matrix on the sample repositories (ADR 0017): golden files in `Golden/`, re-recorded with
/// `RECORD_SNAPSHOTS=1` in the environment (docs/json-report.md). The table at 80 and 120 columns, Markdown,
/// and the JSON report's `summary` object.
struct SummaryGoldenTests {
    static func goldenDirectory(filePath: String = #filePath) -> String {
        URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Golden").path
    }

    static func check(_ text: String, _ name: String) throws {
        let path = goldenDirectory() + "/" + name
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != nil {
            try FileManager.default.createDirectory(atPath: goldenDirectory(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == expected, "\(name) differs from its golden file (RECORD_SNAPSHOTS=1 re-records)")
    }

    static func analyze(_ arguments: [String]) -> String {
        let result = Command.run(Command.yardstick, ["analyze"] + arguments, cwd: SampleRepositories.root)
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    /// The `summary` object as the JSON report writes it (two-space indentation, sorted keys).
    static func summaryObject(_ json: String) -> String {
        let lines = json.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(of: "  \"summary\" : {"),
            let end = lines[start...].firstIndex(where: { $0 == "  }," || $0 == "  }" })
        else { return "" }
        return lines[start...end].joined(separator: "\n") + "\n"
    }

    @Test(arguments: [
        ("delivery", ["--min-sample", "3"]), ("squash", []),
        ("github-merge", ["--summary-groups", "1", "--min-sample", "4"]),
    ])
    func goldenFiles(sample: String, options: [String]) throws {
        for width in [80, 120] {
            let table = Self.analyze([sample, "--width", String(width)] + options)
            try Self.check(table, "\(sample).\(width).txt")
            for line in table.split(separator: "\n") { #expect(line.count <= width, "\(sample): \(line)") }
        }
        try Self.check(Self.analyze([sample, "--format", "markdown"] + options), "\(sample).md")
        let json = Self.analyze([sample, "--format", "json"] + options)
        #expect(!Self.summaryObject(json).isEmpty)
        try Self.check(Self.summaryObject(json), "\(sample).summary.json")
    }

    /// The terminal width comes from COLUMNS when standard output is not a terminal, else 80; --width wins.
    @Test func widthFromColumnsOrEighty() {
        func widest(_ env: [String: String], _ extra: [String] = []) -> Int {
            let r = Command.run(
                "/usr/bin/env",
                env.map { "\($0.key)=\($0.value)" } + [Command.yardstick, "analyze", "delivery"] + extra,
                cwd: SampleRepositories.root)
            return r.stdout.split(separator: "\n").map(\.count).max() ?? 0
        }
        #expect(widest(["COLUMNS": "200"]) > 120)
        #expect(widest(["COLUMNS": "x"]) <= 80)
        #expect(widest(["COLUMNS": "200"], ["--width", "80"]) <= 80)
    }

    @Test(arguments: [
        (["--min-sample", "0"], "error: --min-sample must be at least 1; see 'yardstick analyze --help'"),
        (["--summary-groups", "0"], "error: --summary-groups must be at least 1; see 'yardstick analyze --help'"),
        (["--width", "20"], "error: --width must be at least 40; see 'yardstick analyze --help'"),
    ])
    func badSummaryOptionsAreUsageErrors(options: [String], message: String) {
        let r = Command.run(Command.yardstick, ["analyze", "delivery"] + options, cwd: SampleRepositories.root)
        #expect(r.status == 64)
        #expect(r.stderr.split(separator: "\n").first.map(String.init) == message)
        #expect(r.stdout.isEmpty)
    }

    @Test func minimumSampleFromTheConfiguration() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("yardstick-summary-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "version: 1\nminimumSample: 3\n".write(toFile: dir + "/ok.yml", atomically: true, encoding: .utf8)
        try "version: 1\nminimumSample: few\n".write(toFile: dir + "/bad.yml", atomically: true, encoding: .utf8)
        let ok = Self.analyze(["delivery", "--config", dir + "/ok.yml", "--format", "json"])
        #expect(ok.contains("\"minimumSample\" : 3"))
        let bad = Command.run(
            Command.yardstick, ["analyze", "delivery", "--config", dir + "/bad.yml"], cwd: SampleRepositories.root)
        #expect(bad.status == 1)
        #expect(
            bad.stderr
                == "error: \(dir)/bad.yml:2: minimumSample must be a whole number from 1 to 1000000 (found 'few')\n")
    }
}

extension SummaryGoldenTests {
    /// `verify --report` re-runs with the summary settings the report records (here from --min-sample).
    @Test func verifyReportKeepsTheRecordedMinimumSample() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("yardstick-summary-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let written = Command.run(
            Command.yardstick, ["analyze", "delivery", "--min-sample", "3", "--format", "json", "-o", dir + "/r.json"],
            cwd: SampleRepositories.root)
        #expect(written.status == 0, "\(written.stderr)")
        let verified = Command.run(
            Command.yardstick, ["verify", "--report", dir + "/r.json", "delivery"], cwd: SampleRepositories.root)
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    }
}
