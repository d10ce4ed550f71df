import ArgumentParser
import Dispatch
import EvidenceImport
import Foundation
import HistoryMining
import HistoryModel
import HistoryStoreCore
import MetricsReporting
import ReportContract
import ReportEvidence
import YardstickAnalysis
import YardstickConfig

/// `--store` and `--rebuild-store` (ADR 0019).
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help:
            "Keep mined records and each run's snapshot in this SQLite file, or a PostgreSQL database (postgres://USER@HOST:PORT/DB; password from PGPASSWORD or PGPASSFILE), and mine only new commits; 'default' for $XDG_CACHE_HOME/yardstick/<repository hash>.sqlite."
    )
    var store: String?

    @Flag(name: .long, help: "Start the --store file anew, removing whatever is there (a damaged or foreign file).")
    var rebuildStore = false

    @Option(
        name: .long,
        help:
            "The repository's key in the --store (default: the real path of its working folder, or of its git folder when bare)."
    )
    var repositoryName: String?

    func validate() throws {
        if rebuildStore && store == nil { throw ValidationError("--rebuild-store needs --store") }
        if store == "" { throw ValidationError("--store needs a file path (or 'default')") }
        if repositoryName != nil && store == nil { throw ValidationError("--repository-name needs --store") }
        if repositoryName == "" { throw ValidationError("--repository-name needs a name") }
    }

    /// Seconds a run waits for another run's transaction on the same store (`YARDSTICK_STORE_BUSY_TIMEOUT`,
    /// default 60).
    static var busyTimeout: Double {
        ProcessInfo.processInfo.environment["YARDSTICK_STORE_BUSY_TIMEOUT"].flatMap(Double.init) ?? 60
    }

    /// Opens the store `--store` names (the default one is found from the repository).
    func open(analysis: Analysis) throws -> StoreSession? {
        guard let store else { return nil }
        var path = store
        if store == "default" {
            path = try StoreSession.defaultPath(
                gitDirectory: try analysis.miner.gitDirectory(), environment: ProcessInfo.processInfo.environment)
        }
        let opened = try StoreOpener.open(
            path, busyTimeout: Self.busyTimeout, rebuild: rebuildStore,
            environment: ProcessInfo.processInfo.environment)
        var session = try StoreSession(store: opened, analysis: analysis, repositoryName: repositoryName)
        session.pauseBeforeCommit =
            ProcessInfo.processInfo.environment["YARDSTICK_TEST_STORE_PAUSE"].flatMap(Double.init) ?? 0
        return session
    }
}

/// What a stored report depends on besides the records: the options as given, the files read, and what the
/// tip holds. Equal keys give equal reports, so a rerun with an equal key returns the stored report.
struct SnapshotKey {
    /// The options, as the JSON stored with each run (keys sorted).
    let options: String
    /// `sha256:` of `options`; nil when the run reads something the key cannot cover (git notes refs, a
    /// pseudonym key), so that its report is never reused.
    let key: String?

    init(
        repository: RepositoryOptions, frontend: Frontend, window: WindowOption?, privacy: PrivacyOptions,
        imports: ImportRequest, state: TipState, view: [String: String] = [:]
    ) throws {
        var o: [String: String] = [
            "tool": "\(Yardstick.configuration.commandName ?? "yardstick") \(Yardstick.configuration.version)",
            "analysis": String(Analysis.revision),
            // What the miner writes (`records-v6`: exact renames of submodules, git's merge bases, tied rename
            // scores paired as git pairs them, `encoding` headers) and how a `.mailmap` is read
            // (`TipState.identityRules`): a report made by other rules is not handed back.
            "records": state.recordContext,
            "identities": state.identityRules,
            "path": repository.path,
            "branch": repository.branch ?? "",
            "since": repository.since ?? "",
            "until": repository.until ?? "",
            "allowShallow": String(repository.allowShallow),
            "config": frontend.configPath ?? "",
            "configDigest": frontend.configData.map(FileDigest.sha256) ?? "",
            "window": window?.rawValue ?? "",
            "privacy": privacy.privacy?.rawValue ?? "",
            "pseudonymize": String(privacy.pseudonymize),
            "head": state.tip.description,
            "headBranch": state.branchName,
            "shallow": state.shallowBoundaries.map(\.description).sorted().joined(separator: " "),
            "pullHeads": state.pullHeads.keys.sorted().map { "\($0)=\(state.pullHeads[$0]!)" }.joined(separator: " "),
        ]
        o.merge(view) { _, new in new }
        // The same digests the report records (streamed, never a whole file in memory), per kind.
        let imported = try Provenance.importedFiles(imports)
        for kind in ["builds", "coverage", "reviews"] {
            o[kind] = imported.filter { $0.kind == kind }.map { "\($0.path)=\($0.sha256)" }.joined(separator: " ")
        }
        o["importFormats"] = [
            imports.buildFormat?.rawValue, imports.coverageFormat?.rawValue, imports.reviewFormat?.rawValue,
        ].map { $0 ?? "-" }.joined(separator: " ")
        o["importFlags"] = "buildTrailers=\(imports.buildTrailers) strip=\(imports.stripPrefixes)"
        o["buildNotes"] = imports.buildNotesRef ?? ""
        o["reviewNotes"] = String(imports.reviewNotes)
        let json = try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys])
        options = String(decoding: json, as: UTF8.self)
        let reusable = imports.buildNotesRef == nil && !imports.reviewNotes && !privacy.pseudonymize
        key = reusable ? FileDigest.sha256(json) : nil
    }
}

extension StoredRun {
    /// A run's snapshot before it is saved (the record counts are filled in by the save).
    init(report: Report, json: [UInt8], metrics: [UInt8], key: SnapshotKey, configDigest: String?) {
        self.init(
            time: Int64(Date().timeIntervalSince1970), head: report.repository.head, branch: report.repository.branch,
            options: key.options, configDigest: configDigest, toolVersion: report.tool.version,
            snapshotKey: key.key ?? "unreusable:" + UUID().uuidString, recordsMined: 0, recordsReused: 0,
            metrics: metrics, report: json)
    }
}

extension AnalyzeCommand {
    /// The analysis with `--store`: the newest run's report when nothing it depends on changed; otherwise only
    /// the records the store lacks are mined, and the run (records and snapshot) is saved in one transaction
    /// before the report is written. A store that cannot be written fails the run (exit 1, no report).
    func runStored(
        _ session: StoreSession, options: RepositoryOptions, frontend: Frontend, analysis: Analysis,
        pseudonymizer: Pseudonymizer?, colour: Bool, width: Int
    ) throws -> (text: String, storedJSON: [UInt8]?, report: Report?) {
        defer { session.store.close() }
        var timings: [(String, Double)] = []
        var clock = DispatchTime.now().uptimeNanoseconds
        func lap(_ name: String) {
            let now = DispatchTime.now().uptimeNanoseconds
            timings.append((name, Double(now - clock) / 1e9))
            clock = now
        }
        defer { frontend.printTimings(timings) }
        let key = try SnapshotKey(
            repository: options, frontend: frontend, window: window, privacy: privacy, imports: analysis.imports,
            state: session.state,
            view: [
                "by": view.by?.rawValue ?? "",
                "minimumSample": String(analysis.configuration.summary.minimumSample),
                "summaryGroups": String(analysis.configuration.summary.maxGroups),
            ])
        if let k = key.key,
            let run = try session.reusableRun(snapshotKey: k, time: Int64(Date().timeIntervalSince1970)),
            let json = run.report
        {
            lap("store: report reused")
            if format == .json { return ("", json, nil) }
            // CSV and OpenMetrics read the groups' metrics only: they are rendered from the run's metrics JSON
            // (its report without the pull requests, a small part of it: on git/git 1.5 s less) instead of the
            // whole report. So are the gates given with them.
            let source = format.readsPullRequests ? json : run.metrics
            let report: Report
            do {
                report = try JSONDecoder().decode(Report.self, from: Data(source))
            } catch {
                throw CLIError(
                    "\(session.store.name): the stored report cannot be read (\(error)); use --rebuild-store")
            }
            defer { lap("render \(format.rawValue)") }
            return (
                format.reportFormat.render(report, colour: colour, width: width, threads: repository.workers), nil,
                report
            )
        }
        let loaded = try session.storedRecords()
        let links = try session.storedLinks()
        let groupDiffs = try session.storedGroupDiffs()
        var analysis = analysis
        analysis.knownFixDiffs = try session.storedFixDiffs()
        analysis.knownBranchFixTraces = try session.storedBranchFixTraces()
        analysis.knownFixDetection = try session.storedFixDetection(analysis.configuration.delivery)
        lap(
            "store: records, links, group diffs, fix diffs, branch-fix traces and fix detection loaded (\(loaded.count))"
        )
        let history = try frontend.landedHistory(reusing: loaded, links: links, groupDiffs: groupDiffs)
        clock = DispatchTime.now().uptimeNanoseconds
        let report = try Provenance.finish(
            try analysis.report(for: history), frontend: frontend, window: window, imports: analysis.imports,
            pseudonymizer: pseudonymizer)
        timings.append(contentsOf: analysis.timings)
        clock = DispatchTime.now().uptimeNanoseconds
        // The report without its pull requests comes from the same encoding (on git/git 6 MB of 54: 1,021 groups).
        let reporter = repository.workers.map { JSONReporter(parts: $0) } ?? JSONReporter()
        let (json, metrics) = reporter.renderWithMetrics(report)
        lap("render json for the store")
        try session.saveLinks(links)
        try session.saveGroupDiffs(groupDiffs, history: history)
        try analysis.knownFixDiffs.map { try session.saveFixDiffs($0, history: history) }
        let traces = analysis.knownBranchFixTraces?.reuse ?? (kept: 0, traced: 0)
        try analysis.knownBranchFixTraces.map { try session.saveBranchFixTraces($0) }
        try analysis.knownFixDetection.map {
            try session.saveFixDetection($0, delivery: analysis.configuration.delivery)
        }
        let detected = analysis.knownFixDetection?.detected ?? 0
        lap(
            "store: links, fix diffs and branch-fix traces (\(traces.kept) kept, \(traces.traced) traced), "
                + "group diffs and fix detection (\(detected) detected) saved")
        try session.save(
            StoredRun(
                report: report, json: Array(json.utf8), metrics: Array(metrics.utf8), key: key,
                configDigest: report.options.configDigest),
            history: history, loaded: loaded, analysis: analysis)
        lap("store: saved")
        if format == .json { return (json, nil, report) }
        defer { lap("render \(format.rawValue)") }
        return (
            format.reportFormat.render(report, colour: colour, width: width, threads: repository.workers), nil, report
        )
    }

    /// A JSON report this tool wrote (a stored one, for the gates).
    static func decode(_ json: [UInt8]) throws -> Report {
        do {
            return try JSONDecoder().decode(Report.self, from: Data(json))
        } catch {
            throw CLIError("the stored report cannot be read (\(error)); use --rebuild-store")
        }
    }
}
