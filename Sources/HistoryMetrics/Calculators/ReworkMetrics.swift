internal import HistoryModel
internal import ReportContract

/// Rework: lines rewriting lines younger than the rework window (from the ownership pass), lines discarded
/// on the branch, and major rework; per change (`DeliveryAnalyzer.branchRework`, `markMajorRework`) and per
/// group.
enum ReworkMetrics {
    /// Lines rewriting young lines, own and others', over the lines the group's changes added and deleted.
    static func reworkRate(_ s: MetricSample) -> MetricValue {
        let changed = s.facts.reduce(0) { $0 + $1.changedLines }
        let own = s.facts.reduce(0) { $0 + $1.reworkOwnLines }
        let others = s.facts.reduce(0) { $0 + $1.reworkOthersLines }
        return MetricValue(
            value: changed == 0 ? nil : Double(own + others) / Double(changed) * 100,
            details: ["changedLines": Double(changed), "ownLines": Double(own), "othersLines": Double(others)])
    }

    static func majorReworkRate(_ s: MetricSample) -> MetricValue {
        let major = s.facts.filter(\.majorRework).count
        return MetricValue(value: s.share(major), details: ["count": Double(major)])
    }
}

extension DeliveryAnalyzer {
    /// Lines the branch's (or pull request's) own commits added, and how many of them did not survive into
    /// the reviewed diff; nothing when history shows no branch.
    static func branchRework(_ r: ChangeRecords, paths: PathClassifier, into f: inout ChangeFacts) {
        guard r.branchIDs != nil else { return }
        let branchAdded = r.branch.filter { !$0.isMerge }.reduce(0) { $0 + countedLines($1.files, paths).added }
        f.branchAddedLines = branchAdded
        f.discardedOnBranch = max(0, branchAdded - countedLines(r.change.files, paths).added)
    }

    /// Major rework: at least `threshold` of a change's added lines rewritten after landing, or of its branch's
    /// added lines discarded before landing.
    static func markMajorRework(_ facts: inout [ChangeFacts], threshold: Double) {
        for i in facts.indices {
            let f = facts[i]
            let afterLanding = f.addedLines > 0 && Double(f.rewrittenAfterLanding) >= threshold * Double(f.addedLines)
            let onBranch =
                (f.branchAddedLines ?? 0) > 0
                && Double(f.discardedOnBranch ?? 0) >= threshold * Double(f.branchAddedLines ?? 1)
            facts[i].majorRework = afterLanding || onBranch
        }
    }

    /// Counted lines added and deleted: text files that no exclusion and no binary attribute leaves out.
    static func countedLines(_ files: [FileChange], _ paths: PathClassifier) -> (added: Int, deleted: Int) {
        var added = 0
        var deleted = 0
        for f in files where !f.isBinary {
            let answer = paths.answer(f.path)
            if answer.exclusion != nil || answer.attributeBinary { continue }
            added += f.additions
            deleted += f.deletions
        }
        return (added, deleted)
    }
}
