#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The only place that writes to the terminal.
enum Terminal {
    static func isTTY(fd: Int32) -> Bool { isatty(fd) == 1 }

    static func writeStdout(_ s: String) {
        var s = s
        s.withUTF8 { buf in
            var offset = 0
            while offset < buf.count {
                let n = write(1, buf.baseAddress! + offset, buf.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }

    /// Ends the process at once, skipping deinitialisation of what is still in memory.
    static func exitNow(_ code: Int32) -> Never { _exit(code) }

    static func writeStderr(_ s: String) {
        var s = s
        s.withUTF8 { buf in _ = write(2, buf.baseAddress, buf.count) }
    }
}
