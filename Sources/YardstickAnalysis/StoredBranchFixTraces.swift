package import HistoryMining
package import HistoryModel
internal import HistoryStoreCore

extension KnownBranchFixTraces {
    private static let magic = Array("YSB2".utf8)

    /// The form a store keeps: magic, the analysis revision the traces were made by (`Analysis.revision`), the
    /// count, then per trace in key order its key (fix, target, add-only context, newer-neighbour lines,
    /// candidate paths), pending lines (per file: the blamed ranges, the context's, the neighbourhoods' own and
    /// around ranges) and whether the fix corrects its own change's work (`ownWork`, 0 or 1); 20-byte ids,
    /// little-endian integers, strings as length and UTF-8, an FNV-1a 64 checksum; compressed (`Compression`).
    package static func encode(_ traces: [Key: BranchFixTrace], revision: Int = Analysis.revision)
        -> [UInt8]
    {
        var out = SealedBlobWriter(magic: magic)
        out.int(revision)
        out.int(traces.count)
        for key in traces.keys.sorted(by: Self.precedes) {
            out.id(key.fix)
            out.id(key.target)
            out.int(key.addOnlyContext)
            out.int(key.newerNeighbour)
            out.int(key.paths.count)
            for path in key.paths { out.string(path) }
            let trace = traces[key]!
            let pending = trace.pending
            out.int(pending.count)
            for p in pending {
                out.id(p.commit)
                out.int(p.files.count)
                for file in p.files {
                    out.string(file.path)
                    Self.write(file.ranges, to: &out)
                    Self.write(file.context, to: &out)
                    out.int(file.neighbourhoods.count)
                    for hood in file.neighbourhoods {
                        Self.write(hood.lines, to: &out)
                        Self.write(hood.around, to: &out)
                    }
                }
            }
            out.int(trace.ownWork ? 1 : 0)
        }
        return Compression.compress(out.sealed())
    }

    /// What `encode` wrote for `revision`; nil for anything else (another revision or version, a damaged blob).
    package static func decode(_ blob: [UInt8], revision: Int = Analysis.revision) -> [Key: BranchFixTrace]? {
        guard let bytes = Compression.decompress(blob) else { return nil }
        return SealedBlobReader.open(bytes, magic: magic) { blob -> [Key: BranchFixTrace]? in
            guard blob.int() == revision, let n = blob.count(64) else { return nil }
            var out: [Key: BranchFixTrace] = [:]
            out.reserveCapacity(n)
            for _ in 0..<n {
                guard let fix = blob.id(), let target = blob.id(), let context = blob.int(),
                    let neighbour = blob.int(), let pathCount = blob.count(8)
                else { return nil }
                var paths: [String] = []
                for _ in 0..<pathCount {
                    guard let path = blob.string() else { return nil }
                    paths.append(path)
                }
                guard let pendingCount = blob.count(28) else { return nil }
                var pending: [BranchFixTrace.Pending] = []
                for _ in 0..<pendingCount {
                    guard let commit = blob.id(), let fileCount = blob.count(16) else { return nil }
                    var files: [BranchFixTrace.FileRanges] = []
                    for _ in 0..<fileCount {
                        guard let path = blob.string(), let ranges = Self.readRanges(&blob),
                            let context = Self.readRanges(&blob), let hoodCount = blob.count(16)
                        else { return nil }
                        var hoods: [BranchFixTrace.Neighbourhood] = []
                        for _ in 0..<hoodCount {
                            guard let lines = Self.readRanges(&blob), let around = Self.readRanges(&blob) else {
                                return nil
                            }
                            hoods.append(BranchFixTrace.Neighbourhood(lines: lines, around: around))
                        }
                        files.append(
                            BranchFixTrace.FileRanges(
                                path: path, ranges: ranges, context: context, neighbourhoods: hoods))
                    }
                    pending.append(BranchFixTrace.Pending(commit: commit, files: files))
                }
                guard let ownWork = blob.int(), ownWork == 0 || ownWork == 1 else { return nil }
                out[Key(fix: fix, target: target, paths: paths, addOnlyContext: context, newerNeighbour: neighbour)] =
                    BranchFixTrace(fix: fix, pending: pending, ownWork: ownWork == 1)
            }
            return blob.atEnd ? out : nil
        }
    }

    private static func write(_ ranges: [BranchFixTrace.LineRange], to out: inout SealedBlobWriter) {
        out.int(ranges.count)
        for r in ranges {
            out.int(r.start)
            out.int(r.count)
        }
    }

    private static func readRanges(_ blob: inout SealedBlobReader) -> [BranchFixTrace.LineRange]? {
        guard let count = blob.count(16) else { return nil }
        var ranges: [BranchFixTrace.LineRange] = []
        for _ in 0..<count {
            guard let start = blob.int(), let lines = blob.int() else { return nil }
            ranges.append(BranchFixTrace.LineRange(start: start, count: lines))
        }
        return ranges
    }

    private static func precedes(_ a: Key, _ b: Key) -> Bool {
        if a.fix != b.fix { return a.fix < b.fix }
        if a.target != b.target { return a.target < b.target }
        if a.addOnlyContext != b.addOnlyContext { return a.addOnlyContext < b.addOnlyContext }
        if a.newerNeighbour != b.newerNeighbour { return a.newerNeighbour < b.newerNeighbour }
        return a.paths.lexicographicallyPrecedes(b.paths)
    }
}

extension StoreSession {
    /// The state name of this repository's branch-fix traces, and the version of what is kept under it (the
    /// analysis revision is inside the blob: traces of another revision are not used).
    var branchFixTracesState: KeptState {
        KeptState(name: "branchFixTraces:" + repository.value, context: "branch-fix-traces-v4")
    }

    /// The branch-fix traces kept by the earlier runs on this repository (none when there are none or they cannot
    /// be read: every fix is traced again).
    package func storedBranchFixTraces() throws -> KnownBranchFixTraces {
        return KnownBranchFixTraces(try kept(branchFixTracesState).flatMap { KnownBranchFixTraces.decode($0) } ?? [:])
    }

    /// Keeps the traces this run took or made for the next run, when they changed (`revision`: the analysis
    /// revision written with them).
    package func saveBranchFixTraces(_ traces: KnownBranchFixTraces, revision: Int = Analysis.revision) throws {
        guard let next = traces.next else { return }
        try keep(KnownBranchFixTraces.encode(next, revision: revision), as: branchFixTracesState)
    }
}
