import ArgumentParser
import Foundation
import ReportContract
import ReportEvidence
import YardstickAnalysis

/// `analyze --by author` and `analyze --period P --against Q` (issue 14).
struct ViewOptions: ParsableArguments {
    @Option(
        name: .long, help: "author: every author a group of their own (as git-fame); default: the configured groups.")
    var by: GroupingOption?

    @Option(
        name: .long,
        help:
            "The period to analyse: YYYY, YYYY-Qn, YYYY-MM or FROM..TO (dates); with --against, compared side by side."
    )
    var period: String?

    @Option(
        name: .long, help: "A second period, same forms as --period: each benchmark metric of both, with the change.")
    var against: String?

    enum GroupingOption: String, ExpressibleByArgument, CaseIterable {
        case author
    }

    func validate() throws {
        for (flag, value) in [("--period", period), ("--against", against)] {
            if let value, PeriodSpec(value) == nil {
                throw ValidationError(
                    "\(flag) '\(value)' is not a period (expected YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD..YYYY-MM-DD)")
            }
        }
        if against != nil && period == nil { throw ValidationError("--against needs --period") }
    }

    /// Checks the combinations with the other options of `analyze`.
    func validate(
        with repository: RepositoryOptions, format: OutputFormat, window: WindowOption?, privacy: PrivacyOptions
    )
        throws
    {
        if period != nil && (repository.since != nil || repository.until != nil) {
            throw ValidationError("--period sets the dates: it excludes --since and --until")
        }
        if by == .author && privacy.privacy == .groups {
            throw ValidationError(
                "--by author and --privacy groups conflict: a per-author view is per-person data (use --pseudonymize)")
        }
        if against != nil && format == .html {
            throw ValidationError("--against writes table, markdown or json, not html")
        }
        if against != nil && window != nil { throw ValidationError("--against and --window exclude each other") }
    }
}

/// A period as given: a year, a quarter, a month or two dates, as `--since`/`--until` strings.
struct PeriodSpec: Equatable {
    var since: String
    var until: String

    init?(_ text: String) {
        let parts = text.components(separatedBy: "..")
        if parts.count == 2 {
            guard Frontend.parseDate(parts[0], endOfDay: false) != nil,
                Frontend.parseDate(parts[1], endOfDay: true) != nil
            else { return nil }
            since = parts[0]
            until = parts[1]
            return
        }
        let fields = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard let first = fields.first, first.count == 4, let year = Int(first), year >= 1970, year <= 9999 else {
            return nil
        }
        func date(_ y: Int, _ m: Int, _ d: Int) -> String { String(format: "%04d-%02d-%02d", y, m, d) }
        func lastDay(_ y: Int, _ m: Int) -> Int {
            switch m {
            case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
            case 4, 6, 9, 11: return 30
            default: return 31
            }
        }
        switch fields.count {
        case 1:
            since = date(year, 1, 1)
            until = date(year, 12, 31)
        case 2 where fields[1].count == 2 && fields[1].hasPrefix("Q"):
            guard let q = Int(fields[1].dropFirst()), (1...4).contains(q) else { return nil }
            since = date(year, q * 3 - 2, 1)
            until = date(year, q * 3, lastDay(year, q * 3))
        case 2 where fields[1].count == 2:
            guard let m = Int(fields[1]), (1...12).contains(m) else { return nil }
            since = date(year, m, 1)
            until = date(year, m, lastDay(year, m))
        default:
            return nil
        }
    }
}

extension ViewOptions {
    /// The repository options with `--period`'s dates as `--since`/`--until`.
    func repositoryOptions(_ repository: RepositoryOptions, period: String?) throws -> RepositoryOptions {
        guard let period, let spec = PeriodSpec(period) else { return repository }
        var options = repository
        options.since = spec.since
        options.until = spec.until
        try options.validate()
        return options
    }
}

extension AnalyzeCommand {
    /// `--period P --against Q`: the same analysis of both periods, one after the other (each mines its own
    /// window, as two `analyze --since --until` runs would), then the pure comparison.
    func runComparison() throws {
        guard let period = view.period, let against = view.against else { return }
        let pseudonymizer = try privacy.pseudonymizer()
        let sink = try output.map { try OutputFile(path: $0) }
        func report(_ name: String) throws -> Report {
            let frontend = try Frontend(options: try view.repositoryOptions(repository, period: name))
            var analysis = frontend.analysis()
            analysis.imports = imports.request(configuration: frontend.configuration, configPath: frontend.configPath)
            analysis.byAuthor = view.by == .author
            return try Provenance.finish(
                try analysis.report(for: try frontend.landedHistory()), frontend: frontend, window: nil,
                imports: analysis.imports, pseudonymizer: pseudonymizer)
        }
        let comparison = PeriodComparison(
            period: try report(period), periodName: period, against: try report(against), againstName: against)
        let text: String
        switch format {
        case .markdown: text = comparison.markdown()
        case .json: text = comparison.json()
        default: text = comparison.table()
        }
        if let sink { try sink.commit(text) } else { try Terminal.writeStdout(text) }
        Terminal.exitNow(0)
    }
}
