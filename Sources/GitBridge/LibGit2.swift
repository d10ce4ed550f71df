internal import CDiffTrim
internal import CLibGit2

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// Process-wide libgit2 set-up, done once before the first handle is opened.
enum LibGit2 {
    /// Initialises libgit2 exactly once (`git_libgit2_init`) and applies Yardstick's global options:
    /// - libgit2's strict hash verification off: Yardstick checks packs whole when opened and hashes loose
    ///   objects when read, and every object with `YARDSTICK_VERIFY=all`, in its own readers (ADR 0011);
    ///   libgit2's switch is process-wide and would refuse the span database's made-up ids;
    /// - no global, XDG or system configuration: results must not depend on the user running the tool;
    /// - no owner validation: nothing from the repository is ever executed, so a clone owned by
    ///   another user is safe to read;
    /// - a bounded object cache (96 MiB) that keeps no commits (each is read once, and cached commits left
    ///   holes between the long-lived header strings read at the same time) and bounded pack windows
    ///   (256 MiB mapped);
    /// - the C allocator's heaps grown and trimmed in large steps (fewer mappings changed under running
    ///   worker threads, ADR 0008).
    static let initialized: Bool = {
        precondition(git_libgit2_init() > 0, "git_libgit2_init failed")
        _ = yardstick_git_set_strict_hash_verification(0)
        _ = yardstick_git_set_owner_validation(0)
        for level in [
            GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_XDG, GIT_CONFIG_LEVEL_GLOBAL, GIT_CONFIG_LEVEL_PROGRAMDATA,
        ] {
            _ = yardstick_git_set_search_path_empty(level.rawValue)
        }
        // Memory: the object cache and the pack windows mapped at once are bounded, so that peak memory grows
        // with the working set rather than with the size of the pack (ADR 0008).
        _ = yardstick_git_set_cache_max_size(96 * 1024 * 1024)
        _ = yardstick_git_set_cache_object_limit(GIT_OBJECT_COMMIT, 0)
        _ = yardstick_git_set_mwindow_mapped_limit(256 * 1024 * 1024)
        _ = yardstick_tune_allocator()
        return true
    }()
}

/// The C allocator, as far as Yardstick tunes it.
package enum Allocator {
    /// Returns the pages of freed memory to the system (glibc's `malloc_trim`), so that the resident set
    /// is what is in use rather than the most ever touched. Called between mining phases.
    package static func releaseFreeMemory() {
        _ = LibGit2.initialized
        _ = yardstick_release_free_memory()
    }
}

extension LibGit2 {
    /// The libgit2 this process runs with (`git_libgit2_version`), which need not be the one built against.
    static let version: (major: Int, minor: Int, revision: Int) = {
        var major: Int32 = 0
        var minor: Int32 = 0
        var revision: Int32 = 0
        _ = git_libgit2_version(&major, &minor, &revision)
        return (Int(major), Int(minor), Int(revision))
    }()

    /// Whether the trim planner (`Sources/CDiffTrim`), which replays one libgit2 version's xdiff, holds for
    /// a libgit2 of this version: only the same major and minor version.
    static func trimPlannerApplies(major: Int, minor: Int) -> Bool {
        major == Int(YARDSTICK_TRIM_XDIFF_MAJOR) && minor == Int(YARDSTICK_TRIM_XDIFF_MINOR)
    }

    /// Whether diffs may use the trim planner with the libgit2 this process runs with. When not, diffs are
    /// computed on whole texts (the same counts, more slowly), and a one-line note says so on standard error,
    /// once per process.
    static let trimPlannerApplies: Bool = {
        let v = version
        guard trimPlannerApplies(major: v.major, minor: v.minor) else {
            let note =
                "yardstick: note: libgit2 \(v.major).\(v.minor).\(v.revision) is not the \(YARDSTICK_TRIM_XDIFF_MAJOR).\(YARDSTICK_TRIM_XDIFF_MINOR).x whose xdiff the diff trimming replays; whole files are diffed (same counts, slower)\n"
            var bytes = Array(note.utf8)
            _ = write(2, &bytes, bytes.count)
            return false
        }
        return true
    }()
}
