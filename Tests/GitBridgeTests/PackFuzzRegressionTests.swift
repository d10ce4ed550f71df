import Foundation
import HistoryModel
import TestSupport
import Testing

@testable import GitBridge

/// The pack fuzz target's inputs replayed through the pack reader (Scripts/fuzz.sh, Fuzz/pack/harness.c,
/// docs/fuzzing.md). An input is a flag byte, a little-endian 32-bit .idx length, the .idx, then the .pack;
/// flag bit 0 copies the pack's checksum into the .idx, as the harness does.
@Suite struct PackFuzzRegressionTests {
    struct Outcome: Equatable {
        var count: Int
        var read: Int
        var inflated: Int
        var allHashToTheirNames: Bool
    }

    /// Writes the input as objects/pack/pack-fuzz.{idx,pack} of a fresh folder and reads every object the
    /// index names, in index order, with a 64 MiB cache.
    static func replay(_ bytes: [UInt8]) throws -> Outcome? {
        guard bytes.count >= 5 else { return nil }
        let declared = Int(bytes[1]) | Int(bytes[2]) << 8 | Int(bytes[3]) << 16 | Int(bytes[4]) << 24
        let idxLength = min(declared, bytes.count - 5)
        var idx = Array(bytes[5..<(5 + idxLength)])
        let pack = Array(bytes[(5 + idxLength)...])
        if bytes[0] & 1 != 0, idx.count >= 40, pack.count >= 20 {
            idx.replaceSubrange((idx.count - 40)..<(idx.count - 20), with: pack.suffix(20))
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "yardstick-packfuzz-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let packDir = dir.appendingPathComponent("objects/pack")
        try FileManager.default.createDirectory(at: packDir, withIntermediateDirectories: true)
        try Data(idx).write(to: packDir.appendingPathComponent("pack-fuzz.idx"))
        try Data(pack).write(to: packDir.appendingPathComponent("pack-fuzz.pack"))
        guard let reader = PackReader(gitDirectory: dir.path, cacheBytes: 64 << 20) else { return nil }
        let count = Int(idx[1028]) << 24 | Int(idx[1029]) << 16 | Int(idx[1030]) << 8 | Int(idx[1031])
        var read = 0
        var allHash = true
        for i in 0..<count {
            let name = ObjectID(bytes: idx[(1032 + i * 20)..<(1052 + i * 20)])
            guard let object = reader.read(name) else { continue }
            read += 1
            #expect((1...4).contains(object.type))
            if PackReader.objectID(type: object.type, bytes: object.bytes) != name { allHash = false }
        }
        return Outcome(count: count, read: read, inflated: reader.statistics.inflated, allHashToTheirNames: allHash)
    }

    static func input(_ dir: String, _ name: String) -> [UInt8] {
        [UInt8](FileManager.default.contents(atPath: SampleRepositories.packageRoot + "/\(dir)/\(name)") ?? Data())
    }

    /// The seeds are real packs (of the sample repositories, made by git pack-objects): every object reads
    /// back and hashes to its name.
    @Test(arguments: [
        ("forges-12-objects-whole", 12, 12), ("gerrit-ref-deltas", 34, 38), ("rebase-offset-deltas", 47, 53),
        ("squash-offset-delta-chains", 61, 64),
    ])
    func seedsReadWhole(name: String, objects: Int, inflated: Int) throws {
        let outcome = try #require(try Self.replay(Self.input("Fuzz/corpus/pack", name)))
        #expect(outcome == Outcome(count: objects, read: objects, inflated: inflated, allHashToTheirNames: true))
    }

    /// Found by fuzzing: entries recording sizes near 4 GiB in a few KiB of pack made the reader allocate
    /// that size before inflating. Such an entry is now refused before it is inflated (an entry cannot
    /// inflate to more than 1032 times its stream); without the check each input inflates 1 to 3 entries
    /// more (18, 25, 21, 35, 15).
    @Test(arguments: [
        ("oom-10a093cbc64fb26d79bab305ae80d82db82c4bb8", 34, 1, 16),
        ("oom-498c434e2ade56c35960614198d3e491cfe7a188", 61, 9, 24),
        ("oom-6ad7687dc4c861cf84a14037b58887e8d4296531", 34, 5, 18),
        ("oom-7f060fd13e53f398802e499edfa2cb023c2e9bfd", 47, 15, 34),
        ("oom-f4d5ba97a0568eedd748fdc1f3574972d8c7ab12", 34, 6, 14),
    ])
    func absurdSizesAreNotInflated(name: String, objects: Int, read: Int, inflated: Int) throws {
        let outcome = try #require(try Self.replay(Self.input("Tests/FuzzRegressionTests/Inputs/pack", name)))
        #expect(outcome.count == objects)
        #expect(outcome.read == read)
        #expect(outcome.inflated == inflated)
    }

    /// Every input a fuzz run kept (Tests/FuzzRegressionTests/Inputs/pack/) reads without a crash.
    @Test func everyRegressionInputReads() throws {
        let dir = SampleRepositories.packageRoot + "/Tests/FuzzRegressionTests/Inputs/pack"
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(names.count >= 5)
        for name in names {
            let outcome = try Self.replay(Self.input("Tests/FuzzRegressionTests/Inputs/pack", name))
            if let outcome { #expect(outcome.read <= outcome.count, "\(name)") }
        }
    }
}
