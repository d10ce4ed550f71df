import Foundation
import TestSupport
import Testing

/// Progress on a terminal (standard error a pseudo-terminal, through util-linux `script`): every step after
/// mining is named, the line is cleared before the report is written, and an error starts on a cleared line.
@Suite struct ProgressTests {
    /// Runs yardstick with standard input, output and error on one pseudo-terminal; the report goes to a file.
    static func onTerminal(_ arguments: [String]) -> Command.Result? {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return nil }
        let command = ([Command.yardstick] + arguments).map { "'" + $0 + "'" }.joined(separator: " ")
        return Command.run("/usr/bin/script", ["-qec", command, "/dev/null"])
    }

    static let clear = "\r\u{1B}[2K"

    @Test func everyStepAfterMiningIsNamed() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("progress-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try #require(
            Self.onTerminal(["analyze", SampleRepositories.path("delivery"), "--format", "json", "-o", out.path]))
        #expect(result.status == 0)
        let steps = result.stdout.components(separatedBy: Self.clear).filter { !$0.isEmpty }
        #expect(steps.first == "reading the first-parent line and merged branches…")
        let named = steps.filter { !$0.hasPrefix("mining commits: ") }
        #expect(
            named == [
                "reading the first-parent line and merged branches…", "classifying 32 first-parent commits…",
                "detecting fixes and reverts…", "diffing 4 fixes for SZZ…", "tracing 1 fix inside merged branches…",
                "measuring 32 landed changes (ownership, review, rework, defects)…", "rendering the json report…",
            ])
        // The last thing written is the clearing of the line.
        #expect(result.stdout.hasSuffix(Self.clear))
    }

    @Test func anErrorStartsOnAClearedLine() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("progress-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try #require(
            Self.onTerminal(["analyze", SampleRepositories.path("corrupt"), "--format", "json", "-o", out.path]))
        #expect(result.status == 1)
        #expect(result.stdout.contains(Self.clear + "error: "))
        #expect(!result.stdout.contains("…error"))
    }
}
