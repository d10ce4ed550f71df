import HistoryModel
import TestSupport
import Testing

@testable import HistoryMining

/// The commits of pull requests whose heads the clone holds (`Miner.commits(of:history:)`): a pull request that is
/// one line of single-parent commits forked from the first-parent line at or below its squash's parent is read by
/// its parents alone, any other shape by a revision walk, and both give what the walk gives.
struct PullRequestWalkTests {
    /// squash: `refs/pull/12/head` holds #12's two commits on the root commit, `refs/pull/14/head` #14's three on
    /// the squash's parent.
    @Test func aPullRequestsLineIsWhatTheRevisionWalkReturns() throws {
        let miner = Miner(path: SampleRepositories.path("squash"), options: MiningOptions(workers: 2))
        let history = try miner.landedHistory()
        let mined = history.mined
        let squashes = history.changes.filter { $0.kind == .squash && $0.number.map { [12, 14].contains($0) } == true }
        #expect(squashes.map(\.number) == [14, 12])
        func subjects(_ ids: [ObjectID]) -> [String] {
            ids.map { mined.commits.record($0, withFiles: false)?.subject ?? "?" }
        }
        func parent(_ id: ObjectID) -> ObjectID { mined.commits.record(id, withFiles: false)!.parents[0] }
        let pr14 = mined.pullHeads[14]!
        let pr12 = mined.pullHeads[12]!
        let root = mined.mainline.last!

        let requests = [
            // Each squash's pull request, as classification asks: read by their lines.
            (head: pr14, excluding: [parent(squashes[0].commit)]),
            (head: pr12, excluding: [parent(squashes[1].commit)]),
            // #14 excluded from the root: its line forks above it, so the walk also returns the first-parent
            // commits between them.
            (head: pr14, excluding: [root]),
            // A first-parent commit as the head, two commits excluded, and a head already excluded.
            (head: squashes[0].commit, excluding: [parent(squashes[0].commit)]),
            (head: pr12, excluding: [root, parent(squashes[0].commit)]),
            (head: root, excluding: [squashes[0].commit]),
        ]
        let walked = try miner.commits(of: requests)
        let read = try miner.commits(of: requests, history: mined)
        #expect(read == walked)
        #expect(
            subjects(read[0]) == [
                "Cover all reset token states", "Link reset from the login form", "Add password reset endpoint",
            ])
        #expect(subjects(read[1]) == ["Address review comments", "Add login form"])
        #expect(read[2].count == 3 + 4 && Array(read[2].prefix(3)) == read[0])
        #expect(subjects(read[3]) == ["Add password reset (#14)"])
        #expect(read[4] == read[1])
        #expect(read[5].isEmpty)
    }
}
