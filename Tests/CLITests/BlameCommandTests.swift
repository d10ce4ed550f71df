import Foundation
import TestSupport
import Testing

/// `yardstick blame` must agree line for line with `git blame --first-parent` on every text file of every
/// sample repository.
@Suite struct BlameCommandTests {
    static func gitBlame(_ repo: String, _ path: String) -> [String] {
        let out = Command.run(
            "/usr/bin/git", ["-C", repo, "blame", "--first-parent", "--porcelain", "HEAD", "--", path]
        ).stdout
        return out.split(separator: "\n").compactMap { line -> String? in
            let parts = line.split(separator: " ")
            guard parts.count >= 3, parts[0].count == 40, parts[0].allSatisfy(\.isHexDigit) else { return nil }
            return String(parts[0])
        }
    }

    @Test(arguments: ["github-merge", "squash", "gerrit", "rebase", "forges"])
    func agreesWithGitBlameFirstParent(repository: String) throws {
        let repo = SampleRepositories.path(repository)
        let files = Command.run("/usr/bin/git", ["-C", repo, "ls-files"]).stdout.split(separator: "\n").map(String.init)
        let text = files.filter { path in
            guard let data = FileManager.default.contents(atPath: repo + "/" + path), !data.isEmpty else {
                return false
            }
            return !data.prefix(8000).contains(0)
        }
        #expect(text.count > 5)
        let result = Command.run(Command.yardstick, ["blame", "--repo", repo] + text)
        #expect(result.status == 0, "\(result.stderr)")
        var ours: [String: [String]] = [:]
        for row in result.stdout.split(separator: "\n") {
            let id = String(row.prefix(40))
            let rest = row.dropFirst(41)
            guard let close = rest.range(of: ") ") ?? rest.range(of: ")") else { continue }
            let head = rest[..<close.lowerBound]
            guard let space = head.lastIndex(of: " ") else { continue }
            ours[String(head[..<space]), default: []].append(id)
        }
        for path in text {
            #expect(ours[path] == Self.gitBlame(repo, path), "\(repository): \(path)")
        }
    }

    @Test func unknownFileIsAnError() {
        let result = Command.run(
            Command.yardstick, ["blame", "--repo", SampleRepositories.path("squash"), "no/such/file"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("error: no/such/file: no such file at HEAD"))
    }
}
