import ArgumentParser
import Foundation
import HistoryMining
import HistoryStoreSQLite
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

    @Option(name: .long, help: "Output format: table, json or csv.")
    var format: HistoryFormat = .table

    @Option(name: .long, help: "Runs shown in the table, the newest ones (default 8); JSON and CSV hold every run.")
    var last: Int = 8

    @Option(name: .shortAndLong, help: "Write to this file (atomically) instead of standard output.")
    var output: String?

    func validate() throws {
        if last < 1 { throw ValidationError("--last must be at least 1") }
        if store.isEmpty { throw ValidationError("--store needs a file path (or 'default')") }
    }

    func run() throws {
        try Frontend.run {
            if output == nil { try Terminal.requireStandardOutput() }
            let sink = try output.map { try OutputFile(path: $0) }
            var path = store
            if store == "default" {
                let miner = Miner(
                    path: repositoryPath ?? ".", options: MiningOptions(searchParents: repositoryPath == nil))
                path = try StoreSession.defaultPath(
                    gitDirectory: try miner.gitDirectory(), environment: ProcessInfo.processInfo.environment)
            }
            guard FileManager.default.fileExists(atPath: path) else {
                throw CLIError("\(path): no store here (analyze --store \(store) makes one)")
            }
            let database = try HistoryDatabase(path: path, busyTimeout: StoreOptions.busyTimeout)
            let runs = try database.runs().map { run -> RunHistory.Run in
                let report: Report
                do {
                    report = try JSONDecoder().decode(Report.self, from: Data(run.metrics))
                } catch {
                    throw CLIError(
                        "\(path): the metrics of run \(run.id) cannot be read (\(error)); use --rebuild-store")
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
