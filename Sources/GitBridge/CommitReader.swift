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

    /// Reads a commit's header, applying `mailmap` to author and committer. A commit whose `encoding` header names
    /// another encoding than UTF-8 (`encoding ISO8859-1`) is read as git shows it: names, addresses and message
    /// converted to UTF-8 (`Reencoded`), or, when they are not valid in that encoding, as they are.
    /// The corresponding C function is `git_commit_lookup`.
    package func commitHeader(_ id: ObjectID, mailmap: Mailmap) throws(GitError) -> CommitHeader {
        try withCommit(id) { commit, parents throws(GitError) in
            let author = git_commit_author(commit)
            let committer = git_commit_committer(commit)
            let message = git_commit_message_raw(commit)
            func constant(_ field: UnsafeMutablePointer<CChar>?) -> UnsafePointer<CChar>? {
                field.map { UnsafePointer($0) }
            }
            let text = git_commit_message_encoding(commit).flatMap { encoding in
                Reencoded.isUTF8(encoding)
                    ? nil
                    : Reencoded(
                        encoding: encoding,
                        [
                            constant(author?.pointee.name), constant(author?.pointee.email),
                            constant(committer?.pointee.name), constant(committer?.pointee.email), message,
                        ])
            }
            // The converted fields live as long as `text`: it is kept until the strings are made.
            return try withExtendedLifetime(text) { () throws(GitError) -> CommitHeader in
                CommitHeader(
                    id: id,
                    tree: ObjectID(git_commit_tree_id(commit)),
                    parents: parents,
                    author: try signature(
                        author, mailmap, of: id, role: "author", text: text.map { ($0.fields[0], $0.fields[1]) }),
                    committer: try signature(
                        committer, mailmap, of: id, role: "committer", text: text.map { ($0.fields[2], $0.fields[3]) }
                    ),
                    message: (text.map { $0.fields[4] } ?? message).map { String(cString: $0) } ?? ""
                )
            }
        }
    }

    private func signature(
        _ sig: UnsafePointer<git_signature>?, _ mailmap: Mailmap, of id: ObjectID, role: String,
        text: (name: UnsafePointer<CChar>?, email: UnsafePointer<CChar>?)? = nil
    ) throws(GitError) -> Signature {
        guard let sig, let rawName = text?.name ?? sig.pointee.name.map({ UnsafePointer($0) }),
            let rawEmail = text?.email ?? sig.pointee.email.map({ UnsafePointer($0) })
        else {
            return Signature(name: "", email: "", time: 0, offsetMinutes: 0)
        }
        let time = try Self.checkedTime(sig.pointee.when.time, of: id, role: role)
        let (name, email) = mailmap.resolve(name: rawName, email: rawEmail)
        return Signature(name: name, email: email, time: time, offsetMinutes: Int(sig.pointee.when.offset))
    }
}

/// A commit's text fields converted to UTF-8 from the encoding its `encoding` header names, as git's
/// `repo_logmsg_reencode` converts the whole commit before `git log` shows it (with `i18n.logOutputEncoding`
/// UTF-8, the default). All or nothing, as git converts one buffer: when one field is not valid in that encoding,
/// or iconv does not know it, there is no `Reencoded` and the bytes are read as they are (invalid UTF-8 repaired).
/// The fields live as long as the value, in buffers of the C library's allocator.
final class Reencoded {
    let fields: [UnsafePointer<CChar>?]

    init?(encoding: UnsafePointer<CChar>, _ raw: [UnsafePointer<CChar>?]) {
        var converted: [UnsafePointer<CChar>?] = []
        for field in raw {
            guard let field else {
                converted.append(nil)
                continue
            }
            guard let out = yardstick_to_utf8(encoding, field, strlen(field)) else {
                for c in converted { free(UnsafeMutablePointer(mutating: c)) }
                return nil
            }
            converted.append(UnsafePointer(out))
        }
        fields = converted
    }

    deinit {
        for f in fields { free(UnsafeMutablePointer(mutating: f)) }
    }

    /// git's `is_encoding_utf8`: `utf-8` or `utf8` in any case (no conversion then).
    static func isUTF8(_ name: UnsafePointer<CChar>) -> Bool {
        strcasecmp(name, "utf-8") == 0 || strcasecmp(name, "utf8") == 0
    }
}
