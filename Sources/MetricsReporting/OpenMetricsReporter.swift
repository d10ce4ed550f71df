internal import Foundation
public import ReportContract

/// `--format openmetrics`: the text exposition format Prometheus scrapes and node-exporter's textfile collector
/// reads (`*.prom`), also valid OpenMetrics 1.0 text (it ends with `# EOF`). docs/nightly.md has the names.
///
/// - One gauge family per metric: `yardstick_<metric key in snake case>` with the unit as Prometheus' naming
///   conventions want it: hours become `_seconds` (value × 3600), percentages `_ratio` (value ÷ 100, replacing
///   a trailing `_rate` or `_share`), lines `_lines`; counts keep their name (`yardstick_landed_changes`).
/// - Labels `group`, `repository`, `branch`, `source` on every value; a value the report does not have (not
///   measured, no change to measure) has no sample. `yardstick_metric_samples{…,metric="…"}` is the `n`
///   behind each value (docs/claims.md).
/// - `yardstick_info` (value 1) carries the tool version, the head commit and the report schema;
///   `yardstick_last_change_timestamp_seconds` the landed time of the newest change analysed. No wall-clock
///   time: same report, same bytes (the collector's `node_textfile_mtime_seconds` is the time of the run).
/// - Label values escaped per the format (`\\`, `\"`, `\n`), after control characters are made visible
///   (TextEscaping); help text escapes `\\` and `\n`.
public struct OpenMetricsReporter: Sendable {
    public init() {}

    public func render(_ report: Report) -> String {
        var out = ""
        let base = [("repository", report.repository.path), ("branch", report.repository.branch)]
        func family(_ name: String, _ help: String, _ samples: [([(String, String)], Double)]) {
            guard !samples.isEmpty else { return }
            out += "# HELP \(name) \(Self.help(help))\n# TYPE \(name) gauge\n"
            for (labels, value) in samples { out += "\(name)\(Self.labels(labels)) \(Self.number(value))\n" }
        }
        family(
            "yardstick_info", "The Yardstick run: tool version, analysed head commit and report schema version.",
            [
                (
                    base + [
                        ("head", report.repository.head), ("version", report.tool.version),
                        ("schema_version", String(report.schemaVersion)),
                    ], 1
                )
            ])
        if let to = report.period?.to, let date = ISO8601DateFormatter().date(from: to) {
            family(
                "yardstick_last_change_timestamp_seconds", "Landed time of the newest change analysed (Unix time).",
                [(base, date.timeIntervalSince1970)])
        }
        var sampleSizes: [([(String, String)], Double)] = []
        for key in Self.keys(report) {
            var help: String?
            var name = ""
            var samples: [([(String, String)], Double)] = []
            for group in report.groups {
                guard let m = group.metrics[key], let value = m.value else { continue }
                let (metricName, convert, unit) = Self.name(key: key, unit: m.unit)
                name = metricName
                help = help ?? "\(m.title), \(m.aggregator) per group (\(unit))."
                let labels = [("group", group.name)] + base + [("source", Wording.source(m))]
                samples.append((labels, convert(value)))
                let changes = group.metrics[MetricKey.landedChanges.rawValue]?.value ?? 0
                if let n = m.sampleSize(groupChanges: changes) {
                    sampleSizes.append(([("group", group.name)] + base + [("metric", String(name.dropFirst(10)))], n))
                }
            }
            if let help { family(name, help, samples) }
        }
        family(
            "yardstick_metric_samples",
            "Landed changes behind each value (n); a gate on fewer than its minimum is inconclusive.", sampleSizes)
        return out + "# EOF\n"
    }

    /// The metric keys with a value in some group: declaration order, then undeclared keys sorted.
    static func keys(_ report: Report) -> [String] {
        let present = Set(report.groups.flatMap { g in g.metrics.filter { $0.value.value != nil }.keys })
        return Wording.metricOrder.filter(present.contains) + present.subtracting(Wording.metricOrder).sorted()
    }

    /// `yardstick_<snake_case key>` with its unit suffix, the conversion from the report's unit (a division for
    /// percentages, so 25 % is exactly 0.25), and the unit's name for the help text.
    static func name(key: String, unit: String) -> (name: String, convert: @Sendable (Double) -> Double, unit: String) {
        var snake = snakeCase(key)
        func strip(_ suffixes: [String]) {
            for s in suffixes where snake.hasSuffix(s) && snake.count > s.count {
                snake.removeLast(s.count)
                return
            }
        }
        switch unit {
        case "hours":
            strip(["_hours"])
            return ("yardstick_\(snake)_seconds", { $0 * 3600 }, "seconds")
        case "%":
            strip(["_rate", "_share", "_percent"])
            return ("yardstick_\(snake)_ratio", { $0 / 100 }, "ratio from 0 to 1")
        case "lines":
            strip(["_lines"])
            return ("yardstick_\(snake)_lines", { $0 }, "lines")
        default:
            return ("yardstick_\(snake)", { $0 }, unit)
        }
    }

    /// `reviewCommentsPerPR` → `review_comments_per_pr`; anything but `[a-z0-9_]` becomes `_`.
    static func snakeCase(_ key: String) -> String {
        let chars = Array(key)
        var out = ""
        for (i, c) in chars.enumerated() {
            if c.isUppercase, i > 0 {
                let previous = chars[i - 1]
                let nextIsLower = i + 1 < chars.count && chars[i + 1].isLowercase
                if previous.isLowercase || previous.isNumber || (previous.isUppercase && nextIsLower) { out += "_" }
            }
            let lower = Character(c.lowercased())
            out.append(lower.isASCII && (lower.isLetter || lower.isNumber) ? lower : "_")
        }
        return out
    }

    /// `{group="a",repository="b"}`: each value's control characters made visible, then `\`, `"` and a line
    /// break escaped as the format requires.
    static func labels(_ labels: [(String, String)]) -> String {
        "{" + labels.map { "\($0.0)=\"\(labelValue($0.1))\"" }.joined(separator: ",") + "}"
    }

    static func labelValue(_ text: String) -> String {
        escape(TextEscaping.terminal(text), quote: true)
    }

    static func help(_ text: String) -> String { escape(TextEscaping.terminal(text), quote: false) }

    static func escape(_ text: String, quote: Bool) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\"" where quote: out += "\\\""
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Go's ParseFloat reads every form: whole numbers without a fraction, else the shortest exact text.
    static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }
}
