import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// Writes a report atomically: to a temporary file beside the target, renamed into place on success, so an
/// interrupted or failed run never leaves a half-written report. The temporary file is created before any
/// work starts, so an unwritable path fails at once.
final class OutputFile {
    let path: String
    let temporary: String
    private var committed = false

    init(path: String) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw CLIError("\(path): is a directory, cannot write the report there")
        }
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CLIError("\(path): cannot write the report: folder \(directory) does not exist")
        }
        temporary = directory + "/." + url.lastPathComponent + ".yardstick-\(getpid()).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data()) else {
            throw CLIError("\(path): cannot write the report: permission denied or read-only folder")
        }
        InterruptCleanup.remove(onSignal: temporary)
    }

    deinit {
        if !committed { try? FileManager.default.removeItem(atPath: temporary) }
    }

    func commit(_ text: String) throws {
        do {
            // Written straight from the text's own bytes: a large report is not copied again first.
            let fd = open(temporary, O_WRONLY | O_TRUNC | O_CLOEXEC)
            var failure: Int32? = fd >= 0 ? Terminal.writeAll(text, to: fd) : errno
            if fd >= 0 && close(fd) != 0 && failure == nil { failure = errno }
            if let failure { throw CLIError("\(path): cannot write the report: \(String(cString: strerror(failure)))") }
            guard rename(temporary, path) == 0 else {
                throw CLIError("\(path): cannot write the report: \(String(cString: strerror(errno)))")
            }
            committed = true
            InterruptCleanup.remove(onSignal: nil)
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError("\(path): cannot write the report: \(error.localizedDescription)")
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
