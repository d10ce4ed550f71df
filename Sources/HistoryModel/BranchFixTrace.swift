/// SZZ for one fix commit inside a merged branch (issue 17, ADR 0025): the old lines its
/// white-space-insensitive diff deletes or replaces (or, for an add-only fix, the context lines around its
/// insertions), followed from its parent to first-parent commits whose ownership state knows who wrote
/// them (`pending`); lines its own change wrote are left out. Plain data: the miner computes it, the delivery
/// analysis resolves it.
public struct BranchFixTrace: Hashable, Sendable {
    /// Line ranges of one file (1-based start, count).
    public struct FileRanges: Hashable, Sendable {
        public var path: String
        public var ranges: [LineRange]

        public init(path: String, ranges: [LineRange]) {
            self.path = path
            self.ranges = ranges
        }
    }

    public struct LineRange: Hashable, Sendable {
        public var start: Int
        public var count: Int

        public init(start: Int, count: Int) {
            self.start = start
            self.count = count
        }
    }

    /// Traced lines left at a first-parent commit, as lines of that commit.
    public struct Pending: Hashable, Sendable {
        public var commit: ObjectID
        public var files: [FileRanges]

        public init(commit: ObjectID, files: [FileRanges]) {
            self.commit = commit
            self.files = files
        }
    }

    /// The fix commit (off the first-parent line).
    public var fix: ObjectID
    /// The traced lines, as lines of first-parent commits. Empty when none is left (all written by the fix's
    /// own change), or when the history given does not reach such a commit.
    public var pending: [Pending]

    public init(fix: ObjectID, pending: [Pending] = []) {
        self.fix = fix
        self.pending = pending
    }
}

extension Hunk {
    /// The old-side lines around each insertion (a hunk with no old lines inserts after line `oldStart`):
    /// `lines` above and `lines` below, each old line once, in order. What SZZ blames for a fix that only
    /// adds lines (`delivery.addOnlyFixContext`).
    public static func insertionContext(_ hunks: [Hunk], lines: Int) -> [BranchFixTrace.LineRange] {
        guard lines > 0 else { return [] }
        var out: [BranchFixTrace.LineRange] = []
        for hunk in hunks where hunk.oldCount == 0 && hunk.newCount > 0 {
            let after = Int(hunk.oldStart)
            var start = max(1, after - lines + 1)
            let end = after + lines  // inclusive
            if let last = out.last { start = max(start, last.start + last.count) }
            guard end >= start else { continue }
            out.append(BranchFixTrace.LineRange(start: start, count: end - start + 1))
        }
        return out
    }
}
