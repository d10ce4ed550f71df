internal import HistoryModel
internal import ReportContract

/// Review turnaround (last push to landing), its working-hours form, and cycle time (first authored commit
/// to landing): per change (`DeliveryAnalyzer.reviewTiming`) and per group (medians).
enum TurnaroundMetrics {
    static func reviewTurnaround(_ s: MetricSample) -> MetricValue {
        let hours = s.facts.compactMap(\.reviewTurnaroundHours)
        func notes(_ note: String) -> Double { Double(s.facts.filter { $0.turnaroundNote == note }.count) }
        return MetricValue(
            value: Statistics.median(hours),
            details: [
                "count": Double(hours.count),
                "p75": Statistics.percentile(hours, 75).map { Statistics.round($0) },
                "p90": Statistics.percentile(hours, 90).map { Statistics.round($0) },
                "negativeSpans": notes("negative span"), "absurdSpans": notes("absurd span"),
                "notMeasurable": notes("not measurable from git"), "withoutReview": notes("landed without review"),
            ].compactMapValues { $0 })
    }

    static func cycleTime(_ s: MetricSample) -> MetricValue {
        let cycle = s.facts.compactMap(\.cycleTimeHours)
        return MetricValue(
            value: Statistics.median(cycle),
            details: [
                "count": Double(cycle.count), "p75": Statistics.percentile(cycle, 75).map { Statistics.round($0) },
                "negativeSpans": Double(s.facts.filter { $0.cycleNote == "negative span" }.count),
                "absurdSpans": Double(s.facts.filter { $0.cycleNote == "absurd span" }.count),
                "p90": Statistics.percentile(cycle, 90).map { Statistics.round($0) },
            ].compactMapValues { $0 })
    }

    static func businessTurnaround(_ s: MetricSample) -> MetricValue {
        let business = s.facts.compactMap(\.reviewTurnaroundBusinessHours)
        return MetricValue(
            value: Statistics.median(business),
            details: [
                "count": Double(business.count),
                "p75": Statistics.percentile(business, 75).map { Statistics.round($0) },
                "p90": Statistics.percentile(business, 90).map { Statistics.round($0) },
            ].compactMapValues { $0 })
    }
}

extension DeliveryAnalyzer {
    /// Review turnaround and cycle time of one change, by its kind (docs/metrics.md, "Review turnaround and
    /// cycle time"): sets `reviewTurnaroundHours`, `reviewTurnaroundBusinessHours`, `turnaroundNote`,
    /// `cycleTimeHours` and `cycleNote`. `commits` gives a gerrit or rebase change's own commits.
    func reviewTiming<Store: HistoryStore>(_ r: ChangeRecords, commits: Store, into f: inout ChangeFacts) {
        let (change, landing, branch) = (r.change, r.landing, r.branch)
        var turnaround: (from: Int64, to: Int64)?
        var cycleFrom: Int64?
        switch change.kind {
        case .merge, .squash:
            if r.branchIDs != nil, !branch.isEmpty {
                let last = branch.map(\.committer.time).max() ?? landing.committer.time
                turnaround = (last, change.landedAt)
                cycleFrom = branch.map(\.author.time).min()
            } else if change.kind == .squash {
                f.turnaroundNote = "not measurable from git"
            } else {
                turnaround = (landing.author.time, change.landedAt)
                cycleFrom = change.authoredAt
            }
        case .gerrit, .rebase, .applied:
            let group = change.commits.compactMap { commits.record($0, withFiles: false) }
            turnaround = ((group.map(\.author.time).max() ?? landing.author.time), change.landedAt)
            cycleFrom = change.authoredAt
        case .integration:
            // Many pull requests at once: no one review to time (ADR 0018).
            f.turnaroundNote = "integration merge"
        case .direct:
            if Self.isCherryPick(landing) {
                turnaround = (landing.author.time, change.landedAt)
                cycleFrom = landing.author.time
            } else {
                f.turnaroundNote = "landed without review"
            }
        }
        if let t = turnaround {
            switch span(from: t.from, to: t.to) {
            case .success(let hours):
                f.reviewTurnaroundHours = hours
                if let bh = options.businessHours {
                    f.reviewTurnaroundBusinessHours = BusinessClock(hours: bh, timeZone: timeZoneOf(change.author))
                        .hours(from: t.from, to: t.to)
                }
            case .failure(let note):
                f.turnaroundNote = note.rawValue
            }
        }
        if let from = cycleFrom {
            switch span(from: from, to: change.landedAt) {
            case .success(let hours): f.cycleTimeHours = hours
            case .failure(let note): f.cycleNote = note.rawValue
            }
        }
    }

    /// Why a span has no value.
    enum SpanNote: String, Error {
        case negative = "negative span"
        case absurd = "absurd span"
    }

    /// A duration in hours, or why it is left out: negative (clock skew, rewritten dates) or longer than
    /// `absurdHours`. Such spans are counted in the report, never averaged in.
    func span(from: Int64, to: Int64) -> Result<Double, SpanNote> {
        let hours = Double(to - from) / 3600
        if hours < 0 { return .failure(.negative) }
        if hours > options.absurdHours { return .failure(.absurd) }
        return .success(hours)
    }
}
