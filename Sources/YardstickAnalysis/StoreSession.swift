internal import Foundation
package import HistoryMining
internal import HistoryModel
package import HistoryStoreCore
internal import HistoryStorePostgres
internal import HistoryStoreSQLite
internal import YardstickConfig

/// One analysis run against a persistent store (`--store`, ADR 0019). In order:
///
/// 1. `init` opens the store and reads the tip (no history walked);
/// 2. `reusableRun(snapshotKey:)`: the newest run's report when nothing it depends on changed;
/// 3. otherwise `landedHistory`: the stored records for this record context are loaded, and only the records
///    the store does not hold are mined;
/// 4. `save`: the run's snapshot and its records, in one transaction.
///
/// The store is any backend behind the seam (ADR 0023); the session reads and writes one repository of it, by key.
package struct StoreSession: Sendable {
    package let store: any RunStore
    package let state: TipState
    /// The repository's key in the store: the name given, else `RepositoryKey.of(gitDirectory:)`.
    package let repository: RepositoryKey
    /// Seconds slept inside the save transaction (`YARDSTICK_TEST_STORE_PAUSE`), for the tests that kill a run.
    package var pauseBeforeCommit: Double = 0

    package init(store: any RunStore, analysis: Analysis, repositoryName: String? = nil) throws {
        self.store = store
        state = try Self.tipState(store: store, analysis: analysis)
        repository = Self.repositoryKey(name: repositoryName, gitDirectory: state.gitDirectory)
    }

    /// The key `repositoryName` gives, else the repository's real working folder (its git folder when bare).
    package static func repositoryKey(name: String?, gitDirectory: String) -> RepositoryKey {
        if let name { return RepositoryKey(name) }
        let real = URL(fileURLWithPath: gitDirectory).resolvingSymlinksInPath().standardizedFileURL.path
        return RepositoryKey.of(gitDirectory: real)
    }

    /// The newest run, when its snapshot key is `snapshotKey` and it kept its report (the JSON bytes). The
    /// reuse is recorded as a run of its own, with the same metrics.
    package func reusableRun(snapshotKey: String, time: Int64) throws -> StoredRun? {
        guard let run = try store.latestRun(repository: repository, snapshotKey: snapshotKey) else { return nil }
        try store.saveReuse(repository: repository, of: run, time: time)
        return run
    }

    /// Loads the records stored for this tip's record context.
    package func storedRecords() throws -> StoredRecords {
        try store.records(repository: repository, context: state.recordContext)
    }

    /// Which of the history's records were read from `loaded` and which were mined, by role.
    package static func split(_ history: LandedHistory, loaded: StoredRecords) -> (
        used: Set<RecordKey>, mined: [RecordKey]
    ) {
        let mainline = Set(history.mined.mainline)
        var used = Set<RecordKey>()
        var mined: [RecordKey] = []
        for id in history.mined.commits.ids {
            let key = RecordKey(id: id, onMainline: mainline.contains(id))
            if loaded.contains(id, onMainline: key.onMainline) {
                used.insert(key)
            } else if history.mined.commits.contains(id) {
                mined.append(key)
            }
        }
        return (used, mined)
    }

    /// Saves the run: its snapshot, and the records it read and mined as the stored set (with the identities
    /// git recorded: `rawIdentities`).
    package func save(_ run: StoredRun, history: LandedHistory, loaded: StoredRecords, analysis: Analysis) throws {
        let (used, keys) = Self.split(history, loaded: loaded)
        let mined = try minedRecords(keys, history: history, analysis: analysis)
        var run = run
        run.recordsMined = mined.count
        run.recordsReused = used.count
        try store.save(
            repository: repository, run: run, context: state.recordContext, loaded: loaded, used: used, mined: mined,
            pause: pauseBeforeCommit)
        store.checkpoint()
    }

    /// `$XDG_CACHE_HOME/yardstick/<FNV-1a 64-bit hash of the git directory's real path, 16 hex digits>.sqlite`
    /// (`~/.cache` when `XDG_CACHE_HOME` is unset or relative): the store `--store default` names. The folder is
    /// created when missing.
    package static func defaultPath(gitDirectory: String, environment: [String: String]) throws -> String {
        var cache = environment["XDG_CACHE_HOME"] ?? ""
        if !cache.hasPrefix("/") { cache = (environment["HOME"] ?? NSHomeDirectory()) + "/.cache" }
        let folder = cache + "/yardstick"
        let real = URL(fileURLWithPath: gitDirectory).resolvingSymlinksInPath().standardizedFileURL.path
        let hash = FNV1a.hash64(real.utf8)
        let hex = String(hash, radix: 16)
        let digest = String(repeating: "0", count: 16 - hex.count) + hex
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw StoreSessionError("\(folder): cannot create the store folder (\(error.localizedDescription))")
        }
        return "\(folder)/\(digest).sqlite"
    }
}

/// Opens the store a `--store` value names (ADR 0023): a `postgres://` or `postgresql://` URL is a PostgreSQL
/// database (password from the environment, never the URL); anything else is a SQLite file path. `rebuild` starts a
/// SQLite file anew; a PostgreSQL store, shared by many repositories, is never rebuilt by a run.
package enum StoreOpener {
    package static func open(
        _ location: String, busyTimeout: Double, rebuild: Bool, environment: [String: String]
    ) throws -> any RunStore {
        if PostgresLocation.isPostgres(location) {
            let postgres = try PostgresLocation(location, environment: environment)
            if rebuild {
                throw StoreError(
                    store: postgres.name,
                    "--rebuild-store starts a SQLite file anew; a PostgreSQL store is shared by many repositories and is never rebuilt by a run"
                )
            }
            return try PostgresStore(location: postgres, environment: environment, lockTimeout: busyTimeout)
        }
        return try HistoryDatabase(path: location, busyTimeout: busyTimeout, rebuild: rebuild)
    }

    /// Whether the store exists (a SQLite file is made by its first run; a PostgreSQL store is asked when opened).
    package static func exists(_ location: String) -> Bool {
        PostgresLocation.isPostgres(location) || FileManager.default.fileExists(atPath: location)
    }

    /// The store as messages name it: the path, or the URL without its password.
    package static func name(_ location: String, environment: [String: String]) -> String {
        guard PostgresLocation.isPostgres(location) else { return location }
        return (try? PostgresLocation(location, environment: environment).name) ?? location
    }
}

extension Analysis {
    /// Mines and classifies the history, taking the records `stored` holds instead of mining them, the links and
    /// side branches `links` holds instead of walking and painting them (`StoreSession.storedLinks`), and the group
    /// diffs `groupDiffs` holds instead of diffing them (`StoreSession.storedGroupDiffs`).
    package func landedHistory(
        progress: (@Sendable (MiningProgress) -> Void)? = nil, reusing stored: StoredRecords, links: KnownLinks? = nil,
        groupDiffs: KnownGroupDiffs? = nil
    ) throws -> LandedHistory {
        try miner.landedHistory(
            classifier: LandedChangeClassifier(forgeCommitterEmails: configuration.forgeCommitterEmails),
            progress: progress,
            reusing: KnownRecords(rawIdentities: true, contains: { stored.contains($0, onMainline: $1) }) {
                id, onMainline in
                stored.record(id, onMainline: onMainline)
            },
            links: links, groupDiffs: groupDiffs)
    }
}

package struct StoreSessionError: Error, CustomStringConvertible {
    package let description: String
    init(_ description: String) { self.description = description }
}

/// Where a run keeps state for the next one besides records (links, group and fix diffs, branch-fix traces): a
/// `state` row's name (with the repository's key) and the version of what is kept under it; a row of another
/// version is not read.
struct KeptState {
    var name: String
    var context: String
}

extension StoreSession {
    /// The bytes kept under `kept`, or nil.
    func kept(_ kept: KeptState) throws -> [UInt8]? { try store.states(kept.name)[kept.context] }

    /// Keeps `data` under `kept` for the next run.
    func keep(_ data: [UInt8], as kept: KeptState) throws {
        try store.setState(kept.name, context: kept.context, data: data)
    }
}
