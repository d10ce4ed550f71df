internal import CGitPack
internal import CLibGit2
internal import Foundation
package import HistoryModel

/// An open libgit2 repository (`git_repository`). One handle is used by one thread at a time: the miner
/// opens one per worker. The handle is freed when the object goes away.
package final class Repository {
    let handle: OpaquePointer
    /// The git directory (`.git`, or the repository itself when bare), with a trailing slash.
    package let gitDirectory: String
    /// The working tree, nil for a bare repository.
    package let workingDirectory: String?
    /// Yardstick's pack reader in this handle's object database (owned by it), nil when libgit2 reads alone.
    private var packReader: UnsafeMutableRawPointer?
    /// The same reader when blobs may be read from it directly (`Blob`): it is the first reader libgit2 would
    /// ask, and nothing it returns is to be hashed (without `ObjectVerification.everyObject` at opening).
    private(set) var directPackReader: UnsafeMutableRawPointer?
    /// True when a pack of this repository has a `.promisor` file, so a blob it lacks is promised rather than
    /// damage: a diff then counts the file as binary and marks it `contentMissing` (ADR 0011's addendum).
    package let promisesMissingBlobs: Bool

    /// Opens the repository at `path`: its working tree or a bare git directory; with `searchParents`, also
    /// a folder inside a working tree.
    /// The corresponding C function is `git_repository_open_ext`.
    /// - Parameter deferPackChecks: the checksums of packs not checked yet in this process are computed on a
    ///   thread of their own while the handle is used; the caller must use nothing it read before
    ///   `awaitPackChecks()` returns, and must call it before reporting any error (ADR 0008, ADR 0011).
    /// - Throws: `GitError` with `isNotFound` when no repository is there.
    package init(path: String, searchParents: Bool = false, deferPackChecks: Bool = false) throws(GitError) {
        _ = LibGit2.initialized
        var raw: OpaquePointer?
        let flags = searchParents ? 0 : GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue
        let rc = git_repository_open_ext(&raw, path, flags, nil)
        guard rc == 0, let opened = raw else {
            git_repository_free(raw)
            try check(rc, "git_repository_open_ext")
            throw GitError(code: rc, message: "cannot open \(path)", function: "git_repository_open_ext")
        }
        let gitDirectory = String(cString: git_repository_path(opened))
        do {
            try ObjectVerification.checkObjectStore(
                of: opened, gitDirectory: gitDirectory, deferPackChecks: deferPackChecks)
            try Repository.addLooseReader(to: opened)
        } catch {
            // A deferred check that failed is the error, as it would have been without deferring.
            let packs = deferPackChecks ? ObjectVerification.packDirectory(of: opened) : nil
            git_repository_free(opened)
            if let packs { try ObjectVerification.awaitPackChecks(in: packs) }
            throw error
        }
        handle = opened
        self.gitDirectory = gitDirectory
        workingDirectory = git_repository_workdir(opened).map { String(cString: $0) }
        promisesMissingBlobs =
            ObjectVerification.packDirectory(of: opened).map(ObjectVerification.hasPromisorPack) ?? false
        let added = Repository.addPackReader(to: opened)
        packReader = added.reader
        directPackReader = added.hashesEveryObject ? nil : added.reader
    }

    /// The git directory of the repository at `path` (as `init` finds it), without opening its object store or
    /// checking anything: for naming a per-repository file before the repository is read.
    package static func gitDirectory(path: String, searchParents: Bool = false) throws(GitError) -> String {
        _ = LibGit2.initialized
        var raw: OpaquePointer?
        let flags = searchParents ? 0 : GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue
        let rc = git_repository_open_ext(&raw, path, flags, nil)
        defer { git_repository_free(raw) }
        guard rc == 0, let opened = raw else {
            try check(rc, "git_repository_open_ext")
            throw GitError(code: rc, message: "cannot open \(path)", function: "git_repository_open_ext")
        }
        return String(cString: git_repository_path(opened))
    }

    /// Waits for the pack checks a handle opened with `deferPackChecks` left running (any handle's, for the same
    /// packs) and throws the first that failed, as opening without deferring would have.
    package func awaitPackChecks() throws(GitError) {
        guard let directory = ObjectVerification.packDirectory(of: handle) else { return }
        try ObjectVerification.awaitPackChecks(in: directory)
    }

    /// The keys of this repository's packs whose checks passed in this process (or were trusted), sorted: what a
    /// later process may hand to `ObjectVerification.trustPackChecks` (a persistent store keeps them, ADR 0019).
    package var passedPackChecks: [String] {
        ObjectVerification.packDirectory(of: handle).map { ObjectVerification.passedPackChecks(in: $0) } ?? []
    }

    /// Puts the loose-object reader that hashes what it reads (ADR 0011) in front of libgit2's, which does not.
    private static func addLooseReader(to repository: OpaquePointer) throws(GitError) {
        guard let common = git_repository_commondir(repository) else { return }
        guard let backend = yardstick_loose_backend_new(String(cString: common) + "objects") else {
            throw GitError(
                code: -1, message: "cannot set up the loose-object reader", function: "yardstick_loose_backend_new")
        }
        var odb: OpaquePointer?
        guard git_repository_odb(&odb, repository) == 0, let database = odb else {
            yardstick_loose_backend_free(backend)
            try check(-1, "git_repository_odb")
            return
        }
        defer { git_odb_free(database) }
        let rc = git_odb_add_backend(
            database, backend.assumingMemoryBound(to: git_odb_backend.self), YARDSTICK_LOOSE_BACKEND_PRIORITY)
        if rc != 0 {
            yardstick_loose_backend_free(backend)
            try check(rc, "git_odb_add_backend")
        }
    }

    /// What the pack reader did for this handle; nil when there is none (no pack, or switched off).
    package var packReaderStatistics: PackReaderStatistics? { packReader.map { PackReaderStatistics($0) } }

    /// The delta-base cache of each pack, shared by every handle (ADR 0009).
    static let packCacheBytes = 80 << 20

    /// Puts Yardstick's pack reader (ADR 0009) in front of libgit2's own: same objects, but a delta-base cache
    /// that keeps every base it resolves. Where it cannot be added, libgit2's readers serve alone. With
    /// `ObjectVerification.everyObject`, the pack reader in use (Yardstick's, or libgit2's when
    /// `YARDSTICK_PACK_READER=libgit2`) is wrapped in one that hashes every object it returns (ADR 0011).
    /// Returns Yardstick's reader, for its statistics, and whether what it returns is hashed.
    private static func addPackReader(to repository: OpaquePointer) -> (
        reader: UnsafeMutableRawPointer?, hashesEveryObject: Bool
    ) {
        let libgit2Reader = ObjectReading.packReader == .libgit2
        let everyObject = ObjectVerification.everyObject
        if libgit2Reader && !everyObject { return (nil, false) }
        guard let common = git_repository_commondir(repository) else { return (nil, everyObject) }
        let objects = String(cString: common) + "objects"
        let own = libgit2Reader ? nil : yardstick_pack_backend_new(objects, packCacheBytes)
        guard var backend = own ?? (libgit2Reader ? yardstick_libgit2_pack_backend_new(objects) : nil) else {
            return (nil, everyObject)
        }
        if everyObject {
            guard let verifying = yardstick_verifying_backend_new(backend) else {
                yardstick_odb_backend_free(backend)
                return (nil, everyObject)
            }
            backend = verifying
        }
        var odb: OpaquePointer?
        guard git_repository_odb(&odb, repository) == 0, let database = odb else {
            yardstick_odb_backend_free(backend)
            return (nil, everyObject)
        }
        defer { git_odb_free(database) }
        if git_odb_add_backend(
            database, backend.assumingMemoryBound(to: git_odb_backend.self), YARDSTICK_PACK_BACKEND_PRIORITY) != 0
        {
            yardstick_odb_backend_free(backend)
            return (nil, everyObject)
        }
        return (own, everyObject)
    }

    deinit { git_repository_free(handle) }

    package var isBare: Bool { git_repository_is_bare(handle) == 1 }
    package var isShallow: Bool { git_repository_is_shallow(handle) == 1 }
    /// True when HEAD points at a branch with no commits yet.
    package var isHeadUnborn: Bool { git_repository_head_unborn(handle) == 1 }

    /// The short name of the branch HEAD points at (`main`), or nil for a detached or unborn HEAD.
    package var headBranchName: String? {
        var ref: OpaquePointer?
        guard git_repository_head(&ref, handle) == 0, let r = ref else { return nil }
        defer { git_reference_free(r) }
        guard git_reference_is_branch(r) == 1, let name = git_reference_shorthand(r) else { return nil }
        return String(cString: name)
    }

    /// Resolves a revision (`HEAD`, `main`, `origin/main`, `v1.0`, an id) to a commit id.
    /// The corresponding C functions are `git_revparse_single` and `git_object_peel`.
    package func resolveCommit(_ revision: String) throws(GitError) -> ObjectID {
        var object: OpaquePointer?
        try check(git_revparse_single(&object, handle, revision), "git_revparse_single")
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        try check(git_object_peel(&commit, object, GIT_OBJECT_COMMIT), "git_object_peel")
        defer { git_object_free(commit) }
        return ObjectID(git_object_id(commit))
    }

    /// The object a reference name (`HEAD`, `main`, `origin/main`, `refs/tags/v1`) points at, read from the
    /// references alone, without reading the object; nil when no reference has that name.
    /// The corresponding C functions are `git_reference_dwim` and `git_reference_resolve`.
    package func referenceTarget(_ name: String) -> ObjectID? {
        var ref: OpaquePointer?
        guard git_reference_dwim(&ref, handle, name) == 0, let r = ref else { return nil }
        defer { git_reference_free(r) }
        var resolved: OpaquePointer?
        guard git_reference_resolve(&resolved, r) == 0, let direct = resolved else { return nil }
        defer { git_reference_free(direct) }
        return git_reference_target(direct).map { ObjectID($0) }
    }

    /// The commits listed in the repository's `shallow` file: history behind them is missing.
    package func shallowBoundaries() -> [ObjectID] {
        guard let text = try? String(contentsOfFile: gitDirectory + "shallow", encoding: .utf8) else { return [] }
        return text.split(whereSeparator: \.isNewline).compactMap { ObjectID(hex: $0) }.sorted()
    }

    /// The first-parent line from `tip` back to the root (or to a shallow boundary), newest first.
    /// The corresponding C functions are `git_commit_lookup` and `git_commit_parent_id`.
    package func firstParentLine(from tip: ObjectID, stoppingAt boundaries: Set<ObjectID> = []) throws(GitError)
        -> [ObjectID]
    {
        var out: [ObjectID] = []
        var seen: Set<ObjectID> = []
        var current: ObjectID? = tip
        while let id = current {
            guard seen.insert(id).inserted else { throw TreeWalkLimits.commitCycle(id) }
            out.append(id)
            if boundaries.contains(id) { break }
            var oid = id.gitOID
            var raw: OpaquePointer?
            try check(git_commit_lookup(&raw, handle, &oid), "git_commit_lookup")
            current = git_commit_parentcount(raw) > 0 ? git_commit_parent_id(raw, 0).map { ObjectID($0) } : nil
            git_commit_free(raw)
        }
        return out
    }

    /// Every commit reachable from the `pushing` commits and not from the `hiding` commits, newest first
    /// in topological order (`git rev-list --topo-order`).
    package func walk(pushing: [ObjectID], hiding: [ObjectID], firstParentOnly: Bool = false) throws(GitError)
        -> [ObjectID]
    {
        var walker: OpaquePointer?
        try check(git_revwalk_new(&walker, handle), "git_revwalk_new")
        defer { git_revwalk_free(walker) }
        try check(
            git_revwalk_sorting(walker, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue), "git_revwalk_sorting")
        if firstParentOnly { try check(git_revwalk_simplify_first_parent(walker), "git_revwalk_simplify_first_parent") }
        for id in pushing {
            var oid = id.gitOID
            try check(git_revwalk_push(walker, &oid), "git_revwalk_push")
        }
        for id in hiding {
            var oid = id.gitOID
            try check(git_revwalk_hide(walker, &oid), "git_revwalk_hide")
        }
        var out: [ObjectID] = []
        var oid = git_oid()
        while true {
            let rc = git_revwalk_next(&oid, walker)
            if rc == GIT_ITEROVER.rawValue { break }
            try check(rc, "git_revwalk_next")
            out.append(withUnsafePointer(to: &oid) { ObjectID($0) })
        }
        return out
    }

    /// References matching a glob (`refs/pull/*/head`), with the commit each points at, sorted by name.
    /// The corresponding C functions are `git_reference_iterator_glob_new` and `git_reference_name_to_id`.
    package func references(matching glob: String) throws(GitError) -> [(name: String, commit: ObjectID)] {
        var iterator: OpaquePointer?
        try check(git_reference_iterator_glob_new(&iterator, handle, glob), "git_reference_iterator_glob_new")
        defer { git_reference_iterator_free(iterator) }
        var names: [String] = []
        var name: UnsafePointer<CChar>?
        while true {
            let rc = git_reference_next_name(&name, iterator)
            if rc == GIT_ITEROVER.rawValue { break }
            try check(rc, "git_reference_next_name")
            if let name { names.append(String(cString: name)) }
        }
        var out: [(String, ObjectID)] = []
        for n in names.sorted() {
            guard let id = try? resolveCommit(n) else { continue }
            out.append((n, id))
        }
        return out
    }

    /// The best common ancestor of two commits, or nil when they share no history.
    /// The corresponding C function is `git_merge_base`.
    package func mergeBase(_ a: ObjectID, _ b: ObjectID) throws(GitError) -> ObjectID? {
        var out = git_oid()
        var oa = a.gitOID
        var ob = b.gitOID
        let rc = git_merge_base(&out, handle, &oa, &ob)
        if rc == GIT_ENOTFOUND.rawValue { return nil }
        try check(rc, "git_merge_base")
        return withUnsafePointer(to: &out) { ObjectID($0) }
    }

    /// The contents of the blob at `path` in the tree of `commit`, or nil when there is no such file.
    package func fileContents(_ path: String, at commit: ObjectID) throws(GitError) -> [UInt8]? {
        let tree = try Tree(id: treeID(ofCommit: commit), in: self)
        var entry: OpaquePointer?
        let rc = git_tree_entry_bypath(&entry, tree.handle, path)
        if rc == GIT_ENOTFOUND.rawValue { return nil }
        try check(rc, "git_tree_entry_bypath")
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB, let oid = git_tree_entry_id(entry) else { return nil }
        let blob = try Blob(id: ObjectID(oid), in: self)
        // The bytes belong to the blob: keep it alive until they are copied.
        return withExtendedLifetime(blob) { Array(blob.bytes) }
    }

    /// Paths of every file named `name` anywhere in the tree of `commit`, sorted by path.
    package func findFiles(named name: String, at commit: ObjectID) throws(GitError) -> [String] {
        let tree = try Tree(id: treeID(ofCommit: commit), in: self)
        var found: [String] = []
        var open: [ObjectID] = [tree.id]
        try collect(named: name, in: tree, prefix: "", open: &open, into: &found)
        return found.sorted()
    }

    /// `open` holds the trees being walked, root first: a subtree among them is a cycle, and more of them than
    /// `TreeWalkLimits.maxDepth` is a tree too deep to walk.
    private func collect(
        named name: String, in tree: Tree, prefix: String, open: inout [ObjectID], into found: inout [String]
    )
        throws(GitError)
    {
        for i in 0..<git_tree_entrycount(tree.handle) {
            guard let entry = git_tree_entry_byindex(tree.handle, i) else { continue }
            let entryName = String(cString: git_tree_entry_name(entry))
            switch git_tree_entry_type(entry) {
            case GIT_OBJECT_TREE:
                let id = ObjectID(git_tree_entry_id(entry))
                try TreeWalkLimits.enter(id, at: prefix + entryName, open: &open)
                let sub = try Tree(id: id, in: self)
                try collect(named: name, in: sub, prefix: prefix + entryName + "/", open: &open, into: &found)
                open.removeLast()
            case GIT_OBJECT_BLOB where entryName == name:
                found.append(prefix + entryName)
            default:
                break
            }
        }
    }
}

@available(*, unavailable)
extension Repository: Sendable {}

extension Repository {
    /// The root tree id of a commit.
    func treeID(ofCommit commit: ObjectID) throws(GitError) -> ObjectID {
        var oid = commit.gitOID
        var raw: OpaquePointer?
        try check(git_commit_lookup(&raw, handle, &oid), "git_commit_lookup")
        defer { git_commit_free(raw) }
        guard let c = raw, let id = git_commit_tree_id(c) else {
            throw GitError(code: -1, message: "commit \(commit) has no tree", function: "git_commit_tree_id")
        }
        return ObjectID(id)
    }
}

/// Bounds on walking trees and commits that a damaged repository could make endless (ADR 0011): a tree
/// cannot contain itself, nor a commit be its own ancestor, unless an object lies about its id.
enum TreeWalkLimits {
    /// Trees nested deeper than this are refused (git 2.44 refuses more than 2,048 by default): each level is
    /// a stack frame of the walk, and worker threads have small stacks.
    static let maxDepth = 1000

    /// Enters subtree `id` at `path` below the trees in `open`; throws on a cycle or when too deep.
    /// The path is built only for an error.
    static func enter(_ id: ObjectID, at path: @autoclosure () -> String, open: inout [ObjectID]) throws(GitError) {
        if open.contains(id) {
            throw ObjectVerification.failure(
                "tree \(id.hex) contains itself (as subtree '\(path())'): the repository is damaged")
        }
        if open.count >= maxDepth {
            throw ObjectVerification.failure(
                "tree \(id.hex) is nested more than \(maxDepth) levels deep (at '\(path().prefix(200))…'): refusing to walk it"
            )
        }
        open.append(id)
    }

    /// A commit reached again while following parents.
    static func commitCycle(_ id: ObjectID) -> GitError {
        ObjectVerification.failure(
            "commit \(id.hex) is its own ancestor (its parents lead back to it): the repository is damaged")
    }
}

/// A `git_tree`, freed on deinit.
final class Tree {
    let handle: OpaquePointer
    let id: ObjectID

    init(id: ObjectID, in repository: Repository) throws(GitError) {
        self.id = id
        var oid = id.gitOID
        var raw: OpaquePointer?
        try check(git_tree_lookup(&raw, repository.handle, &oid), "git_tree_lookup")
        guard let t = raw else { throw GitError(code: -1, message: "tree \(id) missing", function: "git_tree_lookup") }
        handle = t
    }

    deinit { git_tree_free(handle) }
}

extension Repository {
    /// The object `id` read by Yardstick's pack reader alone, without libgit2's copy (`yardstick_pack_borrow`):
    /// nil when the handle has no direct reader or the reader does not have the object. The caller gives it back
    /// (`yardstick_pack_unborrow`) while this handle lives.
    func borrowFromPack(_ id: ObjectID) -> yardstick_borrowed? {
        guard let reader = directPackReader else { return nil }
        var oid = id.gitOID
        var read = yardstick_borrowed()
        let rc = withUnsafeBytes(of: &oid.id) { raw in
            yardstick_pack_borrow(reader, raw.baseAddress!.assumingMemoryBound(to: UInt8.self), &read)
        }
        return rc == 0 ? read : nil
    }
}

/// A blob's bytes, valid while the object lives. Read straight from Yardstick's pack reader when the handle
/// has one and the blob is in its packs: the shared cache's own copy, pinned, or the inflated object, with
/// neither libgit2's copy of it nor its object bookkeeping (ADR 0008); otherwise a `git_blob`, as libgit2
/// reads it (loose objects, `YARDSTICK_PACK_READER=libgit2`, every object hashed, or anything the reader
/// passes on, with libgit2's own errors).
final class Blob {
    private let handle: OpaquePointer?
    private var borrowed = yardstick_borrowed()
    /// The handle the bytes may come from: its pack reader must outlive them.
    private let repository: Repository
    let bytes: UnsafeRawBufferPointer

    init(id: ObjectID, in repository: Repository) throws(GitError) {
        self.repository = repository
        if var read = repository.borrowFromPack(id) {
            if read.type == GIT_OBJECT_BLOB.rawValue {
                handle = nil
                borrowed = read
                bytes = UnsafeRawBufferPointer(start: read.data, count: read.length)
                return
            }
            // Not a blob: libgit2 reads it again and reports the error as it always does.
            yardstick_pack_unborrow(&read)
        }
        var oid = id.gitOID
        var raw: OpaquePointer?
        try check(git_blob_lookup(&raw, repository.handle, &oid), "git_blob_lookup")
        guard let b = raw else { throw GitError(code: -1, message: "blob \(id) missing", function: "git_blob_lookup") }
        handle = b
        bytes = UnsafeRawBufferPointer(start: git_blob_rawcontent(b), count: Int(git_blob_rawsize(b)))
    }

    deinit {
        if let handle {
            git_blob_free(handle)
        } else {
            yardstick_pack_unborrow(&borrowed)
        }
    }
}
