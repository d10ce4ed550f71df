/*
 * A read-only pack-file reader with a real delta-base cache, served to libgit2 as an object-database
 * backend. See include/CGitPack.h and ADR 0009.
 *
 * Formats (git's Documentation/gitformat-pack.txt):
 *   .idx v2: "\377tOc", version 2, 256-entry fan-out, N object names (20 bytes, sorted), N CRCs,
 *            N 4-byte offsets (high bit: index into the 8-byte offset table), 8-byte offsets, 2 checksums.
 *   .pack:   "PACK", version 2 or 3, N; entries; a checksum. An entry is a size-and-type varint, then
 *            for an offset delta the distance back to its base, for a reference delta the base's name,
 *            then the zlib stream of the object or the delta.
 *   delta:   base size and result size varints, then copy (bit 7 set) and insert (1..127) instructions.
 *
 * Every offset, length and instruction is checked against the mapped files; anything malformed makes
 * the read pass the object on to libgit2, which reports the error as it always does.
 */
#include "CGitPack.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libdeflate.h>

#include <git2/errors.h>
#include <git2/odb.h>
#include <git2/sys/odb_backend.h>

enum { OBJ_COMMIT = 1, OBJ_TREE = 2, OBJ_BLOB = 3, OBJ_TAG = 4, OBJ_OFS_DELTA = 6, OBJ_REF_DELTA = 7 };
enum { MAX_CHAIN = 10000 };

/* ---- the delta-base cache: one per pack file, shared by every backend (every worker thread) ----
 *
 * Workers take interleaved slices of history, so the bases one needs were often just resolved by the other.
 * The cache is split into stripes by offset, each with its own lock and its own least-recently-used order,
 * so that two threads rarely wait for each other. An entry in use (pinned) is never freed: evicted while
 * pinned, it leaves the table at once and is freed by its last user. */

typedef struct entry {
    uint64_t key; /* the entry's offset in the pack */
    unsigned char *data;
    size_t len;
    int type;
    int pins;
    int dead;
    int owner; /* the thread that allocated it (see release_entry) */
    struct entry *hnext, *prev, *next;
    struct entry *next_free;
} entry;

/* Freeing memory that another thread allocated makes glibc take that thread's arena lock, and the shared
 * cache evicts other threads' entries all the time: the two workers ended up waiting on each other inside
 * free(). So an entry is freed by the thread that allocated it. Another thread that drops it pushes it on
 * the owner's list (a lock-free stack), and the owner frees what its list holds at its next read. An entry
 * is freed at once instead when its owner is the one dropping it, has no id (more than OWNERS threads at
 * once), has exited, or already has PENDING_LIMIT bytes waiting (a thread that stopped reading). A thread
 * that exits frees its list and gives its id back. */
enum { OWNERS = 64, PENDING_LIMIT = 16 << 20 };
static _Atomic(entry *) pending_free[OWNERS];
static _Atomic size_t pending_bytes[OWNERS];
static _Atomic int owner_alive[OWNERS];
static pthread_mutex_t ids_lock = PTHREAD_MUTEX_INITIALIZER;
static int free_ids[OWNERS], free_count, next_id;
static pthread_key_t owner_key;
static pthread_once_t owner_once = PTHREAD_ONCE_INIT;
static _Thread_local int this_owner = -1;

static void free_entry_now(entry *e) {
    free(e->data);
    free(e);
}

static void drain_owner(int id) {
    entry *e = atomic_exchange_explicit(&pending_free[id], NULL, memory_order_seq_cst);
    while (e) {
        entry *next = e->next_free;
        atomic_fetch_sub_explicit(&pending_bytes[id], e->len, memory_order_relaxed);
        free_entry_now(e);
        e = next;
    }
}

/* At thread exit: nothing more will be pushed for this id, what was is freed, and the id is free. */
static void owner_exit(void *value) {
    int id = (int)(intptr_t)value - 1;
    if (id < 0 || id >= OWNERS) return;
    atomic_store_explicit(&owner_alive[id], 0, memory_order_seq_cst);
    drain_owner(id);
    pthread_mutex_lock(&ids_lock);
    free_ids[free_count++] = id;
    pthread_mutex_unlock(&ids_lock);
}

static void owner_key_init(void) { pthread_key_create(&owner_key, owner_exit); }

static int current_owner(void) {
    if (this_owner < 0) {
        pthread_once(&owner_once, owner_key_init);
        pthread_mutex_lock(&ids_lock);
        int id = free_count > 0 ? free_ids[--free_count] : (next_id < OWNERS ? next_id++ : OWNERS);
        pthread_mutex_unlock(&ids_lock);
        this_owner = id;
        if (id < OWNERS) {
            atomic_store_explicit(&owner_alive[id], 1, memory_order_release);
            pthread_setspecific(owner_key, (void *)(intptr_t)(id + 1));
        }
    }
    return this_owner;
}

/* Frees `e` now or hands it to its owner; returns 1 when handed over. */
static int release_entry(entry *e) {
    int me = current_owner();
    int owner = e->owner;
    if (owner == me || owner >= OWNERS || !atomic_load_explicit(&owner_alive[owner], memory_order_acquire) ||
        atomic_load_explicit(&pending_bytes[owner], memory_order_relaxed) > PENDING_LIMIT) {
        free_entry_now(e);
        return 0;
    }
    atomic_fetch_add_explicit(&pending_bytes[owner], e->len, memory_order_relaxed);
    entry *head = atomic_load_explicit(&pending_free[owner], memory_order_relaxed);
    do {
        e->next_free = head;
    } while (!atomic_compare_exchange_weak_explicit(&pending_free[owner], &head, e, memory_order_seq_cst,
                                                    memory_order_relaxed));
    /* The owner may have exited between the check above and the push, after draining its list: then no one
     * would free what was pushed. Whoever sees it gone drains the list (the owner's store of 0 and this load
     * are both sequentially consistent, so one of the two drains sees the entry). */
    if (!atomic_load_explicit(&owner_alive[owner], memory_order_seq_cst)) drain_owner(owner);
    return 1;
}

/* Frees the entries other threads dropped that this thread allocated. */
static void drain_pending(void) {
    int me = current_owner();
    if (me >= OWNERS || atomic_load_explicit(&pending_free[me], memory_order_relaxed) == NULL) return;
    drain_owner(me);
}

enum { STRIPES = 16, STRIPE_BUCKETS = 1 << 11 };

typedef struct {
    pthread_mutex_t lock;
    entry *buckets[STRIPE_BUCKETS];
    entry *head, *tail; /* most recently used first */
    size_t bytes;
} stripe;

typedef struct {
    stripe stripes[STRIPES];
    size_t stripe_limit, max_entry;
    _Atomic uint64_t freed_after_pin; /* entries evicted while in use, freed by their last user (tests) */
    _Atomic uint64_t deferred;        /* entries handed to the thread that allocated them (tests) */
} base_cache;

/* What an entry costs the budget: its data, its bookkeeping and the allocator's headers. */
static size_t charge(const entry *e) { return e->len + sizeof(entry) + 32; }

static uint64_t mix(uint64_t key) { return key * 0x9E3779B97F4A7C15ull; }

static stripe *stripe_of(base_cache *c, uint64_t key) { return &c->stripes[mix(key) >> 60]; }

static size_t bucket_of(uint64_t key) { return (size_t)(mix(key) >> 40) & (STRIPE_BUCKETS - 1); }

static base_cache *cache_new(size_t bytes) {
    base_cache *c = calloc(1, sizeof(base_cache));
    if (c == NULL) return NULL;
    for (int i = 0; i < STRIPES; i++) pthread_mutex_init(&c->stripes[i].lock, NULL);
    c->stripe_limit = bytes / STRIPES;
    c->max_entry = c->stripe_limit / 2;
    return c;
}

static void lru_unlink(stripe *s, entry *e) {
    if (e->prev) e->prev->next = e->next;
    else s->head = e->next;
    if (e->next) e->next->prev = e->prev;
    else s->tail = e->prev;
    e->prev = e->next = NULL;
}

static void lru_push_front(stripe *s, entry *e) {
    e->prev = NULL;
    e->next = s->head;
    if (s->head) s->head->prev = e;
    s->head = e;
    if (s->tail == NULL) s->tail = e;
}

static entry *find_locked(stripe *s, uint64_t key) {
    for (entry *e = s->buckets[bucket_of(key)]; e; e = e->hnext)
        if (e->key == key) return e;
    return NULL;
}

/* The entry for `key`, pinned (its data stays valid until cache_unpin), or NULL. */
static entry *cache_pin(base_cache *c, uint64_t key) {
    stripe *s = stripe_of(c, key);
    pthread_mutex_lock(&s->lock);
    entry *e = find_locked(s, key);
    if (e) {
        e->pins += 1;
        lru_unlink(s, e);
        lru_push_front(s, e);
    }
    pthread_mutex_unlock(&s->lock);
    return e;
}

static void cache_unpin(base_cache *c, entry *e) {
    stripe *s = stripe_of(c, e->key);
    pthread_mutex_lock(&s->lock);
    int gone = --e->pins == 0 && e->dead;
    pthread_mutex_unlock(&s->lock);
    if (gone) {
        atomic_fetch_add_explicit(&c->freed_after_pin, 1, memory_order_relaxed);
        if (release_entry(e)) atomic_fetch_add_explicit(&c->deferred, 1, memory_order_relaxed);
    }
}

/* Takes the least recently used entry out of the stripe (lock held); returns it to be released once the
 * lock is dropped, or NULL when it is pinned (its last user releases it). */
static entry *evict_locked(stripe *s) {
    entry *victim = s->tail;
    entry **p = &s->buckets[bucket_of(victim->key)];
    while (*p != victim) p = &(*p)->hnext;
    *p = victim->hnext;
    lru_unlink(s, victim);
    s->bytes -= charge(victim);
    if (victim->pins > 0) {
        victim->dead = 1;
        return NULL;
    }
    victim->next_free = NULL;
    return victim;
}

/* Takes ownership of `data` (freeing it when it is not kept). With `pin`, returns the entry that holds the
 * object, pinned (the one already there when another thread put the same object first, `data` then freed),
 * or NULL when the object is too large to keep: `data` is then not freed, and stays the caller's. */
static entry *cache_insert(base_cache *c, uint64_t key, unsigned char *data, size_t len, int type, int pin) {
    entry *e = len <= c->max_entry ? calloc(1, sizeof(entry)) : NULL;
    if (e == NULL) {
        if (!pin) free(data);
        return NULL;
    }
    e->key = key;
    e->data = data;
    e->len = len;
    e->type = type;
    e->pins = pin ? 1 : 0;
    e->owner = current_owner();
    stripe *s = stripe_of(c, key);
    entry *evicted = NULL;
    pthread_mutex_lock(&s->lock);
    entry *present = find_locked(s, key);
    if (present != NULL) {
        if (pin) {
            present->pins += 1;
            lru_unlink(s, present);
            lru_push_front(s, present);
        }
        pthread_mutex_unlock(&s->lock);
        free(data);
        free(e);
        return pin ? present : NULL;
    }
    while (s->bytes + charge(e) > c->stripe_limit && s->tail) {
        entry *victim = evict_locked(s);
        if (victim) {
            victim->next_free = evicted;
            evicted = victim;
        }
    }
    size_t b = bucket_of(key);
    e->hnext = s->buckets[b];
    s->buckets[b] = e;
    lru_push_front(s, e);
    s->bytes += charge(e);
    pthread_mutex_unlock(&s->lock);
    while (evicted) {
        entry *next = evicted->next_free;
        if (release_entry(evicted)) atomic_fetch_add_explicit(&c->deferred, 1, memory_order_relaxed);
        evicted = next;
    }
    return pin ? e : NULL;
}

/* Takes ownership of `data` (freeing it when it is not kept). */
static void cache_put(base_cache *c, uint64_t key, unsigned char *data, size_t len, int type) {
    (void)cache_insert(c, key, data, len, type, 0);
}

static size_t cache_size(base_cache *c) {
    size_t total = 0;
    for (int i = 0; i < STRIPES; i++) {
        pthread_mutex_lock(&c->stripes[i].lock);
        total += c->stripes[i].bytes;
        pthread_mutex_unlock(&c->stripes[i].lock);
    }
    return total;
}

/* Frees every entry; nothing may hold a pin (the pack's last backend is gone). */
static void cache_free(base_cache *c) {
    for (int i = 0; i < STRIPES; i++) {
        for (entry *e = c->stripes[i].head; e;) {
            entry *next = e->next;
            free(e->data);
            free(e);
            e = next;
        }
        pthread_mutex_destroy(&c->stripes[i].lock);
    }
    free(c);
}

/* ---- pack files: mapped once per process, shared by every backend ---- */

typedef struct pack_file {
    char *pack_path;
    dev_t dev;
    ino_t ino;
    off_t pack_size;
    struct timespec mtime;
    int refs;
    const unsigned char *idx;
    size_t idx_len;
    const unsigned char *pack;
    size_t pack_len;
    uint32_t count;
    const unsigned char *names;
    const unsigned char *off32;
    const unsigned char *off64;
    uint32_t n64;
    _Atomic uint64_t consumed; /* compressed bytes read since the mapping was last released */
    base_cache *cache;         /* shared by the backends that asked for the same size */
    size_t cache_request;
} pack_file;

/* Pages of the mapped pack count as the process's memory once touched, and a full history touches nearly
 * all of it. After this many compressed bytes have been read, the mapping's pages are handed back to the
 * page cache (MADV_DONTNEED: later reads fault them in again from the cache, unchanged), so the pack's
 * share of the resident set follows what is being read now, not the size of the history. */
enum { RELEASE_AFTER = 128 << 20 };

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static pack_file **registry;
static size_t registry_len, registry_cap;

static uint32_t be32(const unsigned char *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static uint64_t be64(const unsigned char *p) { return ((uint64_t)be32(p) << 32) | be32(p + 4); }

static const void *map_file(int fd, size_t length) {
    if (length == 0) return NULL;
    void *m = mmap(NULL, length, PROT_READ, MAP_PRIVATE, fd, 0);
    return m == MAP_FAILED ? NULL : m;
}

/* Parses and maps one pack and its index; NULL if either is missing or not in a format we read. Opened
 * without blocking: a FIFO named like a pack or index would otherwise hang the run in open(2); it is then
 * refused by the regular-file check below. */
static pack_file *pack_open(const char *idx_path, const char *pack_path, size_t cache_bytes) {
    int ifd = open(idx_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (ifd < 0) return NULL;
    int pfd = open(pack_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (pfd < 0) { close(ifd); return NULL; }
    struct stat ist, pst;
    pack_file *f = NULL;
    if (fstat(ifd, &ist) != 0 || fstat(pfd, &pst) != 0) goto done;
    if (!S_ISREG(ist.st_mode) || !S_ISREG(pst.st_mode)) goto done;
    size_t idx_len = (size_t)ist.st_size, pack_len = (size_t)pst.st_size;
    if (idx_len < 8 + 1024 + 40 || pack_len < 12 + 20) goto done;
    const unsigned char *idx = map_file(ifd, idx_len);
    if (idx == NULL) goto done;
    const unsigned char *pack = map_file(pfd, pack_len);
    if (pack == NULL) { munmap((void *)idx, idx_len); goto done; }
    uint32_t count = be32(idx + 8 + 255 * 4);
    int ok = memcmp(idx, "\377tOc", 4) == 0 && be32(idx + 4) == 2 && memcmp(pack, "PACK", 4) == 0 &&
             (be32(pack + 4) == 2 || be32(pack + 4) == 3) && be32(pack + 8) == count;
    for (int i = 0; ok && i < 255; i++) ok = be32(idx + 8 + i * 4) <= be32(idx + 8 + (i + 1) * 4);
    size_t fixed = 8 + 1024 + (size_t)count * 28 + 40;
    ok = ok && idx_len >= fixed && (idx_len - fixed) % 8 == 0;
    /* The .idx names the pack it indexes (its checksum, before the .idx's own): an index left from another
     * repack must not be read against this pack, as libgit2's packfile_open refuses it too. */
    ok = ok && memcmp(idx + idx_len - 40, pack + pack_len - 20, 20) == 0;
    if (!ok) {
        munmap((void *)idx, idx_len);
        munmap((void *)pack, pack_len);
        goto done;
    }
    f = calloc(1, sizeof(pack_file));
    if (f == NULL || (f->pack_path = strdup(pack_path)) == NULL || (f->cache = cache_new(cache_bytes)) == NULL) {
        if (f) free(f->pack_path);
        free(f);
        f = NULL;
        munmap((void *)idx, idx_len);
        munmap((void *)pack, pack_len);
        goto done;
    }
    f->cache_request = cache_bytes;
    f->dev = pst.st_dev;
    f->ino = pst.st_ino;
    f->pack_size = pst.st_size;
    f->mtime = pst.st_mtim;
    f->idx = idx;
    f->idx_len = idx_len;
    f->pack = pack;
    f->pack_len = pack_len;
    f->count = count;
    f->names = idx + 8 + 1024;
    f->off32 = f->names + (size_t)count * 24;
    f->off64 = f->off32 + (size_t)count * 4;
    f->n64 = (uint32_t)((idx_len - fixed) / 8);
done:
    close(ifd);
    close(pfd);
    return f;
}

static void pack_close(pack_file *f) {
    cache_free(f->cache);
    munmap((void *)f->idx, f->idx_len);
    munmap((void *)f->pack, f->pack_len);
    free(f->pack_path);
    free(f);
}

/* The shared, reference-counted pack for these paths: reused while the file is the same one and the cache
 * asked for has the same size (every repository handle of a run asks for the same). */
static pack_file *pack_acquire(const char *idx_path, const char *pack_path, size_t cache_bytes) {
    struct stat st;
    if (stat(pack_path, &st) != 0) return NULL;
    pthread_mutex_lock(&registry_lock);
    for (size_t i = 0; i < registry_len; i++) {
        pack_file *f = registry[i];
        if (f->dev == st.st_dev && f->ino == st.st_ino && f->pack_size == st.st_size &&
            f->mtime.tv_sec == st.st_mtim.tv_sec && f->mtime.tv_nsec == st.st_mtim.tv_nsec &&
            f->cache_request == cache_bytes && strcmp(f->pack_path, pack_path) == 0) {
            f->refs += 1;
            pthread_mutex_unlock(&registry_lock);
            return f;
        }
    }
    pthread_mutex_unlock(&registry_lock);
    pack_file *f = pack_open(idx_path, pack_path, cache_bytes);
    if (f == NULL) return NULL;
    pthread_mutex_lock(&registry_lock);
    /* Another handle may have opened the same pack meanwhile: share that one. */
    for (size_t i = 0; i < registry_len; i++) {
        pack_file *g = registry[i];
        if (g->dev == f->dev && g->ino == f->ino && g->pack_size == f->pack_size &&
            g->mtime.tv_sec == f->mtime.tv_sec && g->mtime.tv_nsec == f->mtime.tv_nsec &&
            g->cache_request == cache_bytes && strcmp(g->pack_path, pack_path) == 0) {
            g->refs += 1;
            pthread_mutex_unlock(&registry_lock);
            pack_close(f);
            return g;
        }
    }
    if (registry_len == registry_cap) {
        size_t cap = registry_cap ? registry_cap * 2 : 8;
        pack_file **grown = realloc(registry, cap * sizeof(pack_file *));
        if (grown == NULL) {
            pthread_mutex_unlock(&registry_lock);
            pack_close(f);
            return NULL;
        }
        registry = grown;
        registry_cap = cap;
    }
    f->refs = 1;
    registry[registry_len++] = f;
    pthread_mutex_unlock(&registry_lock);
    return f;
}

void yardstick_pack_release_pages(void) {
    pthread_mutex_lock(&registry_lock);
    for (size_t i = 0; i < registry_len; i++) {
        pack_file *f = registry[i];
        atomic_store_explicit(&f->consumed, 0, memory_order_relaxed);
        madvise((void *)f->pack, f->pack_len, MADV_DONTNEED);
    }
    pthread_mutex_unlock(&registry_lock);
}

static void pack_release(pack_file *f) {
    pthread_mutex_lock(&registry_lock);
    if (--f->refs == 0) {
        for (size_t i = 0; i < registry_len; i++) {
            if (registry[i] == f) {
                registry[i] = registry[--registry_len];
                break;
            }
        }
        pack_close(f);
    }
    pthread_mutex_unlock(&registry_lock);
}

/* Position of `oid` in the index, or -1. */
static int64_t pack_find(const pack_file *f, const unsigned char *oid) {
    const unsigned char *fanout = f->idx + 8;
    uint32_t lo = oid[0] == 0 ? 0 : be32(fanout + (oid[0] - 1) * 4);
    uint32_t hi = be32(fanout + oid[0] * 4);
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = memcmp(f->names + (size_t)mid * 20, oid, 20);
        if (c == 0) return mid;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return -1;
}

/* The pack offset of index entry `pos`, or 0 when the index points outside the pack. */
static uint64_t pack_offset(const pack_file *f, uint32_t pos) {
    uint32_t o = be32(f->off32 + (size_t)pos * 4);
    uint64_t off = o;
    if (o & 0x80000000u) {
        uint32_t k = o & 0x7fffffffu;
        if (k >= f->n64) return 0;
        off = be64(f->off64 + (size_t)k * 8);
    }
    return (off >= 12 && off < f->pack_len - 20) ? off : 0;
}

/* ---- the backend ---- */

typedef struct {
    git_odb_backend parent;
    pack_file **packs;
    size_t npacks;
    size_t last_pack;
    struct libdeflate_decompressor *inflater; /* this backend's (one thread's at a time) */
    unsigned char *scratch; /* inflated deltas */
    size_t scratch_cap;
    yardstick_pack_stats stats;
} pack_backend;

typedef struct {
    uint64_t offset;   /* where the entry starts */
    uint64_t data;     /* where its zlib stream starts */
    size_t size;       /* inflated size */
    int type;
} pack_entry;

/* Reads the entry header at `offset`; for deltas also the base's offset. */
static int entry_header(pack_backend *b, size_t pi, uint64_t offset, pack_entry *out, uint64_t *base) {
    const pack_file *f = b->packs[pi];
    const unsigned char *p = f->pack;
    uint64_t end = f->pack_len - 20, pos = offset;
    if (pos >= end) return -1;
    unsigned c = p[pos++];
    int type = (c >> 4) & 7;
    uint64_t size = c & 15;
    int shift = 4;
    while (c & 0x80) {
        if (pos >= end || shift > 57) return -1;
        c = p[pos++];
        size += (uint64_t)(c & 0x7f) << shift;
        shift += 7;
    }
    if (size >= UINT32_MAX) return -1; /* inflated in one call: larger objects are libgit2's */
    out->offset = offset;
    out->size = (size_t)size;
    out->type = type;
    if (type == OBJ_OFS_DELTA) {
        if (pos >= end) return -1;
        c = p[pos++];
        uint64_t distance = c & 127;
        while (c & 128) {
            if (pos >= end || distance > (UINT64_MAX >> 8)) return -1;
            distance += 1;
            c = p[pos++];
            distance = (distance << 7) + (c & 127);
        }
        if (distance == 0 || distance >= offset || offset - distance < 12) return -1;
        *base = offset - distance;
    } else if (type == OBJ_REF_DELTA) {
        if (pos + 20 > end) return -1;
        int64_t at = pack_find(f, p + pos);
        if (at < 0) return -1;
        *base = pack_offset(f, (uint32_t)at);
        if (*base == 0) return -1;
        pos += 20;
    } else if (type < OBJ_COMMIT || type > OBJ_TAG) {
        return -1;
    }
    /* A zlib stream inflates to at most 1032 times its length: a larger recorded size is malformed, and
     * must not make the reader allocate it (fuzzing found entries of a few KiB recording nearly 4 GiB). */
    if (size / 1032 > end - pos) return -1;
    out->data = pos;
    return 0;
}

/* Inflates an entry's stream into `dest`, which has room for exactly e->size bytes plus one, in one call of
 * libdeflate, made for whole streams of known size (ADR 0009; zlib's streaming inflate was 13.8% of the
 * samples on libgit2/libgit2, ADR 0008 item 45): the stream must end, its Adler-32 check must hold, and it
 * must inflate to exactly e->size bytes (a longer one does not fit the buffer); what follows it in the pack
 * is left alone. Anything else passes the object on to libgit2, as before. */
static int inflate_entry(pack_backend *b, size_t pi, const pack_entry *e, unsigned char *dest) {
    const pack_file *f = b->packs[pi];
    if (b->inflater == NULL && (b->inflater = libdeflate_alloc_decompressor()) == NULL) return -1;
    uint64_t avail = f->pack_len - 20 - e->data;
    size_t used_in = 0, used_out = 0;
    enum libdeflate_result rc = libdeflate_zlib_decompress_ex(
        b->inflater, f->pack + e->data, (size_t)avail, dest, e->size, &used_in, &used_out);
    b->stats.inflated += 1;
    pack_file *shared = b->packs[pi];
    if (atomic_fetch_add_explicit(&shared->consumed, used_in, memory_order_relaxed) + used_in > RELEASE_AFTER) {
        atomic_store_explicit(&shared->consumed, 0, memory_order_relaxed);
        madvise((void *)shared->pack, shared->pack_len, MADV_DONTNEED);
    }
    if (rc != LIBDEFLATE_SUCCESS || used_out != e->size) return -1;
    dest[e->size] = 0;
    return 0;
}

static int delta_varint(const unsigned char **d, const unsigned char *end, size_t *out) {
    size_t v = 0;
    int shift = 0;
    unsigned c;
    do {
        if (*d >= end || shift > 56) return -1;
        c = *(*d)++;
        v |= (size_t)(c & 0x7f) << shift;
        shift += 7;
    } while (c & 0x80);
    *out = v;
    return 0;
}

/* Applies a delta to a base; a malloc'd result (NUL-terminated) or NULL when the delta is malformed. */
static unsigned char *delta_apply(const unsigned char *base, size_t base_len, const unsigned char *delta,
                                  size_t delta_len, size_t *out_len) {
    const unsigned char *d = delta, *end = delta + delta_len;
    size_t src_size, dst_size;
    if (delta_varint(&d, end, &src_size) || delta_varint(&d, end, &dst_size)) return NULL;
    if (src_size != base_len || dst_size > SIZE_MAX - 1) return NULL;
    /* Each instruction byte yields at most 64 KiB (a copy) or 127 bytes (an insert): a larger result size
     * is malformed, and is not allocated. */
    if (dst_size / 0x10000 > (size_t)(end - d)) return NULL;
    unsigned char *out = malloc(dst_size + 1);
    if (out == NULL) return NULL;
    unsigned char *o = out, *o_end = out + dst_size;
    while (d < end) {
        unsigned op = *d++;
        if (op & 0x80) {
            size_t off = 0, len = 0;
            for (int i = 0; i < 4; i++) {
                if (op & (1u << i)) {
                    if (d >= end) goto bad;
                    off |= (size_t)*d++ << (8 * i);
                }
            }
            for (int i = 0; i < 3; i++) {
                if (op & (0x10u << i)) {
                    if (d >= end) goto bad;
                    len |= (size_t)*d++ << (8 * i);
                }
            }
            if (len == 0) len = 0x10000;
            if (off > base_len || len > base_len - off || len > (size_t)(o_end - o)) goto bad;
            memcpy(o, base + off, len);
            o += len;
        } else if (op) {
            if (op > (size_t)(end - d) || op > (size_t)(o_end - o)) goto bad;
            memcpy(o, d, op);
            o += op;
            d += op;
        } else {
            goto bad;
        }
    }
    if (o != o_end) goto bad;
    *o = 0;
    *out_len = dst_size;
    return out;
bad:
    free(out);
    return NULL;
}

/* Where an object goes: the caller's buffer, from its allocator (room for n bytes); `release` gives back
 * such a buffer when the object turns out to be malformed. */
typedef unsigned char *(*allocator)(void *context, size_t n);
typedef void (*releaser)(void *context, unsigned char *buffer);

enum { FROM_CACHE, DELTA_RESULT, IN_DESTINATION };

/* Resolves the object at `offset` of pack `pi`, or NULL. Every base met on the way goes into the cache.
 * *kind says what the result is: the cache's own copy (valid until the cache next changes), a malloc'd
 * delta result for the caller, or, for an object stored whole, already the caller's buffer from `alloc`.
 * Results are NUL-terminated. */
static unsigned char *unpack(pack_backend *b, size_t pi, uint64_t offset, size_t *out_len, int *out_type,
                             int *kind, entry **held, allocator alloc, releaser release, void *context) {
    base_cache *cache = b->packs[pi]->cache;
    pack_entry small[64];
    pack_entry *chain = small;
    size_t depth = 0, cap = 64;
    unsigned char *obj = NULL;
    size_t obj_len = 0;
    int obj_type = 0;
    entry *pinned = NULL;
    uint64_t at = offset;

    for (;;) {
        entry *hit = cache_pin(cache, at);
        if (hit) {
            b->stats.cache_hits += 1;
            if (depth == 0) {
                *out_len = hit->len;
                *out_type = hit->type;
                *kind = FROM_CACHE;
                *held = hit;
                return hit->data;
            }
            pinned = hit;
            obj_len = hit->len;
            obj_type = hit->type;
            break;
        }
        if (depth == MAX_CHAIN) goto fail;
        if (depth == cap) {
            size_t grown_cap = cap * 2;
            pack_entry *grown = malloc(grown_cap * sizeof(pack_entry));
            if (grown == NULL) goto fail;
            memcpy(grown, chain, depth * sizeof(pack_entry));
            if (chain != small) free(chain);
            chain = grown;
            cap = grown_cap;
        }
        uint64_t base = 0;
        pack_entry *e = &chain[depth];
        if (entry_header(b, pi, at, e, &base) != 0) goto fail;
        if (e->type != OBJ_OFS_DELTA && e->type != OBJ_REF_DELTA) {
            if (depth == 0) {
                /* stored whole and asked for directly: inflate straight into the caller's buffer, and keep
                 * it out of the cache (commits, and files whose later versions are deltas against them,
                 * are cached when a delta first needs them) */
                unsigned char *dest = alloc(context, e->size + 1);
                if (dest == NULL) return NULL;
                if (inflate_entry(b, pi, e, dest) != 0) {
                    release(context, dest);
                    return NULL;
                }
                *out_len = e->size;
                *out_type = e->type;
                *kind = IN_DESTINATION;
                return dest;
            }
            obj = malloc(e->size + 1);
            if (obj == NULL || inflate_entry(b, pi, e, obj) != 0) goto fail;
            obj_len = e->size;
            obj_type = e->type;
            break;
        }
        depth += 1;
        at = base;
    }

    /* `obj` (or the pinned entry) is the object at `at`; chain[depth-1] ... chain[0] are the deltas. */
    uint64_t base_offset = at;
    const unsigned char *base_data = pinned ? pinned->data : obj;
    for (size_t i = depth; i-- > 0;) {
        pack_entry *e = &chain[i];
        if (e->size + 1 > b->scratch_cap) {
            size_t want = e->size + 1 < 4096 ? 4096 : e->size + 1;
            unsigned char *grown = realloc(b->scratch, want);
            if (grown == NULL) goto fail;
            b->scratch = grown;
            b->scratch_cap = want;
        }
        if (inflate_entry(b, pi, e, b->scratch) != 0) goto fail;
        size_t result_len = 0;
        unsigned char *result = delta_apply(base_data, obj_len, b->scratch, e->size, &result_len);
        if (result == NULL) goto fail;
        if (pinned) {
            cache_unpin(cache, pinned);
            pinned = NULL;
        } else {
            cache_put(cache, base_offset, obj, obj_len, obj_type);
        }
        obj = result;
        obj_len = result_len;
        base_data = obj;
        base_offset = e->offset;
    }
    if (chain != small) free(chain);
    *out_len = obj_len;
    *out_type = obj_type;
    *kind = DELTA_RESULT;
    return obj;

fail:
    if (pinned) cache_unpin(cache, pinned);
    else free(obj);
    if (chain != small) free(chain);
    return NULL;
}

/* Puts an unpacked object into the caller's buffer. A delta result is also kept in the cache: the next
 * older version of a file is usually a delta against it. Returns the buffer, or NULL. */
static unsigned char *deliver(pack_backend *b, size_t pi, uint64_t offset, unsigned char *obj, size_t len, int type,
                              int kind, entry *held, allocator alloc, void *context) {
    if (kind == IN_DESTINATION) return obj;
    unsigned char *dest = alloc(context, len + 1);
    if (dest != NULL) memcpy(dest, obj, len + 1);
    if (kind == DELTA_RESULT) cache_put(b->packs[pi]->cache, offset, obj, len, type);
    if (held) cache_unpin(b->packs[pi]->cache, held);
    return dest;
}

/* Finds `oid` in the backend's packs: the pack's index and the entry's offset, or -1. */
static int locate(pack_backend *b, const unsigned char *oid, size_t *pi, uint64_t *offset) {
    for (size_t k = 0; k < b->npacks; k++) {
        size_t i = (b->last_pack + k) % b->npacks;
        int64_t pos = pack_find(b->packs[i], oid);
        if (pos >= 0) {
            uint64_t off = pack_offset(b->packs[i], (uint32_t)pos);
            if (off == 0) return -1;
            b->last_pack = i;
            *pi = i;
            *offset = off;
            return 0;
        }
    }
    return -1;
}

static unsigned char *malloc_allocator(void *context, size_t n) {
    (void)context;
    return malloc(n);
}

static void malloc_releaser(void *context, unsigned char *buffer) {
    (void)context;
    free(buffer);
}

static unsigned char *odb_allocator(void *context, size_t n) { return git_odb_backend_data_alloc(context, n); }

static void odb_releaser(void *context, unsigned char *buffer) { git_odb_backend_data_free(context, buffer); }

/* Locates and reads `oid` into a buffer from `alloc`; NULL when this reader does not have it whole. */
static unsigned char *read_object(pack_backend *b, const unsigned char *oid, size_t *len, int *type, allocator alloc,
                                  releaser release, void *context) {
    drain_pending();
    size_t pi;
    uint64_t offset;
    int kind = 0;
    entry *held = NULL;
    unsigned char *obj = NULL;
    if (locate(b, oid, &pi, &offset) != 0 ||
        (obj = unpack(b, pi, offset, len, type, &kind, &held, alloc, release, context)) == NULL ||
        (obj = deliver(b, pi, offset, obj, *len, *type, kind, held, alloc, context)) == NULL) {
        b->stats.passed += 1;
        return NULL;
    }
    b->stats.reads += 1;
    return obj;
}

int yardstick_pack_read(void *backend, const unsigned char oid[20], void **data, size_t *length, int *type) {
    unsigned char *obj = read_object(backend, oid, length, type, malloc_allocator, malloc_releaser, NULL);
    if (obj == NULL) return -1;
    *data = obj;
    return 0;
}

int yardstick_pack_borrow(void *backend, const unsigned char oid[20], yardstick_borrowed *out) {
    pack_backend *b = backend;
    memset(out, 0, sizeof(*out));
    drain_pending();
    size_t pi;
    uint64_t offset;
    size_t len = 0;
    int type = 0, kind = 0;
    entry *held = NULL;
    unsigned char *obj = NULL;
    if (locate(b, oid, &pi, &offset) != 0 ||
        (obj = unpack(b, pi, offset, &len, &type, &kind, &held, malloc_allocator, malloc_releaser, NULL)) == NULL) {
        b->stats.passed += 1;
        return -1;
    }
    base_cache *cache = b->packs[pi]->cache;
    /* A delta result goes into the cache, as `deliver` puts it there, but pinned for the caller; so does a
     * blob stored whole: it is read again as the older side of a later diff (commits and trees read through
     * libgit2 are kept out, as before). */
    if (kind == DELTA_RESULT || (kind == IN_DESTINATION && type == OBJ_BLOB))
        held = cache_insert(cache, offset, obj, len, type, 1);
    out->length = len;
    out->type = type;
    if (held) {
        out->data = held->data;
        out->entry = held;
        out->cache = cache;
    } else {
        out->data = obj; /* stored whole, or too large to cache: the caller's */
    }
    b->stats.reads += 1;
    return 0;
}

void yardstick_pack_unborrow(yardstick_borrowed *borrowed) {
    if (borrowed->entry) cache_unpin(borrowed->cache, borrowed->entry);
    else free((void *)borrowed->data);
    memset(borrowed, 0, sizeof(*borrowed));
}

static int backend_read(void **out, size_t *len, git_object_t *type, git_odb_backend *backend, const git_oid *oid) {
    pack_backend *b = (pack_backend *)backend;
    int t = 0;
    unsigned char *obj = read_object(b, oid->id, len, &t, odb_allocator, odb_releaser, backend);
    /* not in these packs, or malformed: libgit2's own readers answer, with their own errors */
    if (obj == NULL) return GIT_PASSTHROUGH;
    *out = obj;
    *type = (git_object_t)t;
    return 0;
}

static int backend_exists(git_odb_backend *backend, const git_oid *oid) {
    pack_backend *b = (pack_backend *)backend;
    size_t pi;
    uint64_t offset;
    return locate(b, oid->id, &pi, &offset) == 0;
}

static void backend_free(git_odb_backend *backend) {
    pack_backend *b = (pack_backend *)backend;
    for (size_t i = 0; i < b->npacks; i++) pack_release(b->packs[i]);
    free(b->packs);
    if (b->inflater) libdeflate_free_decompressor(b->inflater);
    free(b->scratch);
    free(b);
}

void yardstick_pack_backend_free(void *backend) {
    if (backend) backend_free(backend);
}

void yardstick_pack_backend_stats(const void *backend, yardstick_pack_stats *out) {
    const pack_backend *b = backend;
    *out = b->stats;
    out->cached_bytes = 0;
    for (size_t i = 0; i < b->npacks; i++) out->cached_bytes += cache_size(b->packs[i]->cache);
    out->freed_after_pin = 0;
    for (size_t i = 0; i < b->npacks; i++)
        out->freed_after_pin += atomic_load_explicit(&b->packs[i]->cache->freed_after_pin, memory_order_relaxed);
    out->deferred_frees = 0;
    for (size_t i = 0; i < b->npacks; i++)
        out->deferred_frees += atomic_load_explicit(&b->packs[i]->cache->deferred, memory_order_relaxed);
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

void *yardstick_pack_backend_new(const char *objects_dir, size_t cache_bytes) {
    size_t dir_len = strlen(objects_dir);
    char *dir_path = malloc(dir_len + 7);
    if (dir_path == NULL) return NULL;
    memcpy(dir_path, objects_dir, dir_len);
    const char *suffix = dir_len && objects_dir[dir_len - 1] == '/' ? "pack" : "/pack";
    memcpy(dir_path + dir_len, suffix, strlen(suffix) + 1);
    DIR *dir = opendir(dir_path);
    if (dir == NULL) {
        free(dir_path);
        return NULL;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *d;
    while ((d = readdir(dir)) != NULL) {
        size_t len = strlen(d->d_name);
        if (len < 10 || strncmp(d->d_name, "pack-", 5) != 0 || strcmp(d->d_name + len - 4, ".idx") != 0) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            char **grown = realloc(names, cap * sizeof(char *));
            if (grown == NULL) break;
            names = grown;
        }
        if ((names[n] = strdup(d->d_name)) != NULL) n++;
    }
    closedir(dir);
    if (n > 1) qsort(names, n, sizeof(char *), by_name);

    pack_backend *b = calloc(1, sizeof(pack_backend));
    if (b == NULL || git_odb_init_backend(&b->parent, GIT_ODB_BACKEND_VERSION) < 0) {
        free(b);
        b = NULL;
        goto out;
    }
    b->packs = calloc(n ? n : 1, sizeof(pack_file *));
    if (b->packs == NULL) {
        free(b);
        b = NULL;
        goto out;
    }
    size_t base_len = strlen(dir_path);
    /* The budget is for the repository: split over its packs (at least 8 MiB each). */
    size_t per_pack = n > 1 ? cache_bytes / n : cache_bytes;
    if (n > 1 && per_pack < ((size_t)8 << 20)) per_pack = (size_t)8 << 20;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(names[i]);
        char *idx_path = malloc(base_len + 1 + len + 1);
        char *pack_path = malloc(base_len + 1 + len + 2);
        if (idx_path && pack_path) {
            memcpy(idx_path, dir_path, base_len);
            idx_path[base_len] = '/';
            memcpy(idx_path + base_len + 1, names[i], len + 1);
            memcpy(pack_path, idx_path, base_len + 1 + len - 4);
            memcpy(pack_path + base_len + 1 + len - 4, ".pack", 6);
            pack_file *f = pack_acquire(idx_path, pack_path, per_pack);
            if (f) b->packs[b->npacks++] = f;
        }
        free(idx_path);
        free(pack_path);
    }
    if (b->npacks == 0) {
        free(b->packs);
        free(b);
        b = NULL;
        goto out;
    }
    b->parent.read = backend_read;
    b->parent.exists = backend_exists;
    b->parent.free = backend_free;
out:
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    free(dir_path);
    return b;
}

int yardstick_pack_cache_selftest(void) {
    /* One stripe's worth of budget: 16 stripes of 4 KiB; keys chosen to land in the same stripe. */
    base_cache *c = cache_new(16 * 4096);
    if (c == NULL) return -1;
    uint64_t keys[8];
    int found = 0;
    uint64_t first = 12;
    keys[found++] = first;
    for (uint64_t k = first + 1; found < 8 && k < 1000000; k++)
        if (stripe_of(c, k) == stripe_of(c, first)) keys[found++] = k;
    int failures = found == 8 ? 0 : 1;
    unsigned char *data = malloc(1024);
    memset(data, 'a', 1024);
    cache_put(c, keys[0], data, 1023, OBJ_BLOB);
    entry *pinned = cache_pin(c, keys[0]);
    if (pinned == NULL) failures += 2;
    /* Fill the stripe past its budget: the pinned entry, least recently used, is evicted but kept alive. */
    for (int i = 1; i < 8; i++) {
        unsigned char *more = malloc(1024);
        memset(more, 'b', 1024);
        cache_put(c, keys[i], more, 1023, OBJ_BLOB);
    }
    if (pinned && (!pinned->dead || pinned->data[0] != 'a' || pinned->data[1022] != 'a')) failures += 4;
    if (cache_pin(c, keys[0]) != NULL) failures += 8; /* gone from the table */
    if (pinned) cache_unpin(c, pinned);               /* its last user frees it */
    if (atomic_load(&c->freed_after_pin) != 1) failures += 16;
    if (cache_size(c) > c->stripe_limit) failures += 32;
    cache_free(c);
    return failures;
}
