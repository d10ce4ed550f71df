internal import Foundation
public import ReportContract

/// Renders an organisation report (`yardstick report --store`) in every output format, reusing the repository
/// reporters for the organisation's groups and summary (`OrganisationReport.asReport`) and adding what only an
/// organisation has: the repositories taken together, and each group's values per repository. Same report,
/// same bytes; every repository and group name through `TextEscaping` (HTML: escaped text).
public struct OrganisationReporter: Sendable {
    public var format: ReportFormat
    public var colour: Bool
    public var width: Int

    public init(format: ReportFormat, colour: Bool = false, width: Int = 80) {
        self.format = format
        self.colour = colour
        self.width = width
    }

    /// The benchmark metrics the per-repository tables show, beside the landed changes.
    static let columns: [(key: MetricKey, title: String)] = [
        (.landedChanges, "Changes"), (.prSize, "PR size"), (.reviewTurnaroundHours, "Turnaround"),
        (.defectEscapeRate, "Defect escape"), (.reworkRate, "Rework"), (.unreviewedShare, "Unreviewed"),
        (.testTouchRate, "Test touch"),
    ]

    public func render(_ org: OrganisationReport) -> String {
        switch format {
        case .json: return json(org)
        case .table: return table(org)
        case .markdown: return markdown(org)
        case .html: return html(org)
        case .csv: return csv(org)
        case .openMetrics: return openMetrics(org)
        }
    }

    func json(_ org: OrganisationReport) -> String {
        let bytes = (try? JSONTextEncoder().encode(org)) ?? []
        return String(decoding: bytes, as: UTF8.self) + "\n"
    }

    /// Rows of the per-repository table of one group: repository, then each column's value (— without one).
    static func repositoryRows(_ org: OrganisationReport, group: String) -> [[String]] {
        org.perRepository.compactMap { r in
            guard let g = r.groups.first(where: { $0.name == group }) else { return nil }
            return [r.repository] + columns.map { c in g.metrics[c.key.rawValue].map(Wording.value) ?? "—" }
        }
    }

    static func title(_ org: OrganisationReport) -> String {
        "\(org.repositories.count) repositor\(org.repositories.count == 1 ? "y" : "ies")"
    }

    func table(_ org: OrganisationReport) -> String {
        var lines = TerminalReporter(colour: colour, width: width).render(org.asReport)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let end = lines.firstIndex { $0.hasPrefix("config:") } ?? 0
        var head = ["Yardstick \(org.tool.version) — organisation report over \(Self.title(org))", ""]
        var repos = TextTable(header: ["Repository", "Changes", "Branch", "Head", "Period"])
        for r in org.repositories {
            repos.rows.append([
                TextEscaping.terminal(r.name), String(r.changes), TextEscaping.terminal(r.branch),
                String(r.head.prefix(12)),
                r.period.map { "\($0.from.prefix(10)) … \($0.to.prefix(10))" } ?? "—",
            ])
        }
        head += repos.render(indent: "")
        lines.replaceSubrange(0...end, with: head)
        while lines.last == "" { lines.removeLast() }
        lines.append("")
        lines.append("Per repository (each repository's own values):")
        for group in org.groups where !group.metrics.isEmpty {
            lines.append("")
            lines.append(TextEscaping.terminal(group.name))
            var t = TextTable(header: ["Repository"] + Self.columns.map(\.title))
            t.rows = Self.repositoryRows(org, group: group.name).map { [TextEscaping.terminal($0[0])] + $0.dropFirst() }
            lines += t.render()
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func markdown(_ org: OrganisationReport) -> String {
        var lines = MarkdownReporter().render(org.asReport)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let end = lines.firstIndex { $0.hasPrefix("Configuration:") } ?? 0
        var head = ["# Yardstick organisation report: \(Self.title(org))", ""]
        head.append("| Repository | Changes | Branch | Head | Period |")
        head.append("|---|---:|---|---|---|")
        for r in org.repositories {
            head.append(
                "| \(TextEscaping.markdown(r.name)) | \(r.changes) | \(TextEscaping.markdownCode(r.branch)) | `\(r.head.prefix(12))` | \(r.period.map { "\($0.from.prefix(10)) … \($0.to.prefix(10))" } ?? "—") |"
            )
        }
        lines.replaceSubrange(0...end, with: head)
        while lines.last == "" { lines.removeLast() }
        lines += ["", "## Per repository", "", "Each repository's own values for each group."]
        for group in org.groups where !group.metrics.isEmpty {
            lines += ["", "### \(TextEscaping.markdown(group.name))", ""]
            lines.append("| Repository | " + Self.columns.map(\.title).joined(separator: " | ") + " |")
            lines.append("|---|" + String(repeating: "---:|", count: Self.columns.count))
            for row in Self.repositoryRows(org, group: group.name) {
                lines.append("| \(TextEscaping.markdown(row[0])) | " + row.dropFirst().joined(separator: " | ") + " |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Text for an HTML element: control characters visible, then `&`, `<`, `>` and quotes escaped.
    static func escaped(_ s: String) -> String {
        var out = ""
        for c in HTMLReporter.visible(s) {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    func html(_ org: OrganisationReport) -> String {
        let page = HTMLReporter().render(org.asReport)
        var section = "<section id=\"repositories\">\n<h2>Repositories</h2>\n<table>\n"
        section += "<tr><th>Repository</th><th>Changes</th><th>Branch</th><th>Head</th><th>Period</th></tr>\n"
        for r in org.repositories {
            let period = r.period.map { "\($0.from.prefix(10)) … \($0.to.prefix(10))" } ?? "—"
            section +=
                "<tr><td>\(Self.escaped(r.name))</td><td class=\"num\">\(r.changes)</td><td>\(Self.escaped(r.branch))</td><td><code>\(r.head.prefix(12))</code></td><td>\(period)</td></tr>\n"
        }
        section += "</table>\n<h2>Per repository</h2>\n"
        for group in org.groups where !group.metrics.isEmpty {
            section += "<h3>\(Self.escaped(group.name))</h3>\n<table>\n<tr><th>Repository</th>"
            section += Self.columns.map { "<th>\($0.title)</th>" }.joined() + "</tr>\n"
            for row in Self.repositoryRows(org, group: group.name) {
                section += "<tr><td>\(Self.escaped(row[0]))</td>"
                section += row.dropFirst().map { "<td class=\"num\">\(Self.escaped($0))</td>" }.joined() + "</tr>\n"
            }
            section += "</table>\n"
        }
        section += "</section>\n"
        guard let body = page.range(of: "</body>", options: .backwards) else { return page + section }
        return page.replacingCharacters(in: body.lowerBound..<body.lowerBound, with: section)
    }

    /// The repository CSV with two columns in front: `scope` (`organisation` or `repository`) and `repository`
    /// (empty for the organisation's rows).
    func csv(_ org: OrganisationReport) -> String {
        func rows(_ groups: [Report.Group], scope: String, repository: String) -> [String] {
            var r = org.asReport
            r.groups = groups
            return CSVReporter().render(r).components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }.map {
                "\(scope),\(CSVReporter.field(repository)),\($0)"
            }
        }
        var lines = [(["scope", "repository"] + CSVReporter.columns).joined(separator: ",")]
        lines += rows(org.groups, scope: "organisation", repository: "")
        for r in org.perRepository { lines += rows(r.groups, scope: "repository", repository: r.repository) }
        return lines.map { $0 + "\r\n" }.joined()
    }

    /// One gauge family per metric as a repository's OpenMetrics text has, with a `scope` label
    /// (`organisation`, or `repository` with a `repository` label); no `yardstick_info` head commit.
    func openMetrics(_ org: OrganisationReport) -> String {
        var out = ""
        func family(_ name: String, _ help: String, _ samples: [([(String, String)], Double)]) {
            guard !samples.isEmpty else { return }
            out += "# HELP \(name) \(OpenMetricsReporter.help(help))\n# TYPE \(name) gauge\n"
            for (labels, value) in samples {
                out += "\(name)\(OpenMetricsReporter.labels(labels)) \(OpenMetricsReporter.number(value))\n"
            }
        }
        family(
            "yardstick_organisation_info", "The organisation report: tool version, schema version, repositories.",
            [
                (
                    [
                        ("version", org.tool.version), ("schema_version", String(org.schemaVersion)),
                        ("repositories", String(org.repositories.count)),
                    ], 1
                )
            ])
        let scopes: [(labels: [(String, String)], groups: [Report.Group])] =
            [([("scope", "organisation")], org.groups)]
            + org.perRepository.map { ([("scope", "repository"), ("repository", $0.repository)], $0.groups) }
        var all = org.asReport
        all.groups = scopes.flatMap(\.groups)
        var sampleSizes: [([(String, String)], Double)] = []
        for key in OpenMetricsReporter.keys(all) {
            var help: String?
            var name = ""
            var samples: [([(String, String)], Double)] = []
            for scope in scopes {
                for group in scope.groups {
                    guard let m = group.metrics[key], let value = m.value else { continue }
                    let (metricName, convert, unit) = OpenMetricsReporter.name(key: key, unit: m.unit)
                    name = metricName
                    help = help ?? "\(m.title), \(m.aggregator) per group (\(unit))."
                    samples.append(
                        ([("group", group.name)] + scope.labels + [("source", Wording.source(m))], convert(value)))
                    let changes = group.metrics[MetricKey.landedChanges.rawValue]?.value ?? 0
                    if let n = m.sampleSize(groupChanges: changes) {
                        sampleSizes.append(
                            ([("group", group.name)] + scope.labels + [("metric", String(name.dropFirst(10)))], n))
                    }
                }
            }
            if let help { family(name, help, samples) }
        }
        family("yardstick_metric_samples", "Landed changes behind each value (n).", sampleSizes)
        return out + "# EOF\n"
    }
}
