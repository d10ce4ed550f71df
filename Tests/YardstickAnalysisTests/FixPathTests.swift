import HistoryMetrics
import HistoryMining
import HistoryModel
import ReportContract
import TestSupport
import Testing
import YardstickConfig

@testable import YardstickAnalysis

/// The fix path (issue 11): fix detection on the mining workers, a slice of changes each, gives what the
/// sequential rules give for any number of workers and slices, and lists the traced commits oldest first.
@Suite struct FixPathTests {
    @Test(arguments: ["delivery", "applied"])
    func fixDetectionOnWorkersIsTheSequentialResult(_ sample: String) throws {
        let sequential = Analysis(path: SampleRepositories.path(sample), mining: MiningOptions(workers: 1))
        let history = try sequential.landedHistory()
        let rules = DeliveryAnalyzer.MessageRules(DeliveryOptions())
        let flags = rules.revertsAndFixes(
            history.changes, commits: history.mined.commits, pullRequestCommits: history.pullRequestCommits)
        let traced = rules.tracedCommits(history.changes, fixes: flags.fixes, commits: history.mined.commits)
        #expect(flags.fixes.contains(true))
        // Oldest first on the first-parent line: `traced` lists changes newest first.
        let order = Array(history.mined.mainline.reversed())
        let expected = order.filter(Set(traced).contains)
        for (workers, slice) in [(1, 256), (2, 1), (3, 2)] {
            let analysis = Analysis(path: SampleRepositories.path(sample), mining: MiningOptions(workers: workers))
            var gotFlags: (reverts: [Bool], fixes: [Bool])?
            var gotTraced: [ObjectID]?
            var gotBranch: [ObjectID] = []
            let diffed = try analysis.tracedFixCommits(
                history, flags: &gotFlags, traced: &gotTraced, branchFixes: &gotBranch, slice: slice)
            #expect(gotFlags?.reverts == flags.reverts, "\(workers) workers, slices of \(slice)")
            #expect(gotFlags?.fixes == flags.fixes, "\(workers) workers, slices of \(slice)")
            #expect(gotTraced == traced, "\(workers) workers, slices of \(slice)")
            #expect(diffed == expected, "\(workers) workers, slices of \(slice)")
            #expect(
                gotBranch
                    == rules.branchFixCommits(history.changes, fixes: flags.fixes, commits: history.mined.commits),
                "\(workers) workers, slices of \(slice)")
        }
    }

    /// `fixDetection`'s one pass gives what its reference gives (`revertsAndFixes`, then
    /// `tracedAndBranchFixCommits` on the fixes) on every sample repository's workflow: merges traced as a whole
    /// and by their branches' fix commits (both ways where the merge's own title is a fix: `fixmerge`), squash
    /// pull requests, rebase and applied groups, Gerrit changes.
    @Test(arguments: [
        "github-merge", "squash", "gerrit", "rebase", "forges", "integration", "delivery", "applied", "branchfix",
        "fixmerge", "ownwork",
    ])
    func fixDetectionInOnePassIsTheReference(_ sample: String) throws {
        let history = try Analysis(path: SampleRepositories.path(sample), mining: MiningOptions(workers: 1))
            .landedHistory()
        let (changes, commits, prs) = (history.changes, history.mined.commits, history.pullRequestCommits)
        let rules = DeliveryAnalyzer.MessageRules(DeliveryOptions())
        let flags = rules.revertsAndFixes(changes, commits: commits, pullRequestCommits: prs)
        let reference = rules.tracedAndBranchFixCommits(changes, fixes: flags.fixes, commits: commits)
        let found = rules.fixDetection(changes, commits: commits, pullRequestCommits: prs)
        #expect(found.reverts == flags.reverts)
        #expect(found.fixes == flags.fixes)
        #expect(found.traced == reference.traced)
        #expect(found.branch == reference.branch)
        #expect(found.traced == rules.tracedCommits(changes, fixes: flags.fixes, commits: commits))
    }

    /// With the fix diffs streamed, the report is the same for any number of workers (the sample's fixes
    /// include a series traced one by one and an add-only fix).
    @Test(arguments: ["delivery", "applied"])
    func theReportIsTheSameForAnyNumberOfWorkers(_ sample: String) throws {
        let one = try Analysis(path: SampleRepositories.path(sample), mining: MiningOptions(workers: 1)).run()
        let three = try Analysis(path: SampleRepositories.path(sample), mining: MiningOptions(workers: 3)).run()
        #expect(one.pullRequests.contains { !($0.delivery?.blames.isEmpty ?? true) })
        #expect(one.pullRequests == three.pullRequests)
        #expect(one.groups == three.groups)
    }

    /// A fix over more than `maxFixFiles` files is traced (its blames stay empty) but its diff is not streamed.
    @Test func aFixOverMaxFixFilesIsNotDiffed() throws {
        var analysis = Analysis(path: SampleRepositories.path("delivery"), mining: MiningOptions(workers: 2))
        let history = try analysis.landedHistory()
        var flags: (reverts: [Bool], fixes: [Bool])?
        var traced: [ObjectID]?
        var branch: [ObjectID] = []
        let all = try analysis.tracedFixCommits(history, flags: &flags, traced: &traced, branchFixes: &branch)
        analysis.configuration.delivery.maxFixFiles = 1
        let small = try analysis.tracedFixCommits(history, flags: &flags, traced: &traced, branchFixes: &branch)
        #expect(all.count == traced?.count)
        #expect(small.count < all.count)
        #expect(small.allSatisfy(all.contains))
    }
}
