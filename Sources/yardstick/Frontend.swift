import ArgumentParser
import Foundation
import HistoryMetrics
import HistoryMining
import HistoryModel
import HistoryParsing
import HistoryStoreCore
import MetricsReporting
import ReportContract
import Synchronization
import YardstickAnalysis
import YardstickConfig

/// Does the work behind the subcommands: loads the configuration, mines, builds the report.
struct Frontend {
    let options: RepositoryOptions
    let configuration: YardstickConfiguration
    let configPath: String?
    /// The configuration file's bytes as read (its digest goes into the report).
    let configData: Data?

    init(options: RepositoryOptions) throws {
        self.options = options
        var path = options.config
        if path == nil && FileManager.default.fileExists(atPath: "yardstick.yml") { path = "yardstick.yml" }
        configPath = path
        if let path {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CLIError("\(path): cannot read the configuration file (missing or unreadable)")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw CLIError("\(path): the configuration file is not valid UTF-8")
            }
            configuration = try YardstickConfiguration.parse(text, file: path)
            configData = data
        } else {
            configuration = YardstickConfiguration()
            configData = nil
        }
    }

    static func parseDate(_ text: String, endOfDay: Bool) -> Int64? { Timestamp.parse(text, endOfDay: endOfDay) }

    var since: Int64? { options.since.flatMap { Self.parseDate($0, endOfDay: false) } }
    var until: Int64? { options.until.flatMap { Self.parseDate($0, endOfDay: true) } }

    func analysis(window: TimeWindow? = nil) -> Analysis {
        var mining = MiningOptions(
            branch: options.branch, workers: options.workers, since: since, until: until,
            allowShallow: options.allowShallow, searchParents: options.repositoryPath == nil)
        mining.verifyEveryObject = options.verifyObjects
        var analysis = Analysis(
            path: options.path, mining: mining, configuration: configuration, configPath: configPath, window: window)
        if let progress = Progress.shared {
            analysis.step = { @Sendable text in progress.step(text) }
        }
        return analysis
    }

    /// The landed history; with `stored`, the records it holds are not mined again (`--store`), nor the links and
    /// group diffs `links` and `groupDiffs` hold.
    func landedHistory(
        reusing stored: StoredRecords? = nil, links: KnownLinks? = nil, groupDiffs: KnownGroupDiffs? = nil
    ) throws -> LandedHistory {
        // The walk before the first mined commit takes a second or more on large histories.
        let progress = Progress.shared
        progress?.step("reading the first-parent line and merged branches")
        let history =
            try stored.map {
                try analysis().landedHistory(
                    progress: progress?.report, reusing: $0, links: links, groupDiffs: groupDiffs)
            }
            ?? analysis().landedHistory(progress: progress?.report)
        progress?.finish()
        printTimings(history.mined.timings)
        if !history.mined.shallowBoundaries.isEmpty {
            Terminal.writeStderr(
                "warning: \(TextEscaping.terminal(options.path)) is a shallow clone; history stops at \(history.mined.shallowBoundaries.count) boundary commit(s) and older changes are missing\n"
            )
        }
        let missing = history.mined.commits.withMissingContent.count
        if missing > 0 {
            Terminal.writeStderr(
                "warning: \(TextEscaping.terminal(options.path)) lacks the content of files in \(missing) commit\(missing == 1 ? "" : "s"), promised by a .promisor pack (a partial copy); they are counted as binary files, without lines (see the report's notes)\n"
            )
        }
        return history
    }

    func printTimings(_ timings: [(String, Double)]) {
        guard ProcessInfo.processInfo.environment["YARDSTICK_TIMINGS"] == "1" else { return }
        for (phase, seconds) in timings {
            Terminal.writeStderr("timing: \(phase): \(String(format: "%.3f", seconds)) s\n")
        }
    }

    private func report(for history: LandedHistory) throws -> Report {
        try analysis().report(for: history)
    }

    func groupListing() throws -> GroupListing {
        let history = try landedHistory()
        return GroupListing(history: history, report: try report(for: history), groups: configuration.groups)
    }

    /// Runs a command body, turning every failure into one line on standard error and exit status 1.
    static func run(_ body: () throws -> Void) throws {
        // The process-wide object reading, from the environment (documented in README and ADR 0011); the
        // `--verify-objects` flag adds to it per run (MiningOptions.verifyEveryObject).
        let environment = ProcessInfo.processInfo.environment
        ObjectReadingSetup.configure(
            libgit2PackReader: environment["YARDSTICK_PACK_READER"] == "libgit2",
            verifyEveryObject: environment["YARDSTICK_VERIFY"] == "all")
        do {
            try body()
        } catch let error as ValidationError {
            throw error
        } catch let error as ExitCode {
            throw error
        } catch {
            // One line, whatever the message quotes (ref names, paths, configuration values), on a line of its
            // own: the progress line is cleared first.
            Progress.shared?.finish()
            Terminal.writeStderr("error: \(TextEscaping.terminal("\(error)"))\n")
            throw ExitCode(ExitStatus.failure.rawValue)
        }
    }
}

/// Progress on standard error, only when it is a terminal: one line, rewritten in place, naming the running
/// step (with a count while mining). It is cleared before anything else is written (`finish`).
final class Progress: Sendable {
    private let state = Mutex<(phase: String, percent: Int, showing: Bool)>(("", -1, false))

    /// The process's progress line; nil when standard error is not a terminal.
    static let shared: Progress? = Terminal.isTTY(fd: 2) ? Progress() : nil

    var report: @Sendable (MiningProgress) -> Void {
        { [self] p in
            if p.total == 0 {
                step(p.phase)
                return
            }
            let percent = p.done * 100 / p.total
            let changed = state.withLock { state -> Bool in
                guard state.phase != p.phase || state.percent != percent else { return false }
                state = (p.phase, percent, true)
                return true
            }
            if changed { Terminal.writeStderr(Self.line("mining \(p.phase): \(p.done)/\(p.total) (\(percent)%)")) }
        }
    }

    /// Shows `text` as the running step; `""` clears the line.
    func step(_ text: String) {
        guard !text.isEmpty else { return finish() }
        state.withLock { $0 = (text, -1, true) }
        Terminal.writeStderr(Self.line(text + "…"))
    }

    /// Clears the line, if one is shown, so that what follows starts on a line of its own.
    func finish() {
        let showing = state.withLock { state -> Bool in
            defer { state = ("", -1, false) }
            return state.showing
        }
        if showing { Terminal.writeStderr("\r\u{1B}[2K") }
    }

    /// Text that replaces the current line.
    static func line(_ text: String) -> String { "\r\u{1B}[2K" + text }
}
