internal import HistoryModel
internal import Synchronization

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// A `CommitStore`'s full blocks in an unnamed temporary file (ADR 0010): made in `TMPDIR` (or `/tmp`) when
/// the first block comes, and unlinked at once, so that it goes with the process however the process ends.
/// Where no file can be made or written, `write` says so and the store keeps its blocks in memory.
package final class TemporaryFileSpill: BlockSpill {
    private struct State {
        var fd: Int32 = -1
        var failed = false
        var size: Int64 = 0
    }

    private let state = Mutex(State())
    /// Where the file is made.
    private let directory: String

    /// A spill to a file in `directory`; by default `TMPDIR`, or `/tmp` when that is unset or empty.
    package init(directory: String? = nil) {
        self.directory =
            directory ?? getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    }

    deinit {
        state.withLock { if $0.fd >= 0 { close($0.fd) } }
    }

    package func write(_ bytes: [UInt8]) -> Int64? {
        state.withLock { s in
            guard !s.failed else { return nil }
            if s.fd < 0 { s.fd = Self.temporaryFile(in: directory) }
            guard s.fd >= 0, Self.write(fd: s.fd, bytes, at: s.size) else {
                s.failed = true
                return nil
            }
            defer { s.size += Int64(bytes.count) }
            return s.size
        }
    }

    package func read(offset: Int64, count: Int) -> [UInt8]? {
        var bytes: [UInt8] = []
        return read(offset: offset, count: count, into: &bytes) ? bytes : nil
    }

    /// Reads into `buffer`'s own storage when it is large enough and nothing else holds it (pages the process
    /// already touched), else into new memory.
    package func read(offset: Int64, count: Int, into buffer: inout [UInt8]) -> Bool {
        let fd = state.withLock { $0.fd }
        guard fd >= 0 else { return false }
        if buffer.capacity < count {
            buffer = []
            buffer.reserveCapacity(count)
        }
        // Within the capacity: no reallocation; bytes past the old count are zeroed, then all are overwritten.
        if buffer.count > count {
            buffer.removeLast(buffer.count - count)
        } else {
            buffer.append(contentsOf: repeatElement(0, count: count - buffer.count))
        }
        return buffer.withUnsafeMutableBytes { raw in
            var done = 0
            while done < count {
                let n = pread(fd, raw.baseAddress! + done, count - done, off_t(offset) + off_t(done))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                done += n
            }
            return true
        }
    }

    /// An unnamed file in `directory`: created, then unlinked at once. -1 where none can be made.
    private static func temporaryFile(in directory: String) -> Int32 {
        var template = Array((directory + "/yardstick-store-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return -1 }
        _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }
        return fd
    }

    /// At most this many bytes per pwrite(2): a few MiB at once can make the page cache take memory that a
    /// virtual machine's host must back again first (the frontend's `Terminal.maxWrite` says what was measured).
    static let maxWrite = 1 << 20

    private static func write(fd: Int32, _ bytes: [UInt8], at offset: Int64) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var done = 0
            while done < buffer.count {
                let n = pwrite(
                    fd, buffer.baseAddress! + done, min(buffer.count - done, maxWrite), off_t(offset) + off_t(done))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                done += n
            }
            return true
        }
    }
}
