internal import CDiffTrim
internal import CLibGit2
package import HistoryModel

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// A changed tree entry found by the tree walk, before line counting and rename pairing.
struct EntryChange {
    var path: String
    var oldID: ObjectID?
    var oldMode: UInt32
    var newID: ObjectID?
    var newMode: UInt32
}

/// Compares trees the way git does: identical subtrees (same id) are skipped without being read, so the
/// cost of a diff grows with what changed, not with the size of the tree. libgit2's own
/// `git_diff_tree_to_tree` visits every entry of both trees for every commit (ADR 0004).
///
/// Line counts come from xdiff through `git_diff_blobs` with zero context lines; renames are paired as
/// `git diff` pairs them by default (exact, then by similarity, see `RenameDetector`).
package final class TreeDiffer {
    let repository: Repository
    private var options = git_diff_options()
    /// `options` without `GIT_DIFF_IGNORE_BLANK_LINES`: the same changes, blank ones reported too (xdiff drops
    /// them only when it emits hunks), for the exact trim's check of where changes could slide.
    private var optionsAllChanges = git_diff_options()
    /// White space ignored as `git diff -b --ignore-blank-lines` does (`significantLinesOnly`).
    private let ignoresWhiteSpace: Bool

    /// Files larger than this are treated as binary, like git's `core.bigFileThreshold` (512 MiB).
    static let bigFileThreshold = 512 * 1024 * 1024

    let cache: DiffCache
    private let trees: TreeCache
    /// Where xdiff reads both sides from: a private in-memory object database, so that libgit2 looks up no
    /// attributes in the analysed repository for each diff (ADR 0008).
    private let spans: SpanDatabase
    /// Hunks as `git blame` computes them (common tail trimmed first); otherwise whole files, as
    /// `git diff --numstat` counts them.
    private let trimsCommonTail: Bool
    /// Whether diffs may leave out common lines when that provably changes nothing they are used for (counts
    /// only: `trimmedHunks`; exact hunks: `exactTrimmedHunks`). Not with white space ignored, where equal
    /// lines need not be equal bytes, nor for blame hunks, which follow git blame's own trimming, nor with a
    /// libgit2 whose xdiff the planner does not replay.
    private let mayTrimForCounts: Bool
    /// Whether white-space-insensitive hunks may come from `exactTrimmedHunks`, the planner comparing lines as
    /// xdiff then does.
    private let mayTrimSignificantHunks: Bool
    /// Whether blame hunks may come from `exactTrimmedHunks` over the texts git blame's tail trimming leaves:
    /// the planner's proof holds for whatever texts xdiff is given (not with white space ignored).
    private let mayTrimBlameHunks: Bool

    /// - Parameter significantLinesOnly: ignore changes in the amount of white space and blank lines (for SZZ,
    ///   where a fix's re-indentation must not blame anyone); such a differ needs a cache of its own.
    /// - Parameter blameHunks: hunks as `git blame` computes them, the common tail trimmed first; counts may
    ///   then differ from `git diff --numstat` in rare cases, so only line ownership may ask for them.
    /// - Parameter trimPlanner: whether the trim planner may be used; by default when the libgit2 this process
    ///   runs with is the version whose xdiff it replays (`LibGit2.trimPlannerApplies`). Without it every
    ///   diff is xdiff's on the whole texts.
    /// - Parameter forcesText: the paths git diffs as text whatever their content (`forcesText`); nil for none.
    package init(
        repository: Repository, cache: DiffCache = DiffCache(), significantLinesOnly: Bool = false,
        blameHunks: Bool = false,
        trimPlanner: Bool? = nil, forcesText: (@Sendable (String) -> Bool)? = nil
    ) throws(GitError) {
        self.forcesText = forcesText
        self.repository = repository
        self.cache = cache
        self.spans = try SpanDatabase()
        self.trimsCommonTail = blameHunks
        self.mayTrimForCounts = (trimPlanner ?? LibGit2.trimPlannerApplies) && !blameHunks && !significantLinesOnly
        self.mayTrimBlameHunks = (trimPlanner ?? LibGit2.trimPlannerApplies) && blameHunks && !significantLinesOnly
        self.mayTrimSignificantHunks =
            (trimPlanner ?? LibGit2.trimPlannerApplies) && significantLinesOnly && !blameHunks
        self.ignoresWhiteSpace = significantLinesOnly
        self.trees = TreeCache(repository: repository)
        git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION))
        options.context_lines = 0
        options.interhunk_lines = 0
        defer {
            if significantLinesOnly {
                // `git diff -b --ignore-blank-lines`: a changed amount of white space is no change, but a space
                // added where there was none is one (a fix of a missing space in output, for example).
                options.flags |=
                    GIT_DIFF_IGNORE_WHITESPACE_CHANGE.rawValue | GIT_DIFF_IGNORE_WHITESPACE_EOL.rawValue
                    | GIT_DIFF_IGNORE_BLANK_LINES.rawValue
            }
            optionsAllChanges = options
            optionsAllChanges.flags &= ~GIT_DIFF_IGNORE_BLANK_LINES.rawValue
        }
        // Indent heuristic on, as git diff and git blame use it by default: it moves hunk boundaries, never counts.
        options.flags = GIT_DIFF_FORCE_TEXT.rawValue | GIT_DIFF_INDENT_HEURISTIC.rawValue
    }

    /// The paths git diffs as text whatever their content: the `diff` attribute set for them (the tip's
    /// `.gitattributes`, as every other attribute Yardstick reads), so that NUL bytes do not make them binary.
    /// `cache` is keyed by blobs alone, so it holds only what forcing does not change: a binary answer is not
    /// taken from it for such a path, and what forcing made text is not put in it.
    package let forcesText: (@Sendable (String) -> Bool)?

    /// The root tree of a commit when already known (from its header), so that diffs need not read the commit.
    package var knownTree: (@Sendable (ObjectID) -> ObjectID?)? {
        get { trees.knownTree }
        set { trees.knownTree = newValue }
    }

    /// `git diff --numstat base tip` for two commits (nil base: the empty tree), with hunks.
    ///
    /// - Parameter countsOnly: only the line counts will be used, never where the hunks fall. The lines both
    ///   sides of a file share at its start and end are then left out of xdiff when that provably changes no
    ///   count (`yardstick_trim_plan`, `Sources/CDiffTrim`); hunks may then sit elsewhere.
    package func diff(base: ObjectID?, tip: ObjectID, countsOnly: Bool = false) throws(GitError) -> [FileChange] {
        let newTree = try trees.tree(commit: tip)
        let oldTree = try base.map { id throws(GitError) in try trees.tree(commit: id) }
        var changes: [EntryChange] = []
        var open = OpenTrees(old: oldTree.map { [$0.id] } ?? [], new: [newTree.id])
        try walk(oldTree, newTree, prefix: "", open: &open, into: &changes)
        do {
            return try fileChanges(for: changes, countsOnly: countsOnly && mayTrimForCounts)
        } catch  where error.function == Self.missingBlob {
            var named = error
            named.message = "commit \(tip.hex): " + error.message
            throw named
        }
    }

    /// The `function` of the error a blob absent without a promise raises (`Content.read`).
    static let missingBlob = "missing blob"

    /// The changes of the files at `paths` between two commits, each looked up by its path in both trees (no
    /// tree walk, no rename detection: a path missing on one side is added or deleted there), with the hunks
    /// `diff(base:tip:)` gives for a file modified in place. For commits far apart, where a whole diff would
    /// compare thousands of files. Files equal on both sides are left out.
    package func diff(base: ObjectID, tip: ObjectID, paths: Set<String>) throws(GitError) -> [FileChange] {
        let oldTree = try trees.tree(commit: base)
        let newTree = try trees.tree(commit: tip)
        /// The file (not a tree) at `path`, as `git_tree_entry_bypath` finds it; each folder on the way through
        /// the tree cache.
        func entry(_ tree: TreeEntries, _ path: String) throws(GitError) -> (ObjectID, UInt32)? {
            var tree = tree
            var components = path.split(separator: "/", omittingEmptySubsequences: false)[...]
            guard let last = components.popLast(), !last.isEmpty else { return nil }
            for folder in components {
                guard !folder.isEmpty, let e = tree.entry(named: folder), e.isTree else { return nil }
                tree = try trees.tree(e.id)
            }
            guard let e = tree.entry(named: last), !e.isTree else { return nil }
            return (e.id, e.mode)
        }
        var changes: [EntryChange] = []
        for path in paths.sorted() {
            let old = try entry(oldTree, path)
            let new = try entry(newTree, path)
            if old?.0 == new?.0 && old?.1 == new?.1 { continue }
            changes.append(
                EntryChange(path: path, oldID: old?.0, oldMode: old?.1 ?? 0, newID: new?.0, newMode: new?.1 ?? 0))
        }
        return try fileChanges(for: changes, countsOnly: false)
    }

    // MARK: - Tree walk

    /// The trees being walked on each side, root first: a damaged tree that contains itself is refused, never
    /// walked until the stack overflows (`TreeWalkLimits`, ADR 0011).
    private struct OpenTrees {
        var old: [ObjectID]
        var new: [ObjectID]
    }

    private func walk(
        _ old: TreeEntries?, _ new: TreeEntries?, prefix: String, open: inout OpenTrees, into out: inout [EntryChange]
    ) throws(GitError) {
        let oldEntries = old?.entries ?? []
        let newEntries = new?.entries ?? []
        var i = 0
        var j = 0
        while i < oldEntries.count || j < newEntries.count {
            let a = i < oldEntries.count ? oldEntries[i] : nil
            let b = j < newEntries.count ? newEntries[j] : nil
            let order: Int
            if let a, let b, let old, let new {
                order = TreeEntries.compare(a, in: old, b, in: new)
            } else {
                order = a == nil ? 1 : -1
            }
            if order < 0, let a, let old {
                try oneSided(a, of: old, removed: true, prefix: prefix, open: &open, into: &out)
                i += 1
            } else if order > 0, let b, let new {
                try oneSided(b, of: new, removed: false, prefix: prefix, open: &open, into: &out)
                j += 1
            } else if let a, let b, let old {
                i += 1
                j += 1
                if a.id == b.id && a.mode == b.mode { continue }
                let name = old.name(a)
                if a.isTree && b.isTree {
                    try TreeWalkLimits.enter(a.id, at: prefix + name, open: &open.old)
                    try TreeWalkLimits.enter(b.id, at: prefix + name, open: &open.new)
                    let oldSub = try trees.tree(a.id)
                    let newSub = try trees.tree(b.id)
                    try walk(oldSub, newSub, prefix: prefix + name + "/", open: &open, into: &out)
                    open.old.removeLast()
                    open.new.removeLast()
                } else {
                    out.append(
                        EntryChange(path: prefix + name, oldID: a.id, oldMode: a.mode, newID: b.id, newMode: b.mode))
                }
            }
        }
    }

    /// An entry on one side only (`removed`: the old side), a tree's files listed one by one.
    private func oneSided(
        _ e: TreeEntries.Entry, of tree: TreeEntries, removed: Bool, prefix: String, open: inout OpenTrees,
        into out: inout [EntryChange]
    ) throws(GitError) {
        let name = tree.name(e)
        if e.isTree {
            if removed {
                try TreeWalkLimits.enter(e.id, at: prefix + name, open: &open.old)
            } else {
                try TreeWalkLimits.enter(e.id, at: prefix + name, open: &open.new)
            }
            let sub = try trees.tree(e.id)
            try walk(removed ? sub : nil, removed ? nil : sub, prefix: prefix + name + "/", open: &open, into: &out)
            if removed { open.old.removeLast() } else { open.new.removeLast() }
        } else if removed {
            out.append(EntryChange(path: prefix + name, oldID: e.id, oldMode: e.mode, newID: nil, newMode: 0))
        } else {
            out.append(EntryChange(path: prefix + name, oldID: nil, oldMode: 0, newID: e.id, newMode: e.mode))
        }
    }

    // MARK: - Contents and line counts

    /// The content of one side of a change. A submodule (gitlink) reads as git shows it in a diff:
    /// one line `Subproject commit <id>`. A blob the repository lacks where a `.promisor` pack promises it
    /// (`Repository.promisesMissingBlobs`) is `missing`: no bytes, read as binary (ADR 0011's addendum).
    final class Content {
        let blob: Blob?
        let synthetic: [UInt8]
        let missing: Bool

        init(id: ObjectID, mode: UInt32, repository: Repository) throws(GitError) {
            missing = false
            if mode == GIT_FILEMODE_COMMIT.rawValue {
                blob = nil
                synthetic = Array("Subproject commit \(id.hex)\n".utf8)
            } else {
                blob = try Blob(id: id, in: repository)
                synthetic = []
            }
        }

        /// The content of `id` (the file `path`), or a missing one when the repository lacks it and promises it.
        /// A blob absent from a repository that promises none is damage, named with its path.
        static func read(_ id: ObjectID, mode: UInt32, path: String, repository: Repository) throws(GitError)
            -> Content
        {
            do {
                return try Content(id: id, mode: mode, repository: repository)
            } catch  where error.isNotFound {
                guard repository.promisesMissingBlobs else {
                    var failure = ObjectVerification.failure(
                        "blob \(id.hex) ('\(path)') is missing from the object store: the repository is damaged (no .promisor pack promises absent objects)"
                    )
                    failure.function = TreeDiffer.missingBlob
                    throw failure
                }
                return Content(missing: ())
            }
        }

        private init(missing: Void) {
            blob = nil
            synthetic = []
            self.missing = true
        }

        func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(GitError) -> R) throws(GitError) -> R {
            if let blob { return try body(blob.bytes) }
            let copy = synthetic
            let pointer = UnsafeMutableRawBufferPointer.allocate(byteCount: copy.count, alignment: 1)
            defer { pointer.deallocate() }
            pointer.copyBytes(from: copy)
            return try body(UnsafeRawBufferPointer(pointer))
        }

        /// git's rule: a NUL byte in the first 8000 bytes, or a size past the big-file threshold; and missing.
        var isBinary: Bool { isBinary(forcedText: false) }

        /// `isBinary`, where a file git diffs as text whatever its content (`TreeDiffer.forcesText`) is binary
        /// only when missing or past the big-file threshold.
        func isBinary(forcedText: Bool) -> Bool {
            if missing { return true }
            // The closure captures nothing: it runs for every blob a diff reads.
            let (big, nul) = withBytesNoThrow { buf -> (Bool, Bool) in
                if buf.count > TreeDiffer.bigFileThreshold { return (true, true) }
                guard let base = buf.baseAddress else { return (false, false) }
                return (false, memchr(base, 0, min(buf.count, 8000)) != nil)
            }
            return big || (nul && !forcedText)
        }

        var lineCount: Int {
            withBytesNoThrow { LineCounting.lines(in: $0) }
        }

        func withBytesNoThrow<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
            if let blob { return body(blob.bytes) }
            return synthetic.withUnsafeBytes(body)
        }
    }

    private func fileChanges(for changes: [EntryChange], countsOnly: Bool) throws(GitError) -> [FileChange] {
        var result: [FileChange] = []
        result.reserveCapacity(changes.count)
        var deletions: [EntryChange] = []
        var additions: [EntryChange] = []
        for change in changes {
            switch (change.oldID, change.newID) {
            case (let oldID?, let newID?):
                let typeChanged = Self.kind(change.oldMode) != Self.kind(change.newMode)
                result.append(
                    try modified(
                        path: change.path, oldPath: nil, status: typeChanged ? .typeChanged : .modified,
                        old: (oldID, change.oldMode), new: (newID, change.newMode), countsOnly: countsOnly))
            case (_?, nil):
                deletions.append(change)
            case (nil, _?):
                additions.append(change)
            case (nil, nil):
                break
            }
        }
        var copiedFrom: [String: String] = [:]
        if !deletions.isEmpty && !additions.isEmpty {
            let allDeletions = deletions
            try pairRenames(&deletions, &additions, into: &result, countsOnly: countsOnly)
            copiedFrom = identicalSources(for: additions, among: allDeletions)
        }
        for change in deletions {
            guard let id = change.oldID else { continue }
            let lines = try self.lines(id, change.oldMode, path: change.path)
            let n = lines.count
            result.append(
                FileChange(
                    path: change.path, status: .deleted, additions: 0, deletions: n, isBinary: lines.isBinary,
                    hunks: n > 0 ? [Hunk(oldStart: 1, oldCount: UInt32(n), newStart: 0, newCount: 0)] : [],
                    contentMissing: lines.missing))
        }
        for change in additions {
            guard let id = change.newID else { continue }
            let lines = try self.lines(id, change.newMode, path: change.path)
            let n = lines.count
            result.append(
                FileChange(
                    path: change.path, status: .added, additions: n, deletions: 0, isBinary: lines.isBinary,
                    hunks: n > 0 ? [Hunk(oldStart: 0, oldCount: 0, newStart: 1, newCount: UInt32(n))] : [],
                    copiedFrom: copiedFrom[change.path], contentMissing: lines.missing))
        }
        result.sort { ($0.path, $0.oldPath ?? "") < ($1.path, $1.oldPath ?? "") }
        return result
    }

    /// Pairs deleted and added files into renames (see `RenameDetector`); paired entries leave both lists.
    private func pairRenames(
        _ deletions: inout [EntryChange], _ additions: inout [EntryChange], into result: inout [FileChange],
        countsOnly: Bool
    ) throws(GitError) {
        // Exact renames need no content: the same object id on both sides, and, as git's `find_identical_files`
        // has it, the same mode unless both are regular files (a submodule moved as it is pairs; a symlink and a
        // file with the same blob do not).
        var byID: [ObjectID: [Int]] = [:]
        for (i, d) in deletions.enumerated() {
            if let id = d.oldID { byID[id, default: []].append(i) }
        }
        var usedDeletions = Set<Int>()
        var usedAdditions = Set<Int>()
        for (j, a) in additions.enumerated() {
            guard let id = a.newID, let candidates = byID[id] else { continue }
            let free = candidates.filter {
                !usedDeletions.contains($0) && Self.mayPairExactly(deletions[$0].oldMode, a.newMode)
            }
            guard let first = free.first else { continue }
            let name = RenameDetector.basename(a.path)
            let chosen = free.first { RenameDetector.basename(deletions[$0].path) == name } ?? first
            usedDeletions.insert(chosen)
            usedAdditions.insert(j)
            let lines = try lines(id, a.newMode, path: a.path)
            // Each side is binary or not at its own path (`forcesText`); one binary side makes the pair binary.
            let oldBinary =
                forcesText == nil
                ? false : try self.lines(id, deletions[chosen].oldMode, path: deletions[chosen].path).isBinary
            result.append(
                FileChange(
                    path: a.path, oldPath: deletions[chosen].path, status: .renamed, additions: 0, deletions: 0,
                    isBinary: lines.isBinary || oldBinary, contentMissing: lines.missing))
        }
        let sources = deletions.indices.filter { !usedDeletions.contains($0) }
        let destinations = additions.indices.filter { !usedAdditions.contains($0) }
        if !sources.isEmpty && !destinations.isEmpty {
            let pairs = RenameDetector.pair(
                sources: try sources.map { i throws(GitError) in try candidate(deletions[i], old: true) },
                destinations: try destinations.map { j throws(GitError) in try candidate(additions[j], old: false) })
            for pair in pairs {
                let d = deletions[sources[pair.source]]
                let a = additions[destinations[pair.destination]]
                guard let oldID = d.oldID, let newID = a.newID else { continue }
                result.append(
                    try modified(
                        path: a.path, oldPath: d.path, status: .renamed, old: (oldID, d.oldMode),
                        new: (newID, a.newMode),
                        countsOnly: countsOnly))
                usedDeletions.insert(sources[pair.source])
                usedAdditions.insert(destinations[pair.destination])
            }
        }
        deletions = deletions.enumerated().filter { !usedDeletions.contains($0.offset) }.map(\.element)
        additions = additions.enumerated().filter { !usedAdditions.contains($0.offset) }.map(\.element)
    }

    /// For added files left unpaired: the deleted file with identical content that `git blame` would follow
    /// (same basename first, else the first in path order).
    private func identicalSources(for additions: [EntryChange], among deletions: [EntryChange]) -> [String: String] {
        var byID: [ObjectID: [String]] = [:]
        for d in deletions where Self.kind(d.oldMode) != 3 {
            if let id = d.oldID { byID[id, default: []].append(d.path) }
        }
        guard !byID.isEmpty else { return [:] }
        var out: [String: String] = [:]
        for a in additions {
            guard let id = a.newID, let paths = byID[id]?.sorted(), let first = paths.first else { continue }
            let name = RenameDetector.basename(a.path)
            out[a.path] = paths.first { RenameDetector.basename($0) == name } ?? first
        }
        return out
    }

    private func candidate(_ change: EntryChange, old: Bool) throws(GitError) -> RenameDetector.Candidate {
        let id = old ? change.oldID : change.newID
        let mode = old ? change.oldMode : change.newMode
        guard let id else { throw GitError(code: -1, message: "rename candidate without blob", function: "candidate") }
        return RenameDetector.Candidate(
            path: change.path, id: id, mode: mode,
            content: try Content.read(id, mode: mode, path: change.path, repository: repository))
    }

    /// Line count and binary flag of one blob, from the cache when another diff already counted it.
    private func lines(_ id: ObjectID, _ mode: UInt32, path: String) throws(GitError) -> DiffCache.Lines {
        if mode == GIT_FILEMODE_COMMIT.rawValue { return DiffCache.Lines(isBinary: false, count: 1, missing: false) }
        let forced = forcesText?(path) ?? false
        if let cached = cache.lines(id), !(forced && cached.isBinary) { return cached }
        let content = try Content.read(id, mode: mode, path: path, repository: repository)
        let binary = content.isBinary(forcedText: forced)
        let value = DiffCache.Lines(isBinary: binary, count: binary ? 0 : content.lineCount, missing: content.missing)
        if !forced || binary == content.isBinary { cache.store(id, value) }
        return value
    }

    /// A modified (or renamed) file: hunks from the cache, or from xdiff (on trimmed input where that is
    /// proven to change nothing the caller uses).
    private func modified(
        path: String, oldPath: String?, status: FileChange.Status, old: (ObjectID, UInt32), new: (ObjectID, UInt32),
        countsOnly: Bool
    ) throws(GitError) -> FileChange {
        let key = DiffCache.Pair(old: old.0, new: new.0)
        let counted: DiffCache.Counted
        let submodule = old.1 == GIT_FILEMODE_COMMIT.rawValue || new.1 == GIT_FILEMODE_COMMIT.rawValue
        // git reads the attribute of each side at its own path (a rename's old path for the old side).
        let forcedOld = forcesText.map { $0(oldPath ?? path) } ?? false
        let forcedNew = forcesText.map { $0(path) } ?? false
        let forced = forcedOld || forcedNew
        if old.0 == new.0 {
            let lines = try lines(old.0, old.1, path: path)
            counted = DiffCache.Counted(isBinary: lines.isBinary, hunks: [], missing: lines.missing)
        } else if !submodule, let cached = countsOnly ? cache.countedLines(key) : cache.counted(key),
            !(forced && cached.isBinary)
        {
            counted = cached
        } else {
            let oldContent = try Content.read(old.0, mode: old.1, path: oldPath ?? path, repository: repository)
            let newContent = try Content.read(new.0, mode: new.1, path: path, repository: repository)
            // Whether forcing changed the answer: then it is this path's alone and stays out of the cache.
            let oldBinary = oldContent.isBinary(forcedText: forcedOld)
            let newBinary = newContent.isBinary(forcedText: forcedNew)
            let forcedApart =
                forced && (oldBinary != oldContent.isBinary || newBinary != newContent.isBinary)
            if oldBinary || newBinary {
                counted = DiffCache.Counted(
                    isBinary: true, hunks: [], missing: oldContent.missing || newContent.missing)
                if !forcedApart { cache.store(key, counted) }
            } else {
                // Counts-only diffs try the counts-proven trim, others the position-proven one; either falls
                // back to the whole texts. Only results with exact hunks go to the shared exact table.
                let trims = mayTrimForCounts && !submodule
                let trimsSignificant = mayTrimSignificantHunks && !submodule
                let (hunks, exact) = try oldContent.withBytes {
                    (o: UnsafeRawBufferPointer) throws(GitError) -> ([Hunk], Bool) in
                    try newContent.withBytes { (n: UnsafeRawBufferPointer) throws(GitError) -> ([Hunk], Bool) in
                        if trims && countsOnly, let trimmed = try self.trimmedHunks(o, n) { return (trimmed, false) }
                        if (trims || trimsSignificant) && !countsOnly, let trimmed = try self.exactTrimmedHunks(o, n) {
                            return (trimmed, true)
                        }
                        if self.mayTrimBlameHunks && !submodule {
                            // git blame's own tail trimming first, then the exact trim of what xdiff would see.
                            let tail = DiffTrimming.commonTail(o, n)
                            if let trimmed = try self.exactTrimmedHunks(
                                UnsafeRawBufferPointer(rebasing: o[..<(o.count - tail)]),
                                UnsafeRawBufferPointer(rebasing: n[..<(n.count - tail)]))
                            {
                                return (trimmed, true)
                            }
                        }
                        return (try self.hunks(o, n), true)
                    }
                }
                counted = DiffCache.Counted(isBinary: false, hunks: hunks, missing: false)
                if !forcedApart {
                    if exact { cache.store(key, counted) } else { cache.storeCountsOnly(key, counted) }
                }
            }
        }
        var added = 0
        var deleted = 0
        for h in counted.hunks {
            added += Int(h.newCount)
            deleted += Int(h.oldCount)
        }
        return FileChange(
            path: path, oldPath: oldPath, status: status, additions: added, deletions: deleted,
            isBinary: counted.isBinary,
            hunks: counted.hunks, contentMissing: counted.missing)
    }

    /// Hunks whose line counts are exactly those of `hunks(old, new)`, from a diff of the lines between the
    /// texts' common start and end when `yardstick_trim_plan` shows that this changes no count; nil when the
    /// whole texts must be diffed. Their positions may differ from xdiff's on the whole texts.
    func trimmedHunks(_ old: UnsafeRawBufferPointer, _ new: UnsafeRawBufferPointer) throws(GitError) -> [Hunk]? {
        guard let trim = TrimPlan(old, new, margin: 0) else { return nil }
        let shift = UInt32(trim.prefixLines)
        switch trim.plan {
        case YARDSTICK_TRIM_COUNTED:
            guard trim.deleted + trim.added > 0 else { return [] }
            return [
                Hunk(
                    oldStart: trim.deleted > 0 ? shift + 1 : shift, oldCount: UInt32(trim.deleted),
                    newStart: trim.added > 0 ? shift + 1 : shift, newCount: UInt32(trim.added))
            ]
        case YARDSTICK_TRIM_SPANS, YARDSTICK_TRIM_SPANS_IF_EXACT:
            let hunks = try self.hunks(
                UnsafeRawBufferPointer(rebasing: old[trim.oldStart..<trim.oldEnd]),
                UnsafeRawBufferPointer(rebasing: new[trim.newStart..<trim.newEnd]), trimTail: false)
            if trim.plan == YARDSTICK_TRIM_SPANS_IF_EXACT {
                let changed = hunks.reduce(0) { $0 + Int($1.oldCount) + Int($1.newCount) }
                if changed > Int(YARDSTICK_TRIM_EXACT_LIMIT) { return nil }
            }
            return hunks.map { $0.shifted(by: shift) }
        default:
            return nil
        }
    }

    /// `yardstick_trim_plan`'s answer for two texts.
    struct TrimPlan {
        var plan: Int32 = 0
        var oldStart = 0
        var oldEnd = 0
        var newStart = 0
        var newEnd = 0
        var prefixLines = 0
        var deleted = 0
        var added = 0
        var cutBefore = false
        var cutAfter = false

        init?(
            _ old: UnsafeRawBufferPointer, _ new: UnsafeRawBufferPointer, margin: Int, ignoringWhiteSpace: Bool = false
        ) {
            guard let ob = old.baseAddress, let nb = new.baseAddress else { return nil }
            var before: Int32 = 0
            var after: Int32 = 0
            plan = yardstick_trim_plan(
                ob.assumingMemoryBound(to: CChar.self), old.count, nb.assumingMemoryBound(to: CChar.self), new.count,
                margin,
                &oldStart, &oldEnd, &newStart, &newEnd, &prefixLines, &deleted, &added, &before, &after,
                ignoringWhiteSpace ? 1 : 0)
            cutBefore = before != 0
            cutAfter = after != 0
        }
    }

    /// Common lines kept on each side of the changed middle when exact hunks are wanted.
    static let exactMargin = 64
    /// How close (in lines) a change may slide to a place where common lines were left out: xdiff's indent
    /// heuristic looks at up to 21 lines around each place a change could sit (MAX_BLANKS 20, xdiffi.c).
    static let slideClearance = 30

    /// Exactly the hunks of `hunks(old, new)`, positions included, from a diff of the changed middle with
    /// `exactMargin` common lines on each side, when (1) `yardstick_trim_plan` shows xdiff classifies and
    /// discards the middle lines the same way with and without the lines left out, so Myers marks the same
    /// lines, and (2) no change could slide (xdl_change_compact) to within `slideClearance` lines of a place
    /// where lines were left out, so compaction and the indent heuristic see the same lines; nil otherwise.
    /// With white space ignored, lines are equal as xdiff then compares them, and the slides are checked on
    /// every change, blank ones included (xdiff compacts them too, and drops them only from its output).
    func exactTrimmedHunks(_ old: UnsafeRawBufferPointer, _ new: UnsafeRawBufferPointer) throws(GitError) -> [Hunk]? {
        guard let trim = TrimPlan(old, new, margin: Self.exactMargin, ignoringWhiteSpace: ignoresWhiteSpace),
            trim.plan == YARDSTICK_TRIM_SPANS
        else {
            return nil
        }
        let oldSpan = UnsafeRawBufferPointer(rebasing: old[trim.oldStart..<trim.oldEnd])
        let newSpan = UnsafeRawBufferPointer(rebasing: new[trim.newStart..<trim.newEnd])
        let hunks = try self.hunks(oldSpan, newSpan, trimTail: false)
        let changes = ignoresWhiteSpace ? try self.hunks(oldSpan, newSpan, trimTail: false, allChanges: true) : hunks
        let oldLines = Self.lineStarts(oldSpan)
        let newLines = Self.lineStarts(newSpan)
        var oldChanged = [Bool](repeating: false, count: oldLines.count - 1)
        var newChanged = [Bool](repeating: false, count: newLines.count - 1)
        for h in changes {
            if h.oldCount > 0 {
                for i in Int(h.oldStart) - 1..<Int(h.oldStart) - 1 + Int(h.oldCount) { oldChanged[i] = true }
            }
            if h.newCount > 0 {
                for i in Int(h.newStart) - 1..<Int(h.newStart) - 1 + Int(h.newCount) { newChanged[i] = true }
            }
        }
        guard
            Self.slidesClear(
                oldSpan, oldLines, oldChanged, cutBefore: trim.cutBefore, cutAfter: trim.cutAfter,
                ignoringWhiteSpace: ignoresWhiteSpace),
            Self.slidesClear(
                newSpan, newLines, newChanged, cutBefore: trim.cutBefore, cutAfter: trim.cutAfter,
                ignoringWhiteSpace: ignoresWhiteSpace)
        else { return nil }
        return hunks.map { $0.shifted(by: UInt32(trim.prefixLines)) }
    }

    /// Byte offsets where each line starts, and the end: line i is starts[i]..<starts[i + 1].
    static func lineStarts(_ text: UnsafeRawBufferPointer) -> [Int] {
        var starts = [0]
        guard let base = text.baseAddress else { return starts }
        var p = base
        let end = base + text.count
        while p < end, let hit = memchr(p, 0x0A, end - p) {
            p = UnsafeRawPointer(hit) + 1
            starts.append(p - base)
        }
        if starts.last != text.count { starts.append(text.count) }
        return starts
    }

    /// Whether every group of changed lines stays, wherever xdiff could slide it (up while the line above
    /// equals its last line, down while the line below equals its first), at least `slideClearance` lines from
    /// an edge where common lines were left out, and could not slide into another group.
    static func slidesClear(
        _ text: UnsafeRawBufferPointer, _ starts: [Int], _ changed: [Bool], cutBefore: Bool, cutAfter: Bool,
        ignoringWhiteSpace: Bool = false
    ) -> Bool {
        let n = changed.count
        func same(_ i: Int, _ j: Int) -> Bool {
            let li = starts[i + 1] - starts[i]
            let lj = starts[j + 1] - starts[j]
            guard let base = text.baseAddress?.assumingMemoryBound(to: CChar.self) else { return false }
            if !ignoringWhiteSpace {
                guard li == lj else { return false }
                return memcmp(base + starts[i], base + starts[j], li) == 0
            }
            return yardstick_trim_lines_equal(base + starts[i], li, base + starts[j], lj, 1) != 0
        }
        var i = 0
        while i < n {
            guard changed[i] else {
                i += 1
                continue
            }
            var e = i
            while e < n && changed[e] { e += 1 }
            // Up.
            var s0 = i
            var e0 = e
            while s0 > 0 && same(s0 - 1, e0 - 1) {
                if changed[s0 - 1] { return false }
                s0 -= 1
                e0 -= 1
            }
            // Down.
            var s1 = i
            var e1 = e
            while e1 < n && same(s1, e1) {
                if changed[e1] { return false }
                s1 += 1
                e1 += 1
            }
            if cutBefore && s0 < slideClearance { return false }
            if cutAfter && e1 > n - slideClearance { return false }
            i = e
        }
        return true
    }

    /// 0 tree, 1 blob or executable, 2 symlink, 3 submodule.
    /// git's rule for an exact rename between two entries with the same id: both regular files (any executable
    /// bit), or the same mode (`diffcore-rename.c`, `find_identical_files`).
    static func mayPairExactly(_ old: UInt32, _ new: UInt32) -> Bool {
        (kind(old) == 1 && kind(new) == 1) || old == new
    }

    static func kind(_ mode: UInt32) -> Int {
        switch mode {
        case GIT_FILEMODE_TREE.rawValue: return 0
        case GIT_FILEMODE_LINK.rawValue: return 2
        case GIT_FILEMODE_COMMIT.rawValue: return 3
        default: return 1
        }
    }

    /// The C hunk callback: appends each hunk header to the `HunkSink` passed as payload.
    private static let collectHunk: git_diff_hunk_cb = { _, hunk, payload in
        guard let hunk, let payload else { return 0 }
        let sink = Unmanaged<HunkSink>.fromOpaque(payload).takeUnretainedValue()
        sink.hunks.append(
            Hunk(
                oldStart: UInt32(clamping: hunk.pointee.old_start), oldCount: UInt32(clamping: hunk.pointee.old_lines),
                newStart: UInt32(clamping: hunk.pointee.new_start), newCount: UInt32(clamping: hunk.pointee.new_lines)))
        return 0
    }

    /// Zero-context hunks between two texts, from xdiff through `git_diff_blobs`, with both texts served by the
    /// private span database. Neither `git_diff_buffers` (which SHA-1-hashes both buffers to make up object ids:
    /// a third of the mining time once) nor `git_diff_blobs` on the analysed repository's own blobs (which makes
    /// libgit2 look up attributes for a made-up path, `file`, with two `stat` calls and a `realpath` each time:
    /// 720,000 system calls on libgit2's history) is used. For blame hunks, git's tail trimming comes first.
    func hunks(_ old: UnsafeRawBufferPointer, _ new: UnsafeRawBufferPointer) throws(GitError) -> [Hunk] {
        try hunks(old, new, trimTail: trimsCommonTail)
    }

    /// `trimTail: false` diffs the texts as given (spans the trim planner chose, of texts already tail-trimmed
    /// where blame hunks are wanted).
    /// `allChanges`: blank changes too, where white space is ignored (`optionsAllChanges`).
    func hunks(
        _ old: UnsafeRawBufferPointer, _ new: UnsafeRawBufferPointer, trimTail: Bool, allChanges: Bool = false
    ) throws(GitError) -> [Hunk] {
        if old.isEmpty || new.isEmpty {
            let o = LineCounting.lines(in: old)
            let n = LineCounting.lines(in: new)
            if o == 0 && n == 0 { return [] }
            return [Hunk(oldStart: o == 0 ? 0 : 1, oldCount: UInt32(o), newStart: n == 0 ? 0 : 1, newCount: UInt32(n))]
        }
        let sink = HunkSink()
        let payload = Unmanaged.passUnretained(sink).toOpaque()
        let tail = trimTail ? DiffTrimming.commonTail(old, new) : 0
        let oldSpan = UnsafeRawBufferPointer(rebasing: old[..<(old.count - tail)])
        let newSpan = UnsafeRawBufferPointer(rebasing: new[..<(new.count - tail)])
        let rc =
            allChanges
            ? withUnsafePointer(to: &optionsAllChanges) { opts in
                spans.diff(oldSpan, newSpan, options: opts, callback: Self.collectHunk, payload: payload)
            }
            : withUnsafePointer(to: &options) { opts in
                spans.diff(oldSpan, newSpan, options: opts, callback: Self.collectHunk, payload: payload)
            }
        try check(rc, "git_diff_blobs")
        return sink.hunks
    }
}

/// What git leaves out of a zero-context diff before xdiff sees it.
package enum DiffTrimming {
    /// git's `trim_common_tail` (xdiff-interface.c), applied to every diff without context lines (`git blame`;
    /// not `--numstat`, which diffs with context): whole 1 KiB blocks equal at the end of both texts are
    /// dropped, then given back up to and including the first newline inside them, so that both texts still
    /// end at a line boundary. Returns the number of bytes dropped from each. xdiff's result can depend on
    /// it, because its discarding of frequent lines counts them over the whole input.
    package static func commonTail(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let block = 1024
        let smaller = min(a.count, b.count)
        guard smaller >= block, let aBase = a.baseAddress, let bBase = b.baseAddress else { return 0 }
        var trimmed = 0
        while block + trimmed <= smaller
            && memcmp(aBase + a.count - trimmed - block, bBase + b.count - trimmed - block, block) == 0
        {
            trimmed += block
        }
        var recovered = 0
        let start = aBase + a.count - trimmed
        while recovered < trimmed {
            let byte = start.load(fromByteOffset: recovered, as: UInt8.self)
            recovered += 1
            if byte == 0x0A { break }
        }
        return trimmed - recovered
    }
}

/// A private in-memory object database that serves two byte spans as blobs (`yardstick_span_diff` in the C
/// shim). One per `TreeDiffer`, used by one thread at a time.
final class SpanDatabase {
    private let repository: OpaquePointer
    private let backend: UnsafeMutablePointer<yardstick_span_backend>

    init() throws(GitError) {
        _ = LibGit2.initialized
        var backend: UnsafeMutablePointer<yardstick_span_backend>?
        guard let repository = yardstick_span_repository_new(&backend), let backend else {
            throw GitError(
                code: -1, message: "cannot create the in-memory diff database", function: "git_repository_wrap_odb")
        }
        self.repository = repository
        self.backend = backend
    }

    deinit { git_repository_free(repository) }

    func diff(
        _ old: UnsafeRawBufferPointer, _ new: UnsafeRawBufferPointer, options: UnsafePointer<git_diff_options>,
        callback: git_diff_hunk_cb, payload: UnsafeMutableRawPointer
    ) -> Int32 {
        yardstick_span_diff(
            repository, backend, old.baseAddress, old.count, new.baseAddress, new.count, options, callback, payload)
    }
}

@available(*, unavailable)
extension TreeDiffer: Sendable {}

/// The trees one differ read most recently, by id. Consecutive commits share their root trees and most
/// subtrees (a commit's tree is its child's parent tree), and libgit2's object cache keeps no tree over
/// 4 KiB: a large root or `t/` tree would otherwise be inflated, and its delta chain replayed, for each
/// side of each diff (ADR 0008). Bounded by entry count; the oldest entry goes first.
final class TreeCache {
    private let repository: Repository
    private var entries: [ObjectID: TreeEntries] = [:]
    private var order: [ObjectID] = []
    private var oldest = 0
    private var commitTrees: [ObjectID: ObjectID] = [:]
    /// The root tree of a commit whose header was already read: that commit need not be read again.
    var knownTree: (@Sendable (ObjectID) -> ObjectID?)?
    let capacity: Int

    /// Trees held now.
    var count: Int { entries.count }

    init(repository: Repository, capacity: Int = 256) {
        self.repository = repository
        self.capacity = capacity
    }

    func tree(_ id: ObjectID) throws(GitError) -> TreeEntries {
        if let hit = entries[id] { return hit }
        let tree = try TreeEntries.read(id, in: repository)
        if order.count < capacity {
            order.append(id)
        } else {
            entries[order[oldest]] = nil
            order[oldest] = id
            oldest = (oldest + 1) % capacity
        }
        entries[id] = tree
        return tree
    }

    /// The root tree of a commit.
    func tree(commit: ObjectID) throws(GitError) -> TreeEntries {
        if let id = knownTree?(commit) ?? commitTrees[commit] { return try tree(id) }
        let id = try repository.treeID(ofCommit: commit)
        if commitTrees.count >= 4 * capacity { commitTrees.removeAll(keepingCapacity: true) }
        commitTrees[commit] = id
        return try tree(id)
    }
}

extension Hunk {
    /// The same hunk `lines` further down both texts (a diff of trimmed texts, placed back).
    fileprivate func shifted(by lines: UInt32) -> Hunk {
        Hunk(oldStart: oldStart + lines, oldCount: oldCount, newStart: newStart + lines, newCount: newCount)
    }
}

private final class HunkSink {
    var hunks: [Hunk] = []
}

/// Line counting as git's numstat counts an added or deleted file: newlines, plus one for a last
/// line without one.
enum LineCounting {
    static func lines(in buffer: UnsafeRawBufferPointer) -> Int {
        guard let base = buffer.baseAddress, let last = buffer.last else { return 0 }
        var count = 0
        var p = base
        let end = base + buffer.count
        while p < end, let hit = memchr(p, 0x0A, end - p) {
            count += 1
            p = UnsafeRawPointer(hit) + 1
        }
        return last == 0x0A ? count : count + 1
    }
}
