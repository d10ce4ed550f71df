internal import Foundation
internal import GRDB
public import HistoryModel

/// The persistent store for nightly runs (ADR 0019): one SQLite file (WAL journal) holding
///
/// - the mined records of the last run, in chunks (`RecordChunk`), valid for one *record context* (the digest
///   of what a record depends on besides its commit: `.mailmap`, shallow boundaries, the encoding);
/// - one snapshot per run: time, head, branch, options, configuration digest, tool version, mined and reused
///   record counts, and the report's JSON.
///
/// Everything a run writes goes in one transaction at its end, so a run that is interrupted, killed or that
/// fails leaves the store as it was. The schema is versioned by GRDB migrations; the file is marked with
/// SQLite's `application_id` so that a foreign database is refused rather than changed.
public final class HistoryDatabase: Sendable {
    /// `YSK1`: the SQLite application id of a Yardstick store.
    static let applicationID: Int32 = 0x5953_4B31
    /// Records per chunk when the record set is written whole.
    static let recordsPerChunk = 4096

    public let path: String
    let queue: DatabaseQueue
    let busyTimeout: Double

    /// Opens (creating if needed) the store at `path`. With `rebuild`, whatever is at `path` is removed first
    /// (with its `-wal` and `-shm` files). A second run on the same store waits up to `busyTimeout` seconds for
    /// the first run's transaction, then fails with a message naming the store.
    public init(path: String, busyTimeout: Double = 60, rebuild: Bool = false) throws(StoreError) {
        self.path = path
        self.busyTimeout = busyTimeout
        // Only a regular file (or nothing) can be a store: a directory, a device such as /dev/null, a FIFO, a
        // socket or a symbolic link is refused before anything is opened, and `rebuild` never removes one.
        var info = stat()
        if lstat(path, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFDIR: throw StoreError(path: path, "is a directory, not a store file")
            case S_IFLNK: throw StoreError(path: path, "is a symbolic link; name the store file itself")
            default: throw StoreError(path: path, "is not a regular file (a device, FIFO or socket), not a store file")
            }
        }
        if rebuild {
            for suffix in ["", "-wal", "-shm"] {
                var side = stat()
                if lstat(path + suffix, &side) == 0, side.st_mode & S_IFMT == S_IFREG {
                    try? FileManager.default.removeItem(atPath: path + suffix)
                }
            }
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.writeWithoutTransaction { db in
                let id = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                if id != Self.applicationID {
                    let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
                    guard id == 0 && tables == 0 else {
                        throw StoreError(
                            path: path,
                            "is not a Yardstick store (another SQLite database); name another file, or delete it or use --rebuild-store to replace it"
                        )
                    }
                    try db.execute(sql: "PRAGMA application_id = \(Self.applicationID)")
                }
            }
            let migrator = Self.migrator
            try queue.read { db in
                if try migrator.hasBeenSuperseded(db) {
                    throw StoreError(
                        path: path,
                        "was written by a newer Yardstick (unknown schema); use that version or --rebuild-store")
                }
            }
            try migrator.migrate(queue)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(path: path, error, busyTimeout: busyTimeout)
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "info") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
            try db.create(table: "chunk") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("records", .integer).notNull()
                t.column("data", .blob).notNull()
            }
            try db.create(table: "run") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("time", .integer).notNull()
                t.column("head", .text).notNull()
                t.column("branch", .text).notNull()
                t.column("options", .text).notNull()
                t.column("configDigest", .text)
                t.column("toolVersion", .text).notNull()
                t.column("snapshotKey", .text).notNull().indexed()
                t.column("recordsMined", .integer).notNull()
                t.column("recordsReused", .integer).notNull()
                // The report without its pull requests (the groups' metrics, for `yardstick history`), and the whole
                // report for the newest run only (what a rerun with nothing new returns).
                t.column("metrics", .blob).notNull()
                t.column("report", .blob)
            }
        }
        registerStateMigration(&migrator)
        return migrator
    }

    // MARK: Records

    /// The stored records, if they were written for `context`; empty otherwise (they are then replaced whole
    /// by the next `save`).
    public func records(context: String) throws(StoreError) -> StoredRecords {
        do {
            return try queue.read { db in
                let stored = try String.fetchOne(db, sql: "SELECT value FROM info WHERE key = 'recordContext'")
                let generation = try String.fetchOne(db, sql: "SELECT value FROM info WHERE key = 'generation'") ?? "0"
                var result = StoredRecords(generation: generation)
                guard stored == context else { return result }
                let rows = try Row.fetchCursor(db, sql: "SELECT id, data FROM chunk ORDER BY id")
                while let row = try rows.next() {
                    let data: Data = row["data"]
                    let chunk: RecordChunk.Indexed
                    do {
                        guard let bytes = Compression.decompress(Array(data)) else {
                            throw RecordChunk.Malformed(description: "not a compressed chunk")
                        }
                        chunk = try RecordChunk.Indexed(bytes)
                    } catch {
                        let id: Int64 = row["id"]
                        throw StoreError(
                            path: path,
                            "record chunk \(id) is damaged (\(error)); delete the file or use --rebuild-store")
                    }
                    result.add(chunk)
                }
                return result
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(path: path, error, busyTimeout: busyTimeout)
        }
    }

    // MARK: Runs

    /// The run that kept its whole report (the newest full run), when its snapshot key is this one. The key is
    /// compared before the report is read.
    public func latestRun(snapshotKey: String) throws(StoreError) -> StoredRun? {
        let path = self.path
        return try reading { db in
            guard
                let newest = try Row.fetchOne(
                    db, sql: "SELECT id, snapshotKey FROM run WHERE report IS NOT NULL ORDER BY id DESC LIMIT 1"),
                newest["snapshotKey"] as String == snapshotKey,
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM run WHERE id = ?", arguments: [newest["id"] as Int64])
            else { return nil }
            return try StoredRun(row: row, path: path)
        }
    }

    /// Every run, oldest first (the whole report only for the newest).
    public func runs() throws(StoreError) -> [StoredRun] {
        let path = self.path
        return try reading { db in
            try Row.fetchAll(db, sql: "SELECT * FROM run ORDER BY id").map { try StoredRun(row: $0, path: path) }
        }
    }

    /// Writes one run in one transaction: its snapshot, and its records as the stored set (`used` are the stored
    /// records it read, `mined` those it mined). When the stored set is exactly what the run read, the mined
    /// records are appended as one chunk; otherwise (another context, records the run did not use, another
    /// run's save in between) the set is rewritten as the run's records. `pause` (seconds) is slept inside the
    /// transaction, after a line on standard error, for the tests that kill a run there.
    public func save(
        run: StoredRun, context: String, loaded: StoredRecords, used: Set<RecordKey>,
        mined: [(record: CommitRecord, onMainline: Bool)], pause: Double = 0
    ) throws(StoreError) {
        do {
            try queue.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    let stored = try String.fetchOne(db, sql: "SELECT value FROM info WHERE key = 'recordContext'")
                    let generation =
                        try String.fetchOne(db, sql: "SELECT value FROM info WHERE key = 'generation'") ?? "0"
                    let appendOnly = stored == context && generation == loaded.generation && used.count == loaded.count
                    if !appendOnly {
                        try db.execute(sql: "DELETE FROM chunk")
                        var all: [(record: CommitRecord, onMainline: Bool)] = []
                        for key in used.sorted() {
                            if let r = loaded.record(key.id, onMainline: key.onMainline) {
                                all.append((r, key.onMainline))
                            }
                        }
                        all.append(contentsOf: mined)
                        for start in stride(from: 0, to: all.count, by: Self.recordsPerChunk) {
                            let part = all[start..<min(all.count, start + Self.recordsPerChunk)]
                            try insertChunk(db, part)
                        }
                    } else if !mined.isEmpty {
                        try insertChunk(db, mined[...])
                    }
                    if !appendOnly || !mined.isEmpty {
                        let next = String((Int(generation) ?? 0) + 1)
                        try db.execute(
                            sql:
                                "INSERT OR REPLACE INTO info(key, value) VALUES ('recordContext', ?), ('generation', ?)",
                            arguments: [context, next])
                    }
                    try db.execute(sql: "UPDATE run SET report = NULL WHERE report IS NOT NULL")
                    try db.execute(
                        sql: """
                            INSERT INTO run(time, head, branch, options, configDigest, toolVersion, snapshotKey,
                                recordsMined, recordsReused, metrics, report)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            run.time, run.head, run.branch, run.options, run.configDigest, run.toolVersion,
                            run.snapshotKey, run.recordsMined, run.recordsReused,
                            Data(Compression.compress(run.metrics)), run.report.map { Data(Compression.compress($0)) },
                        ])
                    if pause > 0 {
                        FileHandle.standardError.write(
                            Data("yardstick: test pause inside the store transaction\n".utf8))
                        Thread.sleep(forTimeInterval: pause)
                    }
                    return .commit
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(path: path, error, busyTimeout: busyTimeout)
        }
    }

    /// Records a run that returned the newest run's report unchanged: a run of its own, with that run's metrics,
    /// and no report of its own (the newest report stays where it is).
    public func saveReuse(of run: StoredRun, time: Int64) throws(StoreError) {
        do {
            try queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO run(time, head, branch, options, configDigest, toolVersion, snapshotKey,
                            recordsMined, recordsReused, metrics, report)
                        SELECT ?, head, branch, options, configDigest, toolVersion, snapshotKey, 0, 0, metrics, NULL
                        FROM run WHERE id = ?
                        """, arguments: [time, run.id])
            }
        } catch {
            throw StoreError(path: path, error, busyTimeout: busyTimeout)
        }
    }

    private func insertChunk(_ db: Database, _ records: ArraySlice<(record: CommitRecord, onMainline: Bool)>) throws {
        try db.execute(
            sql: "INSERT INTO chunk(records, data) VALUES (?, ?)",
            arguments: [records.count, Data(Compression.compress(RecordChunk.encode(records)))])
    }

    func reading<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try queue.read(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(path: path, error, busyTimeout: busyTimeout)
        }
    }

    /// `PRAGMA integrity_check`'s answer (`ok` for a sound file), for tests and `--check`-style diagnostics.
    public func integrityCheck() throws(StoreError) -> String {
        try reading { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ") }
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
    /// The store's generation when read: a save compares it to tell whether another run wrote in between.
    let generation: String
    private var chunks: [RecordChunk.Indexed] = []
    /// Where each record is: chunk and entry, for records mined on the first-parent line (with hunks) and off it.
    private var onMainline: [ObjectID: (chunk: Int32, entry: Int32)] = [:]
    private var offMainline: [ObjectID: (chunk: Int32, entry: Int32)] = [:]

    init(generation: String) { self.generation = generation }

    /// An empty set, for a run without a store.
    public init() { generation = "" }

    public var count: Int { onMainline.count + offMainline.count }

    mutating func add(_ chunk: RecordChunk.Indexed) {
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

    public func contains(_ id: ObjectID, onMainline main: Bool) -> Bool {
        (main ? onMainline[id] : offMainline[id]) != nil
    }

    public func record(_ id: ObjectID, onMainline main: Bool) -> CommitRecord? {
        guard let at = main ? onMainline[id] : offMainline[id] else { return nil }
        return chunks[Int(at.chunk)].record(at: Int(at.entry))
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

    init(row: Row, path: String) throws {
        let id: Int64 = row["id"]
        func blob(_ column: String) throws -> [UInt8]? {
            guard let data = row[column] as Data? else { return nil }
            guard let bytes = Compression.decompress(Array(data)) else {
                throw StoreError(
                    path: path, "the \(column) of run \(id) is damaged; delete the file or use --rebuild-store")
            }
            return bytes
        }
        self.init(
            time: row["time"], head: row["head"], branch: row["branch"], options: row["options"],
            configDigest: row["configDigest"], toolVersion: row["toolVersion"], snapshotKey: row["snapshotKey"],
            recordsMined: row["recordsMined"], recordsReused: row["recordsReused"], metrics: try blob("metrics") ?? [],
            report: try blob("report"))
        self.id = id
    }
}

/// A store that cannot be used, in one line naming the file: the error the CLI prints.
public struct StoreError: Error, CustomStringConvertible {
    public let path: String
    public let message: String

    public var description: String { "\(path): \(message)" }

    init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    init(path: String, _ error: any Error, busyTimeout: Double) {
        self.path = path
        guard let error = error as? DatabaseError else {
            message = "store error: \(error)"
            return
        }
        let detail = error.message ?? "\(error.resultCode)"
        switch error.resultCode.primaryResultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT, .SQLITE_FORMAT:
            message =
                "is not a Yardstick store or is damaged (\(detail)); delete the file or use --rebuild-store to start a new one"
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            message =
                "is in use by another run (waited \(Int(busyTimeout)) s); nothing from this run was stored, try again when it ends"
        case .SQLITE_FULL:
            message = "no space left on the device (\(detail)); nothing from this run was stored"
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            message = "cannot open or write the store (\(detail)); nothing from this run was stored"
        case .SQLITE_IOERR:
            message = "input/output error on the store (\(detail)); nothing from this run was stored"
        default:
            message = "store error (\(detail)); nothing from this run was stored"
        }
    }
}
