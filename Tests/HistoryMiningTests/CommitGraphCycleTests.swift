import HistoryMining
import HistoryModel
import Testing

/// A commit cannot name its own id, so a cycle in history means an object lies about its id (ADR 0011). The
/// graph finds it, names it, and stays finite to walk.
@Suite struct CommitGraphCycleTests {
    static func id(_ n: Int) -> ObjectID { ObjectID(hex: String(repeating: String(n % 10), count: 40))! }

    @Test func aCommitThatIsItsOwnParentIsFound() {
        let graph = CommitGraph([(Self.id(1), [], 10), (Self.id(2), [Self.id(2), Self.id(1)], 20)])
        #expect(graph.cycle == Self.id(2))
        #expect(graph.firstParentLine(from: Self.id(2)) == [Self.id(2)])
    }

    @Test func aLongerLoopIsFound() {
        // 3 -> 2 -> 1 -> 3
        let graph = CommitGraph([
            (Self.id(3), [Self.id(2)], 30), (Self.id(2), [Self.id(1)], 20), (Self.id(1), [Self.id(3)], 10),
        ])
        #expect(graph.cycle == Self.id(3))
        #expect(graph.firstParentLine(from: Self.id(3)) == [Self.id(3), Self.id(2), Self.id(1)])
    }

    @Test func aDiamondIsNoCycle() {
        let graph = CommitGraph([
            (Self.id(4), [Self.id(2), Self.id(3)], 40), (Self.id(3), [Self.id(1)], 30), (Self.id(2), [Self.id(1)], 20),
            (Self.id(1), [], 10),
        ])
        #expect(graph.cycle == nil)
        #expect(graph.firstParentLine(from: Self.id(4)) == [Self.id(4), Self.id(2), Self.id(1)])
    }
}
