internal import Dispatch
internal import GitBridge
package import HistoryModel
internal import Synchronization

/// Options for one mining run.
package struct MiningOptions: Sendable {
    /// The branch or revision to analyse; nil for HEAD.
    package var branch: String?
    /// Worker threads; defaults to the number of cores.
    package var workers: Int
    /// Only first-parent commits that landed (committer time) at or after this instant are mined.
    package var since: Int64?
    /// Only first-parent commits that landed at or before this instant are mined.
    package var until: Int64?
    /// Mine a shallow clone anyway (the report then says history is missing) instead of failing.
    package var allowShallow: Bool
    /// Look for the repository in the parent folders of `path` too (as git does from a sub-folder).
    package var searchParents: Bool
    /// Mine what first-parent merges brought in (merge bases, branch commits, reviewed diffs). Off for
    /// line ownership alone (`yardstick blame`), which needs first-parent diffs only.
    package var mergedBranches: Bool = true
    /// Hash every object read, packed ones too (ADR 0011), for this run and the rest of the process.
    package var verifyEveryObject: Bool = false
    /// Line ownership alone (`yardstick blame`, no merged branches) needs no counts, so its hunks are computed
    /// as git blame computes them (common tail trimmed). Every worker of one miner uses the same mode, so its
    /// shared diff cache never mixes the two.
    package var blameHunks: Bool { !mergedBranches }

    package init(
        branch: String? = nil, workers: Int? = nil, since: Int64? = nil, until: Int64? = nil,
        allowShallow: Bool = false,
        searchParents: Bool = false
    ) {
        self.allowShallow = allowShallow
        self.searchParents = searchParents
        self.branch = branch
        self.workers = max(1, workers ?? ProcessInfoShim.activeProcessorCount)
        self.since = since
        self.until = until
    }
}

/// A progress report: which phase, how many items are done, out of how many.
package struct MiningProgress: Sendable {
    package var phase: String
    package var done: Int
    package var total: Int
}

/// What the miner read from a repository: plain records, no handles.
package struct MinedHistory: Sendable {
    /// The git directory.
    package var gitDirectory: String
    /// The working tree, or nil for a bare repository.
    package var workingDirectory: String?
    /// The analysed branch's name (`main`), or the revision as given.
    package var branch: String
    /// The commit at the tip of the analysed branch.
    package var tip: ObjectID
    /// The first-parent line within the window, newest first.
    package var mainline: [ObjectID]
    /// Records for the mainline commits and for every commit that a mainline merge brought in.
    package var commits: CommitStore
    /// Every `.gitattributes` file at the tip: path and contents.
    package var attributeFiles: [(path: String, contents: String)]
    /// Commits the repository's `shallow` file lists (history behind them is missing).
    package var shallowBoundaries: [ObjectID]
    /// First-parent commits left out because the history they need is cut off by a shallow boundary.
    package var truncated: [ObjectID]
    /// Pull/merge-request head refs the clone holds (`refs/pull/N/head`, `refs/merge-requests/N/head`), by number.
    package var pullHeads: [Int: ObjectID]
    /// The `.mailmap` contents at the tip, for records mined later.
    package var mailmap: [UInt8]?
    /// Wall time of each mining phase, in seconds, for benchmarks (`YARDSTICK_TIMINGS=1`).
    package var timings: [(String, Double)]
}

/// The Dispatch-based miner. It reads history through `GitBridge` on worker threads, one repository handle
/// per worker, and returns `Sendable` records (ADR 0002).
package struct Miner: Sendable {
    package let path: String
    package let options: MiningOptions
    /// Line counts shared by all workers of this miner.
    let diffCache = DiffCache()

    package init(path: String, options: MiningOptions) {
        self.path = path
        self.options = options
    }

    /// Mines the history. `progress` is called from worker threads. Records `known` holds are taken from it,
    /// not mined (a persistent store's, ADR 0019).
    package func mine(progress: (@Sendable (MiningProgress) -> Void)? = nil, reusing known: KnownRecords? = nil)
        throws(MiningError) -> MinedHistory
    {
        do {
            return try mineUnchecked(progress: progress, known: known)
        } catch let error as MiningError {
            throw error
        } catch let error as GitError {
            throw MiningError.git(path: path, error)
        } catch {
            throw MiningError.git(path: path, GitError(code: -1, message: "\(error)", function: "mine"))
        }
    }

    /// The phases, in order (`MiningPhases.swift`); each one's intermediate results are released as soon as
    /// the next has used them (ADR 0010).
    private func mineUnchecked(progress: (@Sendable (MiningProgress) -> Void)?, known: KnownRecords?) throws
        -> MinedHistory
    {
        if options.verifyEveryObject { ObjectVerification.everyObject = true }
        // With more than one worker, the packs' checksums (a sequential hash of every pack, ADR 0011) are computed
        // on a thread of their own while the links are walked; nothing read is used before they held, and a
        // failed check is the error reported, whatever the walk met (ADR 0008).
        let deferPackChecks = options.workers > 1
        let opened = try openRepository(deferPackChecks: deferPackChecks)

        var phases = PhaseClock()
        phases.lap("open")

        let repositoryPath = opened.gitDirectory
        let boundaries = Set(opened.shallowBoundaries)
        let cache = diffCache
        let blameHunks = options.blameHunks
        let mailmapContents = opened.mailmap
        let known = try known?.applying(mailmap: mailmapContents)
        let forcesText = opened.forcesText
        let opener: @Sendable () throws -> Worker = {
            try Worker(
                path: repositoryPath, mailmap: mailmapContents, cache: cache, blameHunks: blameHunks,
                forcesText: forcesText)
        }
        let walkOpener: @Sendable () throws -> Worker = {
            try Worker(
                path: repositoryPath, mailmap: mailmapContents, cache: cache, blameHunks: blameHunks,
                deferPackChecks: deferPackChecks)
        }

        var walked: WalkedLinks
        do {
            walked = try walkLinks(opened, boundaries: boundaries, opener: walkOpener)
            try opened.repository.awaitPackChecks()
        } catch {
            try opened.repository.awaitPackChecks()
            throw error
        }
        phases.lap("links (\(walked.count))")
        // Workers of the later phases know every commit's root tree from its header.
        let trees = walked.headers.mapValues(\.tree)
        let diffWorker: @Sendable () throws -> Worker = {
            let worker = try opener()
            worker.differ.knownTree = { trees[$0] }
            return worker
        }

        var painted = try paintSideBranches(
            walked.mainlineHeaders, graph: walked.graph, trees: trees, boundaries: boundaries)
        walked.graph = nil
        phases.lap("merge bases and branches")

        var plan = planTasks(walked.mainlineHeaders, painted: painted, headers: walked.headers)
        // From here on the tasks hold the links still needed; the tasks themselves are handed over, not shared,
        // so that taking each out of its slot frees it.
        painted = PaintedBranches(sides: [:], truncated: [])
        walked = WalkedLinks(headers: [:], graph: nil, mainlineHeaders: [], count: walked.count)
        let (mainline, truncated, branchTotal) = (plan.mainline, plan.truncated, plan.branchTotal)
        let tasks = plan.tasks
        plan.tasks = []
        let commits = try mineRecords(
            consume tasks, total: mainline.count + branchTotal, worker: diffWorker, progress: progress, known: known)
        diffCache.removeAll()
        phases.lap("records (\(mainline.count) first-parent, \(branchTotal) merged)")

        return opened.history(mainline: mainline, commits: commits, truncated: truncated, timings: phases.timings)
    }

    /// Records for further commits (diffs against their first parent, no side-branch information), e.g. the
    /// commits of a squashed pull request found through its head ref.
    package func records(for ids: [ObjectID], mailmap contents: [UInt8]?, forcesText: ForcedText? = nil)
        throws(MiningError) -> [CommitRecord]
    {
        let repositoryPath = path
        let search = options.searchParents
        let blameHunks = options.blameHunks
        do {
            return try Parallel.map(
                ids, workers: options.workers, chunk: 8,
                context: { [diffCache] in
                    try Worker(
                        path: repositoryPath, mailmap: contents, cache: diffCache, searchParents: search,
                        blameHunks: blameHunks, forcesText: forcesText)
                }
            ) { worker, id in
                try worker.record(
                    for: worker.repository.commitHeader(id, mailmap: worker.mailmap), onMainline: false, sides: [])
            }
        } catch let error as GitError {
            throw MiningError.git(path: path, error)
        } catch {
            throw MiningError.git(path: path, GitError(code: -1, message: "\(error)", function: "records"))
        }
    }

    /// Each commit's diff against its first parent, ignoring white space and blank lines: the lines a fix
    /// really changed, for SZZ.
    package func significantDiffs(for ids: [ObjectID]) throws(MiningError) -> [ObjectID: [FileChange]] {
        let repositoryPath = path
        let search = options.searchParents
        do {
            let cache = DiffCache()
            let results = try Parallel.map(
                ids, workers: options.workers, chunk: 4,
                context: { () throws -> (Repository, TreeDiffer) in
                    let repository = try Repository(path: repositoryPath, searchParents: search)
                    return (
                        repository, try TreeDiffer(repository: repository, cache: cache, significantLinesOnly: true)
                    )
                }
            ) { context, id in
                let header = try context.0.commitHeader(id, mailmap: Mailmap(contents: nil))
                return try context.1.diff(base: header.parents.first, tip: id)
            }
            return Dictionary(zip(ids, results), uniquingKeysWith: { a, _ in a })
        } catch let error as GitError {
            throw MiningError.git(path: path, error)
        } catch {
            throw MiningError.git(path: path, GitError(code: -1, message: "\(error)", function: "significantDiffs"))
        }
    }

    /// The commits of pull requests whose head refs the clone holds, each reachable from its `head` and not from
    /// `excluding`, in the requests' order; walked on worker threads with one repository each. A clone that
    /// fetched every pull request's head (`refs/pull/*/head`) has one per squash: 18,212 on tldr-pages/tldr, where
    /// opening a repository for each walk took 21 s of a 33 s run.
    ///
    /// With `history` (the whole history reachable from the tip was mined: no window, no shallow boundary), a pull
    /// request whose commits form one line of single-parent commits down to a first-parent commit at or below the
    /// one it is excluded from (`excluding` is one first-parent commit: a squash's parent) is read by its parents
    /// alone: those commits are exactly what a revision walk returns (none of them is reachable from the tip, so
    /// none from `excluding`; everything below them is), in its order. git's walk would follow the excluded side
    /// down to where the pull request forked, often hundreds of first-parent commits for each; any other shape is
    /// walked as before.
    package func commits(
        of requests: [(head: ObjectID, excluding: [ObjectID])], history: MinedHistory? = nil
    ) throws(MiningError) -> [[ObjectID]] {
        let path = self.path
        let search = options.searchParents
        let items = requests.map { PullRequestWalk(head: $0.head, excluding: $0.excluding) }
        let lines: PullRequestLines? = history.flatMap { history in
            guard history.shallowBoundaries.isEmpty, history.truncated.isEmpty, options.since == nil,
                options.until == nil
            else { return nil }
            return PullRequestLines(history)
        }
        do {
            return try Parallel.map(
                items, workers: options.workers, chunk: 64,
                context: { try Repository(path: path, searchParents: search) }
            ) { repository, walk in
                if let lines, let line = try lines.line(of: walk, in: repository) { return line }
                return try repository.walk(pushing: [walk.head], hiding: walk.excluding)
            }
        } catch let error as GitError {
            throw MiningError.git(path: path, error)
        } catch {
            throw MiningError.git(path: path, GitError(code: -1, message: "\(error)", function: "git_revwalk_next"))
        }
    }

    /// The contents of a file at a commit; nil when there is no such file.
    package func fileContents(_ path: String, at commit: ObjectID) throws(MiningError) -> [UInt8]? {
        do {
            return try Repository(path: self.path, searchParents: options.searchParents).fileContents(path, at: commit)
        } catch {
            throw MiningError.git(path: self.path, error)
        }
    }

    /// `git diff --numstat base tip` for each range, computed on worker threads.
    package func diffs(_ ranges: [DiffRange], forcesText: ForcedText? = nil) throws(MiningError)
        -> [DiffRange: [FileChange]]
    {
        let repositoryPath = path
        let search = options.searchParents
        let blameHunks = options.blameHunks
        do {
            let results = try Parallel.map(
                ranges, workers: options.workers, chunk: 4,
                context: { [diffCache] in
                    try Worker(
                        path: repositoryPath, mailmap: nil, cache: diffCache, searchParents: search,
                        blameHunks: blameHunks, forcesText: forcesText)
                }
            ) { worker, range in
                try worker.differ.diff(base: range.base, tip: range.tip)
            }
            return Dictionary(zip(ranges, results), uniquingKeysWith: { a, _ in a })
        } catch let error as GitError {
            throw MiningError.git(path: path, error)
        } catch {
            throw MiningError.git(path: path, GitError(code: -1, message: "\(error)", function: "diffs"))
        }
    }
}

/// One worker thread's handles.
final class Worker {
    let repository: Repository
    let mailmap: Mailmap
    let differ: TreeDiffer

    init(
        path: String, mailmap contents: [UInt8]?, cache: DiffCache, searchParents: Bool = false,
        blameHunks: Bool = false, deferPackChecks: Bool = false, forcesText: ForcedText? = nil
    ) throws {
        repository = try Repository(path: path, searchParents: searchParents, deferPackChecks: deferPackChecks)
        mailmap = try Mailmap(contents: contents)
        var forces: (@Sendable (String) -> Bool)?
        if let forcesText { forces = { forcesText.forces($0) } }
        differ = try TreeDiffer(repository: repository, cache: cache, blameHunks: blameHunks, forcesText: forces)
    }

    /// The record for one commit: its diff against the first parent (none for a merge off the first-parent
    /// line); for a first-parent merge, the reviewed diff of each planned side branch. Commits off the
    /// first-parent line keep counts but not hunks: only first-parent hunks feed line ownership.
    func record(for header: CommitHeader, onMainline: Bool, sides plans: [SidePlan], knownFiles: [FileChange]? = nil)
        throws -> CommitRecord
    {
        let isMerge = header.parents.count > 1
        // A merge of a branch that already contains the first parent, with the branch's tree: its first-parent
        // diff is the reviewed diff, computed once, with exact hunks.
        let sameAsReviewed =
            plans.count == 1 && plans[0].mergeBase == header.parents.first && plans[0].tipTree == header.tree
        let wantsFiles = !(isMerge && !onMainline)
        // The first-parent diff first: on the first-parent line its hunks must be exact (they feed line
        // ownership), and the reviewed diffs, which give counts only, then find most blob pairs already diffed.
        var files: [FileChange] = []
        if wantsFiles && !sameAsReviewed {
            files = try knownFiles ?? differ.diff(base: header.parents.first, tip: header.id, countsOnly: !onMainline)
        }
        var sides: [SideBranch] = []
        for plan in plans {
            var reviewed = try differ.diff(
                base: plan.mergeBase, tip: plan.tip, countsOnly: !(sameAsReviewed && onMainline))
            if sameAsReviewed && wantsFiles { files = knownFiles ?? reviewed }
            for i in reviewed.indices { reviewed[i].hunks = [] }
            sides.append(
                SideBranch(tip: plan.tip, mergeBase: plan.mergeBase, commits: plan.commits, reviewedFiles: reviewed))
        }
        if !onMainline {
            for i in files.indices { files[i].hunks = [] }
        }
        // Trailers naming people repeat across thousands of commits: their values share one copy.
        let trailers = Trailer.parse(message: header.message).map { t in
            Trailer.personKeys.contains(t.key.lowercased())
                ? Trailer(key: t.key, value: mailmap.names.intern(t.value)) : t
        }
        let coAuthors = trailers.filter { $0.key.lowercased() == "co-authored-by" }
            .compactMap { Message.identity($0.value) }
            .map { mailmap.resolve($0) }
        let reviewers = trailers.filter { Trailer.reviewKeys.contains($0.key.lowercased()) }
            .compactMap { Message.identity($0.value) }
            .map { mailmap.resolve($0) }
        return CommitRecord(
            id: header.id,
            parents: header.parents,
            author: header.author,
            committer: header.committer,
            message: header.message,
            trailers: trailers,
            coAuthors: coAuthors,
            reviewers: reviewers,
            files: files,
            sideBranches: sides
        )
    }
}

extension Worker {
    /// The records of one first-parent commit and of the branch commits it brings in, first-parent first.
    /// Each commit is read again here for its message and people (planning kept only its links). A branch
    /// tip whose only parent is the merge base has the reviewed diff as its own diff.
    func records(for task: MiningTask) throws -> [CommitRecord] {
        let main = try record(
            for: repository.commitHeader(task.link.id, mailmap: mailmap), onMainline: true, sides: task.sides)
        var out = [main]
        out.reserveCapacity(1 + task.branch.count)
        for link in task.branch {
            let header = try repository.commitHeader(link.id, mailmap: mailmap)
            let side = main.sideBranches.first { $0.tip == header.id }
            let known = side.flatMap {
                $0.mergeBase == header.parents.first && header.parents.count == 1 ? $0.reviewedFiles : nil
            }
            out.append(try record(for: header, onMainline: false, sides: [], knownFiles: known))
        }
        return out
    }
}

/// A first-parent commit to mine, with its merged branches and the branch commits it is the first to bring in.
struct MiningTask: Sendable {
    var link: CommitLink
    var sides: [SidePlan]
    var branch: [CommitLink]
}

/// Tasks handed out once each: taking one leaves its slot empty.
final class TaskSlots: Sendable {
    private let slots: Mutex<[MiningTask?]>

    init(_ tasks: [MiningTask]) { slots = Mutex(tasks) }

    func take(_ i: Int) -> MiningTask? {
        slots.withLock { s in
            defer { s[i] = nil }
            return s[i]
        }
    }
}

/// One worker's scratch space for painting side branches.
final class ScratchBox {
    var scratch = CommitGraph.Scratch()
}

/// A merged branch as the commit graph found it, before its diff is computed.
struct SidePlan: Sendable {
    var tip: ObjectID
    var tipTree: ObjectID?
    var mergeBase: ObjectID?
    var commits: [ObjectID]
}

/// A thread-safe running total for progress reports.
final class Counter: Sendable {
    private let value = Mutex<Int>(0)
    func add(_ n: Int) -> Int {
        value.withLock {
            $0 += n
            return $0
        }
    }
}

/// One pull request's walk: its head, and the commits whose history it leaves out.
private struct PullRequestWalk: Sendable {
    var head: ObjectID
    var excluding: [ObjectID]
}

/// What `Miner.commits(of:history:)` reads a pull request's line against: each first-parent commit's position
/// (newest first) and the commits the tip reaches.
private struct PullRequestLines: Sendable {
    let position: [ObjectID: Int]
    let reached: CommitStore
    /// Beyond this many commits a pull request is walked as before.
    static let limit = 10_000

    init(_ history: MinedHistory) {
        var position: [ObjectID: Int] = [:]
        position.reserveCapacity(history.mainline.count)
        for (i, id) in history.mainline.enumerated() where position[id] == nil { position[id] = i }
        self.position = position
        reached = history.commits
    }

    /// The pull request's commits, newest first, when they form one line of single-parent commits that the tip
    /// does not reach, ending on a first-parent commit at or below the one excluded; nil for any other shape.
    func line(of walk: PullRequestWalk, in repository: Repository) throws(GitError) -> [ObjectID]? {
        guard walk.excluding.count == 1, let excluded = position[walk.excluding[0]] else { return nil }
        var line: [ObjectID] = []
        var at = walk.head
        while true {
            if let p = position[at] { return p >= excluded ? line : nil }
            guard !reached.contains(at), line.count < Self.limit else { return nil }
            let link = try repository.commitLink(at)
            guard link.parents.count == 1 else { return nil }
            line.append(at)
            at = link.parents[0]
        }
    }
}
