import Foundation
import HistoryModel
import TestSupport
import Testing

@testable import GitBridge

/// Trees read straight from Yardstick's pack reader and parsed by GitBridge (`TreeEntries`, ADR 0008, tenth
/// round): the entries libgit2 1.5 parses from the same objects, in the same order, with the same normalised
/// modes; bytes libgit2 refuses are refused too (and then read by libgit2, with its errors).
@Suite struct TreeEntriesTests {
    static func listing(_ tree: TreeEntries) -> [String] {
        tree.entries.map { "\(String($0.mode, radix: 8)) \(tree.name($0)) \($0.id.hex)" }
    }

    @Test func everyPackedTreeReadsAsLibgit2ParsesIt() throws {
        let dir = PackReaderDifferentialTests.packedCopy("delivery")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let trees = PackReaderTests.objects(in: dir).filter { $0.type == 2 }.map(\.id)
        #expect(trees.count > 10)
        let repository = try Repository(path: dir)
        #expect(repository.directPackReader != nil)
        let before = try #require(repository.packReaderStatistics)
        var entries = 0
        for id in trees {
            let direct = try TreeEntries.read(id, in: repository)
            let libgit2 = try TreeEntries.readWithLibgit2(id, in: repository)
            #expect(Self.listing(direct) == Self.listing(libgit2), "\(id.hex)")
            // Stored in git's order: each entry sorts before the next, and equal to itself.
            for (a, b) in zip(direct.entries, direct.entries.dropFirst()) {
                #expect(TreeEntries.compare(a, in: direct, b, in: direct) == -1, "\(id.hex)")
                #expect(TreeEntries.compare(b, in: direct, a, in: direct) == 1, "\(id.hex)")
            }
            for (d, l) in zip(direct.entries, libgit2.entries) {
                #expect(TreeEntries.compare(d, in: direct, l, in: libgit2) == 0)
            }
            entries += direct.entries.count
        }
        #expect(entries > 50)
        // The direct reads went through the pack reader (libgit2's reads of the same trees did too).
        let after = try #require(repository.packReaderStatistics)
        #expect(after.reads - before.reads >= trees.count)
        #expect(after.passed == before.passed)
    }

    /// Hand-made tree objects, written loose with `git hash-object --literally` and read by libgit2: where it
    /// parses them, the entries are the same; where it refuses them, so does the parser.
    @Test func handMadeTreesAreParsedOrRefusedAsLibgit2Does() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("yardstick-trees-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(Command.run("/usr/bin/git", ["init", "-q", "--bare", dir]).status == 0)
        let id = [UInt8](repeating: 0xAB, count: 20)
        func entry(_ mode: String, _ name: String) -> [UInt8] { Array("\(mode) \(name)".utf8) + [0] + id }
        let cases: [(label: String, bytes: [UInt8], parses: Bool)] = [
            (
                "modes",
                entry("100644", "a") + entry("100755", "b") + entry("40000", "c") + entry("120000", "d")
                    + entry("160000", "e") + entry("100664", "f") + entry("40755", "g") + entry("0", "h")
                    + entry("644", "i") + entry("-0", "j") + entry("+100644", "k") + entry("0100644", "l"), true
            ),
            ("empty tree", [], true),
            ("a name that is not UTF-8", Array("100644 caf".utf8) + [0xE9, 0] + id, true),
            ("no mode", entry("", "a"), false),
            ("a space before the mode", entry(" 100644", "a"), false),
            ("a digit that is not octal", entry("100648", "a"), false),
            ("a sign alone", entry("-", "a"), false),
            ("a negative mode", entry("-1", "a"), false),
            ("a mode over 16 bits", entry("200000", "a"), false),
            ("a mode that overflows", entry(String(repeating: "7", count: 30), "a"), false),
            ("no space after the mode", Array("100644a".utf8) + [0] + id, false),
            ("an empty name", entry("100644", ""), false),
            ("no NUL after the name", Array("100644 a".utf8), false),
            ("an id cut short", Array(entry("100644", "a").dropLast(1)), false),
            ("a second entry cut short", entry("100644", "a") + Array("100644".utf8), false),
        ]
        let repository = try Repository(path: dir)
        for (label, bytes, parses) in cases {
            let file = dir + "/input"
            try Data(bytes).write(to: URL(fileURLWithPath: file))
            let hashed = Command.run(
                "/usr/bin/git", ["-C", dir, "hash-object", "-t", "tree", "--literally", "-w", file])
            #expect(hashed.status == 0, "\(label): \(hashed.stderr)")
            let treeID = try #require(ObjectID(hex: hashed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
            let parsed = bytes.withUnsafeBytes { TreeEntries.parse($0) }.map {
                Self.listing(TreeEntries(id: treeID, entries: $0, copying: bytes))
            }
            let libgit2 = Result { () throws(GitError) in try TreeEntries.readWithLibgit2(treeID, in: repository) }
            #expect((parsed != nil) == parses, "\(label)")
            switch libgit2 {
            case .success(let tree):
                #expect(parses, "\(label): libgit2 parses it")
                #expect(parsed == Self.listing(tree), "\(label)")
            case .failure(let error):
                #expect(!parses, "\(label): libgit2 refuses it: \(error)")
                // The reader hands such a tree to libgit2, whose error names it.
                #expect(throws: GitError.self, "\(label)") { _ = try TreeEntries.read(treeID, in: repository) }
            }
        }
        let modes = try #require(cases[0].bytes.withUnsafeBytes { TreeEntries.parse($0) })
        #expect(
            modes.map { String($0.mode, radix: 8) } == [
                "100644", "100755", "40000", "120000", "160000", "100644", "40000", "100644", "100644", "100644",
                "100644", "100644",
            ])
    }

    /// `git_tree_entry_cmp`: names bytewise, a tree's as if it ended in a slash.
    @Test func entriesCompareAsGitOrdersThem() throws {
        let id = [UInt8](repeating: 1, count: 20)
        func tree(_ entries: [(String, String)]) throws -> TreeEntries {
            let bytes: [UInt8] = entries.flatMap { entry -> [UInt8] in Array("\(entry.0) \(entry.1)".utf8) + [0] + id }
            let parsed = try #require(bytes.withUnsafeBytes { TreeEntries.parse($0) })
            return TreeEntries(id: ObjectID(bytes: id), entries: parsed, copying: bytes)
        }
        let t = try tree([
            ("100644", "a"), ("40000", "a"), ("100644", "a.c"), ("100644", "a-"), ("100644", "a0"), ("160000", "a"),
        ])
        let (blobA, treeA, aDotC, aDash, aZero, linkA) = (
            t.entries[0], t.entries[1], t.entries[2], t.entries[3], t.entries[4], t.entries[5]
        )
        #expect(TreeEntries.compare(blobA, in: t, aDotC, in: t) == -1)  // "a" NUL < "a."
        #expect(TreeEntries.compare(aDotC, in: t, treeA, in: t) == -1)  // "a." < "a/"
        #expect(TreeEntries.compare(aDash, in: t, treeA, in: t) == -1)  // "a-" < "a/"
        #expect(TreeEntries.compare(treeA, in: t, aZero, in: t) == -1)  // "a/" < "a0"
        #expect(TreeEntries.compare(blobA, in: t, treeA, in: t) == -1)  // "a" NUL < "a/"
        #expect(TreeEntries.compare(linkA, in: t, blobA, in: t) == 0)  // a submodule is no tree
        #expect(TreeEntries.compare(treeA, in: t, linkA, in: t) == 1)
    }
}
