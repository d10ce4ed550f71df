internal import CLibGit2

/// An error reported by libgit2, captured on the thread where it happened.
package struct GitError: Error, Sendable, CustomStringConvertible {
    /// libgit2's error code (`git_error_code`), e.g. -3 for "not found".
    package var code: Int32
    /// libgit2's error class (`git_error_t`), e.g. 6 for "repository"; 0 when libgit2 set none.
    package var errorClass: Int32
    /// libgit2's message, or a description of the failing call when libgit2 left none.
    package var message: String
    /// The libgit2 function (or bridge operation) that failed.
    package var function: String

    package init(code: Int32, errorClass: Int32 = 0, message: String, function: String) {
        self.code = code
        self.errorClass = errorClass
        self.message = message
        self.function = function
    }

    package var description: String { message }

    /// The error class of Yardstick's own checks of a repository (ADR 0011): the message says it all, and no
    /// libgit2 function failed.
    package static let repositoryCheckClass: Int32 = -1000

    /// True for a failed check of Yardstick's own (damage, partial clone, cycles), rather than a libgit2 call.
    package var isRepositoryCheck: Bool { errorClass == Self.repositoryCheckClass }

    /// True for `GIT_ENOTFOUND`.
    package var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }

    /// True for `GIT_EINVALIDSPEC` (a revision that is not well formed) and `GIT_EAMBIGUOUS`.
    package var isInvalidSpec: Bool { code == GIT_EINVALIDSPEC.rawValue || code == GIT_EAMBIGUOUS.rawValue }
}

/// The single place where libgit2 return codes become Swift errors. `git_error_last()` is thread-local,
/// so it is read here, synchronously, right after the failing call.
@discardableResult
func check(_ rc: Int32, _ function: String = #function) throws(GitError) -> Int32 {
    guard rc < 0 else { return rc }
    if let last = git_error_last() {
        let message = last.pointee.message.map { String(cString: $0) } ?? "\(function) failed with code \(rc)"
        throw GitError(code: rc, errorClass: last.pointee.klass, message: message, function: function)
    }
    throw GitError(code: rc, message: "\(function) failed with code \(rc)", function: function)
}
