import Dispatch
import Foundation
import HistoryModel
import Synchronization
import TestSupport
import Testing

@testable import GitBridge

/// Yardstick's pack reader (ADR 0009) against git: every object of a packed history, read back, must hash to
/// its own id, whatever the cache size, with 32- and 64-bit index offsets; a damaged pack is refused object by
/// object, never read wrongly.
@Suite struct PackReaderTests {
    /// A history with long delta chains: a text file with 300 versions, a 190 KB file changed in one line per
    /// version (copies of 64 KiB, the delta format's special case), a binary file, an empty file.
    static let history: String = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("yardstick-pack-\(UUID().uuidString)")
            .path
        var stream = ""
        var big = (0..<3000).map { String(format: "%04d: the quick brown fox jumps over the lazy dog, again", $0) }
        for i in 1...300 {
            stream += "commit refs/heads/main\nmark :\(i)\n"
            stream += "author Ada <ada@example.com> \(1_700_000_000 + i * 3600) +0000\n"
            stream += "committer Ada <ada@example.com> \(1_700_000_000 + i * 3600) +0000\n"
            let message = "Version \(i)\n"
            stream += "data \(message.utf8.count)\n\(message)"
            if i > 1 { stream += "from :\(i - 1)\n" }
            let text = (0..<(50 + i)).map { j in "line \(j) \(j % 13 == i % 13 ? i : 0)\n" }.joined()
            stream += "M 644 inline text.txt\ndata \(text.utf8.count)\n\(text)\n"
            if i % 3 == 1 {
                big[(i * 7) % big.count] = String(format: "%04d: changed in version %03d", (i * 7) % big.count, i)
                let content = big.joined(separator: "\n") + "\n"
                stream += "M 644 inline big.txt\ndata \(content.utf8.count)\n\(content)\n"
            }
            if i % 5 == 1 {
                // Binary data as Latin-1 escapes would not survive a String; printable bytes with NUL-free
                // control characters stand in (the reader never looks at content).
                let bytes = (0..<2000).map { k in Character(UnicodeScalar(UInt8(1 + (k * 31 + i) % 126))) }
                let content = String(bytes)
                stream += "M 644 inline blob.dat\ndata \(content.utf8.count)\n\(content)\n"
            }
            if i == 1 { stream += "M 644 inline empty.txt\ndata 0\n\n" }
        }
        let streamFile = dir + ".stream"
        try? stream.write(toFile: streamFile, atomically: true, encoding: .utf8)
        let script = """
            set -e
            git init -q -b main "$1"
            cd "$1"
            git fast-import --quiet < "$2"
            git -c gc.auto=0 repack -adfq --depth=250 --window=50
            """
        let result = Command.run("/bin/bash", ["-c", script, "make-pack", dir, streamFile])
        precondition(result.status == 0, "cannot build the pack history: \(result.stderr)")
        return dir
    }()

    static func objects(in dir: String) -> [(id: ObjectID, type: Int)] {
        let result = Command.run(
            "/usr/bin/git", ["cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(objecttype)"], cwd: dir)
        let types = ["commit": 1, "tree": 2, "blob": 3, "tag": 4]
        return result.stdout.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 2, let id = ObjectID(hex: parts[0]), let type = types[String(parts[1])] else {
                return nil
            }
            return (id, type)
        }
    }

    static func copy(_ dir: String) -> String {
        let target = dir + "-" + UUID().uuidString
        precondition(Command.run("/bin/cp", ["-a", dir, target]).status == 0)
        return target
    }

    static func packFile(in dir: String, suffix: String) -> String {
        let packDir = dir + "/.git/objects/pack"
        let name = (try? FileManager.default.contentsOfDirectory(atPath: packDir))?.first { $0.hasSuffix(suffix) }
        return packDir + "/" + (name ?? "missing")
    }

    /// Reads every object and checks that it hashes to its id; returns how many the reader refused.
    static func verifyAll(_ dir: String, cacheBytes: Int) throws -> (refused: Int, reader: PackReader) {
        let reader = try #require(PackReader(gitDirectory: dir + "/.git", cacheBytes: cacheBytes))
        var refused = 0
        for object in objects(in: dir) {
            guard let read = reader.read(object.id) else {
                refused += 1
                continue
            }
            #expect(read.type == object.type, "\(object.id)")
            #expect(PackReader.objectID(type: read.type, bytes: read.bytes) == object.id)
        }
        return (refused, reader)
    }

    @Test func theHistoryHasLongDeltaChains() {
        let pack = Self.packFile(in: Self.history, suffix: ".pack")
        let verify = Command.run("/usr/bin/git", ["verify-pack", "-v", pack])
        let longest =
            verify.stdout.split(separator: "\n").compactMap { line -> Int? in
                guard line.hasPrefix("chain length = ") else { return nil }
                return Int(line.dropFirst("chain length = ".count).prefix { $0.isNumber })
            }.max() ?? 0
        #expect(longest >= 60)  // deeper than git's default of 50
        #expect(Self.objects(in: Self.history).count == 300 + 300 + 300 + 100 + 60 + 1)
    }

    @Test(arguments: [0, 4096, 64 << 20])
    func everyObjectHashesToItsID(cacheBytes: Int) throws {
        let (refused, reader) = try Self.verifyAll(Self.history, cacheBytes: cacheBytes)
        #expect(refused == 0)
        #expect(reader.statistics.reads == Self.objects(in: Self.history).count)
    }

    @Test func theCacheCutsChainsShort() throws {
        // Sizes no other test uses: these caches start empty and are these readers' alone.
        let without = try Self.verifyAll(Self.history, cacheBytes: 3).reader.statistics
        let with = try Self.verifyAll(Self.history, cacheBytes: (64 << 20) + 3).reader.statistics
        #expect(without.cacheHits == 0)
        #expect(with.cacheHits > 0)
        // Without a cache, every read inflates its whole chain; with one, about one entry per object.
        #expect(without.inflated > 5 * with.inflated)
        #expect(with.inflated < 2 * with.reads)
    }

    /// Readers on four threads share one pack's cache, small enough that entries are evicted all the time:
    /// every object still hashes to its id, and entries were handed back to the threads that allocated them.
    /// (Eviction while pinned is too brief a window to force from here: `theCacheKeepsAPinnedEntryAlive`.)
    @Test func threadsSharingOneCacheReadEveryObjectRight() throws {
        let objects = Self.objects(in: Self.history)
        // A size no other test uses, so that this cache is this test's alone; the first reader keeps the pack
        // (and its cache) open while the threads run.
        let cacheBytes = (1 << 20) + 7
        let first = try #require(PackReader(gitDirectory: Self.history + "/.git", cacheBytes: cacheBytes))
        let failures = Mutex<Int>(0)
        let reads = Mutex<Int>(0)
        let done = DispatchGroup()
        for thread in 0..<4 {
            done.enter()
            let worker = Thread {
                defer { done.leave() }
                guard let reader = PackReader(gitDirectory: Self.history + "/.git", cacheBytes: cacheBytes) else {
                    failures.withLock { $0 += 1 }
                    return
                }
                // Each thread in its own order: forwards, backwards, and two strides (1061 is prime).
                let n = objects.count
                let order = (0..<n).map {
                    thread == 0 ? $0 : thread == 1 ? n - 1 - $0 : ($0 * (thread == 2 ? 7 : 13)) % n
                }
                for _ in 0..<2 {
                    for i in order {
                        let object = objects[i]
                        guard let read = reader.read(object.id), read.type == object.type,
                            PackReader.objectID(type: read.type, bytes: read.bytes) == object.id
                        else {
                            failures.withLock { $0 += 1 }
                            continue
                        }
                        reads.withLock { $0 += 1 }
                    }
                }
            }
            worker.start()
        }
        done.wait()
        #expect(failures.withLock { $0 } == 0)
        #expect(reads.withLock { $0 } == 8 * objects.count)
        #expect(first.statistics.deferredFrees > 0)
    }

    /// An entry evicted while in use stays readable, leaves the table, and is freed by its last user.
    @Test func theCacheKeepsAPinnedEntryAlive() {
        #expect(PackReader.cacheSelfTest() == 0)
    }

    /// Reference deltas (base named by id, as packs kept from a fetch may hold) are read too.
    @Test func referenceDeltasAreRead() throws {
        let dir = Self.copy(Self.history)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let repacked = Command.run(
            "/usr/bin/git",
            ["-c", "repack.useDeltaBaseOffset=false", "-c", "gc.auto=0", "repack", "-adfq", "--depth=50"], cwd: dir)
        #expect(repacked.status == 0, "\(repacked.stderr)")
        // The entries' type bits: 7 is a reference delta, 6 an offset delta.
        let pack = try Data(contentsOf: URL(fileURLWithPath: Self.packFile(in: dir, suffix: ".pack")))
        let idx = try Data(contentsOf: URL(fileURLWithPath: Self.packFile(in: dir, suffix: ".idx")))
        func be32(_ d: Data, _ at: Int) -> Int { d[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        let count = be32(idx, 8 + 255 * 4)
        let types = (0..<count).map { Int(pack[be32(idx, 8 + 1024 + count * 24 + $0 * 4)] >> 4) & 7 }
        #expect(types.filter { $0 == 7 }.count > 100)
        #expect(!types.contains(6))
        #expect(try Self.verifyAll(dir, cacheBytes: 1 << 20).refused == 0)
    }

    @Test func sixtyFourBitOffsetsAreRead() throws {
        let dir = Self.copy(Self.history)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pack = Self.packFile(in: dir, suffix: ".pack")
        let idx = String(pack.dropLast(5)) + ".idx"
        let before = try FileManager.default.attributesOfItem(atPath: idx)[.size] as? Int ?? 0
        try FileManager.default.removeItem(atPath: idx)
        // Every offset above 1000 goes to the index's 64-bit table (git wants at least one 32-bit offset).
        let rebuilt = Command.run("/usr/bin/git", ["index-pack", "--index-version=2,1000", "-o", idx, pack])
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        let after = try FileManager.default.attributesOfItem(atPath: idx)[.size] as? Int ?? 0
        #expect((after - before) % 8 == 0)
        #expect(after - before > 8 * (Self.objects(in: dir).count - 20))
        #expect(try Self.verifyAll(dir, cacheBytes: 1 << 20).refused == 0)
    }

    @Test func aDamagedPackIsRefusedObjectByObject() throws {
        let dir = Self.copy(Self.history)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pack = Self.packFile(in: dir, suffix: ".pack")
        _ = Command.run("/bin/chmod", ["u+w", pack])
        var bytes = try Data(contentsOf: URL(fileURLWithPath: pack))
        let middle = bytes.count / 2
        for k in middle..<(middle + 256) { bytes[k] ^= 0x5A }
        try bytes.write(to: URL(fileURLWithPath: pack))
        // Objects whose data or chain runs through the damage are refused; every object read is right.
        let refused = try Self.verifyAll(dir, cacheBytes: 1 << 20).refused
        #expect(refused > 0)
        #expect(refused < Self.objects(in: dir).count)
    }

    /// What the pack reader asks of each entry's zlib stream (ADR 0009): that it ends with a good Adler-32 and
    /// inflates to exactly the size the entry records. One whole commit that no delta uses as a base is damaged
    /// three ways, each in a fresh copy: only that object is refused (libgit2 then answers for it), every other
    /// object is still read right.
    @Test(arguments: ["checksum", "recorded size one more", "recorded size one less"])
    func anEntryIsReadOnlyWhenItsStreamChecksOut(damage: String) throws {
        let dir = Self.copy(Self.history)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pack = Self.packFile(in: dir, suffix: ".pack")
        // `git verify-pack -v`: id, type, size, size in the pack, offset[, depth, base].
        let rows = Command.run("/usr/bin/git", ["verify-pack", "-v", pack]).stdout.split(separator: "\n").map {
            $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        }
        let bases = Set(rows.filter { $0.count == 7 }.map { $0[6] })
        var bytes = try Data(contentsOf: URL(fileURLWithPath: pack))
        let entry = try #require(
            rows.first { row in
                guard row.count == 5, row[1] == "commit", !bases.contains(row[0]), let offset = Int(row[4]) else {
                    return false
                }
                return (1...14).contains(bytes[offset] & 0x0F)  // the size's low bits, room for ±1
            })
        let (offset, length) = (try #require(Int(entry[4])), try #require(Int(entry[3])))
        switch damage {
        case "checksum": bytes[offset + length - 1] ^= 0x01  // the Adler-32's last byte
        case "recorded size one more": bytes[offset] += 1
        default: bytes[offset] -= 1
        }
        _ = Command.run("/bin/chmod", ["u+w", pack])
        try bytes.write(to: URL(fileURLWithPath: pack))
        let reader = try #require(PackReader(gitDirectory: dir + "/.git", cacheBytes: 1 << 20))
        #expect(reader.read(try #require(ObjectID(hex: entry[0]))) == nil)
        #expect(try Self.verifyAll(dir, cacheBytes: 1 << 20).refused == 1)
    }

    /// Streams of every kind zlib writes are inflated: stored blocks (level 0), fixed and dynamic Huffman codes.
    @Test(arguments: [0, 1, 9])
    func everyCompressionLevelIsRead(level: Int) throws {
        let dir = Self.copy(Self.history)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let repack = Command.run(
            "/usr/bin/git", ["-c", "pack.compression=\(level)", "repack", "-adfq", "--depth=50"], cwd: dir)
        #expect(repack.status == 0, "\(repack.stderr)")
        let (refused, reader) = try Self.verifyAll(dir, cacheBytes: 1 << 20)
        #expect(refused == 0)
        #expect(reader.statistics.reads == Self.objects(in: dir).count)
    }

    /// An index whose pack checksum is not the pack's (an index left from another repack) is not read.
    @Test func anIndexOfAnotherPackIsNotRead() throws {
        let dir = Self.copy(Self.history)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(PackReader(gitDirectory: dir + "/.git", cacheBytes: 1 << 20) != nil)
        let idx = Self.packFile(in: dir, suffix: ".idx")
        _ = Command.run("/bin/chmod", ["u+w", idx])
        var bytes = try Data(contentsOf: URL(fileURLWithPath: idx))
        bytes[bytes.count - 40] ^= 0xFF  // the pack checksum the index records
        try bytes.write(to: URL(fileURLWithPath: idx))
        #expect(PackReader(gitDirectory: dir + "/.git", cacheBytes: 1 << 20) == nil)
    }

    @Test func aDamagedPackFailsTheAnalysisWithOneLine() throws {
        let dir = Self.copy(Self.history)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let intact = Command.run(Command.yardstick, ["analyze", dir, "--format", "json"])
        #expect(intact.status == 0, "\(intact.stderr)")
        let pack = Self.packFile(in: dir, suffix: ".pack")
        _ = Command.run("/bin/chmod", ["u+w", pack])
        var bytes = try Data(contentsOf: URL(fileURLWithPath: pack))
        for k in (bytes.count / 2)..<(bytes.count / 2 + 256) { bytes[k] ^= 0x5A }
        try bytes.write(to: URL(fileURLWithPath: pack))
        let result = Command.run(Command.yardstick, ["analyze", dir, "--format", "json"])
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        // The pack's checksum no longer holds: the run stops before mining, naming the pack (ADR 0011).
        #expect(
            result.stderr.hasPrefix("error: \(dir): \(pack) is damaged: its content hashes to "), "\(result.stderr)")
    }

    /// Objects spread over two packs are all found; an object only stored loose is left to libgit2, and the
    /// repository still reads it (through libgit2's loose reader, behind this one).
    @Test func twoPacksAndLooseObjects() throws {
        let dir = Self.copy(Self.history)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = """
            set -e
            cd "$1"
            for i in 1 2 3; do
              echo "more $i" >> extra.txt
              git add extra.txt
              git -c user.name=Ada -c user.email=ada@example.com commit -qm "More $i"
            done
            git -c gc.auto=0 repack -dq
            echo "loose" > loose.txt
            git add loose.txt
            git -c user.name=Ada -c user.email=ada@example.com commit -qm "Loose"
            """
        let made = Command.run("/bin/bash", ["-c", script, "two-packs", dir])
        #expect(made.status == 0, "\(made.stderr)")
        let packs = try FileManager.default.contentsOfDirectory(atPath: dir + "/.git/objects/pack").filter {
            $0.hasSuffix(".pack")
        }
        #expect(packs.count == 2)
        let reader = try #require(PackReader(gitDirectory: dir + "/.git", cacheBytes: 1 << 20))
        let loose = Command.run("/usr/bin/git", ["rev-parse", "HEAD", "HEAD^{tree}", "HEAD:loose.txt"], cwd: dir).stdout
            .split(separator: "\n")
            .compactMap { ObjectID(hex: $0) }
        #expect(loose.count == 3)
        var packed = 0
        for object in Self.objects(in: dir) where !loose.contains(object.id) {
            let read = try #require(reader.read(object.id), "\(object.id)")
            #expect(PackReader.objectID(type: read.type, bytes: read.bytes) == object.id)
            packed += 1
        }
        #expect(packed == Self.objects(in: Self.history).count + 9)  // 3 commits, 3 trees, 3 blobs
        for id in loose { #expect(reader.read(id) == nil) }
        #expect(reader.statistics.passed == 3)
        let repository = try Repository(path: dir)
        #expect(try repository.fileContents("loose.txt", at: loose[0]) == Array("loose\n".utf8))
        #expect(try repository.fileContents("extra.txt", at: loose[0]) == Array("more 1\nmore 2\nmore 3\n".utf8))
    }

    /// Every repository handle reads packed objects through the reader (the `delivery` sample is packed).
    @Test func repositoriesReadPacksThroughTheReader() throws {
        let packed = try Repository(path: SampleRepositories.path("delivery"))
        let before = try #require(packed.packReaderStatistics)
        _ = try packed.fileContents("README.md", at: packed.resolveCommit("HEAD"))
        let after = try #require(packed.packReaderStatistics)
        #expect(after.reads > before.reads)
        #expect(after.passed == before.passed)
        // A work tree with loose objects only has no pack to read.
        #expect(try Repository(path: SampleRepositories.path("squash")).packReaderStatistics == nil)
    }

    @Test func notAPackDirectoryGivesNoReader() {
        #expect(PackReader(gitDirectory: SampleRepositories.path("squash") + "/.git", cacheBytes: 1 << 20) == nil)
        #expect(PackReader(gitDirectory: SampleRepositories.path("not-a-repo"), cacheBytes: 1 << 20) == nil)
    }

    @Test func theBareSampleIsReadAndHashesRight() throws {
        let dir = SampleRepositories.path("github-merge.git")
        let reader = try #require(PackReader(gitDirectory: dir, cacheBytes: 1 << 20))
        let objects = Self.objects(in: dir)
        #expect(!objects.isEmpty)
        for object in objects {
            let read = try #require(reader.read(object.id))
            #expect(PackReader.objectID(type: read.type, bytes: read.bytes) == object.id)
        }
    }
}
