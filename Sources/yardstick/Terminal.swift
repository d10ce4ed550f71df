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
        if let failure = writeAll(s, to: 1) {
            throw CLIError("standard output: cannot write the report: \(String(cString: strerror(failure)))")
        }
    }

    /// Writes all of `s` to `fd` from the string's own bytes, retrying interrupted and short writes; the
    /// `errno` of the failure, or nil.
    static func writeAll(_ s: String, to fd: Int32) -> Int32? {
        var s = s
        return s.withUTF8 { buf in
            guard let base = buf.baseAddress else { return nil }
            var offset = 0
            while offset < buf.count {
                let n = write(fd, base + offset, buf.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return n < 0 ? errno : EIO }
                offset += n
            }
            return nil
        }
    }

    /// Ends the process at once, skipping deinitialisation of what is still in memory.
    static func exitNow(_ code: Int32) -> Never { _exit(code) }

    static func writeStderr(_ s: String) {
        var s = s
        s.withUTF8 { buf in _ = write(2, buf.baseAddress, buf.count) }
    }
}
