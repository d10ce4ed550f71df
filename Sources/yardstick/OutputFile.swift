import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where `--output` writes the report, decided and opened before any work starts, so an unwritable path
/// fails at once:
/// - a regular file, or a path that does not exist yet, is *replaced atomically*: the report is written to
///   an unnamed file in the same folder (Linux `O_TMPFILE`), which is given a name and renamed over the
///   target only once it is complete. An interrupted or killed run (even SIGKILL) never leaves a
///   half-written report nor a stray temporary file. Where `O_TMPFILE` is not supported, a hidden
///   `.NAME.yardstick-PID.tmp` is used instead, removed on SIGINT, SIGTERM and SIGHUP, and swept by the
///   next run when its process is gone;
/// - a device (`/dev/null`, `/dev/full`, a terminal) or a FIFO is *written in place*, never replaced;
/// - a symbolic link is followed: what it points to is treated as above (the link itself is kept), so
///   `--output /dev/stdout` writes to standard output; a link to nothing is refused;
/// - a directory or a socket is refused.
final class OutputFile {
    let path: String
    private let target: Target
    private var fd: Int32
    private var committed = false

    private enum Target {
        /// Replace `destination` (the file a link points to, or `path`) with an unnamed file of its folder.
        case replaceUnnamed(destination: String, temporary: String)
        /// Replace `destination` with `temporary`, a named file of its folder.
        case replaceNamed(destination: String, temporary: String)
        /// Write to the open device or FIFO.
        case inPlace
    }

    /// The hidden name of a temporary report file beside `base`, made by process `pid`.
    static func temporaryName(for base: String, pid: Int32) -> String { "." + base + ".yardstick-\(pid).tmp" }

    init(path: String) throws {
        self.path = path
        func failure(_ what: String) -> CLIError { CLIError("\(path): cannot write the report: \(what)") }
        func errnoText(_ code: Int32) -> String { String(cString: strerror(code)) }

        var info = stat()
        var destination = path
        if lstat(path, &info) == 0 {
            if info.st_mode & S_IFMT == S_IFLNK {
                guard stat(path, &info) == 0 else {
                    throw failure("it is a symbolic link to \(Self.linkText(path) ?? "nothing"), which does not exist")
                }
                if info.st_mode & S_IFMT == S_IFREG {
                    guard let resolved = realpath(path, nil) else { throw failure(errnoText(errno)) }
                    destination = String(cString: resolved)
                    free(resolved)
                }
            }
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                break
            case S_IFDIR:
                throw CLIError("\(path): is a directory, cannot write the report there")
            case S_IFCHR, S_IFBLK, S_IFIFO:
                // Opening a FIFO waits for its reader, as a shell redirection does.
                var fd: Int32
                repeat { fd = open(path, O_WRONLY | O_CLOEXEC) } while fd < 0 && errno == EINTR
                guard fd >= 0 else { throw failure(errnoText(errno)) }
                self.fd = fd
                target = .inPlace
                return
            default:
                throw failure("it is a socket, not a file, device or FIFO")
            }
        } else if errno != ENOENT {
            throw failure(errnoText(errno))
        }

        // A regular file, or nothing yet: replaced atomically from its own folder (rename(2) stays there).
        let slash = destination.lastIndex(of: "/")
        let directory = slash.map { $0 == destination.startIndex ? "/" : String(destination[..<$0]) } ?? "."
        let base = slash.map { String(destination[destination.index(after: $0)...]) } ?? destination
        guard !base.isEmpty else { throw failure("the path names a folder, not a file") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw failure("folder \(directory) does not exist")
        }
        Self.sweepStaleTemporaries(in: directory, base: base)
        let temporary = directory + "/" + Self.temporaryName(for: base, pid: getpid())
        // The unnamed file is named only at commit, through /proc; without /proc, a named one.
        if access("/proc/self/fd", X_OK) == 0 {
            let unnamed = open(directory, __O_TMPFILE | O_DIRECTORY | O_WRONLY | O_CLOEXEC, 0o666)
            if unnamed >= 0 {
                fd = unnamed
                target = .replaceUnnamed(destination: destination, temporary: temporary)
                return
            }
        }
        let named = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard named >= 0 else { throw failure(errnoText(errno)) }
        fd = named
        target = .replaceNamed(destination: destination, temporary: temporary)
        InterruptCleanup.remove(onSignal: temporary)
    }

    deinit {
        if fd >= 0 { close(fd) }
        guard !committed else { return }
        switch target {
        case .replaceNamed(_, let temporary), .replaceUnnamed(_, let temporary): unlink(temporary)
        case .inPlace: break
        }
    }

    /// Makes the file readable and writable by its owner only (a private key), before anything is written.
    /// - Returns: false when the mode cannot be set. The corresponding C function is `fchmod`.
    func restrictToOwner() -> Bool { fd >= 0 && fchmod(fd, 0o600) == 0 }

    /// Writes `text` and puts it in place.
    func commit(_ text: String) throws {
        var text = text
        try text.withUTF8 { try commit(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// `commit` with bytes (a stored report, written as it is).
    func commit(bytes: UnsafeRawBufferPointer) throws {
        func failure(_ code: Int32) -> CLIError {
            CLIError("\(path): cannot write the report: \(String(cString: strerror(code)))")
        }
        var error = Terminal.writeAll(bytes, to: fd)
        if error == nil, case .replaceUnnamed(_, let temporary) = target {
            // Named while still open (through /proc), then renamed over the target: the name exists for the
            // two calls between, and is removed on SIGINT/SIGTERM/SIGHUP or swept by the next run.
            InterruptCleanup.remove(onSignal: temporary)
            unlink(temporary)
            if linkat(AT_FDCWD, "/proc/self/fd/\(fd)", AT_FDCWD, temporary, AT_SYMLINK_FOLLOW) != 0 { error = errno }
        }
        if close(fd) != 0 && error == nil && errno != EINTR { error = errno }
        fd = -1
        if let error { throw failure(error) }
        switch target {
        case .inPlace:
            break
        case .replaceNamed(let destination, let temporary), .replaceUnnamed(let destination, let temporary):
            guard rename(temporary, destination) == 0 else {
                let code = errno
                unlink(temporary)
                throw failure(code)
            }
        }
        committed = true
        InterruptCleanup.remove(onSignal: nil)
    }

    /// What a symbolic link points to, for messages.
    private static func linkText(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n >= 0 else { return nil }
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Removes `.BASE.yardstick-PID.tmp` files in `directory` whose process is gone: left by a run killed
    /// between naming its report and renaming it, or by one without `O_TMPFILE`.
    static func sweepStaleTemporaries(in directory: String, base: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        let prefix = "." + base + ".yardstick-"
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(".tmp") {
            guard let pid = Int32(name.dropFirst(prefix.count).dropLast(4)), pid > 0, pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink(directory + "/" + name) }
        }
    }
}

/// An error the CLI reports as one line.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Removes the temporary report file when the run is interrupted (SIGINT, SIGTERM, SIGHUP), so an
/// interrupted run leaves neither a half-written report nor a stray temporary file.
enum InterruptCleanup {
    // Read only by the signal handler; written before the handlers can fire and when the file is renamed.
    nonisolated(unsafe) private static var pending: UnsafeMutablePointer<CChar>?

    static func remove(onSignal path: String?) {
        // The previous path is not freed: the handler may be reading it (a few bytes, once per run).
        pending = path.flatMap { strdup($0) }
        guard path != nil else { return }
        let handler: @convention(c) (Int32) -> Void = { signal in
            if let p = InterruptCleanup.pending { unlink(p) }
            _exit(128 + signal)
        }
        for s in [SIGINT, SIGTERM, SIGHUP] { _ = Glibc.signal(s, handler) }
    }
}
