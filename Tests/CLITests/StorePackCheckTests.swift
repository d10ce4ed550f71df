import Foundation
import TestSupport
import Testing

/// `analyze --store` keeps the pack checks that passed (ADR 0019, `state` table): a rerun does not hash the
/// packs again, and a pack damaged in place since (its size and modification time kept) is still refused.
@Suite struct StorePackCheckTests {
    @Test func storedPackChecksStillCatchADamagedPack() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "yardstick-store-packs-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        ).path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let clone = dir + "/clone"
        let store = dir + "/s.sqlite"
        #expect(Command.run("/usr/bin/git", ["clone", "-q", SampleRepositories.path("delivery"), clone]).status == 0)
        #expect(Command.run("/usr/bin/git", ["-C", clone, "repack", "-adq"]).status == 0)
        let packDir = clone + "/.git/objects/pack"
        let packs = try FileManager.default.contentsOfDirectory(atPath: packDir).filter { $0.hasSuffix(".pack") }
        #expect(packs.count == 1)
        let pack = packDir + "/" + packs[0]

        let first = Command.run(Command.yardstick, ["analyze", clone, "--format", "json", "--store", store])
        #expect(first.status == 0, "\(first.stderr)")
        let kept = Command.run(
            "/usr/bin/sqlite3", [store, "SELECT context, CAST(data AS TEXT) FROM state WHERE name = 'packChecks'"]
        )
        .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        // One git directory, one pack, named by its index first.
        #expect(kept.split(separator: "\n").count == 1)
        #expect(kept.contains("/objects/pack/" + packs[0].dropLast(5) + ".idx:"))
        let again = Command.run(Command.yardstick, ["analyze", clone, "--format", "json", "--store", store])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout == first.stdout)

        // The middle byte rewritten, size and modification time set back: refused, as without the store.
        var before = stat()
        #expect(stat(pack, &before) == 0)
        let handle = try #require(FileHandle(forUpdatingAtPath: pack))
        try handle.seek(toOffset: UInt64(before.st_size / 2))
        let byte = try #require(try handle.read(upToCount: 1)?.first)
        try handle.seek(toOffset: UInt64(before.st_size / 2))
        try handle.write(contentsOf: [byte ^ 0x5A])
        try handle.close()
        var times = [before.st_atim, before.st_mtim]
        #expect(utimensat(AT_FDCWD, pack, &times, 0) == 0)
        let damaged = Command.run(Command.yardstick, ["analyze", clone, "--format", "json", "--store", store])
        let plain = Command.run(Command.yardstick, ["analyze", clone, "--format", "json"])
        #expect(damaged.status == 1)
        #expect(damaged.stdout.isEmpty)
        #expect(damaged.stderr.contains("is damaged: its content hashes to "), "\(damaged.stderr)")
        #expect(damaged.stderr == plain.stderr)
    }
}
