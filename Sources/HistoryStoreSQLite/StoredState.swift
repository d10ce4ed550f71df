internal import Foundation
internal import GRDB
public import HistoryStoreCore

/// State a run keeps for the next one besides records and snapshots (ADR 0019): one generic table,
/// `state(name, context, data)`, so that each kind of state is a name and needs no schema of its own. `context`
/// says what the data is valid for (a repository's git directory, a record context); a reader asks for one
/// context and finds nothing for another.
///
/// Kept here: `packChecks` (the pack files whose checksums passed, by git directory; `ObjectVerification`).
extension HistoryDatabase {
    static func registerStateMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-nightly") { db in
            try db.create(table: "state") { t in
                t.column("name", .text).notNull()
                t.column("context", .text).notNull()
                t.column("data", .blob).notNull()
                t.primaryKey(["name", "context"])
            }
        }
    }

    /// The data kept under `name` for `context`; nil when there is none.
    public func state(_ name: String, context: String) throws(StoreError) -> [UInt8]? {
        try reading { db in
            (try Data.fetchOne(
                db, sql: "SELECT data FROM state WHERE name = ? AND context = ?", arguments: [name, context]))
                .map { Array($0) }
        }
    }

    /// The data kept under `name` for every context, by context.
    public func states(_ name: String) throws(StoreError) -> [String: [UInt8]] {
        try reading { db in
            var found: [String: [UInt8]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT context, data FROM state WHERE name = ?", arguments: [name]) {
                found[row["context"]] = Array(row["data"] as Data)
            }
            return found
        }
    }

    /// Keeps `data` under `name` for `context`, replacing what was there for that context, in a transaction of
    /// its own.
    public func setState(_ name: String, context: String, data: [UInt8]) throws(StoreError) {
        do {
            try queue.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO state(name, context, data) VALUES (?, ?, ?)",
                        arguments: [name, context, Data(data)])
                    return .commit
                }
            }
        } catch {
            throw StoreError(path: path, error, busyTimeout: busyTimeout)
        }
    }

    /// Copies the write-ahead log into the database file and empties it (`PRAGMA wal_checkpoint(TRUNCATE)`),
    /// after a run's save: the process ends without closing the database (`_exit`), and the next run would
    /// otherwise read the whole log again to recover its index (about 35 MB after a first run on git/git). A
    /// checkpoint another run's reading holds back is not waited for (no busy timeout for it) and left for later;
    /// a run never fails for it.
    public func checkpoint() {
        let timeout = Int(busyTimeout * 1000)
        try? queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA busy_timeout = 0")
            defer { try? db.execute(sql: "PRAGMA busy_timeout = \(timeout)") }
            _ = try Row.fetchAll(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }
}
