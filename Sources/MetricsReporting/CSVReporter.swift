internal import Foundation
public import ReportContract

/// `--format csv`: one row per group and metric, for spreadsheets and scripts (docs/nightly.md).
///
/// RFC 4180: a header row, fields separated by commas, rows ended by CRLF, a field holding a comma or a double
/// quote enclosed in double quotes with its quotes doubled. Groups in report order, metrics in declaration
/// order (`MetricDeclaration.all`, then undeclared keys sorted); a group with no landed change has no row.
/// Text from the repository or the configuration (group names, titles, placements) has its control characters
/// in visible form (`\x1B`, TextEscaping), so every row is one line and a terminal shows it as is; the JSON
/// report holds the exact names.
public struct CSVReporter: Sendable {
    public init() {}

    public static let columns = [
        "group", "metric", "title", "value", "unit", "aggregator", "source", "better", "samples", "bands",
        "position", "placement", "needs",
    ]

    public func render(_ report: Report) -> String {
        var rows = [Self.columns]
        for group in report.groups {
            let changes = group.metrics[MetricKey.landedChanges.rawValue]?.value ?? 0
            for (key, m) in Wording.orderedMetrics(group) {
                rows.append([
                    group.name, key, m.title, m.value.map(Self.number) ?? "", m.unit, m.aggregator,
                    Wording.source(m), m.betterDirection?.rawValue ?? "",
                    m.sampleSize(groupChanges: changes).map(Self.number) ?? "",
                    m.benchmark?.bands.joined(separator: "; ") ?? "", m.benchmark?.position ?? "",
                    m.benchmark?.placement ?? "", m.needs ?? "",
                ])
            }
        }
        return rows.map { $0.map(Self.field).joined(separator: ",") + "\r\n" }.joined()
    }

    /// A number in full precision (the shortest text that reads back as the same double); whole numbers
    /// without a fraction.
    static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }

    /// One field: control characters made visible, then quoted when it holds a comma, a quote or a line break.
    static func field(_ text: String) -> String {
        let visible = TextEscaping.terminal(text)
        guard visible.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else {
            return visible
        }
        return "\"" + visible.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
