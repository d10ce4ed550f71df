internal import Foundation
internal import GRDB

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
            try queue.write { db in
                try db.execute(
                    sql: "INSERT OR REPLACE INTO state(name, context, data) VALUES (?, ?, ?)",
                    arguments: [name, context, Data(data)])
            }
        } catch {
            throw StoreError(path: path, error, busyTimeout: busyTimeout)
        }
    }
}
