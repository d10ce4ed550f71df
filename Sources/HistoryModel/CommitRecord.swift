/// Everything Yardstick needs to know about one commit. It depends only on the commit itself (and the
/// repository's `.mailmap`), so a store can cache it by id.
public struct CommitRecord: Sendable, Equatable {
    public var id: ObjectID
    public var parents: [ObjectID]
    /// Author after `.mailmap`.
    public var author: Signature
    /// Committer after `.mailmap`.
    public var committer: Signature
    /// The full message, decoded as UTF-8 with invalid bytes repaired.
    public let message: String
    /// Trailers from the message's last paragraph, in order.
    public var trailers: [Trailer]
    /// People credited by `Co-authored-by:` trailers, after `.mailmap`, in trailer order.
    public var coAuthors: [Identity]
    /// People named by review trailers (`Reviewed-by`, `Acked-by`, `Approved-by`, `Tested-by`), after
    /// `.mailmap`, in trailer order.
    public var reviewers: [Identity]
    /// The diff against the first parent (a root commit: against the empty tree).
    public var files: [FileChange]
    /// For a merge commit: one entry per parent after the first.
    public var sideBranches: [SideBranch]

    public init(
        id: ObjectID,
        parents: [ObjectID],
        author: Signature,
        committer: Signature,
        message: String,
        trailers: [Trailer]? = nil,
        coAuthors: [Identity]? = nil,
        reviewers: [Identity]? = nil,
        files: [FileChange] = [],
        sideBranches: [SideBranch] = []
    ) {
        self.id = id
        self.parents = parents
        self.author = author
        self.committer = committer
        self.message = message
        self.storedSubject = Message.subject(of: message)
        let parsed = trailers ?? Trailer.parse(message: message)
        self.trailers = parsed
        self.coAuthors =
            coAuthors
            ?? parsed.filter { $0.key.lowercased() == "co-authored-by" }.compactMap { Message.identity($0.value) }
        self.reviewers =
            reviewers
            ?? parsed.filter { Trailer.reviewKeys.contains($0.key.lowercased()) }.compactMap {
                Message.identity($0.value)
            }
        self.files = files
        self.sideBranches = sideBranches
    }

    /// The subject: the first paragraph of the message folded onto one line, as `git log --format=%s` prints it.
    public var subject: String { storedSubject }
    private let storedSubject: String

    public var isMerge: Bool { parents.count > 1 }
}

/// What a merge brought in from one of its non-first parents.
public struct SideBranch: Sendable, Equatable {
    /// The merged parent (the branch tip).
    public var tip: ObjectID
    /// The best common ancestor of the first parent and `tip`; nil when they share no history.
    public var mergeBase: ObjectID?
    /// Commits reachable from `tip` but not from the first parent (`M^1..tip`), newest first.
    public var commits: [ObjectID]
    /// `git diff mergeBase tip`: what a reviewer of the branch saw.
    public var reviewedFiles: [FileChange]

    public init(tip: ObjectID, mergeBase: ObjectID?, commits: [ObjectID], reviewedFiles: [FileChange]) {
        self.tip = tip
        self.mergeBase = mergeBase
        self.commits = commits
        self.reviewedFiles = reviewedFiles
    }
}
