internal import HistoryMining
internal import HistoryStoreCore

extension StoreSession {
    /// The name under which the store keeps the keys of checked packs (one line each), per git directory.
    static let packChecksState = "packChecks"

    /// Reads the tip as `Miner.tipState` does, taking the packs whose checksums an earlier run on this store
    /// checked as checked (ADR 0011, ADR 0019: a key changes when a pack is replaced, rewritten or touched), and
    /// keeps the keys of the packs checked now for the next run when they changed.
    static func tipState(store: any RunStore, analysis: Analysis) throws -> TipState {
        let stored = try store.states(packChecksState)
        Miner.trustPackChecks(
            stored.values.flatMap { String(decoding: $0, as: UTF8.self).split(separator: "\n").map(String.init) })
        let state = try analysis.miner.tipState()
        let passed = Array(state.passedPackChecks.joined(separator: "\n").utf8)
        if stored[state.gitDirectory] != passed {
            try store.setState(packChecksState, context: state.gitDirectory, data: passed)
        }
        return state
    }
}
