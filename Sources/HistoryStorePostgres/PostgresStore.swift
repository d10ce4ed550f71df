internal import Foundation
internal import HistoryModel
public import HistoryStoreCore
internal import Logging
internal import NIOCore
internal import NIOPosix
internal import NIOSSL
internal import PostgresNIO
internal import Synchronization

/// The PostgreSQL backend of the store seam (ADR 0023): the logical schema of the SQLite store (repositories, record
/// chunks, runs) in one database that many processes on many machines write at once.
///
/// - Each save is one transaction that first takes a transaction-scoped advisory lock on the repository's key
///   (`pg_advisory_xact_lock`), so two runs of one repository serialise (the second waits up to the lock timeout,
///   then fails naming the store) while runs of other repositories go on. A run that dies leaves nothing: the
///   server rolls back the transaction of a connection that closes.
/// - The schema is versioned in `yardstick_schema` (one row per applied migration); a database that holds other
///   tables but not that one is refused, as is one with a migration this version does not know.
/// - The CLI is synchronous: one connection on one event-loop thread, each query waited for (`wait()` on NIO's
///   futures, never from the event loop), shut down by `close()`. postgres-nio's logger writes to standard error,
///   critical messages only; every failure reaches the user as one `StoreError` line.
public final class PostgresStore: RunStore {
    public let name: String
    private let group: MultiThreadedEventLoopGroup
    private let connection: PostgresConnection
    private let logger: Logger
    private let lockTimeout: Double
    private let closed = Mutex(false)

    /// The migrations this version knows, in order.
    static let migrations: [(name: String, sql: [String])] = [
        (
            "v2-repositories",
            [
                """
                CREATE TABLE repository (
                    id BIGSERIAL PRIMARY KEY,
                    key TEXT NOT NULL UNIQUE,
                    recordContext TEXT,
                    generation BIGINT NOT NULL DEFAULT 0)
                """,
                """
                CREATE TABLE chunk (
                    id BIGSERIAL PRIMARY KEY,
                    repository BIGINT NOT NULL REFERENCES repository(id),
                    records INTEGER NOT NULL,
                    data BYTEA NOT NULL)
                """,
                "CREATE INDEX chunk_repository ON chunk(repository, id)",
                """
                CREATE TABLE run (
                    id BIGSERIAL PRIMARY KEY,
                    repository BIGINT NOT NULL REFERENCES repository(id),
                    time BIGINT NOT NULL,
                    head TEXT NOT NULL,
                    branch TEXT NOT NULL,
                    options TEXT NOT NULL,
                    configDigest TEXT,
                    toolVersion TEXT NOT NULL,
                    snapshotKey TEXT NOT NULL,
                    recordsMined BIGINT NOT NULL,
                    recordsReused BIGINT NOT NULL,
                    metrics BYTEA NOT NULL,
                    report BYTEA)
                """,
                "CREATE INDEX run_repository ON run(repository, id)",
            ]
        ),
        // State a run keeps for the next one (ADR 0019): the SQLite store's `state` table.
        (
            "v2-nightly",
            [
                """
                CREATE TABLE state (
                    name TEXT NOT NULL,
                    context TEXT NOT NULL,
                    data BYTEA NOT NULL,
                    PRIMARY KEY (name, context))
                """
            ]
        ),
    ]

    /// The advisory lock the migrations take, so that two first runs do not both create the tables.
    static let schemaLock: Int64 = 0x5953_4B31_0000_0001
    static let hint =
        "drop the store's tables (repository, chunk, run, state, yardstick_schema) or name another database"

    /// Connects to the store at `location` (password from the environment, `PostgresLocation.password`) and brings
    /// its schema up to date. `lockTimeout` is how long a save waits for another run of the same repository.
    public init(location: PostgresLocation, environment: [String: String], lockTimeout: Double = 60)
        throws(StoreError)
    {
        name = location.name
        self.lockTimeout = lockTimeout
        logger = Logger(label: "yardstick.postgres") { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .critical
            return handler
        }
        let password = try location.password(environment: environment)
        var configuration: PostgresConnection.Configuration
        if let host = location.host {
            let tls: PostgresConnection.Configuration.TLS
            switch location.tls {
            case .disable: tls = .disable
            case .prefer, .require:
                let context: NIOSSLContext
                do {
                    var settings = TLSConfiguration.makeClientConfiguration()
                    if location.tls == .prefer { settings.certificateVerification = .none }
                    context = try NIOSSLContext(configuration: settings)
                } catch {
                    throw StoreError(store: location.name, "cannot set up TLS (\(error))")
                }
                tls = location.tls == .prefer ? .prefer(context) : .require(context)
            }
            configuration = .init(
                host: host, port: location.port, username: location.user, password: password,
                database: location.database, tls: tls)
        } else {
            configuration = .init(
                unixSocketPath: location.socketPath ?? "", username: location.user, password: password,
                database: location.database)
        }
        configuration.options.connectTimeout = .seconds(Int64(location.connectTimeout))
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            connection = try PostgresConnection.connect(
                on: group.next(), configuration: configuration, id: 1, logger: logger
            ).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw Self.error(error, store: location.name, password: password != nil, stored: false)
        }
        do {
            try migrate()
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    public func close() {
        let first = closed.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        _ = try? connection.close().wait()
        try? group.syncShutdownGracefully()
    }

    // MARK: Queries

    /// The connection closed under a query (the server shut down, restarted or cut it).
    struct ConnectionLost: Error {}

    /// Runs one query and waits for its rows. postgres-nio hands a query to a connection the server has closed to
    /// a channel that drops it, and its future then never completes: the wait also ends when the connection closes.
    @discardableResult
    private func query(_ query: PostgresQuery) throws -> PostgresQueryResult {
        guard !connection.isClosed else { throw ConnectionLost() }
        let promise = connection.eventLoop.makePromise(of: PostgresQueryResult.self)
        connection.query(query, logger: logger).cascade(to: promise)
        connection.closeFuture.whenComplete { _ in promise.fail(ConnectionLost()) }
        return try promise.futureResult.wait()
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws (and by the server
    /// when the connection is lost).
    private func transaction<T>(_ body: () throws -> T) throws -> T {
        try query("BEGIN")
        do {
            let value = try body()
            try query("COMMIT")
            return value
        } catch {
            _ = try? query("ROLLBACK")
            throw error
        }
    }

    /// Maps any failure of `body` to one `StoreError` line.
    private func store<T>(stored: Bool = false, _ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw error
        } catch {
            throw Self.error(error, store: name, password: true, stored: stored, lockTimeout: lockTimeout)
        }
    }

    private func migrate() throws(StoreError) {
        try store {
            try transaction {
                try query("SELECT pg_advisory_xact_lock(\(Self.schemaLock))")
                let marked = try query("SELECT to_regclass('yardstick_schema') IS NOT NULL AS marked")
                let isYardstick = try marked.first?.makeRandomAccess()["marked"].decode(Bool.self) ?? false
                var applied: [String] = []
                if isYardstick {
                    for row in try query("SELECT name FROM yardstick_schema ORDER BY name") {
                        applied.append(try row.makeRandomAccess()["name"].decode(String.self))
                    }
                } else {
                    let tables = try query(
                        "SELECT count(*) AS n FROM pg_tables WHERE schemaname = current_schema()")
                    let n = try tables.first?.makeRandomAccess()["n"].decode(Int64.self) ?? 0
                    guard n == 0 else {
                        throw StoreError(
                            store: name,
                            "is not a Yardstick database (it holds \(n) other tables and no yardstick_schema); name an empty database"
                        )
                    }
                    try query(
                        "CREATE TABLE yardstick_schema (name TEXT PRIMARY KEY, applied BIGINT NOT NULL)")
                }
                let known = Set(Self.migrations.map(\.name))
                if let unknown = applied.first(where: { !known.contains($0) }) {
                    throw StoreError(
                        store: name,
                        "was written by a newer Yardstick (schema '\(unknown)'); use that version or \(Self.hint)")
                }
                for migration in Self.migrations where !applied.contains(migration.name) {
                    for statement in migration.sql { try query(PostgresQuery(unsafeSQL: statement)) }
                    let now = Int64(Date().timeIntervalSince1970)
                    try query("INSERT INTO yardstick_schema(name, applied) VALUES (\(migration.name), \(now))")
                }
            }
        }
    }

    // MARK: RunStore

    public func repositories() throws(StoreError) -> [StoredRepository] {
        try store {
            try query(
                """
                SELECT r.key, count(run.id) AS runs, max(run.time) AS newest FROM repository r
                LEFT JOIN run ON run.repository = r.id GROUP BY r.id, r.key ORDER BY r.key COLLATE "C"
                """
            ).map { row in
                let r = row.makeRandomAccess()
                return StoredRepository(
                    key: RepositoryKey(try r["key"].decode(String.self)), runs: Int(try r["runs"].decode(Int64.self)),
                    newestRunTime: try r["newest"].decode(Int64?.self))
            }
        }
    }

    private struct RepositoryRow {
        var id: Int64
        var context: String?
        var generation: Int64
    }

    private func repositoryRow(_ key: RepositoryKey) throws -> RepositoryRow? {
        guard
            let row = try query(
                "SELECT id, recordContext, generation FROM repository WHERE key = \(key.value)"
            ).first?.makeRandomAccess()
        else { return nil }
        return RepositoryRow(
            id: try row["id"].decode(Int64.self), context: try row["recordcontext"].decode(String?.self),
            generation: try row["generation"].decode(Int64.self))
    }

    public func records(repository: RepositoryKey, context: String) throws(StoreError) -> StoredRecords {
        try store {
            guard let repo = try repositoryRow(repository) else { return StoredRecords(generation: 0) }
            var result = StoredRecords(generation: repo.generation)
            guard repo.context == context else { return result }
            for row in try query("SELECT id, data FROM chunk WHERE repository = \(repo.id) ORDER BY id") {
                let r = row.makeRandomAccess()
                let data = try r["data"].decode(ByteBuffer.self)
                try result.add(
                    blob: Array(data.readableBytesView), chunkID: try r["id"].decode(Int64.self), store: name,
                    hint: Self.hint)
            }
            return result
        }
    }

    private static let runColumns =
        "id, time, head, branch, options, configDigest, toolVersion, snapshotKey, recordsMined, recordsReused, metrics, report"

    private func run(_ row: PostgresRow) throws -> StoredRun {
        let r = row.makeRandomAccess()
        let id = try r["id"].decode(Int64.self)
        func blob(_ column: String) throws -> [UInt8]? {
            let buffer = try r[column.lowercased()].decode(ByteBuffer?.self)
            return try StoredRun.expand(
                buffer.map { Array($0.readableBytesView) }, column: column, run: id, store: name, hint: Self.hint)
        }
        var run = StoredRun(
            time: try r["time"].decode(Int64.self), head: try r["head"].decode(String.self),
            branch: try r["branch"].decode(String.self), options: try r["options"].decode(String.self),
            configDigest: try r["configdigest"].decode(String?.self),
            toolVersion: try r["toolversion"].decode(String.self),
            snapshotKey: try r["snapshotkey"].decode(String.self),
            recordsMined: Int(try r["recordsmined"].decode(Int64.self)),
            recordsReused: Int(try r["recordsreused"].decode(Int64.self)), metrics: try blob("metrics") ?? [],
            report: try blob("report"))
        run.id = id
        return run
    }

    public func latestRun(repository: RepositoryKey, snapshotKey: String?) throws(StoreError) -> StoredRun? {
        try store {
            guard
                let repo = try repositoryRow(repository),
                let newest = try query(
                    """
                    SELECT id, snapshotKey FROM run WHERE repository = \(repo.id) AND report IS NOT NULL
                    ORDER BY id DESC LIMIT 1
                    """
                ).first?.makeRandomAccess()
            else { return nil }
            if let snapshotKey, try newest["snapshotkey"].decode(String.self) != snapshotKey { return nil }
            let id = try newest["id"].decode(Int64.self)
            return try query(
                PostgresQuery(unsafeSQL: "SELECT \(Self.runColumns) FROM run WHERE id = $1", binds: Self.binds(id))
            ).first.map(run)
        }
    }

    public func runs(repository: RepositoryKey) throws(StoreError) -> [StoredRun] {
        try store {
            guard let repo = try repositoryRow(repository) else { return [] }
            return try query(
                PostgresQuery(
                    unsafeSQL: "SELECT \(Self.runColumns) FROM run WHERE repository = $1 ORDER BY id",
                    binds: Self.binds(repo.id))
            ).map(run)
        }
    }

    private static func binds(_ value: Int64) -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(value)
        return binds
    }

    /// The advisory-lock key of a repository: FNV-1a 64 of `yardstick:` and its key.
    static func lockKey(_ key: RepositoryKey) -> Int64 {
        Int64(bitPattern: FNV1a.hash64(("yardstick:" + key.value).utf8))
    }

    public func save(
        repository: RepositoryKey, run: StoredRun, context: String, loaded: StoredRecords, used: Set<RecordKey>,
        mined: MinedRecords, pause: Double = 0
    ) throws(StoreError) {
        try store(stored: true) {
            try transaction {
                try query(PostgresQuery(unsafeSQL: "SET LOCAL lock_timeout = \(Int(lockTimeout * 1000))"))
                try query("SELECT pg_advisory_xact_lock(\(Self.lockKey(repository)))")
                try query("INSERT INTO repository(key) VALUES (\(repository.value)) ON CONFLICT (key) DO NOTHING")
                guard let repo = try repositoryRow(repository) else {
                    throw StoreError(store: name, "the repository row vanished during the save")
                }
                let write = RecordSetWrite(
                    storedContext: repo.context, storedGeneration: repo.generation, context: context,
                    loaded: loaded, used: used, mined: mined)
                if write.rewrite { try query("DELETE FROM chunk WHERE repository = \(repo.id)") }
                for chunk in write.chunks {
                    try query(
                        """
                        INSERT INTO chunk(repository, records, data)
                        VALUES (\(repo.id), \(Int64(chunk.records)), \(ByteBuffer(bytes: chunk.blob)))
                        """)
                }
                if write.changesRecords {
                    try query(
                        """
                        UPDATE repository SET recordContext = \(context), generation = \(write.generation)
                        WHERE id = \(repo.id)
                        """)
                }
                try query("UPDATE run SET report = NULL WHERE repository = \(repo.id) AND report IS NOT NULL")
                let metrics = ByteBuffer(bytes: Compression.compress(run.metrics))
                let report = run.report.map { ByteBuffer(bytes: Compression.compress($0)) }
                try query(
                    """
                    INSERT INTO run(repository, time, head, branch, options, configDigest, toolVersion, snapshotKey,
                        recordsMined, recordsReused, metrics, report)
                    VALUES (\(repo.id), \(run.time), \(run.head), \(run.branch), \(run.options), \(run.configDigest),
                        \(run.toolVersion), \(run.snapshotKey), \(Int64(run.recordsMined)),
                        \(Int64(run.recordsReused)), \(metrics), \(report))
                    """)
                if pause > 0 {
                    FileHandle.standardError.write(Data("yardstick: test pause inside the store transaction\n".utf8))
                    Thread.sleep(forTimeInterval: pause)
                }
            }
        }
    }

    public func saveReuse(repository: RepositoryKey, of run: StoredRun, time: Int64) throws(StoreError) {
        try store(stored: true) {
            _ = try query(
                """
                INSERT INTO run(repository, time, head, branch, options, configDigest, toolVersion, snapshotKey,
                    recordsMined, recordsReused, metrics, report)
                SELECT repository, \(time), head, branch, options, configDigest, toolVersion, snapshotKey, 0, 0,
                    metrics, NULL
                FROM run WHERE id = \(run.id)
                """)
        }
    }

    public func states(_ name: String) throws(StoreError) -> [String: [UInt8]] {
        try store {
            var found: [String: [UInt8]] = [:]
            for row in try query("SELECT context, data FROM state WHERE name = \(name)") {
                let r = row.makeRandomAccess()
                found[try r["context"].decode(String.self)] = Array(
                    try r["data"].decode(ByteBuffer.self).readableBytesView)
            }
            return found
        }
    }

    public func setState(_ name: String, context: String, data: [UInt8]) throws(StoreError) {
        try store(stored: true) {
            _ = try query(
                """
                INSERT INTO state(name, context, data) VALUES (\(name), \(context), \(ByteBuffer(bytes: data)))
                ON CONFLICT (name, context) DO UPDATE SET data = EXCLUDED.data
                """)
        }
    }

    /// Nothing to do: the server keeps its own write-ahead log.
    public func checkpoint() {}

    // MARK: Errors

    /// One line for a failure: what went wrong, in the server's words where it gave some, never the password.
    static func error(
        _ error: any Error, store: String, password: Bool, stored: Bool, lockTimeout: Double = 0
    ) -> StoreError {
        let nothing = stored ? "; nothing from this run was stored" : ""
        if error is ConnectionLost {
            return StoreError(store: store, "the connection to the server was lost\(nothing)")
        }
        guard let error = error as? PSQLError else {
            if let error = error as? PostgresDecodingError {
                return StoreError(store: store, "is not a Yardstick database or is damaged (\(error.code))\(nothing)")
            }
            return StoreError(store: store, "store error (\(error))\(nothing)")
        }
        let server = error.serverInfo?[.message].map { oneLine($0) }
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            let detail = server ?? state
            switch state {
            case "28P01", "28000":
                return StoreError(
                    store: store,
                    password
                        ? "authentication failed (\(detail)); check PGPASSWORD or the password file"
                        : "authentication failed (\(detail)); set PGPASSWORD or a password file (PGPASSFILE, ~/.pgpass)"
                )
            case "3D000": return StoreError(store: store, "the database does not exist (\(detail)); create it first")
            case "55P03":
                return StoreError(
                    store: store,
                    "is in use by another run of this repository (waited \(Int(lockTimeout)) s)\(nothing); try again when it ends"
                )
            case "57P01", "57P02", "57P03":
                return StoreError(store: store, "the server shut down or restarted (\(detail))\(nothing)")
            case "53100": return StoreError(store: store, "the server's disk is full (\(detail))\(nothing)")
            case "42501": return StoreError(store: store, "permission denied (\(detail))\(nothing)")
            default: return StoreError(store: store, "server error \(state) (\(detail))\(nothing)")
            }
        case .connectionError:
            let cause = error.underlying.map { oneLine("\($0)") } ?? "no answer"
            return StoreError(store: store, "cannot reach the server (\(cause))")
        case .serverClosedConnection, .uncleanShutdown, .clientClosedConnection:
            return StoreError(store: store, "the connection to the server was lost\(nothing)")
        case .authMechanismRequiresPassword:
            return StoreError(
                store: store,
                "the server asks for a password: set PGPASSWORD or a password file (PGPASSFILE, ~/.pgpass)")
        case .sslUnsupported:
            return StoreError(store: store, "the server does not offer TLS (sslmode=require)")
        default:
            return StoreError(store: store, "store error (\(error.code)\(server.map { ": " + $0 } ?? ""))\(nothing)")
        }
    }

    private static func oneLine(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
    }
}
