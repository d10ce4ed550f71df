package import HistoryModel

/// The landed changes of a mined history, with every reviewed diff filled in.
package struct LandedHistory: Sendable {
    package var mined: MinedHistory
    /// Newest first.
    package var changes: [LandedChange]
}

extension Miner {
    /// Mines the history, classifies the first-parent line into landed changes and computes the diffs that
    /// classification asked for (multi-commit rebase groups).
    package func landedHistory(
        classifier: LandedChangeClassifier = LandedChangeClassifier(),
        progress: (@Sendable (MiningProgress) -> Void)? = nil
    ) throws(MiningError) -> LandedHistory {
        let mined = try mine(progress: progress)
        var changes = classifier.classify(mainline: mined.mainline, commits: mined.commits)
        let pending = changes.indices.filter { changes[$0].kind == .rebase && changes[$0].commits.count > 1 }
        if !pending.isEmpty {
            let ranges = pending.flatMap { changes[$0].reviewedDiffs }
            let diffs = try diffs(ranges)
            for i in pending {
                changes[i].files = changes[i].reviewedDiffs.flatMap { diffs[$0] ?? [] }
            }
        }
        return LandedHistory(mined: mined, changes: changes)
    }
}
