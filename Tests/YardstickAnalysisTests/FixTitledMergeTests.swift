import Foundation
import HistoryMetrics
import HistoryMining
import HistoryModel
import ReportContract
import TestSupport
import Testing
import YardstickAnalysis

/// The `fixmerge` sample (Scripts/make-sample-repos.sh, build_fixmerge): a merge whose own title is a fix
/// (`Merge branch 'fix/parser-limits'`) is traced as a whole, and its branch's fix commits one by one too (issue
/// 17, ADR 0025's second addendum). `BranchFixTests.theBlamesAreGitBlameFirstParentAtTheFixsParent` checks the
/// branch commits' blames against git.
@Suite struct FixTitledMergeTests {
    static func report(workers: Int = 2) throws -> Report {
        try Analysis(path: SampleRepositories.path("fixmerge"), mining: MiningOptions(workers: workers)).run()
    }

    @Test func theBranchFixCommitsOfAFixTitledMergeAreTracedOneByOneToo() throws {
        let r = try Self.report()
        #expect(
            r.pullRequests.map { String($0.commit.prefix(7)) } == ["14a566a", "d470d03", "5365ae1", "5896d07"])
        let merge = try #require(r.pullRequests.first?.delivery)
        #expect(merge.isFix)
        // The whole diff (`git diff -b HEAD^ HEAD`) replaces the initial commit's line 30 and Wei's line 15 of
        // the lexer, and inserts a line, which a diff that also replaces lines does not trace: 5896d07 ×1,
        // d470d03 ×1. The add-only branch fix blames Bob's lines 10 and 11 around its insertion (5365ae1 ×2),
        // which the whole diff does not; the lexer fix blames Wei's line 15, as the whole diff does: counted
        // once (the larger of the two counts, 1).
        #expect(BranchFixTests.short(merge.blames) == ["5896d07": 1, "d470d03": 1, "5365ae1": 2])
        let traced = try #require(merge.fixCommits)
        #expect(traced.map { String($0.commit.prefix(7)) } == ["7dfc57b", "9daafad"])
        #expect(traced.map { BranchFixTests.short($0.blames) } == [["5365ae1": 2], ["d470d03": 1]])
        // Bob's change is an escaped defect only through the branch fix commit.
        #expect(r.pullRequests.map { $0.delivery?.escapedDefect ?? false } == [false, true, true, true])
        let rates = r.groups.map { "\($0.name) \($0.metrics["defectEscapeRate"]?.value ?? -1)" }
        #expect(rates == ["acme.com 100.0", "gmail.com 0.0", "vendorco.io 100.0"])
    }

    /// Fix detection lists the merge among the commits traced as a whole and its branch's two fix commits (not
    /// the feature commit) among those traced one by one.
    @Test func fixDetectionTracesTheMergeAndItsBranchFixes() throws {
        let history = try Analysis(path: SampleRepositories.path("fixmerge"), mining: MiningOptions(workers: 1))
            .landedHistory()
        let rules = DeliveryAnalyzer.MessageRules(DeliveryOptions())
        let found = rules.fixDetection(history.changes, commits: history.mined.commits)
        #expect(found.fixes == [true, false, false, false])
        #expect(found.traced.map(\.short) == ["14a566a"])
        #expect(found.branch.map(\.short) == ["7dfc57b", "9daafad"])
    }

    @Test func theReportIsTheSameForAnyNumberOfWorkers() throws {
        let one = try Self.report(workers: 1)
        let three = try Self.report(workers: 3)
        #expect(one.pullRequests == three.pullRequests)
        #expect(one.groups == three.groups)
    }
}
