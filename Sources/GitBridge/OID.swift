internal import CLibGit2
internal import HistoryModel

extension ObjectID {
    /// Copies a libgit2 `git_oid`.
    init(_ oid: UnsafePointer<git_oid>) {
        self = withUnsafeBytes(of: oid.pointee.id) { ObjectID(bytes: $0) }
    }

    /// The libgit2 form of this id.
    var gitOID: git_oid {
        var oid = git_oid()
        let b = bytes
        withUnsafeMutableBytes(of: &oid.id) { raw in
            for i in 0..<20 { raw[i] = b[i] }
        }
        return oid
    }
}
