internal import Synchronization

/// Where a `CommitStore` may put its full blocks instead of keeping them in the process's memory, and read
/// them back from (ADR 0010, ADR 0013). HistoryModel does no I/O itself: the miner hands its store a spill to
/// an unnamed temporary file (`TemporaryFileSpill`, HistoryMining); a store without one keeps every block in
/// memory. Results are the same either way.
///
/// A store calls its spill under its own lock, one call at a time.
public protocol BlockSpill: Sendable {
    /// Keeps a full block's bytes; returns where they are, for `read`, or nil when they could not be kept (a
    /// full disk): that block and every later one then stay in memory.
    func write(_ bytes: [UInt8]) -> Int64?
    /// The `count` bytes kept at `offset` by `write`; nil when they cannot be read back.
    func read(offset: Int64, count: Int) -> [UInt8]?
    /// `read(offset:count:)` into `buffer`, whose storage (a block evicted from the store's cache) is reused where
    /// nothing else holds it; false when the bytes cannot be read back.
    func read(offset: Int64, count: Int, into buffer: inout [UInt8]) -> Bool
}

extension BlockSpill {
    /// Reads a new array, leaving `buffer`'s storage unused: for spills that do not reuse it.
    public func read(offset: Int64, count: Int, into buffer: inout [UInt8]) -> Bool {
        guard let bytes = read(offset: offset, count: count) else { return false }
        buffer = bytes
        return true
    }
}

/// The bytes of a `CommitStore`: appended into blocks of `CommitStore.blockSize`; a full block goes to the
/// store's `BlockSpill`, when it has one, and is read back, a few blocks at a time, when records in it are
/// decoded (ADR 0010). With the temporary-file spill the encoded history lives in the page cache, which the
/// kernel can write out and reclaim, instead of in the process's memory. Where the spill cannot take a block
/// (no `TMPDIR`, a full disk), blocks stay in memory: results are the same either way.
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
        /// Given to the spill, which put it at this offset, with this many bytes.
        case spilled(offset: Int64, count: Int)
    }

    private struct State {
        var blocks: [Block] = []
        /// The block being filled: the last one, once there is any (its entry in `blocks` is a placeholder).
        var open: [UInt8] = []
        var spillFailed = false
        /// Blocks read back from the spill, least recently used first.
        var cache: [(block: Int, bytes: [UInt8])] = []
        var bytes = 0
    }

    private let state = Mutex(State())
    /// Where full blocks go; nil: they stay in memory.
    let spill: (any BlockSpill)?
    /// Blocks read back and kept at once.
    static let cachedBlocks = 6

    init(spill: (any BlockSpill)?) { self.spill = spill }

    /// Bytes appended so far.
    var count: Int { state.withLock { $0.bytes } }

    /// Blocks that live in the spill now.
    var blocksSpilled: Int {
        state.withLock { s in s.blocks.reduce(0) { if case .spilled = $1 { return $0 + 1 } else { return $0 } } }
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
            case .spilled(let offset, let count):
                if let i = s.cache.firstIndex(where: { $0.block == block }) {
                    let hit = s.cache.remove(at: i)
                    s.cache.append(hit)
                    return hit.bytes
                }
                // The evicted block's storage takes the new block when no reader still holds it (a reader's
                // array keeps it: writing would copy it first), so that reading back allocates no new memory.
                // On git/git a full run reads spilled blocks back 79 times: 316 MB of fresh pages otherwise.
                var bytes: [UInt8] = []
                if s.cache.count >= Self.cachedBlocks {
                    swap(&bytes, &s.cache[0].bytes)
                    s.cache.removeFirst()
                }
                guard let spill, spill.read(offset: offset, count: count, into: &bytes), bytes.count == count else {
                    preconditionFailure("the commit store's spilled block \(block) could not be read back")
                }
                s.cache.append((block, bytes))
                return bytes
            }
        }
        return bytes.withUnsafeBufferPointer { body($0, Int(location.offset)) }
    }

    /// Moves the open block to the spill, or keeps it in memory where there is none (or it failed).
    private func seal(_ s: inout State) {
        let index = s.blocks.count - 1
        let bytes = s.open
        s.open = []
        if let spill, !s.spillFailed {
            if let offset = spill.write(bytes) {
                s.blocks[index] = .spilled(offset: offset, count: bytes.count)
                return
            }
            s.spillFailed = true
        }
        s.blocks[index] = .memory(bytes)
    }
}
