#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Synchronization

/// The bytes of a `CommitStore`: appended into blocks of `CommitStore.blockSize`; a full block is written to
/// an unnamed temporary file and read back, a few blocks at a time, when records in it are decoded
/// (ADR 0010). The encoded history then lives in the page cache, which the kernel can write out and
/// reclaim, instead of in the process's memory. Where no temporary file can be made or written (no
/// `TMPDIR`, a full disk), blocks stay in memory: results are the same either way.
///
/// Append-only and shared by the copies of a store: each copy indexes only the records it appended.
final class BlockStorage: Sendable {
    /// Where a record's bytes start.
    struct Location: Sendable {
        var block: Int32
        var offset: Int32
    }

    private enum Block {
        case memory([UInt8])
        /// Written to the file at this offset, with this many bytes.
        case file(offset: Int64, count: Int)
    }

    private struct State {
        var blocks: [Block] = []
        /// The block being filled: the last one, once there is any (its entry in `blocks` is a placeholder).
        var open: [UInt8] = []
        var fd: Int32 = -1
        var fileFailed = false
        var fileSize: Int64 = 0
        /// Blocks read back from the file, least recently used first.
        var cache: [(block: Int, bytes: [UInt8])] = []
        var bytes = 0
    }

    private let state = Mutex(State())
    /// Whether full blocks go to a temporary file.
    let spills: Bool
    /// Blocks read back and kept at once.
    static let cachedBlocks = 6

    init(spills: Bool) { self.spills = spills }

    deinit {
        state.withLock { if $0.fd >= 0 { close($0.fd) } }
    }

    /// Bytes appended so far.
    var count: Int { state.withLock { $0.bytes } }

    /// Blocks that live in the temporary file now.
    var blocksInFile: Int {
        state.withLock { s in s.blocks.reduce(0) { if case .file = $1 { return $0 + 1 } else { return $0 } } }
    }

    /// Appends one record's bytes, which never straddle two blocks.
    func append(_ bytes: [UInt8], blockSize: Int) -> Location {
        state.withLock { s in
            if s.blocks.isEmpty || s.open.count + bytes.count > blockSize {
                if !s.blocks.isEmpty { seal(&s) }
                s.open = []
                s.open.reserveCapacity(max(blockSize, bytes.count))
                s.blocks.append(.memory([]))
            }
            let location = Location(block: Int32(s.blocks.count - 1), offset: Int32(s.open.count))
            s.open.append(contentsOf: bytes)
            s.bytes += bytes.count
            return location
        }
    }

    /// Runs `body` over the bytes of the block that holds `location`, from the record's first byte on.
    func withBytes<R>(at location: Location, _ body: (UnsafeBufferPointer<UInt8>, Int) -> R) -> R {
        let block = Int(location.block)
        // The block's bytes are taken under the lock (an array is retained, not copied) and decoded outside it.
        let bytes: [UInt8] = state.withLock { s in
            if block == s.blocks.count - 1 { return s.open }
            switch s.blocks[block] {
            case .memory(let bytes):
                return bytes
            case .file(let offset, let count):
                if let i = s.cache.firstIndex(where: { $0.block == block }) {
                    let hit = s.cache.remove(at: i)
                    s.cache.append(hit)
                    return hit.bytes
                }
                guard let bytes = Self.read(fd: s.fd, offset: offset, count: count) else {
                    preconditionFailure("the commit store's temporary file could not be read back")
                }
                if s.cache.count >= Self.cachedBlocks { s.cache.removeFirst() }
                s.cache.append((block, bytes))
                return bytes
            }
        }
        return bytes.withUnsafeBufferPointer { body($0, Int(location.offset)) }
    }

    /// Moves the open block to the file, or keeps it in memory where there is no file.
    private func seal(_ s: inout State) {
        let index = s.blocks.count - 1
        let bytes = s.open
        s.open = []
        if spills && !s.fileFailed {
            if s.fd < 0 { s.fd = Self.temporaryFile() }
            if s.fd >= 0, Self.write(fd: s.fd, bytes, at: s.fileSize) {
                s.blocks[index] = .file(offset: s.fileSize, count: bytes.count)
                s.fileSize += Int64(bytes.count)
                return
            }
            s.fileFailed = true
        }
        s.blocks[index] = .memory(bytes)
    }

    /// An unnamed file in `TMPDIR` (or `/tmp`): created, then unlinked at once, so that it goes with the
    /// process however the process ends. -1 where none can be made.
    private static func temporaryFile() -> Int32 {
        let directory = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((directory + "/yardstick-store-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return -1 }
        _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }
        return fd
    }

    private static func write(fd: Int32, _ bytes: [UInt8], at offset: Int64) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var done = 0
            while done < buffer.count {
                let n = pwrite(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                done += n
            }
            return true
        }
    }

    private static func read(fd: Int32, offset: Int64, count: Int) -> [UInt8]? {
        guard count > 0 else { return [] }
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count {
                let n = pread(fd, buffer.baseAddress! + done, count - done, off_t(offset) + off_t(done))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 {
                    failed = true
                    break
                }
                done += n
            }
            initialized = failed ? 0 : count
        }
        return failed ? nil : bytes
    }
}
