internal import CLibGit2
internal import HistoryModel

/// Pairs deleted and added files into renames the way `git diff` does by default (`diff.renames=true`,
/// 50% similarity, `diff.renameLimit` 1000), after `TreeDiffer` has paired exact renames (same blob):
/// files whose basename is unique on both sides and at least 75% similar, then the best-scoring pairs. The similarity
/// score is git's (`diffcore-rename.c`, `estimate_similarity`): bytes of 64-byte-or-line chunks common to
/// both files, over the larger file's size.
enum RenameDetector {
    struct Candidate {
        var path: String
        var id: ObjectID?
        var mode: UInt32
        var content: TreeDiffer.Content
    }

    struct Pair: Equatable {
        var source: Int
        var destination: Int
    }

    static let maxScore = 60000
    static let minimumScore = 30000
    static let basenameMinimumScore = minimumScore + (maxScore - minimumScore) / 2
    static let renameLimit = 1000

    static func pair(sources: [Candidate], destinations: [Candidate]) -> [Pair] {
        var pairs: [Pair] = []
        var sourceUsed = [Bool](repeating: false, count: sources.count)
        var destinationUsed = [Bool](repeating: false, count: destinations.count)

        // Exact renames (the same blob) are paired by the caller before this, without loading contents.
        // 2. Inexact renames, between regular, non-empty files only.
        let srcIndexes = sources.indices.filter {
            !sourceUsed[$0] && isRegular(sources[$0].mode) && size(sources[$0]) > 0
        }
        let dstIndexes = destinations.indices.filter {
            !destinationUsed[$0] && isRegular(destinations[$0].mode) && size(destinations[$0]) > 0
        }
        guard !srcIndexes.isEmpty, !dstIndexes.isEmpty else { return pairs }

        var signatures: [Int: Signature] = [:]
        func signature(_ c: Candidate, key: Int) -> Signature {
            if let s = signatures[key] { return s }
            let s = Signature(c.content)
            signatures[key] = s
            return s
        }

        // 2a. Unique basenames on both sides.
        var srcByBase: [String: [Int]] = [:]
        for i in srcIndexes { srcByBase[String(basename(sources[i].path)), default: []].append(i) }
        var dstByBase: [String: [Int]] = [:]
        for j in dstIndexes { dstByBase[String(basename(destinations[j].path)), default: []].append(j) }
        for (base, srcs) in srcByBase.sorted(by: { $0.key < $1.key }) {
            guard srcs.count == 1, let dsts = dstByBase[base], dsts.count == 1 else { continue }
            let i = srcs[0]
            let j = dsts[0]
            let score = similarity(
                sources[i], signature(sources[i], key: i), destinations[j], signature(destinations[j], key: -1 - j),
                minimum: basenameMinimumScore)
            if score >= basenameMinimumScore {
                sourceUsed[i] = true
                destinationUsed[j] = true
                pairs.append(Pair(source: i, destination: j))
            }
        }

        // 2b. The best remaining pairs, highest score first (at most four candidates per destination), unless the
        // files left unpaired on both sides exceed `diff.renameLimit` (git checks it after the basename step).
        let leftSources = srcIndexes.count { !sourceUsed[$0] }
        let leftDestinations = dstIndexes.count { !destinationUsed[$0] }
        guard leftSources * leftDestinations <= renameLimit * renameLimit else { return pairs }
        struct Scored {
            var score: Int
            var nameScore: Int
            var source: Int
            var destination: Int
        }
        var matrix: [Scored] = []
        for j in dstIndexes where !destinationUsed[j] {
            var best: [Scored] = []
            for i in srcIndexes where !sourceUsed[i] {
                let score = similarity(
                    sources[i], signature(sources[i], key: i), destinations[j], signature(destinations[j], key: -1 - j),
                    minimum: minimumScore)
                guard score >= minimumScore else { continue }
                let nameScore = basename(sources[i].path) == basename(destinations[j].path) ? 1 : 0
                best.append(Scored(score: score, nameScore: nameScore, source: i, destination: j))
            }
            best.sort { ($0.score, $0.nameScore, -$0.source) > ($1.score, $1.nameScore, -$1.source) }
            matrix.append(contentsOf: best.prefix(4))
        }
        matrix.sort {
            ($0.score, $0.nameScore, -$0.destination, -$0.source) > (
                $1.score, $1.nameScore, -$1.destination, -$1.source
            )
        }
        for m in matrix where !sourceUsed[m.source] && !destinationUsed[m.destination] {
            sourceUsed[m.source] = true
            destinationUsed[m.destination] = true
            pairs.append(Pair(source: m.source, destination: m.destination))
        }
        return pairs
    }

    static func basename(_ path: String) -> Substring {
        guard let slash = path.lastIndex(of: "/") else { return path[...] }
        return path[path.index(after: slash)...]
    }

    private static func isRegular(_ mode: UInt32) -> Bool {
        mode == GIT_FILEMODE_BLOB.rawValue || mode == GIT_FILEMODE_BLOB_EXECUTABLE.rawValue
    }

    private static func size(_ c: Candidate) -> Int { c.content.withBytesNoThrow { $0.count } }

    /// git's score from 0 to `maxScore`; 0 when the sizes alone rule out `minimum`.
    static func similarity(_ src: Candidate, _ srcSig: Signature, _ dst: Candidate, _ dstSig: Signature, minimum: Int)
        -> Int
    {
        let srcSize = size(src)
        let dstSize = size(dst)
        let maxSize = max(srcSize, dstSize)
        let delta = maxSize - min(srcSize, dstSize)
        if maxSize * (maxScore - minimum) < delta * maxScore { return 0 }
        guard maxSize > 0 else { return 0 }
        let copied = srcSig.copiedBytes(into: dstSig)
        return copied * maxScore / maxSize
    }

    /// git's span hashes: the file cut after each newline or every 64 bytes, each chunk hashed and its byte
    /// count summed per hash (`diffcore-delta.c`, `hash_chars`). Kept as a list sorted by hash, not a
    /// dictionary: built with one sort, compared by one merge, without hashing the hashes again (ADR 0008).
    struct Signature {
        /// Each distinct chunk hash with the bytes of its chunks, sorted by hash.
        var counts: [(hash: UInt32, bytes: Int)]

        init(_ content: TreeDiffer.Content) {
            let isText = !content.isBinary
            counts = content.withBytesNoThrow { Self.hash($0, isText: isText) }
        }

        init(counts: [(hash: UInt32, bytes: Int)]) { self.counts = counts }

        static func hash(_ buf: UnsafeRawBufferPointer, isText: Bool) -> [(hash: UInt32, bytes: Int)] {
            let hashBase: UInt32 = 107927
            // Each chunk as its hash (high half) and length (at most 64, low half).
            var chunks: [UInt64] = []
            var n = 0
            var accum1: UInt32 = 0
            var accum2: UInt32 = 0
            var i = 0
            let size = buf.count
            while i < size {
                let c = UInt32(buf[i])
                let old1 = accum1
                i += 1
                if isText && c == 0x0D && i < size && buf[i] == 0x0A { continue }
                accum1 = (accum1 << 7) ^ (accum2 >> 25)
                accum2 = (accum2 << 7) ^ (old1 >> 25)
                accum1 &+= c
                n += 1
                if n < 64 && c != 0x0A { continue }
                let h = (accum1 &+ accum2 &* 0x61) % hashBase
                chunks.append(UInt64(h) << 32 | UInt64(n))
                n = 0
                accum1 = 0
                accum2 = 0
            }
            if n > 0 {
                let h = (accum1 &+ accum2 &* 0x61) % hashBase
                chunks.append(UInt64(h) << 32 | UInt64(n))
            }
            chunks.sort()
            var out: [(hash: UInt32, bytes: Int)] = []
            for chunk in chunks {
                let h = UInt32(truncatingIfNeeded: chunk >> 32)
                let bytes = Int(chunk & 0xFFFF_FFFF)
                if let last = out.last, last.hash == h {
                    out[out.count - 1].bytes += bytes
                } else {
                    out.append((h, bytes))
                }
            }
            return out
        }

        /// The sum, over the hashes both have, of the smaller byte count.
        func copiedBytes(into other: Signature) -> Int {
            var copied = 0
            var i = 0
            var j = 0
            let a = counts
            let b = other.counts
            while i < a.count && j < b.count {
                if a[i].hash < b[j].hash {
                    i += 1
                } else if a[i].hash > b[j].hash {
                    j += 1
                } else {
                    copied += min(a[i].bytes, b[j].bytes)
                    i += 1
                    j += 1
                }
            }
            return copied
        }
    }
}
