import Dispatch
import GitBridge
package import HistoryModel
import Synchronization

/// Fix commits' significant diffs (`Miner.significantDiffs`), computed on worker threads a bounded number of
/// commits ahead of the reader instead of all at once and held: the ownership pass asks for them oldest
/// first, as it reaches each fix, and each diff is dropped when it has been read (issue 11: on git/git the
/// 2,507 diffs held together raised the peak memory by about 120 MiB).
///
/// `ids` is the order the reader asks in; it may skip commits (each skipped diff is dropped) but not go back.
/// `finish()` stops the workers and waits for them; it must be called once reading is done, and returns the
/// first error a worker met, if any (a failed diff reads as nil).
package final class SignificantDiffStream: Sendable {
    private struct State {
        /// Computed and not yet read, by position in `ids`.
        var ready: [Int: [FileChange]] = [:]
        /// Positions before this one were read or skipped.
        var passed = 0
        var error: MiningError?
        /// Wall time the workers spent computing, in nanoseconds.
        var busy: UInt64 = 0
    }

    private let ids: [ObjectID]
    /// How many commits are streamed.
    package var count: Int { ids.count }
    private let position: [ObjectID: Int]
    private let state = Mutex(State())
    private let next = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)
    /// One permit per diff that may be computed ahead of the reader (created empty and signalled: Dispatch
    /// refuses to free a semaphore whose count is below the one it was created with).
    private let room = DispatchSemaphore(value: 0)
    /// Signalled whenever a diff is stored or a worker fails.
    private let stored = DispatchSemaphore(value: 0)
    private let done = DispatchGroup()
    private let workers: Int

    /// Starts `workers` threads computing the diffs of `ids` in order, at most `ahead` past the reader.
    package init(miner: Miner, ids: [ObjectID], workers: Int, ahead: Int = 64) {
        self.ids = ids
        self.position = Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        for _ in 0..<max(1, ahead) { room.signal() }
        self.workers = max(1, min(workers, ids.count))
        guard !ids.isEmpty else { return }
        let path = miner.path
        let search = miner.options.searchParents
        let cache = DiffCache()
        for _ in 0..<self.workers {
            DispatchQueue.global().async(group: done) { [self] in
                produce(path: path, searchParents: search, cache: cache)
            }
        }
    }

    private func produce(path: String, searchParents: Bool, cache: DiffCache) {
        do throws(GitError) {
            let repository = try Repository(path: path, searchParents: searchParents)
            let differ = try TreeDiffer(repository: repository, cache: cache, significantLinesOnly: true)
            let mailmap = try Mailmap(contents: nil)
            while true {
                room.wait()
                if stopped.load(ordering: .relaxed) { return }
                let index = next.add(1, ordering: .relaxed).oldValue
                guard index < ids.count else { return }
                let start = DispatchTime.now().uptimeNanoseconds
                let header = try repository.commitHeader(ids[index], mailmap: mailmap)
                let diff = try differ.diff(base: header.parents.first, tip: ids[index])
                let spent = DispatchTime.now().uptimeNanoseconds - start
                state.withLock {
                    $0.busy += spent
                    if index >= $0.passed { $0.ready[index] = diff }
                }
                stored.signal()
            }
        } catch {
            let failure = MiningError.git(path: path, error)
            state.withLock { if $0.error == nil { $0.error = failure } }
            stopped.store(true, ordering: .relaxed)
            stored.signal()
        }
    }

    /// The diff of `id`, waiting for it if a worker has not finished it yet; nil for a commit not streamed (or
    /// asked out of order), or after a worker failed. Every streamed commit before `id` is dropped.
    package func diff(for id: ObjectID) -> [FileChange]? {
        guard let index = position[id] else { return nil }
        let skipped: Int? = state.withLock { s in
            guard index >= s.passed else { return nil }
            let count = index - s.passed
            for i in s.passed..<index { s.ready[i] = nil }
            s.passed = index
            return count
        }
        guard let skipped else { return nil }
        for _ in 0..<skipped { room.signal() }
        while true {
            let result: (diff: [FileChange]?, final: Bool) = state.withLock { s in
                if let diff = s.ready.removeValue(forKey: index) {
                    s.passed = index + 1
                    return (diff, true)
                }
                return (nil, s.error != nil)
            }
            if result.final {
                if result.diff != nil { room.signal() }
                return result.diff
            }
            stored.wait()
        }
    }

    /// Stops the workers, waits for them and returns the first error met; the seconds the workers spent
    /// computing diffs (summed over workers) go to `busy`.
    package func finish() -> (error: MiningError?, busySeconds: Double) {
        stopped.store(true, ordering: .relaxed)
        for _ in 0..<workers { room.signal() }
        done.wait()
        return state.withLock { s in
            s.ready = [:]
            return (s.error, Double(s.busy) / 1e9)
        }
    }
}
