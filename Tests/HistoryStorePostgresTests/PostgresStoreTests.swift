import Foundation
import HistoryModel
import Synchronization
import TestSupport
import Testing

@testable import HistoryStoreCore
@testable import HistoryStorePostgres

private func id(_ n: Int) -> ObjectID { ObjectID(high: UInt64(n + 100), middle: 7, low: 9) }

private func record(_ n: Int) -> CommitRecord {
    let person = Signature(name: "Ann", email: "ann@acme.com", time: 1_700_000_000 + Int64(n), offsetMinutes: 60)
    let file = FileChange(
        path: "src/f\(n % 5).swift", oldPath: nil, status: .modified, additions: n, deletions: n / 2, isBinary: false,
        hunks: [Hunk(oldStart: 3, oldCount: 1, newStart: 3, newCount: UInt32(n % 7))])
    return CommitRecord(
        id: id(n), parents: [id(n - 1)], author: person, committer: person, message: "Change \(n)", trailers: [],
        coAuthors: [], reviewers: [], files: [file], sideBranches: [])
}

private func run(_ key: String, time: Int64 = 1) -> StoredRun {
    StoredRun(
        time: time, head: "h", branch: "main", options: "{}", configDigest: key == "a" ? nil : "sha256:c",
        toolVersion: "0.1.0", snapshotKey: key, recordsMined: 0, recordsReused: 0, metrics: Array("{}".utf8),
        report: Array("{\"r\":\"\(key)\"}".utf8))
}

/// The `--store` URL forms, and the password that never travels in one.
@Suite struct PostgresLocationTests {
    let env = ["USER": "ann", "HOME": "/nonexistent"]

    @Test func urlFormsGiveHostPortDatabaseAndName() throws {
        let tcp = try PostgresLocation("postgres://bob@db.example.com:6543/metrics", environment: env)
        #expect(tcp.host == "db.example.com" && tcp.port == 6543 && tcp.database == "metrics" && tcp.user == "bob")
        #expect(tcp.tls == .prefer)
        #expect(tcp.name == "postgres://bob@db.example.com:6543/metrics")
        let defaults = try PostgresLocation("postgresql://db/ys?sslmode=require", environment: env)
        #expect(defaults.user == "ann" && defaults.port == 5432 && defaults.tls == .require)
        let fromEnvironment = try PostgresLocation(
            "postgres://db/ys", environment: ["PGUSER": "carol", "PGPORT": "7000", "USER": "ann"])
        #expect(fromEnvironment.user == "carol" && fromEnvironment.port == 7000)
        let socket = try PostgresLocation("postgres://bob@/ys?host=/run/pg&port=5433", environment: env)
        #expect(socket.host == nil && socket.socketPath == "/run/pg/.s.PGSQL.5433" && socket.tls == .disable)
        #expect(socket.name == "postgres://bob@/ys?host=/run/pg&port=5433")
        #expect(PostgresLocation.isPostgres("postgresql://x/y") && !PostgresLocation.isPostgres("/tmp/postgres.sqlite"))
    }

    @Test func aPasswordInTheURLIsRefusedAndNeverShown() {
        for url in ["postgres://bob:s3cret@db:5432/ys", "postgres://bob@db/ys?password=s3cret"] {
            do {
                _ = try PostgresLocation(url, environment: env)
                Issue.record("\(url) was accepted")
            } catch {
                #expect(!error.description.contains("s3cret"))
                #expect(
                    error.message
                        == "the URL carries a password; give it in PGPASSWORD or a password file (PGPASSFILE or ~/.pgpass), never on the command line"
                )
            }
        }
        #expect(PostgresLocation.withoutPassword("postgres://bob:s3cret@db/ys") == "postgres://bob:***@db/ys")
        #expect(
            PostgresLocation.withoutPassword("postgres://bob@db/ys?password=s3cret&port=1")
                == "postgres://bob@db/ys?password=***&port=1")
    }

    @Test func malformedURLsAreOneLineErrors() {
        let cases = [
            ("postgres://db/ys?sslmode=maybe", "sslmode 'maybe' is not one of disable, prefer, require"),
            (
                "postgres://db/ys?colour=red",
                "unknown URL parameter 'colour' (host, port, sslmode, connect_timeout, user, dbname)"
            ),
            ("postgres://db:99999/ys", "the port '99999' is not a port number"),
        ]
        for (url, message) in cases {
            #expect(throws: StoreError.self) { try PostgresLocation(url, environment: env) }
            #expect((try? PostgresLocation(url, environment: env)) == nil)
            do {
                _ = try PostgresLocation(url, environment: env)
            } catch {
                #expect(error.message == message, "\(url)")
            }
        }
    }

    @Test func thePasswordComesFromTheEnvironmentOrThePasswordFile() throws {
        let location = try PostgresLocation("postgres://bob@db.example.com:5432/ys", environment: env)
        #expect(try location.password(environment: ["PGPASSWORD": "p1"]) == "p1")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pgpass-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let lines = [
            "# comment", "other.example.com:5432:ys:bob:wrong", "db.example.com:5432:ys:carol:wrong",
            "db.example.com:*:ys:bob:pa\\:ss\\\\word", "*:*:*:*:fallback",
        ]
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o600)
        #expect(try location.password(environment: ["PGPASSFILE": file]) == "pa:ss\\word")
        let socket = try PostgresLocation("postgres://bob@/other?host=/run/pg", environment: env)
        #expect(try socket.password(environment: ["PGPASSFILE": file]) == "fallback")
        #expect(try location.password(environment: ["HOME": "/nonexistent"]) == nil)
        chmod(file, 0o644)
        do {
            _ = try location.password(environment: ["PGPASSFILE": file])
            Issue.record("a password file others can read was used")
        } catch {
            #expect(error.message == "the password file \(file) can be read by others (mode 644); chmod 600 it")
        }
    }
}

/// The PostgreSQL store against a real server (Scripts/postgres-test-server.sh), each test in a database of its own.
@Suite(.enabled(if: PostgresTestServer.enabled, "no PostgreSQL test server (run Scripts/test.sh)"))
struct PostgresStoreTests {
    func open(_ url: String, lockTimeout: Double = 60) throws(StoreError) -> PostgresStore {
        try PostgresStore(
            location: try PostgresLocation(url, environment: [:]),
            environment: ["PGPASSWORD": PostgresTestServer.password], lockTimeout: lockTimeout)
    }

    /// The operations of the seam, as the SQLite store's tests check them, with exact counts.
    @Test func recordsAndRunsArePerRepositoryContextAndRole() throws {
        let (database, url) = try PostgresTestServer.makeDatabase("records")
        let db = try open(url)
        defer { db.close() }
        let a = RepositoryKey("/src/a")
        let b = RepositoryKey("acme/b")
        #expect(try db.repositories().isEmpty)
        let empty = try db.records(repository: a, context: "c1")
        #expect(empty.count == 0)
        try db.save(
            repository: a, run: run("a", time: 10), context: "c1", loaded: empty, used: [],
            mined: [(record(1), true), (record(2), false)])
        let loaded = try open(url).records(repository: a, context: "c1")
        #expect(loaded.count == 2)
        #expect(loaded.record(id(1), onMainline: true) == record(1))
        #expect(loaded.record(id(1), onMainline: false) == nil)
        #expect(loaded.record(id(2), onMainline: false) == record(2))
        #expect(try db.records(repository: a, context: "c2").count == 0)
        // Appending: the stored set read whole, one new record → one more chunk.
        try db.save(
            repository: a, run: run("a2", time: 20), context: "c1", loaded: loaded,
            used: [RecordKey(id: id(1), onMainline: true), RecordKey(id: id(2), onMainline: false)],
            mined: [(record(3), true)])
        #expect(PostgresTestServer.value(database, "SELECT count(*) FROM chunk") == "2")
        #expect(try db.records(repository: a, context: "c1").count == 3)
        // Another repository: its own records, runs and report.
        try db.save(
            repository: b, run: run("b", time: 15), context: "c1", loaded: StoredRecords(), used: [],
            mined: [(record(9), true)])
        #expect(try db.records(repository: b, context: "c1").count == 1)
        #expect(try db.records(repository: a, context: "c1").count == 3)
        // Another context: the next save replaces the set.
        try db.save(
            repository: a, run: run("a3", time: 30), context: "c2",
            loaded: try db.records(repository: a, context: "c2"),
            used: [], mined: [(record(4), true)])
        #expect(try db.records(repository: a, context: "c1").count == 0)
        #expect(try db.records(repository: a, context: "c2").count == 1)
        #expect(
            try db.repositories()
                == [
                    StoredRepository(key: b, runs: 1, newestRunTime: 15),
                    StoredRepository(key: a, runs: 3, newestRunTime: 30),
                ].sorted { $0.key < $1.key })
        // Only the newest full run keeps its report; a reuse is a run of its own without one.
        #expect(try db.latestRun(repository: a, snapshotKey: "a2") == nil)
        let newest = try #require(try db.latestRun(repository: a, snapshotKey: "a3"))
        #expect(newest.report == Array("{\"r\":\"a3\"}".utf8))
        #expect(newest.configDigest == "sha256:c")
        try db.saveReuse(repository: a, of: newest, time: 99)
        let runs = try db.runs(repository: a)
        #expect(runs.map(\.snapshotKey) == ["a", "a2", "a3", "a3"])
        #expect(runs.map { $0.report != nil } == [false, false, true, false])
        #expect(runs.map(\.time) == [10, 20, 30, 99])
        #expect(runs.first?.configDigest == nil)
        #expect(runs.last?.metrics == Array("{}".utf8))
        #expect(try db.latestRun(repository: b, snapshotKey: nil)?.snapshotKey == "b")
        #expect(try db.runs(repository: RepositoryKey("none")).isEmpty)
    }

    /// Two stores (two connections, as two processes) saving one repository at once: the saves serialise on the
    /// repository's advisory lock; both are stored and the record set is one of theirs, whole.
    @Test func concurrentSavesOfOneRepositorySerialise() throws {
        let (database, url) = try PostgresTestServer.makeDatabase("concurrent")
        let key = RepositoryKey("/src/a")
        let first = try open(url)
        let second = try open(url)
        defer {
            first.close()
            second.close()
        }
        let errors = Mutex<[String]>([])
        let group = DispatchGroup()
        for (n, store) in [first, second].enumerated() {
            DispatchQueue.global().async(group: group) {
                do {
                    try store.save(
                        repository: key, run: run("r\(n)"), context: "c", loaded: StoredRecords(), used: [],
                        mined: MinedRecords((0..<50).map { (record(n * 100 + $0), true) }), pause: 0.5)
                } catch {
                    errors.withLock { $0.append("\(error)") }
                }
            }
        }
        group.wait()
        #expect(errors.withLock { $0 } == [])
        #expect(try first.runs(repository: key).count == 2)
        #expect(try first.records(repository: key, context: "c").count == 50)
        #expect(PostgresTestServer.value(database, "SELECT count(*) FROM run WHERE report IS NOT NULL") == "1")
        #expect(PostgresTestServer.value(database, "SELECT generation FROM repository") == "2")
    }

    /// A database that holds other tables, or a schema this version does not know: refused, nothing changed.
    @Test func foreignAndNewerDatabasesAreRefused() throws {
        let (foreign, foreignURL) = try PostgresTestServer.makeDatabase("foreign")
        PostgresTestServer.psql(foreign, "CREATE TABLE invoices (id int)")
        do {
            _ = try open(foreignURL)
            Issue.record("a foreign database was used")
        } catch {
            #expect(
                error.description
                    == "postgres://yardstick@127.0.0.1:\(try PostgresTestServer.port())/\(foreign): is not a Yardstick database (it holds 1 other tables and no yardstick_schema); name an empty database"
            )
        }
        #expect(PostgresTestServer.value(foreign, "SELECT to_regclass('run') IS NULL") == "t")
        let (newer, newerURL) = try PostgresTestServer.makeDatabase("newer")
        try open(newerURL).close()
        PostgresTestServer.psql(newer, "INSERT INTO yardstick_schema VALUES ('v9-future', 0)")
        do {
            _ = try open(newerURL)
            Issue.record("a newer schema was used")
        } catch {
            #expect(error.message.hasPrefix("was written by a newer Yardstick (schema 'v9-future'); use that version"))
        }
    }

    @Test func connectionFailuresAreOneLine() throws {
        let port = try PostgresTestServer.port()
        func failure(_ url: String, _ environment: [String: String]) -> String {
            do {
                let store = try PostgresStore(
                    location: try PostgresLocation(url, environment: [:]), environment: environment)
                store.close()
                return "opened"
            } catch {
                return error.description
            }
        }
        let wrong = failure("postgres://yardstick@127.0.0.1:\(port)/yardstick", ["PGPASSWORD": "wrong"])
        #expect(
            wrong
                == "postgres://yardstick@127.0.0.1:\(port)/yardstick: authentication failed (password authentication failed for user \"yardstick\"); check PGPASSWORD or the password file"
        )
        let none = failure("postgres://yardstick@127.0.0.1:\(port)/yardstick", ["HOME": "/nonexistent"])
        #expect(
            none
                == "postgres://yardstick@127.0.0.1:\(port)/yardstick: the server asks for a password: set PGPASSWORD or a password file (PGPASSFILE, ~/.pgpass)"
        )
        let missing = failure(
            "postgres://yardstick@127.0.0.1:\(port)/nosuchdb", ["PGPASSWORD": PostgresTestServer.password])
        #expect(
            missing
                == "postgres://yardstick@127.0.0.1:\(port)/nosuchdb: the database does not exist (database \"nosuchdb\" does not exist); create it first"
        )
        // A port nothing listens on (the server's port, on another loopback address).
        let unreachable = failure("postgres://yardstick@127.0.0.2:\(port)/yardstick?connect_timeout=2", [:])
        #expect(unreachable.hasPrefix("postgres://yardstick@127.0.0.2:\(port)/yardstick: cannot reach the server ("))
        #expect(!unreachable.contains("\n"))
        // The unix socket, with trust authentication.
        let socket = failure(
            "postgres://yardstick@/yardstick?host=\(PostgresTestServer.socketFolder)&port=\(port)", [:])
        #expect(socket == "opened")
    }
}
