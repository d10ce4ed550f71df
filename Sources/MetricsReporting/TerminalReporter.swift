public import ReportContract

/// The human-readable report for a terminal. Colour (ANSI) only when asked, i.e. on a TTY.
public struct TerminalReporter: Sendable {
    public var colour: Bool

    public init(colour: Bool) { self.colour = colour }

    private func paint(_ s: String, _ code: String) -> String { colour ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }

    public func render(_ report: Report) -> String {
        var out: [String] = []
        out.append(paint("Yardstick \(report.tool.version) — \(TextEscaping.terminal(report.repository.path))", "1"))
        let head = String(report.repository.head.prefix(12))
        var scope =
            "branch \(TextEscaping.terminal(report.repository.branch)) at \(head), \(report.pullRequests.count) landed changes"
        if let p = report.period { scope += ", \(p.from.prefix(10)) … \(p.to.prefix(10))" }
        out.append(scope)
        out.append("config: \(ProvenanceWording.configuration(report, path: { TextEscaping.terminal($0) }))")
        for i in ProvenanceWording.imports(report) {
            out.append("import: \(i.kind) \(TextEscaping.terminal(i.path)) \(i.digest)")
        }
        for group in report.groups {
            out.append("")
            out.append(paint("\(TextEscaping.terminal(group.name)) — \(Wording.summary(group))", "1"))
            if group.metrics.isEmpty {
                out.append("  " + Wording.noMetrics)
                continue
            }
            var table = TextTable(header: ["Metric", "Value", "Aggregator", "Source", "Benchmark", "Better"])
            var unmeasured: [String] = []
            for (key, m) in Wording.orderedMetrics(group) {
                if m.source == .notMeasured {
                    unmeasured.append(m.title)
                    continue
                }
                table.rows.append([
                    m.title, Wording.value(m), m.aggregator.isEmpty ? "—" : m.aggregator, Wording.source(m),
                    colourPlacement(m), m.betterDirection?.rawValue ?? "",
                ])
                if let d = Wording.details(m, key: key) { table.rows.append(["  " + d, "", "", "", "", ""]) }
            }
            out.append(contentsOf: table.render())
            if !unmeasured.isEmpty {
                out.append("  Not measured: " + unmeasured.joined(separator: ", ") + " (see below).")
            }
            let windows = Wording.windowRows(group)
            if !windows.isEmpty {
                out.append("  Over time:")
                var evolution = TextTable(header: ["Window"] + Wording.windowColumns.map(\.title))
                evolution.rows = windows
                out.append(contentsOf: evolution.render(indent: "    "))
            }
        }
        if !report.bots.isEmpty {
            out.append("")
            out.append(
                "Bots set apart: "
                    + report.bots.map {
                        "\(TextEscaping.terminal($0.name)) <\(TextEscaping.terminal($0.email))> (\($0.changes))"
                    }.joined(separator: ", "))
        }
        let needs = Wording.unmeasuredNeeds(report)
        if !needs.isEmpty {
            out.append("")
            out.append("What unmeasured metrics need:")
            out.append(contentsOf: needs.map { "  - \($0.title): \($0.needs)" })
        }
        if !report.notes.isEmpty {
            out.append("")
            out.append("Notes:")
            out.append(contentsOf: report.notes.map { "  - " + $0 })
        }
        return out.joined(separator: "\n") + "\n"
    }

    private func colourPlacement(_ m: Report.Metric) -> String {
        let text = Wording.placement(m)
        guard colour, let position = m.benchmark?.position else { return text }
        switch position {
        case "betterThanAll": return paint(text, "32")
        case "worseThanAll": return paint(text, "31")
        default:
            if m.benchmark?.bands == ["Poorly Managed Offshore"] { return paint(text, "31") }
            if m.benchmark?.bands.contains("Well-Managed Offshore") == true { return paint(text, "32") }
            return text
        }
    }
}
