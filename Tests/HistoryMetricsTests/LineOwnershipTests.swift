import HistoryModel
import Testing

@testable import HistoryMetrics

@Suite struct LineOwnershipTests {
    typealias Run = LineOwnership.Run

    func added(_ path: String, _ n: UInt32) -> FileChange {
        FileChange(
            path: path, status: .added, additions: Int(n), deletions: 0, isBinary: false,
            hunks: [Hunk(oldStart: 0, oldCount: 0, newStart: 1, newCount: n)])
    }

    @Test func insertionsDeletionsAndReplacements() {
        var o = LineOwnership()
        o.apply([added("a", 10)], origin: 0)
        // Replace line 3, insert 2 lines after line 6, delete lines 9-10.
        var deleted: [Run] = []
        o.apply(
            [
                FileChange(
                    path: "a", status: .modified, additions: 3, deletions: 3, isBinary: false,
                    hunks: [
                        Hunk(oldStart: 3, oldCount: 1, newStart: 3, newCount: 1),
                        Hunk(oldStart: 6, oldCount: 0, newStart: 7, newCount: 2),
                        Hunk(oldStart: 9, oldCount: 2, newStart: 10, newCount: 0),
                    ])
            ], origin: 1
        ) { _, run in deleted.append(run) }
        #expect(o.lineOrigins(of: "a") == [0, 0, 1, 0, 0, 0, 1, 1, 0, 0])
        #expect(deleted == [Run(count: 1, origin: 0), Run(count: 2, origin: 0)])
    }

    @Test func renamesCarryOwnershipAndIdenticalCopiesFollowTheirSource() {
        var o = LineOwnership()
        o.apply([added("old.txt", 3)], origin: 0)
        o.apply(
            [
                FileChange(
                    path: "new.txt", oldPath: "old.txt", status: .renamed, additions: 1, deletions: 0, isBinary: false,
                    hunks: [Hunk(oldStart: 3, oldCount: 0, newStart: 4, newCount: 1)])
            ], origin: 1)
        #expect(o.lineOrigins(of: "old.txt") == nil)
        #expect(o.lineOrigins(of: "new.txt") == [0, 0, 0, 1])
        var copy = added("copy.txt", 4)
        copy.copiedFrom = "new.txt"
        o.apply(
            [FileChange(path: "new.txt", status: .deleted, additions: 0, deletions: 4, isBinary: false), copy],
            origin: 2)
        #expect(o.lineOrigins(of: "copy.txt") == [0, 0, 0, 1])
    }

    @Test func untrackedFilesHaveUnknownOrigins() {
        var o = LineOwnership()
        #expect(o.origins(of: "x", ranges: [(start: 5, count: 2)]) == [Run(count: 2, origin: LineOwnership.unknown)])
        o.apply(
            [
                FileChange(
                    path: "x", status: .modified, additions: 1, deletions: 0, isBinary: false,
                    hunks: [Hunk(oldStart: 1, oldCount: 0, newStart: 2, newCount: 1)])
            ], origin: 4)
        #expect(
            o.origins(of: "x", ranges: [(start: 1, count: 3)]) == [
                Run(count: 1, origin: -1), Run(count: 1, origin: 4), Run(count: 1, origin: -1),
            ])
        #expect(o.lineOrigins(of: "x") == nil)
    }

    @Test func deletingAFileReportsEveryLine() {
        var o = LineOwnership()
        o.apply([added("a", 4)], origin: 0)
        var deleted: [Run] = []
        o.apply([FileChange(path: "a", status: .deleted, additions: 0, deletions: 4, isBinary: false)], origin: 1) {
            _, r in deleted.append(r)
        }
        #expect(deleted == [Run(count: 4, origin: 0)])
        #expect(o.runs(of: "a") == nil)
    }
}
