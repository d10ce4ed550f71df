import Dispatch
import GitBridge
package import HistoryModel
import Synchronization

/// Fix commits' significant diffs (`Miner.significantDiffs`), computed one at a time when the ownership pass
/// reaches each fix, on the pass's own thread, instead of all at once before it and held (issue 11).
///
/// Measured on git/git (ADR 0021): computing them on worker threads beside the pass raised the peak memory
/// (each thread's allocator arena keeps its freed pages, and the pass's memory and the diffs' then add up),
/// so they are computed where they are read. A diff is asked for at most once; nothing is kept after it is
/// returned but one repository handle, reopened every `recycle` diffs. `finish()` closes it and returns the
/// first error met (a failed diff reads as nil).
package final class SignificantDiffStream: Sendable {
    private struct State {
        var repository: Repository?
        var differ: TreeDiffer?
        var mailmap: Mailmap?
        var done = 0
        var error: MiningError?
        /// Wall time spent computing diffs, in nanoseconds.
        var busy: UInt64 = 0
    }

    /// Diffs computed with one repository handle before a fresh one is opened (its caches stay bounded).
    static let recycle = 256

    private let path: String
    private let searchParents: Bool
    private let streamed: Set<ObjectID>
    private let state = Mutex(State())

    /// How many commits are streamed.
    package var count: Int { streamed.count }

    package init(miner: Miner, ids: [ObjectID]) {
        self.path = miner.path
        self.searchParents = miner.options.searchParents
        self.streamed = Set(ids)
    }

    /// The diff of `id`; nil for a commit not streamed, or once an error was met.
    package func diff(for id: ObjectID) -> [FileChange]? {
        guard streamed.contains(id) else { return nil }
        return state.withLock { s in
            guard s.error == nil else { return nil }
            let start = DispatchTime.now().uptimeNanoseconds
            defer { s.busy += DispatchTime.now().uptimeNanoseconds - start }
            do throws(GitError) {
                if s.differ == nil || s.done >= Self.recycle {
                    (s.differ, s.repository) = (nil, nil)
                    let repository = try Repository(path: path, searchParents: searchParents)
                    // A cache of its own, and small: fixes rarely share a blob pair.
                    s.differ = try TreeDiffer(
                        repository: repository, cache: DiffCache(capacity: 64), significantLinesOnly: true)
                    s.repository = repository
                    s.done = 0
                }
                if s.mailmap == nil { s.mailmap = try Mailmap(contents: nil) }
                guard let repository = s.repository, let differ = s.differ, let mailmap = s.mailmap else {
                    return nil
                }
                s.done += 1
                let header = try repository.commitHeader(id, mailmap: mailmap)
                return try differ.diff(base: header.parents.first, tip: id)
            } catch {
                s.error = .git(path: path, error)
                return nil
            }
        }
    }

    /// Closes the repository handle and returns the first error met and the seconds spent computing diffs.
    package func finish() -> (error: MiningError?, busySeconds: Double) {
        state.withLock { s in
            (s.differ, s.repository) = (nil, nil)
            return (s.error, Double(s.busy) / 1e9)
        }
    }
}
