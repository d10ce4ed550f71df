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

/* Reads one object with the reader alone, bypassing libgit2 (tests): 0 and a malloc'd buffer the caller
 * frees, or -1 when this reader does not have the object or finds it malformed. */
int yardstick_pack_read(void *backend, const unsigned char oid[20], void **data, size_t *length, int *type);

/* Tests: a scripted run of the shared cache (an entry evicted while pinned stays readable, leaves the
 * table, and is freed by its last user; the stripe stays within budget). 0 when every check holds, else
 * a bit per failed check. */
int yardstick_pack_cache_selftest(void);

#endif
