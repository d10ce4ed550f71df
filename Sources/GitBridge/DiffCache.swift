internal import HistoryModel
internal import Synchronization

/// Line counts already computed, shared by every worker: the same blob pair is diffed again and again
/// (a commit on a branch, the branch's reviewed diff, the merge's diff against its first parent), and the
/// same blob is counted again when a file is added in one diff and deleted in another.
package final class DiffCache: Sendable {
    struct Pair: Hashable {
        var old: ObjectID
        var new: ObjectID
    }

    struct Counted {
        var isBinary: Bool
        var hunks: [Hunk]
    }

    struct Lines {
        var isBinary: Bool
        var count: Int
    }

    private let pairs = Mutex<[Pair: Counted]>([:])
    /// Results whose counts are exact but whose hunks may sit elsewhere than xdiff would put them (common
    /// lines left out first): only for callers that want counts.
    private let countsOnly = Mutex<[Pair: Counted]>([:])
    private let blobs = Mutex<[ObjectID: Lines]>([:])
    /// Entries kept per table before it is emptied; bounds memory on very long histories.
    let capacity: Int

    package init(capacity: Int = 400_000) {
        self.capacity = capacity
    }

    func counted(_ pair: Pair) -> Counted? { pairs.withLock { $0[pair] } }

    func store(_ pair: Pair, _ value: Counted) {
        pairs.withLock {
            if $0.count >= capacity { $0.removeAll(keepingCapacity: true) }
            $0[pair] = value
        }
    }

    /// A result with exact counts: exact hunks if known, else those of a trimmed diff.
    func countedLines(_ pair: Pair) -> Counted? { counted(pair) ?? countsOnly.withLock { $0[pair] } }

    func storeCountsOnly(_ pair: Pair, _ value: Counted) {
        countsOnly.withLock {
            if $0.count >= capacity { $0.removeAll(keepingCapacity: true) }
            $0[pair] = value
        }
    }

    func lines(_ id: ObjectID) -> Lines? { blobs.withLock { $0[id] } }

    func store(_ id: ObjectID, _ value: Lines) {
        blobs.withLock {
            if $0.count >= capacity { $0.removeAll(keepingCapacity: true) }
            $0[id] = value
        }
    }
}
