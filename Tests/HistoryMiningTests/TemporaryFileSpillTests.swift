import HistoryModel
import Testing

@testable import HistoryMining

/// The miner's spill: a `CommitStore`'s full blocks in an unnamed temporary file.
@Suite struct TemporaryFileSpillTests {
    /// Enough records for several 4 MiB blocks: each carries a 40 KB message and a file.
    private func records() -> [CommitRecord] {
        (0..<300).map { (n: UInt64) in
            CommitRecord(
                id: ObjectID(high: n, middle: ~n, low: UInt32(n)), parents: [],
                author: Signature(
                    name: "Author \(n % 7)", email: "a\(n % 7)@example.com", time: Int64(n), offsetMinutes: 0),
                committer: Signature(
                    name: "Committer", email: "c@example.com", time: Int64(n) + 5, offsetMinutes: -120),
                message: "Change \(n)\n\n" + String(repeating: "body line \(n)\n", count: 3_000),
                files: [
                    FileChange(
                        path: "src/f\(n % 11).c", status: .modified, additions: Int(n), deletions: 1, isBinary: false,
                        hunks: [Hunk(oldStart: 3, oldCount: 1, newStart: 3, newCount: UInt32(n))])
                ])
        }
    }

    @Test func blocksGoToTheFileAndReadBackEqual() {
        let all = records()
        var spilled = CommitStore(spill: TemporaryFileSpill())
        var kept = CommitStore()
        spilled.insert(contentsOf: all)
        kept.insert(contentsOf: all)
        #expect(spilled.blocksSpilled >= 2)
        #expect(kept.blocksSpilled == 0)
        for r in all.reversed() + all.enumerated().filter({ $0.offset % 3 == 0 }).map(\.element) {
            #expect(spilled[r.id] == r)
        }
        #expect(spilled.encodedBytes == kept.encodedBytes)
    }

    @Test func bytesWrittenAreReadBackAtTheirOffsets() throws {
        let spill = TemporaryFileSpill()
        let a = [UInt8](repeating: 7, count: 1000)
        let b = (0..<5000).map { UInt8(truncatingIfNeeded: $0 * 31) }
        let offsetA = try #require(spill.write(a))
        let offsetB = try #require(spill.write(b))
        #expect(offsetA == 0)
        #expect(offsetB == 1000)
        #expect(spill.read(offset: offsetB, count: b.count) == b)
        #expect(spill.read(offset: offsetA, count: a.count) == a)
        // Past the end of the file: nothing to read back.
        #expect(spill.read(offset: 6000, count: 10) == nil)
    }

    /// A read into a buffer: into its own storage when its capacity holds the bytes (shrunk or grown within it),
    /// a copy when another array shares it (which keeps its bytes), new memory when it is too small.
    @Test func readsIntoABufferReuseItsStorage() throws {
        let spill = TemporaryFileSpill()
        let a = (0..<3000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let b = (0..<2000).map { UInt8(truncatingIfNeeded: $0 * 13) }
        let offsetA = try #require(spill.write(a))
        let offsetB = try #require(spill.write(b))
        var buffer: [UInt8] = []
        buffer.reserveCapacity(4096)
        let storage = buffer.withUnsafeBufferPointer { $0.baseAddress }
        #expect(spill.read(offset: offsetA, count: a.count, into: &buffer))
        #expect(buffer == a)
        #expect(spill.read(offset: offsetB, count: b.count, into: &buffer))
        #expect(buffer == b)
        #expect(spill.read(offset: offsetA, count: a.count, into: &buffer))
        #expect(buffer == a)
        #expect(buffer.withUnsafeBufferPointer { $0.baseAddress } == storage)
        let reader = buffer
        #expect(spill.read(offset: offsetB, count: b.count, into: &buffer))
        #expect(buffer == b && reader == a)
        var small = [UInt8](repeating: 1, count: 10)
        #expect(spill.read(offset: offsetA, count: a.count, into: &small))
        #expect(small == a)
        #expect(!spill.read(offset: 6000, count: 10, into: &small))
    }

    /// Where no temporary file can be made, the spill says so and the store keeps its blocks in memory.
    @Test func aFolderThatCannotHoldTheFileKeepsBlocksInMemory() {
        let all = records()
        let spill = TemporaryFileSpill(directory: "/nonexistent-yardstick-folder")
        #expect(spill.write([1, 2, 3]) == nil)
        var store = CommitStore(spill: TemporaryFileSpill(directory: "/nonexistent-yardstick-folder"))
        store.insert(contentsOf: all)
        #expect(store.blocksSpilled == 0)
        for r in all { #expect(store[r.id] == r) }
    }
}
