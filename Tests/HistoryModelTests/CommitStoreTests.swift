import Dispatch
import Synchronization
import Testing

@testable import HistoryModel

@Suite struct CommitStoreTests {
    private func oid(_ n: UInt64) -> ObjectID { ObjectID(high: n, middle: ~n, low: UInt32(truncatingIfNeeded: n * 7)) }

    private func record(
        _ n: UInt64, message: String = "Subject\n\nBody.\n", files: [FileChange] = [], sides: [SideBranch] = []
    )
        -> CommitRecord
    {
        CommitRecord(
            id: oid(n), parents: n == 0 ? [] : [oid(n - 1)],
            author: Signature(
                name: "Ann Example", email: "ann@example.com", time: 1_700_000_000 + Int64(n), offsetMinutes: 60),
            committer: Signature(name: "Bob Example", email: "bob@example.com", time: -86_400, offsetMinutes: -480),
            message: message, files: files, sideBranches: sides)
    }

    @Test func everyFieldSurvivesTheRoundTrip() {
        let files = [
            FileChange(
                path: "src/a.swift", status: .modified, additions: 3, deletions: 1, isBinary: false,
                hunks: [
                    Hunk(oldStart: 10, oldCount: 1, newStart: 10, newCount: 3),
                    Hunk(oldStart: 4_000_000_000, oldCount: 0, newStart: 2, newCount: 0),
                    Hunk(oldStart: 1, oldCount: 4_000_000_000, newStart: 4_000_000_000, newCount: 1),
                ]),
            FileChange(path: "img.png", status: .added, additions: 0, deletions: 0, isBinary: true),
            FileChange(
                path: "new/b.c", oldPath: "old/b.c", status: .renamed, additions: 0, deletions: 0, isBinary: false),
            FileChange(
                path: "c.txt", status: .added, additions: 2, deletions: 0, isBinary: false, copiedFrom: "gone.txt"),
            FileChange(path: "d", status: .deleted, additions: 0, deletions: 9, isBinary: false),
            FileChange(path: "e", status: .typeChanged, additions: 1, deletions: 1, isBinary: false),
        ]
        let sides = [
            SideBranch(
                tip: oid(90), mergeBase: oid(80), commits: [oid(90), oid(89)], reviewedFiles: Array(files.prefix(2))),
            SideBranch(tip: oid(70), mergeBase: nil, commits: [], reviewedFiles: []),
        ]
        let message =
            "Fix the thing (#12)\n\nDétails, 日本語 and an emoji 🎉.\n\nReviewed-by: Cy Example <cy@example.com>\nCo-authored-by: Di Example <di@example.com>\n"
        var merge = record(5, message: message, files: files, sides: sides)
        merge.parents = [oid(4), oid(90), oid(70)]
        let plain = record(6, message: "", files: [])
        var store = CommitStore()
        store.insert(merge)
        store.insert(plain)
        #expect(store[merge.id] == merge)
        #expect(store[merge.id]?.subject == "Fix the thing (#12)")
        #expect(store[merge.id]?.reviewers == [Identity(name: "Cy Example", email: "cy@example.com")])
        #expect(store[merge.id]?.coAuthors == [Identity(name: "Di Example", email: "di@example.com")])
        #expect(store[plain.id] == plain)
        #expect(store[oid(7)] == nil)
        #expect(store.contains(plain.id))
        #expect(!store.contains(oid(7)))
    }

    /// A file change whose content was absent (a partial copy) keeps the mark, beside every status and the
    /// binary flag; the store lists the records holding one, and a replacement without one leaves the list.
    @Test func anAbsentContentMarkSurvivesTheRoundTrip() {
        let statuses: [FileChange.Status] = [.added, .deleted, .modified, .renamed, .typeChanged]
        let files = statuses.map {
            FileChange(
                path: "\($0)", oldPath: $0 == .renamed ? "was" : nil, status: $0, additions: 0, deletions: 0,
                isBinary: true, contentMissing: true)
        }
        var store = CommitStore()
        store.insert(record(1, files: files))
        store.insert(
            record(2, files: [FileChange(path: "a", status: .modified, additions: 1, deletions: 1, isBinary: false)]))
        #expect(store[oid(1)]?.files == files)
        #expect(store[oid(1)]?.files.map(\.status) == statuses)
        #expect(store[oid(2)]?.files.first?.contentMissing == false)
        #expect(store.withMissingContent == [oid(1)])
        store.insert(record(1))
        #expect(store.withMissingContent.isEmpty)
    }

    @Test func recordsKeepTheirInsertionOrderAndAReplacementKeepsItsPlace() {
        var store = CommitStore()
        for n: UInt64 in [3, 1, 2] { store.insert(record(n)) }
        store.insert(record(1, message: "Replaced\n"))
        #expect(store.count == 3)
        #expect(store.ids == [oid(3), oid(1), oid(2)])
        #expect(store.records.map(\.subject) == ["Subject", "Replaced", "Subject"])
    }

    @Test func aRecordLargerThanABlockGetsABlockOfItsOwn() {
        var store = CommitStore()
        let huge = String(repeating: "x", count: CommitStore.blockSize + 10)
        store.insert(record(1))
        store.insert(record(2, message: huge))
        store.insert(record(3))
        #expect(store[oid(2)]?.message == huge)
        #expect(store[oid(1)] == record(1))
        #expect(store[oid(3)] == record(3))
        #expect(store.encodedBytes > CommitStore.blockSize)
    }

    @Test func repeatedStringsAreStoredOnce() {
        var one = CommitStore()
        one.insert(
            record(
                1,
                files: [
                    FileChange(
                        path: "a/long/path/to/a/file.swift", status: .modified, additions: 1, deletions: 1,
                        isBinary: false)
                ]))
        let single = one.encodedBytes
        var many = CommitStore()
        for n: UInt64 in 1...100 {
            many.insert(
                record(
                    n,
                    files: [
                        FileChange(
                            path: "a/long/path/to/a/file.swift", status: .modified, additions: 1, deletions: 1,
                            isBinary: false)
                    ]))
        }
        // Names, addresses and the path are in the table once; each further record adds only its own bytes.
        let perRecord = (many.encodedBytes - single) / 99
        #expect(perRecord < 100)
        #expect(perRecord > 20 + 20)  // at least its parent's id and its message
    }

    @Test func aDictionaryLiteralBuildsAStore() {
        let store: CommitStore = [oid(1): record(1), oid(2): record(2)]
        #expect(store.count == 2)
        #expect(store[oid(2)] == record(2))
    }
}

@Suite struct CommitStorePartialReadTests {
    @Test func aRecordReadWithoutFilesHasEverythingElse() {
        let id = ObjectID(high: 1, middle: 2, low: 3)
        let full = CommitRecord(
            id: id, parents: [ObjectID(high: 4, middle: 5, low: 6), ObjectID(high: 7, middle: 8, low: 9)],
            author: Signature(name: "Ann", email: "ann@example.com", time: 10, offsetMinutes: 0),
            committer: Signature(name: "Bob", email: "bob@example.com", time: 20, offsetMinutes: 120),
            message: "Merge pull request #3 from a/b\n\nTitle\n\nReviewed-by: Cy <cy@example.com>\n",
            files: [FileChange(path: "a", status: .added, additions: 1, deletions: 0, isBinary: false)],
            sideBranches: [
                SideBranch(tip: ObjectID(high: 7, middle: 8, low: 9), mergeBase: nil, commits: [], reviewedFiles: [])
            ])
        var store = CommitStore()
        store.insert(full)
        var expected = full
        expected.files = []
        expected.sideBranches = []
        #expect(store.record(id, withFiles: false) == expected)
        #expect(store.record(id, withFiles: true) == full)
        #expect(store.record(ObjectID(high: 0, middle: 0, low: 0), withFiles: false) == nil)
    }

    @Test func aRecordReadWithoutHunksKeepsItsCounts() {
        let id = ObjectID(high: 9, middle: 9, low: 9)
        let hunks = [
            Hunk(oldStart: 3, oldCount: 1, newStart: 3, newCount: 2),
            Hunk(oldStart: 90, oldCount: 0, newStart: 91, newCount: 4),
        ]
        let full = CommitRecord(
            id: id, parents: [], author: Signature(name: "Ann", email: "ann@example.com", time: 1, offsetMinutes: 0),
            committer: Signature(name: "Ann", email: "ann@example.com", time: 2, offsetMinutes: 0), message: "M\n",
            files: [
                FileChange(path: "a", status: .modified, additions: 6, deletions: 1, isBinary: false, hunks: hunks),
                FileChange(
                    path: "b", status: .added, additions: 2, deletions: 0, isBinary: false,
                    hunks: [Hunk(oldStart: 0, oldCount: 0, newStart: 1, newCount: 2)]),
            ])
        var store = CommitStore()
        store.insert(full)
        var expected = full
        for i in expected.files.indices { expected.files[i].hunks = [] }
        #expect(store.record(id, withFiles: true, withHunks: false) == expected)
        #expect(store[id] == full)
    }
}

/// Spilled records for tests: a sample of many 4 MiB blocks' worth.
enum SpillSamples {
    /// Enough records for several 4 MiB blocks: each carries a 40 KB message and a few files.
    static func records() -> [CommitRecord] {
        (0..<400).map { (n: UInt64) in
            let id = ObjectID(high: n, middle: n &* 31, low: UInt32(n))
            let files = (0..<Int(n % 5)).map { k in
                FileChange(
                    path: "dir\(k)/file\(n % 17).swift", status: .modified, additions: Int(n) + k, deletions: k,
                    isBinary: false,
                    hunks: [Hunk(oldStart: UInt32(k + 1), oldCount: 1, newStart: UInt32(k + 1), newCount: 2)])
            }
            return CommitRecord(
                id: id, parents: n == 0 ? [] : [ObjectID(high: n - 1, middle: (n - 1) &* 31, low: UInt32(n - 1))],
                author: Signature(
                    name: "Author \(n % 7)", email: "author\(n % 7)@example.com", time: Int64(n), offsetMinutes: 0),
                committer: Signature(
                    name: "Committer", email: "committer@example.com", time: Int64(n) + 5, offsetMinutes: 60),
                message: "Change \(n)\n\n" + String(repeating: "line of the body \(n)\n", count: 2_000), files: files)
        }
    }
}

/// A spill that keeps blocks in an array (HistoryModel does no I/O; the temporary-file spill is tested in
/// HistoryMiningTests), counting reads; it refuses every block from the `failFrom`-th on.
final class ArraySpill: BlockSpill {
    private let blocks = Mutex<[[UInt8]]>([])
    private let readCount = Mutex(0)
    let failFrom: Int

    init(failFrom: Int = .max) { self.failFrom = failFrom }

    var written: Int { blocks.withLock { $0.count } }
    var reads: Int { readCount.withLock { $0 } }

    func write(_ bytes: [UInt8]) -> Int64? {
        blocks.withLock { b in
            guard b.count < failFrom else { return nil }
            b.append(bytes)
            return Int64(b.count - 1) << 32
        }
    }

    func read(offset: Int64, count: Int) -> [UInt8]? {
        readCount.withLock { $0 += 1 }
        return blocks.withLock { b in
            let i = Int(offset >> 32)
            return i < b.count && b[i].count == count ? b[i] : nil
        }
    }
}

/// An `ArraySpill` that reads into the buffer it is given, as the temporary-file spill does, counting the reads
/// whose buffer came with storage for the block (an evicted block's).
final class ReusingArraySpill: BlockSpill {
    let inner = ArraySpill()
    private let reusedCount = Mutex(0)

    var reused: Int { reusedCount.withLock { $0 } }

    func write(_ bytes: [UInt8]) -> Int64? { inner.write(bytes) }
    func read(offset: Int64, count: Int) -> [UInt8]? { inner.read(offset: offset, count: count) }

    func read(offset: Int64, count: Int, into buffer: inout [UInt8]) -> Bool {
        guard let bytes = inner.read(offset: offset, count: count) else { return false }
        if buffer.capacity >= count { reusedCount.withLock { $0 += 1 } }
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: bytes)
        return true
    }
}

@Suite struct CommitStoreSpillTests {
    @Test func fullBlocksGoToTheSpillAndReadBackEqual() {
        let all = SpillSamples.records()
        let spill = ArraySpill()
        var spilled = CommitStore(spill: spill)
        var kept = CommitStore()
        spilled.insert(contentsOf: all)
        kept.insert(contentsOf: all)
        #expect(spilled.blocksSpilled >= 2)
        #expect(spill.written == spilled.blocksSpilled)
        #expect(kept.blocksSpilled == 0)
        // Read in an order that leaves the block cache again and again.
        for r in all.reversed() + all.enumerated().filter({ $0.offset % 3 == 0 }).map(\.element) {
            #expect(spilled[r.id] == r)
            #expect(kept[r.id] == r)
        }
        // Fewer spilled blocks than the cache holds: each is read back once.
        #expect(spill.written <= BlockStorage.cachedBlocks)
        #expect(spill.reads == spill.written)
        #expect(spilled.encodedBytes == kept.encodedBytes)
    }

    /// Reading back more blocks than the cache holds: each read after the cache is full is given the storage of
    /// the block it evicts (no new memory), and every record still reads back equal.
    @Test func readsBackReuseTheEvictedBlocksStorage() {
        let storage = BlockStorage(spill: ReusingArraySpill())
        let spill = storage.spill as! ReusingArraySpill
        let records = (0..<40).map { n in (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* (n + 1)) } }
        // Blocks of two records each: 20 blocks, 19 spilled (the last stays open).
        let locations = records.map { storage.append($0, blockSize: 2000) }
        #expect(spill.inner.written == 19)
        var seen: [[UInt8]] = []
        for pass in 0..<2 {
            for (i, location) in locations.enumerated() where pass == 0 || i % 3 == 0 {
                seen.append(storage.withBytes(at: location) { Array($0[$1..<($1 + 1000)]) })
            }
        }
        #expect(seen == records + records.enumerated().filter { $0.offset % 3 == 0 }.map(\.element))
        let reads = spill.inner.reads
        #expect(reads == 19 + 13)
        // Every read once the cache is full reuses an evicted block's storage.
        #expect(spill.reused == reads - BlockStorage.cachedBlocks)
    }

    @Test func aSpillThatFailsLeavesLaterBlocksInMemory() {
        let all = SpillSamples.records()
        let spill = ArraySpill(failFrom: 1)
        var store = CommitStore(spill: spill)
        store.insert(contentsOf: all)
        #expect(spill.written == 1)
        #expect(store.blocksSpilled == 1)
        for r in all { #expect(store[r.id] == r) }
    }

    @Test func threadsReadASpilledStoreTogether() {
        let all = SpillSamples.records()
        var store = CommitStore(spill: ArraySpill())
        store.insert(contentsOf: all)
        let frozen = store
        let mismatches = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 4) { t in
            for (i, r) in all.enumerated() where i % 4 == t || i % 7 == t {
                if frozen[r.id] != r { mismatches.withLock { $0 += 1 } }
            }
        }
        #expect(mismatches.withLock { $0 } == 0)
    }

    @Test func aCopyKeepsItsOwnRecords() {
        let all = SpillSamples.records()
        var original = CommitStore(spill: ArraySpill())
        original.insert(contentsOf: all.prefix(200))
        var copy = original
        copy.insert(contentsOf: all.dropFirst(200))
        #expect(original.count == 200)
        #expect(copy.count == 400)
        #expect(original[all[300].id] == nil)
        #expect(copy[all[300].id] == all[300])
        #expect(original[all[10].id] == all[10])
    }

    /// Through the protocol, as the stages read it.
    @Test func readsThroughTheProtocolEqualTheStoresOwn() {
        func viaProtocol(_ store: some HistoryStore, _ id: ObjectID) -> (CommitRecord?, CommitRecord?, Int, [ObjectID])
        {
            (store.record(id, withFiles: false), store[id], store.count, store.ids)
        }
        let all = SpillSamples.records()
        var store = CommitStore(spill: ArraySpill())
        store.insert(contentsOf: all)
        for r in all.prefix(50) {
            let (light, full, count, ids) = viaProtocol(store, r.id)
            #expect(light == store.record(r.id, withFiles: false, withHunks: true))
            #expect(light?.files == [])
            #expect(full == r)
            #expect(count == 400)
            #expect(ids == all.map(\.id))
        }
        #expect(Array(store.records) == all)
    }
}
