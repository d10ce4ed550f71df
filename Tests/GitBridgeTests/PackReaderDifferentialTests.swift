import Foundation
import HistoryModel
import TestSupport
import Testing

@testable import GitBridge

/// Yardstick's pack reader against libgit2's (ADR 0009, ADR 0011): over every object of every sample
/// repository, packed, and of seeded, randomly damaged copies of a pack, both readers give the same type and
/// bytes, or both refuse the object. Neither reader checks object hashes here (`YARDSTICK_VERIFY` unset), so
/// any difference in how they parse a pack shows.
@Suite struct PackReaderDifferentialTests {
    /// The samples that hold a history (not `empty`, `shallow`, `corrupt` or `not-a-repo`).
    static let samples = ["github-merge", "github-merge.git", "squash", "gerrit", "rebase", "forges", "delivery"]

    /// A bare copy of a sample with every object in one pack, with delta chains.
    static func packedCopy(_ sample: String) -> String {
        let target = FileManager.default.temporaryDirectory.appendingPathComponent(
            "yardstick-diff-\(sample)-\(UUID().uuidString)"
        ).path
        let clone = Command.run(
            "/usr/bin/git", ["clone", "-q", "--mirror", "--no-local", SampleRepositories.path(sample), target])
        precondition(clone.status == 0, clone.stderr)
        let repack = Command.run("/usr/bin/git", ["-C", target, "repack", "-adfq", "--depth=50", "--window=50"])
        precondition(repack.status == 0, repack.stderr)
        return target
    }

    static func onlyFile(_ dir: String, suffix: String) -> String {
        let packDir = dir + "/objects/pack"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: packDir)) ?? []).filter {
            $0.hasSuffix(suffix)
        }
        precondition(names.count == 1, "\(packDir): \(names)")
        return packDir + "/" + names[0]
    }

    /// Every object of the pack read by both readers: (objects, objects both refused). Records an issue for
    /// each object the readers disagree on.
    static func compare(_ dir: String, objects: [(id: ObjectID, type: Int)], label: String) throws -> (
        read: Int, refused: Int
    ) {
        let own = try #require(PackReader(gitDirectory: dir, cacheBytes: 1 << 20), "\(label)")
        let theirs = try #require(LibGit2PackReader(indexPath: onlyFile(dir, suffix: ".idx")), "\(label)")
        var refused = 0
        for object in objects {
            let a = own.read(object.id)
            let b = theirs.read(object.id)
            #expect(
                a?.type == b?.type && a?.bytes == b?.bytes,
                "\(label): \(object.id.hex): own \(a.map { "\($0.type)/\($0.bytes.count)" } ?? "refused"), libgit2 \(b.map { "\($0.type)/\($0.bytes.count)" } ?? "refused")"
            )
            if a == nil && b == nil { refused += 1 }
        }
        return (objects.count, refused)
    }

    @Test(arguments: samples)
    func bothReadersReadEverySampleAlike(sample: String) throws {
        let dir = Self.packedCopy(sample)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let objects = PackReaderTests.objects(in: dir)
        #expect(objects.count > 10)
        let result = try Self.compare(dir, objects: objects, label: sample)
        #expect(result.refused == 0)
        // Every object is read right: its bytes hash to its id.
        let reader = try #require(PackReader(gitDirectory: dir, cacheBytes: 1 << 20))
        for object in objects {
            let read = try #require(reader.read(object.id))
            #expect(PackReader.objectID(type: read.type, bytes: read.bytes) == object.id)
        }
    }

    /// 40 copies of the `delivery` sample's pack, each with 1 to 4 bytes flipped at seeded offsets between its
    /// header and its trailer: the readers agree on every object of every copy.
    @Test func bothReadersAgreeOnRandomlyDamagedPacks() throws {
        let intact = Self.packedCopy("delivery")
        defer { try? FileManager.default.removeItem(atPath: intact) }
        let objects = PackReaderTests.objects(in: intact)
        let original = try Data(contentsOf: URL(fileURLWithPath: Self.onlyFile(intact, suffix: ".pack")))
        var random = SeededGenerator(seed: 20_261_206)
        var refusedTotal = 0
        var readTotal = 0
        for copy in 0..<40 {
            let dir = PackReaderTests.copy(intact)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let pack = Self.onlyFile(dir, suffix: ".pack")
            var bytes = original
            var flips: [Int] = []
            for _ in 0...(random.next() % 4) {
                let offset = 12 + Int(random.next() % UInt64(bytes.count - 32))
                bytes[offset] ^= UInt8(1 + random.next() % 255)
                flips.append(offset)
            }
            _ = Command.run("/bin/chmod", ["u+w", pack])
            try bytes.write(to: URL(fileURLWithPath: pack))
            let result = try Self.compare(dir, objects: objects, label: "copy \(copy), flips at \(flips)")
            refusedTotal += result.refused
            readTotal += result.read
        }
        // The damage reached objects: some were refused by both, and most of each copy was still read.
        #expect(refusedTotal > 0)
        #expect(refusedTotal < readTotal / 2)
    }
}

/// The SHA-1 behind pack checksums and loose objects (ADR 0011): known vectors, and the x86 SHA-extension code
/// against the portable code.
@Suite struct SHA1Tests {
    @Test func knownVectorsAndBothImplementationsAgree() {
        #expect(PackReader.sha1SelfTest() == 0)
    }
}
