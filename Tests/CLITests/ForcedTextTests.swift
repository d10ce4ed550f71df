import Foundation
import TestSupport
import Testing

/// A file with NUL bytes is binary to git unless its `diff` attribute is set: then `git diff` counts its lines as
/// text (vim/vim's `runtime/syntax/testdir/input/vim_ex_help.vim`, marked `-text diff`). The sizes Yardstick reports
/// are git's, file by file, with the tip's `.gitattributes` (ADR 0018).
@Suite struct ForcedTextTests {
    /// Three commits on `main`: four files with NUL bytes, then a change of each, then a rename of `forced.dat` to
    /// `kept.dat`, a change of `later.dat` and a `.gitattributes` that sets `diff` for those two (the tip's).
    static func repository(in dir: String) throws -> String {
        let repo = dir + "/forced"
        func git(_ args: [String], date: String) throws {
            let env = [
                "GIT_CONFIG_NOSYSTEM=1", "HOME=\(dir)", "GIT_AUTHOR_NAME=Ann", "GIT_AUTHOR_EMAIL=ann@acme.com",
                "GIT_COMMITTER_NAME=Ann", "GIT_COMMITTER_EMAIL=ann@acme.com", "GIT_AUTHOR_DATE=\(date)",
                "GIT_COMMITTER_DATE=\(date)",
            ]
            let r = Command.run("/usr/bin/env", env + ["git", "-C", repo] + args)
            if r.status != 0 { throw CocoaError(.fileWriteUnknown, userInfo: ["git": r.stderr]) }
        }
        func write(_ path: String, _ lines: [String]) throws {
            let url = URL(fileURLWithPath: repo + "/" + path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: url)
        }
        let nul = "\u{0}"
        try FileManager.default.createDirectory(atPath: repo, withIntermediateDirectories: true)
        try git(["init", "-q", "-b", "main"], date: "2024-01-02T08:00:00Z")
        try write(".gitattributes", ["*.dat -text", "forced.dat diff", "driver.dat diff=nosuchdriver"])
        for name in ["forced.dat", "driver.dat", "plain.dat", "later.dat"] {
            try write(name, ["a\(nul)1", "b", "c", "d\(nul)2", "e"])
        }
        try git(["add", "-A"], date: "2024-01-02T08:00:00Z")
        try git(["commit", "-q", "-m", "Add the data files"], date: "2024-01-02T08:00:00Z")
        for name in ["forced.dat", "driver.dat", "plain.dat", "later.dat"] {
            try write(name, ["a\(nul)1", "B", "c", "d\(nul)2", "e", "f\(nul)3"])
        }
        try git(["add", "-A"], date: "2024-01-03T08:00:00Z")
        try git(["commit", "-q", "-m", "Change the data files"], date: "2024-01-03T08:00:00Z")
        try git(["mv", "forced.dat", "kept.dat"], date: "2024-01-04T08:00:00Z")
        try write(".gitattributes", ["*.dat -text", "kept.dat diff", "later.dat diff", "driver.dat diff=nosuchdriver"])
        try write("later.dat", ["a\(nul)1", "B", "C", "d\(nul)2", "e", "f\(nul)3", "g"])
        try git(["add", "-A"], date: "2024-01-04T08:00:00Z")
        try git(["commit", "-q", "-m", "Rename one, force another"], date: "2024-01-04T08:00:00Z")
        return repo
    }

    /// `git diff --numstat` of each first-parent commit with the tip's `.gitattributes` (in info/attributes, as
    /// `Scripts/acceptance-check.py` applies them), binary files left out.
    static func gitSizes(_ repo: String) -> [String: (Int, Int)] {
        let attributes = Command.run("/usr/bin/git", ["-C", repo, "show", "HEAD:.gitattributes"]).stdout
        try? FileManager.default.createDirectory(atPath: repo + "/.git/info", withIntermediateDirectories: true)
        try? attributes.write(toFile: repo + "/.git/info/attributes", atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: repo + "/.git/info/attributes") }
        var out: [String: (Int, Int)] = [:]
        let commits = Command.run("/usr/bin/git", ["-C", repo, "rev-list", "--first-parent", "HEAD"]).stdout
        for c in commits.split(separator: "\n").map(String.init) {
            let parent = Command.run("/usr/bin/git", ["-C", repo, "rev-parse", "-q", "--verify", c + "^"]).stdout
            let base = parent.isEmpty ? "4b825dc642cb6eb9a060e54bf8d69288fbee4904" : String(parent.prefix(40))
            let numstat = Command.run(
                "/usr/bin/git", ["-C", repo, "-c", "diff.renames=true", "diff", "--numstat", "-M", base, c]
            ).stdout
            var sum = (0, 0)
            for line in numstat.split(separator: "\n") {
                let f = line.split(separator: "\t")
                guard f.count >= 3, let a = Int(f[0]), let d = Int(f[1]) else { continue }
                sum = (sum.0 + a, sum.1 + d)
            }
            out[c] = sum
        }
        return out
    }

    @Test func filesWhoseDiffAttributeIsSetAreCountedAsText() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "yardstick-forced-\(UUID().uuidString.prefix(8))"
        ).path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let repo = try Self.repository(in: dir)
        let run = Command.run(Command.yardstick, ["analyze", repo, "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        let pulls = try #require(report?["pullRequests"] as? [[String: Any]])
        var ours: [String: (Int, Int, Int)] = [:]
        for pr in pulls {
            guard let c = pr["commit"] as? String, let a = pr["additions"] as? Int, let d = pr["deletions"] as? Int,
                let b = pr["binaryFiles"] as? Int
            else { continue }
            ours[c] = (a, d, b)
        }
        let git = Self.gitSizes(repo)
        #expect(git.count == 3)
        for (c, size) in git {
            #expect(ours[c].map { [$0.0, $0.1] } == [size.0, size.1], "\(c)")
        }
        // The values themselves. The tip sets `diff` for kept.dat and later.dat: later.dat's lines count in every
        // commit; driver.dat (a driver git does not know) and plain.dat are binary, and so is forced.dat, for which
        // the tip sets nothing. Its exact rename to kept.dat is binary too: git reads each side's attribute at its
        // own path, and one binary side makes the pair binary.
        let subjects = Dictionary(
            uniqueKeysWithValues: pulls.compactMap { pr in (pr["title"] as? String).map { ($0, pr) } })
        func size(_ title: String) -> [Int] {
            guard let pr = subjects[title] else { return [] }
            return ["additions", "deletions", "binaryFiles"].map { pr[$0] as? Int ?? -1 }
        }
        #expect(size("Add the data files") == [8, 0, 3])
        #expect(size("Change the data files") == [2, 1, 3])
        #expect(size("Rename one, force another") == [4, 2, 1])
    }
}
