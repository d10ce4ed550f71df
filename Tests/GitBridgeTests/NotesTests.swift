import Foundation
import GitBridge
import HistoryModel
import TestSupport
import Testing

@Suite struct NotesTests {
    @Test func notesUnderARefAreReadSortedByCommit() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "yardstick-gitnotes-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(
            Command.run(
                "/usr/bin/git", ["clone", "-q", "--bare", "--no-local", SampleRepositories.path("squash"), dir]
            ).status == 0)
        let revert = "522e3e90029459fbe1ce366b36aeca56e6000425"
        let initial = "b7c688629b1eebf0c16f9e4d8158fbea4848ca26"
        for (commit, text) in [(revert, "Result: failed"), (initial, "Result: success\nPipeline: nightly")] {
            let r = Command.run(
                "/usr/bin/git",
                [
                    "-C", dir, "-c", "user.name=CI", "-c", "user.email=ci@example.com", "notes", "--ref", "ci", "add",
                    "-m", text, commit,
                ])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let repo = try Repository(path: dir)
        let notes = try #require(try repo.notes(ref: "refs/notes/ci"))
        #expect(notes.map(\.commit.hex) == [revert, initial])  // 522e… sorts before b7c6…
        #expect(notes.map(\.text) == ["Result: failed\n", "Result: success\nPipeline: nightly\n"])
        #expect(try repo.notes(ref: "refs/notes/review") == nil)
    }
}
