import GitBridge
package import HistoryModel

/// Fix commits' significant diffs (`Miner.significantDiffs`), for the ownership pass, which reads them one at a
/// time in first-parent order (issue 11).
///
/// An `InOrderStream`: one thread of its own computes them in that order, at most `lookahead` ahead of the pass,
/// so that the diffs take the core the single-threaded pass leaves idle and are never all held. Measured on
/// git/git (ADR 0021): computing them on the mining workers beside the pass, many ahead, raised the peak memory
/// (each thread's allocator arena keeps its freed pages); one thread and a short window do not. A diff the pass
/// asks for out of that order (none does today) is computed on the asking thread. Nothing is kept after a diff
/// is returned but the repository handles, reopened every `recycle` diffs. `finish()` stops the thread, closes
/// the handles and returns the first error met (a failed diff reads as nil).
package final class SignificantDiffStream: Sendable {
    /// One thread's repository handle and its differ.
    private struct Differ {
        var repository: Repository?
        var differ: TreeDiffer?
        var mailmap: Mailmap?
        var done = 0

        mutating func diff(_ id: ObjectID, path: String, searchParents: Bool) throws(GitError) -> [FileChange]? {
            if differ == nil || done >= SignificantDiffStream.recycle {
                (differ, repository) = (nil, nil)
                let opened = try Repository(path: path, searchParents: searchParents)
                // A cache of its own, and small: fixes rarely share a blob pair.
                differ = try TreeDiffer(repository: opened, cache: DiffCache(capacity: 64), significantLinesOnly: true)
                repository = opened
                done = 0
            }
            if mailmap == nil { mailmap = try Mailmap(contents: nil) }
            guard let repository, let differ, let mailmap else { return nil }
            done += 1
            let header = try repository.commitHeader(id, mailmap: mailmap)
            return try differ.diff(base: header.parents.first, tip: id)
        }
    }

    /// Diffs computed with one repository handle before a fresh one is opened (its caches stay bounded).
    static let recycle = 256
    /// Diffs computed ahead of the reader at most.
    static let lookahead = 16
    /// Diffs computed between two returns of freed memory to the system.
    static let releaseEvery = 32

    private let path: String
    private let position: [ObjectID: Int]
    private let stream: InOrderStream<[FileChange], Differ>

    /// How many commits are streamed.
    package let count: Int

    /// `ids` in the order the reader asks for them.
    package init(miner: Miner, ids: [ObjectID]) {
        let (path, searchParents) = (miner.path, miner.options.searchParents)
        self.path = path
        self.count = ids.count
        var position: [ObjectID: Int] = [:]
        for (i, id) in ids.enumerated() where position[id] == nil { position[id] = i }
        self.position = position
        // This thread's allocator arena keeps the pages its diffs freed (up to the trim threshold the allocator
        // is tuned to, ADR 0008) on top of the pass's memory: they are given back every `releaseEvery` diffs
        // (on git/git: peak 516 MiB without, against 451 MiB with one arena in all).
        stream = InOrderStream(
            count: ids.count, label: "yardstick fix diffs", lookahead: Self.lookahead, releaseEvery: Self.releaseEvery,
            makeWorker: { Differ() },
            work: { differ, i throws(GitError) in try differ.diff(ids[i], path: path, searchParents: searchParents) })
    }

    /// The diff of `id`; nil for a commit not streamed, or once an error was met.
    package func diff(for id: ObjectID) -> [FileChange]? {
        guard let i = position[id] else { return nil }
        return stream.item(at: i)
    }

    /// Stops the thread, closes the repository handles and returns the first error met and the seconds spent
    /// computing diffs.
    package func finish() -> (error: MiningError?, busySeconds: Double) {
        let (error, busy) = stream.finish()
        return (error.map { MiningError.git(path: path, $0) }, busy)
    }
}
