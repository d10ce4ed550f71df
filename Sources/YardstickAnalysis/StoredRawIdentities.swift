internal import HistoryMining
internal import HistoryModel

extension StoreSession {
    /// `mined` as the store keeps records: with the identities git recorded, not the `.mailmap`'s (ADR 0019).
    /// `mailmap` is the `.mailmap` the records were mined with (`MinedHistory.mailmap`).
    func rawIdentities(
        _ mined: [(record: CommitRecord, onMainline: Bool)], mailmap: [UInt8]?, analysis: Analysis
    ) throws -> [(record: CommitRecord, onMainline: Bool)] {
        let raw = try analysis.miner.rawIdentityRecords(mined.map(\.record), mailmap: mailmap)
        return zip(raw, mined).map { ($0, $1.onMainline) }
    }
}
