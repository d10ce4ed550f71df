import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

private func yardstick(_ arguments: [String], cwd: String? = nil) -> Command.Result {
    Command.run(Command.yardstick, arguments, cwd: cwd)
}

private func freshDirectory(_ label: String) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("yardstick-\(label)-\(UUID().uuidString)")
        .path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

private func fileType(_ path: String) -> mode_t? {
    var info = stat()
    return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : nil
}

private func inode(_ path: String) -> ino_t? {
    var info = stat()
    return stat(path, &info) == 0 ? info.st_ino : nil
}

/// `--output`: a regular file is replaced atomically, a device or FIFO written in place, a symbolic link
/// followed, anything else refused with one line.
@Suite struct OutputFileTests {
    static let sample = SampleRepositories.path("squash")
    /// The JSON report of the sample on standard output, to compare written files with.
    static let expected: String = yardstick(["analyze", sample, "--format", "json"]).stdout

    @Test func aRegularFileIsReplacedNotRewritten() throws {
        let dir = try freshDirectory("out-regular")
        let out = dir + "/report.json"
        try "old report\n".write(toFile: out, atomically: false, encoding: .utf8)
        // A second name for the old file: replacing (rename) leaves it alone, rewriting in place would not.
        #expect(link(out, dir + "/old.json") == 0)
        let before = inode(out)
        let result = yardstick(["analyze", Self.sample, "--format", "json", "--output", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty && result.stderr.isEmpty)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == Self.expected)
        #expect(try String(contentsOfFile: dir + "/old.json", encoding: .utf8) == "old report\n")
        #expect(inode(out) != before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["old.json", "report.json"])
    }

    @Test func devNullIsWrittenInPlace() throws {
        let result = yardstick(["analyze", Self.sample, "--format", "json", "--output", "/dev/null"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty && result.stderr.isEmpty)
        #expect(fileType("/dev/null") == S_IFCHR)
    }

    @Test func aFullDeviceIsAOneLineFailure() {
        let result = yardstick(["analyze", Self.sample, "--output", "/dev/full"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "error: /dev/full: cannot write the report: No space left on device\n")
        #expect(fileType("/dev/full") == S_IFCHR)
    }

    @Test func aFIFOIsWrittenInPlaceToItsReader() throws {
        let dir = try freshDirectory("out-fifo")
        let fifo = dir + "/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        let received = ReceivedBytes()
        let reader = Thread {
            // Opening for reading waits for yardstick to open it for writing.
            if let handle = FileHandle(forReadingAtPath: fifo) { received.set(handle.readDataToEndOfFile()) }
            received.done.signal()
        }
        reader.start()
        let result = yardstick(["analyze", Self.sample, "--format", "json", "--output", fifo])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(received.done.wait(timeout: .now() + 60) == .success)
        #expect(String(decoding: received.get(), as: UTF8.self) == Self.expected)
        #expect(fileType(fifo) == S_IFIFO)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["pipe"])
    }

    @Test func aSymbolicLinkIsFollowedAndKept() throws {
        let dir = try freshDirectory("out-link")
        try "old\n".write(toFile: dir + "/target.json", atomically: false, encoding: .utf8)
        #expect(symlink("target.json", dir + "/link.json") == 0)
        let result = yardstick(["analyze", Self.sample, "--format", "json", "--output", dir + "/link.json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(fileType(dir + "/link.json") == S_IFLNK)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/link.json") == "target.json")
        #expect(try String(contentsOfFile: dir + "/target.json", encoding: .utf8) == Self.expected)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["link.json", "target.json"])
    }

    @Test func aSymbolicLinkToADeviceWritesTheDevice() throws {
        let dir = try freshDirectory("out-link-dev")
        #expect(symlink("/dev/null", dir + "/null") == 0)
        let result = yardstick(["analyze", Self.sample, "--output", dir + "/null"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(fileType(dir + "/null") == S_IFLNK)
        #expect(fileType("/dev/null") == S_IFCHR)
    }

    @Test func aSymbolicLinkToNothingIsRefused() throws {
        let dir = try freshDirectory("out-dangling")
        #expect(symlink("missing.json", dir + "/link.json") == 0)
        let result = yardstick(["analyze", Self.sample, "--output", dir + "/link.json"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr
                == "error: \(dir)/link.json: cannot write the report: it is a symbolic link to missing.json, which does not exist\n"
        )
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["link.json"])
    }

    @Test func aDirectoryIsRefused() throws {
        let dir = try freshDirectory("out-dir")
        let result = yardstick(["analyze", Self.sample, "--output", dir])
        #expect(result.status == 1)
        #expect(result.stderr == "error: \(dir): is a directory, cannot write the report there\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    @Test func anUnwritablePathIsAOneLineFailure() throws {
        let dir = try freshDirectory("out-unwritable")
        try "x".write(toFile: dir + "/file", atomically: false, encoding: .utf8)
        let underFile = yardstick(["analyze", Self.sample, "--output", dir + "/file/report.json"])
        #expect(underFile.status == 1)
        #expect(underFile.stderr == "error: \(dir)/file/report.json: cannot write the report: Not a directory\n")
        // A folder this process may not write to: read-only for an ordinary user; root writes anywhere but
        // in /proc.
        let readOnly: String
        if getuid() == 0 {
            readOnly = "/proc/yardstick-report.json"
        } else {
            #expect(mkdir(dir + "/ro", 0o555) == 0)
            readOnly = dir + "/ro/report.json"
        }
        let denied = yardstick(["analyze", Self.sample, "--output", readOnly])
        #expect(denied.status == 1)
        #expect(denied.stdout.isEmpty)
        #expect(denied.stderr.hasPrefix("error: \(readOnly): cannot write the report: "), "\(denied.stderr)")
        #expect(denied.stderr.split(separator: "\n").count == 1)
        #expect(fileType(readOnly) == nil)
    }

    /// A temporary file left by a run that died between naming its report and renaming it (or one without
    /// O_TMPFILE) is removed by the next run writing the same report; a live process's is kept.
    @Test func staleTemporaryFilesAreSwept() throws {
        let dir = try freshDirectory("out-sweep")
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let stale = ".report.json.yardstick-\(finished.processIdentifier).tmp"
        let live = ".report.json.yardstick-\(getpid()).tmp"
        let other = ".other.json.yardstick-\(finished.processIdentifier).tmp"
        for name in [stale, live, other] {
            try "partial".write(toFile: dir + "/" + name, atomically: false, encoding: .utf8)
        }
        let result = yardstick(["analyze", Self.sample, "--output", dir + "/report.json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == [other, live, "report.json"].sorted())
    }

    /// Killed while the report is being prepared, by any signal, a run leaves nothing behind: the report
    /// is an unnamed file until it is complete. The run is held at a known point by a repository whose
    /// `objects/info/alternates` is a FIFO nobody writes: libgit2 waits opening it, after `--output` is open.
    @Test(arguments: [SIGKILL, SIGSEGV, SIGABRT, SIGUSR1, SIGALRM, SIGTERM])
    func aKilledRunLeavesNoFile(signal: Int32) throws {
        let dir = try freshDirectory("out-killed")
        let repo = dir + "/held.git"
        #expect(Command.run("/usr/bin/git", ["clone", "-q", "--bare", Self.sample, repo]).status == 0)
        #expect(mkfifo(repo + "/objects/info/alternates", 0o600) == 0)
        let out = dir + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        // Spawned with no signal blocked or ignored (a test runner's threads may block some, and a child
        // inherits that), so the signal acts as it would on a run started from a shell.
        let pid = try #require(
            spawnWithDefaultSignals(
                Command.yardstick, ["analyze", repo, "--output", out + "/report.json"], stderr: dir + "/stderr"))
        // Wait (bounded) until the report's file is open: an entry of /proc/PID/fd in the output folder.
        var open = false
        for _ in 0..<600 where !open {
            let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
            open = fds.contains { fd in
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"))?.hasPrefix(
                    out + "/") == true
            }
            if !open { usleep(50_000) }
        }
        #expect(open)
        kill(pid, signal)
        var status: Int32 = 0
        var ended = false
        for _ in 0..<600 where !ended {
            ended = waitpid(pid, &status, WNOHANG) == pid
            if !ended { usleep(50_000) }
        }
        if !ended {
            kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
        }
        #expect(ended)
        if [SIGSEGV, SIGABRT].contains(signal) {
            // A fault signal is taken for a fault in Yardstick itself: exit status 70 (README, "Exit status").
            #expect(status & 0x7F == 0 && (status >> 8) & 0xFF == 70, "status \(status)")
            #expect(
                try String(contentsOfFile: dir + "/stderr", encoding: .utf8)
                    == "error: internal error: Yardstick stopped on a fault in its own code, not in its input; please report it with the command line (exit status 70)\n"
            )
        } else {
            #expect(status & 0x7F == signal, "status \(status)")  // ended by the signal
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).isEmpty)
    }
}

@Suite struct UsageErrorTests {
    /// A usage error is one line on standard error, with the help hint on the same line, exit status 64.
    @Test(arguments: [
        (["analyze", "--bogus"], "error: Unknown option '--bogus'; see 'yardstick analyze --help'\n"),
        (
            ["analyze", "--format", "yaml"],
            "error: The value 'yaml' is invalid for '--format <format>'. Please provide one of the following: table, markdown, json, html, csv, openmetrics; see 'yardstick analyze --help'\n"
        ),
        (["analyze", "--workers", "0"], "error: --workers must be at least 1; see 'yardstick analyze --help'\n"),
        (
            ["analyze", "--since", "2024-03-01", "--until", "2024-01-31"],
            "error: --since '2024-03-01' is after --until '2024-01-31': the window is empty; see 'yardstick analyze --help'\n"
        ),
        (
            ["groups", "--since", "2024-02-01T10:00:00Z", "--until", "2024-02-01T09:59:59Z"],
            "error: --since '2024-02-01T10:00:00Z' is after --until '2024-02-01T09:59:59Z': the window is empty; see 'yardstick groups --help'\n"
        ),
        (
            ["analyze", "--since", "\u{1B}[31mred"],
            "error: --since '\\x1B[31mred' is not a date (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ); see 'yardstick analyze --help'\n"
        ),
        (["blame"], "error: Missing expected argument '<paths> ...'; see 'yardstick blame --help'\n"),
    ])
    func oneLine(arguments: [String], expected: String) {
        let result = yardstick(arguments + (arguments[0] == "blame" ? [] : [OutputFileTests.sample]))
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == expected)
    }

    @Test func sameDayWindowIsFine() {
        let result = yardstick([
            "analyze", OutputFileTests.sample, "--since", "2024-02-01", "--until", "2024-02-01", "--format", "json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func helpAndVersionStillWork() {
        let version = yardstick(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout == "0.1.0\n")
        let help = yardstick(["analyze", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--output <output>"))
    }

    /// Standard output closed: a clear line at once, not whatever descriptor 1 became.
    @Test(arguments: [["analyze"], ["groups"], ["blame", "--repo", OutputFileTests.sample, "README.md"]])
    func closedStandardOutput(arguments: [String]) {
        let command = ([Command.yardstick] + arguments + (arguments[0] == "blame" ? [] : [OutputFileTests.sample]))
            .map { "'" + $0 + "'" }.joined(separator: " ")
        let result = Command.run("/bin/sh", ["-c", "exec " + command + " >&-"])
        #expect(result.status == 1)
        #expect(result.stderr == "error: cannot write the report to standard output: Bad file descriptor\n")
    }

    @Test func closedStandardOutputWithAnOutputFileIsFine() throws {
        let dir = try freshDirectory("out-closed")
        let result = Command.run(
            "/bin/sh",
            [
                "-c",
                "exec '\(Command.yardstick)' analyze '\(OutputFileTests.sample)' --format json --output '\(dir)/r.json' >&-",
            ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOfFile: dir + "/r.json", encoding: .utf8) == OutputFileTests.expected)
    }
}

/// Starts `executable` with standard output and error on /dev/null, no signal blocked and the tested
/// signals at their default action; its process id.
private func spawnWithDefaultSignals(_ executable: String, _ arguments: [String], stderr: String = "/dev/null")
    -> pid_t?
{
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    sigemptyset(&none)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for s in [SIGSEGV, SIGABRT, SIGUSR1, SIGALRM, SIGTERM, SIGINT, SIGHUP, SIGPIPE] { sigaddset(&defaults, s) }
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    // A file of the test's own is created; /dev/null is only opened.
    posix_spawn_file_actions_addopen(
        &actions, 2, stderr, stderr == "/dev/null" ? O_WRONLY : O_WRONLY | O_CREAT | O_EXCL, 0o600)
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { for p in argv { free(p) } }
    // Without the Swift runtime's backtracer, which catches SIGSEGV and SIGABRT and may take long to
    // symbolicate a debug build: the signal ends the process itself.
    let variables: [String] =
        ProcessInfo.processInfo.environment.filter { $0.key != "SWIFT_BACKTRACE" }.map { "\($0.key)=\($0.value)" }
        + ["SWIFT_BACKTRACE=enable=no"]
    let environment: [UnsafeMutablePointer<CChar>?] = variables.map { strdup($0) } + [nil]
    defer { for p in environment { free(p) } }
    var pid = pid_t()
    guard posix_spawn(&pid, executable, &actions, &attributes, argv, environment) == 0 else { return nil }
    return pid
}

private final class ReceivedBytes: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    let done = DispatchSemaphore(value: 0)
    func set(_ d: Data) { lock.withLock { data = d } }
    func get() -> Data { lock.withLock { data } }
}
