import ArgumentParser
import Foundation
import ReportContract
import ReportEvidence

/// `yardstick analyze --gate POLICY.yml --fail-on LEVEL`: claims (docs/claims.md) checked against the finished
/// report, after it is written; their verdicts go to standard error and decide the exit status (ADR 0020).
struct GateOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Check this policy file (the claims format of docs/claims.md) after the analysis; exit 2 when a gate fails.",
            valueName: "policy.yml"))
    var gate: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Fail (exit 2) when any group's benchmark metric is at this level or worse: poorly-managed, below-industry or below-well-managed.",
            valueName: "level"))
    var failOn: FailLevelOption?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Gates on fewer landed changes than this are inconclusive (default: the policy's minSamples, else 10).",
            valueName: "n"))
    var gateMinSamples: Int?

    @Flag(name: .long, help: "Count an inconclusive gate as failed (exit 2 instead of 3).")
    var strictGates = false

    func validate() throws {
        if let n = gateMinSamples, n < 1 { throw ValidationError("--gate-min-samples must be at least 1") }
        if gate == nil && failOn == nil && (gateMinSamples != nil || strictGates) {
            throw ValidationError("--gate-min-samples and --strict-gates need --gate or --fail-on")
        }
    }

    /// Reads and parses the policy file before any work starts, so a bad one fails at once (exit status 1).
    func load() throws -> Gates? {
        guard gate != nil || failOn != nil else { return nil }
        var policy: ClaimSet?
        if let gate {
            guard let data = FileManager.default.contents(atPath: gate) else {
                throw CLIError("\(gate): cannot read the gate policy file (missing or unreadable)")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw CLIError("\(gate): the gate policy file is not valid UTF-8")
            }
            do {
                policy = try ClaimSet.parse(text, file: gate)
            } catch let error as ClaimSet.ParseError {
                throw CLIError(error.description)
            }
        }
        return Gates(policy: policy, failOn: failOn?.level, minSamples: gateMinSamples, strict: strictGates)
    }
}

/// The values of `--fail-on`: `FailLevel`'s.
enum FailLevelOption: String, ExpressibleByArgument, CaseIterable {
    case poorlyManaged = "poorly-managed"
    case belowIndustry = "below-industry"
    case belowWellManaged = "below-well-managed"

    var level: FailLevel {
        switch self {
        case .poorlyManaged: return .poorlyManaged
        case .belowIndustry: return .belowIndustry
        case .belowWellManaged: return .belowWellManaged
        }
    }
}

/// The gates of one run and their verdict over a report.
struct Gates {
    var policy: ClaimSet?
    var failOn: FailLevel?
    /// `--gate-min-samples`, over the policy file's `minSamples`; a claim's own `minSamples` still wins.
    var minSamples: Int?
    var strict: Bool

    /// The claims checked: the policy's, then the `--fail-on` shorthand's.
    func claims(for report: Report) -> ClaimSet {
        let claims = (policy?.claims ?? []) + (failOn?.claims(for: report) ?? [])
        return ClaimSet(claims: claims, minSamples: minSamples ?? policy?.minSamples ?? ClaimSet.defaultMinSamples)
    }

    /// One line per gate and a summary (for standard error), and the exit status: 2 when a gate failed (or, with
    /// `strict`, was inconclusive), 3 when none failed but one was inconclusive, 0 when all hold.
    func evaluate(_ report: Report) -> (lines: [String], status: ExitStatus) {
        let outcomes = claims(for: report).check(report)
        let failed = outcomes.filter { $0.verdict == .fail }.count
        let inconclusive = outcomes.filter { $0.verdict == .notProven }.count
        let status: ExitStatus =
            failed > 0 || (strict && inconclusive > 0)
            ? .checkFailed : inconclusive > 0 ? .inconclusive : .success
        let lines =
            outcomes.map { "gate " + $0.line(notProven: "INCONCLUSIVE") }
            + [
                "gates: \(outcomes.count - failed - inconclusive) pass, \(failed) fail, \(inconclusive) inconclusive"
                    + (strict && inconclusive > 0 ? " (counted as failed: --strict-gates)" : "")
                    + "; exit status \(status.rawValue)"
            ]
        return (lines, status)
    }
}
