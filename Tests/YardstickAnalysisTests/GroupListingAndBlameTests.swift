import HistoryMining
import HistoryModel
import TestSupport
import Testing
import YardstickAnalysis
import YardstickConfig

/// `yardstick groups` and `yardstick blame` as library calls (the CLI only prints them).
@Suite struct GroupListingAndBlameTests {
    @Test func groupListingOfTheSquashSample() throws {
        let analysis = Analysis(path: SampleRepositories.path("squash"), mining: MiningOptions(workers: 2))
        let history = try analysis.landedHistory()
        let listing = GroupListing(
            history: history, report: try analysis.report(for: history), groups: YardstickConfiguration().groups)
        let rows = listing.rows.map { "\($0.group) \($0.email) \($0.rule) \($0.commits) \($0.landedChanges)" }
        #expect(
            rows == [
                "acme.com alice@acme.com e-mail domain 2 2",
                "acme.com bob@acme.com e-mail domain 2 2",
                "bots 49699333+dependabot[bot]@users.noreply.github.com bot pattern 1 1",
                "gmail.com carla.diaz@gmail.com e-mail domain 4 1",
                "vendorco.io vikram@vendorco.io e-mail domain 3 1",
                "vendorco.io wei@vendorco.io e-mail domain 1 2",
            ])
    }

    @Test func blameNamesTheMissingFileAndTheTip() throws {
        let blame = LineBlame(path: SampleRepositories.path("delivery"), options: MiningOptions(workers: 2))
        #expect(throws: LineBlame.Failure.self) { try blame.blame(["nosuch.txt"], revision: "HEAD") }
        do {
            _ = try blame.blame(["nosuch.txt"], revision: "HEAD")
        } catch let failure as LineBlame.Failure {
            #expect(failure.description == "nosuch.txt: no such file at HEAD (b2436d1)")
        }
    }

    @Test func blameGivesEveryLineItsFirstParentCommit() throws {
        let repo = SampleRepositories.path("delivery")
        let files = try LineBlame(path: repo, options: MiningOptions(workers: 2)).blame(["README.md"], revision: "HEAD")
        let git = Command.run(
            "/usr/bin/git", ["-C", repo, "blame", "--first-parent", "--porcelain", "HEAD", "--", "README.md"])
        let expected = git.stdout.split(separator: "\n").compactMap { line -> String? in
            let parts = line.split(separator: " ")
            guard parts.count >= 3, parts[0].count == 40, parts[0].allSatisfy(\.isHexDigit) else { return nil }
            return String(parts[0])
        }
        #expect(files.count == 1)
        #expect(files.first?.lines.map { $0.commit?.hex ?? "" } == expected)
        #expect(!expected.isEmpty)
    }
}
