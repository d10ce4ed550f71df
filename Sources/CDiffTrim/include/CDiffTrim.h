#ifndef YARDSTICK_CDIFFTRIM_H
#define YARDSTICK_CDIFFTRIM_H

#include <stddef.h>

/*
 * Counts-only trimming (ADR 0008). When only the numbers of added and deleted lines of a diff are wanted,
 * never where its hunks fall, the lines both texts share at their start and end can be left out of xdiff's
 * input when that provably leaves its counts unchanged. xdiff (libgit2 1.5, xprepare.c) trims those lines
 * itself, but only after hashing and classifying every line of both texts; what the trimmed lines still
 * decide is xdl_cleanup_records' class of each remaining ("middle") line: no match in the other text (0), a
 * few (1), or at least mlim = min(xdl_bogosqrt(line count of its own text), 1024) (2); lines of class 0, and
 * of class 2 amid runs of class 0 (xdl_clean_mmatch), are discarded as changed before Myers runs. This planner
 * finds the common lines, counts how often each middle line occurs in them, and replays that classification
 * for both inputs (whole, trimmed). It accepts the trim when
 *   - both replays keep and discard the same middle lines: xdiff then sees the same problem either way; or
 *   - the replays differ only in lines that no line of the other middle equals (they could never be matched,
 *     so the longest common subsequence of the kept lines is the same), provided the trimmed diff then
 *     changes at most YARDSTICK_TRIM_EXACT_LIMIT lines (checked by the caller): below that edit distance,
 *     xdiff's Myers never reaches its cost heuristics (they start at 256 steps, and a search of edit
 *     distance D takes about D/2), so both runs count the minimal edit, which unmatchable lines do not
 *     change.
 * Hunk positions can then differ (xdiff slides changes into common lines), so such callers use the counts
 * only. With a margin (exact hunks, TreeDiffer.exactTrimmedHunks) only the first case is accepted, and the
 * caller also checks that no change could slide near a cut.
 *
 * Returns YARDSTICK_TRIM_WHOLE (diff the whole texts), YARDSTICK_TRIM_SPANS (diff the middles
 * [*old_start, *old_end) and [*new_start, *new_end); *prefix_lines common lines come before them),
 * YARDSTICK_TRIM_SPANS_IF_EXACT (the same, valid only if the counts sum to at most YARDSTICK_TRIM_EXACT_LIMIT)
 * or YARDSTICK_TRIM_COUNTED (a middle is empty: *deleted and *added are the counts; xdiff marks every line of
 * the other middle).
 */
/*
 * The xdiff whose classification the planner replays: libgit2 1.5's (src/libgit2/xdiff/xprepare.c,
 * xdl_cleanup_records and xdl_clean_mmatch). Another libgit2 may classify differently, so GitBridge uses the
 * planner only when git_libgit2_version() reports this major and minor version (LibGit2.trimPlannerApplies),
 * and diffs whole texts otherwise. trim.c also refuses to compile against headers of another version.
 */
#define YARDSTICK_TRIM_XDIFF_MAJOR 1
#define YARDSTICK_TRIM_XDIFF_MINOR 5

#define YARDSTICK_TRIM_WHOLE 0
#define YARDSTICK_TRIM_SPANS 1
#define YARDSTICK_TRIM_COUNTED 2
#define YARDSTICK_TRIM_SPANS_IF_EXACT 3
#define YARDSTICK_TRIM_EXACT_LIMIT 400

/* margin: 0 for counts only; otherwise up to this many common lines are kept on each side of the middles (exact
 * hunks), only identical replays are accepted, and *cut_before / *cut_after say whether common lines were left
 * out before / after the spans. ignore_ws: lines are compared and classified as xdiff does with
 * XDF_IGNORE_WHITESPACE_CHANGE (libgit2's GIT_DIFF_IGNORE_WHITESPACE_CHANGE, with or without _EOL and
 * _BLANK_LINES, which change nothing here); exact hunks only (margin > 0), and refused where xdiff's own trim
 * of equal lines would reach past the common bytes. Needs nothing from libgit2: it reads two byte buffers. */
int yardstick_trim_plan(
    const char *a, size_t alen, const char *b, size_t blen, long margin, size_t *old_start, size_t *old_end,
    size_t *new_start, size_t *new_end, size_t *prefix_lines, long *deleted, long *added, int *cut_before,
    int *cut_after, int ignore_ws);

/* Whether two lines (each with its newline, if any) are equal as xdiff compares them: bytes, or with ignore_ws as
 * xdl_recmatch does with XDF_IGNORE_WHITESPACE_CHANGE (so where xdl_change_compact could slide a change). */
int yardstick_trim_lines_equal(const char *a, size_t alen, const char *b, size_t blen, int ignore_ws);

#endif
