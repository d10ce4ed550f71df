internal import CLibGit2
package import HistoryModel

/// A commit's header fields, read without its diff.
package struct CommitHeader: Sendable {
    package var id: ObjectID
    package var tree: ObjectID
    package var parents: [ObjectID]
    package var author: Signature
    package var committer: Signature
    package var message: String
}

/// What the commit graph needs of a commit: its tree, parents and committer time. The miner keeps one per
/// reachable commit while it plans; messages and people are read again when each commit is mined (ADR 0010).
package struct CommitLink: Sendable {
    package var id: ObjectID
    package var tree: ObjectID
    package var parents: [ObjectID]
    package var committerTime: Int64
}

extension Repository {
    /// Reads a commit's tree, parents and committer time (no message, no people).
    /// The corresponding C function is `git_commit_lookup`.
    package func commitLink(_ id: ObjectID) throws(GitError) -> CommitLink {
        try withCommit(id) { commit, parents throws(GitError) in
            let time =
                try git_commit_committer(commit).map { sig throws(GitError) in
                    try Self.checkedTime(sig.pointee.when.time, of: id, role: "committer")
                } ?? 0
            return CommitLink(id: id, tree: ObjectID(git_commit_tree_id(commit)), parents: parents, committerTime: time)
        }
    }

    /// Looks a commit up and runs `body` with it and its parents' ids; the commit is freed afterwards.
    private func withCommit<R>(_ id: ObjectID, _ body: (OpaquePointer, [ObjectID]) throws(GitError) -> R)
        throws(GitError) -> R
    {
        var oid = id.gitOID
        var raw: OpaquePointer?
        try check(git_commit_lookup(&raw, handle, &oid), "git_commit_lookup")
        guard let commit = raw else {
            throw GitError(code: -1, message: "commit \(id) missing", function: "git_commit_lookup")
        }
        defer { git_commit_free(commit) }
        let count = git_commit_parentcount(commit)
        var parents: [ObjectID] = []
        parents.reserveCapacity(Int(count))
        for i in 0..<count {
            guard let p = git_commit_parent_id(commit, i) else { continue }
            parents.append(ObjectID(p))
        }
        return try body(commit, parents)
    }

    /// The largest distance from 1970 of a time Yardstick reads: 2^36 s, about 2,177 years (years -207 to
    /// 4147), so that date arithmetic cannot overflow.
    package static let timeLimit: Int64 = 1 << 36

    /// A hand-made commit can carry any 64-bit time. One beyond ±`timeLimit` is an error naming the commit,
    /// never clamped: a clamped time would silently change every span it takes part in.
    static func checkedTime(_ time: Int64, of id: ObjectID, role: String) throws(GitError) -> Int64 {
        guard time > Self.timeLimit || time < -Self.timeLimit else { return time }
        throw ObjectVerification.failure(
            "commit \(id.hex): \(role) time \(time) is \(time > 0 ? "after the year 4147" : "before the year -207"), outside what Yardstick can date (±2^36 s from 1970); the commit is damaged or hand-made"
        )
    }

    /// Reads a commit's header, applying `mailmap` to author and committer.
    /// The corresponding C function is `git_commit_lookup`.
    package func commitHeader(_ id: ObjectID, mailmap: Mailmap) throws(GitError) -> CommitHeader {
        try withCommit(id) { commit, parents throws(GitError) in
            CommitHeader(
                id: id,
                tree: ObjectID(git_commit_tree_id(commit)),
                parents: parents,
                author: try signature(git_commit_author(commit), mailmap, of: id, role: "author"),
                committer: try signature(git_commit_committer(commit), mailmap, of: id, role: "committer"),
                message: git_commit_message_raw(commit).map { String(cString: $0) } ?? ""
            )
        }
    }

    private func signature(_ sig: UnsafePointer<git_signature>?, _ mailmap: Mailmap, of id: ObjectID, role: String)
        throws(GitError)
        -> Signature
    {
        guard let sig, let rawName = sig.pointee.name, let rawEmail = sig.pointee.email else {
            return Signature(name: "", email: "", time: 0, offsetMinutes: 0)
        }
        let time = try Self.checkedTime(sig.pointee.when.time, of: id, role: role)
        let (name, email) = mailmap.resolve(name: rawName, email: rawEmail)
        return Signature(name: name, email: email, time: time, offsetMinutes: Int(sig.pointee.when.offset))
    }
}
