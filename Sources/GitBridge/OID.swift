internal import CLibGit2
internal import HistoryModel

extension ObjectID {
    /// Copies a libgit2 `git_oid`.
    init(_ oid: UnsafePointer<git_oid>) {
        self.init(rawPointer: UnsafeRawPointer(oid))
    }

    /// The libgit2 form of this id.
    var gitOID: git_oid {
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { raw in
            if let base = raw.baseAddress { store(to: base) }
        }
        return oid
    }
}
