import HistoryMining
import HistoryModel
import Synchronization
import Testing
import YardstickAnalysis

/// The group diffs a store keeps (`KnownGroupDiffs`, ADR 0019 section 12): held ranges are taken instead of
/// diffed, each missing range is diffed once, every range used is kept (without hunks), and the encoding gives
/// back every field.
@Suite struct StoredGroupDiffsTests {
    static func id(_ n: Int) -> ObjectID { ObjectID(high: UInt64(n), middle: 7, low: 9) }
    static func range(_ base: Int?, _ tip: Int) -> DiffRange { DiffRange(base: base.map(id), tip: id(tip)) }

    static let diffs: [DiffRange: [FileChange]] = [
        range(1, 2): [
            FileChange(path: "src/a.c", status: .modified, additions: 3, deletions: 1, isBinary: false),
            FileChange(
                path: "src/b.c", oldPath: "src/old b.c", status: .renamed, additions: 0, deletions: 2, isBinary: false),
        ],
        // The same tip from another base, and a range from the empty tree.
        range(3, 2): [FileChange(path: "logo.png", status: .added, additions: 0, deletions: 0, isBinary: true)],
        range(nil, 4): [],
    ]

    @Test func encodingRoundTrips() throws {
        let blob = KnownGroupDiffs.encode(Self.diffs)
        #expect(KnownGroupDiffs.decode(blob) == Self.diffs)
        #expect(KnownGroupDiffs.encode(Self.diffs) == blob)
        var damaged = blob
        damaged[damaged.count / 2] ^= 0x10
        #expect(KnownGroupDiffs.decode(damaged) == nil)
        #expect(KnownGroupDiffs.decode([1, 2, 3]) == nil)
    }

    @Test func heldRangesAreTakenAndTheOthersDiffedOnce() throws {
        let known = KnownGroupDiffs([Self.range(1, 2): Self.diffs[Self.range(1, 2)]!])
        let asked = Mutex<[[DiffRange]]>([])
        let hunk = Hunk(oldStart: 1, oldCount: 0, newStart: 1, newCount: 4)
        let computed = FileChange(
            path: "new.c", status: .added, additions: 4, deletions: 0, isBinary: false, hunks: [hunk])
        let found = try known.diffs(
            [Self.range(3, 2), Self.range(1, 2), Self.range(3, 2), Self.range(nil, 4)]
        ) { (missing) throws(MiningError) in
            asked.withLock { $0.append(missing) }
            return Dictionary(uniqueKeysWithValues: missing.map { ($0, [computed]) })
        }
        // One call, each missing range once, in the order first asked.
        #expect(asked.withLock { $0 } == [[Self.range(3, 2), Self.range(nil, 4)]])
        #expect(known.computed == 2)
        var counted = computed
        counted.hunks = []
        #expect(
            found == [
                Self.range(1, 2): Self.diffs[Self.range(1, 2)]!, Self.range(3, 2): [counted],
                Self.range(nil, 4): [counted],
            ])

        // Kept: what was used (without hunks), and held ranges whose tip the history still has; nothing when
        // unchanged.
        var history = CommitStore()
        let nobody = Signature(name: "", email: "", time: 0, offsetMinutes: 0)
        for n in [2, 4] {
            history.insert(CommitRecord(id: Self.id(n), parents: [], author: nobody, committer: nobody, message: ""))
        }
        #expect(known.next(keeping: history) == found)
        let unchanged = KnownGroupDiffs([Self.range(1, 2): []])
        _ = try unchanged.diffs([Self.range(1, 2)]) { (_) throws(MiningError) in [:] }
        #expect(unchanged.computed == 0)
        #expect(unchanged.next(keeping: history) == nil)
        // A held range whose tip is no longer in the history (a rewritten line) is dropped.
        let dropped = KnownGroupDiffs([Self.range(1, 2): [], Self.range(1, 9): []])
        #expect(dropped.next(keeping: history) == [Self.range(1, 2): []])
    }
}
