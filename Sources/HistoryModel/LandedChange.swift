/// How a change reached the branch's first-parent line.
public enum ChangeKind: String, Sendable, CaseIterable, Codable, Comparable {
    /// A merge commit (GitHub, GitLab, Bitbucket, Azure DevOps or a plain topic-branch merge; octopus too).
    case merge
    /// A single-parent commit whose subject ends with `(#N)` or `(!N)`: a forge's squash merge.
    case squash
    /// A commit carrying a Gerrit `Reviewed-on:` trailer.
    case gerrit
    /// Commits a forge rebased onto the branch: committed by the forge, sharing one committer time.
    case rebase
    /// Consecutive single-parent commits that one maintainer committed for other authors in one sitting, as
    /// `git am` or a local rebase of a contributor's series leaves them: the same committer, close committer
    /// times, at least one author who is not the committer. Reviewed only where review trailers say so.
    case applied
    /// Anything else on the first-parent line: landed without a review the history can show.
    case direct
    /// A merge that integrates a long-lived branch (`Merge branch 'development'`, `maint` into `master`, a
    /// branch whose own first-parent line holds many merges): many pull requests at once, not one. Kept out
    /// of PR size and the per-PR review metrics (ADR 0018).
    case integration

    /// Classification precedence: merge first, direct last.
    public var rank: Int {
        switch self {
        case .merge: return 0
        case .squash: return 1
        case .gerrit: return 2
        case .rebase: return 3
        case .applied: return 4
        case .direct: return 5
        case .integration: return 6
        }
    }

    public static func < (a: ChangeKind, b: ChangeKind) -> Bool { a.rank < b.rank }
}

/// The two ends of a diff: `git diff base tip`. A nil base is the empty tree.
public struct DiffRange: Hashable, Sendable {
    public var base: ObjectID?
    public var tip: ObjectID

    public init(base: ObjectID?, tip: ObjectID) {
        self.base = base
        self.tip = tip
    }
}

/// One landed change ("pull request") on the branch's first-parent line.
public struct LandedChange: Sendable {
    public var kind: ChangeKind
    /// The PR, merge-request or Gerrit change number, when history names it.
    public var number: Int?
    /// The first-parent commit that landed it (for a rebase or applied group, the newest commit of the group).
    public var commit: ObjectID
    /// The commits that make up the change: a merge's branch-side commits, otherwise the first-parent commits.
    public var commits: [ObjectID]
    /// The author credited with the change.
    public var author: Identity
    /// Further people credited through `Co-authored-by:` trailers.
    public var coAuthors: [Identity]
    /// The change's title: a merge's PR title from its message (GitHub, GitLab, Bitbucket put it in the body), else the subject.
    public var title: String
    /// Earliest author time among the change's commits.
    public var authoredAt: Int64
    /// Committer time of the landing commit.
    public var landedAt: Int64
    /// What the reviewer saw, as diffs whose numstat totals add up to the change's size.
    public var reviewedDiffs: [DiffRange]
    /// The files of those diffs, with line counts. Their hunks are left out (line ownership reads the
    /// commits' own records).
    public var files: [FileChange]

    public init(
        kind: ChangeKind,
        number: Int?,
        commit: ObjectID,
        commits: [ObjectID],
        author: Identity,
        coAuthors: [Identity],
        title: String,
        authoredAt: Int64,
        landedAt: Int64,
        reviewedDiffs: [DiffRange],
        files: [FileChange]
    ) {
        self.kind = kind
        self.number = number
        self.commit = commit
        self.commits = commits
        self.author = author
        self.coAuthors = coAuthors
        self.title = title
        self.authoredAt = authoredAt
        self.landedAt = landedAt
        self.reviewedDiffs = reviewedDiffs
        self.files = files
    }

    /// Lines added over text files (git's numstat total).
    public var additions: Int { files.totalAdditions }
    /// Lines deleted over text files (git's numstat total).
    public var deletions: Int { files.totalDeletions }
}
