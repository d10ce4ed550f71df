import Dispatch
import Synchronization

/// Runs blocking work on Dispatch worker threads (never on Swift concurrency's cooperative pool), each
/// worker with a context of its own — a libgit2 repository handle — that never leaves its thread.
package enum Parallel {
    /// Maps `items` in order. Workers take chunks of `chunk` items from a shared counter, so slow items
    /// do not leave a worker idle. The first error stops the other workers and is rethrown. `progress` is
    /// told how much each finished chunk weighed (`weight` per item; 1 each by default).
    package static func map<T: Sendable, U: Sendable, Context>(
        _ items: [T],
        workers: Int,
        chunk: Int = 16,
        context: @Sendable () throws -> Context,
        progress: (@Sendable (Int) -> Void)? = nil,
        weight: (@Sendable (T) -> Int)? = nil,
        _ body: @Sendable (Context, T) throws -> U
    ) throws -> [U] {
        guard !items.isEmpty else { return [] }
        let next = Atomic<Int>(0)
        let stop = Atomic<Bool>(false)
        let results = Mutex<[(Int, [U])]>([])
        let failure = Mutex<(any Error)?>(nil)
        let threads = max(1, min(workers, (items.count + chunk - 1) / chunk))
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            do {
                let ctx = try context()
                while !stop.load(ordering: .relaxed) {
                    let start = next.add(chunk, ordering: .relaxed).oldValue
                    if start >= items.count { break }
                    let end = min(start + chunk, items.count)
                    var out: [U] = []
                    out.reserveCapacity(end - start)
                    for i in start..<end { out.append(try body(ctx, items[i])) }
                    results.withLock { $0.append((start, out)) }
                    if let progress {
                        progress(weight.map { w in (start..<end).reduce(0) { $0 + w(items[$1]) } } ?? end - start)
                    }
                }
            } catch {
                stop.store(true, ordering: .relaxed)
                failure.withLock { if $0 == nil { $0 = error } }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        let parts = results.withLock { $0 }.sorted { $0.0 < $1.0 }
        return parts.flatMap(\.1)
    }
}
