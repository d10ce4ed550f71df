public import HistoryModel

/// What the delivery analysis found about one landed change. Indexes refer to the analysed change list.
public struct ChangeFacts: Sendable, Equatable {
    /// Review turnaround proxy in hours (see docs/metrics.md); nil when not measurable or left out.
    public var reviewTurnaroundHours: Double?
    /// Cycle time in hours: first authored commit to landing; nil when not measurable or left out.
    public var cycleTimeHours: Double?
    /// Review turnaround counted in working hours of the author's group; nil without a business-hours clock.
    public var reviewTurnaroundBusinessHours: Double?
    /// Why turnaround has no value: `not measurable from git`, `landed without review`, `negative span`,
    /// `absurd span`; nil when it has one.
    public var turnaroundNote: String?
    /// Why cycle time has no value (`negative span`, `absurd span`); nil otherwise.
    public var cycleNote: String?
    /// Distinct people, other than the author and co-authors, named in review trailers.
    public var reviewers: [Identity] = []
    /// Landed with no sign of review: pushed directly, or self-merged with no reviewer trailer.
    public var unreviewed = false
    /// Commits on the merged branch (or in the pull request behind a squash); nil when history does not show them.
    public var branchCommits: Int?
    /// Fix-up commits among them (`fixup!`, `squash!`, "address review" …).
    public var fixupCommits: Int?
    /// Counted lines this change added and deleted on the first-parent line.
    public var changedLines = 0
    /// Counted lines this change added on the first-parent line.
    public var addedLines = 0
    /// Deleted or rewritten lines that were at most the rework window old: the author's own, and others'.
    public var reworkOwnLines = 0
    public var reworkOthersLines = 0
    /// This change's added lines that later changes rewrote or deleted within the rework window.
    public var rewrittenAfterLanding = 0
    /// Lines added by the branch's commits that did not survive to the merge (`Σ commit additions − reviewed additions`).
    public var discardedOnBranch: Int?
    /// Σ additions of the branch's (or PR's) commits.
    public var branchAddedLines: Int?
    public var majorRework = false
    public var isFix = false
    public var isRevert = false
    /// Changes this fix or revert blames (indexes), with the number of lines traced to each.
    public var blames: [Int: Int] = [:]
    /// Where SZZ traced the change commit by commit (a series' fix commits, fixes inside a merged branch):
    /// each traced commit with the changes its own lines blame, oldest commit first. Empty otherwise.
    public var tracedFixes: [TracedFix] = []
    /// How many of `tracedFixes` (the last ones) are fix commits inside a merged branch.
    public var branchFixes = 0
    /// Fixes and reverts that blame this change.
    public var blamedBy: [Int] = []
    /// The revert that undid this change, if any.
    public var revertedBy: Int?
    /// Blamed by a fix, or reverted, within the defect window.
    public var escapedDefect = false
    /// Reverted within the defect window.
    public var revertedInWindow = false
    public var touchesTests = false
    public var testLines = 0
    public var codeLines = 0
    /// ADR files this change added.
    public var adrsAdded: [String] = []

    public init() {}
}

/// One commit SZZ traced on its own inside a change, with the changes (indexes) its lines blame.
public struct TracedFix: Sendable, Equatable {
    public var commit: ObjectID
    public var blames: [Int: Int]

    public init(commit: ObjectID, blames: [Int: Int] = [:]) {
        self.commit = commit
        self.blames = blames
    }
}
