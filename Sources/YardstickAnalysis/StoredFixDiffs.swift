package import HistoryMining
package import HistoryModel
internal import HistoryStoreCore
internal import Synchronization

/// The fix commits' white-space-insensitive diffs (SZZ's, `Miner.significantDiffs`) an earlier run computed,
/// kept by a store (ADR 0019): a commit's diff against its first parent is fixed by its id, and no option changes
/// it (`maxFixFiles` only decides which fixes are diffed). `Analysis.input` takes the ones held here instead of
/// computing them, and every diff the run reads is kept for the next.
package final class KnownFixDiffs: Sendable {
    private let stored: [ObjectID: [FileChange]]
    private let read = Mutex<[ObjectID: [FileChange]]>([:])

    package init(_ stored: [ObjectID: [FileChange]] = [:]) { self.stored = stored }

    /// What the ownership pass reads each fix's diff through: `stream`'s (which streams the `missing` ones), or
    /// with `known`, the diff it holds and else `stream`'s, kept for the next run.
    package static func reader(_ known: KnownFixDiffs?, stream: SignificantDiffStream)
        -> @Sendable (ObjectID) -> [FileChange]?
    {
        guard let known else { return { stream.diff(for: $0) } }
        return { id in known.diff(for: id) { stream.diff(for: id) } }
    }

    /// The fixes of `ids` whose diffs are not held, in the same order.
    package func missing(_ ids: [ObjectID]) -> [ObjectID] { ids.filter { stored[$0] == nil } }

    /// The diff held for `id`, else `compute()`'s; either is kept for the next run.
    package func diff(for id: ObjectID, compute: () -> [FileChange]?) -> [FileChange]? {
        guard let diff = stored[id] ?? compute() else { return nil }
        read.withLock { $0[id] = diff }
        return diff
    }

    /// What the next run takes: the diffs this run read and the earlier ones of commits still in `history`; nil
    /// when that is what was held already.
    package func next(keeping history: CommitStore) -> [ObjectID: [FileChange]]? {
        var out = read.withLock { $0 }
        var changed = out.keys.contains { stored[$0] == nil }
        for (id, diff) in stored where out[id] == nil {
            if history.contains(id) { out[id] = diff } else { changed = true }
        }
        return changed ? out : nil
    }

    /// The form a store keeps: a `RecordChunk` (compressed) of records holding only the commit id and its diff,
    /// in id order.
    package static func encode(_ diffs: [ObjectID: [FileChange]]) -> [UInt8] {
        let nobody = Signature(name: "", email: "", time: 0, offsetMinutes: 0)
        return Compression.compress(
            RecordChunk.encode(
                diffs.keys.sorted().lazy.map { id in
                    (
                        CommitRecord(
                            id: id, parents: [], author: nobody, committer: nobody, message: "", trailers: [],
                            coAuthors: [], reviewers: [], files: diffs[id]!),
                        true
                    )
                }))
    }

    /// What `encode` wrote; nil for anything else (a damaged blob).
    package static func decode(_ blob: [UInt8]) -> [ObjectID: [FileChange]]? {
        guard let bytes = Compression.decompress(blob), let records = try? RecordChunk.decode(bytes) else {
            return nil
        }
        return Dictionary(records.map { ($0.record.id, $0.record.files) }, uniquingKeysWith: { a, _ in a })
    }
}

extension StoreSession {
    /// The state name of this repository's fix diffs, and the version of what is kept under it.
    var fixDiffsState: KeptState { KeptState(name: "fixDiffs:" + repository.value, context: "significant-v3") }

    /// The fix diffs kept by the earlier runs on this repository (none when there are none or they cannot be
    /// read: they are computed again).
    package func storedFixDiffs() throws -> KnownFixDiffs {
        return KnownFixDiffs(try kept(fixDiffsState).flatMap(KnownFixDiffs.decode) ?? [:])
    }

    /// Keeps the fix diffs this run read for the next run, when they changed.
    package func saveFixDiffs(_ diffs: KnownFixDiffs, history: LandedHistory) throws {
        guard let next = diffs.next(keeping: history.mined.commits) else { return }
        try keep(KnownFixDiffs.encode(next), as: fixDiffsState)
    }
}
