import Foundation
import MetricsReporting
public import ReportContract
import Yams

/// A vendor's claims about a report's figures, read from YAML (docs/claims.md), and their check.
public struct ClaimSet: Sendable, Equatable {
    public var claims: [Claim]
    /// Fewer landed changes than this behind a figure: the claim is not proven (fails).
    public var minSamples: Int

    public static let defaultMinSamples = 10

    public struct Claim: Sendable, Equatable {
        public var group: String
        /// A metric key of the JSON report (`prSize`, `defectEscapeRate`, …).
        public var metric: String
        /// `value` (the metric's own figure), or a key of its details (`median`, `p75`, `p90`, …).
        public var statistic: String
        public var op: Operator
        public var value: Double
        public var minSamples: Int?

        public var text: String {
            "\(group): \(metric)\(statistic == "value" ? "" : "." + statistic) \(op.rawValue) \(Self.format(value))"
        }

        static func format(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v) }
    }

    public enum Operator: String, Sendable, CaseIterable {
        case le = "<="
        case lt = "<"
        case ge = ">="
        case gt = ">"
        case eq = "=="

        func holds(_ a: Double, _ b: Double) -> Bool {
            switch self {
            case .le: return a <= b
            case .lt: return a < b
            case .ge: return a >= b
            case .gt: return a > b
            case .eq: return a == b
            }
        }
    }

    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Parses a claims file; errors name the file and the claim.
    public static func parse(_ text: String, file: String) throws -> ClaimSet {
        func fail(_ what: String) -> ParseError { ParseError(description: "\(file): \(what)") }
        let root: Any?
        do {
            root = try Yams.load(yaml: text)
        } catch let error as YamlError {
            throw fail("not valid YAML: \(String(describing: error).split(separator: "\n").first ?? "")")
        }
        guard let map = root as? [String: Any] else { throw fail("expected a mapping with a 'claims' list") }
        for key in map.keys where key != "claims" && key != "minSamples" { throw fail("unknown key '\(key)'") }
        var minSamples = defaultMinSamples
        if let m = map["minSamples"] {
            guard let n = m as? Int, n >= 1 else { throw fail("minSamples must be a whole number of at least 1") }
            minSamples = n
        }
        guard let list = map["claims"] as? [Any], !list.isEmpty else { throw fail("'claims' must be a non-empty list") }
        let claims = try list.enumerated().map { i, item -> Claim in
            let at = "claims[\(i)]"
            if let s = item as? String { return try parseTerse(s, at: at, fail: fail) }
            guard let c = item as? [String: Any] else {
                throw fail("\(at): expected a mapping or a string like 'Vendor: prSize <= 250'")
            }
            for key in c.keys where !["group", "metric", "statistic", "op", "value", "minSamples"].contains(key) {
                throw fail("\(at): unknown key '\(key)'")
            }
            guard let group = c["group"].map({ "\($0)" }), !group.isEmpty else { throw fail("\(at): missing 'group'") }
            guard let metric = c["metric"] as? String, !metric.isEmpty else { throw fail("\(at): missing 'metric'") }
            let statistic = (c["statistic"] as? String) ?? "value"
            guard let opText = c["op"] as? String else { throw fail("\(at): missing 'op' (one of <=, <, >=, >, ==)") }
            guard let op = Operator(rawValue: opText) else {
                throw fail("\(at): op '\(opText)' is not one of <=, <, >=, >, ==")
            }
            guard let value = (c["value"] as? Double) ?? (c["value"] as? Int).map(Double.init) else {
                throw fail("\(at): 'value' must be a number")
            }
            var own: Int?
            if let m = c["minSamples"] {
                guard let n = m as? Int, n >= 1 else {
                    throw fail("\(at): minSamples must be a whole number of at least 1")
                }
                own = n
            }
            return Claim(group: group, metric: metric, statistic: statistic, op: op, value: value, minSamples: own)
        }
        return ClaimSet(claims: claims, minSamples: minSamples)
    }

    /// `GROUP: METRIC[.STATISTIC] OP NUMBER`, e.g. `Vendor: prSize.median <= 250`.
    static func parseTerse(_ s: String, at: String, fail: (String) -> ParseError) throws -> Claim {
        let bad = fail(
            "\(at): '\(s)' is not 'GROUP: METRIC[.STATISTIC] OP NUMBER' (e.g. 'Vendor: prSize.median <= 250')")
        guard let colon = s.lastIndex(of: ":") else { throw bad }
        let group = s[..<colon].trimmingCharacters(in: .whitespaces)
        let parts = s[s.index(after: colon)...].split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard !group.isEmpty, parts.count == 3, let op = Operator(rawValue: parts[1]), let value = Double(parts[2])
        else { throw bad }
        let names = parts[0].split(separator: ".", maxSplits: 1).map(String.init)
        guard let metric = names.first, !metric.isEmpty else { throw bad }
        return Claim(
            group: group, metric: metric, statistic: names.count == 2 ? names[1] : "value", op: op, value: value,
            minSamples: nil)
    }

    public struct Outcome: Sendable, Equatable {
        public enum Verdict: String, Sendable {
            case pass, fail
            case notProven = "not proven"
        }
        public var claim: Claim
        public var measured: Double?
        public var samples: Double?
        public var verdict: Verdict
        /// Why a claim is not proven (unknown group or metric, not measured, too few samples).
        public var reason: String?

        public var passed: Bool { verdict == .pass }
    }

    public func check(_ report: Report) -> [Outcome] {
        claims.map { claim in
            func notProven(_ why: String, _ m: Double? = nil, _ n: Double? = nil) -> Outcome {
                Outcome(claim: claim, measured: m, samples: n, verdict: .notProven, reason: why)
            }
            guard let group = report.groups.first(where: { $0.name == claim.group }) else {
                return notProven(
                    "no group '\(claim.group)' in the report (groups: \(report.groups.map(\.name).joined(separator: ", ")))"
                )
            }
            // A group credited with no landed change has no metrics at all (schema 2).
            if group.metrics.isEmpty { return notProven("no landed changes") }
            guard let metric = group.metrics[claim.metric] else {
                return notProven(
                    "no metric '\(claim.metric)' (metrics: \(group.metrics.keys.sorted().joined(separator: ", ")))")
            }
            if metric.source == .notMeasured { return notProven("not measured: needs \(metric.needs ?? "an import")") }
            let n = metric.sampleSize(groupChanges: group.metrics["landedChanges"]?.value ?? 0)
            let measured = claim.statistic == "value" ? metric.value : metric.details[claim.statistic]
            guard let measured else {
                if claim.statistic != "value" && metric.details[claim.statistic] == nil && metric.value != nil {
                    return notProven(
                        "metric '\(claim.metric)' has no statistic '\(claim.statistic)' (has: value, \(metric.details.keys.sorted().joined(separator: ", ")))",
                        nil, n)
                }
                return notProven("no value (no change to measure)", nil, n)
            }
            let needed = claim.minSamples ?? minSamples
            if (n ?? 0) < Double(needed) {
                return notProven(
                    "too few samples: \(Claim.format(n ?? 0)) landed change(s), at least \(needed) needed", measured, n)
            }
            return Outcome(
                claim: claim, measured: measured, samples: n,
                verdict: claim.op.holds(measured, claim.value) ? .pass : .fail, reason: nil)
        }
    }
}

extension ClaimSet {
    /// The claims a team meeting the benchmark table's Well-Managed column makes: for each row, the value at or
    /// below the band's top (lower is better) or at or above its bottom (higher is better).
    public static func wellManagedTemplate(group: String = "Vendor") -> String {
        var lines = [
            "# Claims that a group meets the Well-Managed Offshore column of the benchmark table",
            "# (docs/benchmark-table.md). Check them with: yardstick verify claims.yml [REPOSITORY]",
            "# Format and exit codes: docs/claims.md. Rename the group to one of your report's groups.",
            "minSamples: \(defaultMinSamples)",
            "claims:",
        ]
        for row in BenchmarkRow.table {
            guard let band = row.bands.first(where: { $0.name == BenchmarkRow.wellManaged }) else { continue }
            let (op, bound): (Operator, Double?) = row.better == .lower ? (.le, band.high) : (.ge, band.low)
            guard let bound else { continue }
            lines.append("  # \(row.title): \(band.label(unit: row.unit))")
            lines.append(
                "  - {group: \(group), metric: \(row.key), op: \"\(op.rawValue)\", value: \(Claim.format(bound))}")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
