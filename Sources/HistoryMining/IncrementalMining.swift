internal import Dispatch
internal import GitBridge
package import HistoryModel
internal import Synchronization

/// Records already mined by an earlier run (a persistent store's, ADR 0019), by commit and role: a commit mined
/// on the first-parent line has hunks, one mined off it counts only. A record depends on its commit, its role
/// and the record context (`TipState.recordContext`); the store keeps them only for one context.
package struct KnownRecords: Sendable {
    let lookup: @Sendable (ObjectID, _ onMainline: Bool) -> CommitRecord?
    /// Whether a record is known, without decoding it.
    let contains: @Sendable (ObjectID, _ onMainline: Bool) -> Bool
    /// Whether the records hold the identities git recorded (a store's): the miner then applies the tip's
    /// `.mailmap` to each one it takes (`applying(mailmap:)`).
    let rawIdentities: Bool

    /// `contains`, when given, must say whether `lookup` finds a record (it saves decoding one to find out).
    package init(
        rawIdentities: Bool = false, contains: (@Sendable (ObjectID, _ onMainline: Bool) -> Bool)? = nil,
        _ lookup: @escaping @Sendable (ObjectID, _ onMainline: Bool) -> CommitRecord?
    ) {
        self.rawIdentities = rawIdentities
        self.lookup = lookup
        self.contains = contains ?? { lookup($0, $1) != nil }
    }

    /// These records as mined with the `.mailmap` `contents`: unchanged unless they hold raw identities.
    func applying(mailmap contents: [UInt8]?) throws(MiningError) -> KnownRecords {
        guard rawIdentities else { return self }
        let mapping = try IdentityMapping(mailmap: contents)
        let lookup = self.lookup
        return KnownRecords(contains: contains) { id, onMainline in lookup(id, onMainline).map(mapping.apply) }
    }
}

/// What the tip holds that decides whether stored records and a stored report still apply, read without
/// walking history.
package struct TipState: Sendable {
    package var gitDirectory: String
    package var tip: ObjectID
    package var branchName: String
    package var mailmap: [UInt8]?
    package var shallowBoundaries: [ObjectID]
    /// Pull-request head refs, by number.
    package var pullHeads: [Int: ObjectID]
    /// `.gitattributes` files at the tip.
    package var attributeFiles: [(path: String, contents: String)]
    /// The keys of the packs whose checksums were checked (or trusted) when the repository was opened
    /// (`Miner.trustPackChecks`): a store keeps them for the next run.
    package var passedPackChecks: [String] = []

    /// What every stored record depends on besides its commit and role: the shallow boundaries (which cut side
    /// branches) and the encoding. Not the `.mailmap`: stored records keep the identities git recorded, and the
    /// `.mailmap` is applied when a run reads them (`IdentityMapping`), so an edit of it re-mines nothing.
    /// How the tip's `.mailmap` is read (GitBridge's `Mailmap.rules`): not part of `recordContext` (records keep
    /// the identities git recorded), but of a stored report's key.
    package var identityRules: String { Mailmap.rules }

    package var recordContext: String {
        var text = "records-v6\n"
        for b in shallowBoundaries.sorted() { text += "shallow \(b)\n" }
        // Paths whose `diff` attribute is set are counted as text (`ForcedText`): records then depend on the
        // `.gitattributes` files. Without such a rule they do not, and the context does not name them.
        if let forced = ForcedText(files: attributeFiles) { text += "forced-text \(forced.digest)\n" }
        return text
    }
}

extension Miner {
    /// Opens the repository and reads the tip (phase 1 alone), with the same errors as `mine`.
    package func tipState() throws(MiningError) -> TipState {
        do {
            let opened = try openRepository()
            return TipState(
                gitDirectory: opened.gitDirectory, tip: opened.tip, branchName: opened.branchName,
                mailmap: opened.mailmap,
                shallowBoundaries: opened.shallowBoundaries, pullHeads: opened.pullHeads,
                attributeFiles: opened.attributeFiles, passedPackChecks: opened.repository.passedPackChecks)
        } catch let error as MiningError {
            throw error
        } catch let error as GitError {
            throw MiningError.git(path: path, error)
        } catch {
            throw MiningError.git(path: path, GitError(code: -1, message: "\(error)", function: "tipState"))
        }
    }

    /// The repository's git directory, found as `tipState` finds it but without reading or checking anything
    /// (the `--store default` file is named after it before the store's pack checks are known).
    package func gitDirectory() throws(MiningError) -> String {
        do {
            return try Repository.gitDirectory(path: path, searchParents: options.searchParents)
        } catch {
            if error.isNotFound { throw MiningError.notARepository(path: path) }
            throw MiningError.git(path: path, error)
        }
    }

    /// Takes the packs with these keys (`TipState.passedPackChecks` of an earlier run) as checked, so that their
    /// checksums are not computed again in this process (ADR 0011, ADR 0019). A pack replaced, rewritten in
    /// place or touched has another key and is checked. Call it before the repository is opened.
    package static func trustPackChecks(_ keys: [String]) {
        ObjectVerification.trustPackChecks(keys)
    }

    /// `records(for:mailmap:)`, taking what `known` holds (off the first-parent line) instead of mining it.
    package func records(
        for ids: [ObjectID], mailmap contents: [UInt8]?, reusing known: KnownRecords?, forcesText: ForcedText? = nil
    ) throws(MiningError) -> [CommitRecord] {
        guard let known else { return try records(for: ids, mailmap: contents, forcesText: forcesText) }
        var found: [ObjectID: CommitRecord] = [:]
        for id in ids { found[id] = known.lookup(id, false) }
        let mined = try records(for: ids.filter { found[$0] == nil }, mailmap: contents, forcesText: forcesText)
        for r in mined { found[r.id] = r }
        return ids.compactMap { found[$0] }
    }
}

extension Worker {
    /// `records(for:)`, taking the records `known` holds instead of mining them. A known first-parent record
    /// already has its side branches, so a branch commit that is not known still finds the reviewed diff it
    /// may share.
    func records(for task: MiningTask, reusing known: KnownRecords) throws -> [CommitRecord] {
        let reuseMain = known.lookup(task.link.id, true)
        if reuseMain != nil, task.branch.allSatisfy({ known.contains($0.id, false) }) {
            return [reuseMain!] + task.branch.compactMap { known.lookup($0.id, false) }
        }
        // A new first-parent commit: its branch commits are new too (the newest merge claims them), so all are mined.
        guard let main = reuseMain else { return try records(for: task) }
        var out = [main]
        for link in task.branch {
            if let r = known.lookup(link.id, false) {
                out.append(r)
                continue
            }
            let header = try repository.commitHeader(link.id, mailmap: mailmap)
            let side = main.sideBranches.first { $0.tip == header.id }
            let knownFiles = side.flatMap {
                $0.mergeBase == header.parents.first && header.parents.count == 1 ? $0.reviewedFiles : nil
            }
            out.append(try record(for: header, onMainline: false, sides: [], knownFiles: knownFiles))
        }
        return out
    }
}

/// What the walk and the side-branch painting found for the commits of an earlier run (a store's, ADR 0019):
/// each commit's links (tree, parents, committer time) and, for each first-parent merge, what it brought in.
/// Both are fixed by the commit's id, so a later run reads links and paints merges only for commits it has not
/// seen. Given to `landedHistory(…, links:)`, which puts the links of its own run in `current` for the next one.
package final class KnownLinks: Sendable {
    /// One merged branch of a first-parent merge (`SidePlan` without the tip's tree, which the links hold).
    package struct Side: Sendable, Equatable {
        package var tip: ObjectID
        package var mergeBase: ObjectID?
        package var commits: [ObjectID]

        package init(tip: ObjectID, mergeBase: ObjectID?, commits: [ObjectID]) {
            self.tip = tip
            self.mergeBase = mergeBase
            self.commits = commits
        }
    }

    /// The links and sides, encoded (`encode`): what the store keeps.
    package struct Contents: Sendable, Equatable {
        package var links: [ObjectID: (tree: ObjectID, parents: [ObjectID], time: Int64)]
        /// By first-parent merge, one entry per parent after the first.
        package var sides: [ObjectID: [Side]]

        package init(
            links: [ObjectID: (tree: ObjectID, parents: [ObjectID], time: Int64)] = [:], sides: [ObjectID: [Side]] = [:]
        ) {
            self.links = links
            self.sides = sides
        }

        package static func == (a: Contents, b: Contents) -> Bool {
            a.sides == b.sides && a.links.count == b.links.count
                && a.links.allSatisfy { id, l in
                    b.links[id].map { $0.tree == l.tree && $0.parents == l.parents && $0.time == l.time } ?? false
                }
        }
    }

    private let stored: Mutex<Contents?>
    private let found = Mutex<Contents?>(nil)

    package init(_ stored: Contents) { self.stored = Mutex(stored) }

    /// The earlier run's links, handed over once (the walk then holds them).
    func take() -> Contents {
        stored.withLock { s in
            defer { s = nil }
            return s ?? Contents()
        }
    }

    func keep(_ contents: Contents) { found.withLock { $0 = contents } }

    /// The links and sides of the run that used this, when they differ from the earlier run's (nil otherwise, and
    /// before it has walked): every commit reachable from its tip, and every first-parent merge it painted or took
    /// from the earlier run and still reaches.
    package var current: Contents? { found.withLock { $0 } }
}

extension KnownLinks.Contents {
    private static let magic = Array("YSL1".utf8)

    /// The binary form the store keeps (`SealedBlobWriter`: magic, counts, 20-byte ids, little-endian integers,
    /// an FNV-1a 64 checksum). Links and sides in id order, so that the same contents give the same bytes.
    package func encode() -> [UInt8] {
        var out = SealedBlobWriter(magic: Self.magic, capacity: 64 + links.count * 80 + sides.count * 80)
        out.uint64(UInt64(links.count))
        for key in links.keys.sorted() {
            let l = links[key]!
            out.id(key)
            out.id(l.tree)
            out.uint64(UInt64(bitPattern: l.time))
            out.uint64(UInt64(l.parents.count))
            for p in l.parents { out.id(p) }
        }
        out.uint64(UInt64(sides.count))
        for key in sides.keys.sorted() {
            let s = sides[key]!
            out.id(key)
            out.uint64(UInt64(s.count))
            for side in s {
                out.id(side.tip)
                out.byte(side.mergeBase == nil ? 0 : 1)
                out.id(side.mergeBase ?? side.tip)
                out.uint64(UInt64(side.commits.count))
                for c in side.commits { out.id(c) }
            }
        }
        return out.sealed()
    }

    /// What `encode` wrote; nil for anything else (another version, a damaged blob).
    package init?(encoded bytes: [UInt8]) {
        guard let decoded = SealedBlobReader.open(bytes, magic: Self.magic, Self.decode) else { return nil }
        self = decoded
    }

    /// The contents the reader holds; nil when they do not fill it exactly.
    private static func decode(_ blob: inout SealedBlobReader) -> Self? {
        guard let linkCount = blob.count(56) else { return nil }
        var links: [ObjectID: (tree: ObjectID, parents: [ObjectID], time: Int64)] = [:]
        links.reserveCapacity(linkCount)
        for _ in 0..<linkCount {
            guard let key = blob.id(), let tree = blob.id(), let time = blob.uint64(), let n = blob.count(20) else {
                return nil
            }
            var parents: [ObjectID] = []
            parents.reserveCapacity(n)
            for _ in 0..<n {
                guard let p = blob.id() else { return nil }
                parents.append(p)
            }
            links[key] = (tree, parents, Int64(bitPattern: time))
        }
        guard let sideCount = blob.count(28) else { return nil }
        var sides: [ObjectID: [KnownLinks.Side]] = [:]
        sides.reserveCapacity(sideCount)
        for _ in 0..<sideCount {
            guard let key = blob.id(), let n = blob.count(49) else { return nil }
            var list: [KnownLinks.Side] = []
            list.reserveCapacity(n)
            for _ in 0..<n {
                guard let tip = blob.id(), let hasBase = blob.byte(), let base = blob.id(), let m = blob.count(20)
                else { return nil }
                var commits: [ObjectID] = []
                commits.reserveCapacity(m)
                for _ in 0..<m {
                    guard let c = blob.id() else { return nil }
                    commits.append(c)
                }
                list.append(KnownLinks.Side(tip: tip, mergeBase: hasBase == 1 ? base : nil, commits: commits))
            }
            sides[key] = list
        }
        guard blob.atEnd else { return nil }
        return Self(links: links, sides: sides)
    }
}

extension Miner {
    /// `mine(progress:reusing:)`, taking the links and side branches `links` holds (an earlier run's) instead of
    /// reading and painting them again: the walk reads only commits the earlier run did not reach, and only
    /// first-parent merges it did not paint are painted. The walk visits commits in the order of a walk that reads
    /// them all, so the graph, and every merge base and branch painted on it, is the one a run without `links`
    /// builds. A shallow clone or a run without merged branches uses none of them. The run's own links go to
    /// `links.current`.
    package func mine(
        progress: (@Sendable (MiningProgress) -> Void)? = nil, reusing known: KnownRecords?, links: KnownLinks
    ) throws(MiningError) -> MinedHistory {
        do {
            return try mineUnchecked(progress: progress, known: known, links: links)
        } catch let error as MiningError {
            throw error
        } catch let error as GitError {
            throw MiningError.git(path: path, error)
        } catch {
            throw MiningError.git(path: path, GitError(code: -1, message: "\(error)", function: "mine"))
        }
    }

    /// `mineUnchecked` (Miner.swift) with phases 2 and 3 taken from `links` where they can be.
    private func mineUnchecked(
        progress: (@Sendable (MiningProgress) -> Void)?, known: KnownRecords?, links: KnownLinks
    ) throws -> MinedHistory {
        if options.verifyEveryObject { ObjectVerification.everyObject = true }
        let deferPackChecks = options.workers > 1
        let opened = try openRepository(deferPackChecks: deferPackChecks)
        guard options.mergedBranches, opened.shallowBoundaries.isEmpty else {
            try opened.repository.awaitPackChecks()
            return try mine(progress: progress, reusing: known)
        }

        var phases = PhaseClock()
        phases.lap("open")

        let repositoryPath = opened.gitDirectory
        let cache = diffCache
        let mailmapContents = opened.mailmap
        let known = try known?.applying(mailmap: mailmapContents)
        var stored = links.take()
        let storedCounts = (stored.links.count, stored.sides.count)

        // Phase 2 as `walkLinks` walks (the same order), reading only commits the earlier run did not reach.
        var list: [CommitLink] = []
        var read = 0
        do {
            let worker = try Worker(
                path: repositoryPath, mailmap: mailmapContents, cache: cache, deferPackChecks: deferPackChecks)
            var queued: Set<ObjectID> = [opened.tip]
            var stack: [ObjectID] = [opened.tip]
            while let id = stack.popLast() {
                let h: CommitLink
                if let s = stored.links[id] {
                    h = CommitLink(id: id, tree: s.tree, parents: s.parents, time: s.time)
                } else {
                    h = try worker.repository.commitLink(id)
                    read += 1
                }
                list.append(h)
                for p in h.parents.reversed() where queued.insert(p).inserted { stack.append(p) }
            }
            try opened.repository.awaitPackChecks()
        } catch {
            try opened.repository.awaitPackChecks()
            throw error
        }
        stored.links = [:]
        var headers: [ObjectID: CommitLink] = [:]
        headers.reserveCapacity(list.count)
        for h in list { headers[h.id] = h }
        var graph: CommitGraph? = CommitGraph(list.map { ($0.id, $0.parents, $0.committerTime) })
        if let cycle = graph?.cycle { throw MiningError.commitCycle(path: path, commit: cycle) }
        let line = graph?.firstParentLine(from: opened.tip) ?? []
        let since = options.since
        let until = options.until
        let mainlineHeaders = line.compactMap { headers[$0] }.filter { h in
            (since.map { h.committerTime >= $0 } ?? true) && (until.map { h.committerTime <= $0 } ?? true)
        }
        let walkedCount = list.count
        phases.lap("links (\(walkedCount), \(read) read)")

        let trees = headers.mapValues(\.tree)
        let forcesText = opened.forcesText
        let diffWorker: @Sendable () throws -> Worker = {
            let worker = try Worker(
                path: repositoryPath, mailmap: mailmapContents, cache: cache, forcesText: forcesText)
            worker.differ.knownTree = { trees[$0] }
            return worker
        }

        // Phase 3 for the merges the earlier run did not paint; the others' sides as it painted them.
        var sides: [ObjectID: [SidePlan]] = [:]
        var toPaint: [CommitLink] = []
        for h in mainlineHeaders where h.parents.count > 1 {
            if let s = stored.sides[h.id], s.map(\.tip) == Array(h.parents.dropFirst()) {
                sides[h.id] = s.map {
                    SidePlan(tip: $0.tip, tipTree: trees[$0.tip], mergeBase: $0.mergeBase, commits: $0.commits)
                }
            } else {
                toPaint.append(h)
            }
        }
        var painted = try paintSideBranches(toPaint, graph: graph, trees: trees, boundaries: [])
        graph = nil
        painted.sides.merge(sides) { a, _ in a }
        // What the next run takes: every commit reached now, the sides painted now or still reached.
        var next = KnownLinks.Contents()
        next.links.reserveCapacity(headers.count)
        for h in list { next.links[h.id] = (h.tree, h.parents, h.committerTime) }
        list = []
        for (id, s) in stored.sides where headers[id] != nil { next.sides[id] = s }
        stored = KnownLinks.Contents()
        for (id, plans) in painted.sides {
            next.sides[id] = plans.map { KnownLinks.Side(tip: $0.tip, mergeBase: $0.mergeBase, commits: $0.commits) }
        }
        if read > 0 || !toPaint.isEmpty || storedCounts != (next.links.count, next.sides.count) { links.keep(next) }
        phases.lap("merge bases and branches (\(toPaint.count) painted)")

        var plan = planTasks(mainlineHeaders, painted: painted, headers: headers)
        painted = PaintedBranches(sides: [:], truncated: [])
        headers = [:]
        let (mainline, truncated, branchTotal) = (plan.mainline, plan.truncated, plan.branchTotal)
        let tasks = plan.tasks
        plan.tasks = []
        let commits = try mineRecords(
            consume tasks, total: mainline.count + branchTotal, worker: diffWorker, progress: progress, known: known)
        diffCache.removeAll()
        phases.lap("records (\(mainline.count) first-parent, \(branchTotal) merged)")

        return opened.history(mainline: mainline, commits: commits, truncated: truncated, timings: phases.timings)
    }
}

/// Branch-fix traces (`BranchFixTracer`, ADR 0025) an earlier run made (a store's, ADR 0019 section 10), by what
/// each is a function of. Once the walk over the fix's own change has found the commit `target` whose ownership
/// state knows who wrote the fix's lines, the trace reads only git objects fixed by their ids — the fix's diff
/// against its parent, and the diff of the candidate files between `target` and that parent — and two settings:
/// which of the fix's files are candidates (the path filter: exclusions, `.gitattributes`, test paths) and
/// `addOnlyFixContext`. `Key` holds exactly those, so a kept trace is the trace the tracer would make. The walk
/// itself, which depends on the run's landed changes and first-parent line, is done by every run (it reads
/// records only); `maxFixFiles` decides before it whether a fix is traced at all.
package final class KnownBranchFixTraces: Sendable {
    package struct Key: Hashable, Sendable {
        package var fix: ObjectID
        package var target: ObjectID
        /// The fix's candidate files (text files it modifies at paths the analysis keeps), in its record's order.
        package var paths: [String]
        package var addOnlyContext: Int
        /// `delivery.newerNeighbourLines`: how far the neighbourhoods of a trace reach.
        package var newerNeighbour: Int

        package init(fix: ObjectID, target: ObjectID, paths: [String], addOnlyContext: Int, newerNeighbour: Int) {
            self.fix = fix
            self.target = target
            self.paths = paths
            self.addOnlyContext = addOnlyContext
            self.newerNeighbour = newerNeighbour
        }
    }

    private let stored: [Key: BranchFixTrace]
    private let used = Mutex<[Key: BranchFixTrace]>([:])
    private let counts = Mutex<(kept: Int, traced: Int)>((0, 0))

    package init(_ stored: [Key: BranchFixTrace] = [:]) { self.stored = stored }

    /// The kept trace for `key`, if any (then kept again for the next run).
    package func trace(for key: Key) -> BranchFixTrace? {
        guard let trace = stored[key] else { return nil }
        used.withLock { $0[key] = trace }
        counts.withLock { $0.kept += 1 }
        return trace
    }

    /// A trace the tracer made for `key`, kept for the next run.
    package func keep(_ trace: BranchFixTrace, for key: Key) {
        used.withLock { $0[key] = trace }
        counts.withLock { $0.traced += 1 }
    }

    /// How many traces this run took from the earlier one and how many it made.
    package var reuse: (kept: Int, traced: Int) { counts.withLock { $0 } }

    /// What the next run takes: the traces this run took or made (those of fixes it no longer traces, or traced
    /// with other settings, are dropped); nil when that is what was held already.
    package var next: [Key: BranchFixTrace]? {
        let out = used.withLock { $0 }
        return out.count == stored.count && out.keys.allSatisfy { stored[$0] != nil } ? nil : out
    }
}
