public import ReportContract

/// The summary matrix (ADR 0017): the shown groups against every benchmark row, each cell with its value,
/// band, verdict and sample size. A pure function of a report (and of the `other` row the builder computed
/// from changes), so the import step can remake it after it replaced metrics.
public enum ReportSummary {
    /// The metrics the benchmark table has, in declaration order.
    static let keys: [MetricKey] = MetricDeclaration.all.filter { $0.benchmark != nil }.map(\.key)

    /// The least share of landed changes naming a reviewer for the review-comments proxy to get a band.
    static let trailerShare = 0.1

    /// What a cell whose metric cannot be supported by this history lacks, by the word after `needs`.
    static let needs: [String: String] = [
        "trailers":
            "reviewer trailers (Reviewed-by:, Acked-by:) on at least 10% of the landed changes, or a review export (--reviews): fewer name a reviewer in this history, so the proxy counts little more than fix-up commits",
        "pull refs":
            "the forge's pull refs (git fetch origin '+refs/pull/*/head:refs/pull/*/head') or a review export (--reviews): these squash merges keep no branch history",
    ]

    /// One change's value behind a mean metric (nil: the change has none, or the metric is not a mean).
    static func perChange(
        _ key: MetricKey, counted: Int, reviewers: Int, fixupCommits: Int?, hasBranch: Bool
    ) -> Double? {
        switch key {
        case .prSize: return Double(counted)
        case .reviewCommentsPerPR: return Double(reviewers + (fixupCommits ?? 0))
        case .reviewersPerChange: return Double(reviewers)
        case .fixupCommitsPerPR: return hasBranch ? Double(fixupCommits ?? 0) : nil
        default: return nil
        }
    }

    static func perChange(_ key: MetricKey, _ pr: Report.PullRequest) -> Double? {
        if key != .prSize && pr.delivery == nil { return nil }
        return perChange(
            key, counted: pr.countedAdditions + pr.countedDeletions, reviewers: pr.delivery?.reviewers.count ?? 0,
            fixupCommits: pr.delivery?.fixupCommits, hasBranch: pr.delivery?.branchCommits != nil)
    }

    /// The changes behind a metric's value: the measured ones for a mean or median with a count, else all.
    static func sampleSize(_ m: Report.Metric, groupChanges: Int) -> Int {
        if m.aggregator == "mean" || m.aggregator == "median", let count = m.details["count"] { return Int(count) }
        return groupChanges
    }

    /// The summary of a built report. Configured groups are all shown, in report order. Without a
    /// configuration and with more than `maxGroups` groups, the groups with at least `minimumSample` changes
    /// are shown, largest first (at most `maxGroups`), and `other` (computed by the builder) sums up the rest.
    static func make(
        _ report: Report, settings: SummarySettings, shown: [String], other: Report.Summary.Other?, hint: String?
    ) -> Report.Summary {
        var summary = Report.Summary(
            minimumSample: settings.minimumSample, maxGroups: settings.maxGroups,
            groups: shown + (other == nil ? [] : [Report.Summary.otherName]), other: other, rows: [], hint: hint)
        summary.rows = rows(report, summary: summary)
        return summary
    }

    /// Remakes the cells from the report's current metrics (after imports replaced some); nothing else changes.
    public static func refresh(_ report: inout Report) {
        guard var summary = report.summary else { return }
        summary.rows = rows(report, summary: summary)
        report.summary = summary
    }

    static func rows(_ report: Report, summary: Report.Summary) -> [Report.Summary.Row] {
        let byName = Dictionary(report.groups.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        // Reviewer trailers support the review-comments proxy only where at least `trailerShare` of the landed
        // changes name a reviewer: a handful in a long history would make every group "poor" from nothing.
        let named = report.pullRequests.filter { !($0.delivery?.reviewers.isEmpty ?? true) }.count
        let trailers = !report.pullRequests.isEmpty && Double(named) >= trailerShare * Double(report.pullRequests.count)
        // Each shown group's pull requests (indexes); `other`'s are those of any group summed up, each once.
        let folded = Set(summary.other?.groups ?? [])
        var changesOf: [String: [Int]] = [:]
        for (i, pr) in report.pullRequests.enumerated() {
            for g in pr.groups { changesOf[g, default: []].append(i) }
            if !folded.isEmpty && pr.groups.contains(where: folded.contains) {
                changesOf[Report.Summary.otherName, default: []].append(i)
            }
        }
        return keys.compactMap { key -> Report.Summary.Row? in
            guard let declaration = MetricDeclaration.declaration(key), let row = declaration.benchmark else {
                return nil
            }
            // A mean's per-change values, once per change (not once per group that change is credited to), read
            // by index: the pull requests themselves are not copied.
            let values = declaration.aggregator == .mean ? report.pullRequests.map { perChange(key, $0) } : []
            var needs: [String] = []
            let cells = summary.groups.map { name -> Report.Summary.Cell in
                let isOther = summary.other != nil && name == Report.Summary.otherName && byName[name] == nil
                let metrics = isOther ? summary.other?.metrics ?? [:] : byName[name]?.metrics ?? [:]
                let groupChanges = Int(metrics[MetricKey.landedChanges.rawValue]?.value ?? 0)
                let changes = values.isEmpty ? [] : changesOf[name] ?? []
                let (cell, need) = cell(
                    name, key: key, metric: metrics[key.rawValue], groupChanges: groupChanges, row: row,
                    minimumSample: summary.minimumSample, trailers: trailers,
                    perChange: changes.compactMap { i in
                        values[i].map { PerChange(index: i, value: $0) }
                    },
                    pullRequests: report.pullRequests)
                if let need, !needs.contains(need) { needs.append(need) }
                return cell
            }
            return Report.Summary.Row(
                key: key.rawValue, benchmark: row.title, aggregator: declaration.aggregator.rawValue,
                unit: declaration.unit, needs: needs.isEmpty ? nil : needs.joined(separator: "; "), cells: cells)
        }
    }

    /// One cell and, when it says `needs …`, the row's text of what is needed. In order: not measured,
    /// unsupported by this history, no value, fewer changes than the minimum sample, else the band. (A metric
    /// missing from the group is `not reported`; every benchmark metric is reported for a group with changes.)
    static func cell(
        _ group: String, key: MetricKey, metric: Report.Metric?, groupChanges: Int, row: BenchmarkRow,
        minimumSample: Int, trailers: Bool, pullRequests: [Report.PullRequest]
    ) -> (Report.Summary.Cell, String?) {
        cell(
            group, key: key, metric: metric, groupChanges: groupChanges, row: row, minimumSample: minimumSample,
            trailers: trailers,
            perChange: pullRequests.indices.compactMap { i in
                perChange(key, pullRequests[i]).map { PerChange(index: i, value: $0) }
            },
            pullRequests: pullRequests)
    }

    /// A change's value behind a mean: the change's index in the pull requests, and the value.
    struct PerChange {
        var index: Int
        var value: Double
    }

    /// `cell` over the group's per-change values (`perChange`, indexes into `pullRequests`, in report order).
    static func cell(
        _ group: String, key: MetricKey, metric: Report.Metric?, groupChanges: Int, row: BenchmarkRow,
        minimumSample: Int, trailers: Bool, perChange values: [PerChange], pullRequests: [Report.PullRequest]
    ) -> (Report.Summary.Cell, String?) {
        guard let m = metric else {
            return (Report.Summary.Cell(group: group, value: nil, band: nil, verdict: "not reported", n: 0), nil)
        }
        let n = m.source == .notMeasured ? 0 : sampleSize(m, groupChanges: groupChanges)
        func needing(_ word: String, _ text: String?) -> (Report.Summary.Cell, String?) {
            (Report.Summary.Cell(group: group, value: m.value, band: nil, verdict: "needs " + word, n: n), text)
        }
        if m.source == .notMeasured {
            let origin = MetricDeclaration.declaration(key)?.origin
            return needing(origin == .imported ? "import" : "history", m.needs)
        }
        if m.source == .proxy {
            if key == .reviewCommentsPerPR && !trailers { return needing("trailers", needs["trailers"]) }
            if key == .reviewTurnaroundHours && n == 0 && (m.details["notMeasurable"] ?? 0) > 0 {
                return needing("pull refs", needs["pull refs"])
            }
        }
        var cell = Report.Summary.Cell(group: group, value: m.value, band: nil, verdict: "no value", n: n)
        if m.aggregator == "mean" && m.source != .imported {
            let xs = values.map(\.value)
            cell.median = Statistics.median(xs).map { Statistics.round($0) }
            cell.p90 = Statistics.percentile(xs, 90).map { Statistics.round($0) }
            cell.drivers = values.filter { $0.value > 0 }
                .sorted {
                    $0.value != $1.value
                        ? $0.value > $1.value : pullRequests[$0.index].commit < pullRequests[$1.index].commit
                }
                .prefix(3)
                .map {
                    let pr = pullRequests[$0.index]
                    return Report.Summary.Driver(commit: pr.commit, number: pr.number, value: $0.value)
                }
        }
        guard let value = m.value else { return (cell, nil) }
        if n < minimumSample {
            cell.verdict = SummaryVerdict.tooFew(n)
            return (cell, nil)
        }
        let band = SummaryVerdict.band(value, row: row)
        cell.band = band
        cell.verdict = band
        return (cell, nil)
    }
}
