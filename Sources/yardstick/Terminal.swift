#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The only place that writes to the terminal.
enum Terminal {
    static func isTTY(fd: Int32) -> Bool { isatty(fd) == 1 }

    /// The width the table format is laid out for: the terminal's (TIOCGWINSZ on standard output) when
    /// `terminal` and standard output is one, else `COLUMNS` when it is a number from 40 up, else 80.
    static func columns(terminal: Bool = true) -> Int {
        if terminal && isTTY(fd: 1) {
            var size = winsize()
            if ioctl(1, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col >= 40 { return Int(size.ws_col) }
        }
        if let text = getenv("COLUMNS").map({ String(cString: $0) }), let n = Int(text), n >= 40 { return n }
        return 80
    }

    /// Whether standard output was closed when the process started (then descriptor 1 is `/dev/null`).
    nonisolated(unsafe) private(set) static var standardOutputWasClosed = false

    /// Opens `/dev/null` on each of descriptors 0, 1 and 2 that is closed, so that no file opened later
    /// (a repository file, the report's temporary file) takes its number; notes a closed standard output.
    static func holdClosedStandardStreams() {
        for fd in Int32(0)...2 where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
            if fd == 1 { standardOutputWasClosed = true }
            let null = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY)
            if null >= 0 && null != fd {
                dup2(null, fd)
                close(null)
            }
        }
    }

    /// Fails at once when standard output is closed, before any work.
    static func requireStandardOutput() throws {
        if standardOutputWasClosed { throw stdoutFailure(EBADF) }
    }

    private static func stdoutFailure(_ code: Int32) -> CLIError {
        CLIError("cannot write the report to standard output: \(String(cString: strerror(code)))")
    }

    /// Writes all of `s` to standard output, retrying interrupted writes.
    /// - Throws: `CLIError` when standard output cannot take it (closed pipe, full disk).
    static func writeStdout(_ s: String) throws {
        try requireStandardOutput()
        if let failure = writeAll(s, to: 1) { throw stdoutFailure(failure) }
    }

    /// Writes all of `s` to `fd` from the string's own bytes, retrying interrupted and short writes; the
    /// `errno` of the failure, or nil.
    static func writeAll(_ s: String, to fd: Int32) -> Int32? {
        var s = s
        return s.withUTF8 { writeAll(UnsafeRawBufferPointer($0), to: fd) }
    }

    /// At most this many bytes per write(2). In a virtual machine whose guest reports free memory to its host (a
    /// balloon's free page reporting), a write of a few MiB into a regular file can take the page cache's pages
    /// from memory the host must back again first: on this project's machine one 54.8 MB write of git/git's
    /// report took 0.26-0.46 s of system time in about half of the runs, and the same bytes written 1 MiB at a
    /// time 0.01-0.02 s in every run (dd with bs=1M against bs=4M and bs=54M, alternating).
    static let maxWrite = 1 << 20

    /// Writes all of `bytes` to `fd` (at most `maxWrite` bytes per call), retrying interrupted and short writes;
    /// the `errno` of the failure, or nil.
    static func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32) -> Int32? {
        guard let base = bytes.baseAddress else { return nil }
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, base + offset, min(bytes.count - offset, maxWrite))
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return n < 0 ? errno : EIO }
            offset += n
        }
        return nil
    }

    /// Writes all of `bytes` (a stored report, written as it is) to standard output.
    static func writeStdout(bytes: [UInt8]) throws {
        try requireStandardOutput()
        if let failure = bytes.withUnsafeBytes({ writeAll($0, to: 1) }) { throw stdoutFailure(failure) }
    }

    /// Ends the process at once, skipping deinitialisation of what is still in memory.
    static func exitNow(_ code: Int32) -> Never { _exit(code) }

    static func writeStderr(_ s: String) {
        var s = s
        s.withUTF8 { buf in _ = write(2, buf.baseAddress, buf.count) }
    }
}
