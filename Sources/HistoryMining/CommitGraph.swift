package import HistoryModel

/// The commit graph in memory: parents and generation numbers for every commit the miner read. Merge bases
/// and a merged branch's commits (`M^1..P`) are computed here, in the way git paints down to common
/// ancestors, instead of through libgit2's revision walker, whose hide logic re-walks deep history for
/// every merge (minutes on git.git-sized histories, ADR 0008).
package struct CommitGraph: Sendable {
    package let ids: [ObjectID]
    let index: [ObjectID: Int32]
    let parents: [[Int32]]
    /// True where a parent is not in the graph (a shallow boundary).
    let missingParent: [Bool]
    let generation: [Int32]
    let time: [Int64]
    /// A commit that is its own ancestor, when the history loops (a damaged repository); nil otherwise. The
    /// graph is then built without the parent link that closed the loop, and must not be trusted.
    package let cycle: ObjectID?

    /// Builds the graph from headers in any order. Commits in `missing` (shallow boundaries) are marked as
    /// having parents that history lacks.
    package init(_ headers: [(id: ObjectID, parents: [ObjectID], time: Int64)], missing boundaries: Set<ObjectID> = [])
    {
        var index: [ObjectID: Int32] = [:]
        index.reserveCapacity(headers.count)
        for (i, h) in headers.enumerated() { index[h.id] = Int32(i) }
        var parents: [[Int32]] = []
        var missing: [Bool] = []
        parents.reserveCapacity(headers.count)
        missing.reserveCapacity(headers.count)
        for h in headers {
            let known = h.parents.compactMap { index[$0] }
            parents.append(known)
            missing.append(known.count != h.parents.count || boundaries.contains(h.id))
        }
        // Generation numbers by an iterative depth-first pass: 1 for a root, else 1 + the largest parent's. Each
        // frame is a commit on the current path and the next parent to visit, so a parent found on the path is a
        // cycle (only a damaged repository has one: a commit cannot name its own id). The first found is kept,
        // and the edge that closes it is dropped so that every walk over the graph still ends.
        var generation = [Int32](repeating: 0, count: headers.count)
        var onPath = [Bool](repeating: false, count: headers.count)
        var cycle: Int32?
        var frames: [(node: Int32, next: Int)] = []
        for start in 0..<headers.count where generation[start] == 0 {
            frames.append((Int32(start), 0))
            onPath[start] = true
            while let (n, k) = frames.last {
                if k < parents[Int(n)].count {
                    frames[frames.count - 1].next = k + 1
                    let p = parents[Int(n)][k]
                    if onPath[Int(p)] {
                        if cycle == nil { cycle = p }
                        parents[Int(n)].remove(at: k)
                        missing[Int(n)] = true
                        frames[frames.count - 1].next = k
                    } else if generation[Int(p)] == 0 {
                        onPath[Int(p)] = true
                        frames.append((p, 0))
                    }
                    continue
                }
                frames.removeLast()
                onPath[Int(n)] = false
                var g: Int32 = 1
                for p in parents[Int(n)] { g = max(g, generation[Int(p)] + 1) }
                generation[Int(n)] = g
            }
        }
        self.cycle = cycle.map { headers[Int($0)].id }
        self.ids = headers.map(\.id)
        self.index = index
        self.parents = parents
        self.missingParent = missing
        self.generation = generation
        self.time = headers.map(\.time)
    }

    package func contains(_ id: ObjectID) -> Bool { index[id] != nil }

    /// The first-parent line from `tip`, newest first, to the root or the first commit whose parent is missing.
    package func firstParentLine(from tip: ObjectID) -> [ObjectID] {
        guard var i = index[tip] else { return [] }
        var out: [ObjectID] = [ids[Int(i)]]
        while !missingParent[Int(i)], let p = parents[Int(i)].first {
            i = p
            out.append(ids[Int(i)])
        }
        return out
    }

    /// What merging `tip` into `first` brought in.
    package struct SideBranch: Sendable {
        /// The merge base `git merge-base first tip` prints: of the best common ancestors (those no other common
        /// ancestor descends from), the newest by committer time; nil for unrelated histories.
        package var mergeBase: ObjectID?
        /// Commits reachable from `tip` but not from `first`, newest first.
        package var commits: [ObjectID]
        /// True when the walk reached a commit whose parents are missing (a shallow boundary).
        package var truncated: Bool
    }

    /// Paints down from both commits in generation order (a commit comes out after every commit that descends from
    /// it): a commit reached from `tip` only is on the branch; one reached from both, and from no merge base found
    /// before it, is a best common ancestor, and its ancestors are marked stale. Of those, the newest by committer
    /// time is the merge base, as `git merge-base` chooses among several (criss-cross merges; git sorts them by
    /// date). Stops as soon as no queued commit is reached from `tip` without being stale.
    package func sideBranch(first: ObjectID, tip: ObjectID, scratch: inout Scratch) -> SideBranch {
        guard let a = index[first], let b = index[tip] else {
            return SideBranch(mergeBase: nil, commits: [], truncated: true)
        }
        // Flags: 1 reached from `first`, 2 from `tip`, 4 stale (an ancestor of a best common ancestor found).
        func live(_ f: UInt8) -> Bool { f & 6 == 2 }
        scratch.prepare(count: ids.count)
        var heap = Heap()
        var liveTip = 0  // queued commits reachable from `tip`, not stale
        func push(_ n: Int32) { heap.push(generation[Int(n)], time[Int(n)], n) }
        scratch.mark(a, 1)
        push(a)
        scratch.mark(b, 2)
        liveTip += 1
        if a != b { push(b) }
        var base: Int32?
        var commits: [ObjectID] = []
        var truncated = false
        while let n = heap.pop() {
            var f = scratch.flags[Int(n)]
            if live(f) { liveTip -= 1 }
            if f == 2 {
                commits.append(ids[Int(n)])
                if missingParent[Int(n)] { truncated = true }
            } else if f == 3 {
                if base.map({ time[Int(n)] > time[Int($0)] }) ?? true { base = n }
                f |= 4
            }
            for p in parents[Int(n)] {
                let old = scratch.flags[Int(p)]
                let new = old | f
                guard new != old else { continue }
                scratch.mark(p, f)
                if old == 0 { push(p) }
                if live(old) != live(new) { liveTip += live(new) ? 1 : -1 }
            }
            if liveTip == 0 { break }
        }
        scratch.reset()
        return SideBranch(mergeBase: base.map { ids[Int($0)] }, commits: commits, truncated: truncated)
    }

    /// Reusable flags for `sideBranch`, so that each merge costs what it visits, not the graph's size.
    package struct Scratch {
        var flags: [UInt8] = []
        var touched: [Int32] = []

        package init() {}

        mutating func prepare(count: Int) {
            if flags.count != count { flags = [UInt8](repeating: 0, count: count) }
        }

        /// ORs `bits` into the flags of `n`; returns the new flags.
        @discardableResult
        mutating func mark(_ n: Int32, _ bits: UInt8) -> UInt8 {
            if flags[Int(n)] == 0 { touched.append(n) }
            flags[Int(n)] |= bits
            return flags[Int(n)]
        }

        mutating func reset() {
            for n in touched { flags[Int(n)] = 0 }
            touched.removeAll(keepingCapacity: true)
        }
    }

    /// A max-heap on (generation, time): descendants come out before their ancestors.
    struct Heap {
        struct Item {
            var generation: Int32
            var time: Int64
            var node: Int32

            func before(_ o: Item) -> Bool {
                generation != o.generation
                    ? generation > o.generation : (time != o.time ? time > o.time : node < o.node)
            }
        }

        var items: [Item] = []

        mutating func push(_ generation: Int32, _ time: Int64, _ node: Int32) {
            items.append(Item(generation: generation, time: time, node: node))
            var i = items.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard items[i].before(items[parent]) else { break }
                items.swapAt(i, parent)
                i = parent
            }
        }

        mutating func pop() -> Int32? {
            guard let top = items.first else { return nil }
            let last = items.removeLast()
            if !items.isEmpty {
                items[0] = last
                var i = 0
                while true {
                    let l = 2 * i + 1
                    let r = l + 1
                    var best = i
                    if l < items.count && items[l].before(items[best]) { best = l }
                    if r < items.count && items[r].before(items[best]) { best = r }
                    if best == i { break }
                    items.swapAt(i, best)
                    i = best
                }
            }
            return top.node
        }
    }
}
