package import HistoryMining
internal import HistoryStoreCore

extension StoreSession {
    /// The state name of this repository's commit links and painted side branches (`KnownLinks`), and the version
    /// of what is kept under it.
    var linksState: KeptState { KeptState(name: "links:" + repository.value, context: "links-v2") }

    /// The links and side branches kept by the earlier runs on this repository, for `landedHistory(…, links:)`;
    /// nil for a shallow clone (its boundaries cut side branches: everything is walked and painted again).
    package func storedLinks() throws -> KnownLinks? {
        guard state.shallowBoundaries.isEmpty else { return nil }
        return KnownLinks(try kept(linksState).flatMap(KnownLinks.Contents.init(encoded:)) ?? KnownLinks.Contents())
    }

    /// Keeps the links and side branches of this run for the next one.
    package func saveLinks(_ links: KnownLinks?) throws {
        guard let current = links?.current else { return }
        try keep(current.encode(), as: linksState)
    }
}
