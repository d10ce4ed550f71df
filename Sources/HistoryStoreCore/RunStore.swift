public import HistoryModel

/// The store seam (ADR 0023): what a run and `yardstick history` need from a persistent store, for many
/// repositories in one store. Two backends implement it: one SQLite file (`HistoryStoreSQLite`, ADR 0019) and a
/// PostgreSQL database (`HistoryStorePostgres`). Both keep the same logical schema: per repository, the mined records
/// of its last run in chunks (valid for one record context) and one snapshot per run.
///
/// Everything a run writes goes in one transaction (`save`), so a run that dies leaves the store as it was. Every
/// error is a `StoreError`: one line naming the store (never a password) and what is wrong.
public protocol RunStore: AnyObject, Sendable {
    /// The store as messages name it: the file's path, or `postgres://user@host:port/database` (no password).
    var name: String { get }

    /// The repositories the store holds runs or records of, by key.
    func repositories() throws(StoreError) -> [StoredRepository]

    /// The records stored for `repository`, if they were written for `context`; empty otherwise (they are then
    /// replaced whole by the next `save`).
    func records(repository: RepositoryKey, context: String) throws(StoreError) -> StoredRecords

    /// The repository's newest run that kept its whole report, when its snapshot key is `snapshotKey` (any key
    /// when nil). The key is compared before the report is read.
    func latestRun(repository: RepositoryKey, snapshotKey: String?) throws(StoreError) -> StoredRun?

    /// Every run of the repository, oldest first (the whole report only for the newest).
    func runs(repository: RepositoryKey) throws(StoreError) -> [StoredRun]

    /// Writes one run in one transaction: its snapshot, and its records as the repository's stored set (`used` are
    /// the stored records it read, `mined` those it mined). Two saves of one repository never interleave. `pause`
    /// (seconds) is slept inside the transaction, after a line on standard error, for the tests that kill a run.
    func save(
        repository: RepositoryKey, run: StoredRun, context: String, loaded: StoredRecords, used: Set<RecordKey>,
        mined: MinedRecords, pause: Double
    ) throws(StoreError)

    /// Records a run that returned the newest run's report unchanged: a run of its own, with that run's metrics and
    /// no report of its own.
    func saveReuse(repository: RepositoryKey, of run: StoredRun, time: Int64) throws(StoreError)

    /// State a run keeps for the next one besides records and snapshots (ADR 0019), by name: the data kept for
    /// every context (what it is valid for, e.g. a git directory).
    func states(_ name: String) throws(StoreError) -> [String: [UInt8]]

    /// Keeps `data` under `name` for `context`, replacing what was there, in a transaction of its own.
    func setState(_ name: String, context: String, data: [UInt8]) throws(StoreError)

    /// Housekeeping after a save (SQLite: empties its write-ahead log); never fails a run.
    func checkpoint()

    /// Releases the connection (a no-op where there is none to release). The store is not used afterwards.
    func close()
}

/// A repository's key in a store: the name the user gives (`--repository-name`), else the real path of the
/// repository's working folder (of its git folder when it is bare). The key names the repository in every table;
/// the runs of a store written before keys existed belong to the empty key until a repository claims them
/// (HistoryStoreSQLite).
public struct RepositoryKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let value: String

    public init(_ value: String) { self.value = value }

    public var description: String { value.isEmpty ? "(the store's repository from before keys)" : value }

    public static func < (a: RepositoryKey, b: RepositoryKey) -> Bool { a.value < b.value }

    /// The key of the repository whose git folder is `gitDirectory` (a real path): its working folder, the git
    /// folder without its final `.git`, or the git folder itself when bare.
    public static func of(gitDirectory: String) -> RepositoryKey {
        var path = gitDirectory
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        if path.hasSuffix("/.git") && path.count > 5 { path.removeLast(5) }
        return RepositoryKey(path)
    }
}

/// One repository of a store, as `repositories()` lists it.
public struct StoredRepository: Sendable, Equatable {
    public var key: RepositoryKey
    /// How many runs the store holds of it.
    public var runs: Int
    /// The time (seconds since 1970, UTC) of its newest run; nil without runs.
    public var newestRunTime: Int64?

    public init(key: RepositoryKey, runs: Int, newestRunTime: Int64?) {
        self.key = key
        self.runs = runs
        self.newestRunTime = newestRunTime
    }
}

/// A record's key in the store: the commit and the role it was mined in.
public struct RecordKey: Hashable, Comparable, Sendable {
    public var id: ObjectID
    public var onMainline: Bool

    public init(id: ObjectID, onMainline: Bool) {
        self.id = id
        self.onMainline = onMainline
    }

    public static func < (a: RecordKey, b: RecordKey) -> Bool {
        a.id != b.id ? a.id < b.id : (!a.onMainline && b.onMainline)
    }
}

/// The records read from the store, by commit and role: the checked chunks, each record decoded only when a
/// run takes it.
public struct StoredRecords: Sendable {
    /// The repository's record generation when read: a save compares it to tell whether another run wrote in
    /// between.
    package let generation: Int64
    private var chunks: [RecordChunk.Indexed] = []
    /// Where each record is: chunk and entry, for records mined on the first-parent line (with hunks) and off it.
    private var onMainline: [ObjectID: (chunk: Int32, entry: Int32)] = [:]
    private var offMainline: [ObjectID: (chunk: Int32, entry: Int32)] = [:]

    package init(generation: Int64) { self.generation = generation }

    /// An empty set, for a run without a store.
    public init() { generation = -1 }

    public var count: Int { onMainline.count + offMainline.count }

    package mutating func add(_ chunk: RecordChunk.Indexed) {
        let c = Int32(chunks.count)
        chunks.append(chunk)
        for (i, entry) in chunk.entries.enumerated() {
            if entry.onMainline {
                onMainline[entry.id] = (c, Int32(i))
            } else {
                offMainline[entry.id] = (c, Int32(i))
            }
        }
    }

    /// Adds a stored chunk blob (compressed `RecordChunk`); a damaged one is a `StoreError` naming the chunk.
    package mutating func add(blob: [UInt8], chunkID: Int64, store: String, hint: String) throws(StoreError) {
        do {
            guard let bytes = Compression.decompress(blob) else {
                throw RecordChunk.Malformed(description: "not a compressed chunk")
            }
            add(try RecordChunk.Indexed(bytes))
        } catch {
            throw StoreError(store: store, "record chunk \(chunkID) is damaged (\(error)); \(hint)")
        }
    }

    public func contains(_ id: ObjectID, onMainline main: Bool) -> Bool {
        (main ? onMainline[id] : offMainline[id]) != nil
    }

    public func record(_ id: ObjectID, onMainline main: Bool) -> CommitRecord? {
        guard let at = main ? onMainline[id] : offMainline[id] else { return nil }
        return chunks[Int(at.chunk)].record(at: Int(at.entry))
    }
}

/// What a save writes to a repository's record set, the same for every backend: either the mined records appended
/// as one chunk (the stored set is exactly what the run read), or the whole set rewritten as the run's records
/// (another context, records the run did not use, another run's save in between).
package struct RecordSetWrite {
    /// Records per chunk when the record set is written whole.
    package static let recordsPerChunk = 4096

    /// Whether the stored chunks are deleted first.
    package var rewrite: Bool
    /// The chunks to insert, compressed, with their record counts.
    package var chunks: [(records: Int, blob: [UInt8])]
    /// The repository's record generation after the save.
    package var generation: Int64
    /// Whether the record context and generation change.
    package var changesRecords: Bool { rewrite || !chunks.isEmpty }

    package init(
        storedContext: String?, storedGeneration: Int64, context: String, loaded: StoredRecords, used: Set<RecordKey>,
        mined: MinedRecords
    ) {
        let appendOnly = storedContext == context && storedGeneration == loaded.generation && used.count == loaded.count
        rewrite = !appendOnly
        chunks = []
        generation = storedGeneration
        // Records are decoded one chunk at a time, never all at once (ADR 0010: a first run's records are the
        // whole history); the chunks are those of the used records (in key order) and the mined ones, cut every
        // `recordsPerChunk`.
        func add(_ part: [(record: CommitRecord, onMainline: Bool)]) {
            chunks.append((part.count, Compression.compress(RecordChunk.encode(part))))
        }
        if rewrite {
            let usedKeys = used.sorted().filter { loaded.contains($0.id, onMainline: $0.onMainline) }
            let total = usedKeys.count + mined.count
            for start in stride(from: 0, to: total, by: Self.recordsPerChunk) {
                let end = min(total, start + Self.recordsPerChunk)
                var part: [(record: CommitRecord, onMainline: Bool)] = []
                part.reserveCapacity(end - start)
                for key in usedKeys[min(start, usedKeys.count)..<min(end, usedKeys.count)] {
                    if let r = loaded.record(key.id, onMainline: key.onMainline) { part.append((r, key.onMainline)) }
                }
                let minedStart = max(start, usedKeys.count) - usedKeys.count
                let minedEnd = end - usedKeys.count
                if minedEnd > minedStart { part += mined.records(minedStart..<minedEnd) }
                add(part)
            }
        } else if mined.count > 0 {
            add(mined.records(0..<mined.count))
        }
        if rewrite || !chunks.isEmpty { generation += 1 }
    }
}

/// The records a run mined, as a save takes them: by key, each decoded when its chunk is written, so that a
/// first run (the whole history) never holds them all as values at once (ADR 0010).
public struct MinedRecords: Sendable, ExpressibleByArrayLiteral {
    /// The records' keys, in the order they are stored.
    public let keys: [RecordKey]
    private let read: @Sendable (Range<Int>) -> [CommitRecord]

    public var count: Int { keys.count }

    /// Records read on demand: `read(range)` returns the records of `keys[range]`, in order.
    public init(keys: [RecordKey], read: @escaping @Sendable (Range<Int>) -> [CommitRecord]) {
        self.keys = keys
        self.read = read
    }

    /// Records held as values.
    public init(_ records: [(record: CommitRecord, onMainline: Bool)]) {
        keys = records.map { RecordKey(id: $0.record.id, onMainline: $0.onMainline) }
        let values = records.map(\.record)
        read = { range in Array(values[range]) }
    }

    public init(arrayLiteral elements: (record: CommitRecord, onMainline: Bool)...) { self.init(elements) }

    /// The records of `keys[range]` with their roles (a key whose record cannot be read is left out).
    public func records(_ range: Range<Int>) -> [(record: CommitRecord, onMainline: Bool)] {
        var records = read(range)[...]
        var out: [(record: CommitRecord, onMainline: Bool)] = []
        out.reserveCapacity(records.count)
        for key in keys[range] {
            guard let next = records.first, next.id == key.id else { continue }
            out.append((next, key.onMainline))
            records = records.dropFirst()
        }
        return out
    }
}

/// One run's snapshot.
public struct StoredRun: Sendable {
    /// The run's number in the store (0 before it is saved).
    public var id: Int64 = 0
    /// Seconds since 1970 (UTC) when the run was saved.
    public var time: Int64
    public var head: String
    public var branch: String
    /// The run's options, as JSON (what the snapshot key digests, readable).
    public var options: String
    public var configDigest: String?
    public var toolVersion: String
    /// Digest of everything the report depends on besides the history's records; equal keys, equal reports.
    public var snapshotKey: String
    public var recordsMined: Int
    public var recordsReused: Int
    /// The report's JSON without its pull requests: the groups' metrics, kept for every run.
    public var metrics: [UInt8]
    /// The report's JSON, as `--format json` writes it; kept for the newest run only.
    public var report: [UInt8]?

    public init(
        time: Int64, head: String, branch: String, options: String, configDigest: String?, toolVersion: String,
        snapshotKey: String, recordsMined: Int, recordsReused: Int, metrics: [UInt8], report: [UInt8]?
    ) {
        self.time = time
        self.head = head
        self.branch = branch
        self.options = options
        self.configDigest = configDigest
        self.toolVersion = toolVersion
        self.snapshotKey = snapshotKey
        self.recordsMined = recordsMined
        self.recordsReused = recordsReused
        self.metrics = metrics
        self.report = report
    }

    /// A stored blob (metrics or report) decompressed; a damaged one is a `StoreError` naming the run.
    package static func expand(
        _ blob: [UInt8]?, column: String, run id: Int64, store: String, hint: String
    ) throws(StoreError) -> [UInt8]? {
        guard let blob else { return nil }
        guard let bytes = Compression.decompress(blob) else {
            throw StoreError(store: store, "the \(column) of run \(id) is damaged; \(hint)")
        }
        return bytes
    }
}

/// A store that cannot be used, in one line naming the store (its file, or host and database, never a password):
/// the error the CLI prints.
public struct StoreError: Error, CustomStringConvertible {
    /// The store's name (`RunStore.name`).
    public let store: String
    public let message: String

    public var description: String { "\(store): \(message)" }

    package init(store: String, _ message: String) {
        self.store = store
        self.message = message
    }
}
