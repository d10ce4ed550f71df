/// SZZ for one fix commit inside a merged branch (issue 17, ADR 0025): the old lines its
/// white-space-insensitive diff deletes or replaces (or, for an add-only fix, the context lines around its
/// insertions), followed from its parent to first-parent commits whose ownership state knows who wrote
/// them (`pending`); lines its own change wrote are left out. With them, the lines the two fallbacks of a
/// first-parent fix read (`FileRanges.context`, `FileRanges.neighbourhoods`), followed the same way. Plain data:
/// the miner computes it, the delivery analysis resolves it.
public struct BranchFixTrace: Hashable, Sendable {
    /// Line ranges of one file (1-based start, count).
    public struct FileRanges: Hashable, Sendable {
        public var path: String
        /// The lines blamed: those the fix deletes or replaces, or the context of an add-only fix.
        public var ranges: [LineRange]
        /// The old lines around each of the fix's hunks (`Hunk.context`, `delivery.addOnlyFixContext`), blamed
        /// instead when `ranges` of every file blame nothing (all written inside the fix's own change, or
        /// unknown). Empty for an add-only fix.
        public var context: [LineRange]
        /// Per hunk that deletes or replaces lines, for the newer-neighbour rule (`delivery.newerNeighbourLines`).
        public var neighbourhoods: [Neighbourhood]

        public init(path: String, ranges: [LineRange], context: [LineRange] = [], neighbourhoods: [Neighbourhood] = [])
        {
            self.path = path
            self.ranges = ranges
            self.context = context
            self.neighbourhoods = neighbourhoods
        }
    }

    /// One hunk's deleted or replaced lines that are left (`lines`, possibly none) and the lines above and below
    /// it that are left (`around`, never empty).
    public struct Neighbourhood: Hashable, Sendable {
        public var lines: [LineRange]
        public var around: [LineRange]

        public init(lines: [LineRange], around: [LineRange]) {
            self.lines = lines
            self.around = around
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
    /// Whether the fix corrects its own change's work: it deletes or replaces lines, and every one of them was
    /// written inside its own change (on its branch, after it forked), so no user of the first-parent line met
    /// what it corrects (analysis revision 11). False whenever that is not known: a fix that only adds lines, one
    /// over `maxFixFiles` or of binary files only, one that changes a file missing where the walk ends (added on
    /// the branch, or at another path there), a walk that leaves the history.
    public var ownWork: Bool

    public init(fix: ObjectID, pending: [Pending] = [], ownWork: Bool = false) {
        self.fix = fix
        self.pending = pending
        self.ownWork = ownWork
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

    /// The old-side lines around every hunk, each old line once, in order: `lines` above and `lines` below the
    /// old lines a hunk deletes or replaces, and for an insertion those of `insertionContext`. What SZZ blames
    /// for a fix whose deleted or replaced lines blame nothing (`delivery.addOnlyFixContext`).
    public static func context(_ hunks: [Hunk], lines: Int) -> [BranchFixTrace.LineRange] {
        guard lines > 0 else { return [] }
        var out: [BranchFixTrace.LineRange] = []
        func add(_ first: Int, _ last: Int) {
            var start = max(1, first)
            if let previous = out.last { start = max(start, previous.start + previous.count) }
            guard last >= start else { return }
            if let previous = out.last, previous.start + previous.count == start {
                out[out.count - 1].count += last - start + 1
            } else {
                out.append(BranchFixTrace.LineRange(start: start, count: last - start + 1))
            }
        }
        for hunk in hunks {
            let start = Int(hunk.oldStart)
            if hunk.oldCount > 0 {
                add(start - lines, start - 1)
                add(start + Int(hunk.oldCount), start + Int(hunk.oldCount) + lines - 1)
            } else if hunk.newCount > 0 {
                add(start - lines + 1, start + lines)
            }
        }
        return out
    }

    /// The `lines` old lines above and below a deleted or replaced range (as far as line 1 reaches): where the
    /// newer-neighbour rule looks (`delivery.newerNeighbourLines`).
    public static func around(_ range: BranchFixTrace.LineRange, lines: Int) -> [BranchFixTrace.LineRange] {
        guard lines > 0 else { return [] }
        let above = max(1, range.start - lines)
        return [
            BranchFixTrace.LineRange(start: above, count: range.start - above),
            BranchFixTrace.LineRange(start: range.start + range.count, count: lines),
        ].filter { $0.count > 0 }
    }
}
