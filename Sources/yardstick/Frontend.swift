import ArgumentParser
import Foundation
import HistoryMetrics
import HistoryMining
import HistoryModel
import HistoryParsing
import HistoryStoreSQLite
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
        return Analysis(
            path: options.path, mining: mining, configuration: configuration, configPath: configPath, window: window)
    }

    /// The landed history; with `stored`, the records it holds are not mined again (`--store`).
    func landedHistory(reusing stored: StoredRecords? = nil) throws -> LandedHistory {
        let progress = Progress.make()
        let history =
            try stored.map { try analysis().landedHistory(progress: progress?.report, reusing: $0) }
            ?? analysis().landedHistory(progress: progress?.report)
        progress?.finish()
        printTimings(history.mined.timings)
        if !history.mined.shallowBoundaries.isEmpty {
            Terminal.writeStderr(
                "warning: \(TextEscaping.terminal(options.path)) is a shallow clone; history stops at \(history.mined.shallowBoundaries.count) boundary commit(s) and older changes are missing\n"
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
            // One line, whatever the message quotes (ref names, paths, configuration values).
            Terminal.writeStderr("error: \(TextEscaping.terminal("\(error)"))\n")
            throw ExitCode(1)
        }
    }
}

/// Progress on standard error, only when it is a terminal.
final class Progress: Sendable {
    private let last = Mutex<(phase: String, percent: Int)>(("", -1))

    static func make() -> Progress? { Terminal.isTTY(fd: 2) ? Progress() : nil }

    var report: @Sendable (MiningProgress) -> Void {
        { [self] p in
            let percent = p.total == 0 ? 100 : p.done * 100 / p.total
            let changed = last.withLock { state -> Bool in
                guard state.phase != p.phase || state.percent != percent else { return false }
                state = (p.phase, percent)
                return true
            }
            if changed { Terminal.writeStderr("\r\u{1B}[2Kmining \(p.phase): \(p.done)/\(p.total) (\(percent)%)") }
        }
    }

    func finish() { Terminal.writeStderr("\r\u{1B}[2K") }
}
