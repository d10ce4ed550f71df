public import ReportContract

/// The output formats.
public enum ReportFormat: String, Sendable, CaseIterable {
    case table, markdown, json, html, csv
    case openMetrics = "openmetrics"

    /// Renders a report. Every reporter is a pure function of the report: same report, same bytes, whatever
    /// the number of threads (`threads`: at most this many render at once; nil for one per core).
    /// `width`: the columns the table format is laid out for.
    public func render(_ report: Report, colour: Bool = false, width: Int = 80, threads: Int? = nil) -> String {
        switch self {
        case .table: return TerminalReporter(colour: colour, width: width).render(report)
        case .markdown: return MarkdownReporter().render(report)
        case .json: return (threads.map { JSONReporter(parts: $0) } ?? JSONReporter()).render(report)
        case .html: return HTMLReporter().render(report)
        case .csv: return CSVReporter().render(report)
        case .openMetrics: return OpenMetricsReporter().render(report)
        }
    }
}

/// Shared wording for reporters.
enum Wording {
    /// The declared metrics' order (`MetricDeclaration.all`); keys no declaration has come after, sorted.
    static let metricOrder = MetricDeclaration.all.map(\.key.rawValue)

    static func orderedMetrics(_ group: Report.Group) -> [(String, Report.Metric)] {
        let known = metricOrder.compactMap { k in group.metrics[k].map { (k, $0) } }
        let rest = group.metrics.keys.filter { !metricOrder.contains($0) }.sorted().compactMap { k in
            group.metrics[k].map { (k, $0) }
        }
        return known + rest
    }

    /// The group's metrics in report order, each as the summary judges it: where the summary's cell for the
    /// group gives no band (`too few (n=…)` below the minimum sample, `needs trailers` where the history cannot
    /// support the proxy), the detail row says the cell's verdict instead of a band (ADR 0017), so the two
    /// never disagree. Groups the summary does not show (summed up in `other`) keep their placement.
    static func orderedMetrics(_ group: Report.Group, summary: Report.Summary?) -> [(String, Report.Metric)] {
        let metrics = orderedMetrics(group)
        guard let summary, let column = summary.groups.firstIndex(of: group.name) else { return metrics }
        var bandless: [String: String] = [:]
        for row in summary.rows where column < row.cells.count {
            let cell = row.cells[column]
            if cell.band == nil && (cell.verdict.hasPrefix("too few") || cell.verdict.hasPrefix("needs ")) {
                bandless[row.key] = cell.verdict
            }
        }
        guard !bandless.isEmpty else { return metrics }
        return metrics.map { key, m in
            // A metric that was not measured says what it needs already.
            guard let verdict = bandless[key], m.source != .notMeasured, let b = m.benchmark, b.position != nil
            else { return (key, m) }
            var judged = m
            judged.benchmark = Report.Benchmark(row: b.row, bands: [], position: nil, placement: verdict)
            return (key, judged)
        }
    }

    static func number(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e15 { return String(Int(v)) }
        let r = Statistics.round(v, 2)
        var s = String(r)
        if s.contains("e") { s = String(Int(r)) }
        return s
    }

    static func value(_ m: Report.Metric) -> String {
        guard let v = m.value else { return "—" }
        switch m.unit {
        case "%": return number(v) + "%"
        case "hours": return number(v) + " h"
        default: return number(v)
        }
    }

    static func source(_ m: Report.Metric) -> String {
        switch m.source {
        case .measured: return "measured"
        case .proxy: return "proxy"
        case .notMeasured: return "not measured"
        case .imported: return "import"
        }
    }

    static func placement(_ m: Report.Metric) -> String {
        if m.source == .notMeasured { return "needs " + (m.needs ?? "an import") }
        return m.benchmark?.placement ?? "—"
    }

    static func details(_ m: Report.Metric, key: String) -> String? {
        switch MetricKey(rawValue: key) {
        case .prSize:
            guard let median = m.details["median"], let p90 = m.details["p90"] else { return nil }
            var parts = ["median \(number(median))", "p90 \(number(p90))"]
            if let raw = m.details["rawMean"] { parts.append("mean before exclusions \(number(raw))") }
            return parts.joined(separator: " · ")
        case .landedChanges:
            let kinds = ["merge", "squash", "gerrit", "rebase", "applied", "direct", "integration"].compactMap {
                k -> String? in
                guard let n = m.details[k], n > 0 else { return nil }
                return "\(k) \(number(n))"
            }
            return kinds.isEmpty ? nil : kinds.joined(separator: " · ")
        case .buildSuccessRate where m.source == .imported:
            // Imports (docs/imports.md): the builds left out of the rate are shown beside it.
            let parts = ["success", "failure", "cancelled", "skipped", "unfinished", "other"].compactMap {
                k -> String? in
                guard let n = m.details[k], n > 0 || k == "success" || k == "failure" else { return nil }
                return "\(k) \(number(n))"
            }
            return parts.joined(separator: " · ")
        case .testCoverage where m.source == .imported:
            guard let lines = m.details["instrumentedLines"], let covered = m.details["coveredLines"] else {
                return nil
            }
            let overall = m.details["overall"].map { " · overall \(number($0))%" } ?? ""
            return "\(number(covered)) of \(number(lines)) instrumented lines" + overall
        default:
            // Every mean has its median and p90 beside it (ReportBuilder adds them).
            guard m.aggregator == "mean", let median = m.details["median"], let p90 = m.details["p90"] else {
                return nil
            }
            return "median \(number(median)) · p90 \(number(p90))"
        }
    }

    /// Each unmeasured metric once, with what it needs, in report order.
    static func unmeasuredNeeds(_ report: Report) -> [(title: String, needs: String)] {
        var seen = Set<String>()
        var out: [(String, String)] = []
        for group in report.groups {
            for (key, m) in orderedMetrics(group) where m.source == .notMeasured && seen.insert(key).inserted {
                out.append((m.title, m.needs ?? "an import"))
            }
        }
        return out
    }

    /// Columns of the per-window evolution table (`--window`).
    static let windowColumns: [(key: MetricKey, title: String)] = [
        (.landedChanges, "Changes"), (.prSize, "PR size"), (.reviewTurnaroundHours, "Turnaround"),
        (.defectEscapeRate, "Defect escape"), (.reworkRate, "Rework"), (.majorReworkRate, "Major rework"),
        (.adrsAuthored, "ADRs"),
    ]

    /// One row per window: its name, then each column's value.
    static func windowRows(_ group: Report.Group) -> [[String]] {
        (group.windows ?? []).map { w in
            // A window the analysed period ends (or starts) inside is labelled: its figures cover part of it.
            [w.partial ? "\(w.name) (partial)" : w.name]
                + windowColumns.map { column in w.metrics[column.key.rawValue].map(value) ?? "—" }
        }
    }

    /// What a group credited with no landed change shows instead of its metrics table (its metrics are `{}`).
    static let noMetrics = "No landed changes: no metrics."

    static func summary(_ group: Report.Group) -> String {
        let changes = group.metrics[MetricKey.landedChanges.rawValue]?.value.map(number) ?? "0"
        let authors = group.authors.count
        return "\(changes) landed change\(changes == "1" ? "" : "s") by \(authors) author\(authors == 1 ? "" : "s")"
    }
}
