internal import Foundation
public import HistoryStoreCore

/// Where a PostgreSQL store is, from a `--store` URL (ADR 0023):
/// `postgres://[USER@]HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require&connect_timeout=S]`, also `postgresql://`,
/// and a unix socket as `postgres://[USER@]/DATABASE?host=/socket/folder[&port=P]` (the folder holding
/// `.s.PGSQL.<port>`). The user is the URL's, else `PGUSER`, else `USER`; the port the URL's, else `PGPORT`, else 5432.
///
/// A URL that carries a password is refused: a command line is seen by every user of the machine (`ps`), kept in
/// shell histories and in CI logs. The password comes from `PGPASSWORD`, else from the password file
/// (`PGPASSFILE`, else `~/.pgpass`, libpq's format), and is never part of `name`.
public struct PostgresLocation: Sendable, Equatable {
    public enum TLSMode: String, Sendable { case disable, prefer, require }

    public var user: String
    /// The host, or nil for a unix socket.
    public var host: String?
    /// The folder of the unix socket, when `host` is nil.
    public var socketFolder: String?
    public var port: Int
    public var database: String
    public var tls: TLSMode
    /// Seconds to wait for the connection.
    public var connectTimeout: Int

    /// Whether `value` names a PostgreSQL store rather than a SQLite file.
    public static func isPostgres(_ value: String) -> Bool {
        value.hasPrefix("postgres://") || value.hasPrefix("postgresql://")
    }

    /// The store as every message names it: no password, ever.
    public var name: String {
        if let host {
            let shown = host.contains(":") ? "[\(host)]" : host
            return "postgres://\(user)@\(shown):\(port)/\(database)"
        }
        return "postgres://\(user)@/\(database)?host=\(socketFolder ?? "")&port=\(port)"
    }

    /// The path of the unix socket, for a socket location.
    public var socketPath: String? { socketFolder.map { "\($0)/.s.PGSQL.\(port)" } }

    public init(_ value: String, environment: [String: String]) throws(StoreError) {
        let shown = Self.withoutPassword(value)
        guard Self.isPostgres(value), let url = URLComponents(string: value) else {
            throw StoreError(store: shown, "is not a PostgreSQL URL (postgres://USER@HOST:PORT/DATABASE)")
        }
        if url.password != nil || url.queryItems?.contains(where: { $0.name == "password" }) == true {
            throw StoreError(
                store: shown,
                "the URL carries a password; give it in PGPASSWORD or a password file (PGPASSFILE or ~/.pgpass), never on the command line"
            )
        }
        var query: [String: String] = [:]
        for item in url.queryItems ?? [] {
            guard ["host", "port", "sslmode", "connect_timeout", "user", "dbname"].contains(item.name) else {
                throw StoreError(
                    store: shown,
                    "unknown URL parameter '\(item.name)' (host, port, sslmode, connect_timeout, user, dbname)")
            }
            query[item.name] = item.value ?? ""
        }
        user =
            url.user.flatMap { $0.isEmpty ? nil : $0 } ?? query["user"] ?? environment["PGUSER"] ?? environment["USER"]
            ?? "postgres"
        let urlHost = url.host.flatMap { $0.isEmpty ? nil : $0 }
        if let folder = query["host"], folder.hasPrefix("/") {
            host = nil
            socketFolder = folder
        } else if let h = query["host"] ?? urlHost {
            host = h.hasPrefix("[") && h.hasSuffix("]") ? String(h.dropFirst().dropLast()) : h
            socketFolder = nil
        } else {
            host = nil
            socketFolder = environment["PGHOST"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "/var/run/postgresql"
        }
        let portText = url.port.map(String.init) ?? query["port"] ?? environment["PGPORT"] ?? "5432"
        guard let p = Int(portText), (1...65535).contains(p) else {
            throw StoreError(store: shown, "the port '\(portText)' is not a port number")
        }
        port = p
        let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        database = path.isEmpty ? (query["dbname"] ?? environment["PGDATABASE"] ?? user) : path
        guard !database.contains("/") else {
            throw StoreError(store: shown, "'\(database)' is not a database name")
        }
        let mode = query["sslmode"] ?? (host == nil ? "disable" : "prefer")
        guard let t = TLSMode(rawValue: mode) else {
            throw StoreError(store: shown, "sslmode '\(mode)' is not one of disable, prefer, require")
        }
        tls = t
        let timeout = query["connect_timeout"] ?? "10"
        guard let seconds = Int(timeout), seconds > 0 else {
            throw StoreError(store: shown, "connect_timeout '\(timeout)' is not a number of seconds")
        }
        connectTimeout = seconds
    }

    /// The URL with any password replaced by `***`, for a message about a URL that cannot be parsed.
    static func withoutPassword(_ value: String) -> String {
        var value = value
        if let query = value.firstIndex(of: "?") {
            let items = value[value.index(after: query)...].split(separator: "&", omittingEmptySubsequences: false).map
            {
                $0.hasPrefix("password=") ? "password=***" : String($0)
            }
            value = String(value[...query]) + items.joined(separator: "&")
        }
        guard let scheme = value.range(of: "://") else { return value }
        let rest = value[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else {
            return value
        }
        return String(value[..<colon]) + ":***" + String(value[at...])
    }

    /// The password: `PGPASSWORD`, else the first matching line of the password file (`PGPASSFILE`, else
    /// `~/.pgpass`): `host:port:database:user:password`, `*` matching anything, `\:` and `\\` escaped, `localhost`
    /// matching a unix socket. nil when there is none (the server may not ask). A password file that others can
    /// read is refused, as libpq ignores it.
    public func password(environment: [String: String]) throws(StoreError) -> String? {
        if let password = environment["PGPASSWORD"] { return password }
        let file: String
        if let given = environment["PGPASSFILE"] {
            file = given
        } else if let home = environment["HOME"] {
            file = home + "/.pgpass"
        } else {
            return nil
        }
        var info = stat()
        guard stat(file, &info) == 0 else {
            if environment["PGPASSFILE"] != nil {
                throw StoreError(store: name, "the password file \(file) (PGPASSFILE) cannot be read")
            }
            return nil
        }
        if info.st_mode & 0o077 != 0 {
            throw StoreError(
                store: name,
                "the password file \(file) can be read by others (mode \(String(info.st_mode & 0o777, radix: 8))); chmod 600 it"
            )
        }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw StoreError(store: name, "the password file \(file) cannot be read")
        }
        let hostField = host ?? "localhost"
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let fields = Self.passwordFields(String(line))
            guard fields.count == 5 else { continue }
            let wanted = [hostField, String(port), database, user]
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }

    /// A password-file line's fields: `:` separates, a backslash escapes the next character.
    static func passwordFields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var escaped = false
        for c in line {
            if escaped {
                current.append(c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == ":" && fields.count < 4 {
                fields.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        fields.append(current)
        return fields
    }
}
