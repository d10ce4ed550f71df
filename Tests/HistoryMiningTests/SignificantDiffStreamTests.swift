import HistoryModel
import TestSupport
import Testing

@testable import HistoryMining

/// Fix diffs streamed a few ahead of the reader (issue 11) are the diffs `Miner.significantDiffs` computes
/// at once, whatever the number of workers and however far ahead they may run.
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

    @Test(arguments: [(1, 1), (2, 2), (3, 64)])
    func readInOrderTheyAreTheDiffsComputedAtOnce(workers: Int, ahead: Int) throws {
        let (miner, ids, all) = try Self.mined.get()
        #expect(ids.count == 32)
        let stream = SignificantDiffStream(miner: miner, ids: ids, workers: workers, ahead: ahead)
        for id in ids { #expect(stream.diff(for: id) == all[id], "\(id.short)") }
        #expect(stream.count == 32)
        #expect(stream.finish().error == nil)
    }

    @Test func skippedAndUnknownCommitsReadAsNil() throws {
        let (miner, ids, all) = try Self.mined.get()
        let stream = SignificantDiffStream(miner: miner, ids: ids, workers: 2, ahead: 2)
        // Every third commit read; the ones between are dropped, and cannot be read afterwards.
        for i in stride(from: 0, to: ids.count, by: 3) { #expect(stream.diff(for: ids[i]) == all[ids[i]]) }
        #expect(stream.diff(for: ids[1]) == nil)
        #expect(stream.diff(for: ObjectID(hex: String(repeating: "ab", count: 20))!) == nil)
        #expect(stream.finish().error == nil)
    }

    @Test func stoppingBeforeTheEndWaitsForTheWorkers() throws {
        let (miner, ids) = try Self.sample()
        let stream = SignificantDiffStream(miner: miner, ids: ids, workers: 2, ahead: 1)
        #expect(stream.diff(for: ids[0]) != nil)
        #expect(stream.finish().error == nil)
    }

    @Test func aCommitThatCannotBeReadIsAnErrorNamingTheRepository() throws {
        let (miner, ids) = try Self.sample()
        let missing = ObjectID(hex: String(repeating: "ab", count: 20))!
        let stream = SignificantDiffStream(miner: miner, ids: [ids[0], missing, ids[2]], workers: 1, ahead: 4)
        #expect(stream.diff(for: ids[0]) != nil)
        #expect(stream.diff(for: missing) == nil)
        let error = try #require(stream.finish().error)
        #expect("\(error)".hasPrefix(SampleRepositories.path("delivery")))
        #expect(!"\(error)".contains("\n"))
    }
}
