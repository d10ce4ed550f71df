import Dispatch
import GitBridge
package import HistoryModel

/// Traces fix commits inside merged branches for SZZ (issue 17, ADR 0025): each fix's white-space-insensitive
/// diff names the old lines it deletes or replaces (or, for an add-only fix, the lines around its insertions);
/// those lines are followed back along the fix's first parents, as `git blame --first-parent` follows them,
/// through each branch commit that changed their file (its diff as git blame computes it), until the walk
/// reaches a commit on the analysed first-parent line, where the ownership pass knows who wrote every line.
/// A branch commit whose diff wrote a traced line is its writer. Only commits that change a traced file are
/// diffed: the others are passed over by their records' file lists.
package struct BranchFixTracer: Sendable {
    /// How far one walk goes (commits), and how many of them it diffs, before it gives up on the lines left.
    package static let maxSteps = 20_000
    package static let maxDiffs = 2_000

    package var path: String
    package var searchParents: Bool
    /// Fixes over more text files than this are not traced (`delivery.maxFixFiles`).
    package var maxFixFiles: Int
    /// `delivery.addOnlyFixContext`.
    package var addOnlyContext: Int

    package init(miner: Miner, maxFixFiles: Int, addOnlyContext: Int) {
        path = miner.path
        searchParents = miner.options.searchParents
        self.maxFixFiles = maxFixFiles
        self.addOnlyContext = addOnlyContext
    }

    /// One worker's handles.
    final class Context {
        let repository: Repository
        /// The fixes' own diffs, ignoring changes in the amount of white space (as for first-parent fixes).
        let significant: TreeDiffer
        /// The walk's diffs, with hunks as git blame computes them (as the ownership pass applies them).
        let blame: TreeDiffer
        /// Whether a path is traced (not excluded from the analysis); memoising, so one per thread.
        let traced: (String) -> Bool

        init(path: String, searchParents: Bool, traced: @escaping (String) -> Bool) throws(GitError) {
            repository = try Repository(path: path, searchParents: searchParents)
            significant = try TreeDiffer(
                repository: repository, cache: DiffCache(capacity: 64), significantLinesOnly: true)
            blame = try TreeDiffer(repository: repository, cache: DiffCache(capacity: 256), blameHunks: true)
            self.traced = traced
        }
    }

    /// The traces of `fixes` (commits off the first-parent line, not merges), in their order. `mainline`: the
    /// analysed first-parent commits. `pathFilter` makes, per worker, the test of whether a path is traced.
    package func trace<Store: HistoryStore>(
        _ fixes: [ObjectID], mainline: Set<ObjectID>, commits: Store, workers: Int,
        pathFilter: @escaping @Sendable () -> (String) -> Bool
    ) throws -> [BranchFixTrace] {
        let (path, searchParents) = (path, searchParents)
        do {
            return try Parallel.map(
                fixes, workers: workers, chunk: 4,
                context: { () throws(GitError) -> Context in
                    try Context(path: path, searchParents: searchParents, traced: pathFilter())
                }
            ) { context, fix in
                try self.trace(fix, mainline: mainline, commits: commits, context: context)
            }
        } catch let error as GitError {
            throw MiningError.git(path: path, error)
        }
    }

    func trace<Store: HistoryStore>(
        _ fix: ObjectID, mainline: Set<ObjectID>, commits: Store, context: Context
    ) throws(GitError) -> BranchFixTrace {
        var out = BranchFixTrace(fix: fix)
        guard let record = commits.record(fix, withFiles: true, withHunks: false), record.parents.count == 1,
            record.files.lazy.filter({ !$0.isBinary }).count <= maxFixFiles
        else { return out }
        let significant = try context.significant.diff(base: record.parents[0], tip: fix)
        guard significant.lazy.filter({ !$0.isBinary }).count <= maxFixFiles else { return out }
        let traced = significant.filter { !$0.isBinary && $0.status != .added && context.traced($0.path) }
        let addOnly = !traced.contains { file in file.hunks.contains { $0.oldCount > 0 } }
        // The traced lines of each file, by its path at the commit the walk is at, in ascending order.
        var lines: [String: [Int]] = [:]
        for file in traced {
            let ranges =
                addOnly
                ? Hunk.insertionContext(file.hunks, lines: addOnlyContext)
                : file.hunks.filter { $0.oldCount > 0 }.map {
                    BranchFixTrace.LineRange(start: Int($0.oldStart), count: Int($0.oldCount))
                }
            let numbers = ranges.flatMap { $0.start..<($0.start + $0.count) }
            if !numbers.isEmpty { lines[file.oldPath ?? file.path, default: []].append(contentsOf: numbers) }
        }
        for key in lines.keys { lines[key] = Array(Set(lines[key] ?? [])).sorted() }

        var writers: [ObjectID: Int] = [:]
        var writerOrder: [ObjectID] = []
        func wrote(_ commit: ObjectID, _ n: Int) {
            guard n > 0 else { return }
            if writers[commit] == nil { writerOrder.append(commit) }
            writers[commit, default: 0] += n
        }
        var at = record.parents[0]
        var steps = 0
        var diffs = 0
        while !lines.isEmpty {
            if mainline.contains(at) {
                out.reached = at
                break
            }
            guard steps < Self.maxSteps, diffs < Self.maxDiffs,
                let step = commits.record(at, withFiles: true, withHunks: false)
            else { break }
            steps += 1
            // A merge off the first-parent line keeps no file list: its trees say which paths it changes.
            let touches =
                step.parents.count > 1
                ? try context.blame.changedPaths(base: step.parents.first, tip: at).contains { lines[$0] != nil }
                : step.files.contains { f in lines[f.path] != nil || f.oldPath.map { lines[$0] != nil } == true }
            if touches {
                diffs += 1
                let diff = try context.blame.diff(base: step.parents.first, tip: at)
                var moved: [String: [Int]] = [:]
                for (path, numbers) in lines {
                    guard let change = diff.first(where: { $0.path == path && $0.status != .deleted }) else {
                        moved[path, default: []].append(contentsOf: numbers)
                        continue
                    }
                    switch change.status {
                    case .added:
                        if let source = change.copiedFrom {
                            // git blame follows an identical copy to its source, line for line.
                            moved[source, default: []].append(contentsOf: numbers)
                        } else {
                            wrote(at, numbers.count)
                        }
                    default:
                        if change.isBinary {
                            wrote(at, numbers.count)
                            continue
                        }
                        let (kept, written) = Self.mapBack(numbers, through: change.hunks)
                        wrote(at, written)
                        if !kept.isEmpty { moved[change.oldPath ?? path, default: []].append(contentsOf: kept) }
                    }
                }
                lines = moved.mapValues { Array(Set($0)).sorted() }
            }
            guard let parent = step.parents.first else {
                // A root commit wrote whatever is left (its diff above added every file).
                for (_, numbers) in lines { wrote(at, numbers.count) }
                lines = [:]
                break
            }
            at = parent
        }
        out.writers = writerOrder.map { BranchFixTrace.Writer(commit: $0, lines: writers[$0] ?? 0) }
        if out.reached != nil {
            out.ranges = lines.keys.sorted().map { path in
                BranchFixTrace.FileRanges(path: path, ranges: Self.ranges(of: lines[path] ?? []))
            }
        }
        return out
    }

    /// Lines of a commit's side of a diff (ascending) followed to its parent's side: a line inside a hunk's new
    /// lines was written by the commit (`written`); the others shift by the lines the hunks above them added.
    static func mapBack(_ lines: [Int], through hunks: [Hunk]) -> (kept: [Int], written: Int) {
        var kept: [Int] = []
        kept.reserveCapacity(lines.count)
        var written = 0
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
                written += 1
            } else {
                kept.append(n - shift)
            }
        }
        return (kept, written)
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
