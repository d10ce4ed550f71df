import Foundation
import TestSupport
import Testing

/// `analyze --store` keeps records with the identities git recorded and applies the tip's `.mailmap` when a run
/// reads them (ADR 0019): a `.mailmap` edit re-mines nothing, and the report equals a run without the store.
@Suite struct StoreMailmapTests {
    private func sqlite(_ database: String, _ sql: String) -> String {
        Command.run("/usr/bin/sqlite3", [database, sql]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func git(_ arguments: [String], in dir: String) -> Command.Result {
        Command.run(
            "/usr/bin/env",
            [
                "GIT_AUTHOR_NAME=Mailmap Editor", "GIT_AUTHOR_EMAIL=editor@acme.com",
                "GIT_COMMITTER_NAME=Mailmap Editor", "GIT_COMMITTER_EMAIL=editor@acme.com",
                "GIT_AUTHOR_DATE=2030-01-01T00:00:00Z", "GIT_COMMITTER_DATE=2030-01-01T00:00:00Z",
                "/usr/bin/git", "-C", dir,
            ] + arguments)
    }

    @Test func aMailmapEditReminesNothing() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "yardstick-store-mailmap-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        ).path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let clone = dir + "/clone"
        let store = dir + "/s.sqlite"
        #expect(Command.run("/usr/bin/git", ["clone", "-q", SampleRepositories.path("delivery"), clone]).status == 0)
        let first = Command.run(Command.yardstick, ["analyze", clone, "--format", "json", "--store", store])
        #expect(first.status == 0, "\(first.stderr)")

        // Every address of the history mapped to one person at another domain: every old record changes.
        let emails = Set(git(["log", "--all", "--format=%ae%n%ce"], in: clone).stdout.split(separator: "\n"))
        #expect(emails.count > 2)
        let mailmap = emails.sorted().map { "Moved Person <moved@moved.example> <\($0)>\n" }.joined()
        try Data(mailmap.utf8).write(to: URL(fileURLWithPath: clone + "/.mailmap"))
        #expect(git(["commit", "-q", "-am", "Map every address to one person"], in: clone).status == 0)

        let incremental = Command.run(Command.yardstick, ["analyze", clone, "--format", "json", "--store", store])
        let plain = Command.run(Command.yardstick, ["analyze", clone, "--format", "json"])
        #expect(incremental.status == 0, "\(incremental.stderr)")
        #expect(incremental.stdout == plain.stdout)
        // The mapping reached the old records: the report names the new domain.
        #expect(plain.stdout.contains("moved.example"))
        #expect(!first.stdout.contains("moved.example"))
        let runs = sqlite(store, "SELECT recordsMined, recordsReused FROM run ORDER BY id").split(separator: "\n").map {
            $0.split(separator: "|").compactMap { Int($0) }
        }
        #expect(runs.count == 2)
        // Only the new commit was mined; every record of the first run was reused.
        #expect(runs.count == 2 && runs[1] == [1, runs[0][0]])

        // Records kept raw: a store written with the `.mailmap` edit, read back at the old tip, gives the old report.
        let old = Command.run(
            Command.yardstick, ["analyze", clone, "--branch", "HEAD~1", "--format", "json", "--store", store])
        let oldPlain = Command.run(Command.yardstick, ["analyze", clone, "--branch", "HEAD~1", "--format", "json"])
        #expect(old.status == 0, "\(old.stderr)")
        #expect(old.stdout == oldPlain.stdout)
        #expect(!old.stdout.contains("moved.example"))
        #expect(runs.count == 2 && sqlite(store, "SELECT recordsMined FROM run ORDER BY id DESC LIMIT 1") == "0")
    }
}
