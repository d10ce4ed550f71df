package import HistoryMining
package import HistoryModel
internal import HistoryStoreCore

extension KnownBranchFixTraces {
    private static let magic = Array("YSB1".utf8)

    /// The form a store keeps: magic, the analysis revision the traces were made by (`Analysis.revision`), the
    /// count, then per trace in key order its key (fix, target, add-only context, candidate paths) and pending
    /// lines; 20-byte ids, little-endian integers, strings as length and UTF-8, an FNV-1a 64 checksum; zlib.
    package static func encode(_ traces: [Key: [BranchFixTrace.Pending]], revision: Int = Analysis.revision)
        -> [UInt8]
    {
        var out = magic
        func int(_ v: Int) {
            withUnsafeBytes(of: UInt64(bitPattern: Int64(v)).littleEndian) { out.append(contentsOf: $0) }
        }
        func id(_ v: ObjectID) {
            withUnsafeBytes(of: v.high.bigEndian) { out.append(contentsOf: $0) }
            withUnsafeBytes(of: v.middle.bigEndian) { out.append(contentsOf: $0) }
            withUnsafeBytes(of: v.low.bigEndian) { out.append(contentsOf: $0) }
        }
        func string(_ s: String) {
            int(s.utf8.count)
            out.append(contentsOf: s.utf8)
        }
        int(revision)
        int(traces.count)
        for key in traces.keys.sorted(by: Self.precedes) {
            id(key.fix)
            id(key.target)
            int(key.addOnlyContext)
            int(key.paths.count)
            key.paths.forEach(string)
            let pending = traces[key]!
            int(pending.count)
            for p in pending {
                id(p.commit)
                int(p.files.count)
                for file in p.files {
                    string(file.path)
                    int(file.ranges.count)
                    for r in file.ranges {
                        int(r.start)
                        int(r.count)
                    }
                }
            }
        }
        int(Int(bitPattern: UInt(FNV1a.hash64(out[...]))))
        return Compression.compress(out)
    }

    /// What `encode` wrote for `revision`; nil for anything else (another revision or version, a damaged blob).
    package static func decode(_ blob: [UInt8], revision: Int = Analysis.revision) -> [Key: [BranchFixTrace.Pending]]? {
        guard let bytes = Compression.decompress(blob), bytes.count >= magic.count + 8, bytes.starts(with: magic)
        else { return nil }
        let end = bytes.count - 8
        var sum: UInt64 = 0
        for i in 0..<8 { sum |= UInt64(bytes[end + i]) << UInt64(8 * i) }
        guard FNV1a.hash64(bytes[..<end]) == sum else { return nil }
        return bytes.withUnsafeBytes { raw -> [Key: [BranchFixTrace.Pending]]? in
            var at = magic.count
            func int() -> Int? {
                guard end - at >= 8 else { return nil }
                defer { at += 8 }
                return Int(
                    Int64(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self))))
            }
            // A count, checked against the bytes left (each item takes at least `each`): no huge allocation.
            func count(_ each: Int) -> Int? {
                guard let n = int(), n >= 0, n <= (end - at) / each else { return nil }
                return n
            }
            func id() -> ObjectID? {
                guard end - at >= 20 else { return nil }
                defer { at += 20 }
                return ObjectID(
                    high: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)),
                    middle: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: at + 8, as: UInt64.self)),
                    low: UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: at + 16, as: UInt32.self)))
            }
            func string() -> String? {
                guard let n = count(1) else { return nil }
                defer { at += n }
                return String(decoding: raw[at..<(at + n)], as: UTF8.self)
            }
            guard int() == revision, let n = count(64) else { return nil }
            var out: [Key: [BranchFixTrace.Pending]] = [:]
            out.reserveCapacity(n)
            for _ in 0..<n {
                guard let fix = id(), let target = id(), let context = int(), let pathCount = count(8) else {
                    return nil
                }
                var paths: [String] = []
                for _ in 0..<pathCount {
                    guard let path = string() else { return nil }
                    paths.append(path)
                }
                guard let pendingCount = count(28) else { return nil }
                var pending: [BranchFixTrace.Pending] = []
                for _ in 0..<pendingCount {
                    guard let commit = id(), let fileCount = count(16) else { return nil }
                    var files: [BranchFixTrace.FileRanges] = []
                    for _ in 0..<fileCount {
                        guard let path = string(), let rangeCount = count(16) else { return nil }
                        var ranges: [BranchFixTrace.LineRange] = []
                        for _ in 0..<rangeCount {
                            guard let start = int(), let lines = int() else { return nil }
                            ranges.append(BranchFixTrace.LineRange(start: start, count: lines))
                        }
                        files.append(BranchFixTrace.FileRanges(path: path, ranges: ranges))
                    }
                    pending.append(BranchFixTrace.Pending(commit: commit, files: files))
                }
                out[Key(fix: fix, target: target, paths: paths, addOnlyContext: context)] = pending
            }
            return at == end ? out : nil
        }
    }

    private static func precedes(_ a: Key, _ b: Key) -> Bool {
        if a.fix != b.fix { return a.fix < b.fix }
        if a.target != b.target { return a.target < b.target }
        if a.addOnlyContext != b.addOnlyContext { return a.addOnlyContext < b.addOnlyContext }
        return a.paths.lexicographicallyPrecedes(b.paths)
    }
}

extension StoreSession {
    /// The state name of this repository's branch-fix traces, and the version of what is kept under it (the
    /// analysis revision is inside the blob: traces of another revision are not used).
    var branchFixTracesState: (name: String, context: String) {
        ("branchFixTraces:" + repository.value, "branch-fix-traces-v1")
    }

    /// The branch-fix traces kept by the earlier runs on this repository (none when there are none or they cannot
    /// be read: every fix is traced again).
    package func storedBranchFixTraces() throws -> KnownBranchFixTraces {
        let kept = try store.states(branchFixTracesState.name)[branchFixTracesState.context]
        return KnownBranchFixTraces(kept.flatMap { KnownBranchFixTraces.decode($0) } ?? [:])
    }

    /// Keeps the traces this run took or made for the next run, when they changed.
    package func saveBranchFixTraces(_ traces: KnownBranchFixTraces) throws {
        guard let next = traces.next else { return }
        try store.setState(
            branchFixTracesState.name, context: branchFixTracesState.context, data: KnownBranchFixTraces.encode(next))
    }
}
