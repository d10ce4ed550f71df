import Foundation
import HistoryModel
import TestSupport
import Testing

@testable import GitBridge

/// Blobs read straight from Yardstick's pack reader (`yardstick_pack_borrow`, ADR 0008): the same bytes libgit2's
/// own pack reader returns, whether stored whole, rebuilt from a delta, or already in the shared cache; anything
/// else is read by libgit2, with its errors.
@Suite struct BlobReadTests {
    @Test func packedBlobsReadDirectlyAsLibgit2ReadsThem() throws {
        let dir = PackReaderDifferentialTests.packedCopy("delivery")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let objects = PackReaderTests.objects(in: dir)
        let blobs = objects.filter { $0.type == 3 }.map(\.id)
        #expect(blobs.count > 10)
        let libgit2 = try #require(
            LibGit2PackReader(indexPath: PackReaderDifferentialTests.onlyFile(dir, suffix: ".idx")))
        let repository = try Repository(path: dir)
        #expect(repository.directPackReader != nil)
        let before = try #require(repository.packReaderStatistics)
        // Twice each: the second reading of a delta result or of a blob stored whole comes from the cache.
        var held: [(id: ObjectID, blob: Blob)] = []
        for round in 0..<2 {
            for id in blobs {
                let blob = try Blob(id: id, in: repository)
                let expected = try #require(libgit2.read(id))
                #expect(expected.type == 3)
                #expect(Array(blob.bytes) == expected.bytes, "round \(round), \(id.hex)")
                // Bytes stay valid while the blob lives, whatever is read after it.
                if round == 0 && held.count < 8 { held.append((id, blob)) }
            }
        }
        for (id, blob) in held {
            #expect(Array(blob.bytes) == libgit2.read(id)?.bytes, "held \(id.hex)")
        }
        let after = try #require(repository.packReaderStatistics)
        #expect(after.reads - before.reads == 2 * blobs.count)
        #expect(after.passed == before.passed)
        #expect(after.cacheHits - before.cacheHits >= blobs.count)
    }

    /// A tree or commit asked for as a blob gives libgit2's error, as before the direct reads.
    @Test func anotherTypeAskedForAsABlobIsLibgit2sError() throws {
        let dir = PackReaderDifferentialTests.packedCopy("delivery")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tree = try #require(PackReaderTests.objects(in: dir).first { $0.type == 2 })
        let repository = try Repository(path: dir)
        #expect(throws: GitError.self) { _ = try Blob(id: tree.id, in: repository) }
    }
}
