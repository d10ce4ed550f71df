import Foundation
import HistoryMetrics
import HistoryMining
import HistoryModel
import ReportContract
import TestSupport
import Testing
import YardstickAnalysis

/// The `branchfix` sample (Scripts/make-sample-repos.sh, build_branchfix): fix commits inside a merged branch
/// traced one by one at their own parents (issue 17, ADR 0025). Every expected blame is what
/// `git blame --first-parent F^` says of the lines the fix changes, which the last test checks against git.
@Suite struct BranchFixTests {
    static func report(workers: Int = 2) throws -> Report {
        try Analysis(path: SampleRepositories.path("branchfix"), mining: MiningOptions(workers: workers)).run()
    }

    static func short(_ blames: [Report.Blame]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: blames.map { (String($0.commit.prefix(7)), $0.lines) })
    }

    @Test func eachFixCommitOfTheBranchBlamesWhatItsOwnLinesWereWrittenBy() throws {
        let r = try Self.report()
        #expect(
            r.pullRequests.map { String($0.commit.prefix(7)) } == [
                "2a815d5", "fa17148", "08ddc0a", "b447426", "e1344fd",
            ])
        let merge = try #require(r.pullRequests.first?.delivery)
        #expect(merge.isFix)
        // Bob's line 11 where the branch forked (the main line later moved it to line 14), Wei's line 20 landed
        // by the merge of topic/stats, the initial commit's lines 30 and 31 around the add-only fix.
        #expect(Self.short(merge.blames) == ["b447426": 1, "fa17148": 1, "e1344fd": 2])
        let traced = try #require(merge.fixCommits)
        #expect(traced.map { String($0.commit.prefix(7)) } == ["36459de", "317012c", "9af241b"])
        #expect(traced.map { Self.short($0.blames) } == [["b447426": 1], ["fa17148": 1], ["e1344fd": 2]])
        #expect(
            r.pullRequests.map { $0.delivery?.escapedDefect ?? false } == [false, true, false, true, true])
        #expect(r.pullRequests.dropFirst().allSatisfy { $0.delivery?.fixCommits == nil })
        let rates = r.groups.map { "\($0.name) \($0.metrics["defectEscapeRate"]?.value ?? -1)" }
        #expect(rates == ["acme.com 66.67", "gmail.com 0.0", "vendorco.io 100.0"])
    }

    @Test func theReportIsTheSameForAnyNumberOfWorkers() throws {
        let one = try Self.report(workers: 1)
        let three = try Self.report(workers: 3)
        #expect(one.pullRequests == three.pullRequests)
        #expect(one.groups == three.groups)
    }

    /// Differential check against git: for each traced fix commit, `git blame --first-parent F^` over the lines
    /// `git diff -b --ignore-blank-lines -U0 F^ F` deletes or replaces (or the line above and below each
    /// insertion of an add-only fix), each blamed commit mapped to the change that landed it.
    @Test func theBlamesAreGitBlameFirstParentAtTheFixsParent() throws {
        let r = try Self.report()
        let repo = SampleRepositories.path("branchfix")
        var changeOf: [String: String] = [:]
        for pr in r.pullRequests {
            changeOf[pr.commit] = pr.commit
            for c in pr.commits where changeOf[c] == nil { changeOf[c] = pr.commit }
        }
        let merge = try #require(r.pullRequests.first)
        for fix in try #require(merge.delivery?.fixCommits) {
            let diff = Command.run(
                "/usr/bin/git", ["-C", repo, "diff", "-U0", "-b", "--ignore-blank-lines", "\(fix.commit)^", fix.commit])
            var ranges: [String: [(Int, Int)]] = [:]
            var inserts: [String: [Int]] = [:]
            var path = ""
            for line in diff.stdout.split(separator: "\n") {
                if line.hasPrefix("--- a/") { path = String(line.dropFirst(6)) }
                guard line.hasPrefix("@@ -") else { continue }
                let old = line.dropFirst(4).prefix { $0 != " " }.split(separator: ",")
                let start = Int(old[0]) ?? 0
                let count = old.count > 1 ? Int(old[1]) ?? 0 : 1
                if count > 0 {
                    ranges[path, default: []].append((start, count))
                } else {
                    inserts[path, default: []].append(start)
                }
            }
            if ranges.isEmpty {
                for (p, points) in inserts { ranges[p] = points.map { ($0, 2) } }
            }
            var expected: [String: Int] = [:]
            for (p, rs) in ranges {
                var args = ["-C", repo, "blame", "--first-parent", "--porcelain"]
                for (start, count) in rs { args += ["-L", "\(start),+\(count)"] }
                let blame = Command.run("/usr/bin/git", args + ["\(fix.commit)^", "--", p])
                for line in blame.stdout.split(separator: "\n") {
                    let words = line.split(separator: " ")
                    guard words.count >= 3, words[0].count == 40, let change = changeOf[String(words[0])],
                        change != merge.commit
                    else { continue }
                    expected[String(change.prefix(7)), default: 0] += 1
                }
            }
            #expect(Self.short(fix.blames) == expected, "\(fix.commit)")
        }
    }
}
