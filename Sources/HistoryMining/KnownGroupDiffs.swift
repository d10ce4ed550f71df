package import HistoryModel
internal import Synchronization

/// The diffs of multi-commit rebase and applied groups (`LandedChange.reviewedDiffs`, one `git diff` per range)
/// an earlier run computed, kept by a store (ADR 0019 section 12). A range's diff is fixed by its two commit ids
/// (the miner's diff options are fixed; only `yardstick blame`'s mode differs, and it diffs no group), and
/// classification keeps only its files and counts, so that is what is held. `Miner.landedHistory` takes the
/// ranges held here instead of diffing them, and every range the run used is kept for the next.
package final class KnownGroupDiffs: Sendable {
    private let stored: [DiffRange: [FileChange]]
    private let used = Mutex<[DiffRange: [FileChange]]>([:])
    private let computedCount = Atomic<Int>(0)

    package init(_ stored: [DiffRange: [FileChange]] = [:]) { self.stored = stored }

    /// How many ranges this run diffed because none was held.
    package var computed: Int { computedCount.load(ordering: .relaxed) }

    /// The diffs of `ranges`: those held, and `compute`'s for the others (diffed once each); all kept for the next
    /// run. Without hunks: classification reads files and counts only.
    package func diffs(
        _ ranges: [DiffRange], compute: ([DiffRange]) throws(MiningError) -> [DiffRange: [FileChange]]
    ) throws(MiningError) -> [DiffRange: [FileChange]] {
        var out: [DiffRange: [FileChange]] = [:]
        var missing: [DiffRange] = []
        var seen = Set<DiffRange>()
        for range in ranges where seen.insert(range).inserted {
            if let held = stored[range] { out[range] = held } else { missing.append(range) }
        }
        for (range, files) in try compute(missing) { out[range] = Self.counted(files) }
        computedCount.add(missing.count, ordering: .relaxed)
        used.withLock { u in u.merge(out) { a, _ in a } }
        return out
    }

    /// Files and counts of a diff, without hunks.
    static func counted(_ files: [FileChange]) -> [FileChange] {
        files.map { file in
            var counted = file
            counted.hunks = []
            return counted
        }
    }

    /// What the next run takes: the ranges this run used and the earlier ones whose tip `history` still has; nil
    /// when that is what was held already.
    package func next(keeping history: CommitStore) -> [DiffRange: [FileChange]]? {
        var out = used.withLock { $0 }
        var changed = out.keys.contains { stored[$0] == nil }
        for (range, files) in stored where out[range] == nil {
            if history.contains(range.tip) { out[range] = files } else { changed = true }
        }
        return changed ? out : nil
    }
}
