public import HistoryModel

/// File changes whose content the repository lacked where a `.promisor` pack promises it
/// (`FileChange.contentMissing`; a partial copy that leaves out large files, ADR 0011's addendum). Each is
/// counted as a binary file, without lines; the report's notes say how many and where.
public struct MissingContent: Sendable, Equatable {
    /// The commits holding such a file change, sorted by id.
    public var commits: [ObjectID]
    /// The file changes, over all of them.
    public var fileChanges: Int
    /// Those in commits of the analysed first-parent line (the counted sizes read them).
    public var onFirstParent: Int

    public init(commits: [ObjectID], fileChanges: Int, onFirstParent: Int) {
        self.commits = commits
        self.fileChanges = fileChanges
        self.onFirstParent = onFirstParent
    }

    /// The file changes of `ids` (`CommitStore.withMissingContent`) in `store`; nil when there are none.
    public init?(_ ids: Set<ObjectID>, in store: some HistoryStore, mainline: [ObjectID]) {
        guard !ids.isEmpty else { return nil }
        let firstParent = Set(mainline)
        commits = ids.sorted()
        fileChanges = 0
        onFirstParent = 0
        for id in commits {
            let n = store.record(id, withFiles: true, withHunks: false)?.files.count(where: \.contentMissing) ?? 0
            fileChanges += n
            if firstParent.contains(id) { onFirstParent += n }
        }
    }

    /// The report's note; commits named by their first 12 hex digits, at most ten.
    public var note: String {
        let shown = commits.prefix(10).map { String($0.hex.prefix(12)) }.joined(separator: ", ")
        let more = commits.count > 10 ? " and \(commits.count - 10) more" : ""
        let changes = "\(fileChanges) file change\(fileChanges == 1 ? "" : "s")"
        let inCommits = "\(commits.count) commit\(commits.count == 1 ? "" : "s")"
        return
            "Partial copy: the repository lacks the content of \(changes) in \(inCommits) (\(onFirstParent) on the analysed first-parent line), which a .promisor pack promises (such copies leave out large files); each is counted as a binary file, without lines. Commits: \(shown)\(more)."
    }
}
