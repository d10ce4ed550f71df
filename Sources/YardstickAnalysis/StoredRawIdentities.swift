internal import HistoryMining
internal import HistoryModel
internal import HistoryStoreCore

extension StoreSession {
    /// The records a run mined, `keys` of `history`'s record store, as the store keeps them: with the identities
    /// git recorded, not the `.mailmap`'s (ADR 0019), each decoded when its chunk is saved.
    func minedRecords(_ keys: [RecordKey], history: LandedHistory, analysis: Analysis) throws -> MinedRecords {
        let raw = try analysis.miner.rawIdentities(of: keys.map(\.id), mailmap: history.mined.mailmap)
        let commits = history.mined.commits
        return MinedRecords(keys: keys) { range in
            keys[range].compactMap { key in commits[key.id].map(raw.apply) }
        }
    }
}
