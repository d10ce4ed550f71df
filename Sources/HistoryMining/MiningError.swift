package import GitBridge
package import HistoryModel

/// Why mining failed, in terms a user can act on.
package enum MiningError: Error, Sendable, CustomStringConvertible {
    case notARepository(path: String)
    case emptyRepository(path: String)
    case unknownBranch(path: String, branch: String)
    case shallow(path: String, boundaries: Int, firstParentCommitsPresent: Int)
    case git(path: String, GitError)
    /// The branch or revision names a commit that cannot be read (damaged or missing objects).
    case unreadableTip(path: String, revision: String, commit: ObjectID, GitError)
    /// A commit is its own ancestor: an object lies about its id (ADR 0011).
    case commitCycle(path: String, commit: ObjectID)

    package var description: String {
        switch self {
        case .notARepository(let path):
            return "\(path): not a git repository"
        case .emptyRepository(let path):
            return "\(path): the repository has no commits yet"
        case .unknownBranch(let path, let branch):
            return "\(path): unknown branch or revision '\(branch)'"
        case .shallow(let path, let boundaries, let present):
            return
                "\(path): shallow clone: history stops at \(boundaries) boundary commit(s) after \(present) first-parent commit(s); everything older is missing. Run `git fetch --unshallow`, or pass --allow-shallow to analyse only what is present"
        case .git(let path, let error) where error.isRepositoryCheck:
            return "\(path): \(error.message)"
        case .git(let path, let error):
            return "\(path): cannot read history: \(error.message) (\(error.function))"
        case .unreadableTip(let path, let revision, let commit, let error):
            return "\(path): \(revision) points at commit \(commit.hex), which cannot be read: \(error.message)"
        case .commitCycle(let path, let commit):
            return
                "\(path): commit \(commit.hex) is its own ancestor (its parents lead back to it): the repository is damaged"
        }
    }
}

extension MiningError {
    /// Why `revision` (nil: HEAD) could not be resolved to a commit. A name that exists but whose commit cannot
    /// be read is damage, not an empty repository or an unknown branch: only a name that resolves to nothing is
    /// reported as unknown.
    static func unresolved(path: String, branch: String?, error: GitError, in repository: Repository) -> MiningError {
        let revision = branch ?? "HEAD"
        if let target = repository.referenceTarget(revision) {
            return .unreadableTip(path: path, revision: revision, commit: target, error)
        }
        if branch == nil { return .emptyRepository(path: path) }
        if error.isNotFound || error.isInvalidSpec { return .unknownBranch(path: path, branch: revision) }
        return .git(path: path, error)
    }
}
