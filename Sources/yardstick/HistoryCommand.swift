import ArgumentParser
import Foundation
import HistoryMining
import HistoryStoreCore
import MetricsReporting
import ReportContract
import YardstickAnalysis

/// `yardstick history`: each group's metrics across the runs a store holds (ADR 0019).
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show each group's metrics across the runs kept in a store (analyze --store)."
    )

    @Argument(help: "The repository, for --store default (default: the repository containing the current folder).")
    var repositoryPath: String?

    @Option(name: .long, help: "The store analyze --store wrote; 'default' for the repository's default store.")
    var store: String

    @Option(
        name: .long,
        help:
            "The repository's key in the store (default: the store's only repository, else the repository argument's or the current folder's)."
    )
    var repositoryName: String?

    @Option(name: .long, help: "Output format: table, json or csv.")
    var format: HistoryFormat = .table

    @Option(name: .long, help: "Runs shown in the table, the newest ones (default 8); JSON and CSV hold every run.")
    var last: Int = 8

    @Option(name: .shortAndLong, help: "Write to this file (atomically) instead of standard output.")
    var output: String?

    func validate() throws {
        if last < 1 { throw ValidationError("--last must be at least 1") }
        if store.isEmpty { throw ValidationError("--store needs a file path (or 'default')") }
        if repositoryName == "" { throw ValidationError("--repository-name needs a name") }
    }

    func run() throws {
        try Frontend.run {
            if output == nil { try Terminal.requireStandardOutput() }
            let sink = try output.map { try OutputFile(path: $0) }
            var path = store
            if store == "default" {
                path = try StoreSession.defaultPath(
                    gitDirectory: try miner().gitDirectory(), environment: ProcessInfo.processInfo.environment)
            }
            guard StoreOpener.exists(path) else {
                throw CLIError("\(path): no store here (analyze --store \(store) makes one)")
            }
            let opened = try StoreOpener.open(
                path, busyTimeout: StoreOptions.busyTimeout, rebuild: false,
                environment: ProcessInfo.processInfo.environment)
            defer { opened.close() }
            let repository = try chooseRepository(opened)
            let runs = try opened.runs(repository: repository).map { run -> RunHistory.Run in
                let report: Report
                do {
                    report = try JSONDecoder().decode(Report.self, from: Data(run.metrics))
                } catch {
                    throw CLIError(
                        "\(opened.name): the metrics of run \(run.id) cannot be read (\(error)); use --rebuild-store")
                }
                return RunHistory.Run(
                    time: run.time, head: run.head, branch: run.branch, toolVersion: run.toolVersion,
                    groups: report.groups)
            }
            let text = HistoryReporter.render(RunHistory(runs: runs), format: format.reporterFormat, lastRuns: last)
            if let sink { try sink.commit(text) } else { try Terminal.writeStdout(text) }
        }
    }
}

extension HistoryCommand {
    func miner() -> Miner {
        Miner(path: repositoryPath ?? ".", options: MiningOptions(searchParents: repositoryPath == nil))
    }

    /// The repository shown: `--repository-name`; else the store's only repository; else the one the repository
    /// argument (or the current folder) is, which the store must hold.
    func chooseRepository(_ store: any RunStore) throws -> RepositoryKey {
        let held = try store.repositories()
        if let repositoryName {
            let key = RepositoryKey(repositoryName)
            // A store from before repository keys answers for any key (HistoryStoreSQLite).
            guard held.contains(where: { $0.key == key || $0.key.value.isEmpty }) else {
                throw CLIError(
                    "\(store.name): holds no repository named '\(TextEscaping.terminal(repositoryName))' (\(held.count) repositories)"
                )
            }
            return key
        }
        if held.count == 1 && repositoryPath == nil { return held[0].key }
        if held.count <= 1 {
            return StoreSession.repositoryKey(name: nil, gitDirectory: try miner().gitDirectory())
        }
        let folder: String
        do {
            folder = try miner().gitDirectory()
        } catch {
            throw CLIError(
                "\(store.name): holds \(held.count) repositories; name one with --repository-name or give its path")
        }
        let key = StoreSession.repositoryKey(name: nil, gitDirectory: folder)
        guard held.contains(where: { $0.key == key }) else {
            throw CLIError(
                "\(store.name): holds \(held.count) repositories, not \(TextEscaping.terminal(key.value)); name one with --repository-name"
            )
        }
        return key
    }
}

enum HistoryFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv

    var reporterFormat: HistoryReporter.Format {
        switch self {
        case .table: return .table
        case .json: return .json
        case .csv: return .csv
        }
    }
}
