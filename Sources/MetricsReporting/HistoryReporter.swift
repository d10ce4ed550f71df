internal import Foundation
public import ReportContract

/// The runs a store holds, oldest first, each with its groups' metrics (`yardstick history`, ADR 0019).
public struct RunHistory: Sendable {
    public struct Run: Sendable {
        /// Seconds since 1970, UTC.
        public var time: Int64
        public var head: String
        public var branch: String
        public var toolVersion: String
        public var groups: [Report.Group]

        public init(time: Int64, head: String, branch: String, toolVersion: String, groups: [Report.Group]) {
            self.time = time
            self.head = head
            self.branch = branch
            self.toolVersion = toolVersion
            self.groups = groups
        }
    }

    public var runs: [Run]

    public init(runs: [Run]) { self.runs = runs }

    /// Group names in the order they first appear (runs oldest first, groups in report order).
    var groupNames: [String] {
        var seen = Set<String>()
        return runs.flatMap { $0.groups.map(\.name) }.filter { seen.insert($0).inserted }
    }

    /// A group's metric keys over all runs: the declared order, then the rest sorted.
    func metricKeys(_ group: String) -> [String] {
        let present = Set(runs.flatMap { $0.groups.filter { $0.name == group }.flatMap(\.metrics.keys) })
        return Wording.metricOrder.filter(present.contains) + present.subtracting(Wording.metricOrder).sorted()
    }

    func metric(_ run: Run, group: String, key: String) -> Report.Metric? {
        run.groups.first { $0.name == group }?.metrics[key]
    }
}

/// Renders a `RunHistory`: a table (the last `lastRuns` runs as columns, every repository string escaped),
/// JSON (every run; per group and metric, one value per run, null where the run had none) or CSV (one row per
/// run, group and metric). Pure: same history, same bytes.
public enum HistoryReporter {
    public enum Format: String, Sendable, CaseIterable {
        case table, json, csv
    }

    public static func render(_ history: RunHistory, format: Format, lastRuns: Int = 8) -> String {
        switch format {
        case .table: return table(history, lastRuns: lastRuns)
        case .json: return json(history)
        case .csv: return csv(history)
        }
    }

    static func time(_ seconds: Int64, iso: Bool) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = iso ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd HH:mm"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    static func table(_ history: RunHistory, lastRuns: Int) -> String {
        guard !history.runs.isEmpty else { return "No runs stored yet.\n" }
        let first = max(0, history.runs.count - max(1, lastRuns))
        let shown = Array(history.runs.enumerated())[first...]
        var lines = ["Runs (\(history.runs.count) stored, the last \(shown.count) shown; times in UTC)"]
        var runs = TextTable(header: ["run", "time", "head", "branch", "tool"])
        for (i, run) in shown {
            runs.rows.append([
                "#\(i + 1)", time(run.time, iso: false), String(run.head.prefix(12)), TextEscaping.terminal(run.branch),
                run.toolVersion,
            ])
        }
        lines += runs.render()
        for group in history.groupNames {
            lines.append("")
            lines.append("Group \(TextEscaping.terminal(group))")
            var table = TextTable(header: ["metric"] + shown.map { "#\($0.offset + 1)" })
            for key in history.metricKeys(group) {
                let metrics = shown.map { history.metric($0.element, group: group, key: key) }
                let title = metrics.compactMap { $0?.title }.last ?? key
                table.rows.append([TextEscaping.terminal(title)] + metrics.map { $0.map(Wording.value) ?? "" })
            }
            lines += table.render()
        }
        return lines.joined(separator: "\n") + "\n"
    }

    struct JSONHistory: Encodable {
        var schemaVersion = 1
        var runs: [JSONRun]
        var groups: [JSONGroup]
    }

    struct JSONRun: Encodable {
        var time: String
        var head: String
        var branch: String
        var toolVersion: String
    }

    struct JSONGroup: Encodable {
        var name: String
        var metrics: [String: JSONSeries]
    }

    struct JSONSeries: Encodable {
        var title: String
        var unit: String
        /// One per run; null where the run had no value.
        var values: [Double?]
    }

    static func json(_ history: RunHistory) -> String {
        let document = JSONHistory(
            runs: history.runs.map {
                JSONRun(time: time($0.time, iso: true), head: $0.head, branch: $0.branch, toolVersion: $0.toolVersion)
            },
            groups: history.groupNames.map { group in
                var series: [String: JSONSeries] = [:]
                for key in history.metricKeys(group) {
                    let metrics = history.runs.map { history.metric($0, group: group, key: key) }
                    let last = metrics.compactMap { $0 }.last
                    series[key] = JSONSeries(
                        title: last?.title ?? key, unit: last?.unit ?? "", values: metrics.map { $0?.value })
                }
                return JSONGroup(name: group, metrics: series)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        // Encoding plain strings and numbers cannot fail.
        let data = (try? encoder.encode(document)) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// RFC 4180 quoting, and a leading `'` before a cell starting `=`, `+`, `-` or `@` that is not a number, so a
    /// spreadsheet never reads a group name as a formula.
    static func csvCell(_ text: String) -> String {
        var t = text
        if let c = t.first, "=+-@".contains(c), Double(t) == nil { t = "'" + t }
        guard t.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return t }
        return "\"" + t.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func csv(_ history: RunHistory) -> String {
        var out = "run,time,head,branch,group,metric,value,unit,source\r\n"
        for (i, run) in history.runs.enumerated() {
            for group in history.groupNames {
                for key in history.metricKeys(group) {
                    guard let m = history.metric(run, group: group, key: key) else { continue }
                    let cells = [
                        String(i + 1), time(run.time, iso: true), run.head, run.branch, group, key,
                        m.value.map { "\($0)" } ?? "", m.unit, m.source.rawValue,
                    ]
                    out += cells.map(csvCell).joined(separator: ",") + "\r\n"
                }
            }
        }
        return out
    }
}
