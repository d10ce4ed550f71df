internal import HistoryModel
internal import ReportContract

/// How much review history shows: reviewers, unreviewed changes, fix-up commits, and the review-comments
/// proxy built from them; per change (`DeliveryAnalyzer.reviewDepth`) and per group.
enum ReviewDepthMetrics {
    static func reviewersPerChange(_ s: MetricSample) -> MetricValue {
        MetricValue(
            value: Statistics.mean(s.facts.map { Double($0.reviewers.count) }),
            details: ["withReviewers": Double(s.facts.filter { !$0.reviewers.isEmpty }.count)])
    }

    static func unreviewedShare(_ s: MetricSample) -> MetricValue {
        let unreviewed = s.facts.filter(\.unreviewed).count
        return MetricValue(value: s.share(unreviewed), details: ["count": Double(unreviewed)])
    }

    /// Over the changes whose branch (or pull request) history shows.
    static func fixupCommitsPerPR(_ s: MetricSample) -> MetricValue {
        let withBranch = s.facts.filter { $0.branchCommits != nil }
        return MetricValue(
            value: Statistics.mean(withBranch.map { Double($0.fixupCommits ?? 0) }),
            details: [
                "count": Double(withBranch.count),
                "commitsPerPR": Statistics.mean(withBranch.map { Double($0.branchCommits ?? 0) }).map {
                    Statistics.round($0)
                },
            ].compactMapValues { $0 })
    }

    /// Each named reviewer and each fix-up commit stands for one review comment.
    static func reviewCommentsPerPR(_ s: MetricSample) -> MetricValue {
        MetricValue(
            value: Statistics.mean(s.facts.map { Double($0.reviewers.count + ($0.fixupCommits ?? 0)) }),
            details: ["count": s.count])
    }
}

extension DeliveryAnalyzer {
    /// Reviewers named in trailers (the landing commit's, the branch's and an applied series', never the
    /// change's own people), whether the change shows no sign of review, and its branch's commits and fix-up
    /// commits.
    func reviewDepth(_ r: ChangeRecords, rules: MessageRules, into f: inout ChangeFacts) {
        var reviewers: [String: Identity] = [:]
        for record in [r.landing] + r.branch + r.series {
            for person in record.reviewers where !r.people.contains(person.key) { reviewers[person.key] = person }
        }
        f.reviewers = reviewers.values.sorted()
        switch r.change.kind {
        case .direct:
            f.unreviewed = !Self.isCherryPick(r.landing)
        case .merge:
            // The merger is the merge's author (a forge commits on the merger's behalf).
            let merger = r.landing.author.identity.key
            f.unreviewed = r.people.contains(merger) && reviewers.isEmpty
        case .applied:
            // A maintainer applying others' patches is not a review unless a trailer says one happened.
            f.unreviewed = reviewers.isEmpty
        default:
            f.unreviewed = false
        }
        if r.branchIDs != nil {
            let nonMerge = r.branch.filter { !$0.isMerge }
            f.branchCommits = nonMerge.count
            f.fixupCommits = nonMerge.filter(rules.isFixup).count
        }
    }
}
