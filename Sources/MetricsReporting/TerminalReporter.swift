public import ReportContract

/// The human-readable report for a terminal: the summary matrix first, then each group's detail, laid out
/// for `width` columns without breaking a value. Colour (ANSI) only when asked, i.e. on a TTY.
public struct TerminalReporter: Sendable {
    public var colour: Bool
    /// Columns the report is laid out for (ADR 0017); lines are longer only where one word is.
    public var width: Int

    public init(colour: Bool, width: Int = 80) {
        self.colour = colour
        self.width = max(40, width)
    }

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
        if let summary = report.summary {
            out.append("")
            out.append(contentsOf: summaryLines(summary))
        }
        // With groups summed up in `other`, the table shows the summary only; the other formats keep the detail.
        let detailed = report.summary?.other == nil
        if !detailed {
            out.append("")
            out.append(
                contentsOf: SummaryText.wrap(
                    "Per-group detail: --format markdown, json or html, or name the groups in a configuration.",
                    width: width))
        }
        for group in report.groups where detailed {
            out.append("")
            out.append(
                contentsOf: SummaryText.wrap(
                    "\(TextEscaping.terminal(group.name)) — \(Wording.summary(group))", width: width, rest: "  "
                ).map { paint($0, "1") })
            if group.metrics.isEmpty {
                out.append("  " + Wording.noMetrics)
                continue
            }
            var table = TextTable(header: ["Metric", "Value", "Aggregator", "Source", "Benchmark", "Better"])
            var unmeasured: [String] = []
            var stacked: [String] = []
            var rowMetrics: [Report.Metric?] = []
            for (key, m) in Wording.orderedMetrics(group, summary: report.summary) {
                if m.source == .notMeasured {
                    unmeasured.append(m.title)
                    continue
                }
                let aggregator = m.aggregator.isEmpty ? "—" : m.aggregator
                table.rows.append([
                    m.title, Wording.value(m), aggregator, Wording.source(m), Wording.placement(m),
                    m.betterDirection?.rawValue ?? "",
                ])
                rowMetrics.append(m)
                let details = Wording.details(m, key: key)
                if let d = details {
                    table.rows.append(["  " + d, "", "", "", "", ""])
                    rowMetrics.append(nil)
                }
                stacked.append(contentsOf: titleAndValue(m.title, Wording.value(m)))
                var about = [aggregator, Wording.source(m)]
                if m.benchmark != nil { about.append(Wording.placement(m)) }
                if let better = m.betterDirection { about.append("\(better.rawValue) is better") }
                stacked.append(
                    contentsOf: SummaryText.wrap(
                        about.joined(separator: " · "), width: width, first: "      ", rest: "      "
                    )
                    .map { colourLine($0, m) })
                if let d = details {
                    stacked.append(contentsOf: SummaryText.wrap(d, width: width, first: "      ", rest: "      "))
                }
            }
            let lines = table.render()
            if lines.allSatisfy({ $0.count <= width }) {
                out.append(lines[0])
                for (line, m) in zip(lines.dropFirst(), rowMetrics) {
                    out.append(m.map { colourLine(line, $0) } ?? line)
                }
            } else {
                out.append(contentsOf: stacked)
            }
            if !unmeasured.isEmpty {
                out.append(
                    contentsOf: SummaryText.wrap(
                        "Not measured: " + unmeasured.joined(separator: ", ") + " (see below).", width: width,
                        first: "  ", rest: "    "))
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
                contentsOf: SummaryText.wrap(
                    "Bots set apart: "
                        + report.bots.map {
                            "\(TextEscaping.terminal($0.name)) <\(TextEscaping.terminal($0.email))> (\($0.changes))"
                        }.joined(separator: ", "), width: width, rest: "  "))
        }
        let needs = Wording.unmeasuredNeeds(report)
        if !needs.isEmpty {
            out.append("")
            out.append("What unmeasured metrics need:")
            for need in needs {
                out.append(
                    contentsOf: SummaryText.wrap(
                        "\(need.title): \(need.needs)", width: width, first: "  - ", rest: "    "))
            }
        }
        if !report.notes.isEmpty {
            out.append("")
            out.append("Notes:")
            for note in report.notes {
                out.append(contentsOf: SummaryText.wrap(note, width: width, first: "  - ", rest: "    "))
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// `  Title ……… value`, the value ending at `width` (or two spaces after the title); a long title wraps
    /// between words and the value ends its last line.
    private func titleAndValue(_ title: String, _ value: String) -> [String] {
        var lines = SummaryText.wrap(title, width: width - value.count - 2, first: "  ", rest: "    ")
        let last = lines.removeLast()
        let pad = max(2, width - last.count - value.count)
        return lines + [last + String(repeating: " ", count: pad) + value]
    }

    private func colourLine(_ line: String, _ m: Report.Metric) -> String {
        guard colour, let position = m.benchmark?.position else { return line }
        let red =
            position == "worseThanAll" || (position == "within" && m.benchmark?.bands == [BenchmarkRow.poorlyManaged])
        let green =
            position == "betterThanAll"
            || (position == "within" && m.benchmark?.bands.contains(BenchmarkRow.wellManaged) == true)
        return red ? paint(line, "31") : green ? paint(line, "32") : line
    }

    // MARK: - Summary matrix

    /// The matrix, legend, what unsupported cells need, the means' drivers and the hint, for `width` columns.
    /// A group's cells take one line (value, verdict, n), two (value; verdict and n) or three, whichever
    /// first fits; a group name too long for its column gets a line of its own.
    func summaryLines(_ summary: Report.Summary) -> [String] {
        var out = [paint("Summary: each group against the benchmark table", "1")]
        var footnotes: [String] = []
        var marks: [String: String] = [:]
        for row in summary.rows {
            guard let needs = row.needs else { continue }
            marks[row.key] = "[\(footnotes.count + 1)]"
            footnotes.append("[\(footnotes.count + 1)] \(SummaryText.rowName(row)) needs \(needs).")
        }
        // parts[group][column] = (value, verdict, n)
        let parts: [[(String, String, String)]] = summary.groups.indices.map { g in
            summary.rows.map { row in
                let cell = row.cells[g]
                var verdict = SummaryText.verdict(cell)
                if verdict.hasPrefix("needs"), let mark = marks[row.key] { verdict = "needs" + mark }
                return (SummaryText.value(cell, unit: row.unit), verdict, "n=\(cell.n)")
            }
        }
        let headers = summary.rows.map { SummaryText.title($0.key) }
        let names = summary.groups.map { TextEscaping.terminal($0) }
        func cells(_ layout: Int, _ p: (String, String, String)) -> [String] {
            switch layout {
            case 1: return [p.0 + " " + p.1 + " " + p.2]
            case 2: return [p.0, p.1 + " " + p.2]
            default: return [p.0, p.1, p.2]
            }
        }
        var chosen: (layout: Int, widths: [Int], nameWidth: Int)?
        let longestName = names.map(\.count).max() ?? 0
        for layout in 1...3 {
            var widths = headers.map { max($0.0.count, $0.1.count) }
            for g in parts {
                for (c, p) in g.enumerated() { for t in cells(layout, p) { widths[c] = max(widths[c], t.count) } }
            }
            let room = width - widths.reduce(0) { $0 + $1 + 2 }
            if room >= min(longestName, 12) {
                chosen = (layout, widths, min(longestName, room))
                break
            }
            if layout == 3 { chosen = (3, widths, room >= 6 ? min(longestName, room) : 0) }
        }
        let layout = chosen ?? (3, headers.map { _ in 9 }, 0)
        /// One line: the name column, then each column's text padded by its plain width (colour takes none).
        func line(_ first: String, _ columns: [(plain: String, shown: String)]) -> String {
            var s = first + String(repeating: " ", count: max(0, layout.nameWidth - first.count))
            for (c, text) in columns.enumerated() {
                s += "  " + text.shown + String(repeating: " ", count: max(0, layout.widths[c] - text.plain.count))
            }
            while s.hasSuffix(" ") { s.removeLast() }
            return s
        }
        out.append(line("", headers.map { ($0.0, $0.0) }))
        out.append(line("", headers.map { ($0.1, $0.1) }))
        for (g, name) in names.enumerated() {
            let own = name.count > layout.nameWidth
            if own { out.append(name) }
            let stacked = parts[g].map { cells(layout.layout, $0) }
            for k in 0..<stacked[0].count {
                let columns = stacked.enumerated().map { c, lines in
                    (lines[k], colourVerdict(lines[k], summary.rows[c].cells[g]))
                }
                out.append(line(k == 0 && !own ? name : "", columns))
            }
        }
        out.append("")
        out.append(contentsOf: SummaryText.wrap(SummaryText.legend(), width: width))
        out.append(contentsOf: SummaryText.wrap(SummaryText.scope(summary), width: width))
        for note in footnotes { out.append(contentsOf: SummaryText.wrap(note, width: width, rest: "    ")) }
        let drivers = SummaryText.drivers(summary)
        if !drivers.isEmpty {
            out.append("")
            out.append("What drives the means (check these changes):")
            for d in drivers {
                out.append(
                    contentsOf: SummaryText.wrap(
                        "\(TextEscaping.terminal(d.group)): \(d.text)", width: width, first: "  ", rest: "    "))
            }
        }
        if let hint = summary.hint {
            out.append("")
            out.append(contentsOf: SummaryText.wrap("Hint: " + hint, width: width))
        }
        return out
    }

    private func colourVerdict(_ text: String, _ cell: Report.Summary.Cell) -> String {
        guard colour, let band = cell.band else { return text }
        if band == "well" || band == "best" { return paint(text, "32") }
        if band == "poor" || band == "worst" { return paint(text, "31") }
        return text
    }
}
