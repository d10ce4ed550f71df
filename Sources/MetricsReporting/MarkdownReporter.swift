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
            for (key, m) in Wording.orderedMetrics(group) {
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
