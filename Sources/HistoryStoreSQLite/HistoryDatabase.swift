internal import Foundation
internal import GRDB
internal import HistoryModel
public import HistoryStoreCore

/// The persistent store for nightly runs (ADR 0019), the SQLite backend of the store seam (ADR 0023): one SQLite
/// file (WAL journal) holding, for each repository (by key):
///
/// - the mined records of its last run, in chunks (`RecordChunk`), valid for one *record context* (the digest
///   of what a record depends on besides its commit: `.mailmap`, shallow boundaries, the encoding);
/// - one snapshot per run: time, head, branch, options, configuration digest, tool version, mined and reused
///   record counts, and the report's JSON.
///
/// Everything a run writes goes in one transaction at its end, so a run that is interrupted, killed or that
/// fails leaves the store as it was. The schema is versioned by GRDB migrations; the file is marked with
/// SQLite's `application_id` so that a foreign database is refused rather than changed.
public final class HistoryDatabase: RunStore {
    /// `YSK1`: the SQLite application id of a Yardstick store.
    static let applicationID: Int32 = 0x5953_4B31
    /// What to do about a damaged store file.
    static let rebuildHint = "delete the file or use --rebuild-store"

    public let path: String
    public var name: String { path }
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
            case S_IFDIR: throw StoreError(store: path, "is a directory, not a store file")
            case S_IFLNK: throw StoreError(store: path, "is a symbolic link; name the store file itself")
            default: throw StoreError(store: path, "is not a regular file (a device, FIFO or socket), not a store file")
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
        // Runs that open one new store at once: until one of them has made it a WAL database and applied the
        // migrations, another can meet SQLITE_BUSY without SQLite waiting for it (a read transaction that would
        // write after another connection wrote, a lock another connection holds while it changes the journal
        // mode). Such a run opens again until the busy timeout has passed, instead of failing at once.
        let deadline = ContinuousClock.now + .milliseconds(Int(busyTimeout * 1000))
        var opened: DatabaseQueue?
        while opened == nil {
            do {
                let queue = try DatabaseQueue(path: path, configuration: configuration)
                try queue.writeWithoutTransaction { db in
                    let id = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                    if id != Self.applicationID {
                        let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
                        guard id == 0 && tables == 0 else {
                            throw StoreError(
                                store: path,
                                "is not a Yardstick store (another SQLite database); name another file, or delete it or use --rebuild-store to replace it"
                            )
                        }
                        try db.execute(sql: "PRAGMA application_id = \(Self.applicationID)")
                    }
                }
                try Self.migrate(queue, path: path)
                opened = queue
            } catch let error as StoreError {
                throw error
            } catch let error as DatabaseError
                where error.resultCode.primaryResultCode == .SQLITE_BUSY && ContinuousClock.now < deadline
            {
                usleep(20_000)
            } catch {
                throw StoreError(path: path, error, busyTimeout: busyTimeout)
            }
        }
        queue = opened!
    }

    /// Brings the schema up to date. GRDB's migrator reads which migrations are applied outside a transaction
    /// and then applies each of the others in a transaction of its own, so two runs opening a new store at once
    /// can both set out to apply one: the second's attempt then fails (`table "info" already exists`, or `no such
    /// table: grdb_migrations` while the first creates it). A failure after which more migrations are applied
    /// than before is that race, and the migration starts again from what the other run applied; any other
    /// failure is the store's. Each retry follows progress, so there are at most as many as migrations.
    static func migrate(_ queue: DatabaseQueue, path: String) throws {
        let migrator = Self.migrator
        func applied() -> Int { (try? queue.read { try migrator.appliedIdentifiers($0).count }) ?? 0 }
        while true {
            let before = applied()
            do {
                try queue.read { db in
                    if try migrator.hasBeenSuperseded(db) {
                        throw StoreError(
                            store: path,
                            "was written by a newer Yardstick (unknown schema); use that version or --rebuild-store")
                    }
                }
                try migrator.migrate(queue)
                return
            } catch let error as StoreError {
                throw error
            } catch {
                guard applied() > before else { throw error }
            }
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
        // Many repositories in one store (ADR 0023): the record context and generation move from `info` to each
        // repository's row; chunks and runs name their repository. The runs and records of a store from before
        // belong to one repository under the empty key, which the first repository to save claims.
        migrator.registerMigration("v2-repositories") { db in
            try db.execute(
                sql: """
                    CREATE TABLE repository (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        key TEXT NOT NULL UNIQUE,
                        recordContext TEXT,
                        generation INTEGER NOT NULL DEFAULT 0);
                    ALTER TABLE chunk ADD COLUMN repository INTEGER REFERENCES repository(id);
                    ALTER TABLE run ADD COLUMN repository INTEGER REFERENCES repository(id);
                    """)
            let context = try String.fetchOne(db, sql: "SELECT value FROM info WHERE key = 'recordContext'")
            let generation = try String.fetchOne(db, sql: "SELECT value FROM info WHERE key = 'generation'")
            let runs = try Int.fetchOne(db, sql: "SELECT count(*) FROM run") ?? 0
            if context != nil || runs > 0 {
                try db.execute(
                    sql: "INSERT INTO repository(key, recordContext, generation) VALUES ('', ?, ?)",
                    arguments: [context, generation.flatMap { Int64($0) } ?? 0])
                let id = db.lastInsertedRowID
                try db.execute(sql: "UPDATE chunk SET repository = ?", arguments: [id])
                try db.execute(sql: "UPDATE run SET repository = ?", arguments: [id])
            }
            try db.execute(
                sql: """
                    DELETE FROM info WHERE key IN ('recordContext', 'generation');
                    CREATE INDEX chunk_repository ON chunk(repository, id);
                    CREATE INDEX run_repository ON run(repository, id);
                    """)
        }
        registerStateMigration(&migrator)
        return migrator
    }

    // MARK: Repositories

    /// The repository's row, if the store holds it. A store from before repository keys holds one repository under
    /// the empty key: any key finds it while no repository of that key exists, and the first save claims it.
    private func repositoryRow(_ db: Database, _ key: RepositoryKey) throws -> Row? {
        if let row = try Row.fetchOne(db, sql: "SELECT * FROM repository WHERE key = ?", arguments: [key.value]) {
            return row
        }
        return try Row.fetchOne(db, sql: "SELECT * FROM repository WHERE key = ''")
    }

    public func repositories() throws(StoreError) -> [StoredRepository] {
        try reading { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT r.key, count(run.id) AS runs, max(run.time) AS newest FROM repository r
                    LEFT JOIN run ON run.repository = r.id GROUP BY r.id ORDER BY r.key
                    """
            ).map { row in
                StoredRepository(key: RepositoryKey(row["key"]), runs: row["runs"], newestRunTime: row["newest"])
            }
        }
    }

    // MARK: Records

    public func records(repository: RepositoryKey, context: String) throws(StoreError) -> StoredRecords {
        let name = self.path
        return try reading { db in
            guard let repo = try repositoryRow(db, repository) else { return StoredRecords(generation: 0) }
            var result = StoredRecords(generation: repo["generation"])
            guard repo["recordContext"] as String? == context else { return result }
            let rows = try Row.fetchCursor(
                db, sql: "SELECT id, data FROM chunk WHERE repository = ? ORDER BY id",
                arguments: [repo["id"] as Int64])
            while let row = try rows.next() {
                let data: Data = row["data"]
                try result.add(blob: Array(data), chunkID: row["id"], store: name, hint: Self.rebuildHint)
            }
            return result
        }
    }

    // MARK: Runs

    public func latestRun(repository: RepositoryKey, snapshotKey: String?) throws(StoreError) -> StoredRun? {
        let path = self.path
        return try reading { db in
            guard
                let repo = try repositoryRow(db, repository),
                let newest = try Row.fetchOne(
                    db,
                    sql:
                        "SELECT id, snapshotKey FROM run WHERE repository = ? AND report IS NOT NULL ORDER BY id DESC LIMIT 1",
                    arguments: [repo["id"] as Int64]),
                snapshotKey == nil || newest["snapshotKey"] as String == snapshotKey,
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM run WHERE id = ?", arguments: [newest["id"] as Int64])
            else { return nil }
            return try StoredRun(row: row, path: path)
        }
    }

    public func runs(repository: RepositoryKey) throws(StoreError) -> [StoredRun] {
        let path = self.path
        return try reading { db in
            guard let repo = try repositoryRow(db, repository) else { return [] }
            return try Row.fetchAll(
                db, sql: "SELECT * FROM run WHERE repository = ? ORDER BY id", arguments: [repo["id"] as Int64]
            ).map { try StoredRun(row: $0, path: path) }
        }
    }

    public func save(
        repository: RepositoryKey, run: StoredRun, context: String, loaded: StoredRecords, used: Set<RecordKey>,
        mined: MinedRecords, pause: Double = 0
    ) throws(StoreError) {
        do {
            try queue.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    let repo: Int64
                    let storedContext: String?
                    let storedGeneration: Int64
                    if let row = try repositoryRow(db, repository) {
                        repo = row["id"]
                        storedContext = row["recordContext"]
                        storedGeneration = row["generation"]
                        if row["key"] as String != repository.value {
                            try db.execute(
                                sql: "UPDATE repository SET key = ? WHERE id = ?", arguments: [repository.value, repo])
                        }
                    } else {
                        try db.execute(sql: "INSERT INTO repository(key) VALUES (?)", arguments: [repository.value])
                        repo = db.lastInsertedRowID
                        storedContext = nil
                        storedGeneration = 0
                    }
                    let write = RecordSetWrite(
                        storedContext: storedContext, storedGeneration: storedGeneration, context: context,
                        loaded: loaded, used: used, mined: mined)
                    if write.rewrite {
                        try db.execute(sql: "DELETE FROM chunk WHERE repository = ?", arguments: [repo])
                    }
                    for chunk in write.chunks {
                        try db.execute(
                            sql: "INSERT INTO chunk(repository, records, data) VALUES (?, ?, ?)",
                            arguments: [repo, chunk.records, Data(chunk.blob)])
                    }
                    if write.changesRecords {
                        try db.execute(
                            sql: "UPDATE repository SET recordContext = ?, generation = ? WHERE id = ?",
                            arguments: [context, write.generation, repo])
                    }
                    try db.execute(
                        sql: "UPDATE run SET report = NULL WHERE repository = ? AND report IS NOT NULL",
                        arguments: [repo])
                    try db.execute(
                        sql: """
                            INSERT INTO run(repository, time, head, branch, options, configDigest, toolVersion,
                                snapshotKey, recordsMined, recordsReused, metrics, report)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            repo, run.time, run.head, run.branch, run.options, run.configDigest, run.toolVersion,
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

    public func saveReuse(repository: RepositoryKey, of run: StoredRun, time: Int64) throws(StoreError) {
        do {
            // Immediate: the write lock is taken (or waited for) at the start, so the insert never meets a
            // snapshot another run's save made stale.
            try queue.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    try db.execute(
                        sql: """
                            INSERT INTO run(repository, time, head, branch, options, configDigest, toolVersion,
                                snapshotKey, recordsMined, recordsReused, metrics, report)
                            SELECT repository, ?, head, branch, options, configDigest, toolVersion, snapshotKey, 0, 0,
                                metrics, NULL
                            FROM run WHERE id = ?
                            """, arguments: [time, run.id])
                    return .commit
                }
            }
        } catch {
            throw StoreError(path: path, error, busyTimeout: busyTimeout)
        }
    }

    /// Nothing to release: the file is closed when the store is released.
    public func close() {}

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

extension StoredRun {
    init(row: Row, path: String) throws {
        let id: Int64 = row["id"]
        func blob(_ column: String) throws(StoreError) -> [UInt8]? {
            try StoredRun.expand(
                (row[column] as Data?).map(Array.init), column: column, run: id, store: path,
                hint: HistoryDatabase.rebuildHint)
        }
        self.init(
            time: row["time"], head: row["head"], branch: row["branch"], options: row["options"],
            configDigest: row["configDigest"], toolVersion: row["toolVersion"], snapshotKey: row["snapshotKey"],
            recordsMined: row["recordsMined"], recordsReused: row["recordsReused"], metrics: try blob("metrics") ?? [],
            report: try blob("report"))
        self.id = id
    }
}

extension StoreError {
    init(path: String, _ error: any Error, busyTimeout: Double) {
        guard let error = error as? DatabaseError else {
            self.init(store: path, "store error: \(error)")
            return
        }
        let message: String
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
        self.init(store: path, message)
    }
}
