public import ReportContract

/// A Markdown report for people and pull-request comments; lists every landed change for traceability.
public struct MarkdownReporter: Sendable {
    public init() {}

    private func cell(_ s: String) -> String {
        s.replacingPipes()
    }

    public func render(_ report: Report) -> String {
        var out: [String] = []
        out.append("# Yardstick report: \(TextEscaping.markdown(report.repository.path))")
        out.append("")
        var scope =
            "Branch \(TextEscaping.markdownCode(report.repository.branch)) at `\(report.repository.head)`, \(report.pullRequests.count) landed changes"
        if let p = report.period { scope += " from \(p.from) to \(p.to)" }
        out.append(scope + ".")
        out.append(
            "Configuration: \(ProvenanceWording.configuration(report, path: TextEscaping.markdownCode))."
        )
        let imports = ProvenanceWording.imports(report)
        if !imports.isEmpty {
            out.append(
                "Imports: "
                    + imports.map { "\($0.kind) \(TextEscaping.markdownCode($0.path)) (`\($0.digest)`)" }
                    .joined(separator: "; ") + ".")
        }
        if let summary = report.summary { out.append(contentsOf: summaryLines(summary)) }
        for group in report.groups {
            out.append("")
            out.append("## \(TextEscaping.markdown(group.name))")
            out.append("")
            out.append(Wording.summary(group) + ".")
            if group.metrics.isEmpty {
                out.append("")
                out.append(Wording.noMetrics)
                continue
            }
            out.append("")
            out.append("| Metric | Value | Aggregator | Source | Benchmark | Better |")
            out.append("|---|---:|---|---|---|---|")
            for (key, m) in Wording.orderedMetrics(group, summary: report.summary) {
                var title = m.title
                if let d = Wording.details(m, key: key) { title += " (\(d))" }
                out.append(
                    "| \(cell(title)) | \(Wording.value(m)) | \(m.aggregator.isEmpty ? "—" : m.aggregator) | \(Wording.source(m)) | \(cell(Wording.placement(m))) | \(m.betterDirection?.rawValue ?? "") |"
                )
            }
            let windows = Wording.windowRows(group)
            if !windows.isEmpty {
                out.append("")
                out.append("Over time:")
                out.append("")
                out.append("| Window | " + Wording.windowColumns.map(\.title).joined(separator: " | ") + " |")
                out.append("|---|" + String(repeating: "---:|", count: Wording.windowColumns.count))
                for row in windows { out.append("| " + row.joined(separator: " | ") + " |") }
            }
            if !group.authors.isEmpty {
                out.append("")
                out.append(
                    "Authors: "
                        + group.authors.map {
                            "\(TextEscaping.markdown($0.name)) \(TextEscaping.markdownEmail($0.email)) (\($0.changes), \(TextEscaping.markdown($0.rule)))"
                        }.joined(separator: "; ")
                        + ".")
            }
        }
        if !report.bots.isEmpty {
            out.append("")
            out.append("## Bots (set apart)")
            out.append("")
            for b in report.bots {
                out.append(
                    "- \(TextEscaping.markdown(b.name)) \(TextEscaping.markdownEmail(b.email)): \(b.changes) landed change\(b.changes == 1 ? "" : "s")"
                )
            }
        }
        out.append("")
        out.append("## Landed changes")
        out.append("")
        out.append("| Commit | Kind | Number | Author | Group | + | − | Counted + | Counted − | Landed | Title |")
        out.append("|---|---|---:|---|---|---:|---:|---:|---:|---|---|")
        for pr in report.pullRequests {
            out.append(
                "| `\(pr.commit.prefix(12))` | \(pr.kind) | \(pr.number.map(String.init) ?? "") | \(TextEscaping.markdownIdentity(pr.author)) | \(TextEscaping.markdown(pr.group)) | \(pr.additions) | \(pr.deletions) | \(pr.countedAdditions) | \(pr.countedDeletions) | \(pr.landedAt.prefix(10)) | \(TextEscaping.markdown(pr.title)) |"
            )
        }
        if !report.notes.isEmpty {
            out.append("")
            out.append("## Notes")
            out.append("")
            out.append(contentsOf: report.notes.map { "- " + $0 })
        }
        return out.joined(separator: "\n") + "\n"
    }
}

extension MarkdownReporter {
    /// The summary matrix as a GitHub table (groups down, benchmark rows across), then the legend, what the
    /// unsupported cells need, the means' drivers and the hint (ADR 0017).
    func summaryLines(_ summary: Report.Summary) -> [String] {
        var out = ["", "## Summary", ""]
        out.append("| Group | " + summary.rows.map { SummaryText.longTitle($0) }.joined(separator: " | ") + " |")
        out.append("|---|" + String(repeating: "---|", count: summary.rows.count))
        for (g, name) in summary.groups.enumerated() {
            let cells = summary.rows.map { row -> String in
                let cell = row.cells[g]
                let verdict = SummaryText.verdict(cell)
                return
                    "\(SummaryText.value(cell, unit: row.unit)) · \(cell.band == nil ? verdict : "**\(verdict)**") · n=\(cell.n)"
            }
            out.append("| \(TextEscaping.markdown(name)) | " + cells.joined(separator: " | ") + " |")
        }
        out.append("")
        out.append(TextEscaping.markdown(SummaryText.legend()))
        out.append("")
        out.append(TextEscaping.markdown(SummaryText.scope(summary)))
        let needs = summary.rows.compactMap { row in row.needs.map { "\(SummaryText.rowName(row)) needs \($0)." } }
        if !needs.isEmpty {
            out.append("")
            out.append(contentsOf: needs.map { "- " + TextEscaping.markdown($0) })
        }
        let drivers = SummaryText.drivers(summary)
        if !drivers.isEmpty {
            out.append("")
            out.append("What drives the means (check these changes):")
            out.append("")
            out.append(
                contentsOf: drivers.map { "- \(TextEscaping.markdown($0.group)): \(TextEscaping.markdown($0.text))" })
        }
        if let hint = summary.hint {
            out.append("")
            out.append("Hint: " + TextEscaping.markdown(hint))
        }
        return out
    }
}

extension String {
    func replacingPipes() -> String {
        var s = ""
        for ch in self {
            switch ch {
            case "|": s += "\\|"
            case "\n", "\r": s += " "
            default: s.append(ch)
            }
        }
        return s
    }
}
