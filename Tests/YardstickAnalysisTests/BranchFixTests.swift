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
                "95c6268", "fa17148", "08ddc0a", "b447426", "e1344fd",
            ])
        let merge = try #require(r.pullRequests.first?.delivery)
        #expect(merge.isFix)
        // Bob's line 11 where the branch forked (the main line later moved it to line 14); Wei's line 20 landed
        // by the merge of topic/stats, and the initial commit's line 7, the newer neighbour of the branch's own
        // line 6; the initial commit's lines 30 and 31 around the add-only fix. `Cache: fix expiry check`
        // replaces only line 22, which its own branch wrote: it corrects its branch's own work, which no user of
        // the main line met, so it is not traced and claims nothing (analysis revision 11).
        #expect(Self.short(merge.blames) == ["b447426": 1, "fa17148": 1, "e1344fd": 3])
        let traced = try #require(merge.fixCommits)
        #expect(traced.map { String($0.commit.prefix(7)) } == ["36459de", "317012c", "9af241b"])
        #expect(
            traced.map { Self.short($0.blames) } == [
                ["b447426": 1], ["fa17148": 1, "e1344fd": 1], ["e1344fd": 2],
            ])
        #expect(
            r.pullRequests.map { $0.delivery?.escapedDefect ?? false } == [false, true, false, true, true])
        #expect(r.pullRequests.dropFirst().allSatisfy { $0.delivery?.fixCommits == nil })
        let rates = r.groups.map { "\($0.name) \($0.metrics["defectEscapeRate"]?.value ?? -1)" }
        #expect(rates == ["acme.com 66.67", "gmail.com 0.0", "vendorco.io 100.0"])
    }

    /// The `ownwork` sample (analysis revision 11, ADR 0025's third addendum): `Net: fix retry loop` replaces only
    /// a line its own branch wrote, so it claims nothing; `Backoff: fix overflow` changes a file its branch added,
    /// missing where the branch forked, and keeps its claim (it blames nothing); `Net: fix retry jitter` replaces a
    /// line its branch wrote but names the commit it fixes, and keeps its claim, blaming the lines around it (the
    /// initial commit's lines 9 and 11). The merge of topic/limits holds only a fix of its own line: no fix.
    @Test func aBranchCommitThatCorrectsItsOwnBranchsWorkClaimsNothing() throws {
        let r = try Analysis(path: SampleRepositories.path("ownwork"), mining: MiningOptions(workers: 2)).run()
        #expect(r.pullRequests.map { String($0.commit.prefix(7)) } == ["eb9f8ec", "d22ace9", "ef958df"])
        #expect(r.pullRequests.map { $0.delivery?.isFix ?? false } == [false, true, false])
        #expect(r.pullRequests[0].delivery?.fixCommits == nil)
        #expect(r.pullRequests[0].delivery?.blames.isEmpty == true)
        let retry = try #require(r.pullRequests[1].delivery)
        let traced = try #require(retry.fixCommits)
        #expect(traced.map { String($0.commit.prefix(7)) } == ["c00989d", "99f03b7"])
        #expect(traced.map { Self.short($0.blames) } == [[:], ["ef958df": 2]])
        #expect(Self.short(retry.blames) == ["ef958df": 2])
        #expect(r.pullRequests.map { $0.delivery?.escapedDefect ?? false } == [false, false, true])
    }

    @Test func theReportIsTheSameForAnyNumberOfWorkers() throws {
        let one = try Self.report(workers: 1)
        let three = try Self.report(workers: 3)
        #expect(one.pullRequests == three.pullRequests)
        #expect(one.groups == three.groups)
    }

    /// Differential check against git: for each traced fix commit, `git blame --first-parent F^` over the lines
    /// `git diff -b --ignore-blank-lines -U0 F^ F` deletes or replaces (or the line above and below each
    /// insertion of an add-only fix), each blamed commit mapped to the change that landed it; when those lines
    /// blame nothing, the line above and below each hunk; and per replaced range the newest change among the
    /// line above and below it that is newer than every change of the range (the report lists changes newest
    /// first; every change of the sample is inside the defect window), with its lines there. On `fixmerge`, the
    /// branch of a merge whose own title is a fix (ADR 0025, second addendum).
    @Test(arguments: ["branchfix", "fixmerge"])
    func theBlamesAreGitBlameFirstParentAtTheFixsParent(_ sample: String) throws {
        let r = try Analysis(path: SampleRepositories.path(sample), mining: MiningOptions(workers: 2)).run()
        let repo = SampleRepositories.path(sample)
        var changeOf: [String: String] = [:]
        for pr in r.pullRequests {
            changeOf[pr.commit] = pr.commit
            for c in pr.commits where changeOf[c] == nil { changeOf[c] = pr.commit }
        }
        let age = Dictionary(uniqueKeysWithValues: r.pullRequests.enumerated().map { ($1.commit, $0) })
        let merge = try #require(r.pullRequests.first)
        let fixes = try #require(merge.delivery?.fixCommits)
        #expect(fixes.count >= 2)
        for fix in fixes {
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
            // The change (other than the merge's own) that wrote each line of `p` at F^.
            func owners(_ p: String, _ lines: [Int]) -> [String] {
                var args = ["-C", repo, "blame", "--first-parent", "--porcelain"]
                for n in lines where n >= 1 { args += ["-L", "\(n),+1"] }
                guard args.count > 5 else { return [] }
                let blame = Command.run("/usr/bin/git", args + ["\(fix.commit)^", "--", p])
                return blame.stdout.split(separator: "\n").compactMap { line in
                    let words = line.split(separator: " ")
                    guard words.count >= 3, words[0].count == 40, let change = changeOf[String(words[0])],
                        change != merge.commit
                    else { return nil }
                    return change
                }
            }
            func count(_ changes: [String], into expected: inout [String: Int]) {
                for c in changes { expected[String(c.prefix(7)), default: 0] += 1 }
            }
            var expected: [String: Int] = [:]
            if ranges.isEmpty {
                for (p, points) in inserts { count(owners(p, points.flatMap { [$0, $0 + 1] }), into: &expected) }
                #expect(Self.short(fix.blames) == expected, "\(fix.commit)")
                continue
            }
            for (p, rs) in ranges { count(owners(p, rs.flatMap { Array($0.0..<($0.0 + $0.1)) }), into: &expected) }
            let inContext = expected.isEmpty
            if inContext {
                for (p, rs) in ranges { count(owners(p, rs.flatMap { [$0.0 - 1, $0.0 + $0.1] }), into: &expected) }
                for (p, points) in inserts { count(owners(p, points.flatMap { [$0, $0 + 1] }), into: &expected) }
            }
            var near: [String: Int] = [:]
            for (p, rs) in ranges {
                for (start, lines) in rs {
                    let newestOwn = owners(p, Array(start..<(start + lines))).compactMap { age[$0] }.min() ?? Int.max
                    let around = owners(p, [start - 1, start + lines])
                    guard let newest = around.filter({ age[$0]! < newestOwn }).min(by: { age[$0]! < age[$1]! }) else {
                        continue
                    }
                    near[String(newest.prefix(7)), default: 0] += around.filter { $0 == newest }.count
                }
            }
            expected.merge(near, uniquingKeysWith: inContext ? max : (+))
            #expect(Self.short(fix.blames) == expected, "\(fix.commit)")
        }
    }
}
