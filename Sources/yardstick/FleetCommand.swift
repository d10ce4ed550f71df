import ArgumentParser
import Dispatch
import Foundation
import HistoryStoreCore
import MetricsReporting
import ReportContract
import Synchronization
import YardstickAnalysis
import YardstickConfig

#if canImport(Glibc)
    import Glibc
#endif

/// `yardstick fleet REPOS.yml`: every repository of a list analysed, at most `--jobs` at once, each by a child
/// process of this binary (`yardstick analyze`), so that one crashing or hanging repository cannot stop the
/// others; each child writes its run to the store and its JSON report to `--reports` (docs/fleet.md, ADR 0024).
struct FleetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "Analyse every repository of a list (REPOS.yml), a few at once, each writing its run to the store.",
        discussion: """
            Each repository is analysed by a child process (yardstick analyze), so one that fails, crashes or \
            hangs stops nothing else. Exit status: 0 every repository analysed, 4 some failed (the count is on \
            standard error and in the summary), 5 every one failed, 1 the list or the store cannot be used, \
            64 usage error. docs/fleet.md.
            """
    )

    @Argument(help: "The list of repositories (YAML, docs/fleet.md).")
    var list: String

    @Option(name: .long, help: "The store every repository's run is written to (as analyze --store takes it).")
    var store: String?

    @Option(name: .long, help: "A folder for each repository's JSON report (NAME.json), created if missing.")
    var reports: String?

    @Option(name: .long, help: "Repositories analysed at once (default 2).")
    var jobs: Int = 2

    @Option(name: .long, help: "Worker threads of each analysis (default: cores divided by --jobs, at least 1).")
    var workers: Int?

    @Option(
        name: .long,
        help: "Seconds one repository (clone or fetch, and analysis) may take before it is stopped (default 3600).")
    var timeout: Double = 3600

    @Option(name: .long, help: "Analyse only shard K of N (K/N, 1-based), by a stable hash of each repository's name.")
    var shard: String?

    @Option(name: .long, help: "The summary's format on standard output: table or json.")
    var format: FleetFormat = .table

    @Option(name: .long, help: "Also write the summary as JSON to this file (atomically).")
    var summary: String?

    func validate() throws {
        if jobs < 1 || jobs > RunningChildren.capacity {
            throw ValidationError("--jobs must be from 1 to \(RunningChildren.capacity)")
        }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
        if !(timeout > 0) { throw ValidationError("--timeout must be a positive number of seconds") }
        if let shard, Self.parseShard(shard) == nil {
            throw ValidationError("--shard '\(shard)' must be K/N with 1 <= K <= N (e.g. 2/4)")
        }
        if store == nil && reports == nil {
            throw ValidationError("fleet needs --store or --reports (or both): where each repository's run goes")
        }
        if store == "default" { throw ValidationError("--store default names one repository's store; name a store") }
    }

    static func parseShard(_ text: String) -> (index: Int, count: Int)? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, k >= 1, k <= n else {
            return nil
        }
        return (k, n)
    }

    func run() throws {
        var outcome: FleetSummary?
        try Frontend.run {
            if summary == nil { try Terminal.requireStandardOutput() }
            guard let data = FileManager.default.contents(atPath: list) else {
                throw CLIError("\(list): cannot read the repository list (missing or unreadable)")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw CLIError("\(list): the repository list is not valid UTF-8")
            }
            let folder = (list as NSString).deletingLastPathComponent
            let parsed = try FleetList.parse(text, file: list, folder: folder)
            var entries = parsed.repositories
            if let shard, let (k, n) = Self.parseShard(shard) {
                entries = entries.filter { FleetList.shard(of: $0.name, count: n) == k }
            }
            if let reports {
                do {
                    try FileManager.default.createDirectory(atPath: reports, withIntermediateDirectories: true)
                } catch {
                    throw CLIError("\(reports): cannot create the reports folder (\(error.localizedDescription))")
                }
            }
            let sink = try summary.map { try OutputFile(path: $0) }
            // The store is opened (created, its schema migrated) once here, before the children open it at
            // once: two processes creating one SQLite store file at the same moment can fail (ADR 0024).
            if let store {
                try StoreOpener.open(
                    store, busyTimeout: StoreOptions.busyTimeout, rebuild: false,
                    environment: ProcessInfo.processInfo.environment
                ).close()
            }
            let runner = FleetRunner(
                cache: parsed.cache, store: store, reports: reports,
                workers: workers ?? max(1, ProcessInfo.processInfo.activeProcessorCount / jobs), timeout: timeout)
            let results = runner.run(entries, jobs: jobs)
            let done = FleetSummary(shard: shard, repositories: results)
            if let sink { try sink.commit(done.json) }
            try Terminal.writeStdout(format == .json ? done.json : done.table)
            outcome = done
        }
        guard let outcome else { return }
        let failed = outcome.failed
        if failed > 0 {
            Terminal.writeStderr(
                "error: \(failed) of \(outcome.repositories.count) repositor\(outcome.repositories.count == 1 ? "y" : "ies") failed\n"
            )
            throw ExitCode(failed == outcome.repositories.count ? FleetSummary.allFailed : FleetSummary.someFailed)
        }
    }
}

enum FleetFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

/// What one repository's run came to.
struct FleetResult: Sendable, Encodable {
    enum Status: String, Encodable { case ok, failed, timeout, killed }
    var name: String
    var status: Status
    /// The one line that says why it failed; nil when it did not.
    var error: String?
    /// Distinct commits in its landed changes, and its landed changes (from its report); nil without one.
    var commits: Int?
    var changes: Int?
    /// Wall-clock seconds, clone or fetch included, to the tenth.
    var seconds: Double
}

/// The end of a fleet run: a table for people, JSON for machines (docs/fleet.md).
struct FleetSummary {
    /// Exit status when some (not all) repositories failed, and when all failed.
    static let someFailed: Int32 = 4
    static let allFailed: Int32 = 5

    var shard: String?
    var repositories: [FleetResult]

    var failed: Int { repositories.filter { $0.status != .ok }.count }

    var table: String {
        var rows = [["repository", "commits", "changes", "seconds", "status"]]
        for r in repositories {
            rows.append([
                TextEscaping.terminal(r.name), r.commits.map(String.init) ?? "—", r.changes.map(String.init) ?? "—",
                String(format: "%.1f", r.seconds),
                r.status == .ok ? "ok" : r.status.rawValue + ": " + TextEscaping.terminal(r.error ?? ""),
            ])
        }
        var widths = rows[0].map(\.count)
        for row in rows { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
        var out = ""
        for row in rows {
            var line = ""
            for (i, c) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - c.count)
                line += i == 0 || i == row.count - 1 ? c + pad : pad + c
                if i < row.count - 1 { line += "  " }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
        }
        out += "\(repositories.count - failed) ok, \(failed) failed\n"
        return out
    }

    var json: String {
        struct Doc: Encodable {
            var schemaVersion = 1
            var shard: String?
            var repositories: [FleetResult]
            var ok: Int
            var failed: Int
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let doc = Doc(shard: shard, repositories: repositories, ok: repositories.count - failed, failed: failed)
        return (String(data: (try? encoder.encode(doc)) ?? Data(), encoding: .utf8) ?? "{}") + "\n"
    }
}

/// Runs the repositories: clones or fetches `url:` entries into the cache, then `yardstick analyze` in a child
/// process per repository, at most `jobs` at once, each bounded by `timeout` seconds.
struct FleetRunner: Sendable {
    var cache: String
    var store: String?
    var reports: String?
    var workers: Int
    var timeout: Double

    /// Results in list order; a line on standard error as each repository starts and ends.
    func run(_ entries: [FleetList.Entry], jobs: Int) -> [FleetResult] {
        RunningChildren.installHandlers()
        let next = Mutex(0)
        let results = Mutex<[FleetResult?]>(Array(repeating: nil, count: entries.count))
        let group = DispatchGroup()
        for _ in 0..<min(jobs, max(1, entries.count)) {
            group.enter()
            Thread.detachNewThread {
                while true {
                    let i = next.withLock { n -> Int in
                        defer { n += 1 }
                        return n
                    }
                    guard i < entries.count else { break }
                    let r = runOne(entries[i])
                    let line =
                        r.status == .ok
                        ? "fleet: \(r.name): ok, \(r.commits ?? 0) commits, \(String(format: "%.1f", r.seconds)) s"
                        : "fleet: \(r.name): \(r.status.rawValue.uppercased()): \(r.error ?? "")"
                    Terminal.writeStderr(TextEscaping.terminal(line) + "\n")
                    results.withLock { $0[i] = r }
                }
                group.leave()
            }
        }
        group.wait()
        return results.withLock { $0.compactMap { $0 } }
    }

    func runOne(_ entry: FleetList.Entry) -> FleetResult {
        let start = Date()
        let deadline = start.addingTimeInterval(timeout)
        func result(_ status: FleetResult.Status, _ error: String?, report: Report? = nil) -> FleetResult {
            FleetResult(
                name: entry.name, status: status, error: error,
                commits: report.map { Set($0.pullRequests.flatMap(\.commits)).count },
                changes: report?.pullRequests.count,
                seconds: (Date().timeIntervalSince(start) * 10).rounded() / 10)
        }
        var path = entry.path ?? ""
        if let url = entry.url {
            switch prepareClone(url: url, name: entry.name, deadline: deadline) {
            case .success(let p): path = p
            case .failure(let failure): return result(failure.status, failure.message)
            }
        }
        let temporary = reports == nil
        let reportPath =
            reports.map { "\($0)/\(entry.name).json" }
            ?? NSTemporaryDirectory() + "yardstick-fleet-\(getpid())-\(entry.name).json"
        defer { if temporary { try? FileManager.default.removeItem(atPath: reportPath) } }
        var arguments = ["analyze", path, "--format", "json", "--output", reportPath, "--workers", String(workers)]
        if let store { arguments += ["--store", store, "--repository-name", entry.name] }
        if let branch = entry.branch { arguments += ["--branch", branch] }
        if let config = entry.config { arguments += ["--config", config] }
        let run = ChildProcess.run(
            executable: ChildProcess.selfExecutable, arguments: arguments, deadline: deadline,
            announce: "fleet: \(entry.name): analysing")
        if let failure = run.failure(what: "analyze") { return result(failure.status, failure.message) }
        guard let data = FileManager.default.contents(atPath: reportPath),
            let report = try? JSONDecoder().decode(Report.self, from: data)
        else { return result(.failed, "\(reportPath): the report analyze wrote cannot be read") }
        return result(.ok, nil, report: report)
    }

    struct Failure: Error {
        var status: FleetResult.Status
        var message: String
    }

    /// A `url:` entry's mirror in the cache: cloned (into a temporary folder, renamed when complete) or fetched.
    /// git runs without the user's or the system's configuration, without hooks or templates, never prompting;
    /// a mirror is bare, so nothing is checked out and no filter runs.
    func prepareClone(url: String, name: String, deadline: Date) -> Result<String, Failure> {
        let target = "\(cache)/\(name).git"
        do {
            try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        } catch {
            return .failure(Failure(status: .failed, message: "\(cache): cannot create the cache folder"))
        }
        let safe = ["-c", "core.hooksPath=/dev/null", "-c", "protocol.ext.allow=never", "-c", "core.fsmonitor=false"]
        if FileManager.default.fileExists(atPath: target) {
            let run = ChildProcess.run(
                executable: "/usr/bin/env",
                arguments: ["git"] + safe + ["--git-dir", target, "fetch", "--prune", "--quiet", "origin"],
                environment: ChildProcess.gitEnvironment, deadline: deadline, announce: "fleet: \(name): fetching")
            if let f = run.failure(what: "git fetch") { return .failure(Failure(status: f.status, message: f.message)) }
            return .success(target)
        }
        let partial = "\(cache)/.\(name).git.partial-\(getpid())"
        try? FileManager.default.removeItem(atPath: partial)
        let run = ChildProcess.run(
            executable: "/usr/bin/env",
            arguments: ["git"] + safe + ["clone", "--mirror", "--quiet", "--template=", "--", url, partial],
            environment: ChildProcess.gitEnvironment, deadline: deadline, announce: "fleet: \(name): cloning")
        if let f = run.failure(what: "git clone") {
            try? FileManager.default.removeItem(atPath: partial)
            return .failure(Failure(status: f.status, message: f.message))
        }
        do {
            try FileManager.default.moveItem(atPath: partial, toPath: target)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            // Another fleet run on the same cache cloned it meanwhile: theirs is as good.
            guard FileManager.default.fileExists(atPath: target + "/HEAD") else {
                return .failure(Failure(status: .failed, message: "\(target): cannot move the clone into the cache"))
            }
        }
        return .success(target)
    }
}

/// A child process with a deadline: its standard output discarded, its standard error kept in a temporary file
/// for the last line; stopped with SIGTERM at the deadline, SIGKILL 5 s later.
struct ChildProcess {
    var status: Int32
    /// The signal that ended it, if one did.
    var signal: Int32?
    var timedOut: Bool
    var lastErrorLine: String

    /// This binary (Linux: /proc/self/exe), so that children are the same build.
    static var selfExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// git without the user's or the system's configuration, never asking for a password.
    static var gitEnvironment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        env["GIT_CONFIG_GLOBAL"] = "/dev/null"
        env["GIT_TERMINAL_PROMPT"] = "0"
        env["GIT_ASKPASS"] = "/bin/false"
        env["SSH_ASKPASS"] = "/bin/false"
        return env
    }

    static func run(
        executable: String, arguments: [String], environment: [String: String]? = nil, deadline: Date,
        announce: String
    ) -> ChildProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        // The child's standard error goes to a file that has no name once opened, so that nothing is left
        // behind, whatever ends the fleet; it is read from the start when the child has ended.
        let errorPath = NSTemporaryDirectory() + "yardstick-fleet-\(getpid())-\(UUID().uuidString).err"
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        let errorFile = FileHandle(forUpdatingAtPath: errorPath)
        unlink(errorPath)
        defer { try? errorFile?.close() }
        process.standardError = errorFile
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        let ended = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in ended.signal() }
        do {
            try process.run()
        } catch {
            return ChildProcess(status: 127, signal: nil, timedOut: false, lastErrorLine: "cannot start \(executable)")
        }
        let slot = RunningChildren.add(process.processIdentifier)
        defer { RunningChildren.remove(slot) }
        Terminal.writeStderr("\(TextEscaping.terminal(announce)) (pid \(process.processIdentifier))\n")
        var timedOut = false
        if ended.wait(timeout: .now() + max(0, deadline.timeIntervalSinceNow)) == .timedOut {
            timedOut = true
            process.terminate()
            if ended.wait(timeout: .now() + 5) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                ended.wait()
            }
        }
        try? errorFile?.seek(toOffset: 0)
        let text = String(decoding: (try? errorFile?.readToEnd()) ?? Data(), as: UTF8.self)
        let last =
            text.split(whereSeparator: \.isNewline).last {
                !$0.hasPrefix("fleet: ") && !$0.trimmingCharacters(in: .whitespaces).isEmpty
            }
            .map(String.init) ?? ""
        let signal = process.terminationReason == .uncaughtSignal ? process.terminationStatus : nil
        return ChildProcess(
            status: process.terminationStatus, signal: signal, timedOut: timedOut, lastErrorLine: last)
    }

    /// Why the child failed, in one line; nil when it exited with status 0.
    func failure(what: String) -> (status: FleetResult.Status, message: String)? {
        var line = lastErrorLine
        if line.hasPrefix("error: ") { line.removeFirst(7) }
        if timedOut { return (.timeout, "\(what) did not finish before --timeout; stopped") }
        if let signal { return (.killed, "\(what) was killed by signal \(signal)") }
        guard status != 0 else { return nil }
        return (.failed, line.isEmpty ? "\(what) exited with status \(status)" : line)
    }
}

/// The children running, for the signal handler: a fleet interrupted or stopped (SIGINT, SIGTERM, SIGHUP: a
/// cancelled CI job, a stopped pod) stops its children with SIGTERM before it exits with 128 + the signal, so
/// no analysis goes on without it. A fixed array of pids, read by the handler with async-signal-safe calls only.
enum RunningChildren {
    static let capacity = 256
    nonisolated(unsafe) static let slots: UnsafeMutablePointer<pid_t> = {
        let p = UnsafeMutablePointer<pid_t>.allocate(capacity: capacity)
        p.initialize(repeating: 0, count: capacity)
        return p
    }()
    static let lock = Mutex(())

    static func add(_ pid: pid_t) -> Int? {
        lock.withLock { _ in
            for i in 0..<capacity where slots[i] == 0 {
                slots[i] = pid
                return i
            }
            return nil
        }
    }

    static func remove(_ slot: Int?) {
        guard let slot else { return }
        lock.withLock { _ in slots[slot] = 0 }
    }

    static func installHandlers() {
        _ = slots  // made before a handler can read it
        let handler: @convention(c) (Int32) -> Void = { signal in
            for i in 0..<RunningChildren.capacity {
                let pid = RunningChildren.slots[i]
                if pid > 0 { kill(pid, SIGTERM) }
            }
            _exit(128 + signal)
        }
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for s in [SIGINT, SIGTERM, SIGHUP] {
            _ = Glibc.signal(s, handler)
            sigaddset(&unblock, s)
        }
        // A parent may have started the fleet with these signals blocked (a test runner's thread does): the
        // handler could never run, and the children, which inherit the mask, would ignore --timeout's SIGTERM.
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    }
}
