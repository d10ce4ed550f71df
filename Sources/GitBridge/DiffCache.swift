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
        /// A side's blob was absent and promised (`TreeDiffer.Content.missing`): read as binary.
        var missing: Bool
    }

    struct Lines {
        var isBinary: Bool
        var count: Int
        /// The blob was absent and promised: read as binary, no lines.
        var missing: Bool
    }

    private let pairs: Mutex<Generations<Pair, Counted>>
    /// Results whose counts are exact but whose hunks may sit elsewhere than xdiff would put them (common
    /// lines left out first): only for callers that want counts.
    private let countsOnly: Mutex<Generations<Pair, Counted>>
    private let blobs: Mutex<Generations<ObjectID, Lines>>
    /// Entries per generation: each table holds at most twice this many, however long the history. The miner
    /// diffs a merge and the commits it brings in together, so repeats come close together (ADR 0008).
    let capacity: Int

    package init(capacity: Int = 32_768) {
        self.capacity = capacity
        pairs = Mutex(Generations(capacity: capacity))
        countsOnly = Mutex(Generations(capacity: capacity))
        blobs = Mutex(Generations(capacity: capacity))
    }

    func counted(_ pair: Pair) -> Counted? { pairs.withLock { $0[pair] } }

    func store(_ pair: Pair, _ value: Counted) { pairs.withLock { $0[pair] = value } }

    /// A result with exact counts: exact hunks if known, else those of a trimmed diff.
    func countedLines(_ pair: Pair) -> Counted? { counted(pair) ?? countsOnly.withLock { $0[pair] } }

    func storeCountsOnly(_ pair: Pair, _ value: Counted) { countsOnly.withLock { $0[pair] = value } }

    func lines(_ id: ObjectID) -> Lines? { blobs.withLock { $0[id] } }

    func store(_ id: ObjectID, _ value: Lines) { blobs.withLock { $0[id] = value } }

    /// Forgets every entry (the miner's, once mining is done: what comes after diffs little).
    package func removeAll() {
        pairs.withLock { $0 = Generations(capacity: capacity) }
        countsOnly.withLock { $0 = Generations(capacity: capacity) }
        blobs.withLock { $0 = Generations(capacity: capacity) }
    }

    /// Entries held now, over all tables (for tests).
    var count: Int { pairs.withLock { $0.count } + countsOnly.withLock { $0.count } + blobs.withLock { $0.count } }
}

/// A bounded map that forgets in generations: new entries go to the current generation; when it is full it
/// becomes the previous one and the one before is dropped. A hit in the previous generation moves the entry
/// to the current one, so what is used often survives.
struct Generations<Key: Hashable, Value> {
    private var current: [Key: Value] = [:]
    private var previous: [Key: Value] = [:]
    let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    var count: Int { current.count + previous.count }

    subscript(key: Key) -> Value? {
        mutating get {
            if let hit = current[key] { return hit }
            guard let old = previous.removeValue(forKey: key) else { return nil }
            self[key] = old
            return old
        }
        set {
            guard let newValue else {
                current[key] = nil
                previous[key] = nil
                return
            }
            if current.count >= capacity && current[key] == nil {
                previous = current
                current = Dictionary(minimumCapacity: capacity)
            }
            current[key] = newValue
        }
    }
}
