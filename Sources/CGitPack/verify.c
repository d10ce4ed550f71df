/*
 * Object verification (ADR 0011): SHA-1, the checksums of a pack and its index, and a loose-object reader
 * that hashes every object it returns. See include/CGitPack.h.
 */
#include "CGitPack.h"

#include <errno.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <git2/errors.h>
#include <git2/odb.h>
#include <git2/odb_backend.h>
#include <git2/sys/odb_backend.h>

/* ---- SHA-1 (FIPS 180-4), plain C ---- */

static inline uint32_t rol(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

static void sha1_block(uint32_t h[5], const unsigned char *p) {
    uint32_t w[80];
    for (int i = 0; i < 16; i++)
        w[i] = ((uint32_t)p[4 * i] << 24) | ((uint32_t)p[4 * i + 1] << 16) | ((uint32_t)p[4 * i + 2] << 8) | p[4 * i + 3];
    for (int i = 16; i < 80; i++) w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
#define ROUND(f, k, i)                                   \
    do {                                                 \
        uint32_t t = rol(a, 5) + (f) + e + (k) + w[i];   \
        e = d;                                           \
        d = c;                                           \
        c = rol(b, 30);                                  \
        b = a;                                           \
        a = t;                                           \
    } while (0)
    for (int i = 0; i < 20; i++) ROUND((b & c) | (~b & d), 0x5A827999u, i);
    for (int i = 20; i < 40; i++) ROUND(b ^ c ^ d, 0x6ED9EBA1u, i);
    for (int i = 40; i < 60; i++) ROUND((b & c) | (b & d) | (c & d), 0x8F1BBCDCu, i);
    for (int i = 60; i < 80; i++) ROUND(b ^ c ^ d, 0xCA62C1D6u, i);
#undef ROUND
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
}

static void sha1_blocks_portable(uint32_t h[5], const unsigned char *p, size_t blocks) {
    for (; blocks > 0; blocks--, p += 64) sha1_block(h, p);
}

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

/* The x86 SHA extensions (SHA-NI): about four times the portable code's speed, which is what makes checking a
 * whole pack when it is opened cheap (ADR 0011). The schedule is the usual one for these instructions: four
 * rounds per sha1rnds4, the message words of the next rounds prepared by sha1msg1/sha1msg2 meanwhile. */
#define SHA1_STEP(Ex, Ey, Mk, Mk1, Mk2, Mk3, f)   \
    Ex = _mm_sha1nexte_epu32(Ex, Mk);             \
    Ey = abcd;                                    \
    Mk1 = _mm_sha1msg2_epu32(Mk1, Mk);            \
    abcd = _mm_sha1rnds4_epu32(abcd, Ex, f);      \
    Mk3 = _mm_sha1msg1_epu32(Mk3, Mk);            \
    Mk2 = _mm_xor_si128(Mk2, Mk);

__attribute__((target("sha,ssse3,sse4.1")))
static void sha1_blocks_shani(uint32_t h[5], const unsigned char *p, size_t blocks) {
    const __m128i mask = _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
    __m128i abcd = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)h), 0x1B);
    __m128i e0 = _mm_set_epi32((int)h[4], 0, 0, 0), e1;
    __m128i m0, m1, m2, m3;
    for (; blocks > 0; blocks--, p += 64) {
        __m128i abcd_saved = abcd, e0_saved = e0;
        m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 0)), mask);
        e0 = _mm_add_epi32(e0, m0);
        e1 = abcd;
        abcd = _mm_sha1rnds4_epu32(abcd, e0, 0);
        m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16)), mask);
        e1 = _mm_sha1nexte_epu32(e1, m1);
        e0 = abcd;
        abcd = _mm_sha1rnds4_epu32(abcd, e1, 0);
        m0 = _mm_sha1msg1_epu32(m0, m1);
        m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 32)), mask);
        e0 = _mm_sha1nexte_epu32(e0, m2);
        e1 = abcd;
        abcd = _mm_sha1rnds4_epu32(abcd, e0, 0);
        m1 = _mm_sha1msg1_epu32(m1, m2);
        m0 = _mm_xor_si128(m0, m2);
        m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 48)), mask);
        SHA1_STEP(e1, e0, m3, m0, m1, m2, 0)  /* rounds 12-15 */
        SHA1_STEP(e0, e1, m0, m1, m2, m3, 0)  /* 16-19 */
        SHA1_STEP(e1, e0, m1, m2, m3, m0, 1)  /* 20-23 */
        SHA1_STEP(e0, e1, m2, m3, m0, m1, 1)
        SHA1_STEP(e1, e0, m3, m0, m1, m2, 1)
        SHA1_STEP(e0, e1, m0, m1, m2, m3, 1)
        SHA1_STEP(e1, e0, m1, m2, m3, m0, 1)  /* 36-39 */
        SHA1_STEP(e0, e1, m2, m3, m0, m1, 2)  /* 40-43 */
        SHA1_STEP(e1, e0, m3, m0, m1, m2, 2)
        SHA1_STEP(e0, e1, m0, m1, m2, m3, 2)
        SHA1_STEP(e1, e0, m1, m2, m3, m0, 2)
        SHA1_STEP(e0, e1, m2, m3, m0, m1, 2)  /* 56-59 */
        SHA1_STEP(e1, e0, m3, m0, m1, m2, 3)  /* 60-63 */
        SHA1_STEP(e0, e1, m0, m1, m2, m3, 3)
        SHA1_STEP(e1, e0, m1, m2, m3, m0, 3)
        SHA1_STEP(e0, e1, m2, m3, m0, m1, 3)
        SHA1_STEP(e1, e0, m3, m0, m1, m2, 3)  /* 76-79 */
        e0 = _mm_sha1nexte_epu32(e0, e0_saved);
        abcd = _mm_add_epi32(abcd, abcd_saved);
    }
    _mm_storeu_si128((__m128i *)h, _mm_shuffle_epi32(abcd, 0x1B));
    h[4] = (uint32_t)_mm_extract_epi32(e0, 3);
}
#undef SHA1_STEP

static int cpu_has_sha(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 9)) || !(c & (1u << 19))) return 0; /* SSSE3, SSE4.1 */
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b >> 29) & 1; /* SHA */
}
#endif

typedef void (*sha1_blocks_fn)(uint32_t h[5], const unsigned char *p, size_t blocks);

static sha1_blocks_fn sha1_blocks(void) {
#if defined(__x86_64__)
    static _Atomic(sha1_blocks_fn) chosen;
    sha1_blocks_fn f = atomic_load_explicit(&chosen, memory_order_relaxed);
    if (f == NULL) {
        f = cpu_has_sha() ? sha1_blocks_shani : sha1_blocks_portable;
        atomic_store_explicit(&chosen, f, memory_order_relaxed);
    }
    return f;
#else
    return sha1_blocks_portable;
#endif
}

void yardstick_sha1_init(yardstick_sha1_ctx *c) {
    c->h[0] = 0x67452301u;
    c->h[1] = 0xEFCDAB89u;
    c->h[2] = 0x98BADCFEu;
    c->h[3] = 0x10325476u;
    c->h[4] = 0xC3D2E1F0u;
    c->length = 0;
    c->used = 0;
}

void yardstick_sha1_update(yardstick_sha1_ctx *c, const void *data, size_t n) {
    const unsigned char *p = data;
    c->length += n;
    if (c->used) {
        size_t take = 64 - c->used < n ? 64 - c->used : n;
        memcpy(c->buffer + c->used, p, take);
        c->used += take;
        p += take;
        n -= take;
        if (c->used < 64) return;
        sha1_blocks()(c->h, c->buffer, 1);
        c->used = 0;
    }
    if (n >= 64) {
        sha1_blocks()(c->h, p, n / 64);
        p += n / 64 * 64;
        n %= 64;
    }
    memcpy(c->buffer, p, n);
    c->used = n;
}

void yardstick_sha1_final(yardstick_sha1_ctx *c, unsigned char out[20]) {
    uint64_t bits = c->length * 8;
    unsigned char pad[72] = {0x80};
    size_t padding = (c->used < 56 ? 56 : 120) - c->used;
    for (int i = 0; i < 8; i++) pad[padding + i] = (unsigned char)(bits >> (56 - 8 * i));
    yardstick_sha1_update(c, pad, padding + 8);
    for (int i = 0; i < 5; i++) {
        out[4 * i] = (unsigned char)(c->h[i] >> 24);
        out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
        out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
        out[4 * i + 3] = (unsigned char)c->h[i];
    }
}

int yardstick_sha1_selftest(void) {
    static const struct {
        const char *text;
        const char *hex;
    } vectors[] = {
        {"", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
        {"abc", "a9993e364706816aba3e25717850c26c9cd0d89d"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"},
    };
    int failed = 0;
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        yardstick_sha1_ctx c;
        unsigned char id[20];
        char hex[41];
        yardstick_sha1_init(&c);
        yardstick_sha1_update(&c, vectors[i].text, strlen(vectors[i].text));
        yardstick_sha1_final(&c, id);
        for (int k = 0; k < 20; k++) snprintf(hex + 2 * k, 3, "%02x", id[k]);
        if (strcmp(hex, vectors[i].hex) != 0) failed |= 1 << i;
    }
    /* The accelerated blocks, when this CPU has them, against the portable ones over 1 MiB of varied bytes. */
    size_t n = 1 << 20;
    unsigned char *data = malloc(n);
    if (data == NULL) return failed | 16;
    uint32_t x = 12345;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        data[i] = (unsigned char)(x >> 16);
    }
    uint32_t a[5] = {1, 2, 3, 4, 5}, b[5] = {1, 2, 3, 4, 5};
    sha1_blocks_portable(a, data, n / 64);
    sha1_blocks()(b, data, n / 64);
    if (memcmp(a, b, sizeof a) != 0) failed |= 8;
    free(data);
    return failed;
}

/* ---- pack and index checksums ---- */

/* Opens a path for reading without ever blocking (a FIFO named like a pack would block a plain open) and
 * only if it is a regular file. Returns the descriptor, or -1 with `*not_regular` set when it exists but
 * is not a regular file. */
static int open_regular(const char *path, struct stat *st, int *not_regular) {
    *not_regular = 0;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (errno == ENXIO) *not_regular = 1; /* a socket */
        return -1;
    }
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        *not_regular = S_ISREG(st->st_mode) ? 0 : 1;
        close(fd);
        return -1;
    }
    return fd;
}

/* Hashes the first `length` bytes of `fd` in one sequential pass of reads (the pack is not mapped: its pages
 * go through the page cache only, never into the process's resident set). */
static int hash_prefix(int fd, uint64_t length, unsigned char out[20], unsigned char *buffer, size_t size) {
    yardstick_sha1_ctx c;
    yardstick_sha1_init(&c);
#ifdef POSIX_FADV_SEQUENTIAL
    (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    uint64_t done = 0;
    while (done < length) {
        size_t want = length - done < size ? (size_t)(length - done) : size;
        ssize_t got = pread(fd, buffer, want, (off_t)done);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return -1;
        yardstick_sha1_update(&c, buffer, (size_t)got);
        done += (uint64_t)got;
    }
    yardstick_sha1_final(&c, out);
    return 0;
}

static int read_exact(int fd, void *buffer, size_t n, uint64_t offset) {
    size_t done = 0;
    while (done < n) {
        ssize_t got = pread(fd, (unsigned char *)buffer + done, n - done, (off_t)(offset + done));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return -1;
        done += (size_t)got;
    }
    return 0;
}

int yardstick_pack_verify(const char *idx_path, const char *pack_path, unsigned char found[20], unsigned char recorded[20]) {
    struct stat ist, pst;
    int not_regular = 0;
    int ifd = open_regular(idx_path, &ist, &not_regular);
    if (ifd < 0) return not_regular ? YARDSTICK_VERIFY_IDX_NOT_REGULAR : YARDSTICK_VERIFY_IDX_UNREADABLE;
    int pfd = open_regular(pack_path, &pst, &not_regular);
    if (pfd < 0) {
        close(ifd);
        return not_regular ? YARDSTICK_VERIFY_PACK_NOT_REGULAR : YARDSTICK_VERIFY_PACK_MISSING;
    }
    int rc = YARDSTICK_VERIFY_OK;
    size_t size = 1 << 20;
    unsigned char *buffer = malloc(size);
    unsigned char head[12], idx_tail[40], pack_tail[20];
    uint64_t idx_len = (uint64_t)ist.st_size, pack_len = (uint64_t)pst.st_size;
    if (buffer == NULL) {
        rc = YARDSTICK_VERIFY_IO;
        goto out;
    }
    /* The index: its own checksum over everything before it, then the pack checksum it records. */
    if (idx_len < 8 + 1024 + 40 || read_exact(ifd, head, 8, 0) != 0 || memcmp(head, "\377tOc", 4) != 0) {
        rc = YARDSTICK_VERIFY_IDX_FORMAT;
        goto out;
    }
    if (read_exact(ifd, idx_tail, 40, idx_len - 40) != 0 || hash_prefix(ifd, idx_len - 20, found, buffer, size) != 0) {
        rc = YARDSTICK_VERIFY_IO;
        goto out;
    }
    if (memcmp(found, idx_tail + 20, 20) != 0) {
        memcpy(recorded, idx_tail + 20, 20);
        rc = YARDSTICK_VERIFY_IDX_CHECKSUM;
        goto out;
    }
    /* The pack: header, then the checksum of everything before its trailer. */
    if (pack_len < 12 + 20 || read_exact(pfd, head, 12, 0) != 0 || memcmp(head, "PACK", 4) != 0) {
        rc = YARDSTICK_VERIFY_PACK_FORMAT;
        goto out;
    }
    if (read_exact(pfd, pack_tail, 20, pack_len - 20) != 0) {
        rc = YARDSTICK_VERIFY_IO;
        goto out;
    }
    /* The pack's own checksum first: a truncated or altered pack no longer matches its index either, and
     * "damaged" is the right diagnosis for it, not "indexes another pack". */
    if (hash_prefix(pfd, pack_len - 20, found, buffer, size) != 0) {
        rc = YARDSTICK_VERIFY_IO;
        goto out;
    }
    if (memcmp(found, pack_tail, 20) != 0) {
        memcpy(recorded, pack_tail, 20);
        rc = YARDSTICK_VERIFY_PACK_CHECKSUM;
        goto out;
    }
    if (memcmp(idx_tail, pack_tail, 20) != 0) {
        memcpy(found, pack_tail, 20);
        memcpy(recorded, idx_tail, 20);
        rc = YARDSTICK_VERIFY_IDX_OTHER_PACK;
    }
out:
    free(buffer);
    close(ifd);
    close(pfd);
    return rc;
}

int yardstick_path_is_irregular(const char *path) {
    struct stat st;
    if (lstat(path, &st) != 0) return 0;
    if (S_ISLNK(st.st_mode) && stat(path, &st) != 0) return 0;
    return !S_ISREG(st.st_mode);
}

/* ---- loose objects, hashed when read ---- */

typedef struct {
    git_odb_backend parent;
    char *objects_dir; /* with a trailing slash */
    size_t dir_len;
} loose_backend;

static const char hex_digits[] = "0123456789abcdef";

static void to_hex(const unsigned char *id, char *out) {
    for (int i = 0; i < 20; i++) {
        out[2 * i] = hex_digits[id[i] >> 4];
        out[2 * i + 1] = hex_digits[id[i] & 15];
    }
    out[40] = 0;
}

static int loose_error(const char *format, const char *hex, const char *detail) {
    char message[256];
    snprintf(message, sizeof message, format, hex, detail);
    git_error_set_str(GIT_ERROR_ODB, message);
    return GIT_ERROR;
}

static int object_type(const char *name, size_t n) {
    if (n == 6 && memcmp(name, "commit", 6) == 0) return GIT_OBJECT_COMMIT;
    if (n == 4 && memcmp(name, "tree", 4) == 0) return GIT_OBJECT_TREE;
    if (n == 4 && memcmp(name, "blob", 4) == 0) return GIT_OBJECT_BLOB;
    if (n == 3 && memcmp(name, "tag", 3) == 0) return GIT_OBJECT_TAG;
    return -1;
}

/* Reads objects/xx/yyyy…, inflates it and hashes what it inflated: an object whose content does not hash
 * to its name is refused with an error naming it, never returned. A missing file is passed on (libgit2's
 * readers then look in packs and alternates). */
static int loose_read(void **out, size_t *len, git_object_t *type, git_odb_backend *backend, const git_oid *oid) {
    loose_backend *b = (loose_backend *)backend;
    char hex[41];
    to_hex(oid->id, hex);
    char path[4096];
    if (b->dir_len + 42 >= sizeof path) return GIT_PASSTHROUGH;
    memcpy(path, b->objects_dir, b->dir_len);
    memcpy(path + b->dir_len, hex, 2);
    path[b->dir_len + 2] = '/';
    memcpy(path + b->dir_len + 3, hex + 2, 39);
    struct stat st;
    int not_regular = 0;
    int fd = open_regular(path, &st, &not_regular);
    if (fd < 0) {
        if (not_regular) {
            char message[160];
            snprintf(message, sizeof message, "loose object %s: objects/%.2s/%s is not a regular file", hex, hex, hex + 2);
            git_error_set_str(GIT_ERROR_ODB, message);
            return GIT_ERROR;
        }
        return GIT_PASSTHROUGH;
    }
    size_t file_len = (size_t)st.st_size;
    unsigned char *file = malloc(file_len ? file_len : 1);
    if (file == NULL || read_exact(fd, file, file_len, 0) != 0) {
        free(file);
        close(fd);
        return loose_error("loose object %s: cannot read its file%s", hex, "");
    }
    close(fd);

    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit(&z) != Z_OK) {
        free(file);
        return loose_error("loose object %s: %s", hex, "cannot start zlib");
    }
    z.next_in = file;
    z.avail_in = (uInt)file_len;
    unsigned char header[64];
    z.next_out = header;
    z.avail_out = sizeof header;
    int zrc = inflate(&z, Z_SYNC_FLUSH);
    size_t got = sizeof header - z.avail_out;
    const unsigned char *nul = memchr(header, 0, got);
    const unsigned char *space = nul ? memchr(header, ' ', (size_t)(nul - header)) : NULL;
    int t = space ? object_type((const char *)header, (size_t)(space - header)) : -1;
    size_t size = 0;
    int size_ok = space != NULL && space + 1 < nul && (space[1] != '0' || space + 2 == nul);
    for (const unsigned char *p = space ? space + 1 : header; size_ok && p < nul; p++) {
        if (*p < '0' || *p > '9' || size > (SIZE_MAX - 9) / 10) size_ok = 0;
        else size = size * 10 + (size_t)(*p - '0');
    }
    if ((zrc != Z_OK && zrc != Z_STREAM_END) || t < 0 || !size_ok) {
        inflateEnd(&z);
        free(file);
        return loose_error("loose object %s: %s", hex, "its file is not a zlib-compressed object");
    }
    size_t header_len = (size_t)(nul - header) + 1;
    /* zlib inflates at most 1032 bytes per input byte: a larger size is a damaged header, not an allocation. */
    if (size / 1032 > file_len) {
        inflateEnd(&z);
        free(file);
        return loose_error("loose object %s: %s", hex, "its header claims more bytes than its file can hold");
    }
    unsigned char *data = git_odb_backend_data_alloc(backend, size + 1);
    if (data == NULL) {
        inflateEnd(&z);
        free(file);
        return GIT_ERROR;
    }
    size_t already = got - header_len;
    int ok = already <= size;
    if (ok) memcpy(data, header + header_len, already);
    if (ok && zrc != Z_STREAM_END) {
        z.next_out = data + already;
        z.avail_out = (uInt)(size - already);
        unsigned char spare;
        zrc = inflate(&z, Z_FINISH);
        already = size - z.avail_out;
        if (zrc == Z_BUF_ERROR && z.avail_out == 0) {
            /* Exactly full: the stream must end here, with nothing more to give. */
            z.next_out = &spare;
            z.avail_out = 1;
            zrc = inflate(&z, Z_FINISH);
            if (z.avail_out == 0) ok = 0;
        }
        ok = ok && zrc == Z_STREAM_END;
    }
    ok = ok && already == size;
    inflateEnd(&z);
    free(file);
    if (!ok) {
        git_odb_backend_data_free(backend, data);
        return loose_error("loose object %s: %s", hex, "its content is truncated or longer than its header says");
    }
    data[size] = 0;
    yardstick_sha1_ctx c;
    unsigned char id[20];
    yardstick_sha1_init(&c);
    yardstick_sha1_update(&c, header, header_len);
    yardstick_sha1_update(&c, data, size);
    yardstick_sha1_final(&c, id);
    if (memcmp(id, oid->id, 20) != 0) {
        char actual[41];
        to_hex(id, actual);
        git_odb_backend_data_free(backend, data);
        char message[256];
        snprintf(message, sizeof message, "object hash mismatch: objects/%.2s/%s holds an object whose id is %s, not %s",
                 hex, hex + 2, actual, hex);
        git_error_set_str(GIT_ERROR_ODB, message);
        return GIT_ERROR;
    }
    *out = data;
    *len = size;
    *type = (git_object_t)t;
    return 0;
}

static void loose_free(git_odb_backend *backend) {
    loose_backend *b = (loose_backend *)backend;
    free(b->objects_dir);
    free(b);
}

void *yardstick_loose_backend_new(const char *objects_dir) {
    loose_backend *b = calloc(1, sizeof(loose_backend));
    if (b == NULL || git_odb_init_backend(&b->parent, GIT_ODB_BACKEND_VERSION) < 0) {
        free(b);
        return NULL;
    }
    size_t n = strlen(objects_dir);
    b->objects_dir = malloc(n + 2);
    if (b->objects_dir == NULL) {
        free(b);
        return NULL;
    }
    memcpy(b->objects_dir, objects_dir, n);
    if (n == 0 || objects_dir[n - 1] != '/') b->objects_dir[n++] = '/';
    b->objects_dir[n] = 0;
    b->dir_len = n;
    b->parent.read = loose_read;
    b->parent.free = loose_free;
    return b;
}

void yardstick_loose_backend_free(void *backend) {
    if (backend) loose_free(backend);
}

/* ---- every object hashed: a wrapper around another backend (YARDSTICK_VERIFY=all) ----
 *
 * libgit2's own switch (GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION) is process-wide and also hashes the made-up
 * ids of the span database that diffs byte spans (shim.h), so it cannot be used. This wrapper hashes what
 * the backend it wraps returns, and refuses an object whose content is not its id. */

typedef struct {
    git_odb_backend parent;
    git_odb_backend *inner;
} verifying_backend;

static const char *const type_names[] = {NULL, "commit", "tree", "blob", "tag"};

static int verify_read(void **out, size_t *len, git_object_t *type, git_odb_backend *backend, const git_oid *oid) {
    verifying_backend *v = (verifying_backend *)backend;
    if (v->inner->read == NULL) return GIT_PASSTHROUGH;
    int rc = v->inner->read(out, len, type, v->inner, oid);
    if (rc != 0) return rc;
    if (*type < GIT_OBJECT_COMMIT || *type > GIT_OBJECT_TAG) return 0;
    char header[64];
    int n = snprintf(header, sizeof header, "%s %zu", type_names[*type], *len);
    yardstick_sha1_ctx c;
    unsigned char id[20];
    yardstick_sha1_init(&c);
    yardstick_sha1_update(&c, header, (size_t)n + 1);
    yardstick_sha1_update(&c, *out, *len);
    yardstick_sha1_final(&c, id);
    if (memcmp(id, oid->id, 20) == 0) return 0;
    char expected[41], actual[41], message[160];
    to_hex(oid->id, expected);
    to_hex(id, actual);
    git_odb_backend_data_free(v->inner, *out);
    *out = NULL;
    snprintf(message, sizeof message, "object hash mismatch: packed object %s hashes to %s", expected, actual);
    git_error_set_str(GIT_ERROR_ODB, message);
    return GIT_ERROR;
}

static int verify_read_header(size_t *len, git_object_t *type, git_odb_backend *backend, const git_oid *oid) {
    verifying_backend *v = (verifying_backend *)backend;
    return v->inner->read_header ? v->inner->read_header(len, type, v->inner, oid) : GIT_PASSTHROUGH;
}

static int verify_exists(git_odb_backend *backend, const git_oid *oid) {
    verifying_backend *v = (verifying_backend *)backend;
    return v->inner->exists ? v->inner->exists(v->inner, oid) : 0;
}

static void verify_free(git_odb_backend *backend) {
    verifying_backend *v = (verifying_backend *)backend;
    if (v->inner->free) v->inner->free(v->inner);
    free(v);
}

void *yardstick_verifying_backend_new(void *inner) {
    if (inner == NULL) return NULL;
    verifying_backend *v = calloc(1, sizeof(verifying_backend));
    if (v == NULL || git_odb_init_backend(&v->parent, GIT_ODB_BACKEND_VERSION) < 0) {
        free(v);
        return NULL;
    }
    v->inner = inner;
    v->parent.read = verify_read;
    v->parent.read_header = verify_read_header;
    v->parent.exists = verify_exists;
    v->parent.free = verify_free;
    return v;
}

void *yardstick_libgit2_pack_backend_new(const char *objects_dir) {
    git_odb_backend *backend = NULL;
    return git_odb_backend_pack(&backend, objects_dir) == 0 ? backend : NULL;
}

void yardstick_odb_backend_free(void *backend) {
    git_odb_backend *b = backend;
    if (b && b->free) b->free(b);
}
