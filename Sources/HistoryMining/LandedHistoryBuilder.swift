internal import Dispatch
package import HistoryModel

/// The landed changes of a mined history, with every reviewed diff filled in.
package struct LandedHistory: Sendable {
    package var mined: MinedHistory
    /// Newest first.
    package var changes: [LandedChange]
    /// For squash merges whose pull-request head ref the clone holds: the PR's commits (newest first), keyed
    /// by the squash commit. Their records are in `mined.commits`.
    package var pullRequestCommits: [ObjectID: [ObjectID]]
}

extension Miner {
    /// Mines the history, classifies the first-parent line into landed changes and computes the diffs that
    /// classification asked for (multi-commit rebase and applied groups). Records `known` holds are not mined
    /// again; nor are the links and side branches `links` holds (`mine(progress:reusing:links:)`), nor the group
    /// diffs `groupDiffs` holds.
    package func landedHistory(
        classifier: LandedChangeClassifier = LandedChangeClassifier(),
        progress: (@Sendable (MiningProgress) -> Void)? = nil, reusing known: KnownRecords? = nil,
        links: KnownLinks? = nil, groupDiffs: KnownGroupDiffs? = nil
    ) throws(MiningError) -> LandedHistory {
        var mined: MinedHistory
        if let links {
            mined = try mine(progress: progress, reusing: known, links: links)
        } else {
            mined = try mine(progress: progress, reusing: known)
        }
        // A step without a count: the progress line names it.
        progress?(MiningProgress(phase: "classifying \(mined.mainline.count) first-parent commits", done: 0, total: 0))
        let start = DispatchTime.now().uptimeNanoseconds
        var changes = classifier.classify(mainline: mined.mainline, commits: mined.commits, workers: options.workers)
        let pending = changes.indices.filter {
            (changes[$0].kind == .rebase || changes[$0].kind == .applied) && changes[$0].commits.count > 1
        }
        var groupNote = ""
        let forcesText = ForcedText(files: mined.attributeFiles)
        if !pending.isEmpty {
            let ranges = pending.flatMap { changes[$0].reviewedDiffs }
            let diffs =
                if let groupDiffs, !options.blameHunks {
                    try groupDiffs.diffs(ranges) { (missing) throws(MiningError) in
                        try self.diffs(missing, forcesText: forcesText)
                    }
                } else {
                    try diffs(ranges, forcesText: forcesText)
                }
            for i in pending {
                changes[i].files = KnownGroupDiffs.counted(changes[i].reviewedDiffs.flatMap { diffs[$0] ?? [] })
            }
            groupNote = "; \(Set(ranges).count) group diffs" + (groupDiffs.map { ", \($0.computed) computed" } ?? "")
        }
        var walks: [(squash: ObjectID, head: ObjectID, excluding: [ObjectID])] = []
        for change in changes where change.kind == .squash {
            guard let n = change.number, let head = mined.pullHeads[n],
                let record = mined.commits.record(change.commit, withFiles: false)
            else { continue }
            walks.append((squash: change.commit, head: head, excluding: record.parents))
        }
        var pullRequestCommits: [ObjectID: [ObjectID]] = [:]
        let walked = try commits(of: walks.map { (head: $0.head, excluding: $0.excluding) }, history: mined)
        for (walk, ids) in zip(walks, walked) where !ids.isEmpty { pullRequestCommits[walk.squash] = ids }
        let missing = pullRequestCommits.values.flatMap { $0 }.filter { !mined.commits.contains($0) }
        mined.commits.insert(
            contentsOf: try records(
                for: Array(Set(missing)).sorted(), mailmap: mined.mailmap,
                reusing: try known?.applying(mailmap: mined.mailmap), forcesText: forcesText))
        mined.timings.append(
            (
                "classification (\(changes.count)\(groupNote))" + ProcessInfoShim.residentNote,
                Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            ))
        return LandedHistory(mined: mined, changes: changes, pullRequestCommits: pullRequestCommits)
    }
}
