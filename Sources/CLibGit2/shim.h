#ifndef YARDSTICK_CLIBGIT2_SHIM_H
#define YARDSTICK_CLIBGIT2_SHIM_H

#include <git2.h>

/* git_libgit2_opts is variadic, which Swift cannot call: one static inline wrapper per option used. */

static inline int yardstick_git_set_strict_hash_verification(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, enabled);
}

static inline int yardstick_git_set_cache_max_size(long long bytes) {
    return git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)bytes);
}

static inline int yardstick_git_set_owner_validation(int enabled) {
    return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, enabled);
}

static inline int yardstick_git_set_search_path_empty(int level) {
    return git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, "");
}

static inline int yardstick_git_set_mwindow_mapped_limit(size_t bytes) {
    return git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, bytes);
}

#endif
