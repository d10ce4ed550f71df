import Foundation
import TestSupport
import Testing

/// A rerun with nothing new writes the stored JSON report's bytes as they are (ADR 0019): to standard output,
/// to `--output FILE`, and decoded for the gates, each equal to a run without the store.
@Suite struct StoreReuseOutputTests {
    @Test func reusedReportToFileAndGates() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "yardstick-store-reuse-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        ).path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let repo = SampleRepositories.path("github-merge")
        let store = dir + "/s.sqlite"
        let plain = Command.run(Command.yardstick, ["analyze", repo, "--format", "json"])
        #expect(plain.status == 0, "\(plain.stderr)")
        let first = Command.run(Command.yardstick, ["analyze", repo, "--format", "json", "--store", store])
        #expect(first.stdout == plain.stdout)
        // The save emptied the write-ahead log: the next run has nothing to recover.
        let wal = (try? FileManager.default.attributesOfItem(atPath: store + "-wal")[.size] as? Int) ?? 0
        #expect(wal == 0)

        let file = dir + "/report.json"
        let toFile = Command.run(
            Command.yardstick, ["analyze", repo, "--format", "json", "--store", store, "--output", file])
        #expect(toFile.status == 0, "\(toFile.stderr)")
        #expect(toFile.stdout.isEmpty)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == plain.stdout)

        let gates = ["--fail-on", "poorly-managed", "--gate-min-samples", "1"]
        let gatedPlain = Command.run(Command.yardstick, ["analyze", repo, "--format", "json"] + gates)
        let gated = Command.run(Command.yardstick, ["analyze", repo, "--format", "json", "--store", store] + gates)
        #expect(gatedPlain.stderr.contains("gates: "))
        #expect(gated.status == gatedPlain.status)
        #expect(gated.stderr == gatedPlain.stderr)
        #expect(gated.stdout == plain.stdout)
        // Every rerun after the first reused the stored report: nothing mined.
        let mined = Command.run("/usr/bin/sqlite3", [store, "SELECT sum(recordsMined) FROM run WHERE id > 1"]).stdout
        #expect(mined.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }
}
