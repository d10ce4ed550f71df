package import HistoryMining
package import HistoryModel
internal import HistoryStoreCore

extension KnownGroupDiffs {
    /// The form a store keeps: a `RecordChunk` (compressed) of records holding only the range's tip as the id, its
    /// base as the only parent (none for the empty tree) and the range's files, in range order.
    package static func encode(_ diffs: [DiffRange: [FileChange]]) -> [UInt8] {
        let nobody = Signature(name: "", email: "", time: 0, offsetMinutes: 0)
        let empty = ObjectID(high: 0, middle: 0, low: 0)  // sorts a range from the empty tree first
        let ranges = diffs.keys.sorted { ($0.tip, $0.base ?? empty) < ($1.tip, $1.base ?? empty) }
        return Compression.compress(
            RecordChunk.encode(
                ranges.lazy.map { range in
                    (
                        CommitRecord(
                            id: range.tip, parents: range.base.map { [$0] } ?? [], author: nobody, committer: nobody,
                            message: "", trailers: [], coAuthors: [], reviewers: [], files: diffs[range]!),
                        true
                    )
                }))
    }

    /// What `encode` wrote; nil for anything else (a damaged blob).
    package static func decode(_ blob: [UInt8]) -> [DiffRange: [FileChange]]? {
        guard let bytes = Compression.decompress(blob), let records = try? RecordChunk.decode(bytes),
            records.allSatisfy({ $0.record.parents.count <= 1 })
        else { return nil }
        return Dictionary(
            records.map { (DiffRange(base: $0.record.parents.first, tip: $0.record.id), $0.record.files) },
            uniquingKeysWith: { a, _ in a })
    }
}

extension StoreSession {
    /// The state name of this repository's group diffs, and the version of what is kept under it: with the record
    /// context, so that a change of the miner's output (`records-v2`) makes the diffs be computed again too.
    var groupDiffsState: KeptState {
        KeptState(name: "groupDiffs:" + repository.value, context: "counted-v1\n" + state.recordContext)
    }

    /// The group diffs kept by the earlier runs on this repository (none when there are none or they cannot be
    /// read: they are computed again).
    package func storedGroupDiffs() throws -> KnownGroupDiffs {
        return KnownGroupDiffs(try kept(groupDiffsState).flatMap(KnownGroupDiffs.decode) ?? [:])
    }

    /// Keeps the group diffs this run used for the next run, when they changed.
    package func saveGroupDiffs(_ diffs: KnownGroupDiffs, history: LandedHistory) throws {
        guard let next = diffs.next(keeping: history.mined.commits) else { return }
        try keep(KnownGroupDiffs.encode(next), as: groupDiffsState)
    }
}
