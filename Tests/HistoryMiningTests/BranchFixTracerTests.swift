import HistoryModel
import Testing

@testable import HistoryMining

/// The walk's line mapping (`BranchFixTracer.mapBack`): lines of a commit followed to its parent through the
/// commit's zero-context hunks.
struct BranchFixTracerTests {
    @Test func linesInsideAHunksNewLinesWereWrittenByTheCommit() {
        // Lines 3-4 replaced by 3-5 (one more line), then two lines deleted after new line 10.
        let hunks = [
            Hunk(oldStart: 3, oldCount: 2, newStart: 3, newCount: 3),
            Hunk(oldStart: 10, oldCount: 2, newStart: 10, newCount: 0),
        ]
        let (kept, written) = BranchFixTracer.mapBack([1, 3, 5, 6, 10, 11], through: hunks)
        #expect(written == 2)
        // 1 stays; 6 was old 5; 10 was old 9 (the deletion is after it); 11 was old 12 (past the two deleted).
        #expect(kept == [1, 5, 9, 12])
    }

    @Test func anInsertionAtTheTopShiftsEveryLineBelowIt() {
        let hunks = [Hunk(oldStart: 0, oldCount: 0, newStart: 1, newCount: 3)]
        let (kept, written) = BranchFixTracer.mapBack([2, 4, 14], through: hunks)
        #expect(written == 1)
        #expect(kept == [1, 11])
    }

    @Test func consecutiveLinesBecomeRanges() {
        let ranges = BranchFixTracer.ranges(of: [3, 4, 5, 9, 11, 12])
        #expect(ranges.map { [$0.start, $0.count] } == [[3, 3], [9, 1], [11, 2]])
    }
}
