import Foundation
import TestSupport
import Testing
import Yams

/// The examples of docs/nightly.md, tried: the cron line's command and the CI job's script run on a sample
/// repository, the systemd service runs the same command, the workflow is valid YAML of the expected shape.
@Suite struct NightlyDocsTests {
    static let page: String = {
        (try? String(contentsOfFile: SampleRepositories.packageRoot + "/docs/nightly.md", encoding: .utf8)) ?? ""
    }()

    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    /// The text of the `nth` fenced block of `language` after `heading` (thrown, not `#require`d: it also
    /// runs in a static initializer).
    static func block(_ language: String, after heading: String, nth: Int = 0) throws -> String {
        guard let start = page.range(of: heading) else {
            throw Missing(description: "no '\(heading)' in docs/nightly.md")
        }
        var rest = page[start.upperBound...]
        for i in 0...nth {
            guard let open = rest.range(of: "```" + language + "\n"),
                let close = rest[open.upperBound...].range(of: "```")
            else { throw Missing(description: "no \(language) block \(nth) after '\(heading)'") }
            if i == nth { return String(rest[open.upperBound..<close.lowerBound]) }
            rest = rest[close.upperBound...]
        }
        throw Missing(description: "unreachable")
    }

    static let cronLine: String? = try? block("crontab", after: "## A cron line").split(separator: "\n")
        .first { $0.first?.isNumber == true }.map(String.init)

    /// `yardstick analyze …` of a command line, split on spaces (the examples quote nothing).
    static func analyzeArguments(_ command: String) throws -> [String] {
        let start = try #require(command.range(of: "yardstick analyze "))
        return command[start.upperBound...].split(separator: " ").map(String.init)
    }

    static func substituted(_ arguments: [String], _ replacements: [String: String]) -> [String] {
        arguments.map { replacements[$0] ?? $0 }
    }

    static func workspace(_ label: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "yardstick-\(label)-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try """
        version: 1
        groups:
          - name: In-house
            domains: [acme.com]
          - name: Vendor
            domains: [vendorco.io]
        """.write(toFile: dir + "/app.yml", atomically: true, encoding: .utf8)
        return dir
    }

    @Test func cronLineRunsAndWritesTheProm() throws {
        let line = try #require(Self.cronLine)
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        #expect(fields.prefix(5).joined(separator: " ") == "15 2 * * *")
        let dir = try Self.workspace("cron")
        let prom = dir + "/yardstick_app.prom"
        let arguments = Self.substituted(
            try Self.analyzeArguments(line),
            [
                "/var/lib/yardstick/app.git": SampleRepositories.path("github-merge.git"),
                "/etc/yardstick/app.yml": dir + "/app.yml",
                "/var/lib/prometheus/node-exporter/yardstick_app.prom": prom,
            ])
        #expect(!arguments.contains { $0.hasPrefix("/var/") || $0.hasPrefix("/etc/") }, "\(arguments)")
        let result = Command.run(Command.yardstick, ["analyze"] + arguments)
        // In-house (acme.com): defect escape rate 14.29 % over 7 changes, Poorly Managed.
        #expect(result.status == 2, "\(result.stderr)")
        #expect(
            result.stderr.contains(
                "gate FAIL          In-house: defectEscapeRate better-than poorly-managed  measured 14.29  n = 7"))
        let text = try String(contentsOfFile: prom, encoding: .utf8)
        #expect(text.contains("yardstick_defect_escape_ratio{group=\"In-house\","))
        #expect(text.hasSuffix("# EOF\n"))
    }

    @Test func systemdServiceRunsTheCronCommand() throws {
        let service = try Self.block("ini", after: "## A systemd service and timer")
        let exec = try #require(service.split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
        #expect(exec.hasPrefix("ExecStart=/usr/local/bin/yardstick analyze "))
        #expect(try Self.analyzeArguments(String(exec)) == Self.analyzeArguments(try #require(Self.cronLine)))
        #expect(service.contains("SuccessExitStatus=3\n") && service.contains("Type=oneshot\n"))
        let timer = try Self.block("ini", after: "## A systemd service and timer", nth: 1)
        #expect(timer.contains("OnCalendar=*-*-* 02:15:00\n") && timer.contains("WantedBy=timers.target\n"))
    }

    @Test func githubActionsJobParsesAndItsScriptRuns() throws {
        let text = try Self.block("yaml", after: "## A GitHub Actions job")
        let root = try #require(try Yams.load(yaml: text) as? [String: Any])
        // YAML 1.1 readers take a bare `on` for true; GitHub (and Yams) read the key `on`.
        let on = try #require((root["on"] ?? root["true"]) as? [String: Any])
        let schedule = try #require(on["schedule"] as? [[String: Any]])
        #expect(schedule.first?["cron"] as? String == "15 2 * * *")
        let jobs = try #require(root["jobs"] as? [String: Any])
        let job = try #require(jobs["yardstick"] as? [String: Any])
        let steps = try #require(job["steps"] as? [[String: Any]])
        let checkout = try #require(steps.first { ($0["name"] as? String) == "Check out the whole history" })
        #expect((checkout["with"] as? [String: Any])?["fetch-depth"] as? Int == 0)
        let gate = try #require(steps.first { ($0["name"] as? String) == "Analyse and gate" })
        let script = try #require(gate["run"] as? String)
        // Run it as GitHub runs a bash step, in a workspace shaped like the job's.
        let dir = try Self.workspace("ci")
        #expect(
            Command.run("/usr/bin/git", ["clone", "-q", SampleRepositories.path("github-merge"), dir + "/app"])
                .status == 0)
        try FileManager.default.copyItem(atPath: dir + "/app.yml", toPath: dir + "/app/yardstick.yml")
        try FileManager.default.createDirectory(
            atPath: dir + "/yardstick/.build/release", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: dir + "/yardstick/.build/release/yardstick", withDestinationPath: Command.yardstick)
        let run = Command.run("/bin/bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd: dir)
        #expect(run.status == 2, "\(run.stderr)")
        let report = try Data(contentsOf: URL(fileURLWithPath: dir + "/yardstick.json"))
        #expect(try JSONSerialization.jsonObject(with: report) is [String: Any])
        // Too few samples for every gate: a warning, and the job passes.
        let lenient = Command.run(
            "/bin/bash",
            [
                "--noprofile", "--norc", "-eo", "pipefail", "-c",
                script.replacingOccurrences(of: "--gate-min-samples 5", with: "--gate-min-samples 50"),
            ], cwd: dir)
        #expect(lenient.status == 0, "\(lenient.stderr)")
        #expect(lenient.stdout.contains("::warning::Yardstick: a gate is inconclusive"))
    }
}
