#ifndef YARDSTICK_CGITPACK_H
#define YARDSTICK_CGITPACK_H

#include <stddef.h>
#include <stdint.h>

/*
 * A read-only reader of a repository's pack files, plugged into libgit2 as an object-database backend
 * (ADR 0009). libgit2 1.5 keeps a fixed 16 MiB delta-base cache per pack, shared by every thread, and
 * caches only the first object of each delta chain, so reading a blob deep in a chain inflates the whole
 * chain again. This reader keeps every base it resolves, and every delta result, in an LRU cache of a
 * chosen size, as git's own delta-base cache does. Each pack is mapped once per process and its cache is
 * shared by every backend (one per repository handle, hence per worker thread) that asks for the same size.
 *
 * The backend answers only for objects inside the pack files it could parse (index version 2, pack
 * version 2 or 3). Anything else (loose objects, other packs, alternates, data it finds malformed) it
 * passes on to libgit2's own readers, which then report their usual errors.
 *
 * The header deliberately names no libgit2 type: GitBridge, the only module that imports libgit2, adds
 * the returned pointer (a git_odb_backend *) to a repository's object database.
 */

/* A backend over the pack files in `objects_dir`/pack, with a delta-base cache of `cache_bytes` split over
 * its packs (at least 8 MiB each; entries are charged their bookkeeping too). Returns
 * NULL when the directory holds no pack it can read; the caller then keeps libgit2's readers alone. */
void *yardstick_pack_backend_new(const char *objects_dir, size_t cache_bytes);

/* Frees a backend that was never handed to libgit2 (once added, the object database frees it). */
void yardstick_pack_backend_free(void *backend);

/* The libgit2 priority to add the backend with: above libgit2's own pack (2) and loose (1) readers. */
#define YARDSTICK_PACK_BACKEND_PRIORITY 3

/* Counters of one backend, for tests and timings. */
typedef struct {
    uint64_t reads;          /* objects this backend returned */
    uint64_t passed;         /* lookups it passed on (not in its packs, or malformed) */
    uint64_t inflated;       /* pack entries inflated (objects and deltas) */
    uint64_t cache_hits;     /* delta chains cut short by the cache */
    uint64_t cached_bytes;   /* bytes the caches of its packs hold now (shared with other backends) */
    uint64_t freed_after_pin; /* entries of its packs evicted while in use, freed by their last user */
    uint64_t deferred_frees; /* entries of its packs handed to the thread that allocated them */
} yardstick_pack_stats;

void yardstick_pack_backend_stats(const void *backend, yardstick_pack_stats *out);

/* Hands every mapped pack's pages back to the page cache now (MADV_DONTNEED, as after RELEASE_AFTER bytes
 * read): for a phase that reads objects from all over the history, where each small read maps a whole
 * fault-around window and the resident set would grow faster than the bytes read. */
void yardstick_pack_release_pages(void);

/* Reads one object with the reader alone, bypassing libgit2 (tests): 0 and a malloc'd buffer the caller
 * frees, or -1 when this reader does not have the object or finds it malformed. */
int yardstick_pack_read(void *backend, const unsigned char oid[20], void **data, size_t *length, int *type);

/* An object read by the reader alone, without a copy: `data` (NUL-terminated, `length` bytes) stays valid until
 * yardstick_pack_unborrow. It is the shared cache's own copy, pinned, or a buffer of the borrower's. */
typedef struct {
    const unsigned char *data;
    size_t length;
    int type;
    void *entry; /* the pinned cache entry, or NULL when `data` is the borrower's */
    void *cache;
} yardstick_borrowed;

/* Reads one object with the reader alone, bypassing libgit2 and its copy of every object (GitBridge's blob
 * reads): 0, or -1 when the reader does not have it or finds it malformed (then ask libgit2). */
int yardstick_pack_borrow(void *backend, const unsigned char oid[20], yardstick_borrowed *out);

/* Gives a borrowed object back (unpins or frees it); `borrowed` is zeroed. */
void yardstick_pack_unborrow(yardstick_borrowed *borrowed);

/* Tests: a scripted run of the shared cache (an entry evicted while pinned stays readable, leaves the
 * table, and is freed by its last user; the stripe stays within budget). 0 when every check holds, else
 * a bit per failed check. */
int yardstick_pack_cache_selftest(void);

/* ---- verification (ADR 0011) ---- */

/* SHA-1, for pack and index checksums and loose objects. */
typedef struct {
    uint32_t h[5];
    uint64_t length;
    unsigned char buffer[64];
    size_t used;
} yardstick_sha1_ctx;

void yardstick_sha1_init(yardstick_sha1_ctx *c);
void yardstick_sha1_update(yardstick_sha1_ctx *c, const void *data, size_t n);
void yardstick_sha1_final(yardstick_sha1_ctx *c, unsigned char out[20]);

/* Tests: known SHA-1 vectors, and the accelerated implementation (x86 SHA extensions, when the CPU has them)
 * against the portable one. 0 when every check holds, else a bit per failed check. */
int yardstick_sha1_selftest(void);

/* What yardstick_pack_verify found. */
enum {
    YARDSTICK_VERIFY_OK = 0,
    YARDSTICK_VERIFY_IDX_NOT_REGULAR = 1,  /* the .idx is a FIFO, device, socket or folder */
    YARDSTICK_VERIFY_IDX_UNREADABLE = 2,   /* the .idx cannot be opened */
    YARDSTICK_VERIFY_PACK_NOT_REGULAR = 3, /* the .pack is not a regular file */
    YARDSTICK_VERIFY_PACK_MISSING = 4,     /* the .idx has no .pack beside it */
    YARDSTICK_VERIFY_IDX_FORMAT = 5,       /* not an index (too short, wrong signature) */
    YARDSTICK_VERIFY_IDX_CHECKSUM = 6,     /* the index's content does not hash to its trailer */
    YARDSTICK_VERIFY_PACK_FORMAT = 7,      /* not a pack (too short, wrong signature) */
    YARDSTICK_VERIFY_IDX_OTHER_PACK = 8,   /* the index records another pack's checksum */
    YARDSTICK_VERIFY_PACK_CHECKSUM = 9,    /* the pack's content does not hash to its trailer */
    YARDSTICK_VERIFY_IO = 10,              /* a read failed (or out of memory) */
};

/* Checks a pack and its index in one sequential pass each, as `git verify-pack` starts: the index's SHA-1
 * trailer against its content, the pack checksum the index records against the pack's trailer, and the
 * pack's trailer against the SHA-1 of its content. Never blocks on a FIFO. Returns a YARDSTICK_VERIFY_*
 * code; for the checksum cases, `found` is what the content hashes to and `recorded` what the file says. */
int yardstick_pack_verify(const char *idx_path, const char *pack_path, unsigned char found[20], unsigned char recorded[20]);

/* 1 when `path` exists and is not a regular file (or a link to one): a FIFO, socket, device or folder. */
int yardstick_path_is_irregular(const char *path);

/* A libgit2 object-database backend (a git_odb_backend *) over the loose objects in `objects_dir`, which
 * hashes every object it reads and refuses one whose content does not hash to its name. NULL on failure. */
void *yardstick_loose_backend_new(const char *objects_dir);

/* Frees a loose backend that was never handed to libgit2. */
void yardstick_loose_backend_free(void *backend);

/* A backend (a git_odb_backend *) that reads through `inner` (which it then owns and frees) and hashes every
 * object read, refusing one whose content is not its id: YARDSTICK_VERIFY=all. NULL on failure. */
void *yardstick_verifying_backend_new(void *inner);

/* libgit2's own pack reader over `objects_dir`/pack (to wrap for YARDSTICK_VERIFY=all when
 * YARDSTICK_PACK_READER=libgit2); NULL on failure. */
void *yardstick_libgit2_pack_backend_new(const char *objects_dir);

/* Frees any backend above (through its own free function) that was never handed to libgit2. */
void yardstick_odb_backend_free(void *backend);

/* The libgit2 priority of the loose backend: below Yardstick's pack reader (3), with libgit2's pack reader
 * (2), above libgit2's unverified loose reader (1). */
#define YARDSTICK_LOOSE_BACKEND_PRIORITY 2

#endif
