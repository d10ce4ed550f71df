import ArgumentParser
import Dispatch
import HistoryMetrics
import MetricsReporting
import ReportContract
import YardstickAnalysis
import YardstickConfig

struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Analyse a repository and report each author group against the benchmark table."
    )

    @OptionGroup var repository: RepositoryOptions

    @Option(name: .long, help: "Output format: table, markdown, json, html, csv or openmetrics.")
    var format: OutputFormat = .table

    @Option(name: .shortAndLong, help: "Write the report to this file (atomically) instead of standard output.")
    var output: String?

    @Option(name: .long, help: "Also report every metric per calendar window: month or quarter (UTC).")
    var window: WindowOption?

    @Option(
        name: .long,
        help:
            "Fewest changes behind a summary value for it to get a band (default: yardstick.yml minimumSample, else 10)."
    )
    var minSample: Int?

    @Option(
        name: .long,
        help: "Without a configuration, the most groups the summary shows before summing the rest up in 'other' (30).")
    var summaryGroups: Int?

    @Option(name: .long, help: "Width of the table format in columns (default: the terminal's, else COLUMNS, else 80).")
    var width: Int?

    @OptionGroup(title: "Imports") var imports: ImportOptions

    @OptionGroup var privacy: PrivacyOptions

    @OptionGroup(title: "Gates") var gates: GateOptions

    @OptionGroup(title: "Views") var view: ViewOptions

    @OptionGroup(title: "Store") var store: StoreOptions

    func validate() throws {
        try view.validate(with: repository, format: format, window: window, privacy: privacy)
        if view.against != nil {
            // A comparison is a document of its own: no report for gates, the store or the machine formats.
            if ![.table, .markdown, .json].contains(format) {
                throw ValidationError("--against writes table, markdown or json, not \(format.rawValue)")
            }
            if gates.gate != nil || gates.failOn != nil {
                throw ValidationError("--against and gates exclude each other")
            }
            if store.store != nil { throw ValidationError("--against and --store exclude each other") }
        }
        if let minSample, minSample < 1 { throw ValidationError("--min-sample must be at least 1") }
        if let summaryGroups, summaryGroups < 1 { throw ValidationError("--summary-groups must be at least 1") }
        if let width, width < 40 { throw ValidationError("--width must be at least 40") }
    }

    func run() throws {
        try Frontend.run {
            if output == nil { try Terminal.requireStandardOutput() }
            if view.against != nil { return try runComparison() }
            let options = try view.repositoryOptions(repository, period: view.period)
            let frontend = try Frontend(options: options)
            let pseudonymizer = try privacy.pseudonymizer()
            let gates = try gates.load()
            let sink = try output.map { try OutputFile(path: $0) }
            var analysis = frontend.analysis(window: window?.timeWindow)
            if let minSample { analysis.configuration.summary.minimumSample = minSample }
            if let summaryGroups { analysis.configuration.summary.maxGroups = summaryGroups }
            analysis.imports = imports.request(configuration: frontend.configuration, configPath: frontend.configPath)
            analysis.byAuthor = view.by == .author
            let colour = sink == nil && Terminal.isTTY(fd: 1)
            let width = width ?? (sink == nil ? Terminal.columns() : Terminal.columns(terminal: false))
            var text = ""
            var report: Report?
            // A stored JSON report reused as it is: its bytes are written without a copy as text.
            var storedJSON: [UInt8]?
            if let session = try store.open(analysis: analysis) {
                (text, storedJSON, report) = try runStored(
                    session, options: options, frontend: frontend, analysis: analysis, pseudonymizer: pseudonymizer,
                    colour: colour, width: width)
            } else {
                let made = try Provenance.finish(
                    try analysis.report(for: try frontend.landedHistory()), frontend: frontend, window: window,
                    imports: analysis.imports, pseudonymizer: pseudonymizer)
                let start = DispatchTime.now().uptimeNanoseconds
                Progress.shared?.step("rendering the \(format.rawValue) report")
                text = format.reportFormat.render(made, colour: colour, width: width, threads: repository.workers)
                Progress.shared?.finish()
                let rendered = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                frontend.printTimings(analysis.timings + [("render \(format.rawValue)", rendered)])
                report = made
            }
            if let storedJSON {
                if let sink {
                    try storedJSON.withUnsafeBytes { try sink.commit(bytes: $0) }
                } else {
                    try Terminal.writeStdout(bytes: storedJSON)
                }
            } else if let sink {
                try sink.commit(text)
            } else {
                try Terminal.writeStdout(text)
            }
            // A stored JSON report reused as it is was not decoded: the gates need it.
            if gates != nil, report == nil { report = try Self.decode(storedJSON ?? Array(text.utf8)) }
            let verdict = report.flatMap { gates?.evaluate($0) }
            if let verdict { Terminal.writeStderr(verdict.lines.joined(separator: "\n") + "\n") }
            // Everything is written (write(2) and rename(2), no buffered streams): exit without tearing
            // down the mined history, which takes noticeable time on large repositories.
            Terminal.exitNow(verdict?.status.rawValue ?? ExitStatus.success.rawValue)
        }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, markdown, json, html, csv, openmetrics

    /// Whether the format's reporter reads the report's pull requests (the others read the groups' metrics only:
    /// a stored run's metrics JSON renders them alike).
    var readsPullRequests: Bool {
        switch self {
        case .csv, .openmetrics: return false
        case .table, .markdown, .json, .html: return true
        }
    }

    var reportFormat: ReportFormat {
        switch self {
        case .table: return .table
        case .markdown: return .markdown
        case .json: return .json
        case .html: return .html
        case .csv: return .csv
        case .openmetrics: return .openMetrics
        }
    }
}

enum WindowOption: String, ExpressibleByArgument, CaseIterable {
    case month, quarter

    var timeWindow: TimeWindow { self == .month ? .month : .quarter }
}
