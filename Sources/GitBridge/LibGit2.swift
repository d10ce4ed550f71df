internal import CLibGit2

/// Process-wide libgit2 set-up, done once before the first handle is opened.
enum LibGit2 {
    /// Initialises libgit2 exactly once (`git_libgit2_init`) and applies Yardstick's global options:
    /// - strict hash verification off: objects are read, never written, and re-hashing every object read
    ///   is a large share of mining time (measured in ADR 0006);
    /// - no global, XDG or system configuration: results must not depend on the user running the tool;
    /// - no owner validation: nothing from the repository is ever executed, so a clone owned by
    ///   another user is safe to read.
    static let initialized: Bool = {
        precondition(git_libgit2_init() > 0, "git_libgit2_init failed")
        _ = yardstick_git_set_strict_hash_verification(0)
        _ = yardstick_git_set_owner_validation(0)
        for level in [GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_XDG, GIT_CONFIG_LEVEL_GLOBAL, GIT_CONFIG_LEVEL_PROGRAMDATA] {
            _ = yardstick_git_set_search_path_empty(level.rawValue)
        }
        _ = yardstick_git_set_cache_max_size(256 * 1024 * 1024)
        return true
    }()

    /// The linked libgit2 version, e.g. "1.5.1".
    static var version: String {
        var major: Int32 = 0
        var minor: Int32 = 0
        var rev: Int32 = 0
        git_libgit2_version(&major, &minor, &rev)
        return "\(major).\(minor).\(rev)"
    }
}

