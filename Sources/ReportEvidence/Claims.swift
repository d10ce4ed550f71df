import Foundation
import MetricsReporting
public import ReportContract
import Yams

/// Claims about a report's figures, read from YAML (docs/claims.md), and their check. One language and one
/// evaluator for `yardstick verify CLAIMS.yml` (a vendor's claims) and for the gates of `yardstick analyze
/// --gate POLICY.yml` / `--fail-on LEVEL` (a nightly run's policy, ADR 0020).
public struct ClaimSet: Sendable, Equatable {
    public var claims: [Claim]
    /// Fewer landed changes than this behind a figure: the claim is not proven (a gate is inconclusive).
    public var minSamples: Int

    public static let defaultMinSamples = 10

    /// The group name that stands for every group of the report with landed changes.
    public static let everyGroup = "*"

    public init(claims: [Claim], minSamples: Int = defaultMinSamples) {
        self.claims = claims
        self.minSamples = minSamples
    }

    public struct Claim: Sendable, Equatable {
        /// A group name of the report, or `*` for every group with landed changes.
        public var group: String
        /// A metric key of the JSON report (`prSize`, `defectEscapeRate`, …).
        public var metric: String
        /// `value` (the metric's own figure), or a key of its details (`median`, `p75`, `p90`, …).
        public var statistic: String
        public var condition: Condition
        public var minSamples: Int?

        public init(
            group: String, metric: String, statistic: String = "value", condition: Condition, minSamples: Int? = nil
        ) {
            self.group = group
            self.metric = metric
            self.statistic = statistic
            self.condition = condition
            self.minSamples = minSamples
        }

        public var text: String {
            "\(group): \(metric)\(statistic == "value" ? "" : "." + statistic) \(condition.text)"
        }

        static func format(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v) }
    }

    /// What a claim asks of the measured figure: a comparison with a number, or a position against a band of
    /// the metric's benchmark row.
    public enum Condition: Sendable, Equatable {
        case compare(Operator, Double)
        case band(BandRelation, BenchmarkLevel)

        public var text: String {
            switch self {
            case .compare(let op, let value): return "\(op.rawValue) \(Claim.format(value))"
            case .band(let relation, let level): return "\(relation.rawValue) \(level.rawValue)"
            }
        }
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

    /// A column of the benchmark table, by its name in claims.
    public enum BenchmarkLevel: String, Sendable, CaseIterable {
        case wellManaged = "well-managed"
        case industryAverage = "industry-average"
        case poorlyManaged = "poorly-managed"

        /// The band's name in `BenchmarkRow.table`.
        public var bandName: String {
            switch self {
            case .wellManaged: return BenchmarkRow.wellManaged
            case .industryAverage: return BenchmarkRow.industry
            case .poorlyManaged: return BenchmarkRow.poorlyManaged
            }
        }

        /// `well-managed`, `Well-Managed`, `Well-Managed Offshore`, `industry average`: any case, spaces or
        /// hyphens, with or without the table's `Offshore`.
        init?(name: String) {
            var key = name.lowercased().replacingOccurrences(of: " ", with: "-")
            if key.hasSuffix("-offshore") { key.removeLast("-offshore".count) }
            self.init(rawValue: key)
        }
    }

    /// How a figure stands against a band of its benchmark row (the row's better direction decides "better").
    public enum BandRelation: String, Sendable, CaseIterable {
        /// Inside the band's range, edges included.
        case within
        /// In the band or better: not past the band's worse edge.
        case atLeast = "at-least"
        /// Better than every value of the band: past its better edge.
        case betterThan = "better-than"

        func holds(_ v: Double, band: Band, better: BetterDirection) -> Bool {
            switch (self, better) {
            case (.within, _): return band.contains(v)
            case (.atLeast, .lower): return band.high.map { v <= $0 } ?? true
            case (.atLeast, .higher): return v >= band.low
            case (.betterThan, .lower): return v < band.low
            case (.betterThan, .higher): return band.high.map { v > $0 } ?? false
            }
        }
    }

    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    static let operatorList = "<=, <, >=, >, ==, within, at-least, better-than"
    static let levelList = BenchmarkLevel.allCases.map(\.rawValue).joined(separator: ", ")

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
        for key in map.keys.sorted() where key != "claims" && key != "minSamples" { throw fail("unknown key '\(key)'") }
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
            for key in c.keys.sorted()
            where !["group", "metric", "statistic", "op", "value", "minSamples"].contains(key) {
                throw fail("\(at): unknown key '\(key)'")
            }
            guard let group = c["group"].map({ "\($0)" }), !group.isEmpty else { throw fail("\(at): missing 'group'") }
            guard let metric = c["metric"] as? String, !metric.isEmpty else { throw fail("\(at): missing 'metric'") }
            let statistic = (c["statistic"] as? String) ?? "value"
            guard let opText = c["op"] as? String else { throw fail("\(at): missing 'op' (one of \(operatorList))") }
            let condition: Condition
            if let op = Operator(rawValue: opText) {
                guard let value = (c["value"] as? Double) ?? (c["value"] as? Int).map(Double.init) else {
                    throw fail("\(at): 'value' must be a number")
                }
                condition = .compare(op, value)
            } else if let relation = BandRelation(rawValue: opText) {
                guard let name = c["value"] as? String, let level = BenchmarkLevel(name: name) else {
                    throw fail("\(at): with op '\(opText)', 'value' must be a band: one of \(levelList)")
                }
                condition = .band(relation, level)
            } else {
                throw fail("\(at): op '\(opText)' is not one of \(operatorList)")
            }
            var own: Int?
            if let m = c["minSamples"] {
                guard let n = m as? Int, n >= 1 else {
                    throw fail("\(at): minSamples must be a whole number of at least 1")
                }
                own = n
            }
            let claim = Claim(
                group: group, metric: metric, statistic: statistic, condition: condition, minSamples: own)
            try checkBandRow(claim, at: at, fail: fail)
            return claim
        }
        return ClaimSet(claims: claims, minSamples: minSamples)
    }

    /// A band condition needs a metric with a benchmark row.
    static func checkBandRow(_ claim: Claim, at: String, fail: (String) -> ParseError) throws {
        guard case .band(let relation, _) = claim.condition, BenchmarkRow.row(claim.metric) == nil else { return }
        throw fail(
            "\(at): '\(relation.rawValue)' needs a metric of the benchmark table (\(BenchmarkRow.table.map(\.key).joined(separator: ", "))); '\(claim.metric)' has no band"
        )
    }

    /// `GROUP: METRIC[.STATISTIC] OP NUMBER` or `GROUP: METRIC[.STATISTIC] RELATION BAND`, e.g.
    /// `Vendor: prSize.median <= 250`, `Vendor: prSize.median within well-managed`.
    static func parseTerse(_ s: String, at: String, fail: (String) -> ParseError) throws -> Claim {
        let bad = fail(
            "\(at): '\(s)' is not 'GROUP: METRIC[.STATISTIC] OP NUMBER' (e.g. 'Vendor: prSize.median <= 250') nor 'GROUP: METRIC[.STATISTIC] within|at-least|better-than BAND'"
        )
        guard let colon = s.lastIndex(of: ":") else { throw bad }
        let group = s[..<colon].trimmingCharacters(in: .whitespaces)
        let parts = s[s.index(after: colon)...].split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard !group.isEmpty, parts.count >= 3 else { throw bad }
        let condition: Condition
        if parts.count == 3, let op = Operator(rawValue: parts[1]), let value = Double(parts[2]) {
            condition = .compare(op, value)
        } else if let relation = BandRelation(rawValue: parts[1]) {
            guard let level = BenchmarkLevel(name: parts[2...].joined(separator: " ")) else {
                throw fail("\(at): '\(s)': the band must be one of \(levelList)")
            }
            condition = .band(relation, level)
        } else {
            throw bad
        }
        let names = parts[0].split(separator: ".", maxSplits: 1).map(String.init)
        guard let metric = names.first, !metric.isEmpty else { throw bad }
        let claim = Claim(
            group: group, metric: metric, statistic: names.count == 2 ? names[1] : "value", condition: condition)
        try checkBandRow(claim, at: at, fail: fail)
        return claim
    }

    public struct Outcome: Sendable, Equatable {
        public enum Verdict: String, Sendable {
            case pass, fail
            case notProven = "not proven"
        }
        /// The claim as checked: a `*` claim gives one outcome per group, each naming its group.
        public var claim: Claim
        public var measured: Double?
        public var samples: Double?
        public var verdict: Verdict
        /// Why a claim is not proven (unknown group or metric, not measured, too few samples).
        public var reason: String?

        public var passed: Bool { verdict == .pass }

        /// One line for a terminal: `FAIL        Vendor: prSize <= 250  measured 300  n = 12`, every text from
        /// the claims file or the report escaped. `notProven` is the word a not-proven verdict is shown with.
        public func line(notProven: String = "NOT PROVEN") -> String {
            let word = verdict == .pass ? "PASS" : verdict == .fail ? "FAIL" : notProven
            var line = "\(word.padding(toLength: max(10, notProven.count), withPad: " ", startingAt: 0))  \(claim.text)"
            if let m = measured { line += "  measured \(Self.number(m))" }
            if let n = samples { line += "  n = \(Self.number(n))" }
            if let reason { line += "  (\(reason))" }
            return TextEscaping.terminal(line)
        }

        static func number(_ v: Double) -> String {
            v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(Statistics.round(v, 2))
        }
    }

    /// Checks every claim against the report, in order; a `*` claim is checked for each group with landed
    /// changes, in the report's group order.
    public func check(_ report: Report) -> [Outcome] {
        claims.flatMap { claim -> [Outcome] in
            guard claim.group == Self.everyGroup else { return [check(claim, report)] }
            let groups = report.groups.filter { !$0.metrics.isEmpty }
            // Nothing to check is not a pass.
            if groups.isEmpty {
                return [
                    Outcome(
                        claim: claim, measured: nil, samples: nil, verdict: .notProven,
                        reason: "no group with landed changes")
                ]
            }
            return groups.map { group in
                var own = claim
                own.group = group.name
                return check(own, report)
            }
        }
    }

    func check(_ claim: Claim, _ report: Report) -> Outcome {
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
        let holds: Bool
        switch claim.condition {
        case .compare(let op, let value):
            holds = op.holds(measured, value)
        case .band(let relation, let level):
            // The parser admits band conditions on benchmark rows only; every row has the three bands.
            guard let row = BenchmarkRow.row(claim.metric),
                let band = row.bands.first(where: { $0.name == level.bandName })
            else { return notProven("no band '\(level.rawValue)' for '\(claim.metric)'", measured, n) }
            holds = relation.holds(measured, band: band, better: row.better)
        }
        return Outcome(claim: claim, measured: measured, samples: n, verdict: holds ? .pass : .fail, reason: nil)
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

/// The `--fail-on LEVEL` shorthand of `yardstick analyze`: a gate on every benchmark metric a group has a value
/// for (not-measured rows are not placed, so not gated), failing when the figure is at that level or worse.
public enum FailLevel: String, Sendable, CaseIterable {
    /// In the Poorly Managed band or worse: `better-than poorly-managed`.
    case poorlyManaged = "poorly-managed"
    /// Past the Industry Average band's worse edge: `at-least industry-average`.
    case belowIndustry = "below-industry"
    /// Past the Well-Managed band's worse edge: `at-least well-managed` (the claims template, as a gate).
    case belowWellManaged = "below-well-managed"

    public var condition: ClaimSet.Condition {
        switch self {
        case .poorlyManaged: return .band(.betterThan, .poorlyManaged)
        case .belowIndustry: return .band(.atLeast, .industryAverage)
        case .belowWellManaged: return .band(.atLeast, .wellManaged)
        }
    }

    /// The claims this level stands for on `report`: per group with landed changes (report order), per benchmark
    /// row (table order) whose metric the group has a value for. With no group with landed changes, one `*`
    /// claim per row, which `check` finds not proven: a gate that checks nothing does not pass.
    public func claims(for report: Report) -> [ClaimSet.Claim] {
        let groups = report.groups.filter { !$0.metrics.isEmpty }
        if groups.isEmpty {
            return BenchmarkRow.table.map {
                ClaimSet.Claim(group: ClaimSet.everyGroup, metric: $0.key, condition: condition)
            }
        }
        return groups.flatMap { group in
            BenchmarkRow.table.compactMap { row -> ClaimSet.Claim? in
                guard let metric = group.metrics[row.key], metric.source != .notMeasured, metric.value != nil
                else { return nil }
                return ClaimSet.Claim(group: group.name, metric: row.key, condition: condition)
            }
        }
    }
}
