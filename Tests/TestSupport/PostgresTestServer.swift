import Foundation

/// The throw-away PostgreSQL cluster Scripts/postgres-test-server.sh starts (Scripts/test.sh starts it and exports
/// its variables). The tests of the PostgreSQL store run when `YARDSTICK_TEST_POSTGRES_URL` is set, and also when
/// `YARDSTICK_TEST_REQUIRE_POSTGRES=1` is (Scripts/test.sh), where they then fail rather than skip without a server.
/// Each test works in a database of its own.
public enum PostgresTestServer {
    static let environment = ProcessInfo.processInfo.environment

    /// `postgres://yardstick@127.0.0.1:PORT/yardstick`: the server's URL (no password).
    public static var url: String? { environment["YARDSTICK_TEST_POSTGRES_URL"] }
    /// The superuser's password (TCP connections ask for it).
    public static var password: String { environment["YARDSTICK_TEST_POSTGRES_PASSWORD"] ?? "" }
    /// The folder of the server's unix socket (trust authentication).
    public static var socketFolder: String { environment["YARDSTICK_TEST_POSTGRES_SOCKET"] ?? "" }
    /// The cluster's folder, for `restart`.
    public static var directory: String { environment["YARDSTICK_TEST_POSTGRES_DIR"] ?? "" }

    /// Whether the tests that need the server run: a server was given, or one is required.
    public static var enabled: Bool { url != nil || environment["YARDSTICK_TEST_REQUIRE_POSTGRES"] == "1" }

    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// The server's port, from its URL.
    public static func port() throws -> Int {
        guard let url, let components = URLComponents(string: url), let port = components.port else {
            throw Unavailable(
                description:
                    "no PostgreSQL test server: YARDSTICK_TEST_POSTGRES_URL is unset (Scripts/test.sh starts one with Scripts/postgres-test-server.sh)"
            )
        }
        return port
    }

    /// A new empty database; its URL over TCP (the password comes from `PGPASSWORD`, see `environment(_:)`).
    public static func makeDatabase(_ label: String) throws -> (name: String, url: String) {
        let port = try port()
        let name =
            "t_\(label.lowercased().filter { $0.isLetter || $0.isNumber })_\(UUID().uuidString.prefix(8).lowercased())"
        let made = psql("postgres", "CREATE DATABASE \(name)")
        guard made.status == 0 else {
            throw Unavailable(description: "cannot create a test database: \(made.stderr)")
        }
        return (name, "postgres://yardstick@127.0.0.1:\(port)/\(name)")
    }

    /// Runs `sql` in `database` as the superuser over the socket; its rows unaligned, `|`-separated.
    @discardableResult
    public static func psql(_ database: String, _ sql: String) -> Command.Result {
        let port = (try? port()) ?? 0
        return Command.run(
            "/usr/bin/psql",
            [
                "-X", "-q", "-A", "-t", "-h", socketFolder, "-p", String(port), "-U", "yardstick", "-d", database, "-c",
                sql,
            ])
    }

    /// The first line `psql` prints for `sql`, trimmed.
    public static func value(_ database: String, _ sql: String) -> String {
        psql(database, sql).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A cluster of a test's own (for a test that restarts its server while other tests use the shared one).
    public struct Cluster {
        public let url: String
        public let password: String
        public let directory: String

        /// Restarts the server (fast shutdown: open connections are cut).
        public func restart() -> Command.Result { PostgresTestServer.script(["restart", directory]) }

        public func stop() { _ = PostgresTestServer.script(["stop", directory]) }
    }

    static func script(_ arguments: [String]) -> Command.Result {
        Command.run("/bin/bash", [SampleRepositories.packageRoot + "/Scripts/postgres-test-server.sh"] + arguments)
    }

    /// Starts a cluster of the test's own with Scripts/postgres-test-server.sh (stop it with `stop()`).
    public static func startCluster() throws -> Cluster {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "yardstick-postgres-\(UUID().uuidString.prefix(8))"
        ).path
        let started = script(["start", directory])
        var values: [String: String] = [:]
        for line in started.stdout.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        guard started.status == 0, let url = values["YARDSTICK_TEST_POSTGRES_URL"],
            let password = values["YARDSTICK_TEST_POSTGRES_PASSWORD"]
        else {
            _ = script(["stop", directory])
            throw Unavailable(description: "cannot start a PostgreSQL cluster: \(started.stderr)")
        }
        return Cluster(url: url, password: password, directory: directory)
    }

    /// The environment a `yardstick` run against the server needs: the password, and no password file.
    public static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        ["PGPASSWORD": password, "PGPASSFILE": "/nonexistent"].merging(extra) { _, new in new }
    }
}
