/// One file's change in a diff, with git's `--numstat` line counts.
public struct FileChange: Hashable, Sendable {
    /// How the file changed.
    public enum Status: UInt8, Sendable, Codable {
        case added, deleted, modified, renamed, typeChanged
    }

    /// The path after the change (for a deletion, the path that was deleted).
    public var path: String
    /// The path before a rename; nil otherwise.
    public var oldPath: String?
    public var status: Status
    /// Lines added, as `git diff --numstat` counts them; 0 for binary files.
    public var additions: Int
    /// Lines deleted, as `git diff --numstat` counts them; 0 for binary files.
    public var deletions: Int
    /// True when either side contains a NUL byte in its first 8000 bytes (git's rule), or is too large to diff.
    public var isBinary: Bool
    /// The changed line ranges (zero lines of context), for line-ownership tracking. Empty for binary files.
    public var hunks: [Hunk]
    /// For an added file whose content is identical to a file deleted (or renamed away) in the same diff:
    /// that file's path. `git blame` follows such a file to its source even when the diff paired the source
    /// with another destination.
    public var copiedFrom: String?
    /// True when the content of a side was absent from the repository, which a `.promisor` pack promises (a
    /// partial copy that leaves out large files): the change is then counted as binary, without lines or
    /// hunks, and the report says so (ADR 0011, addendum).
    public var contentMissing: Bool = false

    public init(
        path: String,
        oldPath: String? = nil,
        status: Status,
        additions: Int,
        deletions: Int,
        isBinary: Bool,
        hunks: [Hunk] = [],
        copiedFrom: String? = nil,
        contentMissing: Bool = false
    ) {
        self.copiedFrom = copiedFrom
        self.contentMissing = contentMissing
        self.path = path
        self.oldPath = oldPath
        self.status = status
        self.additions = additions
        self.deletions = deletions
        self.isBinary = isBinary
        self.hunks = hunks
    }
}

/// A changed range in a zero-context diff: `oldCount` lines from `oldStart` became `newCount` lines at `newStart`.
/// Line numbers are 1-based, as in a unified diff header; a count of zero means an insertion or pure deletion point.
public struct Hunk: Hashable, Sendable {
    public var oldStart: UInt32
    public var oldCount: UInt32
    public var newStart: UInt32
    public var newCount: UInt32

    public init(oldStart: UInt32, oldCount: UInt32, newStart: UInt32, newCount: UInt32) {
        self.oldStart = oldStart
        self.oldCount = oldCount
        self.newStart = newStart
        self.newCount = newCount
    }
}

extension Sequence where Element == FileChange {
    /// Sum of additions over text files.
    public var totalAdditions: Int { reduce(0) { $0 + ($1.isBinary ? 0 : $1.additions) } }
    /// Sum of deletions over text files.
    public var totalDeletions: Int { reduce(0) { $0 + ($1.isBinary ? 0 : $1.deletions) } }
}
