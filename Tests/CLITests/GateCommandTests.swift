import Foundation
import TestSupport
import Testing

private func yardstick(_ arguments: [String]) -> Command.Result {
    Command.run(Command.yardstick, arguments)
}

private func freshDirectory(_ label: String) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("yardstick-\(label)-\(UUID().uuidString)")
        .path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// `yardstick analyze --gate POLICY.yml --fail-on LEVEL`: the report is written whatever the gates say; their
/// verdicts go to standard error and decide the exit status (README, "Exit status"; ADR 0020).
@Suite struct GateCommandTests {
    static let sample = SampleRepositories.path("github-merge")

    /// github-merge, grouped by e-mail domain: acme.com's defect escape rate 14.29 % (within Poorly Managed,
    /// 8–15 %) and review comments 0.14 (Poorly Managed, 0–1) fail; vendorco.io's turnaround 23.5 h is Poorly
    /// Managed (12+ h).
    @Test func failOnPoorlyManagedFailsWithExitStatus2AndStillWritesTheReport() throws {
        let result = yardstick([
            "analyze", Self.sample, "--format", "json", "--fail-on", "poorly-managed", "--gate-min-samples", "1",
        ])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) is [String: Any])
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(
            lines.contains(
                "gate FAIL          acme.com: defectEscapeRate better-than poorly-managed  measured 14.29  n = 7"))
        #expect(
            lines.contains(
                "gate FAIL          vendorco.io: reviewTurnaroundHours better-than poorly-managed  measured 23.5  n = 4"
            ))
        #expect(
            lines.contains("gate PASS          acme.com: prSize better-than poorly-managed  measured 58.43  n = 7"))
        #expect(lines.last?.hasPrefix("gates: ") == true)
        #expect(lines.last?.hasSuffix(" 0 inconclusive; exit status 2") == true)
    }

    /// Too few landed changes (default minimum 10; the sample's groups have 7 or fewer): neither pass nor fail.
    @Test func tooFewSamplesIsInconclusiveExitStatus3OrFailedWhenStrict() {
        let result = yardstick(["analyze", Self.sample, "--format", "json", "--fail-on", "poorly-managed"])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(
            result.stderr.contains(
                "gate INCONCLUSIVE  acme.com: defectEscapeRate better-than poorly-managed  measured 14.29  n = 7  (too few samples: 7 landed change(s), at least 10 needed)"
            ))
        #expect(result.stderr.contains(" pass, 0 fail, "))
        #expect(result.stderr.hasSuffix(" inconclusive; exit status 3\n"))
        let strict = yardstick([
            "analyze", Self.sample, "--format", "json", "--fail-on", "poorly-managed", "--strict-gates",
        ])
        #expect(strict.status == 2, "\(strict.stderr)")
        #expect(strict.stderr.hasSuffix(" inconclusive (counted as failed: --strict-gates); exit status 2\n"))
        #expect(strict.stdout == result.stdout)
    }

    /// A window with no landed change: nothing to gate is not a pass.
    @Test func emptyWindowIsInconclusive() {
        let result = yardstick([
            "analyze", Self.sample, "--since", "2030-01-01", "--format", "json", "--fail-on", "poorly-managed",
        ])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(
            result.stderr.hasPrefix(
                "gate INCONCLUSIVE  *: reviewTurnaroundHours better-than poorly-managed  (no group with landed changes)\n"
            ))
        #expect(result.stderr.hasSuffix("gates: 0 pass, 0 fail, 6 inconclusive; exit status 3\n"))
    }

    @Test func policyFileGates() throws {
        let dir = try freshDirectory("gate-pass")
        try """
        minSamples: 4
        claims:
          - "acme.com: prSize within well-managed"
          - "*: prSize.median <= 250"
          - {group: vendorco.io, metric: prSize, op: at-least, value: Well-Managed}
        """.write(toFile: dir + "/gate.yml", atomically: true, encoding: .utf8)
        let result = yardstick([
            "analyze", Self.sample, "--format", "csv", "--gate", dir + "/gate.yml", "--output", dir + "/r.csv",
        ])
        // acme.com's mean PR size 58.43 is below Well-Managed (100–250 lines): better, but not within.
        #expect(result.status == 2, "\(result.stderr)")
        #expect(
            result.stderr.contains("gate FAIL          acme.com: prSize within well-managed  measured 58.43  n = 7"))
        // gmail.com has fewer than 4 landed changes: its `*` claim is inconclusive.
        #expect(result.stderr.contains("gate INCONCLUSIVE  gmail.com: prSize.median <= 250"))
        #expect(
            result.stderr.contains(
                "gate PASS          vendorco.io: prSize at-least well-managed  measured 111.25  n = 4"))
        #expect(FileManager.default.fileExists(atPath: dir + "/r.csv"))
        try """
        minSamples: 4
        claims:
          - "acme.com: prSize at-least well-managed"
          - "vendorco.io: prSize.median <= 250"
        """.write(toFile: dir + "/gate.yml", atomically: true, encoding: .utf8)
        let pass = yardstick(["analyze", Self.sample, "--format", "json", "--gate", dir + "/gate.yml"])
        #expect(pass.status == 0, "\(pass.stderr)")
        #expect(pass.stderr.hasSuffix("gates: 2 pass, 0 fail, 0 inconclusive; exit status 0\n"))
    }

    @Test func badPolicyFileIsExitStatus1WithOneLine() throws {
        let dir = try freshDirectory("gate-bad")
        try "claims:\n  - 'acme.com: prSize within excellent'\n".write(
            toFile: dir + "/gate.yml", atomically: true, encoding: .utf8)
        let bad = yardstick(["analyze", Self.sample, "--gate", dir + "/gate.yml"])
        #expect(bad.status == 1)
        #expect(bad.stdout.isEmpty)
        #expect(
            bad.stderr
                == "error: \(dir)/gate.yml: claims[0]: 'acme.com: prSize within excellent': the band must be one of well-managed, industry-average, poorly-managed\n"
        )
        let missing = yardstick(["analyze", Self.sample, "--gate", dir + "/none.yml"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "error: \(dir)/none.yml: cannot read the gate policy file (missing or unreadable)\n")
    }

    @Test(arguments: [
        (
            ["analyze", "--strict-gates"],
            "error: --gate-min-samples and --strict-gates need --gate or --fail-on; see 'yardstick analyze --help'\n"
        ),
        (
            ["analyze", "--fail-on", "great"],
            "error: The value 'great' is invalid for '--fail-on <level>'. Please provide one of 'poorly-managed', 'below-industry' or 'below-well-managed'; see 'yardstick analyze --help'\n"
        ),
        (
            ["analyze", "--fail-on", "poorly-managed", "--gate-min-samples", "0"],
            "error: --gate-min-samples must be at least 1; see 'yardstick analyze --help'\n"
        ),
    ])
    func usageErrorsAreExitStatus64(arguments: [String], expected: String) {
        let result = yardstick(arguments + [Self.sample])
        #expect(result.status == 64)
        #expect(result.stderr == expected)
    }

    /// A claim that fails in `verify` is exit status 2, as before; not proven counts as failed there (the burden
    /// is on the claim).
    @Test func verifyKeepsItsCodes() throws {
        let dir = try freshDirectory("verify-codes")
        try "minSamples: 1\nclaims:\n  - 'acme.com: defectEscapeRate at-least well-managed'\n".write(
            toFile: dir + "/claims.yml", atomically: true, encoding: .utf8)
        let result = yardstick(["verify", dir + "/claims.yml", Self.sample])
        #expect(result.status == 2)
        #expect(
            result.stdout
                == "FAIL        acme.com: defectEscapeRate at-least well-managed  measured 14.29  n = 7\n0 of 1 claim hold.\n"
        )
    }
}

/// `--format csv` and `--format openmetrics` on real and hostile repositories, written atomically.
@Suite struct MachineFormatCommandTests {
    @Test(arguments: ["csv", "openmetrics"]) func sameBytesForAnyWorkers(format: String) {
        let sample = SampleRepositories.path("github-merge")
        let a = yardstick(["analyze", sample, "--format", format])
        let b = yardstick(["analyze", sample, "--format", format, "--workers", "1"])
        #expect(a.status == 0, "\(a.stderr)")
        #expect(!a.stdout.isEmpty && a.stdout == b.stdout)
    }

    @Test func openMetricsOfTheMergeSample() {
        let result = yardstick(["analyze", SampleRepositories.path("github-merge"), "--format", "openmetrics"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let path = SampleRepositories.path("github-merge")
        let labels = "group=\"vendorco.io\",repository=\"\(path)\",branch=\"main\""
        // 23.5 h → 84,600 s; 14.29 % → 0.1429.
        #expect(lines.contains("yardstick_review_turnaround_seconds{\(labels),source=\"proxy\"} 84600"))
        #expect(lines.contains("yardstick_pr_size_lines{\(labels),source=\"measured\"} 111.25"))
        #expect(
            lines.contains(
                "yardstick_defect_escape_ratio{group=\"acme.com\",repository=\"\(path)\",branch=\"main\",source=\"proxy\"} 0.1429"
            ))
        #expect(lines.contains("# TYPE yardstick_pr_size_lines gauge"))
        #expect(lines.last == "# EOF")
    }

    /// Group names from the repository (e-mail domains) hold terminal escapes: shown in visible form.
    @Test(arguments: ["csv", "openmetrics"]) func hostileGroupNamesAreEscaped(format: String) {
        let result = yardstick(["analyze", HostileRepositories.path("hostile"), "--format", format])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(HostileTextTests.forbidden(result.stdout.replacingOccurrences(of: "\r\n", with: "\n")).isEmpty)
        #expect(
            result.stdout.contains(format == "csv" ? "evil\\x1B[31m.example," : "group=\"evil\\\\x1B[31m.example\""))
    }

    /// The textfile collector reads `*.prom` files and needs them replaced whole, by a rename in the same folder:
    /// --output does that, leaving only the named file.
    @Test func promFileIsReplacedInPlace() throws {
        let dir = try freshDirectory("prom")
        let target = dir + "/yardstick.prom"
        try "stale\n".write(toFile: target, atomically: false, encoding: .utf8)
        let before = try FileManager.default.attributesOfItem(atPath: target)[.systemFileNumber] as? Int
        let result = yardstick([
            "analyze", SampleRepositories.path("squash"), "--format", "openmetrics", "--output", target,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let after = try FileManager.default.attributesOfItem(atPath: target)[.systemFileNumber] as? Int
        #expect(before != after)  // a new file renamed over the old one, not the old one rewritten
        #expect(try String(contentsOfFile: target, encoding: .utf8).hasSuffix("# EOF\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["yardstick.prom"])
    }
}
