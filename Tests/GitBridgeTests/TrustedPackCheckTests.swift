import Foundation
import TestSupport
import Testing

@testable import GitBridge

/// Pack checks kept from an earlier process (`ObjectVerification.trustPackChecks`, ADR 0019): a pack whose key
/// is trusted is not hashed; a pack rewritten in place, even with its size and modification time kept, has
/// another key and is checked again.
@Suite struct TrustedPackCheckTests {
    /// A copy of the intact `packed` repository in a folder of its own (the checks are kept per path).
    private func copy(_ label: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "yardstick-trusted-\(label)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        ).path
        #expect(Command.run("/bin/cp", ["-a", DamagedRepositories.path("packed"), dir]).status == 0)
        return dir
    }

    /// Rewrites the byte in the middle of `path` in place, then sets its modification time back.
    private func damage(_ path: String) throws {
        var before = stat()
        #expect(stat(path, &before) == 0)
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        let middle = UInt64(before.st_size / 2)
        try handle.seek(toOffset: middle)
        let byte = try #require(try handle.read(upToCount: 1)?.first)
        try handle.seek(toOffset: middle)
        try handle.write(contentsOf: [byte ^ 0x5A])
        try handle.close()
        var times = [before.st_atim, before.st_mtim]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        var after = stat()
        #expect(stat(path, &after) == 0)
        #expect(after.st_size == before.st_size && after.st_mtim.tv_sec == before.st_mtim.tv_sec)
        #expect(after.st_mtim.tv_nsec == before.st_mtim.tv_nsec)
    }

    /// The pack and index paths a key names (its first field).
    private func files(of key: String) throws -> (idx: String, pack: String) {
        let idx = String(try #require(key.split(separator: ":").first))
        #expect(idx.hasSuffix(".idx"))
        return (idx, String(idx.dropLast(4)) + ".pack")
    }

    @Test func aPassedCheckIsKeptWithItsTrailers() throws {
        let path = try copy("passed")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let keys = try Repository(path: path).passedPackChecks
        #expect(keys.count == 1)
        let (idx, pack) = try files(of: keys[0])
        #expect(keys[0] == ObjectVerification.packKey(idx: idx, pack: pack))
        // Index: the pack checksum and its own (40 bytes); pack: its checksum (20 bytes), as hexadecimal.
        let trailers = keys[0].split(separator: "|").suffix(2).map(\.count)
        #expect(trailers == [80, 40])
        // A trusted check is reported as passed again, for the next process.
        ObjectVerification.trustPackChecks(keys)
        #expect(try Repository(path: path).passedPackChecks == keys)
    }

    @Test func aPackRewrittenInPlaceIsCheckedAgain() throws {
        let path = try copy("rewritten")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let trusted = try Repository(path: path).passedPackChecks
        let (idx, pack) = try files(of: trusted[0])
        try damage(pack)
        // Same size and modification time, but the status-change time moved: another key, checked, refused.
        #expect(ObjectVerification.packKey(idx: idx, pack: pack) != trusted[0])
        ObjectVerification.trustPackChecks(trusted)
        var failure: GitError?
        do throws(GitError) { _ = try Repository(path: path) } catch { failure = error }
        #expect(failure?.message.hasPrefix("\(pack) is damaged: its content hashes to ") == true)
    }

    @Test func aDamagedIndexIsCheckedAgain() throws {
        let path = try copy("index")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let trusted = try Repository(path: path).passedPackChecks
        let (idx, _) = try files(of: trusted[0])
        try damage(idx)
        ObjectVerification.trustPackChecks(trusted)
        var failure: GitError?
        do throws(GitError) { _ = try Repository(path: path) } catch { failure = error }
        #expect(failure?.message.hasPrefix("\(idx) is damaged") == true)
    }

    /// What trusting does: the pack of a trusted key is not hashed (here a damaged one, trusted by its exact
    /// key, opens), which is why the key holds everything that changes when a file is written.
    @Test func aTrustedKeyIsNotHashed() throws {
        let path = try copy("trusted")
        defer { try? FileManager.default.removeItem(atPath: path) }
        // The paths, as the checks name them, from a second copy opened first.
        let probe = try copy("probe")
        defer { try? FileManager.default.removeItem(atPath: probe) }
        let probeKey = try Repository(path: probe).passedPackChecks[0]
        let (probeIdx, probePack) = try files(of: probeKey)
        #expect(probeIdx.hasPrefix(probe))
        let idx = path + String(probeIdx.dropFirst(probe.count))
        let pack = path + String(probePack.dropFirst(probe.count))
        #expect(FileManager.default.fileExists(atPath: pack))
        try damage(pack)
        ObjectVerification.trustPackChecks([ObjectVerification.packKey(idx: idx, pack: pack)])
        #expect(throws: Never.self) { _ = try Repository(path: path) }
    }
}
