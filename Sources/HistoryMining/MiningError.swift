package import GitBridge

/// Why mining failed, in terms a user can act on.
package enum MiningError: Error, Sendable, CustomStringConvertible {
    case notARepository(path: String)
    case emptyRepository(path: String)
    case unknownBranch(path: String, branch: String)
    case shallow(path: String, boundaries: Int, firstParentCommitsPresent: Int)
    case git(path: String, GitError)

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
        case .git(let path, let error):
            return "\(path): cannot read history: \(error.message) (\(error.function))"
        }
    }
}
