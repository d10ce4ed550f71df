internal import Foundation
internal import MetricsReporting
public import ReportContract

/// Two periods side by side (`analyze --period P --against Q`, issue 14): the same analysis of two windows,
/// and per group each benchmark metric in both with its band, its sample size and the change. A pure function of
/// two finished reports; the renderers below are pure too.
public struct PeriodComparison: Codable, Sendable, Equatable {
    /// Identifies the document: it is not a `Report`.
    public var kind = "yardstick period comparison"
    public var schemaVersion = 1
    public var tool: Report.Tool
    public var repository: Report.Repository
    public var period: Side
    public var against: Side
    public var groups: [Group]
    public var notes: [String]

    public struct Side: Codable, Sendable, Equatable {
        /// As given: `2026-Q3`, `2026-07`, `2026`, or `FROM..TO`.
        public var name: String
        public var options: Report.Options
        @NullEncoded public var landed: Report.Period?
        public var landedChanges: Int
    }

    public struct Group: Codable, Sendable, Equatable {
        public var name: String
        public var metrics: [Row]
    }

    public struct Row: Codable, Sendable, Equatable {
        public var key: String
        public var title: String
        public var unit: String
        public var betterDirection: BetterDirection
        public var period: Cell
        public var against: Cell
        /// `period − against`, rounded to two decimals; null when either has no value.
        @NullEncoded public var delta: Double?
        /// `better`, `worse` or `same` by the row's better direction; null when either has no value.
        @NullEncoded public var change: String?
    }

    public struct Cell: Codable, Sendable, Equatable {
        @NullEncoded public var value: Double?
        /// The band(s) holding the value, or where it falls (`between bands`, `better than all`, `worse than all`).
        @NullEncoded public var band: String?
        /// Landed changes behind the value (as `Report.Metric.sampleSize`).
        @NullEncoded public var samples: Double?
        /// `measured`, `proxy`, `import`, `notMeasured`, or `absent` when the group has no such metric there.
        public var source: String
    }

    /// Compares `period` with `against` (the same repository and options, other windows). Groups in the order
    /// of `period`'s report, then those only in `against`'s; benchmark rows in the table's order.
    public init(period: Report, periodName: String, against: Report, againstName: String) {
        tool = period.tool
        repository = period.repository
        self.period = Side(
            name: periodName, options: period.options, landed: period.period, landedChanges: period.pullRequests.count)
        self.against = Side(
            name: againstName, options: against.options, landed: against.period,
            landedChanges: against.pullRequests.count)
        var names = period.groups.map(\.name)
        for g in against.groups where !names.contains(g.name) { names.append(g.name) }
        let now = Dictionary(period.groups.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let then = Dictionary(against.groups.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        groups = names.map { name in
            Group(
                name: name,
                metrics: BenchmarkRow.table.map { row in
                    let a = Self.cell(now[name], row.key)
                    let b = Self.cell(then[name], row.key)
                    var delta: Double?
                    var change: String?
                    if let x = a.value, let y = b.value {
                        let d = Statistics.round(x - y, 2)
                        delta = d
                        change =
                            d == 0 ? "same" : ((d < 0) == (row.better == .lower) ? "better" : "worse")
                    }
                    return Row(
                        key: row.key, title: row.title, unit: row.unit, betterDirection: row.better, period: a,
                        against: b, delta: delta, change: change)
                })
        }
        notes = [
            "Both periods are analysed separately with the same options, as `analyze --since FROM --until TO` would; delta is the period's value minus the other's."
        ]
    }

    static func cell(_ group: Report.Group?, _ key: String) -> Cell {
        guard let group, let m = group.metrics[key] else {
            return Cell(value: nil, band: nil, samples: nil, source: "absent")
        }
        var band: String?
        if let b = m.benchmark, m.value != nil {
            if !b.bands.isEmpty {
                band = b.bands.joined(separator: " / ")
            } else {
                switch b.position ?? "" {
                case "betterThanAll": band = "better than all"
                case "worseThanAll": band = "worse than all"
                default: band = "between bands"
                }
            }
        }
        return Cell(
            value: m.value, band: band, samples: m.sampleSize(groupChanges: group.metrics["landedChanges"]?.value ?? 0),
            source: m.source.rawValue)
    }

    // MARK: - Rendering

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func number(_ v: Double?) -> String {
        guard let v else { return "—" }
        if v == v.rounded() && abs(v) < 1e15 { return String(Int(v)) }
        return String(format: "%.2f", v)
    }

    static func signed(_ v: Double?) -> String {
        guard let v else { return "—" }
        return (v > 0 ? "+" : "") + number(v)
    }

    /// A cell for people: `12 h (Poorly Managed, n = 4)`; band names without "Offshore" to keep rows short.
    static func show(_ c: Cell, unit: String) -> String {
        guard let v = c.value else {
            switch c.source {
            case "absent": return "—"
            case "notMeasured": return "not measured"
            default: return "no value"
            }
        }
        let suffix = unit == "%" ? "%" : unit == "hours" ? " h" : ""
        let band = (c.band ?? "no band").replacingOccurrences(of: " Offshore", with: "")
        return "\(number(v))\(suffix) (\(band), n = \(number(c.samples)))"
    }

    func scope(_ s: Side) -> String {
        let landed = s.landed.map { ", landed \($0.from) to \($0.to)" } ?? ""
        return "\(s.name): \(s.landedChanges) landed change\(s.landedChanges == 1 ? "" : "s")\(landed)"
    }

    /// The terminal table: per group one row per benchmark metric, each period's value, band and sample size,
    /// then the delta and whether it is better or worse.
    public func table() -> String {
        var out = [
            "Yardstick period comparison: \(TextEscaping.terminal(repository.path)) at \(repository.head)",
            "  " + scope(period), "  against " + scope(against),
        ]
        for g in groups {
            out.append("")
            out.append(TextEscaping.terminal(g.name))
            var rows = [["Metric", period.name, against.name, "Delta", "Change"].map { TextEscaping.terminal($0) }]
            for r in g.metrics {
                rows.append([
                    r.title, Self.show(r.period, unit: r.unit), Self.show(r.against, unit: r.unit),
                    Self.signed(r.delta), r.change ?? "—",
                ])
            }
            var widths = Array(repeating: 0, count: 5)
            for row in rows { for i in 0..<5 { widths[i] = max(widths[i], row[i].count) } }
            for row in rows {
                var line = "  "
                for i in 0..<5 {
                    line += i == 4 ? row[i] : row[i] + String(repeating: " ", count: widths[i] - row[i].count + 2)
                }
                out.append(line)
            }
        }
        out.append("")
        out += notes
        return out.joined(separator: "\n") + "\n"
    }

    public func markdown() -> String {
        var out = [
            "# Yardstick period comparison: \(TextEscaping.markdown(repository.path))", "",
            "Branch \(TextEscaping.markdownCode(repository.branch)) at `\(repository.head)`.", "",
            "- " + TextEscaping.markdown(scope(period)), "- against " + TextEscaping.markdown(scope(against)),
        ]
        let p = TextEscaping.markdown(period.name).replacingOccurrences(of: "|", with: "\\|")
        let a = TextEscaping.markdown(against.name).replacingOccurrences(of: "|", with: "\\|")
        for g in groups {
            out += ["", "## \(TextEscaping.markdown(g.name))", ""]
            out.append("| Metric | \(p) | \(a) | Delta | Change |")
            out.append("|---|---|---|---:|---|")
            for r in g.metrics {
                out.append(
                    "| \(r.title) | \(Self.show(r.period, unit: r.unit)) | \(Self.show(r.against, unit: r.unit)) | \(Self.signed(r.delta)) | \(r.change ?? "—") |"
                )
            }
        }
        out.append("")
        out += notes
        return out.joined(separator: "\n") + "\n"
    }
}
