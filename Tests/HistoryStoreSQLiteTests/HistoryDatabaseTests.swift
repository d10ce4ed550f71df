import Foundation
import GRDB
import HistoryModel
import Synchronization
import TestSupport
import Testing

@testable import HistoryStoreCore
@testable import HistoryStoreSQLite

private let repo = RepositoryKey("/src/app")

private func id(_ n: Int) -> ObjectID { ObjectID(high: UInt64(n + 100), middle: 7, low: 9) }

private func record(_ n: Int, hunks: Bool) -> CommitRecord {
    let person = Signature(
        name: "Ann \(n % 3)", email: "ann\(n % 3)@acme.com", time: 1_700_000_000 + Int64(n), offsetMinutes: 60)
    let file = FileChange(
        path: "src/f\(n % 5).swift", oldPath: n % 4 == 0 ? "src/old.swift" : nil, status: .modified, additions: n,
        deletions: n / 2, isBinary: false,
        hunks: hunks ? [Hunk(oldStart: 3, oldCount: 1, newStart: 3, newCount: UInt32(n % 7))] : [])
    return CommitRecord(
        id: id(n), parents: [id(n - 1)], author: person, committer: person,
        message: "Change \(n)\n\nReviewed-by: B <b@x>",
        trailers: [Trailer(key: "Reviewed-by", value: "B <b@x>")], coAuthors: [],
        reviewers: [Identity(name: "B", email: "b@x")],
        files: [file],
        sideBranches: n % 2 == 0
            ? [SideBranch(tip: id(n + 1000), mergeBase: id(n - 3), commits: [id(n + 1000)], reviewedFiles: [file])] : []
    )
}

private func temporaryStore() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString).sqlite").path
}

@Suite struct RecordChunkTests {
    @Test func roundTripKeepsEveryFieldAndRole() throws {
        let records = (1...50).map { (record($0, hunks: $0 % 3 != 0), $0 % 3 != 0) }
        let bytes = RecordChunk.encode(records.map { (record: $0.0, onMainline: $0.1) })
        let decoded = try RecordChunk.decode(bytes)
        #expect(decoded.count == 50)
        for (a, b) in zip(records, decoded) {
            #expect(a.0 == b.record)
            #expect(a.1 == b.onMainline)
        }
    }

    @Test func damagedOrTruncatedChunksAreRefused() throws {
        let bytes = RecordChunk.encode([(record: record(1, hunks: true), onMainline: true)])
        var flipped = bytes
        flipped[bytes.count / 2] ^= 0x10
        #expect(throws: RecordChunk.Malformed.self) { try RecordChunk.decode(flipped) }
        #expect(throws: RecordChunk.Malformed.self) { try RecordChunk.decode(Array(bytes.prefix(bytes.count - 3))) }
        #expect(throws: RecordChunk.Malformed.self) { try RecordChunk.decode(Array("nope".utf8)) }
    }

    @Test func compressionRoundTripsAndRefusesDamage() {
        let text = Array(String(repeating: "commit message text ", count: 500).utf8)
        let blob = Compression.compress(text)
        // A zstd frame: its magic number first.
        #expect(Array(blob.prefix(4)) == [0x28, 0xB5, 0x2F, 0xFD])
        #expect(blob.count < text.count / 10)
        #expect(Compression.decompress(blob) == text)
        #expect(Compression.decompress(Compression.compress([])) == [])
        var damaged = blob
        damaged[blob.count - 6] ^= 0xFF
        #expect(Compression.decompress(damaged) == nil)
        // The content's checksum is checked: a flipped bit in the frame's last byte (the checksum) is refused.
        var checksum = blob
        checksum[blob.count - 1] ^= 0x01
        #expect(Compression.decompress(checksum) == nil)
        #expect(Compression.decompress(Array(blob.dropLast(3))) == nil)
        #expect(Compression.decompress(blob + [0]) == nil)
        #expect(Compression.decompress([1, 2, 3]) == nil)
        #expect(Compression.decompress(Compression.zstdMagic) == nil)
    }

    /// Stores written before zstd hold zlib blobs (the length in 8 big-endian bytes, then zlib's stream): read
    /// as they were.
    @Test func earlierZlibBlobsAreStillRead() {
        let text = Array(String(repeating: "commit message text ", count: 500).utf8)
        let old = Compression.zlibBlob(text)
        #expect(Array(old.prefix(8)) == [0, 0, 0, 0, 0, 0, 0x27, 0x10])
        #expect(Compression.decompress(old) == text)
        #expect(Compression.decompress(Compression.zlibBlob([])) == [])
        var damaged = old
        damaged[10] ^= 0xFF
        #expect(Compression.decompress(damaged) == nil)
        // A length far beyond what zlib can expand to is a damaged header, refused before allocating.
        var claim = old
        claim[0] = 0x01
        #expect(Compression.decompress(claim) == nil)
    }

    /// Damaged blobs never crash the reader and never pass for other bytes: 2,000 copies of real blobs (zstd and
    /// zlib, a record chunk and a JSON text) with 1 to 4 bytes changed at drawn offsets, cut short or grown, and
    /// 500 drawn byte strings, half of them opening with the zstd magic number, which are all refused.
    @Test func damagedBlobsAreRefusedOrExact() {
        let chunk = RecordChunk.encode(
            (0..<40).map { (record: record($0, hunks: $0 % 2 == 0), onMainline: $0 % 3 == 0) })
        let json = Array((0..<300).map { "{\"n\" : \($0), \"path\" : \"src/file\($0 % 17).c\"}\n" }.joined().utf8)
        let originals = [chunk, json]
        let blobs = originals.flatMap { [Compression.compress($0), Compression.zlibBlob($0)] }
        var random = SeededGenerator(seed: 0x5EED_B10B)
        // Copies made and copies accepted, by codec (0 zstd, 1 zlib) and damage (0 cut short, 1 grown, 2 bytes
        // changed).
        var made = [[Int]](repeating: [0, 0, 0], count: 2)
        var accepted = made
        for n in 0..<2000 {
            let which = n % blobs.count
            var blob = blobs[which]
            let damage = min(random.below(4), 2)
            switch damage {
            case 0: blob = Array(blob.prefix(random.below(blob.count)))
            case 1: blob += (0...random.below(8)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            default:
                for _ in 0...random.below(4) { blob[random.below(blob.count)] ^= UInt8(1 + random.below(255)) }
            }
            made[which % 2][damage] += 1
            guard let out = Compression.decompress(blob) else { continue }
            accepted[which % 2][damage] += 1
            #expect(out == originals[which / 2], "copy \(n) passed for other bytes")
        }
        // zstd refuses every damaged copy (its frame must be the whole blob, its checksum must hold). An earlier
        // store's zlib blob with bytes after its stream reads as the original (zlib's uncompress stops at the
        // stream's end); every other damaged zlib copy is refused.
        #expect(accepted == [[0, 0, 0], [0, made[1][1], 0]])
        #expect(made[1][1] == 240)
        for n in 0..<500 {
            var bytes = (0..<random.below(64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if n % 2 == 0 { bytes = Compression.zstdMagic + bytes }
            #expect(Compression.decompress(bytes) == nil, "drawn bytes \(n) read as a blob")
        }
    }

    /// A frame that expands far beyond `upFrontRatio` (8 MiB of one byte) is decompressed in steps, not
    /// allocated from its header's claim; a header claiming more than the frame holds is refused.
    @Test func aHighlyCompressedFrameIsReadInSteps() {
        let zeros = [UInt8](repeating: 0, count: 8 << 20)
        let blob = Compression.compress(zeros)
        #expect(blob.count * Compression.upFrontRatio + 65536 < zeros.count)
        #expect(Compression.decompress(blob) == zeros)
        #expect(Compression.decompress(Array(blob.dropLast(4))) == nil)
    }
}

@Suite struct HistoryDatabaseTests {
    func run(_ key: String, head: String = "h") -> StoredRun {
        StoredRun(
            time: 1, head: head, branch: "main", options: "{}", configDigest: nil, toolVersion: "0.1.0",
            snapshotKey: key, recordsMined: 0, recordsReused: 0, metrics: Array("{}".utf8),
            report: Array("{\"r\":1}".utf8))
    }

    /// A rewrite of the record set writes the chunks the whole set cut every `recordsPerChunk` gives (used records
    /// in key order, then the mined ones), while the mined records are read a chunk at a time, never all at once.
    @Test func aRewriteReadsTheMinedRecordsOneChunkAtATime() throws {
        let size = RecordSetWrite.recordsPerChunk
        var stored = StoredRecords(generation: 3)
        let usedRecords = (1...(size + 10)).map { (record: record($0, hunks: $0 % 2 == 0), onMainline: $0 % 2 == 0) }
        stored.add(try RecordChunk.Indexed(RecordChunk.encode(usedRecords)))
        let minedRecords = (1...(size + 20)).map { (record: record(50_000 + $0, hunks: true), onMainline: true) }
        let reads = Mutex<[Range<Int>]>([])
        let mined = MinedRecords(keys: minedRecords.map { RecordKey(id: $0.record.id, onMainline: true) }) { range in
            reads.withLock { $0.append(range) }
            return minedRecords[range].map(\.record)
        }
        let used = Set(usedRecords.map { RecordKey(id: $0.record.id, onMainline: $0.onMainline) })
        let write = RecordSetWrite(
            storedContext: "old", storedGeneration: 3, context: "new", loaded: stored, used: used, mined: mined)
        // The reference: every record as a value, the whole set cut every `recordsPerChunk`.
        let all = used.sorted().map { key in usedRecords.first { $0.record.id == key.id }! } + minedRecords
        let expected = stride(from: 0, to: all.count, by: size).map { start in
            Compression.compress(RecordChunk.encode(all[start..<min(all.count, start + size)]))
        }
        #expect(write.rewrite && write.generation == 4)
        #expect(write.chunks.map(\.records) == [size, size, 30])
        #expect(write.chunks.map(\.blob) == expected)
        #expect(reads.withLock { $0 } == [0..<(size - 10), (size - 10)..<(size + 20)])
        // Appending (same context and generation, every stored record used): the mined records as they are.
        let append = RecordSetWrite(
            storedContext: "new", storedGeneration: 3, context: "new", loaded: stored, used: used,
            mined: [(record(7, hunks: true), true)])
        #expect(!append.rewrite && append.generation == 4 && append.chunks.map(\.records) == [1])
    }

    @Test func recordsAreKeptPerContextAndRole() throws {
        let path = temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let db = try HistoryDatabase(path: path)
        let empty = try db.records(repository: repo, context: "c1")
        #expect(empty.count == 0)
        let mined = [
            (record: record(1, hunks: true), onMainline: true), (record: record(2, hunks: false), onMainline: false),
        ]
        try db.save(
            repository: repo, run: run("k1"), context: "c1", loaded: empty, used: [], mined: MinedRecords(mined))
        let loaded = try HistoryDatabase(path: path).records(repository: repo, context: "c1")
        #expect(loaded.count == 2)
        #expect(loaded.record(id(1), onMainline: true) == record(1, hunks: true))
        #expect(loaded.record(id(1), onMainline: false) == nil)
        #expect(loaded.record(id(2), onMainline: false) == record(2, hunks: false))
        // Another context: nothing applies, and the next save replaces the set.
        let other = try db.records(repository: repo, context: "c2")
        #expect(other.count == 0)
        try db.save(
            repository: repo, run: run("k2"), context: "c2", loaded: other, used: [],
            mined: [(record(3, hunks: true), true)])
        #expect(try db.records(repository: repo, context: "c1").count == 0)
        #expect(try db.records(repository: repo, context: "c2").count == 1)
        // Appending: the stored set read whole, one new record → one more chunk.
        let c2 = try db.records(repository: repo, context: "c2")
        try db.save(
            repository: repo, run: run("k3"), context: "c2", loaded: c2, used: [RecordKey(id: id(3), onMainline: true)],
            mined: [(record(4, hunks: true), true)])
        #expect(try db.records(repository: repo, context: "c2").count == 2)
        // A run that used only part of the set rewrites it as its own records.
        let c2b = try db.records(repository: repo, context: "c2")
        try db.save(
            repository: repo, run: run("k4"), context: "c2", loaded: c2b,
            used: [RecordKey(id: id(4), onMainline: true)], mined: [])
        let last = try db.records(repository: repo, context: "c2")
        #expect(last.count == 1)
        #expect(last.record(id(4), onMainline: true) != nil)
        #expect(try db.runs(repository: repo).count == 4)
        #expect(try db.integrityCheck() == "ok")
    }

    @Test func onlyTheNewestFullRunKeepsItsReport() throws {
        let path = temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let db = try HistoryDatabase(path: path)
        try db.save(repository: repo, run: run("a"), context: "c", loaded: StoredRecords(), used: [], mined: [])
        #expect(try db.latestRun(repository: repo, snapshotKey: "a")?.report == Array("{\"r\":1}".utf8))
        try db.save(
            repository: repo, run: run("b"), context: "c", loaded: try db.records(repository: repo, context: "c"),
            used: [], mined: [])
        #expect(try db.latestRun(repository: repo, snapshotKey: "a") == nil)
        let b = try #require(try db.latestRun(repository: repo, snapshotKey: "b"))
        try db.saveReuse(repository: repo, of: b, time: 99)
        let runs = try db.runs(repository: repo)
        #expect(runs.map(\.snapshotKey) == ["a", "b", "b"])
        #expect(runs.map { $0.report != nil } == [false, true, false])
        #expect(runs.last?.time == 99)
        #expect(runs.last?.metrics == Array("{}".utf8))
        #expect(try db.latestRun(repository: repo, snapshotKey: "b") != nil)
    }

    @Test func foreignAndGarbageFilesAreRefused() throws {
        let garbage = temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: garbage) }
        try Data(repeating: 7, count: 2048).write(to: URL(fileURLWithPath: garbage))
        do {
            _ = try HistoryDatabase(path: garbage)
            Issue.record("a garbage file was opened as a store")
        } catch {
            #expect(error.description.hasPrefix("\(garbage): is not a Yardstick store or is damaged"))
        }
        // --rebuild-store replaces it.
        #expect(try HistoryDatabase(path: garbage, rebuild: true).runs(repository: repo).isEmpty)
        let directory = FileManager.default.temporaryDirectory.path
        do {
            _ = try HistoryDatabase(path: directory)
            Issue.record("a directory was opened as a store")
        } catch {
            #expect(error.description == "\(directory): is a directory, not a store file")
        }
        // A device is never opened, nor removed by a rebuild: /dev/null stays the character device it is.
        for rebuild in [false, true] {
            do {
                _ = try HistoryDatabase(path: "/dev/null", rebuild: rebuild)
                Issue.record("/dev/null was opened as a store")
            } catch {
                #expect(
                    error.description
                        == "/dev/null: is not a regular file (a device, FIFO or socket), not a store file")
            }
            var info = stat()
            #expect(stat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
        }
    }
}

@Suite struct StoreRepositoryTests {
    func run(_ key: String, time: Int64) -> StoredRun {
        StoredRun(
            time: time, head: "h", branch: "main", options: "{}", configDigest: nil, toolVersion: "0.1.0",
            snapshotKey: key, recordsMined: 0, recordsReused: 0, metrics: Array("{}".utf8),
            report: Array("{\"r\":1}".utf8))
    }

    @Test func repositoriesKeepTheirOwnRecordsAndRuns() throws {
        let path = temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let db = try HistoryDatabase(path: path)
        let a = RepositoryKey("/src/a")
        let b = RepositoryKey("https://example.com/b.git")
        #expect(try db.repositories().isEmpty)
        try db.save(
            repository: a, run: run("ka", time: 10), context: "c", loaded: StoredRecords(), used: [],
            mined: [(record(1, hunks: true), true)])
        try db.save(
            repository: b, run: run("kb", time: 20), context: "c", loaded: StoredRecords(), used: [],
            mined: [(record(2, hunks: true), true), (record(3, hunks: false), false)])
        try db.save(
            repository: a, run: run("ka2", time: 30), context: "c",
            loaded: try db.records(repository: a, context: "c"), used: [RecordKey(id: id(1), onMainline: true)],
            mined: [])
        #expect(
            try db.repositories() == [
                StoredRepository(key: a, runs: 2, newestRunTime: 30),
                StoredRepository(key: b, runs: 1, newestRunTime: 20),
            ])
        #expect(try db.records(repository: a, context: "c").count == 1)
        #expect(try db.records(repository: b, context: "c").count == 2)
        #expect(try db.records(repository: a, context: "c").record(id(2), onMainline: true) == nil)
        #expect(try db.runs(repository: a).map(\.snapshotKey) == ["ka", "ka2"])
        #expect(try db.runs(repository: b).map(\.snapshotKey) == ["kb"])
        // Each repository keeps its own newest report.
        #expect(try db.latestRun(repository: b, snapshotKey: "kb") != nil)
        #expect(try db.latestRun(repository: a, snapshotKey: nil)?.snapshotKey == "ka2")
        #expect(try db.latestRun(repository: RepositoryKey("/src/c"), snapshotKey: nil) == nil)
        #expect(try db.runs(repository: RepositoryKey("/src/c")).isEmpty)
    }

    /// A store written before repository keys (schema v1) keeps working: its runs and records belong to the one
    /// repository of the file, which the first save claims under its key.
    @Test func aVersion1StoreIsMigratedAndClaimed() throws {
        let path = temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA application_id = \(HistoryDatabase.applicationID)")
        }
        try HistoryDatabase.migrator.migrate(queue, upTo: "v1")
        // A store of that version holds zlib blobs.
        let chunk = Compression.zlibBlob(RecordChunk.encode([(record: record(5, hunks: true), onMainline: true)]))
        try queue.write { db in
            try db.execute(
                sql: "INSERT INTO info(key, value) VALUES ('recordContext', 'c'), ('generation', '3')")
            try db.execute(sql: "INSERT INTO chunk(records, data) VALUES (1, ?)", arguments: [Data(chunk)])
            try db.execute(
                sql: """
                    INSERT INTO run(time, head, branch, options, toolVersion, snapshotKey, recordsMined,
                        recordsReused, metrics, report) VALUES (7, 'h', 'main', '{}', '0.1.0', 'old', 1, 0, ?, ?)
                    """,
                arguments: [Data(Compression.zlibBlob(Array("{}".utf8))), Data(Compression.zlibBlob([1]))])
        }
        let db = try HistoryDatabase(path: path)
        #expect(try db.repositories() == [StoredRepository(key: RepositoryKey(""), runs: 1, newestRunTime: 7)])
        let key = RepositoryKey("/src/app")
        let loaded = try db.records(repository: key, context: "c")
        #expect(loaded.count == 1)
        #expect(loaded.generation == 3)
        #expect(try db.latestRun(repository: key, snapshotKey: "old")?.report == [1])
        try db.save(
            repository: key, run: run("new", time: 8), context: "c", loaded: loaded,
            used: [RecordKey(id: id(5), onMainline: true)], mined: [(record(6, hunks: true), true)])
        #expect(try db.repositories() == [StoredRepository(key: key, runs: 2, newestRunTime: 8)])
        #expect(try db.records(repository: key, context: "c").count == 2)
        #expect(try db.runs(repository: key).map(\.snapshotKey) == ["old", "new"])
        #expect(try db.integrityCheck() == "ok")
    }

    @Test func theKeyIsTheWorkingFolderOrTheBareGitFolder() {
        #expect(RepositoryKey.of(gitDirectory: "/src/app/.git/").value == "/src/app")
        #expect(RepositoryKey.of(gitDirectory: "/src/app/.git").value == "/src/app")
        #expect(RepositoryKey.of(gitDirectory: "/srv/mirror.git/").value == "/srv/mirror.git")
        #expect(RepositoryKey.of(gitDirectory: "/.git").value == "/.git")
    }
}
