import Dispatch
import GitBridge
package import HistoryModel
import Synchronization

/// Fix commits' significant diffs (`Miner.significantDiffs`), for the ownership pass, which reads them one at a
/// time in first-parent order (issue 11).
///
/// One thread of the stream's own (a serial queue's) computes them in that order, at most `lookahead` ahead of the pass, so that
/// the diffs take the core the single-threaded pass leaves idle and are never all held. Measured on git/git
/// (ADR 0021): computing them on the mining workers beside the pass, many ahead, raised the peak memory (each
/// thread's allocator arena keeps its freed pages); one thread and a short window do not. A diff the pass asks
/// for out of that order (none does today) is computed on the asking thread. Nothing is kept after a diff is
/// returned but the repository handles, reopened every `recycle` diffs. `finish()` stops the thread, closes the
/// handles and returns the first error met (a failed diff reads as nil).
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

    private struct State {
        /// Diffs computed and not yet read, by position in `order`.
        var ready: [Int: [FileChange]] = [:]
        /// Positions below this were read or passed over by the reader.
        var next = 0
        var error: MiningError?
        /// The position of the diff that failed: those before it were computed and still read.
        var failedAt = Int.max
        /// Wall time spent computing diffs, in nanoseconds.
        var busy: UInt64 = 0
        var stopped = false
        /// The differ of diffs asked for out of order.
        var local = Differ()
    }

    /// Diffs computed with one repository handle before a fresh one is opened (its caches stay bounded).
    static let recycle = 256
    /// Diffs computed ahead of the reader at most.
    static let lookahead = 16
    /// Diffs computed between two returns of freed memory to the system.
    static let releaseEvery = 128

    private let path: String
    private let searchParents: Bool
    private let order: [ObjectID]
    private let position: [ObjectID: Int]
    private let state = Mutex(State())
    /// One signal per diff computed (or per position given up, once an error or `finish` stops the thread).
    private let produced: [DispatchSemaphore]
    /// Free places in the window ahead of the reader.
    private let slots = DispatchSemaphore(value: SignificantDiffStream.lookahead)
    private let exited = DispatchSemaphore(value: 0)

    /// How many commits are streamed.
    package var count: Int { order.count }

    /// `ids` in the order the reader asks for them.
    package init(miner: Miner, ids: [ObjectID]) {
        self.path = miner.path
        self.searchParents = miner.options.searchParents
        self.order = ids
        var position: [ObjectID: Int] = [:]
        for (i, id) in ids.enumerated() where position[id] == nil { position[id] = i }
        self.position = position
        self.produced = ids.map { _ in DispatchSemaphore(value: 0) }
        DispatchQueue(label: "yardstick fix diffs").async { [self] in produce() }
    }

    private func produce() {
        defer { exited.signal() }
        var differ = Differ()
        for i in order.indices {
            slots.wait()
            if state.withLock({ $0.stopped || $0.error != nil }) {
                for rest in i..<order.count { produced[rest].signal() }
                return
            }
            let start = DispatchTime.now().uptimeNanoseconds
            let result: Result<[FileChange]?, GitError>
            do throws(GitError) {
                result = .success(try differ.diff(order[i], path: path, searchParents: searchParents))
            } catch {
                result = .failure(error)
            }
            // This thread's allocator arena keeps the pages its diffs freed (up to the trim threshold the
            // allocator is tuned to, ADR 0008) on top of the pass's memory: they are given back every
            // `releaseEvery` diffs (on git/git: peak 516 MiB without, against 451 MiB with one arena in all). Each
            // trim walks every arena's free chunks (about 8 ms on git/git): every 128 diffs instead of 32 took
            // the stream from 3.1 to 2.5 s, the peak unchanged (ADR 0021).
            if (i + 1) % Self.releaseEvery == 0 { Allocator.releaseFreeMemory() }
            let took = DispatchTime.now().uptimeNanoseconds - start
            state.withLock { s in
                s.busy += took
                switch result {
                case .success(let diff): if i >= s.next, let diff { s.ready[i] = diff }
                case .failure(let error):
                    if s.error == nil { (s.error, s.failedAt) = (.git(path: path, error), i) }
                }
            }
            produced[i].signal()
        }
    }

    /// The diff of `id`; nil for a commit not streamed, or once an error was met.
    package func diff(for id: ObjectID) -> [FileChange]? {
        guard let i = position[id] else { return nil }
        let next = state.withLock { $0.next }
        guard i >= next else { return diffOutOfOrder(id) }
        // Positions passed over are taken from the window as they arrive, to keep it moving.
        for k in next...i {
            produced[k].wait()
            slots.signal()
        }
        return state.withLock { s in
            s.next = i + 1
            for k in next..<i { s.ready[k] = nil }
            guard i < s.failedAt else { return nil }
            return s.ready.removeValue(forKey: i)
        }
    }

    private func diffOutOfOrder(_ id: ObjectID) -> [FileChange]? {
        state.withLock { s in
            guard s.error == nil else { return nil }
            let start = DispatchTime.now().uptimeNanoseconds
            defer { s.busy += DispatchTime.now().uptimeNanoseconds - start }
            do throws(GitError) {
                return try s.local.diff(id, path: path, searchParents: searchParents)
            } catch {
                if s.error == nil { (s.error, s.failedAt) = (.git(path: path, error), -1) }
                return nil
            }
        }
    }

    /// Stops the thread, closes the repository handles and returns the first error met and the seconds spent
    /// computing diffs.
    package func finish() -> (error: MiningError?, busySeconds: Double) {
        state.withLock { $0.stopped = true }
        for _ in 0...Self.lookahead { slots.signal() }
        exited.wait()
        return state.withLock { s in
            s.local = Differ()
            s.ready = [:]
            return (s.error, Double(s.busy) / 1e9)
        }
    }
}
