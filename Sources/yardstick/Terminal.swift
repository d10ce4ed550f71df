#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The only place that writes to the terminal.
enum Terminal {
    static func isTTY(fd: Int32) -> Bool { isatty(fd) == 1 }

    /// Writes all of `s` to standard output, retrying interrupted writes.
    /// - Throws: `CLIError` when standard output cannot take it (closed pipe, full disk).
    static func writeStdout(_ s: String) throws {
        var s = s
        let failure: Int32? = s.withUTF8 { buf in
            guard let base = buf.baseAddress else { return nil }
            var offset = 0
            while offset < buf.count {
                let n = write(1, base + offset, buf.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return n < 0 ? errno : EIO }
                offset += n
            }
            return nil
        }
        if let failure { throw CLIError("standard output: cannot write the report: \(String(cString: strerror(failure)))") }
    }

    /// Ends the process at once, skipping deinitialisation of what is still in memory.
    static func exitNow(_ code: Int32) -> Never { _exit(code) }

    static func writeStderr(_ s: String) {
        var s = s
        s.withUTF8 { buf in _ = write(2, buf.baseAddress, buf.count) }
    }
}
