public import HistoryModel
public import ReportContract

extension Report.ChangeDelivery {
    /// The JSON form of a change's facts: hours rounded, people written `Name <email>`, change indexes as
    /// landing commits.
    public init(_ f: ChangeFacts, changes: [LandedChange]) {
        func r(_ v: Double?) -> Double? { v.map { Statistics.round($0) } }
        self.init(
            reviewTurnaroundHours: r(f.reviewTurnaroundHours),
            cycleTimeHours: r(f.cycleTimeHours),
            reviewTurnaroundBusinessHours: r(f.reviewTurnaroundBusinessHours),
            turnaroundNote: f.turnaroundNote,
            cycleNote: f.cycleNote,
            reviewers: f.reviewers.map(\.description),
            unreviewed: f.unreviewed,
            branchCommits: f.branchCommits,
            fixupCommits: f.fixupCommits,
            changedLines: f.changedLines,
            reworkOwnLines: f.reworkOwnLines,
            reworkOthersLines: f.reworkOthersLines,
            addedLines: f.addedLines,
            rewrittenAfterLanding: f.rewrittenAfterLanding,
            discardedOnBranch: f.discardedOnBranch,
            majorRework: f.majorRework,
            isFix: f.isFix,
            isRevert: f.isRevert,
            blames: f.blames.keys.sorted().map {
                Report.Blame(commit: changes[$0].commit.hex, lines: f.blames[$0] ?? 0)
            },
            blamedBy: f.blamedBy.map { changes[$0].commit.hex },
            revertedBy: f.revertedBy.map { changes[$0].commit.hex },
            revertedInWindow: f.revertedInWindow,
            escapedDefect: f.escapedDefect,
            touchesTests: f.touchesTests,
            testLines: f.testLines,
            codeLines: f.codeLines,
            adrsAdded: f.adrsAdded,
            fixCommits: f.tracedFixes.isEmpty
                ? nil
                : f.tracedFixes.map { fix in
                    Report.TracedFix(
                        commit: fix.commit.hex,
                        blames: fix.blames.keys.sorted().map {
                            Report.Blame(commit: changes[$0].commit.hex, lines: fix.blames[$0] ?? 0)
                        })
                }
        )
    }
}
