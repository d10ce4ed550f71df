import Dispatch
import GitBridge
package import HistoryModel
import Synchronization

/// Traces fix commits inside merged branches for SZZ (issue 17, ADR 0025): each fix's white-space-insensitive
/// diff names the old lines it deletes or replaces (or, for an add-only fix, the lines around its insertions)
/// at its own parent. Lines its own change's commits wrote blame nobody (a change is not its own defect), so
/// the fix's first parents are passed over, by their records alone, while they belong to its own change; at
/// the first commit that does not, the lines are followed by one diff of their files (by path; hunks as git
/// blame computes them) to the commit whose ownership state knows who wrote them: that commit when it is on
/// the analysed first-parent line, else the landing commit of the change it belongs to. Lines the diff does
/// not find there were written inside the fix's own change; a file missing there (added, or renamed, since)
/// was wholly. The lines the two fallbacks of a first-parent fix read are followed with them: the context of
/// every hunk (blamed when the traced lines blame nothing) and each replaced range's neighbours (the newer
/// neighbour), so that one rule holds for both kinds of fix (ADR 0025's addendum).
package struct BranchFixTracer: Sendable {
    /// How far one walk goes (commits) before it gives up.
    package static let maxSteps = 100_000

    package var path: String
    package var searchParents: Bool
    /// Fixes over more text files than this are not traced (`delivery.maxFixFiles`).
    package var maxFixFiles: Int
    /// `delivery.addOnlyFixContext`.
    package var addOnlyContext: Int
    /// `delivery.newerNeighbourLines`.
    package var newerNeighbour: Int
    /// Traces an earlier run made (a store's): taken instead of traced again, and every trace kept for the next.
    package var known: KnownBranchFixTraces?

    package init(miner: Miner, maxFixFiles: Int, addOnlyContext: Int, newerNeighbour: Int) {
        path = miner.path
        searchParents = miner.options.searchParents
        self.maxFixFiles = maxFixFiles
        self.addOnlyContext = addOnlyContext
        self.newerNeighbour = newerNeighbour
    }

    /// One worker's handles.
    final class Context {
        let repository: Repository
        /// The fixes' own diffs, ignoring changes in the amount of white space (as for first-parent fixes).
        let significant: TreeDiffer
        /// The diffs that follow the lines, with hunks as git blame computes them (as the ownership pass
        /// applies them).
        let blame: TreeDiffer
        /// Whether a path is traced (not excluded from the analysis); memoising, so one per thread.
        let traced: (String) -> Bool
        /// Fixes traced with these handles.
        var done = 0

        init(path: String, searchParents: Bool, traced: @escaping (String) -> Bool) throws(GitError) {
            repository = try Repository(path: path, searchParents: searchParents)
            significant = try TreeDiffer(
                repository: repository, cache: DiffCache(capacity: 64), significantLinesOnly: true)
            // A small cache: each fix diffs its own pair of commits (large files would otherwise keep their
            // lines here).
            blame = try TreeDiffer(repository: repository, cache: DiffCache(capacity: 16), blameHunks: true)
            self.traced = traced
        }
    }

    /// The traces of `fixes` (commits off the first-parent line, not merges), in their order. `mainline`: the
    /// analysed first-parent commits; `landing`: each commit of a landed change, its change's landing commit.
    /// `pathFilter` makes, per worker, the test of whether a path is traced.
    package func trace<Store: HistoryStore>(
        _ fixes: [ObjectID], mainline: Set<ObjectID>, landing: [ObjectID: ObjectID], commits: Store, workers: Int,
        pathFilter: @escaping @Sendable () -> (String) -> Bool
    ) throws -> [BranchFixTrace] {
        let (path, searchParents) = (path, searchParents)
        let exits = ExitMemo()
        // The traces' freed memory goes back to the system (as the fix diffs' does, ADR 0021): the report that
        // follows would otherwise add to it.
        defer { Allocator.releaseFreeMemory() }
        do {
            return try Parallel.map(
                fixes, workers: workers, chunk: 4,
                context: { () throws(GitError) -> Context in
                    try Context(path: path, searchParents: searchParents, traced: pathFilter())
                }
            ) { context, fix in
                // The diffs read objects from all over the history: the packs' pages they mapped go back to
                // the page cache every 64 fixes a worker traces (on git/git: 289 MiB of mapped pages without).
                context.done += 1
                if context.done % 64 == 0 { PackReader.releaseMappedPages() }
                return try self.trace(
                    fix, mainline: mainline, landing: landing, commits: commits, context: context, exits: exits)
            }
        } catch let error as GitError {
            throw MiningError.git(path: path, error)
        }
    }

    func trace<Store: HistoryStore>(
        _ fix: ObjectID, mainline: Set<ObjectID>, landing: [ObjectID: ObjectID], commits: Store, context: Context,
        exits: ExitMemo = ExitMemo()
    ) throws(GitError) -> BranchFixTrace {
        var out = BranchFixTrace(fix: fix)
        guard let record = commits.record(fix, withFiles: true, withHunks: false), record.parents.count == 1,
            record.files.lazy.filter({ !$0.isBinary }).count <= maxFixFiles
        else { return out }
        // The files SZZ may trace: text files the fix modifies (not adds) at paths not excluded. A file the fix
        // renames is left out (a diff by path sees it added).
        let candidates = record.files.filter {
            !$0.isBinary && $0.status != .added && $0.oldPath == nil && context.traced($0.path)
        }
        guard !candidates.isEmpty else { return out }

        // The fix's own change's commits wrote nothing SZZ blames: the walk passes over them, by their
        // parents alone, to the first commit of another change or of the first-parent line.
        let own = landing[fix]
        var at = record.parents[0]
        var passed: [ObjectID] = []
        while !mainline.contains(at), let landed = landing[at], landed == own {
            // Fixes of one change pass over the same commits: where the walk from here ended is kept.
            if let known = exits.exit(of: at) {
                at = known
                break
            }
            guard passed.count < Self.maxSteps, let step = commits.record(at, withFiles: false),
                let parent = step.parents.first
            else {
                exits.store(nil, for: passed)
                return out
            }
            passed.append(at)
            at = parent
        }
        guard at != ExitMemo.none else { return out }
        exits.store(at, for: passed)
        // Where the ownership pass knows who wrote the lines: that commit, or the landing commit of the
        // change it belongs to. One diff of the candidate files from there to the fix's parent follows the
        // lines; those it does not find there were written inside the fix's own change, and so was every
        // line of a file missing there, which is not diffed for SZZ at all.
        guard let target = mainline.contains(at) ? at : landing[at], mainline.contains(target) else { return out }
        let key = KnownBranchFixTraces.Key(
            fix: fix, target: target, paths: candidates.map(\.path), addOnlyContext: addOnlyContext,
            newerNeighbour: newerNeighbour)
        if let kept = known?.trace(for: key) { return kept }
        defer { known?.keep(out, for: key) }
        let parent = record.parents[0]
        let toParent = try context.blame.diff(base: target, tip: parent, paths: Set(candidates.map(\.path)))
        let missing = Set(toParent.filter { $0.status == .added || $0.isBinary }.map(\.path))
        let present = candidates.filter { !missing.contains($0.path) }
        guard !present.isEmpty else { return out }
        let significant = try context.significant.diff(base: parent, tip: fix, paths: Set(present.map(\.path)))
        let traced = significant.filter { !$0.isBinary && ($0.status == .modified || $0.status == .deleted) }
        // Add-only as for a first-parent fix: no candidate file loses a line (those not diffed by their counts).
        let addOnly =
            !traced.contains { file in file.hunks.contains { $0.oldCount > 0 } }
            && !candidates.contains { missing.contains($0.path) && $0.deletions > 0 }
        // Per file, the lines SZZ reads at the fix's parent, followed to the target: those blamed (the deleted or
        // replaced lines, or an add-only fix's context) and, for a fix that deletes or replaces lines, the context
        // blamed when they blame nothing and each such hunk's neighbourhood (as for a first-parent fix).
        var files: [BranchFixTrace.FileRanges] = []
        // Whether a line it deletes or replaces is found at the target (written by another change).
        var replacesOthersLines = false
        for file in traced.sorted(by: { $0.path < $1.path }) {
            let replaced = file.hunks.filter { $0.oldCount > 0 }.map {
                BranchFixTrace.LineRange(start: Int($0.oldStart), count: Int($0.oldCount))
            }
            let blamed = addOnly ? Hunk.insertionContext(file.hunks, lines: addOnlyContext) : replaced
            let context = addOnly ? [] : Hunk.context(file.hunks, lines: addOnlyContext)
            let hoods = addOnly ? [] : replaced.map { (lines: $0, around: Hunk.around($0, lines: newerNeighbour)) }
            var numbers = Set<Int>()
            for range in blamed + context + hoods.flatMap(\.around) {
                numbers.formUnion(range.start..<(range.start + range.count))
            }
            guard !numbers.isEmpty else { continue }
            let sorted = numbers.sorted()
            // Each line at the target, or nil: written inside the fix's own change.
            var at: [Int: Int] = [:]
            if let change = toParent.first(where: { $0.path == file.path }) {
                for (n, old) in zip(sorted, Self.follow(sorted, through: change.hunks)) { at[n] = old }
            } else {
                for n in sorted { at[n] = n }  // the same file at the target
            }
            func followed(_ ranges: [BranchFixTrace.LineRange]) -> [BranchFixTrace.LineRange] {
                Self.ranges(
                    of: Array(Set(ranges.flatMap { $0.start..<($0.start + $0.count) }.compactMap { at[$0] })).sorted())
            }
            let ranges = followed(blamed)
            if !addOnly && !ranges.isEmpty { replacesOthersLines = true }
            let entry = BranchFixTrace.FileRanges(
                path: file.path, ranges: ranges, context: followed(context),
                neighbourhoods: hoods.compactMap { hood in
                    let around = followed(hood.around)
                    return around.isEmpty
                        ? nil : BranchFixTrace.Neighbourhood(lines: followed([hood.lines]), around: around)
                })
            if !entry.ranges.isEmpty || !entry.context.isEmpty || !entry.neighbourhoods.isEmpty { files.append(entry) }
        }
        if !files.isEmpty { out.pending.append(BranchFixTrace.Pending(commit: target, files: files)) }
        // A fix that deletes or replaces lines, none of them found at the target: it corrects its own change's
        // work. Only when every file it changes is there: a file missing at the target may have been added on the
        // branch, or lie at another path (a subtree merge, git/git's git-gui), which says nothing of who wrote it.
        out.ownWork = !addOnly && !replacesOthersLines && missing.isEmpty
        return out
    }

    /// Lines of a commit's side of a diff (ascending) followed to its parent's side: a line inside a hunk's new
    /// lines was written by the commit (`written`); the others shift by the lines the hunks above them added.
    static func mapBack(_ lines: [Int], through hunks: [Hunk]) -> (kept: [Int], written: Int) {
        let followed = follow(lines, through: hunks)
        return (followed.compactMap { $0 }, followed.count { $0 == nil })
    }

    /// Each of `lines` (ascending) at the parent's side, or nil where the commit wrote it (`mapBack`).
    static func follow(_ lines: [Int], through hunks: [Hunk]) -> [Int?] {
        var out: [Int?] = []
        out.reserveCapacity(lines.count)
        var h = 0
        var shift = 0  // new minus old lines of the hunks passed
        for n in lines {
            while h < hunks.count {
                let hunk = hunks[h]
                let newEnd = hunk.newCount > 0 ? Int(hunk.newStart) + Int(hunk.newCount) - 1 : Int(hunk.newStart)
                guard newEnd < n else { break }
                shift += Int(hunk.newCount) - Int(hunk.oldCount)
                h += 1
            }
            if h < hunks.count, hunks[h].newCount > 0, n >= Int(hunks[h].newStart) {
                out.append(nil)
            } else {
                out.append(n - shift)
            }
        }
        return out
    }

    /// Ascending line numbers as ranges of consecutive lines.
    static func ranges(of lines: [Int]) -> [BranchFixTrace.LineRange] {
        var out: [BranchFixTrace.LineRange] = []
        for n in lines {
            if let last = out.last, last.start + last.count == n {
                out[out.count - 1].count += 1
            } else {
                out.append(BranchFixTrace.LineRange(start: n, count: 1))
            }
        }
        return out
    }
}

/// Where the walk over a change's own commits ends, from each commit it passed (`none`: at a root
/// or the walk's limit, with nothing to follow): shared by the fixes of one change.
final class ExitMemo: Sendable {
    /// The null id, which no commit has: nothing to follow.
    static let none = ObjectID(high: 0, middle: 0, low: 0)
    private let exits = Mutex<[ObjectID: ObjectID]>([:])

    func exit(of commit: ObjectID) -> ObjectID? { exits.withLock { $0[commit] } }

    func store(_ exit: ObjectID?, for commits: [ObjectID]) {
        exits.withLock { e in for c in commits { e[c] = exit ?? ExitMemo.none } }
    }
}
