/* The counts-only and exact-hunk trim planner (ADR 0008); see include/CDiffTrim.h. */
#include "CDiffTrim.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The planner replays libgit2 1.5's xdiff (see YARDSTICK_TRIM_XDIFF_MAJOR in CDiffTrim.h). Built against the
 * headers of another libgit2, it must be checked against that version's xprepare.c before the constants
 * above are changed; the run-time check (LibGit2.trimPlannerApplies) covers a library swapped after the build. */
#if __has_include(<git2/version.h>)
#include <git2/version.h>
#if LIBGIT2_VER_MAJOR != YARDSTICK_TRIM_XDIFF_MAJOR || LIBGIT2_VER_MINOR != YARDSTICK_TRIM_XDIFF_MINOR
#error "CDiffTrim replays libgit2 1.5's xdiff: compare xprepare.c of this libgit2 with it, then update YARDSTICK_TRIM_XDIFF_MAJOR/MINOR"
#endif
#endif

static long yardstick_bogosqrt(long n) {
    long i;
    for (i = 1; n > 0; n >>= 2) i <<= 1;
    return i;
}

static long yardstick_mlim(long nrec) {
    long m = yardstick_bogosqrt(nrec);
    return m > 1024 ? 1024 : m;
}

static char yardstick_line_class(long nm, long mlim) { return nm == 0 ? 0 : (nm >= mlim ? 2 : 1); }

/* xdiff's xdl_clean_mmatch (XDL_SIMSCAN_WINDOW 100, XDL_KPDIS_RUN 4), over dis[s...e]. */
static int yardstick_clean_mmatch(const char *dis, long i, long s, long e) {
    long r, rdis0, rpdis0, rdis1, rpdis1;
    if (i - s > 100) s = i - 100;
    if (e - i > 100) e = i + 100;
    for (r = 1, rdis0 = 0, rpdis0 = 1; (i - r) >= s; r++) {
        if (!dis[i - r]) rdis0++;
        else if (dis[i - r] == 2) rpdis0++;
        else break;
    }
    if (rdis0 == 0) return 0;
    for (r = 1, rdis1 = 0, rpdis1 = 1; (i + r) <= e; r++) {
        if (!dis[i + r]) rdis1++;
        else if (dis[i + r] == 2) rpdis1++;
        else break;
    }
    if (rdis1 == 0) return 0;
    rdis1 += rdis0;
    rpdis1 += rpdis0;
    return rpdis1 * 4 < (rpdis1 + rdis1);
}

static size_t yardstick_count_newlines(const char *p, size_t n) {
    size_t count = 0;
    for (size_t i = 0; i < n; i++) count += p[i] == '\n';
    return count;
}

/* Lines of a text: newlines, plus one for a last line without one. */
static size_t yardstick_count_lines(const char *p, size_t n) {
    if (n == 0) return 0;
    return yardstick_count_newlines(p, n) + (p[n - 1] == '\n' ? 0 : 1);
}

static uint64_t yardstick_line_hash(const char *p, size_t n) {
    uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t)n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 32;
    }
    uint64_t tail = 0;
    memcpy(&tail, p + i, n - i);
    h = (h ^ tail) * 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 29;
    return h;
}

/* xdiff's XDL_ISSPACE in the C locale (isspace). */
static int yardstick_is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == '\v';
}

/* A hash of a line as xdiff's XDF_IGNORE_WHITESPACE_CHANGE sees it (xdl_hash_record_with_whitespace): every run
 * of white space inside the line counts as one space, a run at its end (before the newline) as nothing. Lines
 * equal by yardstick_lines_equal_ws hash alike. */
static uint64_t yardstick_line_hash_ws(const char *p, size_t n) {
    uint64_t h = 0xCBF29CE484222325ull;
    const char *ptr = p, *top = p + n;
    for (; ptr < top && *ptr != '\n'; ptr++) {
        if (yardstick_is_space(*ptr)) {
            while (ptr + 1 < top && yardstick_is_space(ptr[1]) && ptr[1] != '\n') ptr++;
            int at_eol = top <= ptr + 1 || ptr[1] == '\n';
            if (!at_eol) h = (h ^ (unsigned char)' ') * 0x100000001B3ull;
            continue;
        }
        h = (h ^ (unsigned char)*ptr) * 0x100000001B3ull;
    }
    h ^= h >> 29;
    return h;
}

/* The signature of a line as XDF_IGNORE_WHITESPACE_CHANGE sees it (yardstick_line_hash_ws): its first (up to)
 * eight bytes, each run of white space inside the line read as one space and a run at its end as nothing. Equal
 * lines share it; reading a few bytes, it spares hashing whole common lines that equal no middle line. */
static unsigned yardstick_line_signature_ws(const char *p, size_t n) {
    uint64_t w = 0;
    unsigned k = 0;
    const char *ptr = p, *top = p + n;
    for (; ptr < top && *ptr != '\n' && k < 8; ptr++) {
        if (yardstick_is_space(*ptr)) {
            while (ptr + 1 < top && yardstick_is_space(ptr[1]) && ptr[1] != '\n') ptr++;
            if (top <= ptr + 1 || ptr[1] == '\n') break;
            w |= (uint64_t)' ' << (8 * k++);
            continue;
        }
        w |= (uint64_t)(unsigned char)*ptr << (8 * k++);
    }
    uint64_t h = (w ^ ((uint64_t)k * 0x9E3779B97F4A7C15ull)) * 0xFF51AFD7ED558CCDull;
    return (unsigned)(h >> 52);
}

/* xdiff's xdl_recmatch with XDF_IGNORE_WHITESPACE_CHANGE (libgit2 1.5, xutils.c). */
static int yardstick_lines_equal_ws(const char *l1, size_t s1, const char *l2, size_t s2) {
    if (s1 == s2 && memcmp(l1, l2, s1) == 0) return 1;
    size_t i1 = 0, i2 = 0;
    while (i1 < s1 && i2 < s2) {
        if (yardstick_is_space(l1[i1]) && yardstick_is_space(l2[i2])) {
            while (i1 < s1 && yardstick_is_space(l1[i1])) i1++;
            while (i2 < s2 && yardstick_is_space(l2[i2])) i2++;
            continue;
        }
        if (l1[i1++] != l2[i2++]) return 0;
    }
    while (i1 < s1 && yardstick_is_space(l1[i1])) i1++;
    if (i1 != s1) return 0;
    while (i2 < s2 && yardstick_is_space(l2[i2])) i2++;
    return i2 == s2;
}

/* See the header. */
int yardstick_trim_lines_equal(const char *a, size_t alen, const char *b, size_t blen, int ignore_ws) {
    if (ignore_ws) return yardstick_lines_equal_ws(a, alen, b, blen);
    return alen == blen && memcmp(a, b, alen) == 0;
}

/* The end of the line at cur (after its newline, or end): a word at a time, as lines are short and a call to
 * memchr per line costs more than the search. */
static const char *yardstick_line_end(const char *cur, const char *end) {
    while (cur + 8 <= end) {
        uint64_t w;
        memcpy(&w, cur, 8);
        uint64_t x = w ^ 0x0A0A0A0A0A0A0A0Aull;
        uint64_t found = (x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull;
        if (found) return cur + (__builtin_ctzll(found) >> 3) + 1;
        cur += 8;
    }
    while (cur < end) {
        if (*cur++ == '\n') return cur;
    }
    return end;
}

typedef struct {
    const char *line;
    size_t length;
    uint64_t hash;
    long in_old, in_new, in_common, in_margin;
} yardstick_trim_class;

typedef struct {
    yardstick_trim_class *slots;
    size_t mask;
    uint64_t signatures[64]; /* one bit per signature (length and first bytes) of the middle lines */
    int ws;                  /* lines compared as XDF_IGNORE_WHITESPACE_CHANGE compares them */
} yardstick_trim_table;

static uint64_t yardstick_trim_hash(const yardstick_trim_table *t, const char *p, size_t n) {
    return t->ws ? yardstick_line_hash_ws(p, n) : yardstick_line_hash(p, n);
}

/* A 12-bit signature of a line from its length and first (up to) eight bytes: most common lines differ from
 * every middle line there, and are then not hashed at all. */
static unsigned yardstick_line_signature(const char *p, size_t n) {
    uint64_t w = 0;
    memcpy(&w, p, n < 8 ? n : 8);
    uint64_t h = (w ^ ((uint64_t)n * 0x9E3779B97F4A7C15ull)) * 0xFF51AFD7ED558CCDull;
    return (unsigned)(h >> 52);
}

static yardstick_trim_class *yardstick_trim_find(
    yardstick_trim_table *t, const char *line, size_t length, uint64_t hash, int insert) {
    size_t i = (size_t)hash & t->mask;
    for (;;) {
        yardstick_trim_class *c = &t->slots[i];
        if (c->line == NULL) {
            if (!insert) return NULL;
            c->line = line;
            c->length = length;
            c->hash = hash;
            return c;
        }
        if (c->hash == hash &&
            (t->ws ? yardstick_lines_equal_ws(c->line, c->length, line, length)
                   : c->length == length && memcmp(c->line, line, length) == 0))
            return c;
        i = (i + 1) & t->mask;
    }
}

/* Adds the lines of p[0..<n) to the table; returns the number of lines, their classes in *classes. */
static long yardstick_trim_add(
    yardstick_trim_table *t, const char *p, size_t n, int old_side, yardstick_trim_class **classes) {
    const char *cur = p, *end = p + n;
    long k = 0;
    while (cur < end) {
        const char *next = yardstick_line_end(cur, end);
        size_t length = (size_t)(next - cur);
        uint64_t hash = yardstick_trim_hash(t, cur, length);
        yardstick_trim_class *c = yardstick_trim_find(t, cur, length, hash, 1);
        if (old_side) c->in_old++; else c->in_new++;
        unsigned sig = t->ws ? yardstick_line_signature_ws(cur, length) : yardstick_line_signature(cur, length);
        t->signatures[sig >> 6] |= 1ull << (sig & 63);
        classes[k++] = c;
        cur = next;
    }
    return k;
}

/* Counts, for the table's lines, their occurrences in p[0..<n) (common lines; kept in xdiff's input as a
 * margin when `margin`); returns the number of lines. */
static long yardstick_trim_count_common(yardstick_trim_table *t, const char *p, size_t n, int margin) {
    const char *cur = p, *end = p + n;
    long lines = 0;
    while (cur < end) {
        const char *next = yardstick_line_end(cur, end);
        size_t length = (size_t)(next - cur);
        lines++;
        unsigned sig = t->ws ? yardstick_line_signature_ws(cur, length) : yardstick_line_signature(cur, length);
        if ((t->signatures[sig >> 6] >> (sig & 63)) & 1) {
            yardstick_trim_class *c = yardstick_trim_find(t, cur, length, yardstick_trim_hash(t, cur, length), 0);
            if (c) {
                c->in_common++;
                if (margin) c->in_margin++;
            }
        }
        cur = next;
    }
    return lines;
}

/* Replays xdl_cleanup_records' classes and discards for one middle, whole and trimmed. Returns 0 when both
 * replays discard the same lines; 1 when they differ only in lines that no line of the other middle equals
 * (which Myers could never match); -1 otherwise. */
static int yardstick_trim_replay(
    yardstick_trim_class **classes, long m, int old_side, long mlim_whole, long mlim_trimmed, char *dis_whole,
    char *dis_trimmed) {
    for (long i = 0; i < m; i++) {
        yardstick_trim_class *c = classes[i];
        long other = old_side ? c->in_new : c->in_old;
        dis_whole[i] = yardstick_line_class(other + c->in_common, mlim_whole);
        dis_trimmed[i] = yardstick_line_class(other + c->in_margin, mlim_trimmed);
    }
    int differ = 0;
    for (long i = 0; i < m; i++) {
        int gone_whole = dis_whole[i] == 0 || (dis_whole[i] == 2 && yardstick_clean_mmatch(dis_whole, i, 0, m - 1));
        int gone_trimmed =
            dis_trimmed[i] == 0 || (dis_trimmed[i] == 2 && yardstick_clean_mmatch(dis_trimmed, i, 0, m - 1));
        if (gone_whole == gone_trimmed) continue;
        /* Kept by one replay, discarded by the other: harmless only if no line of the other middle equals it. */
        long other = old_side ? classes[i]->in_new : classes[i]->in_old;
        if (other > 0) return -1;
        differ = 1;
    }
    return differ;
}

/* See the header. */
int yardstick_trim_plan(
    const char *a, size_t alen, const char *b, size_t blen, long margin, size_t *old_start, size_t *old_end,
    size_t *new_start, size_t *new_end, size_t *prefix_lines, long *deleted, long *added, int *cut_before,
    int *cut_after, int ignore_ws) {
    *cut_before = *cut_after = 0;
    if (alen == 0 || blen == 0) return YARDSTICK_TRIM_WHOLE;
    if (ignore_ws && margin <= 0) return YARDSTICK_TRIM_WHOLE; /* exact hunks only */
    /* Common prefix: the lines wholly before the first differing byte. */
    size_t limit = alen < blen ? alen : blen;
    size_t d = 0;
    while (d + 8 <= limit) {
        uint64_t x, y;
        memcpy(&x, a + d, 8);
        memcpy(&y, b + d, 8);
        if (x != y) break;
        d += 8;
    }
    while (d < limit && a[d] == b[d]) d++;
    size_t prefix_bytes = d;
    while (prefix_bytes > 0 && a[prefix_bytes - 1] != '\n') prefix_bytes--;
    /* Common suffix lines, not reaching into the prefix of either text (xdiff's limit). */
    size_t room = limit - prefix_bytes;
    size_t e = 0;
    while (e + 8 <= room) {
        uint64_t x, y;
        memcpy(&x, a + alen - e - 8, 8);
        memcpy(&y, b + blen - e - 8, 8);
        if (x != y) break;
        e += 8;
    }
    while (e < room && a[alen - 1 - e] == b[blen - 1 - e]) e++;
    size_t t = alen - e; /* first candidate start of a common suffix line in a */
    int starts_line_a = (t == 0) || a[t - 1] == '\n';
    int starts_line_b = (blen - e == 0) || b[blen - e - 1] == '\n';
    if (!(starts_line_a && starts_line_b)) {
        const char *nl = t < alen ? memchr(a + t, '\n', alen - t) : NULL;
        t = nl ? (size_t)(nl - a) + 1 : alen;
    }
    size_t tb = blen - (alen - t);
    /* Less than half in common: trimming would save less than planning it costs. */
    if (2 * (alen - (t - prefix_bytes)) < alen && 2 * (blen - (tb - prefix_bytes)) < blen) return YARDSTICK_TRIM_WHOLE;
    long ma = (long)yardstick_count_lines(a + prefix_bytes, t - prefix_bytes);
    long mb = (long)yardstick_count_lines(b + prefix_bytes, tb - prefix_bytes);
    if (ignore_ws) {
        /* xdiff trims the lines equal at both ends (xdl_trim_ends), first from the start, then from the end but
         * not into what the start took; with white space ignored, equal lines need not be equal bytes, so its
         * middle could be narrower than the bytes' and the replay below would not be xdiff's: the plan is
         * refused unless the first lines after the common start, and (both middles holding lines) the last
         * lines before the common end, differ as xdiff compares them. */
        if (prefix_bytes < alen && prefix_bytes < blen) {
            const char *ea = yardstick_line_end(a + prefix_bytes, a + alen);
            const char *eb = yardstick_line_end(b + prefix_bytes, b + blen);
            if (yardstick_lines_equal_ws(
                    a + prefix_bytes, (size_t)(ea - (a + prefix_bytes)), b + prefix_bytes,
                    (size_t)(eb - (b + prefix_bytes))))
                return YARDSTICK_TRIM_WHOLE;
        }
        if (ma > 0 && mb > 0) {
            size_t sa = t - 1, sb = tb - 1;
            while (sa > prefix_bytes && a[sa - 1] != '\n') sa--;
            while (sb > prefix_bytes && b[sb - 1] != '\n') sb--;
            if (yardstick_lines_equal_ws(a + sa, t - sa, b + sb, tb - sb)) return YARDSTICK_TRIM_WHOLE;
        }
    }
    /* The margins: the last lines of the prefix and the first of the suffix, kept in the input. */
    size_t keep_from = prefix_bytes, keep_to = t;
    if (margin > 0) {
        long k = 0;
        while (keep_from > 0 && k < margin) {
            keep_from--; /* onto the newline ending the line before */
            while (keep_from > 0 && a[keep_from - 1] != '\n') keep_from--;
            k++;
        }
        for (k = 0; keep_to < alen && k < margin; k++) keep_to = (size_t)(yardstick_line_end(a + keep_to, a + alen) - a);
        *cut_before = keep_from > 0;
        *cut_after = keep_to < alen;
        if (!*cut_before && !*cut_after) return YARDSTICK_TRIM_WHOLE; /* nothing to leave out */
    }
    if ((ma == 0 || mb == 0) && margin == 0) {
        *deleted = ma;
        *added = mb;
        *prefix_lines = yardstick_count_newlines(a, prefix_bytes);
        return YARDSTICK_TRIM_COUNTED;
    }
    /* Huge middles: planning would need memory in proportion; xdiff on the whole texts is no worse. */
    if (ma + mb > 1000000) return YARDSTICK_TRIM_WHOLE;
    /* The middle lines' classes, and how often each occurs in the common lines. */
    size_t capacity = 16;
    while (capacity < 2 * (size_t)(ma + mb)) capacity <<= 1;
    yardstick_trim_table table;
    memset(&table, 0, sizeof(table));
    table.mask = capacity - 1;
    table.ws = ignore_ws != 0;
    table.slots = calloc(capacity, sizeof(yardstick_trim_class));
    yardstick_trim_class **classes = malloc((size_t)(ma + mb + 1) * sizeof(yardstick_trim_class *));
    char *dis = malloc(2 * (size_t)(ma + mb) + 1);
    int plan = YARDSTICK_TRIM_WHOLE;
    if (table.slots != NULL && classes != NULL && dis != NULL) {
        yardstick_trim_add(&table, a + prefix_bytes, t - prefix_bytes, 1, classes);
        yardstick_trim_add(&table, b + prefix_bytes, tb - prefix_bytes, 0, classes + ma);
        long p_cut = yardstick_trim_count_common(&table, a, keep_from, 0);
        long p_kept = yardstick_trim_count_common(&table, a + keep_from, prefix_bytes - keep_from, 1);
        long s_kept = yardstick_trim_count_common(&table, a + t, keep_to - t, 1);
        long s_cut = yardstick_trim_count_common(&table, a + keep_to, alen - keep_to, 0);
        long na = p_cut + p_kept + ma + s_kept + s_cut, nb = p_cut + p_kept + mb + s_kept + s_cut;
        *prefix_lines = (size_t)p_cut;
        int ra = yardstick_trim_replay(
            classes, ma, 1, yardstick_mlim(na), yardstick_mlim(p_kept + ma + s_kept), dis, dis + ma);
        int rb = ra < 0 ? -1
                        : yardstick_trim_replay(
                              classes + ma, mb, 0, yardstick_mlim(nb), yardstick_mlim(p_kept + mb + s_kept), dis + 2 * ma,
                              dis + 2 * ma + mb);
        if (ra == 0 && rb == 0) plan = YARDSTICK_TRIM_SPANS;
        else if (ra >= 0 && rb >= 0 && margin == 0) plan = YARDSTICK_TRIM_SPANS_IF_EXACT;
    }
    free(table.slots);
    free(classes);
    free(dis);
    if (plan != YARDSTICK_TRIM_WHOLE) {
        *old_start = keep_from;
        *old_end = keep_to;
        *new_start = keep_from;
        *new_end = blen - (alen - keep_to);
    }
    return plan;
}
