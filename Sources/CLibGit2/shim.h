#ifndef YARDSTICK_CLIBGIT2_SHIM_H
#define YARDSTICK_CLIBGIT2_SHIM_H

#include <git2.h>
#include <git2/sys/odb_backend.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* git_libgit2_opts is variadic, which Swift cannot call: one static inline wrapper per option used. */

static inline int yardstick_git_set_strict_hash_verification(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, enabled);
}

static inline int yardstick_git_set_cache_max_size(long long bytes) {
    return git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)bytes);
}

/* The largest object of one type that the object cache keeps (0: none of that type). */
static inline int yardstick_git_set_cache_object_limit(git_object_t type, size_t bytes) {
    return git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, type, bytes);
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

/* glibc's allocator grows and shrinks each thread's heap a little at a time with mprotect(2), and every
 * such change to a mapping shared by running threads interrupts the other cores (a TLB shootdown): 2,800
 * calls on libgit2's history. Growing by 64 MiB and keeping up to 256 MiB of freed memory at the top makes
 * them rare (49). Untouched pages stay out of the resident set. Returns 1 when both settings took. */
#if defined(__GLIBC__)
#include <malloc.h>
static inline int yardstick_tune_allocator(void) {
    return mallopt(M_TOP_PAD, 64 << 20) == 1 && mallopt(M_TRIM_THRESHOLD, 256 << 20) == 1;
}
/* Gives the pages of freed memory back to the system, inside the heaps as well as at their tops
 * (malloc_trim(3)): mining frees its per-diff buffers between long-lived records, and without this the
 * resident set keeps every page ever touched. Returns 1 when memory was released. */
static inline int yardstick_release_free_memory(void) { return malloc_trim(0); }
#else
static inline int yardstick_tune_allocator(void) { return 0; }
static inline int yardstick_release_free_memory(void) { return 0; }
#endif

/*
 * Spans: xdiff over parts of two blobs without re-hashing them.
 *
 * git trims the common tail of two files before a zero-context diff (xdiff-interface.c, trim_common_tail);
 * libgit2's git_diff_blobs diffs whole blobs, and git_diff_buffers SHA-1-hashes both buffers to make up
 * object ids. A private in-memory object database serves two byte spans as blobs under made-up ids, so
 * that git_diff_blobs sees exactly the bytes git's own diff sees. Nothing is written anywhere: the
 * database lives in memory and only ever answers for the two spans set just before the lookup.
 */
typedef struct {
    git_odb_backend parent;
    const void *data[2];
    size_t length[2];
    uint64_t sequence;
} yardstick_span_backend;

static inline int yardstick_span_slot(const git_oid *oid) {
    return (oid->id[0] == 0xA0 || oid->id[0] == 0xA1) ? oid->id[0] - 0xA0 : -1;
}

static inline int yardstick_span_read(
    void **out, size_t *length, git_object_t *type, git_odb_backend *backend, const git_oid *oid) {
    yardstick_span_backend *spans = (yardstick_span_backend *)backend;
    int slot = yardstick_span_slot(oid);
    if (slot < 0 || spans->data[slot] == NULL) return GIT_ENOTFOUND;
    size_t n = spans->length[slot];
    void *copy = git_odb_backend_data_alloc(backend, n > 0 ? n : 1);
    if (copy == NULL) return -1;
    if (n > 0) memcpy(copy, spans->data[slot], n);
    *out = copy;
    *length = n;
    *type = GIT_OBJECT_BLOB;
    return 0;
}

static inline int yardstick_span_read_header(
    size_t *length, git_object_t *type, git_odb_backend *backend, const git_oid *oid) {
    yardstick_span_backend *spans = (yardstick_span_backend *)backend;
    int slot = yardstick_span_slot(oid);
    if (slot < 0 || spans->data[slot] == NULL) return GIT_ENOTFOUND;
    *length = spans->length[slot];
    *type = GIT_OBJECT_BLOB;
    return 0;
}

static inline int yardstick_span_exists(git_odb_backend *backend, const git_oid *oid) {
    yardstick_span_backend *spans = (yardstick_span_backend *)backend;
    int slot = yardstick_span_slot(oid);
    return slot >= 0 && spans->data[slot] != NULL;
}

static inline void yardstick_span_free(git_odb_backend *backend) { free(backend); }

/* A repository over a span database; NULL on failure. The backend pointer stays valid as long as the
 * repository does. */
static inline git_repository *yardstick_span_repository_new(yardstick_span_backend **backend_out) {
    yardstick_span_backend *spans = calloc(1, sizeof(yardstick_span_backend));
    if (spans == NULL) return NULL;
    if (git_odb_init_backend(&spans->parent, GIT_ODB_BACKEND_VERSION) < 0) { free(spans); return NULL; }
    spans->parent.read = yardstick_span_read;
    spans->parent.read_header = yardstick_span_read_header;
    spans->parent.exists = yardstick_span_exists;
    spans->parent.free = yardstick_span_free;
    git_odb *odb = NULL;
    if (git_odb_new(&odb) < 0) { free(spans); return NULL; }
    if (git_odb_add_backend(odb, &spans->parent, 1) < 0) { free(spans); git_odb_free(odb); return NULL; }
    git_repository *repo = NULL;
    int rc = git_repository_wrap_odb(&repo, odb);
    git_odb_free(odb); /* the repository holds its own reference */
    if (rc < 0) return NULL;
    *backend_out = spans;
    return repo;
}

/* Zero-context hunks between two byte spans, through git_diff_blobs; returns a libgit2 error code. Each
 * call uses fresh ids, so no object cache can ever answer with an earlier span. */
static inline int yardstick_span_diff(
    git_repository *repo, yardstick_span_backend *spans,
    const void *old_data, size_t old_length, const void *new_data, size_t new_length,
    const git_diff_options *options, git_diff_hunk_cb hunk_cb, void *payload) {
    git_oid ids[2];
    spans->sequence += 1;
    for (int slot = 0; slot < 2; slot++) {
        memset(&ids[slot], 0, sizeof(git_oid));
        ids[slot].id[0] = (unsigned char)(0xA0 + slot);
        memcpy(&ids[slot].id[1], &spans->sequence, sizeof(spans->sequence));
    }
    spans->data[0] = old_data == NULL ? "" : old_data;
    spans->length[0] = old_length;
    spans->data[1] = new_data == NULL ? "" : new_data;
    spans->length[1] = new_length;
    git_blob *old_blob = NULL, *new_blob = NULL;
    int rc = git_blob_lookup(&old_blob, repo, &ids[0]);
    if (rc == 0) rc = git_blob_lookup(&new_blob, repo, &ids[1]);
    /* Empty paths, not NULL: for a NULL path libgit2 makes up "file" and looks up its diff driver in the
     * attributes, a stat(2) of ./file for every diff; an empty path has no attributes to look up. */
    if (rc == 0) rc = git_diff_blobs(old_blob, "", new_blob, "", options, NULL, NULL, hunk_cb, NULL, payload);
    git_blob_free(old_blob);
    git_blob_free(new_blob);
    spans->data[0] = spans->data[1] = NULL;
    return rc;
}


/* A commit's text in UTF-8, as git's reencode_string_len gives it for a commit whose `encoding` header names
 * another encoding (utf8.c: iconv_open to UTF-8, and on failure once more with git's fallback names). Returns a
 * malloc'd, NUL-terminated buffer (free(3) it), or NULL when iconv does not know the encoding or the bytes are
 * not valid in it: git then shows the bytes as they are. */
#include <errno.h>
#include <iconv.h>
#include <strings.h>
static inline char *yardstick_to_utf8(const char *encoding, const char *in, size_t length) {
    iconv_t cd = iconv_open("UTF-8", encoding);
    if (cd == (iconv_t)-1 && (strcasecmp(encoding, "latin-1") == 0 || strcasecmp(encoding, "latin1") == 0))
        cd = iconv_open("UTF-8", "ISO-8859-1");
    if (cd == (iconv_t)-1) return NULL;
    size_t capacity = length * 4 + 16;
    char *out = malloc(capacity);
    if (out == NULL) { iconv_close(cd); return NULL; }
    char *source = (char *)in;
    size_t left = length;
    char *target = out;
    size_t room = capacity - 1;
    for (;;) {
        size_t rc = left > 0 ? iconv(cd, &source, &left, &target, &room) : iconv(cd, NULL, NULL, &target, &room);
        if (rc != (size_t)-1) {
            if (left == 0 && source != NULL) { source = NULL; continue; } /* flush a stateful encoding once */
            break;
        }
        if (errno != E2BIG) { free(out); iconv_close(cd); return NULL; }
        size_t used = (size_t)(target - out);
        capacity *= 2;
        char *grown = realloc(out, capacity);
        if (grown == NULL) { free(out); iconv_close(cd); return NULL; }
        out = grown;
        target = out + used;
        room = capacity - used - 1;
    }
    *target = 0;
    iconv_close(cd);
    return out;
}

#endif
