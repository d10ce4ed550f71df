import HistoryModel
import TestSupport
import Testing

@testable import HistoryMining

/// Fix diffs computed one by one as the ownership pass reads them (issue 11) are the diffs
/// `Miner.significantDiffs` computes at once, across repository handles.
struct SignificantDiffStreamTests {
    /// The `delivery` sample's first-parent commits, oldest first (as the ownership pass reads them), and
    /// their diffs computed at once.
    static let mined: Result<(Miner, [ObjectID], [ObjectID: [FileChange]]), MiningError> = Result {
        () throws(MiningError) in
        let miner = Miner(path: SampleRepositories.path("delivery"), options: MiningOptions(workers: 2))
        let ids = Array(try miner.mine().mainline.reversed())
        return (miner, ids, try miner.significantDiffs(for: ids))
    }

    static func sample() throws -> (Miner, [ObjectID]) {
        let (miner, ids, _) = try mined.get()
        return (miner, ids)
    }

    /// More diffs than one repository handle computes: the handle is reopened on the way.
    @Test func acrossRepositoryHandles() throws {
        let (miner, ids, all) = try Self.mined.get()
        let stream = SignificantDiffStream(miner: miner, ids: ids)
        for round in 0..<(SignificantDiffStream.recycle / ids.count + 2) {
            for id in ids { #expect(stream.diff(for: id) == all[id], "round \(round)") }
        }
        #expect(stream.finish().error == nil)
    }

    @Test func theyAreTheDiffsComputedAtOnce() throws {
        let (miner, ids, all) = try Self.mined.get()
        #expect(ids.count == 32)
        let stream = SignificantDiffStream(miner: miner, ids: ids)
        for id in ids { #expect(stream.diff(for: id) == all[id], "\(id.short)") }
        #expect(stream.count == 32)
        #expect(stream.finish().error == nil)
    }

    @Test func commitsNotStreamedReadAsNil() throws {
        let (miner, ids, all) = try Self.mined.get()
        let stream = SignificantDiffStream(miner: miner, ids: Array(ids[0..<10]))
        #expect(stream.diff(for: ids[3]) == all[ids[3]])
        #expect(stream.diff(for: ids[20]) == nil)
        #expect(stream.diff(for: ObjectID(hex: String(repeating: "ab", count: 20))!) == nil)
        #expect(stream.finish().error == nil)
    }

    @Test func aCommitThatCannotBeReadIsAnErrorNamingTheRepository() throws {
        let (miner, ids) = try Self.sample()
        let missing = ObjectID(hex: String(repeating: "ab", count: 20))!
        let stream = SignificantDiffStream(miner: miner, ids: [ids[0], missing, ids[2]])
        #expect(stream.diff(for: ids[0]) != nil)
        #expect(stream.diff(for: missing) == nil)
        // After an error, nothing more is computed.
        #expect(stream.diff(for: ids[2]) == nil)
        let error = try #require(stream.finish().error)
        #expect("\(error)".hasPrefix(SampleRepositories.path("delivery")))
        #expect(!"\(error)".contains("\n"))
    }
    /// The stream's thread computes in the reader's order, a window ahead; a reader that passes positions over,
    /// goes back, or stops early still gets every diff it asks for, and `finish` does not wait for the rest.
    @Test func skippedBackwardAndUnreadPositions() throws {
        let (miner, ids, all) = try Self.mined.get()
        let stream = SignificantDiffStream(miner: miner, ids: ids)
        #expect(stream.diff(for: ids[1]) == all[ids[1]])
        #expect(stream.diff(for: ids[25]) == all[ids[25]])
        #expect(stream.diff(for: ids[0]) == all[ids[0]])
        #expect(stream.diff(for: ids[24]) == all[ids[24]])
        #expect(stream.diff(for: ids[26]) == all[ids[26]])
        #expect(stream.finish().error == nil)
    }
}
