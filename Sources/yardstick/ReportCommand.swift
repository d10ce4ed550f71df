import ArgumentParser
import Foundation
import HistoryMetrics
import HistoryStoreCore
import MetricsReporting
import ReportContract
import YardstickAnalysis
import YardstickConfig

/// `yardstick report`: the organisation report over several repositories' newest runs (issue 18): each group
/// over all its changes everywhere and per repository (OrganisationAggregator, docs/fleet.md).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract:
            "Report each group across several repositories: from a store's newest runs, or a folder of JSON reports."
    )

    @Option(
        name: .long,
        help: "The store the repositories' runs are in (fleet --store, analyze --store with --repository-name).")
    var store: String?

    @Option(name: .long, help: "A folder of JSON reports (NAME.json, as fleet --reports writes them).")
    var reports: String?

    @Option(name: .long, help: "Only these repositories (comma-separated names).")
    var repos: String?

    @Option(name: .long, help: "Only the repositories of this list (REPOS.yml, as fleet reads it).")
    var reposFile: String?

    @Option(name: .long, help: "Output format: table, markdown, json, html, csv or openmetrics.")
    var format: OutputFormat = .table

    @Option(name: .shortAndLong, help: "Write the report to this file (atomically) instead of standard output.")
    var output: String?

    @Option(name: .long, help: "Fewest changes behind a summary value for it to get a band (default 10).")
    var minSample: Int?

    @Option(name: .long, help: "Without a configuration, the most groups the summary shows (30).")
    var summaryGroups: Int?

    @Option(name: .long, help: "Width of the table format in columns (default: the terminal's, else COLUMNS, else 80).")
    var width: Int?

    func validate() throws {
        if (reports == nil) == (store == nil) { throw ValidationError("report needs one of --store and --reports") }
        if store == "" || store == "default" { throw ValidationError("--store needs the store fleet wrote") }
        if repos != nil && reposFile != nil { throw ValidationError("--repos and --repos-file exclude each other") }
        if let minSample, minSample < 1 { throw ValidationError("--min-sample must be at least 1") }
        if let summaryGroups, summaryGroups < 1 { throw ValidationError("--summary-groups must be at least 1") }
        if let width, width < 20 { throw ValidationError("--width must be at least 20") }
    }

    func run() throws {
        try Frontend.run {
            if output == nil { try Terminal.requireStandardOutput() }
            let sink = try output.map { try OutputFile(path: $0) }
            let wanted = try selection()
            var inputs: [OrganisationAggregator.Input]
            if let store {
                inputs = try Self.readStore(store, wanted: wanted)
            } else {
                inputs = try reports.map(Self.readFolder) ?? []
                if let wanted {
                    let known = Set(inputs.map(\.name))
                    if let missing = wanted.first(where: { !known.contains($0) }) {
                        let name = TextEscaping.terminal(missing)
                        throw CLIError("\(reports ?? ""): no report of repository '\(name)' (\(name).json)")
                    }
                    inputs = inputs.filter { wanted.contains($0.name) }
                }
            }
            guard !inputs.isEmpty else { throw CLIError("\(store ?? reports ?? ""): no repository run to aggregate") }
            var settings = SummarySettings()
            if let minSample { settings.minimumSample = minSample }
            if let summaryGroups { settings.maxGroups = summaryGroups }
            let org = OrganisationAggregator.aggregate(inputs, settings: settings)
            let colour = output == nil && format == .table && Terminal.isTTY(fd: 1)
            let text = OrganisationReporter(
                format: format.reportFormat, colour: colour,
                width: width ?? Terminal.columns(terminal: output == nil)
            ).render(org)
            if let sink { try sink.commit(text) } else { try Terminal.writeStdout(text) }
        }
    }

    /// The names `--repos` or `--repos-file` select; nil: every repository.
    func selection() throws -> [String]? {
        if let repos {
            let names = repos.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }
            guard !names.isEmpty else { throw CLIError("--repos names no repository") }
            return names
        }
        if let reposFile {
            guard let data = FileManager.default.contents(atPath: reposFile),
                let text = String(data: data, encoding: .utf8)
            else { throw CLIError("\(reposFile): cannot read the repository list (missing, unreadable or not UTF-8)") }
            return try FleetList.parse(text, file: reposFile, folder: (reposFile as NSString).deletingLastPathComponent)
                .repositories.map(\.name)
        }
        return nil
    }

    /// The newest full run of each repository the store holds (those `wanted` names, each of which it must hold),
    /// by repository key.
    static func readStore(_ location: String, wanted: [String]?) throws -> [OrganisationAggregator.Input] {
        guard StoreOpener.exists(location) else {
            throw CLIError("\(location): no store here (fleet --store makes one)")
        }
        let store = try StoreOpener.open(
            location, busyTimeout: StoreOptions.busyTimeout, rebuild: false,
            environment: ProcessInfo.processInfo.environment)
        defer { store.close() }
        let held = try store.repositories().map(\.key)
        var keys = held
        if let wanted {
            keys = try wanted.map { name in
                guard let key = held.first(where: { $0.value == name }) else {
                    throw CLIError(
                        "\(store.name): holds no repository named '\(TextEscaping.terminal(name))' (\(held.count) repositories)"
                    )
                }
                return key
            }
        }
        return try keys.compactMap { key -> OrganisationAggregator.Input? in
            guard let run = try store.latestRun(repository: key, snapshotKey: nil), let json = run.report else {
                return nil
            }
            do {
                let report = try JSONDecoder().decode(Report.self, from: Data(json))
                // A store from before repository keys holds one repository under the empty key.
                return OrganisationAggregator.Input(
                    name: key.value.isEmpty ? report.repository.path : key.value, report: report)
            } catch {
                throw CLIError(
                    "\(store.name): the report of \(TextEscaping.terminal(key.description))'s newest run cannot be read; run it again or use --rebuild-store"
                )
            }
        }
    }

    /// Every `NAME.json` of the folder, by name; a file that is not a Yardstick report is refused in one line.
    static func readFolder(_ folder: String) throws -> [OrganisationAggregator.Input] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw CLIError("\(folder): cannot list the reports folder (missing or unreadable)")
        }
        return try names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().map { file in
            let path = folder + "/" + file
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CLIError("\(path): cannot read the report")
            }
            do {
                let report = try JSONDecoder().decode(Report.self, from: data)
                return OrganisationAggregator.Input(name: String(file.dropLast(5)), report: report)
            } catch {
                throw CLIError("\(path): not a Yardstick JSON report (analyze --format json writes one)")
            }
        }
    }
}
