import Dispatch
import GitBridge
import Synchronization

/// Items a reader asks for one at a time in a known order (positions 0, 1, …), computed by one thread of the
/// stream's own (a serial queue's) in that order, at most `lookahead` ahead of the reader: the work takes a
/// core the reader leaves idle, and its results are never all held. The fix diffs and the traces of fixes
/// inside merged branches, both read by the single-threaded ownership pass (issue 11, ADR 0021, ADR 0025).
///
/// - The thread's state (`Worker`: repository handles, caches) is made on the thread by `makeWorker` and given
///   to each `work` call; an item asked for out of order (a position the reader passed) is computed on the
///   asking thread with a worker of its own.
/// - The first error stops the work: the items before it are still read, those after read as nil.
/// - `finish()` stops the thread and returns the first error and the time spent working.
final class InOrderStream<Item: Sendable, Worker>: @unchecked Sendable {
    // @unchecked: `Worker` (repository handles) is only touched by the stream's thread, or under `state`'s
    // lock for the out-of-order worker.

    private struct State {
        /// Items computed and not yet read, by position.
        var ready: [Int: Item] = [:]
        /// Positions below this were read or passed over by the reader.
        var next = 0
        var error: GitError?
        /// The position of the item that failed: those before it were computed and still read.
        var failedAt = Int.max
        /// Wall time spent working, in nanoseconds.
        var busy: UInt64 = 0
        var stopped = false
        /// The worker of items asked for out of order.
        var local: Worker?
    }

    private let count: Int
    private let lookahead: Int
    private let releaseEvery: Int
    private let makeWorker: @Sendable () -> Worker
    private let work: @Sendable (inout Worker, Int) throws(GitError) -> Item?
    private let state: Mutex<State>
    /// One signal per item computed (or per position given up, once an error or `finish` stops the thread).
    private let produced: [DispatchSemaphore]
    /// Free places in the window ahead of the reader.
    private let slots: DispatchSemaphore
    private let exited = DispatchSemaphore(value: 0)

    /// - Parameter releaseEvery: items computed between two returns of the thread's freed memory to the system
    ///   (its allocator arena keeps the pages otherwise, on top of the reader's memory).
    init(
        count: Int, label: String, lookahead: Int, releaseEvery: Int, makeWorker: @escaping @Sendable () -> Worker,
        work: @escaping @Sendable (inout Worker, Int) throws(GitError) -> Item?
    ) {
        self.count = count
        self.lookahead = lookahead
        self.releaseEvery = releaseEvery
        self.makeWorker = makeWorker
        self.work = work
        self.state = Mutex(State())
        self.produced = (0..<count).map { _ in DispatchSemaphore(value: 0) }
        self.slots = DispatchSemaphore(value: lookahead)
        DispatchQueue(label: label).async { [self] in produce() }
    }

    private func produce() {
        defer { exited.signal() }
        var worker = makeWorker()
        for i in 0..<count {
            slots.wait()
            if state.withLock({ $0.stopped || $0.error != nil }) {
                for rest in i..<count { produced[rest].signal() }
                return
            }
            let start = DispatchTime.now().uptimeNanoseconds
            let result: Result<Item?, GitError>
            do throws(GitError) {
                result = .success(try work(&worker, i))
            } catch {
                result = .failure(error)
            }
            if (i + 1) % releaseEvery == 0 { Allocator.releaseFreeMemory() }
            let took = DispatchTime.now().uptimeNanoseconds - start
            state.withLock { s in
                s.busy += took
                switch result {
                case .success(let item): if i >= s.next, let item { s.ready[i] = item }
                case .failure(let error): if s.error == nil { (s.error, s.failedAt) = (error, i) }
                }
            }
            produced[i].signal()
        }
    }

    /// The item at `position`; nil where `work` gave none, outside `0..<count`, or once an error was met.
    func item(at position: Int) -> Item? {
        guard position >= 0 && position < count else { return nil }
        let next = state.withLock { $0.next }
        guard position >= next else { return itemOutOfOrder(position) }
        // Positions passed over are taken from the window as they arrive, to keep it moving.
        for k in next...position {
            produced[k].wait()
            slots.signal()
        }
        return state.withLock { s in
            s.next = position + 1
            for k in next..<position { s.ready[k] = nil }
            guard position < s.failedAt else { return nil }
            return s.ready.removeValue(forKey: position)
        }
    }

    private func itemOutOfOrder(_ position: Int) -> Item? {
        state.withLock { s in
            guard s.error == nil else { return nil }
            let start = DispatchTime.now().uptimeNanoseconds
            defer { s.busy += DispatchTime.now().uptimeNanoseconds - start }
            var worker = s.local ?? makeWorker()
            defer { s.local = worker }
            do throws(GitError) {
                return try work(&worker, position)
            } catch {
                if s.error == nil { (s.error, s.failedAt) = (error, -1) }
                return nil
            }
        }
    }

    /// Stops the thread, lets the workers go and returns the first error met and the seconds spent working.
    func finish() -> (error: GitError?, busySeconds: Double) {
        state.withLock { $0.stopped = true }
        for _ in 0...lookahead { slots.signal() }
        exited.wait()
        return state.withLock { s in
            s.local = nil
            s.ready = [:]
            return (s.error, Double(s.busy) / 1e9)
        }
    }
}
