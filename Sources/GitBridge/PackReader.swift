internal import CGitPack
internal import CLibGit2
package import HistoryModel

/// Yardstick's own pack reader (ADR 0009), used alone, without libgit2 in front: for tests and diagnostics.
/// Every `Repository` already reads through it; this class only makes its answers observable.
package final class PackReader {
    private let backend: UnsafeMutableRawPointer

    /// The reader over the packs in `gitDirectory/objects/pack`, with a delta-base cache of `cacheBytes`;
    /// nil when there is no pack it can read.
    package init?(gitDirectory: String, cacheBytes: Int) {
        let objects = gitDirectory.hasSuffix("/") ? gitDirectory + "objects" : gitDirectory + "/objects"
        guard let b = yardstick_pack_backend_new(objects, cacheBytes) else { return nil }
        backend = b
    }

    deinit { yardstick_pack_backend_free(backend) }

    /// Hands the pages of every mapped pack back to the page cache (`yardstick_pack_release_pages`): for a
    /// phase that reads objects from all over the history, whose small reads would otherwise keep whole
    /// fault-around windows resident. Later reads fault them in again, unchanged.
    package static func releaseMappedPages() { yardstick_pack_release_pages() }

    /// An object's type (1 commit, 2 tree, 3 blob, 4 tag) and bytes, or nil when the reader does not have it
    /// or finds it malformed.
    package func read(_ id: ObjectID) -> (type: Int, bytes: [UInt8])? {
        var oid = id.gitOID
        var data: UnsafeMutableRawPointer?
        var length = 0
        var type: Int32 = 0
        let rc = withUnsafeBytes(of: &oid.id) { raw in
            yardstick_pack_read(backend, raw.baseAddress!.assumingMemoryBound(to: UInt8.self), &data, &length, &type)
        }
        guard rc == 0, let data else { return nil }
        defer { free(data) }
        return (Int(type), Array(UnsafeRawBufferPointer(start: data, count: length)))
    }

    /// Objects returned, objects passed on, pack entries inflated, chains cut short by the cache; of the
    /// shared cache: entries freed by their last user after an eviction, entries handed back to the
    /// thread that allocated them.
    package var statistics: PackReaderStatistics { PackReaderStatistics(backend) }

    /// The shared cache's scripted self-test (`yardstick_pack_cache_selftest`): 0 when every check holds.
    package static func cacheSelfTest() -> Int { Int(yardstick_pack_cache_selftest()) }

    /// The SHA-1 self-test (`yardstick_sha1_selftest`): 0 when every check holds.
    package static func sha1SelfTest() -> Int { Int(yardstick_sha1_selftest()) }

    /// The id git gives an object of this type and content (`git hash-object`), through `git_odb_hash`.
    package static func objectID(type: Int, bytes: [UInt8]) -> ObjectID? {
        var oid = git_oid()
        let padded = bytes.isEmpty ? [0] : bytes  // libgit2 wants a buffer even for no bytes
        let rc = padded.withUnsafeBytes { raw in
            git_odb_hash(&oid, raw.baseAddress, bytes.count, git_object_t(rawValue: Int32(type)))
        }
        return rc == 0 ? withUnsafePointer(to: &oid) { ObjectID($0) } : nil
    }
}

/// Counters of one pack reader (see `yardstick_pack_stats`).
package struct PackReaderStatistics: Sendable {
    package var reads, passed, inflated, cacheHits, freedAfterPin, deferredFrees: Int

    init(_ backend: UnsafeRawPointer) {
        var s = yardstick_pack_stats()
        yardstick_pack_backend_stats(backend, &s)
        (reads, passed, inflated, cacheHits) = (Int(s.reads), Int(s.passed), Int(s.inflated), Int(s.cache_hits))
        (freedAfterPin, deferredFrees) = (Int(s.freed_after_pin), Int(s.deferred_frees))
    }
}

/// libgit2's own reader over one pack (`git_odb_backend_one_pack`), with nothing else in its object database and
/// none of Yardstick's checks: the other side of the differential tests of `PackReader` (ADR 0011).
package final class LibGit2PackReader {
    private let database: OpaquePointer

    /// The reader over the pack that the index at `indexPath` describes; nil when libgit2 cannot open it.
    package init?(indexPath: String) {
        _ = LibGit2.initialized
        var odb: OpaquePointer?
        guard git_odb_new(&odb) == 0, let odb else { return nil }
        var backend: UnsafeMutablePointer<git_odb_backend>?
        guard git_odb_backend_one_pack(&backend, indexPath) == 0, let backend else {
            git_odb_free(odb)
            return nil
        }
        guard git_odb_add_backend(odb, backend, 1) == 0 else {
            backend.pointee.free?(backend)
            git_odb_free(odb)
            return nil
        }
        database = odb
    }

    deinit { git_odb_free(database) }

    /// An object's type and bytes, as `PackReader.read`; nil when libgit2 refuses it.
    package func read(_ id: ObjectID) -> (type: Int, bytes: [UInt8])? {
        var oid = id.gitOID
        var object: OpaquePointer?
        guard git_odb_read(&object, database, &oid) == 0, let object else { return nil }
        defer { git_odb_object_free(object) }
        let bytes = Array(
            UnsafeRawBufferPointer(start: git_odb_object_data(object), count: git_odb_object_size(object)))
        return (Int(git_odb_object_type(object).rawValue), bytes)
    }
}
