import Plot
public import ReportContract

/// One self-contained HTML page: the summary matrix of groups × benchmark rows, inline SVG charts, the
/// methodology and an evidence appendix listing every landed change behind the numbers (ADR 0014).
///
/// Nothing is fetched: no script, no external asset, inline CSS only, and a Content-Security-Policy that
/// forbids everything else. Every piece of repository text (names, e-mails, subjects, paths, group names)
/// goes into the page as a Plot text node, which escapes it, and never into an attribute value (Plot does
/// not escape those: every attribute here is a constant or a number). Control characters (ANSI escapes)
/// and bidirectional-override characters are shown as visible `[U+XXXX]` marks, so they can neither be
/// hidden nor reorder what is displayed.
public struct HTMLReporter: Sendable {
    public init() {}

    /// The page's Content-Security-Policy: nothing may load or run; only the inline style sheet and
    /// `data:` images apply.
    public static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

    typealias N = Node<HTML.BodyContext>

    public func render(_ report: Report) -> String {
        let head = N.element(
            named: "head",
            nodes: [
                .selfClosedElement(
                    named: "meta", attributes: [Attribute<HTML.BodyContext>(name: "charset", value: "utf-8")]),
                .selfClosedElement(
                    named: "meta",
                    attributes: [
                        Attribute<HTML.BodyContext>(name: "http-equiv", value: "Content-Security-Policy"),
                        Attribute<HTML.BodyContext>(name: "content", value: Self.contentSecurityPolicy),
                    ]),
                .selfClosedElement(
                    named: "meta",
                    attributes: [
                        Attribute<HTML.BodyContext>(name: "name", value: "viewport"),
                        Attribute<HTML.BodyContext>(name: "content", value: "width=device-width, initial-scale=1"),
                    ]),
                .element(named: "title", nodes: [text("Yardstick report: " + report.repository.path)]),
                .element(named: "style", nodes: [.raw(Self.css)]),
            ])
        let body = N.element(
            named: "body",
            nodes: [
                header(report),
                summaryMatrix(report),
                .group(report.groups.enumerated().map { groupSection($1, index: $0, report: report) }),
                bots(report),
                methodology(report),
                appendix(report),
                notes(report),
            ])
        let html = N.element(named: "html", nodes: [.attribute(named: "lang", value: "en"), head, body])
        return "<!DOCTYPE html>\n" + html.render(indentedBy: .spaces(1)) + "\n"
    }

    // MARK: - Text

    /// Repository text as an escaped, inert text node. Plot escapes `<` and `>` but keeps what looks like an
    /// entity (`&lt;`); every `&` is escaped first, so the page shows exactly the report's characters.
    func text(_ s: String) -> N {
        .text(Self.visible(s, ampersands: true))
    }

    /// Control characters other than tab and newline, and the bidirectional controls, as visible marks.
    static func visible(_ s: String, ampersands: Bool = false) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(s.unicodeScalars.count)
        for u in s.unicodeScalars {
            let v = u.value
            let control = (v < 0x20 && v != 0x09 && v != 0x0A) || (0x7F...0x9F).contains(v)
            let bidi =
                v == 0x061C || v == 0x200E || v == 0x200F || (0x202A...0x202E).contains(v)
                || (0x2066...0x2069).contains(v)
            if control || bidi {
                let hex = String(v, radix: 16, uppercase: true)
                out += "[U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "]"
            } else if ampersands && u == "&" {
                out += "&amp;"
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out
    }

    func el(_ name: String, _ nodes: [N]) -> N { .element(named: name, nodes: nodes) }
    func el(_ name: String, class cls: String, _ nodes: [N]) -> N {
        .element(named: name, nodes: [.attribute(named: "class", value: cls)] + nodes)
    }
    func el(_ name: String, _ s: String) -> N { .element(named: name, nodes: [text(s)]) }

    // MARK: - Sections

    func header(_ report: Report) -> N {
        var scope =
            "Branch \(report.repository.branch) at \(report.repository.head), \(report.pullRequests.count) landed change\(report.pullRequests.count == 1 ? "" : "s")"
        if let p = report.period { scope += " from \(p.from) to \(p.to)" }
        var options: [String] = []
        if let since = report.options.since { options.append("since \(since)") }
        if let until = report.options.until { options.append("until \(until)") }
        return el(
            "header",
            [
                el("h1", "Yardstick report: \(report.repository.path)"),
                el("p", scope + "."),
                el(
                    "p",
                    "Configuration: \(ProvenanceWording.configuration(report, path: { $0 }))"
                        + (options.isEmpty ? "" : "; " + options.joined(separator: ", "))
                        + (report.repository.shallow ? "; shallow clone" : "") + "."),
                el(
                    "p",
                    "Written by \(report.tool.name) \(report.tool.version), JSON schema \(report.schemaVersion). Self-contained page: no script, no network."
                ),
            ])
    }

    /// The matrix's columns: the summary's groups and its `other` row when the report has a summary (a
    /// history with hundreds of groups gives a matrix a page can show; every group keeps its section below),
    /// else every group.
    func matrixColumns(_ report: Report) -> [(name: String, metrics: [String: Report.Metric], cell: Int?)] {
        guard let summary = report.summary else { return report.groups.map { ($0.name, $0.metrics, nil) } }
        let byName = Dictionary(report.groups.map { ($0.name, $0.metrics) }, uniquingKeysWith: { a, _ in a })
        return summary.groups.enumerated().compactMap { index, name in
            if let other = summary.other, index == summary.groups.count - 1, name == "other" {
                return (name, other.metrics, index)
            }
            return byName[name].map { (name, $0, index) }
        }
    }

    func summaryMatrix(_ report: Report) -> N {
        let columns = matrixColumns(report)
        let head = el("tr", [el("th", "Benchmark row"), el("th", "Bands")] + columns.map { el("th", $0.name) })
        let rows = BenchmarkRow.table.map { row -> N in
            let bands = el("td", class: "bands", row.bands.map { el("div", $0.label(unit: row.unit)) })
            let summaryRow = report.summary?.rows.first { $0.key == row.key }
            let cells = columns.map { column -> N in
                guard let m = column.metrics[row.key] else { return el("td", class: "na", [text("—")]) }
                // The summary's verdict (too few, needs …, or the band word) and n when the report has one
                // (ADR 0017). A cell without a band (too few changes, unsupported) is not coloured.
                let cell = summaryRow.flatMap { r in column.cell.flatMap { $0 < r.cells.count ? r.cells[$0] : nil } }
                // None for an unmeasured metric; else the summary's n, which the `other` column needs.
                let own = m.sampleSize(groupChanges: column.metrics["landedChanges"]?.value ?? 0)
                let n = own == nil ? nil : cell.map { Double($0.n) } ?? own
                let verdict = cell?.verdict
                // Where the verdict gives no band (too few, needs trailers), no band's placement beside it.
                let bandless =
                    cell?.band == nil && m.source != .notMeasured
                    && (verdict?.hasPrefix("too few") == true || verdict?.hasPrefix("needs ") == true)
                let placement = bandless ? [] : [el("div", Wording.placement(m))]
                return el(
                    "td", class: cell != nil && cell?.band == nil ? "none" : Self.bandClass(m),
                    [el("div", class: "value", [text(Wording.value(m))])] + placement
                        + (verdict.map { [el("div", class: "verdict", [text("verdict: " + $0)])] } ?? []) + [
                            el(
                                "div", class: "meta",
                                [text("\(Wording.source(m)) · n = \(n.map(Wording.number) ?? "—")")])
                        ])
            }
            return el("tr", [el("th", row.title), bands] + cells)
        }
        return el(
            "section",
            [
                el("h2", "Summary"),
                el(
                    "p",
                    "Each group against the benchmark table (docs/benchmark-table.md). n is the number of landed changes a value is computed from."
                ),
                el("p", SummaryText.legend() + (report.summary.map { " " + SummaryText.scope($0) } ?? "")),
                el("table", class: "matrix", [head] + rows),
            ])
    }

    /// The band class of a cell: a constant, never repository text.
    static func bandClass(_ m: Report.Metric) -> String {
        if m.source == .notMeasured || m.value == nil { return "none" }
        guard let b = m.benchmark else { return "none" }
        if b.position == "betterThanAll" { return "good" }
        if b.position == "worseThanAll" { return "poor" }
        if b.bands.contains(BenchmarkRow.wellManaged) { return "good" }
        if b.bands.contains(BenchmarkRow.poorlyManaged) { return "poor" }
        if b.bands.contains(BenchmarkRow.industry) { return "avg" }
        return "none"
    }

    func groupSection(_ group: Report.Group, index: Int, report: Report) -> N {
        if group.metrics.isEmpty {
            return el(
                "section",
                [el("h2", "Group: \(group.name)"), el("p", Wording.summary(group) + "."), el("p", Wording.noMetrics)])
        }
        let metrics = el(
            "table",
            [el("tr", ["Metric", "Value", "Aggregator", "Source", "Benchmark", "n"].map { el("th", $0) })]
                + Wording.orderedMetrics(group, summary: report.summary).map { key, m -> N in
                    var title = m.title
                    if let d = Wording.details(m, key: key) { title += " (\(d))" }
                    return el(
                        "tr",
                        [
                            el("td", title), el("td", class: "num", [text(Wording.value(m))]),
                            el("td", m.aggregator.isEmpty ? "—" : m.aggregator),
                            el("td", Wording.source(m)), el("td", Wording.placement(m)),
                            el("td", class: "num", [text(sampleSize(m, in: group).map(Wording.number) ?? "—")]),
                        ])
                })
        let changes = report.pullRequests.filter { $0.groups.contains(group.name) }
        let sizes = changes.map { $0.countedAdditions + $0.countedDeletions }
        let turnarounds = changes.compactMap { $0.delivery?.reviewTurnaroundHours }
        var charts: [N] = [
            figure(
                "PR size (counted lines) of \(changes.count) change\(changes.count == 1 ? "" : "s")",
                histogram(Self.sizeBuckets.map { b in (b.label, sizes.filter { b.contains(Double($0)) }.count) }))
        ]
        if changes.contains(where: { $0.delivery != nil }) {
            charts.append(
                figure(
                    "Review turnaround (proxy, hours) of \(turnarounds.count) change\(turnarounds.count == 1 ? "" : "s") with a value",
                    histogram(
                        Self.turnaroundBuckets.map { b in (b.label, turnarounds.filter { b.contains($0) }.count) })))
        }
        var windowCharts: [N] = []
        if let windows = group.windows, !windows.isEmpty {
            for row in BenchmarkRow.table {
                let points = windows.map { w in (w.name, w.metrics[row.key]?.value) }
                guard points.contains(where: { $0.1 != nil }) else { continue }
                let shaded =
                    row.bands.contains { $0.name == BenchmarkRow.wellManaged } ? "; shaded: the Well-Managed band" : ""
                windowCharts.append(
                    figure("\(row.title) per window (\(row.unit)\(shaded))", lineChart(points, row: row)))
            }
        }
        var nodes: [N] = [
            el("h2", "Group: \(group.name)"),
            el("p", Wording.summary(group) + "."),
            metrics,
            el("h3", "Distributions"),
            el("div", class: "charts", charts),
        ]
        if !windowCharts.isEmpty {
            nodes.append(el("h3", "Benchmark metrics per window"))
            nodes.append(el("div", class: "charts", windowCharts))
        }
        if !group.authors.isEmpty {
            nodes.append(el("h3", "Authors"))
            nodes.append(
                el(
                    "ul",
                    group.authors.map { a in
                        el("li", "\(a.name) <\(a.email)>: \(a.changes) change\(a.changes == 1 ? "" : "s") (\(a.rule))")
                    }))
        }
        return el("section", nodes)
    }

    func bots(_ report: Report) -> N {
        guard !report.bots.isEmpty else { return .empty }
        return el(
            "section",
            [
                el("h2", "Bots (set apart)"),
                el(
                    "ul",
                    report.bots.map { b in
                        el("li", "\(b.name) <\(b.email)>: \(b.changes) landed change\(b.changes == 1 ? "" : "s")")
                    }),
            ])
    }

    func methodology(_ report: Report) -> N {
        var keys: [String] = []
        for g in report.groups { for (k, _) in Wording.orderedMetrics(g) where !keys.contains(k) { keys.append(k) } }
        let rows = keys.map { key -> N in
            let m = report.groups.lazy.compactMap { $0.metrics[key] }.first
            let sources = Set(report.groups.compactMap { $0.metrics[key].map(Wording.source) }).sorted().joined(
                separator: ", ")
            let needs = report.groups.compactMap { $0.metrics[key]?.needs }.first
            var definition = Self.definitions[key] ?? "See docs/metrics.md."
            if let needs { definition += " Needs " + needs + "." }
            let sampleSizes = report.groups.map { g in
                "\(g.name) \(g.metrics[key].flatMap { sampleSize($0, in: g) }.map(Wording.number) ?? "—")"
            }
            return el(
                "tr",
                [
                    el("td", [el("code", key)]), el("td", m?.title ?? key), el("td", definition),
                    el("td", sources), el("td", (m?.aggregator).map { $0.isEmpty ? "—" : $0 } ?? "—"),
                    el("td", m?.unit ?? ""), el("td", m?.betterDirection.map { "\($0.rawValue) is better" } ?? "—"),
                    el("td", sampleSizes.joined(separator: "; ")),
                ])
        }
        var excluded: [String: (files: Int, lines: Int)] = [:]
        for pr in report.pullRequests {
            for f in pr.excludedFiles {
                excluded[f.reason, default: (0, 0)].files += 1
                excluded[f.reason, default: (0, 0)].lines += f.additions + f.deletions
            }
        }
        let binary = report.pullRequests.reduce(0) { $0 + $1.binaryFiles }
        return el(
            "section",
            [
                el("h2", "Methodology"),
                el(
                    "p",
                    "Every figure comes from the repository's first-parent history on the analysed branch; the unit is the landed change (a merge, squash, Gerrit submit, rebase group, applied series or direct push). Measured: counted directly from history. Proxy: inferred from history as a stand-in for what git does not record (review times, review depth, defects). Not measured: needs an import (a CI or coverage export, or a PR export); such rows carry no value. The full definitions are in docs/metrics.md."
                ),
                el(
                    "p",
                    "Exclusions: lock files, generated and vendored files, files marked binary or -diff by .gitattributes and files matched by the configuration's exclusion patterns do not count towards PR size; binary files never count. Bots are set apart from the groups."
                ),
                el(
                    "table",
                    [
                        el(
                            "tr",
                            [
                                "Key", "Title", "Definition", "Source", "Aggregator", "Unit", "Direction",
                                "Sample size (n) per group",
                            ].map { el("th", $0) })
                    ] + rows),
                el("h3", "Imported files"),
                ProvenanceWording.imports(report).isEmpty
                    ? el("p", "No file was imported.")
                    : el(
                        "ul",
                        ProvenanceWording.imports(report).map { i in
                            el("li", [el("code", i.path), text(" (\(i.kind)), \(i.digest)")])
                        }),
                el("h3", "Exclusions in this report"),
                excluded.isEmpty && binary == 0
                    ? el("p", "No file was excluded.")
                    : el(
                        "ul",
                        excluded.keys.sorted().map { r in
                            el(
                                "li",
                                "\(r): \(excluded[r]?.files ?? 0) file change\(excluded[r]?.files == 1 ? "" : "s"), \(excluded[r]?.lines ?? 0) lines not counted"
                            )
                        } + (binary == 0 ? [] : [el("li", "binary: \(binary) file change\(binary == 1 ? "" : "s")")])),
            ])
    }

    func appendix(_ report: Report) -> N {
        let columns = [
            "Commit", "Kind", "Number", "Author", "Groups", "Counted +", "Counted −", "Turnaround h", "Landed", "Title",
            "Not counted",
        ]
        let rows = report.pullRequests.map { pr -> N in
            el(
                "tr",
                [
                    el("td", [el("code", String(pr.commit.prefix(12)))]), el("td", pr.kind),
                    el("td", class: "num", [text(pr.number.map(String.init) ?? "")]),
                    el("td", pr.author), el("td", pr.groups.joined(separator: ", ")),
                    el("td", class: "num", [text(String(pr.countedAdditions))]),
                    el("td", class: "num", [text(String(pr.countedDeletions))]),
                    el("td", class: "num", [text(pr.delivery?.reviewTurnaroundHours.map(Wording.number) ?? "—")]),
                    el("td", String(pr.landedAt.prefix(10))), el("td", pr.title),
                    pr.excludedFiles.isEmpty
                        ? el("td", "")
                        : el(
                            "td",
                            pr.excludedFiles.map { f in
                                el("div", "\(f.path) (\(f.reason), \(f.additions + f.deletions) lines)")
                            }),
                ])
        }
        return el(
            "section",
            [
                el("h2", "Evidence: the landed changes behind each number"),
                el(
                    "p",
                    "Every landed change analysed, newest first; each group's figures are computed from the changes that list it under Groups. The JSON report (--format json) holds every per-change fact."
                ),
                el("table", class: "evidence", [el("tr", columns.map { el("th", $0) })] + rows),
            ])
    }

    func notes(_ report: Report) -> N {
        guard !report.notes.isEmpty else { return .empty }
        return el("section", [el("h2", "Notes"), el("ul", report.notes.map { el("li", $0) })])
    }

    // MARK: - Sample sizes

    /// The number of landed changes a group metric is computed from: the metric's own `count` for means and
    /// medians over the changes that have a value; all the group's changes for shares and counts.
    func sampleSize(_ m: Report.Metric, in group: Report.Group) -> Double? {
        m.sampleSize(groupChanges: group.metrics["landedChanges"]?.value ?? 0)
    }

    // MARK: - Charts (inline SVG; every attribute is a number or a constant)

    struct Bucket: Sendable {
        var label: String
        var low: Double
        var high: Double?
        func contains(_ v: Double) -> Bool { v >= low && (high.map { v < $0 } ?? true) }
    }

    static let sizeBuckets = [
        Bucket(label: "0–49", low: 0, high: 50), Bucket(label: "50–99", low: 50, high: 100),
        Bucket(label: "100–249", low: 100, high: 250), Bucket(label: "250–499", low: 250, high: 500),
        Bucket(label: "500–999", low: 500, high: 1000), Bucket(label: "1000+", low: 1000, high: nil),
    ]

    static let turnaroundBuckets = [
        Bucket(label: "< 2 h", low: -Double.infinity, high: 2), Bucket(label: "2–6 h", low: 2, high: 6),
        Bucket(label: "6–12 h", low: 6, high: 12), Bucket(label: "12–24 h", low: 12, high: 24),
        Bucket(label: "1–3 days", low: 24, high: 72), Bucket(label: "3+ days", low: 72, high: nil),
    ]

    func figure(_ caption: String, _ svg: N) -> N {
        el("figure", [svg, el("figcaption", caption)])
    }

    func svg(width: Int, height: Int, _ nodes: [N]) -> N {
        .element(
            named: "svg",
            nodes: [
                .attribute(named: "xmlns", value: "http://www.w3.org/2000/svg"),
                .attribute(named: "width", value: String(width)), .attribute(named: "height", value: String(height)),
                .attribute(named: "viewBox", value: "0 0 \(width) \(height)"), .attribute(named: "role", value: "img"),
            ] + nodes)
    }

    func shape(_ name: String, _ attributes: [(String, String)], _ children: [N] = []) -> N {
        .element(
            named: name,
            nodes: attributes.map { N.attribute(named: $0.0, value: $0.1, ignoreIfValueIsEmpty: false) } + children)
    }

    func svgText(_ s: String, x: Double, y: Double, anchor: String = "start") -> N {
        shape("text", [("x", fmt(x)), ("y", fmt(y)), ("text-anchor", anchor)], [text(s)])
    }

    func fmt(_ v: Double) -> String { Wording.number(Statistics.round(v, 1)) }

    func histogram(_ buckets: [(String, Int)]) -> N {
        let width = 460
        let rowHeight = 26
        let left = 80.0
        let barMax = 320.0
        let height = buckets.count * rowHeight + 8
        let top = max(1, buckets.map(\.1).max() ?? 1)
        var nodes: [N] = []
        for (i, (label, count)) in buckets.enumerated() {
            let y = Double(i * rowHeight + 4)
            let w = barMax * Double(count) / Double(top)
            nodes.append(svgText(label, x: left - 8, y: y + 17, anchor: "end"))
            nodes.append(
                shape(
                    "rect",
                    [("class", "bar"), ("x", fmt(left)), ("y", fmt(y + 3)), ("width", fmt(w)), ("height", "18")],
                    [
                        el("title", "\(label): \(count)")
                    ]))
            nodes.append(svgText(String(count), x: left + w + 6, y: y + 17))
        }
        return svg(width: width, height: height, nodes)
    }

    /// A line over the windows, with the row's Well-Managed band shaded.
    func lineChart(_ points: [(String, Double?)], row: BenchmarkRow) -> N {
        let width = 560
        let height = 200
        let left = 56.0
        let right = 16.0
        let top = 14.0
        let bottom = 36.0
        let plotW = Double(width) - left - right
        let plotH = Double(height) - top - bottom
        let values = points.compactMap(\.1)
        let well = row.bands.first { $0.name == BenchmarkRow.wellManaged }
        var lo = min(values.min() ?? 0, well?.low ?? .infinity, 0)
        var hi = max(values.max() ?? 1, well?.high ?? well?.low ?? -.infinity)
        if hi <= lo { hi = lo + 1 }
        hi += (hi - lo) * 0.05
        lo = min(lo, 0)
        func x(_ i: Int) -> Double {
            points.count == 1 ? left + plotW / 2 : left + plotW * Double(i) / Double(points.count - 1)
        }
        func y(_ v: Double) -> Double { top + plotH * (1 - (v - lo) / (hi - lo)) }
        var nodes: [N] = []
        if let well {
            let y1 = y(min(well.high ?? hi, hi))
            let y2 = y(well.low)
            nodes.append(
                shape(
                    "rect",
                    [
                        ("class", "band"), ("x", fmt(left)), ("y", fmt(y1)), ("width", fmt(plotW)),
                        ("height", fmt(max(0, y2 - y1))),
                    ],
                    [
                        el("title", well.label(unit: row.unit))
                    ]))
        }
        nodes.append(
            shape(
                "line",
                [
                    ("class", "axis"), ("x1", fmt(left)), ("y1", fmt(top + plotH)), ("x2", fmt(left + plotW)),
                    ("y2", fmt(top + plotH)),
                ]))
        nodes.append(
            shape(
                "line",
                [("class", "axis"), ("x1", fmt(left)), ("y1", fmt(top)), ("x2", fmt(left)), ("y2", fmt(top + plotH))]))
        nodes.append(svgText(Wording.number(Statistics.round(hi, 1)), x: left - 6, y: top + 4, anchor: "end"))
        nodes.append(svgText(Wording.number(Statistics.round(lo, 1)), x: left - 6, y: top + plotH + 4, anchor: "end"))
        // Runs of consecutive windows with a value are joined; a window without a value breaks the line.
        var run: [String] = []
        func flush() {
            if run.count > 1 {
                nodes.append(shape("polyline", [("class", "line"), ("points", run.joined(separator: " "))]))
            }
            run = []
        }
        for (i, (name, value)) in points.enumerated() {
            guard let value else {
                flush()
                continue
            }
            run.append("\(fmt(x(i))),\(fmt(y(value)))")
            nodes.append(
                shape(
                    "circle", [("class", "dot"), ("cx", fmt(x(i))), ("cy", fmt(y(value))), ("r", "3")],
                    [
                        el("title", "\(name): \(Wording.number(value)) \(row.unit)")
                    ]))
        }
        flush()
        // Every window is named when they fit; otherwise the first and the last.
        let named = points.count <= 8 ? Array(points.indices) : [0, points.count - 1]
        for i in named where i < points.count {
            let anchor = points.count == 1 ? "middle" : i == 0 ? "start" : i == points.count - 1 ? "end" : "middle"
            nodes.append(svgText(points[i].0, x: x(i), y: Double(height) - 12, anchor: anchor))
        }
        return svg(width: width, height: height, nodes)
    }

    // MARK: - Constants

    static let definitions: [String: String] = [
        "prSize":
            "Mean counted lines (additions + deletions) per landed change, after exclusions; median and p90 alongside.",
        "reviewTurnaroundHours": "Median hours from the last push of a change's branch commits to its landing.",
        "reviewCommentsPerPR": "Mean review signals per change: reviewer trailers plus fix-up commits on the branch.",
        "defectEscapeRate":
            "Share of changes blamed by a later fix (SZZ over line ownership) or reverted within the defect window.",
        "testCoverage": "Line coverage from a coverage import; git does not record it.",
        "buildSuccessRate": "Share of successful CI builds from a CI import; git does not record builds.",
        "cycleTimeHours": "Median hours from the first authored commit of a change to its landing.",
        "reviewTurnaroundBusinessHours": "Review turnaround counted in the configured working hours only.",
        "reviewersPerChange": "Mean number of distinct reviewers named by review trailers.",
        "unreviewedShare":
            "Share of changes that landed with no sign of review in history (docs/metrics.md lists the signs).",
        "fixupCommitsPerPR": "Mean fix-up commits per change among changes whose branch commits are known.",
        "reworkRate": "Share of changed lines that rewrite lines written within the rework window.",
        "majorReworkRate": "Share of changes whose later rewriting passes the major-rework threshold.",
        "revertRate": "Share of changes reverted within the defect window.",
        "testTouchRate": "Share of changes that touch test files.",
        "adrsAuthored": "Architecture decision records added by the group's changes.",
        "directShare": "Share of changes pushed directly to the branch (kind direct).",
        "landedChanges": "Number of landed changes credited to the group (as author or co-author).",
        "authors": "Number of people placed in the group who authored or co-authored a landed change.",
    ]

    static let css = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1200px;padding:0 16px;color:#1d2329;background:#fff}
        h1{font-size:24px;margin:0 0 8px}h2{font-size:19px;margin:32px 0 8px;border-bottom:1px solid #d6dbe0;padding-bottom:4px}h3{font-size:15px;margin:20px 0 6px}
        table{border-collapse:collapse;margin:8px 0;width:100%}th,td{border:1px solid #d6dbe0;padding:4px 8px;text-align:left;vertical-align:top}
        th{background:#f1f4f7;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
        table.matrix td{min-width:140px}table.matrix .value{font-size:18px;font-weight:600}.meta{color:#5b6670;font-size:12px}
        td.bands div{font-size:12px;color:#3b4650;white-space:nowrap}
        td.good{background:#e3f4e6}td.avg{background:#fdf5dc}td.poor{background:#fbe3e1}td.none{background:#f6f7f8;color:#5b6670}
        table.evidence td{font-size:12px}code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}
        .charts{display:flex;flex-wrap:wrap;gap:16px}figure{margin:0;border:1px solid #d6dbe0;padding:8px;border-radius:4px}
        figcaption{font-size:12px;color:#3b4650;margin-top:4px}
        svg text{font:12px system-ui,sans-serif;fill:#1d2329}svg .bar{fill:#4a78b5}svg .band{fill:#cfead4}
        svg .axis{stroke:#8a949e;stroke-width:1}svg .line{fill:none;stroke:#4a78b5;stroke-width:2}svg .dot{fill:#1f4f8f}
        """
}

extension Report.Metric {
    /// The number of landed changes the value is computed from: the metric's own `count` for means and
    /// medians (over the changes that have a value), the group's landed changes for shares and counts.
    public func sampleSize(groupChanges: Double) -> Double? {
        if source == .notMeasured { return nil }
        if aggregator == "mean" || aggregator == "median", let count = details["count"] { return count }
        return groupChanges
    }
}
