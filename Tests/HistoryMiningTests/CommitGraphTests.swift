import HistoryModel
import Testing

@testable import HistoryMining

@Suite struct CommitGraphTests {
    /// Ids 1…n as object ids.
    static func id(_ n: Int) -> ObjectID { ObjectID(high: UInt64(n), middle: 0, low: 0) }

    /// A graph from `child: [parents]`, times increasing with the number unless `times` gives them.
    static func graph(_ edges: [Int: [Int]], times: [Int: Int] = [:]) -> CommitGraph {
        CommitGraph(edges.keys.sorted().map { (id($0), (edges[$0] ?? []).map(id), Int64(times[$0] ?? $0)) })
    }

    @Test func branchCommitsAndMergeBase() {
        // 1 ← 2 ← 3 ← 5 (main);  2 ← 4 (topic, branched at 2); merge 6 = (5, 4).
        let g = Self.graph([1: [], 2: [1], 3: [2], 4: [2], 5: [3], 6: [5, 4]])
        var scratch = CommitGraph.Scratch()
        let side = g.sideBranch(first: Self.id(5), tip: Self.id(4), scratch: &scratch)
        #expect(side.mergeBase == Self.id(2))
        #expect(side.commits == [Self.id(4)])
        #expect(!side.truncated)
        #expect(g.firstParentLine(from: Self.id(6)) == [6, 5, 3, 2, 1].map(Self.id))
    }

    @Test func syncMergesOnTheBranchAreExcludedWhereMainlineHasThem() {
        // main: 1 ← 2 ← 4 ; topic: 1 ← 3 ← 5 (= merge of 4 into topic) ← 6 ; merge 7 = (4, 6).
        let g = Self.graph([1: [], 2: [1], 3: [1], 4: [2], 5: [3, 4], 6: [5], 7: [4, 6]])
        var scratch = CommitGraph.Scratch()
        let side = g.sideBranch(first: Self.id(4), tip: Self.id(6), scratch: &scratch)
        #expect(Set(side.commits) == Set([3, 5, 6].map(Self.id)))
        #expect(side.mergeBase == Self.id(4))
    }

    /// A criss-cross merge has two best common ancestors; `git merge-base` prints the newer by committer time (git
    /// sorts them by date), even when the other is further from the root.
    @Test func ofTwoBestCommonAncestorsTheNewerIsTheMergeBase() {
        // 1 ← 2 ← 3 (time 3) and 1 ← 4 (time 10); 5 = (3, 4) and 6 = (4, 3) cross.
        let edges = [1: [], 2: [1], 3: [2], 4: [1], 5: [3, 4], 6: [4, 3]]
        let g = Self.graph(edges, times: [4: 10, 5: 11, 6: 12])
        var scratch = CommitGraph.Scratch()
        let side = g.sideBranch(first: Self.id(5), tip: Self.id(6), scratch: &scratch)
        #expect(side.mergeBase == Self.id(4))
        #expect(side.commits == [Self.id(6)])
        // Swapped times: the one further from the root is the newer, and the merge base.
        let swapped = Self.graph(edges, times: [3: 10, 4: 3, 5: 11, 6: 12])
        #expect(swapped.sideBranch(first: Self.id(5), tip: Self.id(6), scratch: &scratch).mergeBase == Self.id(3))
    }

    /// A common ancestor of a best common ancestor is never the merge base, however new its committer time (clock
    /// skew): `git merge-base` removes it as redundant.
    @Test func anAncestorOfTheMergeBaseIsNotOneWhateverItsTime() {
        // 1 ← 2 (time 50) ← 3 (time 5) ← 4; tip 5 = (3, 2).
        let g = Self.graph([1: [], 2: [1], 3: [2], 4: [3], 5: [3, 2]], times: [2: 50, 3: 5, 4: 6, 5: 7])
        var scratch = CommitGraph.Scratch()
        let side = g.sideBranch(first: Self.id(4), tip: Self.id(5), scratch: &scratch)
        #expect(side.mergeBase == Self.id(3))
        #expect(side.commits == [Self.id(5)])
    }

    @Test func alreadyMergedBranchBringsNothing() {
        let g = Self.graph([1: [], 2: [1], 3: [2], 4: [3, 2]])
        var scratch = CommitGraph.Scratch()
        let side = g.sideBranch(first: Self.id(3), tip: Self.id(2), scratch: &scratch)
        #expect(side.commits.isEmpty)
        #expect(side.mergeBase == Self.id(2))
    }

    @Test func unrelatedHistoriesHaveNoBase() {
        let g = Self.graph([1: [], 2: [1], 3: [], 4: [2, 3]])
        var scratch = CommitGraph.Scratch()
        let side = g.sideBranch(first: Self.id(2), tip: Self.id(3), scratch: &scratch)
        #expect(side.mergeBase == nil)
        #expect(side.commits == [Self.id(3)])
    }

    @Test func missingParentsMarkTruncation() {
        let g = CommitGraph([
            (Self.id(2), [Self.id(1)], 2), (Self.id(3), [Self.id(9)], 3), (Self.id(4), [Self.id(2), Self.id(3)], 4),
        ])
        var scratch = CommitGraph.Scratch()
        #expect(g.sideBranch(first: Self.id(2), tip: Self.id(3), scratch: &scratch).truncated)
        #expect(g.firstParentLine(from: Self.id(4)) == [Self.id(4), Self.id(2)])
    }
}
