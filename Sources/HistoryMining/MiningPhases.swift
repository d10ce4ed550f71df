internal import Dispatch
internal import GitBridge
internal import HistoryModel
internal import Synchronization

// The miner's phases (`Miner.mineUnchecked` runs them in this order), each a step of its own:
//
// 1. `openRepository`: the repository, the analysed tip, and what is read at the tip only (`.mailmap`,
//    `.gitattributes` files, pull-request head refs, shallow boundaries);
// 2. `walkLinks`: every commit's links (tree, parents, committer time) and the first-parent line in the window;
// 3. `paintSideBranches`: what each first-parent merge brought in, from the commit graph;
// 4. `planTasks`: one task per first-parent commit, with the branch commits it is the first to bring in;
// 5. `mineRecords`: each task's diffs and records, on the workers, into the store.
//
// What a phase returns is released by the caller as soon as the next phase has used it (ADR 0010): the link
// list before the side branches are painted, the graph before the tasks are planned, the links before mining.

/// What is read at the tip before any history is walked.
struct OpenedRepository {
    var repository: Repository
    var tip: ObjectID
    var branchName: String
    var gitDirectory: String
    var mailmap: [UInt8]?
    var attributeFiles: [(path: String, contents: String)]
    var pullHeads: [Int: ObjectID]
    var shallowBoundaries: [ObjectID]
    /// The paths the tip's `.gitattributes` makes git diff as text; nil when none.
    var forcesText: ForcedText? { ForcedText(files: attributeFiles) }

    /// The history mined from here: what was read at the tip, with the first-parent commits, the records and
    /// the commits whose branch was cut short (both walks, with or without an earlier run's links, end here).
    func history(
        mainline: [ObjectID], commits: CommitStore, truncated: [ObjectID], timings: [(String, Double)]
    ) -> MinedHistory {
        MinedHistory(
            gitDirectory: gitDirectory,
            workingDirectory: repository.workingDirectory,
            branch: branchName,
            tip: tip,
            mainline: mainline,
            commits: commits,
            attributeFiles: attributeFiles,
            shallowBoundaries: shallowBoundaries,
            truncated: truncated,
            pullHeads: pullHeads,
            mailmap: mailmap,
            timings: timings
        )
    }
}

/// The links of the walk: every commit read, the graph (with merged branches), and the first-parent commits in
/// the window, newest first.
struct WalkedLinks {
    var headers: [ObjectID: CommitLink]
    var graph: CommitGraph?
    var mainlineHeaders: [CommitLink]
    /// Commits read by the walk.
    var count: Int
}

/// What the first-parent merges brought in.
struct PaintedBranches {
    var sides: [ObjectID: [SidePlan]]
    /// First-parent commits whose history is cut off by a shallow boundary.
    var truncated: Set<ObjectID>
}

/// The mining tasks, with the first-parent line they cover.
struct MiningPlan {
    var tasks: [MiningTask]
    /// Newest first: the first-parent commits mined.
    var mainline: [ObjectID]
    /// First-parent commits left out (shallow history).
    var truncated: [ObjectID]
    /// Branch commits claimed by the tasks.
    var branchTotal: Int
}

extension Miner {
    /// Phase 1: opens the repository and reads what the tip holds; fails for a missing, empty or (unless
    /// allowed) shallow repository, or an unknown branch. With `deferPackChecks`, the packs' checksums are
    /// computed on a thread of their own (`Repository.awaitPackChecks`): a failed check is the error reported.
    func openRepository(deferPackChecks: Bool = false) throws -> OpenedRepository {
        let repository: Repository
        do {
            repository = try Repository(
                path: path, searchParents: options.searchParents, deferPackChecks: deferPackChecks)
        } catch {
            if error.isNotFound { throw MiningError.notARepository(path: path) }
            throw MiningError.git(path: path, error)
        }
        do {
            return try readTip(of: repository)
        } catch {
            try repository.awaitPackChecks()
            throw error
        }
    }

    /// What phase 1 reads at the tip.
    private func readTip(of repository: Repository) throws -> OpenedRepository {
        if repository.isHeadUnborn && options.branch == nil { throw MiningError.emptyRepository(path: path) }
        let revision = options.branch ?? "HEAD"
        let tip: ObjectID
        do {
            tip = try repository.resolveCommit(revision)
        } catch {
            throw MiningError.unresolved(path: path, branch: options.branch, error: error, in: repository)
        }
        let branchName = options.branch ?? repository.headBranchName ?? "HEAD"
        let mailmapContents = try repository.fileContents(".mailmap", at: tip)
        let attributeFiles = try repository.findFiles(named: ".gitattributes", at: tip).compactMap {
            path -> (path: String, contents: String)? in
            guard let bytes = try repository.fileContents(path, at: tip) else { return nil }
            return (path, String(decoding: bytes, as: UTF8.self))
        }
        // The clone's own pull refs first, then merge requests, then remotes' (first remote in name
        // order); a later source never replaces an earlier one.
        var pullHeads: [Int: ObjectID] = [:]
        for glob in ["refs/pull/*/head", "refs/merge-requests/*/head", "refs/remotes/*/pull/*/head"] {
            for (name, id) in try repository.references(matching: glob) {
                let parts = name.split(separator: "/")
                if let n = parts.dropLast().last.flatMap({ Int($0) }), pullHeads[n] == nil { pullHeads[n] = id }
            }
        }
        let shallow = repository.isShallow ? repository.shallowBoundaries() : []
        if !shallow.isEmpty && !options.allowShallow {
            let available = (try? repository.firstParentLine(from: tip, stoppingAt: Set(shallow)).count) ?? 0
            throw MiningError.shallow(path: path, boundaries: shallow.count, firstParentCommitsPresent: available)
        }
        return OpenedRepository(
            repository: repository, tip: tip, branchName: branchName, gitDirectory: repository.gitDirectory,
            mailmap: mailmapContents, attributeFiles: attributeFiles, pullHeads: pullHeads, shallowBoundaries: shallow)
    }

    /// Phase 2: links (tree, parents, committer time). With merged branches: every reachable commit (read
    /// here, on this thread: a walk must follow parents anyway) and the graph in memory; without (line
    /// ownership only): the first-parent line. Messages and people are not kept: each commit is read again
    /// when it is mined, so planning memory is about 100 bytes a commit (ADR 0010).
    func walkLinks(
        _ opened: OpenedRepository, boundaries: Set<ObjectID>, opener: @escaping @Sendable () throws -> Worker
    ) throws -> WalkedLinks {
        let tip = opened.tip
        var headerList: [CommitLink]
        if options.mergedBranches {
            // This handle (its pack caches) goes at the end of this block, before mining needs the memory;
            // commits are not kept in libgit2's object cache at all (`LibGit2.initialized`).
            let mainWorker = try opener()
            var list: [CommitLink] = []
            var queued: Set<ObjectID> = [tip]
            var stack: [ObjectID] = [tip]
            while let id = stack.popLast() {
                let h = try mainWorker.repository.commitLink(id)
                list.append(h)
                if boundaries.contains(id) { continue }
                for p in h.parents.reversed() where queued.insert(p).inserted { stack.append(p) }
            }
            headerList = list
        } else {
            let line = try opened.repository.firstParentLine(from: tip, stoppingAt: boundaries)
            headerList = try Parallel.map(line, workers: options.workers, chunk: 256, context: opener) { worker, id in
                try worker.repository.commitLink(id)
            }
        }
        var headers: [ObjectID: CommitLink] = [:]
        headers.reserveCapacity(headerList.count)
        for h in headerList { headers[h.id] = h }
        // The graph is needed for merged branches only; blame's first-parent line is already walked.
        let graph =
            options.mergedBranches
            ? CommitGraph(
                headerList.map { ($0.id, boundaries.contains($0.id) ? [] : $0.parents, $0.committerTime) },
                missing: boundaries)
            : nil
        if let cycle = graph?.cycle { throw MiningError.commitCycle(path: path, commit: cycle) }
        let line = graph?.firstParentLine(from: tip) ?? headerList.map(\.id)
        let since = options.since
        let until = options.until
        let mainlineHeaders = line.compactMap { headers[$0] }.filter { h in
            (since.map { h.committerTime >= $0 } ?? true) && (until.map { h.committerTime <= $0 } ?? true)
        }
        return WalkedLinks(headers: headers, graph: graph, mainlineHeaders: mainlineHeaders, count: headerList.count)
    }

    /// Phase 3: what each first-parent merge brought in, from the graph (nothing without one), and which
    /// first-parent commits a shallow boundary cuts off.
    func paintSideBranches(
        _ mainlineHeaders: [CommitLink], graph: CommitGraph?, trees: [ObjectID: ObjectID], boundaries: Set<ObjectID>
    ) throws -> PaintedBranches {
        var sides: [ObjectID: [SidePlan]] = [:]
        var truncatedSet = Set<ObjectID>()
        if let graph {
            // Each merge's side branch is painted independently over the immutable graph: one scratch space per
            // worker thread.
            let merges = mainlineHeaders.filter { $0.parents.count > 1 }
            let painted = try Parallel.map(merges, workers: options.workers, chunk: 64, context: { ScratchBox() }) {
                box, h -> (plans: [SidePlan], truncated: Bool) in
                guard let first = h.parents.first else { return ([], false) }
                var plans: [SidePlan] = []
                var truncated = false
                for p in h.parents.dropFirst() {
                    let side = graph.sideBranch(first: first, tip: p, scratch: &box.scratch)
                    if side.truncated || !graph.contains(p) || !graph.contains(first) { truncated = true }
                    plans.append(
                        SidePlan(tip: p, tipTree: trees[p], mergeBase: side.mergeBase, commits: side.commits))
                }
                return (plans, truncated)
            }
            for (h, result) in zip(merges, painted) {
                sides[h.id] = result.plans
                if result.truncated { truncatedSet.insert(h.id) }
            }
        }
        for h in mainlineHeaders where boundaries.contains(h.id) { truncatedSet.insert(h.id) }
        return PaintedBranches(sides: sides, truncated: truncatedSet)
    }

    /// Phase 4: each first-parent commit's task, with the commits it is the first to bring in (the newest
    /// merge that contains a branch commit claims it). A merge and its branch commits are diffed together, on
    /// one worker, so the blob pairs they share are found in the diff cache while it still holds them: the
    /// cache is bounded, and what mining keeps in memory grows with the records alone.
    func planTasks(
        _ mainlineHeaders: [CommitLink], painted: PaintedBranches, headers: [ObjectID: CommitLink]
    ) -> MiningPlan {
        let planned = mainlineHeaders.filter { !painted.truncated.contains($0.id) }
        let mainline = planned.map(\.id)
        let truncated = mainlineHeaders.map(\.id).filter { painted.truncated.contains($0) }
        var claimed = Set<ObjectID>(mainline)
        var tasks: [MiningTask] = []
        tasks.reserveCapacity(planned.count)
        var branchTotal = 0
        for h in planned {
            let plans = painted.sides[h.id] ?? []
            var branch: [CommitLink] = []
            for plan in plans {
                for c in plan.commits where claimed.insert(c).inserted {
                    if let b = headers[c] { branch.append(b) }
                }
            }
            branchTotal += branch.count
            tasks.append(MiningTask(link: h, sides: plans, branch: branch))
        }
        return MiningPlan(tasks: tasks, mainline: mainline, truncated: truncated, branchTotal: branchTotal)
    }

    /// Phase 5: every task's records, mined on the workers. Records go into the store as soon as a task is
    /// done, encoded (ADR 0010): what mining keeps per commit is the encoded record, not a tree of Swift
    /// values. Each task is taken out of its slot when it is mined, so the links it holds go as its records
    /// come.
    func mineRecords(
        _ tasks: consuming [MiningTask], total: Int, worker: @escaping @Sendable () throws -> Worker,
        progress: (@Sendable (MiningProgress) -> Void)?, known: KnownRecords? = nil
    ) throws -> CommitStore {
        let done = Counter()
        let store = Mutex(CommitStore(spill: TemporaryFileSpill()))
        let weights = tasks.map { 1 + $0.branch.count }
        let slots = TaskSlots(tasks)
        tasks = []
        _ = try Parallel.map(
            Array(weights.indices), workers: options.workers, chunk: 8, context: worker,
            progress: { n in progress?(MiningProgress(phase: "commits", done: done.add(n), total: total)) },
            weight: { weights[$0] }
        ) { worker, i in
            guard let task = slots.take(i) else { preconditionFailure("mining task \(i) handed out twice") }
            let records = try known.map { try worker.records(for: task, reusing: $0) } ?? worker.records(for: task)
            store.withLock { $0.insert(contentsOf: records) }
        }
        return store.withLock { $0 }
    }
}

/// The wall time of each mining phase, with the resident memory after it (`YARDSTICK_TIMINGS=1`); each lap first
/// gives the phase's freed memory back to the system.
struct PhaseClock {
    private(set) var timings: [(String, Double)] = []
    private var clock = DispatchTime.now().uptimeNanoseconds

    mutating func lap(_ name: String) {
        Allocator.releaseFreeMemory()
        let now = DispatchTime.now().uptimeNanoseconds
        timings.append((name + ProcessInfoShim.residentNote, Double(now - clock) / 1e9))
        clock = now
    }
}
