internal import HistoryModel
internal import ReportContract

/// How changes land and how big they are: `landedChanges` (by kind), `authors`, `directShare`, `prSize`.
enum LandingMetrics {
    static func landedChanges(_ s: MetricSample) -> MetricValue {
        var byKind: [String: Double] = [:]
        for kind in ChangeKind.allCases { byKind[kind.rawValue] = 0 }
        for item in s.items { byKind[item.change.kind.rawValue, default: 0] += 1 }
        return MetricValue(value: s.count, details: byKind)
    }

    static func authors(_ s: MetricSample) -> MetricValue {
        MetricValue(value: Double(s.authors))
    }

    static func directShare(_ s: MetricSample) -> MetricValue {
        let direct = s.items.filter { $0.change.kind == .direct }.count
        return MetricValue(value: s.share(direct), details: ["count": Double(direct)])
    }

    /// The mean counted size; median, p90 and the mean before exclusions as details.
    static func prSize(_ s: MetricSample) -> MetricValue {
        let sizes = s.items.map { Double($0.size.counted) }
        let raw = s.items.map { Double($0.size.additions + $0.size.deletions) }
        return MetricValue(
            value: Statistics.mean(sizes),
            details: [
                "count": s.count,
                "median": Statistics.median(sizes).map { Statistics.round($0) },
                "p90": Statistics.percentile(sizes, 90).map { Statistics.round($0) },
                "rawMean": Statistics.mean(raw).map { Statistics.round($0) },
            ].compactMapValues { $0 })
    }
}
