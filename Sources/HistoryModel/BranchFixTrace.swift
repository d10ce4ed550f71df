/// SZZ for one fix commit inside a merged branch (issue 17, ADR 0025): the old lines its
/// white-space-insensitive diff deletes or replaces (or, for an add-only fix, the context lines around its
/// insertions), followed back along its first parents, through the branch commits that changed those files,
/// to the first commit on the analysed first-parent line. Lines a branch commit wrote on the way are
/// `writers`; the rest are `ranges` of `reached`, whose owners the ownership pass reads once it has applied
/// that commit. Plain data: the miner computes it, the delivery analysis resolves it.
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

    /// A branch commit that wrote `lines` of the traced lines.
    public struct Writer: Hashable, Sendable {
        public var commit: ObjectID
        public var lines: Int

        public init(commit: ObjectID, lines: Int) {
            self.commit = commit
            self.lines = lines
        }
    }

    /// The fix commit (off the first-parent line).
    public var fix: ObjectID
    /// Branch commits that wrote traced lines, oldest writer last as met (each commit once).
    public var writers: [Writer]
    /// The first-parent commit the walk reached; nil when it ended first (the history given stops, or the
    /// walk's limit).
    public var reached: ObjectID?
    /// The traced lines still unexplained, as lines of `reached`.
    public var ranges: [FileRanges]

    public init(fix: ObjectID, writers: [Writer] = [], reached: ObjectID? = nil, ranges: [FileRanges] = []) {
        self.fix = fix
        self.writers = writers
        self.reached = reached
        self.ranges = ranges
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
