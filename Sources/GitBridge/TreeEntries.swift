internal import CGitPack
internal import CLibGit2
internal import HistoryModel

/// A tree object's entries, as the tree diff walks them (ADR 0008, tenth round). Read straight from
/// Yardstick's pack reader when the handle has one and the tree is in its packs, and parsed here by libgit2
/// 1.5's rules (`git_tree__parse_raw`: the mode in octal, a space, the name up to a NUL byte, 20 bytes of id),
/// with neither libgit2's copy of the object, its object cache nor its parse; otherwise, and whenever the
/// bytes break those rules, a `git_tree` as libgit2 reads it, with libgit2's own errors (loose objects,
/// `YARDSTICK_PACK_READER=libgit2`, every object hashed). Either way the entries are libgit2's: in the
/// object's order, with `git_tree_entry_filemode`'s normalised modes, compared as `git_tree_entry_cmp`
/// compares them.
final class TreeEntries {
    struct Entry {
        /// The name: `nameCount` bytes from `nameStart` on, in the bytes the tree keeps its names in (`base`).
        var nameStart: Int32
        var nameCount: Int32
        /// `git_tree_entry_filemode`: the mode normalised to one of git's five.
        var mode: UInt32
        var id: ObjectID

        var isTree: Bool { mode == GIT_FILEMODE_TREE.rawValue }
    }

    let id: ObjectID
    let entries: [Entry]
    /// Where the names are: the object's bytes as the pack reader lent them (`borrowed`), or a copy this object
    /// owns (`owned`: the object's bytes, or the names one after the other as libgit2 parsed them).
    private let base: UnsafePointer<UInt8>?
    private var borrowed = yardstick_borrowed()
    /// The handle a borrowed object came from: its pack reader must outlive the loan.
    private let lender: Repository?
    private let owned: UnsafeMutableBufferPointer<UInt8>?

    /// Entries whose names are in `bytes` (copied).
    init(id: ObjectID, entries: [Entry], copying bytes: some Collection<UInt8>) {
        self.id = id
        self.entries = entries
        let owned = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, bytes.count))
        _ = owned.initialize(from: bytes)
        self.owned = owned
        self.lender = nil
        self.base = UnsafePointer(owned.baseAddress)
    }

    /// Entries whose names are in a borrowed object, given back when this one goes.
    private init(id: ObjectID, entries: [Entry], borrowed: yardstick_borrowed, from lender: Repository) {
        self.id = id
        self.entries = entries
        self.borrowed = borrowed
        self.lender = lender
        self.owned = nil
        self.base = borrowed.data
    }

    deinit {
        if owned == nil {
            yardstick_pack_unborrow(&borrowed)
        } else {
            owned?.deallocate()
        }
    }

    /// The tree `id` of `repository`.
    static func read(_ id: ObjectID, in repository: Repository) throws(GitError) -> TreeEntries {
        if var read = repository.borrowFromPack(id) {
            // Not a tree, or not one by libgit2's rules: libgit2 reads it again and reports the error as it always
            // does.
            if read.type == GIT_OBJECT_TREE.rawValue,
                let entries = parse(UnsafeRawBufferPointer(start: read.data, count: read.length))
            {
                return TreeEntries(id: id, entries: entries, borrowed: read, from: repository)
            }
            yardstick_pack_unborrow(&read)
        }
        return try readWithLibgit2(id, in: repository)
    }

    /// The tree `id` as libgit2 reads and parses it (`git_tree_lookup`), with its errors.
    static func readWithLibgit2(_ id: ObjectID, in repository: Repository) throws(GitError) -> TreeEntries {
        let tree = try Tree(id: id, in: repository)
        let count = git_tree_entrycount(tree.handle)
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        var names: [UInt8] = []
        for i in 0..<count {
            guard let e = git_tree_entry_byindex(tree.handle, i), let name = git_tree_entry_name(e) else { continue }
            let start = names.count
            names.append(contentsOf: UnsafeRawBufferPointer(start: name, count: strlen(name)))
            entries.append(
                Entry(
                    nameStart: Int32(start), nameCount: Int32(names.count - start),
                    mode: git_tree_entry_filemode(e).rawValue, id: ObjectID(git_tree_entry_id(e))))
        }
        return TreeEntries(id: id, entries: entries, copying: names)
    }

    /// The entries of a tree object's bytes (names as offsets into them), or nil where libgit2 1.5 would refuse
    /// them (`git_tree__parse_raw`, `parse_mode`, `git__strntol32` in base 8).
    static func parse(_ raw: UnsafeRawBufferPointer) -> [Entry]? {
        guard let start = raw.baseAddress, raw.count > 0 else { return [] }
        let base = start.assumingMemoryBound(to: UInt8.self)
        let end = raw.count
        var entries: [Entry] = []
        entries.reserveCapacity(end / 32 + 1)
        var p = 0
        while p < end {
            guard let (attr, after) = parseMode(base, from: p, end: end), after < end, base[after] == UInt8(ascii: " ")
            else { return nil }
            let nameStart = after + 1
            guard let hit = memchr(base + nameStart, 0, end - nameStart) else { return nil }
            let nul = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
            let nameCount = nul - nameStart
            guard nameCount > 0, nameCount <= Int(UInt16.max), end - (nul + 1) >= 20 else { return nil }
            entries.append(
                Entry(
                    nameStart: Int32(nameStart), nameCount: Int32(nameCount), mode: normalized(attr),
                    id: ObjectID(rawPointer: base + nul + 1)))
            p = nul + 1 + 20
        }
        return entries
    }

    /// `parse_mode`: not empty, no leading white space, then `git__strntol32` in base 8 (an optional sign, at
    /// least one octal digit), within 0 ... 65535; the mode and where its digits end. A value too large for
    /// 64 bits is an error there, and is over 65535 here: the same answer.
    private static func parseMode(_ base: UnsafePointer<UInt8>, from start: Int, end: Int) -> (UInt16, Int)? {
        guard start < end, !isSpace(base[start]) else { return nil }
        var p = start
        var negative = false
        if base[p] == UInt8(ascii: "-") || base[p] == UInt8(ascii: "+") {
            negative = base[p] == UInt8(ascii: "-")
            p += 1
        }
        let first = p
        var magnitude: UInt32 = 0
        while p < end, base[p] &- UInt8(ascii: "0") < 8 {
            // Saturates above 16 bits: only whether the value fits matters then.
            if magnitude <= 0xFFFF { magnitude = magnitude << 3 | UInt32(base[p] &- UInt8(ascii: "0")) }
            p += 1
        }
        guard p > first, negative ? magnitude == 0 : magnitude <= 0xFFFF else { return nil }
        return (UInt16(magnitude), p)
    }

    /// `git__isspace`.
    private static func isSpace(_ c: UInt8) -> Bool {
        c == 0x20 || (c >= 0x09 && c <= 0x0D)
    }

    /// `normalize_filemode` (libgit2 1.5, tree.c).
    private static func normalized(_ attr: UInt16) -> UInt32 {
        let mode = UInt32(attr)
        let type = mode & 0o170000
        if type == GIT_FILEMODE_TREE.rawValue { return GIT_FILEMODE_TREE.rawValue }
        if mode & 0o100 != 0 { return GIT_FILEMODE_BLOB_EXECUTABLE.rawValue }
        if type == GIT_FILEMODE_COMMIT.rawValue { return GIT_FILEMODE_COMMIT.rawValue }
        if type == GIT_FILEMODE_LINK.rawValue { return GIT_FILEMODE_LINK.rawValue }
        return GIT_FILEMODE_BLOB.rawValue
    }

    /// The entry's name, as `String(cString: git_tree_entry_name(_:))` reads it.
    func name(_ entry: Entry) -> String {
        String(decoding: nameBytes(entry), as: UTF8.self)
    }

    private func nameBytes(_ entry: Entry) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base.map { $0 + Int(entry.nameStart) }, count: Int(entry.nameCount))
    }

    /// The entry named `name` (its bytes), if any.
    func entry(named name: Substring) -> Entry? {
        var name = name
        return name.withUTF8 { wanted in
            guard !wanted.isEmpty else { return nil }
            return entries.first { e in
                Int(e.nameCount) == wanted.count
                    && memcmp(nameBytes(e).baseAddress!, wanted.baseAddress!, wanted.count) == 0
            }
        }
    }

    /// `git_tree_entry_cmp(a, b)`'s sign: names compared bytewise, a tree's as if it ended in `/`.
    static func compare(_ a: Entry, in left: TreeEntries, _ b: Entry, in right: TreeEntries) -> Int {
        let (pa, pb) = (left.nameBytes(a).baseAddress!, right.nameBytes(b).baseAddress!)
        let (la, lb) = (Int(a.nameCount), Int(b.nameCount))
        let common = min(la, lb)
        let c = memcmp(pa, pb, common)
        if c != 0 { return c < 0 ? -1 : 1 }
        var ca: UInt8 = la > common ? pa[common] : 0
        var cb: UInt8 = lb > common ? pb[common] : 0
        if la == common && a.isTree { ca = UInt8(ascii: "/") }
        if lb == common && b.isTree { cb = UInt8(ascii: "/") }
        return ca < cb ? -1 : (ca > cb ? 1 : 0)
    }
}
