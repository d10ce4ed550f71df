internal import CLibGit2
#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif
package import HistoryModel

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
/// Line counts come from xdiff through `git_diff_buffers` with zero context lines; renames are paired as
/// `git diff` pairs them by default (exact, then by similarity, see `RenameDetector`).
package final class TreeDiffer {
    let repository: Repository
    private var options = git_diff_options()

    /// Files larger than this are treated as binary, like git's `core.bigFileThreshold` (512 MiB).
    static let bigFileThreshold = 512 * 1024 * 1024

    package init(repository: Repository) {
        self.repository = repository
        git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION))
        options.context_lines = 0
        options.interhunk_lines = 0
        options.flags = GIT_DIFF_FORCE_TEXT.rawValue
    }

    /// `git diff --numstat base tip` for two commits (nil base: the empty tree), with hunks.
    package func diff(base: ObjectID?, tip: ObjectID) throws(GitError) -> [FileChange] {
        let newTree = try Tree(commit: tip, in: repository)
        let oldTree = try base.map { id throws(GitError) in try Tree(commit: id, in: repository) }
        var changes: [EntryChange] = []
        try walk(oldTree, newTree, prefix: "", into: &changes)
        return try fileChanges(for: changes)
    }

    // MARK: - Tree walk

    private static func isTree(_ mode: UInt32) -> Bool { mode == GIT_FILEMODE_TREE.rawValue }

    private func walk(_ old: Tree?, _ new: Tree?, prefix: String, into out: inout [EntryChange]) throws(GitError) {
        let oldCount = old.map { git_tree_entrycount($0.handle) } ?? 0
        let newCount = new.map { git_tree_entrycount($0.handle) } ?? 0
        var i = 0
        var j = 0
        while i < oldCount || j < newCount {
            let a = i < oldCount ? git_tree_entry_byindex(old?.handle, i) : nil
            let b = j < newCount ? git_tree_entry_byindex(new?.handle, j) : nil
            let order: Int32
            if let a, let b {
                order = git_tree_entry_cmp(a, b)
            } else {
                order = a == nil ? 1 : -1
            }
            if order < 0, let a {
                try removed(a, prefix: prefix, into: &out)
                i += 1
            } else if order > 0, let b {
                try added(b, prefix: prefix, into: &out)
                j += 1
            } else if let a, let b {
                i += 1
                j += 1
                let aMode = git_tree_entry_filemode(a).rawValue
                let bMode = git_tree_entry_filemode(b).rawValue
                let aID = ObjectID(git_tree_entry_id(a))
                let bID = ObjectID(git_tree_entry_id(b))
                if aID == bID && aMode == bMode { continue }
                let name = String(cString: git_tree_entry_name(a))
                if Self.isTree(aMode) && Self.isTree(bMode) {
                    let oldSub = try Tree(id: aID, in: repository)
                    let newSub = try Tree(id: bID, in: repository)
                    try walk(oldSub, newSub, prefix: prefix + name + "/", into: &out)
                } else {
                    out.append(EntryChange(path: prefix + name, oldID: aID, oldMode: aMode, newID: bID, newMode: bMode))
                }
            }
        }
    }

    private func removed(_ e: OpaquePointer, prefix: String, into out: inout [EntryChange]) throws(GitError) {
        let mode = git_tree_entry_filemode(e).rawValue
        let id = ObjectID(git_tree_entry_id(e))
        let name = String(cString: git_tree_entry_name(e))
        if Self.isTree(mode) {
            try walk(try Tree(id: id, in: repository), nil, prefix: prefix + name + "/", into: &out)
        } else {
            out.append(EntryChange(path: prefix + name, oldID: id, oldMode: mode, newID: nil, newMode: 0))
        }
    }

    private func added(_ e: OpaquePointer, prefix: String, into out: inout [EntryChange]) throws(GitError) {
        let mode = git_tree_entry_filemode(e).rawValue
        let id = ObjectID(git_tree_entry_id(e))
        let name = String(cString: git_tree_entry_name(e))
        if Self.isTree(mode) {
            try walk(nil, try Tree(id: id, in: repository), prefix: prefix + name + "/", into: &out)
        } else {
            out.append(EntryChange(path: prefix + name, oldID: nil, oldMode: 0, newID: id, newMode: mode))
        }
    }

    // MARK: - Contents and line counts

    /// The content of one side of a change. A submodule (gitlink) reads as git shows it in a diff:
    /// one line `Subproject commit <id>`.
    final class Content {
        let blob: Blob?
        let synthetic: [UInt8]

        init(id: ObjectID, mode: UInt32, repository: Repository) throws(GitError) {
            if mode == GIT_FILEMODE_COMMIT.rawValue {
                blob = nil
                synthetic = Array("Subproject commit \(id.hex)\n".utf8)
            } else {
                blob = try Blob(id: id, in: repository)
                synthetic = []
            }
        }

        func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(GitError) -> R) throws(GitError) -> R {
            if let blob { return try body(blob.bytes) }
            let copy = synthetic
            let pointer = UnsafeMutableRawBufferPointer.allocate(byteCount: copy.count, alignment: 1)
            defer { pointer.deallocate() }
            pointer.copyBytes(from: copy)
            return try body(UnsafeRawBufferPointer(pointer))
        }

        /// git's rule: a NUL byte in the first 8000 bytes, or a size past the big-file threshold.
        var isBinary: Bool {
            withBytesNoThrow { buf in
                if buf.count > TreeDiffer.bigFileThreshold { return true }
                guard let base = buf.baseAddress else { return false }
                return memchr(base, 0, min(buf.count, 8000)) != nil
            }
        }

        var lineCount: Int {
            withBytesNoThrow { LineCounting.lines(in: $0) }
        }

        func withBytesNoThrow<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
            if let blob { return body(blob.bytes) }
            return synthetic.withUnsafeBytes(body)
        }
    }

    private func content(_ id: ObjectID?, _ mode: UInt32) throws(GitError) -> Content? {
        guard let id else { return nil }
        return try Content(id: id, mode: mode, repository: repository)
    }

    private func fileChanges(for changes: [EntryChange]) throws(GitError) -> [FileChange] {
        var result: [FileChange] = []
        result.reserveCapacity(changes.count)
        var deletions: [(EntryChange, Content)] = []
        var additions: [(EntryChange, Content)] = []
        for change in changes {
            switch (change.oldID, change.newID) {
            case (let oldID?, let newID?):
                let old = try Content(id: oldID, mode: change.oldMode, repository: repository)
                let new = try Content(id: newID, mode: change.newMode, repository: repository)
                let typeChanged = Self.kind(change.oldMode) != Self.kind(change.newMode)
                result.append(
                    try counted(path: change.path, oldPath: nil, status: typeChanged ? .typeChanged : .modified, old: old, new: new)
                )
            case (let oldID?, nil):
                deletions.append((change, try Content(id: oldID, mode: change.oldMode, repository: repository)))
            case (nil, let newID?):
                additions.append((change, try Content(id: newID, mode: change.newMode, repository: repository)))
            case (nil, nil):
                break
            }
        }
        if !deletions.isEmpty && !additions.isEmpty {
            let pairs = RenameDetector.pair(
                sources: deletions.map { RenameDetector.Candidate(path: $0.0.path, id: $0.0.oldID, mode: $0.0.oldMode, content: $0.1) },
                destinations: additions.map { RenameDetector.Candidate(path: $0.0.path, id: $0.0.newID, mode: $0.0.newMode, content: $0.1) }
            )
            var usedSources = Set<Int>()
            var usedDestinations = Set<Int>()
            for pair in pairs {
                usedSources.insert(pair.source)
                usedDestinations.insert(pair.destination)
                let (src, srcContent) = deletions[pair.source]
                let (dst, dstContent) = additions[pair.destination]
                var change = try counted(path: dst.path, oldPath: src.path, status: .renamed, old: srcContent, new: dstContent)
                if pair.exact {
                    change.additions = 0
                    change.deletions = 0
                    change.hunks = []
                }
                result.append(change)
            }
            deletions = deletions.enumerated().filter { !usedSources.contains($0.offset) }.map(\.element)
            additions = additions.enumerated().filter { !usedDestinations.contains($0.offset) }.map(\.element)
        }
        for (change, content) in deletions {
            let binary = content.isBinary
            let n = binary ? 0 : content.lineCount
            result.append(
                FileChange(path: change.path, status: .deleted, additions: 0, deletions: n, isBinary: binary,
                           hunks: n > 0 ? [Hunk(oldStart: 1, oldCount: UInt32(n), newStart: 0, newCount: 0)] : [])
            )
        }
        for (change, content) in additions {
            let binary = content.isBinary
            let n = binary ? 0 : content.lineCount
            result.append(
                FileChange(path: change.path, status: .added, additions: n, deletions: 0, isBinary: binary,
                           hunks: n > 0 ? [Hunk(oldStart: 0, oldCount: 0, newStart: 1, newCount: UInt32(n))] : [])
            )
        }
        result.sort { ($0.path, $0.oldPath ?? "") < ($1.path, $1.oldPath ?? "") }
        return result
    }

    /// 0 tree, 1 blob or executable, 2 symlink, 3 submodule.
    static func kind(_ mode: UInt32) -> Int {
        switch mode {
        case GIT_FILEMODE_TREE.rawValue: return 0
        case GIT_FILEMODE_LINK.rawValue: return 2
        case GIT_FILEMODE_COMMIT.rawValue: return 3
        default: return 1
        }
    }

    private func counted(path: String, oldPath: String?, status: FileChange.Status, old: Content, new: Content) throws(GitError)
        -> FileChange
    {
        if old.isBinary || new.isBinary {
            return FileChange(path: path, oldPath: oldPath, status: status, additions: 0, deletions: 0, isBinary: true)
        }
        let hunks = try old.withBytes { (o: UnsafeRawBufferPointer) throws(GitError) -> [Hunk] in
            try new.withBytes { (n: UnsafeRawBufferPointer) throws(GitError) -> [Hunk] in try self.hunks(o, n) }
        }
        var added = 0
        var deleted = 0
        for h in hunks {
            added += Int(h.newCount)
            deleted += Int(h.oldCount)
        }
        return FileChange(path: path, oldPath: oldPath, status: status, additions: added, deletions: deleted, isBinary: false, hunks: hunks)
    }

    /// Zero-context hunks between two texts, from xdiff (`git_diff_buffers`).
    func hunks(_ old: UnsafeRawBufferPointer, _ new: UnsafeRawBufferPointer) throws(GitError) -> [Hunk] {
        if old.isEmpty || new.isEmpty {
            let o = LineCounting.lines(in: old)
            let n = LineCounting.lines(in: new)
            if o == 0 && n == 0 { return [] }
            return [Hunk(oldStart: o == 0 ? 0 : 1, oldCount: UInt32(o), newStart: n == 0 ? 0 : 1, newCount: UInt32(n))]
        }
        let sink = HunkSink()
        let rc = withUnsafePointer(to: &options) { opts in
            git_diff_buffers(
                old.baseAddress, old.count, nil,
                new.baseAddress, new.count, nil,
                opts, nil, nil,
                { _, hunk, payload in
                    guard let hunk, let payload else { return 0 }
                    let sink = Unmanaged<HunkSink>.fromOpaque(payload).takeUnretainedValue()
                    sink.hunks.append(
                        Hunk(
                            oldStart: UInt32(clamping: hunk.pointee.old_start), oldCount: UInt32(clamping: hunk.pointee.old_lines),
                            newStart: UInt32(clamping: hunk.pointee.new_start), newCount: UInt32(clamping: hunk.pointee.new_lines)
                        )
                    )
                    return 0
                },
                nil,
                Unmanaged.passUnretained(sink).toOpaque()
            )
        }
        try check(rc, "git_diff_buffers")
        return sink.hunks
    }
}

@available(*, unavailable)
extension TreeDiffer: Sendable {}

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
