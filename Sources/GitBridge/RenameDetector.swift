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

    /// One of git's four candidate slots per destination (`struct diff_score`); `source` nil for an unused slot.
    struct Slot {
        var score: Int
        var nameScore: Int
        var source: Int?
        var destination: Int

        /// git's `score_compare(a, b) > 0`: `a` sorts after `b` (an unused slot after any used one, then the lower
        /// score, then, at the same score, a different basename after the same one).
        static func sortsAfter(_ a: Slot, _ b: Slot) -> Bool {
            guard a.source != nil else { return b.source != nil }
            guard b.source != nil else { return false }
            if a.score == b.score { return b.nameScore > a.nameScore }
            return b.score > a.score
        }

        /// git's `record_if_better`: `o` takes the worst slot (the first of equally bad ones) when it is better.
        static func record(_ o: Slot, in m: inout [Slot]) {
            var worst = 0
            for i in 1..<m.count where sortsAfter(m[i], m[worst]) { worst = i }
            if sortsAfter(m[worst], o) { m[worst] = o }
        }
    }

    /// Sources and destinations in git's order (the diff queue's, by path), every one that is left after exact
    /// renames, whatever its mode or size: git counts them all for unique basenames and for the rename limit, and
    /// gives the ones it cannot score (not regular files, or empty) a score of 0.
    static func pair(sources: [Candidate], destinations: [Candidate]) -> [Pair] {
        var pairs: [Pair] = []
        var sourceUsed = [Bool](repeating: false, count: sources.count)
        var destinationUsed = [Bool](repeating: false, count: destinations.count)
        guard !sources.isEmpty, !destinations.isEmpty else { return pairs }
        // `estimate_similarity` scores regular, non-empty files only.
        let sourceScores = sources.map { isRegular($0.mode) && size($0) > 0 }
        let destinationScores = destinations.map { isRegular($0.mode) && size($0) > 0 }

        var signatures: [Int: Signature] = [:]
        func signature(_ c: Candidate, key: Int) -> Signature {
            if let s = signatures[key] { return s }
            let s = Signature(c.content)
            signatures[key] = s
            return s
        }
        func score(_ i: Int, _ j: Int, minimum: Int) -> Int {
            guard sourceScores[i], destinationScores[j] else { return 0 }
            return similarity(
                sources[i], signature(sources[i], key: i), destinations[j], signature(destinations[j], key: -1 - j),
                minimum: minimum)
        }

        // 2a. `find_basename_matches`: a basename unique among the sources and among the destinations left.
        var sourceOfBase: [Substring: Int] = [:]
        for i in sources.indices {
            let base = basename(sources[i].path)
            sourceOfBase[base] = sourceOfBase[base] == nil ? i : -1
        }
        var destinationOfBase: [Substring: Int] = [:]
        for j in destinations.indices {
            let base = basename(destinations[j].path)
            destinationOfBase[base] = destinationOfBase[base] == nil ? j : -1
        }
        for i in sources.indices {
            let base = basename(sources[i].path)
            guard sourceOfBase[base] == i, let j = destinationOfBase[base], j >= 0, !destinationUsed[j] else {
                continue
            }
            if score(i, j, minimum: basenameMinimumScore) >= basenameMinimumScore {
                sourceUsed[i] = true
                destinationUsed[j] = true
                pairs.append(Pair(source: i, destination: j))
            }
        }

        // 2b. The matrix, unless the files left on both sides exceed `diff.renameLimit` (git checks it after the
        // basename step, over every source and destination left).
        let leftSources = sources.indices.filter { !sourceUsed[$0] }
        let leftDestinations = destinations.indices.count { !destinationUsed[$0] }
        guard leftSources.count * leftDestinations <= renameLimit * renameLimit else { return pairs }
        // Per destination, four slots filled source by source as `record_if_better` fills them (ties keep the slot
        // they hold; a better candidate takes the first of the worst slots). A destination that cannot score has
        // only entries of score 0, which `find_renames` never reaches, and is left out.
        var matrix: [Slot] = []
        for j in destinations.indices where !destinationUsed[j] && destinationScores[j] {
            var m = [Slot](repeating: Slot(score: 0, nameScore: 0, source: nil, destination: j), count: 4)
            let name = basename(destinations[j].path)
            for i in leftSources {
                let candidate = Slot(
                    score: score(i, j, minimum: minimumScore), nameScore: basename(sources[i].path) == name ? 1 : 0,
                    source: i, destination: j)
                Slot.record(candidate, in: &m)
            }
            matrix.append(contentsOf: m)
        }
        // `STABLE_QSORT` by `score_compare`: ties keep the matrix order (destination, then slot).
        let order = matrix.indices.sorted { a, b in
            if Slot.sortsAfter(matrix[b], matrix[a]) { return true }
            if Slot.sortsAfter(matrix[a], matrix[b]) { return false }
            return a < b
        }
        // `find_renames`: best first, down to the first unused slot or score under the minimum.
        for k in order {
            let m = matrix[k]
            guard let i = m.source, m.score >= minimumScore else { break }
            guard !destinationUsed[m.destination], !sourceUsed[i] else { continue }
            sourceUsed[i] = true
            destinationUsed[m.destination] = true
            pairs.append(Pair(source: i, destination: m.destination))
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
