/// Commit records, kept encoded in large byte blocks and decoded when read (ADR 0010).
///
/// A history of 80,000 commits has about a million changed-file entries and line ranges; as Swift values each
/// is a separate allocation with its own bookkeeping, and the allocator's heaps fill with holes between them
/// and the mining buffers freed around them. Here a record costs its encoded bytes (varints; paths, names and
/// addresses stored once in a table and referred to by number) plus one index entry, and the blocks are never
/// freed piecemeal. Reading a record decodes a `CommitRecord` equal to the one stored.
///
/// Full blocks go to the store's `BlockSpill` (the miner's: an unnamed temporary file) and are read back when
/// needed (`BlockStorage`), so memory holds the index, the string table and a few blocks, however long the
/// history. Without a spill every block stays in memory. This is the in-memory `HistoryStore` (ADR 0013).
///
/// Records are listed (`records`, `ids`) in the order they were inserted. The miner inserts them as its
/// workers finish, so that order changes from run to run: like a dictionary's, nothing computed from the
/// store may depend on it.
public struct CommitStore: HistoryStore {
    private typealias Location = BlockStorage.Location

    /// Bytes per block; a record larger than this gets a block of its own size.
    static let blockSize = 1 << 22

    /// Shared by copies of the store; append-only.
    private var storage: BlockStorage
    private var index: [ObjectID: Location] = [:]
    private var order: [ObjectID] = []
    /// Paths, trailer keys and values, names and e-mail addresses, each stored once.
    private var strings: [String] = []
    private var stringNumbers: [String: UInt32] = [:]
    /// The records holding a file change whose content the repository lacked (`FileChange.contentMissing`).
    public private(set) var withMissingContent: Set<ObjectID> = []

    /// A store whose full blocks go to `spill`, or stay in memory without one.
    public init(spill: (any BlockSpill)? = nil) {
        storage = BlockStorage(spill: spill)
    }

    /// Blocks held by the spill now (for tests and benchmarks).
    public var blocksSpilled: Int { storage.blocksSpilled }

    public var count: Int { order.count }

    public var ids: [ObjectID] { order }

    /// Bytes held by the encoded records and the string table (not counting the index), for benchmarks.
    public var encodedBytes: Int {
        storage.count + strings.reduce(0) { $0 + $1.utf8.count }
    }

    public func contains(_ id: ObjectID) -> Bool { index[id] != nil }

    public func record(_ id: ObjectID, withFiles: Bool, withHunks: Bool) -> CommitRecord? {
        guard let at = index[id] else { return nil }
        return storage.withBytes(at: at) { buffer, offset in
            var reader = Reader(bytes: buffer, position: offset, strings: strings)
            reader.withHunks = withHunks
            return reader.record(id: id, withFiles: withFiles)
        }
    }

    /// Stores a record; a record with the same id replaces the one before (in place in the order).
    public mutating func insert(_ record: CommitRecord) {
        var writer = Writer()
        writer.record(record, strings: { number(of: $0) })
        let location = storage.append(writer.bytes, blockSize: Self.blockSize)
        if index.updateValue(location, forKey: record.id) == nil { order.append(record.id) }
        if record.files.contains(where: \.contentMissing) {
            withMissingContent.insert(record.id)
        } else if !withMissingContent.isEmpty {
            withMissingContent.remove(record.id)
        }
    }

    private mutating func number(of string: String) -> UInt32 {
        if let n = stringNumbers[string] { return n }
        let n = UInt32(strings.count)
        strings.append(string)
        stringNumbers[string] = n
        return n
    }
}

extension CommitStore: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (ObjectID, CommitRecord)...) {
        self.init()
        for (id, record) in elements {
            precondition(id == record.id, "a commit store is keyed by each record's own id")
            insert(record)
        }
    }
}

// MARK: - Encoding

struct Writer {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func int(_ value: Int) { varint(UInt64(value)) }

    /// Signed values, zig-zag encoded.
    mutating func signed(_ value: Int64) { varint(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

    mutating func id(_ id: ObjectID) {
        withUnsafeBytes(of: id.high.bigEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: id.middle.bigEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: id.low.bigEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func text(_ string: String) {
        int(string.utf8.count)
        bytes.append(contentsOf: string.utf8)
    }

    mutating func record(_ r: CommitRecord, strings: (String) -> UInt32) {
        int(r.parents.count)
        for p in r.parents { id(p) }
        signature(r.author, strings)
        signature(r.committer, strings)
        text(r.message)
        int(r.trailers.count)
        for t in r.trailers {
            varint(UInt64(strings(t.key)))
            varint(UInt64(strings(t.value)))
        }
        identities(r.coAuthors, strings)
        identities(r.reviewers, strings)
        files(r.files, strings)
        int(r.sideBranches.count)
        for side in r.sideBranches {
            id(side.tip)
            if let base = side.mergeBase {
                bytes.append(1)
                id(base)
            } else {
                bytes.append(0)
            }
            int(side.commits.count)
            for c in side.commits { id(c) }
            files(side.reviewedFiles, strings)
        }
    }

    mutating func signature(_ s: Signature, _ strings: (String) -> UInt32) {
        varint(UInt64(strings(s.name)))
        varint(UInt64(strings(s.email)))
        signed(s.time)
        signed(Int64(s.offsetMinutes))
    }

    mutating func identities(_ list: [Identity], _ strings: (String) -> UInt32) {
        int(list.count)
        for i in list {
            varint(UInt64(strings(i.name)))
            varint(UInt64(strings(i.email)))
        }
    }

    /// Optional strings: 0 for none, else the string's number plus one.
    mutating func optional(_ s: String?, _ strings: (String) -> UInt32) {
        varint(s.map { UInt64(strings($0)) + 1 } ?? 0)
    }

    mutating func files(_ files: [FileChange], _ strings: (String) -> UInt32) {
        int(files.count)
        for f in files {
            varint(UInt64(strings(f.path)))
            optional(f.oldPath, strings)
            optional(f.copiedFrom, strings)
            bytes.append(f.status.rawValue | (f.isBinary ? 0x80 : 0) | (f.contentMissing ? 0x40 : 0))
            int(f.additions)
            int(f.deletions)
            int(f.hunks.count)
            // Starts as differences from the previous hunk's: zero-context hunks come in file order.
            var oldBase: UInt32 = 0
            var newBase: UInt32 = 0
            for h in f.hunks {
                signed(Int64(h.oldStart) - Int64(oldBase))
                varint(UInt64(h.oldCount))
                signed(Int64(h.newStart) - Int64(newBase))
                varint(UInt64(h.newCount))
                oldBase = h.oldStart
                newBase = h.newStart
            }
        }
    }
}

// MARK: - Decoding

struct Reader {
    let bytes: UnsafeBufferPointer<UInt8>
    var position: Int
    let strings: [String]
    /// False: hunks are read past, not kept.
    var withHunks = true

    mutating func varint() -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = bytes[position]
            position += 1
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
        }
    }

    mutating func int() -> Int { Int(varint()) }

    mutating func signed() -> Int64 {
        let v = varint()
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }

    mutating func string() -> String { strings[int()] }

    mutating func optional() -> String? {
        let n = int()
        return n == 0 ? nil : strings[n - 1]
    }

    mutating func id() -> ObjectID {
        let id = ObjectID(rawPointer: UnsafeRawPointer(bytes.baseAddress! + position))
        position += 20
        return id
    }

    mutating func text() -> String {
        let n = int()
        let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[position..<(position + n)]), as: UTF8.self)
        position += n
        return s
    }

    mutating func record(id: ObjectID, withFiles: Bool = true) -> CommitRecord {
        let parents = (0..<int()).map { _ in self.id() }
        let author = signature()
        let committer = signature()
        let message = text()
        let trailers = (0..<int()).map { _ in Trailer(key: string(), value: string()) }
        let coAuthors = identities()
        let reviewers = identities()
        guard withFiles else {
            return CommitRecord(
                id: id, parents: parents, author: author, committer: committer, message: message, trailers: trailers,
                coAuthors: coAuthors, reviewers: reviewers)
        }
        let files = self.files()
        let sides = (0..<int()).map { _ -> SideBranch in
            let tip = self.id()
            let hasBase = bytes[position] == 1
            position += 1
            let base = hasBase ? self.id() : nil
            let commits = (0..<int()).map { _ in self.id() }
            return SideBranch(tip: tip, mergeBase: base, commits: commits, reviewedFiles: self.files())
        }
        return CommitRecord(
            id: id, parents: parents, author: author, committer: committer, message: message, trailers: trailers,
            coAuthors: coAuthors, reviewers: reviewers, files: files, sideBranches: sides)
    }

    mutating func signature() -> Signature {
        let name = string()
        let email = string()
        let time = signed()
        return Signature(name: name, email: email, time: time, offsetMinutes: Int(signed()))
    }

    mutating func identities() -> [Identity] {
        (0..<int()).map { _ in Identity(name: string(), email: string()) }
    }

    mutating func files() -> [FileChange] {
        let count = int()
        var out: [FileChange] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            let path = string()
            let oldPath = optional()
            let copiedFrom = optional()
            let flags = bytes[position]
            position += 1
            let additions = int()
            let deletions = int()
            var hunks: [Hunk] = []
            let n = int()
            if withHunks { hunks.reserveCapacity(n) }
            var oldBase: Int64 = 0
            var newBase: Int64 = 0
            for _ in 0..<n {
                let oldStart = oldBase + signed()
                let oldCount = UInt32(varint())
                let newStart = newBase + signed()
                let newCount = UInt32(varint())
                if withHunks {
                    hunks.append(
                        Hunk(
                            oldStart: UInt32(oldStart), oldCount: oldCount, newStart: UInt32(newStart),
                            newCount: newCount))
                }
                oldBase = oldStart
                newBase = newStart
            }
            out.append(
                FileChange(
                    path: path, oldPath: oldPath, status: FileChange.Status(rawValue: flags & 0x3F) ?? .modified,
                    additions: additions, deletions: deletions, isBinary: flags & 0x80 != 0, hunks: hunks,
                    copiedFrom: copiedFrom, contentMissing: flags & 0x40 != 0))
        }
        return out
    }
}
