import HistoryModel
import Synchronization
import Testing
import YardstickAnalysis

/// The fix diffs a store keeps (`KnownFixDiffs`, ADR 0019): held ones are read instead of computed, every diff
/// read is kept, and the encoding gives back every field.
@Suite struct StoredFixDiffsTests {
    static func id(_ n: Int) -> ObjectID { ObjectID(high: UInt64(n), middle: 7, low: 9) }

    static let diffs: [ObjectID: [FileChange]] = [
        id(1): [
            FileChange(
                path: "src/a.c", status: .modified, additions: 3, deletions: 1, isBinary: false,
                hunks: [Hunk(oldStart: 4, oldCount: 1, newStart: 4, newCount: 3)]),
            FileChange(
                path: "src/b.c", oldPath: "src/old b.c", status: .renamed, additions: 0, deletions: 2,
                isBinary: false, hunks: [Hunk(oldStart: 10, oldCount: 2, newStart: 9, newCount: 0)]),
        ],
        id(2): [FileChange(path: "logo.png", status: .added, additions: 0, deletions: 0, isBinary: true)],
        id(3): [],
    ]

    @Test func encodingRoundTrips() throws {
        let blob = KnownFixDiffs.encode(Self.diffs)
        #expect(KnownFixDiffs.decode(blob) == Self.diffs)
        #expect(KnownFixDiffs.encode(Self.diffs) == blob)
        var damaged = blob
        damaged[damaged.count / 2] ^= 0x10
        #expect(KnownFixDiffs.decode(damaged) == nil)
        #expect(KnownFixDiffs.decode([1, 2, 3]) == nil)
    }

    @Test func heldDiffsAreReadNotComputed() throws {
        let known = KnownFixDiffs([Self.id(1): Self.diffs[Self.id(1)]!])
        #expect(known.missing([Self.id(2), Self.id(1), Self.id(3)]) == [Self.id(2), Self.id(3)])
        let computed = Mutex<[ObjectID]>([])
        let compute = { (id: ObjectID) -> [FileChange]? in
            computed.withLock { $0.append(id) }
            return id == Self.id(3) ? nil : Self.diffs[id]
        }
        #expect(known.diff(for: Self.id(1)) { compute(Self.id(1)) } == Self.diffs[Self.id(1)])
        #expect(known.diff(for: Self.id(2)) { compute(Self.id(2)) } == Self.diffs[Self.id(2)])
        // A diff that failed is not kept (the run fails with the stream's error).
        #expect(known.diff(for: Self.id(3)) { compute(Self.id(3)) } == nil)
        #expect(computed.withLock { $0 } == [Self.id(2), Self.id(3)])

        // Kept: what was read, and the held diffs of commits the history still has; nothing when unchanged.
        var history = CommitStore()
        let nobody = Signature(name: "", email: "", time: 0, offsetMinutes: 0)
        for n in [1, 2] {
            history.insert(CommitRecord(id: Self.id(n), parents: [], author: nobody, committer: nobody, message: ""))
        }
        #expect(
            known.next(keeping: history) == [Self.id(1): Self.diffs[Self.id(1)]!, Self.id(2): Self.diffs[Self.id(2)]!])
        let unchanged = KnownFixDiffs([Self.id(1): Self.diffs[Self.id(1)]!])
        _ = unchanged.diff(for: Self.id(1)) { nil }
        #expect(unchanged.next(keeping: history) == nil)
        // A held diff of a commit no longer in the history (a rewritten branch) is dropped.
        let dropped = KnownFixDiffs([Self.id(1): [], Self.id(9): []])
        #expect(dropped.next(keeping: history) == [Self.id(1): []])
    }
}
