import ArgumentParser
import Dispatch
import HistoryMetrics
import MetricsReporting
import YardstickAnalysis

struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Analyse a repository and report each author group against the benchmark table."
    )

    @OptionGroup var repository: RepositoryOptions

    @Option(name: .long, help: "Output format: table, markdown, json or html.")
    var format: OutputFormat = .table

    @Option(name: .shortAndLong, help: "Write the report to this file (atomically) instead of standard output.")
    var output: String?

    @Option(name: .long, help: "Also report every metric per calendar window: month or quarter (UTC).")
    var window: WindowOption?

    @OptionGroup(title: "Imports") var imports: ImportOptions

    @OptionGroup var privacy: PrivacyOptions

    @OptionGroup(title: "Store") var store: StoreOptions

    func run() throws {
        try Frontend.run {
            if output == nil { try Terminal.requireStandardOutput() }
            let frontend = try Frontend(options: repository)
            let pseudonymizer = try privacy.pseudonymizer()
            let sink = try output.map { try OutputFile(path: $0) }
            var analysis = frontend.analysis(window: window?.timeWindow)
            analysis.imports = imports.request(configuration: frontend.configuration, configPath: frontend.configPath)
            let colour = sink == nil && Terminal.isTTY(fd: 1)
            let text: String
            if let session = try store.open(analysis: analysis) {
                text = try runStored(
                    session, frontend: frontend, analysis: analysis, pseudonymizer: pseudonymizer, colour: colour)
            } else {
                let report = Provenance.finish(
                    try analysis.report(for: try frontend.landedHistory()), frontend: frontend, window: window,
                    pseudonymizer: pseudonymizer)
                let start = DispatchTime.now().uptimeNanoseconds
                text = format.reportFormat.render(report, colour: colour, threads: repository.workers)
                let rendered = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                frontend.printTimings(analysis.timings + [("render \(format.rawValue)", rendered)])
            }
            if let sink { try sink.commit(text) } else { try Terminal.writeStdout(text) }
            // Everything is written (write(2) and rename(2), no buffered streams): exit without tearing
            // down the mined history, which takes noticeable time on large repositories.
            Terminal.exitNow(0)
        }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, markdown, json, html

    var reportFormat: ReportFormat {
        switch self {
        case .table: return .table
        case .markdown: return .markdown
        case .json: return .json
        case .html: return .html
        }
    }
}

enum WindowOption: String, ExpressibleByArgument, CaseIterable {
    case month, quarter

    var timeWindow: TimeWindow { self == .month ? .month : .quarter }
}
