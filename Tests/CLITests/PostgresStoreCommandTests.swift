import Foundation
import TestSupport
import Testing

private func yardstick(_ arguments: [String], environment: [String: String] = PostgresTestServer.environment())
    -> Command.Result
{
    let env = environment.map { "\($0.key)=\($0.value)" }
    return Command.run("/usr/bin/env", env + [Command.yardstick] + arguments)
}

private func scratch(_ label: String) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
        "yardstick-pg-\(label)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
    ).path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// A `yardstick analyze` that pauses inside its save transaction (`YARDSTICK_TEST_STORE_PAUSE`), started and
/// waited for until it is there.
private func pausedRun(_ arguments: [String], pause: Int, environment: [String: String] = [:]) throws -> (
    Process, Pipe
) {
    let server = PostgresTestServer.environment(
        environment.merging(["YARDSTICK_TEST_STORE_PAUSE": String(pause)]) { _, new in new })
    let run = try Command.pausedStoreRun(
        arguments, environment: ProcessInfo.processInfo.environment.merging(server) { _, new in new })
    #expect(run.reachedPause)
    return (run.process, run.stderr)
}

/// `analyze --store postgres://…` (ADR 0023): the same reports as the SQLite store and as no store, byte for byte;
/// a run that dies, two runs of one repository and a server restart leave the store consistent; failures are one
/// line naming the store, never its password.
@Suite(.enabled(if: PostgresTestServer.enabled, "no PostgreSQL test server (run Scripts/test.sh)"))
struct PostgresStoreCommandTests {
    /// An older tip, then the tip, then nothing new: through PostgreSQL the JSON equals SQLite's and a run without
    /// a store; the rerun mined only what the first run lacked; `history` reads PostgreSQL as it reads SQLite.
    @Test(arguments: ["github-merge", "delivery", "rebase"])
    func reportsEqualSQLiteAndFromScratch(sample: String) throws {
        let dir = try scratch("equal")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (database, url) = try PostgresTestServer.makeDatabase("equal")
        let repo = SampleRepositories.path(sample)
        let sqlite = dir + "/s.sqlite"
        for branch in ["HEAD~3", "HEAD", "HEAD"] {
            let plain = yardstick(["analyze", repo, "--branch", branch, "--format", "json"])
            let onSQLite = yardstick(["analyze", repo, "--branch", branch, "--format", "json", "--store", sqlite])
            let onPostgres = yardstick(["analyze", repo, "--branch", branch, "--format", "json", "--store", url])
            #expect(plain.status == 0 && onSQLite.status == 0 && onPostgres.status == 0, "\(onPostgres.stderr)")
            #expect(onPostgres.stdout == plain.stdout, "\(sample) \(branch)")
            #expect(onPostgres.stdout == onSQLite.stdout, "\(sample) \(branch)")
        }
        let counts = PostgresTestServer.value(
            database, "SELECT string_agg(recordsMined || '/' || recordsReused, ' ' ORDER BY id) FROM run")
        let sqliteCounts = Command.run(
            "/usr/bin/sqlite3", [sqlite, "SELECT group_concat(recordsMined || '/' || recordsReused, ' ') FROM run"]
        ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(counts == sqliteCounts)
        let parts = counts.split(separator: " ").map { $0.split(separator: "/").compactMap { Int($0) } }
        #expect(parts.count == 3)
        #expect(parts[0][1] == 0 && parts[1][1] == parts[0][0] && parts[1][0] >= 3)
        #expect(parts[2] == [0, 0])
        #expect(PostgresTestServer.value(database, "SELECT count(*) FROM run WHERE report IS NOT NULL") == "1")
        #expect(
            PostgresTestServer.value(database, "SELECT sum(records) FROM chunk") == String(parts[1][0] + parts[1][1]))
        for format in ["csv", "table"] {
            let a = yardstick(["history", "--store", url, "--format", format])
            let b = yardstick(["history", "--store", sqlite, "--format", format])
            #expect(a.status == 0, "\(a.stderr)")
            // Equal but for the runs' times (same second or the next).
            #expect(a.stdout.split(separator: "\n").count == b.stdout.split(separator: "\n").count)
        }
        let json = yardstick(["history", "--store", url, "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((object["runs"] as? [Any])?.count == 3)
    }

    /// SIGKILL inside the save transaction: no run and no records of it; the next run stores everything.
    @Test func killedRunLeavesNothing() throws {
        let dir = try scratch("kill")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (database, url) = try PostgresTestServer.makeDatabase("kill")
        let repo = SampleRepositories.path("delivery")
        #expect(yardstick(["analyze", repo, "--branch", "HEAD~3", "--store", url, "-o", dir + "/a"]).status == 0)
        let chunks = PostgresTestServer.value(database, "SELECT count(*) || '/' || sum(records) FROM chunk")
        let (process, _) = try pausedRun(["analyze", repo, "--store", url, "-o", dir + "/b"], pause: 60)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)
        #expect(!FileManager.default.fileExists(atPath: dir + "/b"))
        // The server notices the closed connection and rolls the transaction back.
        var runs = ""
        for _ in 0..<50 {
            runs = PostgresTestServer.value(database, "SELECT count(*) FROM run")
            if PostgresTestServer.value(database, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'") == "0" {
                break
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(runs == "1")
        #expect(PostgresTestServer.value(database, "SELECT count(*) || '/' || sum(records) FROM chunk") == chunks)
        let next = yardstick(["analyze", repo, "--format", "json", "--store", url])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stdout == yardstick(["analyze", repo, "--format", "json"]).stdout)
        #expect(PostgresTestServer.value(database, "SELECT count(*) FROM run") == "2")
    }

    /// Two runs of one repository at once: the second waits for the first's transaction and both are stored; with a
    /// short lock timeout the second refuses in one line and stores nothing. Another repository does not wait.
    @Test func twoRunsOfOneRepository() throws {
        let dir = try scratch("two")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (database, url) = try PostgresTestServer.makeDatabase("two")
        let repo = SampleRepositories.path("github-merge")
        let (first, _) = try pausedRun(["analyze", repo, "--store", url, "-o", dir + "/a"], pause: 4)
        let refused = yardstick(
            ["analyze", repo, "--store", url, "--branch", "HEAD~1", "-o", dir + "/r"],
            environment: PostgresTestServer.environment(["YARDSTICK_STORE_BUSY_TIMEOUT": "1"]))
        #expect(refused.status == 1)
        #expect(
            refused.stderr
                == "error: \(url): is in use by another run of this repository (waited 1 s); nothing from this run was stored; try again when it ends\n"
        )
        let other = yardstick([
            "analyze", SampleRepositories.path("delivery"), "--store", url, "-o", dir + "/o",
        ])
        #expect(other.status == 0, "\(other.stderr)")
        let waited = yardstick(["analyze", repo, "--store", url, "--branch", "HEAD~1", "-o", dir + "/b"])
        first.waitUntilExit()
        #expect(first.terminationStatus == 0 && waited.status == 0, "\(waited.stderr)")
        #expect(PostgresTestServer.value(database, "SELECT count(*) FROM run") == "3")
        #expect(PostgresTestServer.value(database, "SELECT count(*) FROM repository") == "2")
        #expect(
            PostgresTestServer.value(
                database,
                "SELECT string_agg(n::text, ' ' ORDER BY n) FROM (SELECT count(*) AS n FROM run WHERE report IS NOT NULL GROUP BY repository) x"
            ) == "1 1")
        // The stored set is the last run's, whole: a rerun of it mines nothing and equals a run without the store.
        let again = yardstick(["analyze", repo, "--store", url, "--branch", "HEAD~1", "--format", "json"])
        #expect(again.stdout == yardstick(["analyze", repo, "--branch", "HEAD~1", "--format", "json"]).stdout)
    }

    /// The server restarted while a run is inside its transaction: that run fails with one line and a non-zero
    /// exit, stores nothing, and the next run succeeds. On a cluster of its own: the restart cuts every connection.
    @Test func serverRestartDuringARun() throws {
        let dir = try scratch("restart")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cluster = try PostgresTestServer.startCluster()
        defer { cluster.stop() }
        let socket = ["-h", cluster.directory, "-U", "yardstick", "-d", "yardstick", "-p"]
        let port = try #require(URLComponents(string: cluster.url)?.port)
        func count() -> String {
            Command.run(
                "/usr/bin/psql", ["-X", "-A", "-t"] + socket + [String(port), "-c", "SELECT count(*) FROM run"]
            )
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let repo = SampleRepositories.path("delivery")
        let password = ["PGPASSWORD": cluster.password]
        let (process, stderr) = try pausedRun(
            ["analyze", repo, "--store", cluster.url, "-o", dir + "/a"], pause: 5, environment: password)
        let restarted = cluster.restart()
        #expect(restarted.status == 0, "\(restarted.stderr)")
        process.waitUntilExit()
        let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 1)
        #expect(
            message
                == "error: \(cluster.url): the connection to the server was lost; nothing from this run was stored\n"
                || message
                    == "error: \(cluster.url): the server shut down or restarted (terminating connection due to administrator command); nothing from this run was stored\n",
            "\(message)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/a"))
        #expect(count() == "0")
        let next = yardstick(
            ["analyze", repo, "--store", cluster.url, "--format", "json"],
            environment: PostgresTestServer.environment(password))
        #expect(next.status == 0, "\(next.stderr)")
        #expect(count() == "1")
    }

    /// What cannot be used is one line naming the store without its password, and exit 1.
    @Test func unusableStoresAreOneLineErrors() throws {
        let port = try PostgresTestServer.port()
        let repo = SampleRepositories.path("delivery")
        let (foreign, foreignURL) = try PostgresTestServer.makeDatabase("foreign")
        PostgresTestServer.psql(foreign, "CREATE TABLE invoices (id int)")
        let cases: [([String], [String: String], String)] = [
            (
                ["--store", "postgres://yardstick@127.0.0.1:\(port)/yardstick"], ["PGPASSWORD": "wrong"],
                "postgres://yardstick@127.0.0.1:\(port)/yardstick: authentication failed (password authentication failed for user \"yardstick\"); check PGPASSWORD or the password file"
            ),
            (
                ["--store", "postgres://yardstick@127.0.0.2:\(port)/yardstick?connect_timeout=2"], [:],
                "postgres://yardstick@127.0.0.2:\(port)/yardstick: cannot reach the server ("
            ),
            (
                ["--store", foreignURL], [:],
                "\(foreignURL): is not a Yardstick database (it holds 1 other tables and no yardstick_schema); name an empty database"
            ),
            (
                ["--store", "postgres://yardstick:hunter2@127.0.0.1:\(port)/yardstick"], [:],
                "postgres://yardstick:***@127.0.0.1:\(port)/yardstick: the URL carries a password; give it in PGPASSWORD or a password file (PGPASSFILE or ~/.pgpass), never on the command line"
            ),
            (
                ["--store", "postgres://yardstick@127.0.0.1:\(port)/yardstick", "--rebuild-store"], [:],
                "postgres://yardstick@127.0.0.1:\(port)/yardstick: --rebuild-store starts a SQLite file anew; a PostgreSQL store is shared by many repositories and is never rebuilt by a run"
            ),
        ]
        for (arguments, environment, expected) in cases {
            let result = yardstick(
                ["analyze", repo, "--format", "json"] + arguments,
                environment: PostgresTestServer.environment(environment))
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.hasPrefix("error: " + expected), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(!result.stderr.contains("hunter2") && !result.stderr.contains(PostgresTestServer.password))
        }
        #expect(PostgresTestServer.value(foreign, "SELECT to_regclass('run') IS NULL") == "t")
    }
}
