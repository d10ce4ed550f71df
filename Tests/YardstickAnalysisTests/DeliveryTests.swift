import HistoryMetrics
import HistoryMining
import HistoryModel
import ReportContract
import TestSupport
import Testing
import YardstickAnalysis
import YardstickConfig

/// Exact review, rework, defect and delivery values on the `delivery` and `squash` samples; every expected
/// number is in sample-repos/README.md, computed there with git (blame --first-parent, log, diff -w).
@Suite struct DeliveryTests {
    static func report(
        _ repo: String = "delivery", configure: (inout YardstickConfiguration) -> Void = { _ in },
        window: TimeWindow? = nil
    ) throws -> Report {
        var configuration = YardstickConfiguration()
        configure(&configuration)
        return try Analysis(
            path: SampleRepositories.path(repo), mining: MiningOptions(workers: 2), configuration: configuration,
            window: window
        ).run()
    }

    static func change(_ r: Report, _ short: String) throws -> (Report.PullRequest, Report.ChangeDelivery) {
        let pr = try #require(r.pullRequests.first { $0.commit.hasPrefix(short) }, "\(short)")
        return (pr, try #require(pr.delivery))
    }

    @Test func reviewTurnaroundAndCycleTime() throws {
        let r = try Self.report()
        // (commit, turnaround h, cycle h, note): merges tip→M and first→M; gerrit and cherry-pick c−a.
        let expected: [(String, Double?, Double?, String?)] = [
            ("cd78a89", 7.5, 34.5, nil), ("fe0f93d", 19, 25, nil), ("567899c", 67, 71, nil), ("1a428fb", 5.5, 5.5, nil),
            ("edfd380", 9.5, 9.5, nil), ("7977f2d", 17, 17, nil), ("6d307c9", 29.5, 29.5, nil),
            ("02691d1", 27.5, nil, nil),  // cycle 9484.5 h: absurd, left out
            ("6a85b1e", nil, 23, "negative span"),  // tip committed 2 h after the merge
            ("5e88cf2", nil, nil, "landed without review"),
        ]
        for (short, turnaround, cycle, note) in expected {
            let (_, d) = try Self.change(r, short)
            #expect(d.reviewTurnaroundHours == turnaround, "\(short)")
            #expect(d.cycleTimeHours == cycle, "\(short)")
            #expect(d.turnaroundNote == note, "\(short)")
        }
        let vendor = try #require(r.groups.first { $0.name == "vendorco.io" })
        let turnaround = try #require(vendor.metrics["reviewTurnaroundHours"])
        // 5.5 5.5 7.5 9.5 10.5 23.5 | 25.5 27.5 28.5 28.5 29.5 67 → median 24.5.
        #expect(turnaround.value == 24.5)
        #expect(turnaround.source == .proxy)
        #expect(turnaround.benchmark?.bands == ["Poorly Managed Offshore"])
        let carla = try #require(r.groups.first { $0.name == "gmail.com" }?.metrics)
        #expect(carla["reviewTurnaroundHours"]?.details["negativeSpans"] == 1)
        let vendorCycle = try #require(vendor.metrics["cycleTimeHours"])
        #expect(vendorCycle.details["absurdSpans"] == 1)
    }

    @Test func squashTurnaroundNeedsThePullRequestHeadRef() throws {
        let r = try Self.report("squash")
        let (_, twelve) = try Self.change(r, "737132e")
        #expect(twelve.reviewTurnaroundHours == 3)
        #expect(twelve.cycleTimeHours == 28.5)
        #expect(twelve.branchCommits == 2)
        let (_, fourteen) = try Self.change(r, "edde372")
        #expect(fourteen.reviewTurnaroundHours == 2.5)
        #expect(fourteen.cycleTimeHours == 14)
        #expect(fourteen.branchCommits == 3)
        let (_, thirteen) = try Self.change(r, "f8d8b6f")
        #expect(thirteen.reviewTurnaroundHours == nil)
        #expect(thirteen.turnaroundNote == "not measurable from git")
    }

    @Test func reviewDepth() throws {
        let r = try Self.report()
        let expected: [(String, Int, Bool, Int?, Int?)] = [
            // commit, reviewers, unreviewed, branch commits, fix-ups
            ("cd78a89", 2, false, 4, 2),  // fixup! + "address review comments"
            ("fe0f93d", 2, false, 3, 1),  // Alice once as alias, once canonical
            ("567899c", 1, false, 2, 0),  // Wei's own Reviewed-by does not count
            ("26580b9", 0, true, 2, 0),  // self-merged, no trailer
            ("5747194", 0, false, 2, 0),  // merged by someone else
            ("6d307c9", 2, false, nil, nil),  // gerrit with Reviewed-by and Tested-by
            ("7977f2d", 0, false, nil, nil),  // cherry-pick: reviewed on the release branch
            ("4942b21", 2, false, 3, 1),
            ("83f9534", 0, true, nil, nil),  // direct push
        ]
        for (short, reviewers, unreviewed, branch, fixups) in expected {
            let (_, d) = try Self.change(r, short)
            #expect(d.reviewers.count == reviewers, "\(short)")
            #expect(d.unreviewed == unreviewed, "\(short)")
            #expect(d.branchCommits == branch, "\(short)")
            #expect(d.fixupCommits == fixups, "\(short)")
        }
        let acme = try #require(r.groups.first { $0.name == "acme.com" }?.metrics)
        #expect(acme["unreviewedShare"]?.value == 50)  // 7 direct pushes (not the cherry-pick) + #31, of 16
        #expect(acme["unreviewedShare"]?.source == .proxy)
    }

    @Test func reworkOwnAndOthersWithinTheWindow() throws {
        let r = try Self.report()
        let expected: [(String, Int, Int)] = [
            ("1a428fb", 0, 24),  // #24 rewrites Carla's #22 lines, 5 days old
            ("0938385", 8, 0),  // #25 rewrites Bob's own #21 lines, 10 days old
            ("80b542a", 6, 0), ("b80f0ec", 0, 1), ("83f9534", 0, 1), ("7977f2d", 0, 2), ("f7fed53", 0, 2),
            ("02cbc73", 0, 0),  // #36 rewrites 60-day-old lines: not rework
            ("26580b9", 0, 0),  // 22.08 days: just outside
        ]
        for (short, own, others) in expected {
            let (_, d) = try Self.change(r, short)
            #expect(d.reworkOwnLines == own, "\(short)")
            #expect(d.reworkOthersLines == others, "\(short)")
        }
        let acme = try #require(r.groups.first { $0.name == "acme.com" }?.metrics["reworkRate"])
        #expect(acme.details["ownLines"] == 8)
        #expect(acme.details["othersLines"] == 6)
    }

    @Test func majorRework() throws {
        let r = try Self.report()
        let (_, cart) = try Self.change(r, "b6677e9")  // #22: 30 of 50 added lines rewritten within 21 days
        #expect(cart.addedLines == 50)
        #expect(cart.rewrittenAfterLanding == 30)
        #expect(cart.majorRework)
        let (_, cache) = try Self.change(r, "4a36ae6")  // reverted two days later
        #expect(cache.majorRework)
        let (_, scheduler) = try Self.change(r, "4942b21")  // #35: 27 of 62 branch-added lines discarded (43.5%)
        #expect(scheduler.discardedOnBranch == 27)
        #expect(!scheduler.majorRework)
        let lenient = try Self.report { $0.delivery.majorReworkThreshold = 0.4 }
        #expect(try Self.change(lenient, "4942b21").1.majorRework)
        let gmail = try #require(r.groups.first { $0.name == "gmail.com" }?.metrics["majorReworkRate"])
        #expect(gmail.value == 25)
    }

    @Test func fixesBlameTheChangesThatWroteTheirLines() throws {
        // F3 and F7 are fixes only by a line that names an issue: with `issueLinesMakeFixes` (analysis revision 9).
        let r = try Self.report { $0.delivery.issueLinesMakeFixes = true }
        let expected: [(String, [String: Int])] = [
            ("80b542a", ["b6677e9": 6, "1a428fb": 1]),  // F1 Closes #9; #24 is the newer neighbour of line 24
            ("21b25b6", ["cd78a89": 3]),  // F2: the white-space-only line is ignored
            ("30fd29b", ["fe0f93d": 3]),  // F3 Fixes: #12, through #28's rename
            ("7977f2d", ["edfd380": 2]),  // F4 cherry-picked fix
            ("5a1c4cd", ["82533ad": 3]),  // F5 Fixes: <id> names #26's branch commit, SZZ agrees
            ("26cb90b", ["567899c": 3]),  // F7 Fixes: acme/webapp#7
            ("f7fed53", ["4a36ae6": 0]),  // the revert names the reverted commit
        ]
        for (short, blames) in expected {
            let (_, d) = try Self.change(r, short)
            #expect(d.isFix || d.isRevert, "\(short)")
            let found = Dictionary(d.blames.map { (String($0.commit.prefix(7)), $0.lines) }, uniquingKeysWith: +)
            #expect(found == blames, "\(short)")
        }
        let (_, cacheChange) = try Self.change(r, "4a36ae6")
        #expect(cacheChange.revertedBy?.hasPrefix("f7fed53") == true)
        #expect(cacheChange.escapedDefect)
        let vendor = try #require(r.groups.first { $0.name == "vendorco.io" }?.metrics)
        #expect(vendor["defectEscapeRate"]?.value == 33.33)  // #20, #23, #24 and gerrit 301, of 12
        let acme = try #require(r.groups.first { $0.name == "acme.com" }?.metrics)
        #expect(acme["defectEscapeRate"]?.value == 18.75)  // #21, #26 and the reverted 4a36ae6, of 16
        #expect(acme["revertRate"]?.value == 6.25)

        // The defaults: F3 and F7 are no fixes, and #21 and #23 no escaped defects.
        let defaults = try Self.report()
        for short in ["30fd29b", "26cb90b"] {
            let (_, d) = try Self.change(defaults, short)
            #expect(!d.isFix && d.blames.isEmpty, "\(short)")
        }
        for short in ["fe0f93d", "567899c"] { #expect(try !Self.change(defaults, short).1.escapedDefect, "\(short)") }
        let vendorByDefault = try #require(defaults.groups.first { $0.name == "vendorco.io" }?.metrics)
        #expect(vendorByDefault["defectEscapeRate"]?.value == 25)  // #20, #24 and gerrit 301, of 12
        let acmeByDefault = try #require(defaults.groups.first { $0.name == "acme.com" }?.metrics)
        #expect(acmeByDefault["defectEscapeRate"]?.value == 12.5)  // #26 and the reverted 4a36ae6, of 16

        // F6 "fix: correct locale header typo" is no fix with the default patterns (a typo); with the
        // patterns that count it, its 23 files are over the 20-file limit, and within a limit of 30 it blames.
        let (_, typo) = try Self.change(r, "b9746cb")
        #expect(!typo.isFix)
        let typoPatterns = try YardstickConfiguration.parse(
            "delivery:\n  fixPatterns: ['(?i)^(fix|bugfix|hotfix)(\\(.+\\))?!?:']\n", file: "yardstick.yml"
        ).delivery.fixPatterns
        let counted = try Self.report { $0.delivery.fixPatterns = typoPatterns }
        #expect(try Self.change(counted, "b9746cb").1.isFix)
        #expect(try Self.change(counted, "b9746cb").1.blames.isEmpty)
        let wide = try Self.report {
            $0.delivery.fixPatterns = typoPatterns
            $0.delivery.maxFixFiles = 30
        }
        let found = Dictionary(
            try Self.change(wide, "b9746cb").1.blames.map { (String($0.commit.prefix(7)), $0.lines) },
            uniquingKeysWith: +)
        #expect(found == ["15fe12c": 22, "83f9534": 1])
    }

    @Test func testsAndADRs() throws {
        let r = try Self.report()
        let touching = r.pullRequests.filter { $0.delivery?.touchesTests == true }.map { String($0.commit.prefix(7)) }
        #expect(
            Set(touching) == [
                "cd78a89", "fe0f93d", "b6677e9", "567899c", "0938385", "80b542a", "30fd29b", "02691d1", "6a85b1e",
                "26cb90b", "6d307c9",
            ])
        let (_, parser) = try Self.change(r, "cd78a89")
        #expect(parser.testLines == 25)
        #expect(parser.codeLines == 60)
        let adrs = r.pullRequests.flatMap { $0.delivery?.adrsAdded ?? [] }
        #expect(
            adrs.sorted() == [
                "doc/adr/0002-queue-backend.md", "docs/adr/0001-use-postgres.md",
                "docs/decisions/0003-frontend-framework.md",
            ])
        for g in ["acme.com", "vendorco.io", "gmail.com"] {
            #expect(r.groups.first { $0.name == g }?.metrics["adrsAuthored"]?.value == 1, "\(g)")
        }
    }

    @Test func monthlyWindows() throws {
        let r = try Self.report(window: .month)
        let acme = try #require(r.groups.first { $0.name == "acme.com" })
        let windows = try #require(acme.windows)
        #expect(windows.map(\.name) == ["2024-01", "2024-02", "2024-03"])
        // The history ends before March does: the last window is partial.
        #expect(windows.map(\.partial) == [false, false, true])
        #expect(windows.map { $0.metrics["landedChanges"]?.value } == [7, 5, 4])
        #expect(windows.first?.from == "2024-01-01T00:00:00Z")
        #expect(windows.first?.to == "2024-01-31T23:59:59Z")
        #expect(windows.map { $0.metrics["adrsAuthored"]?.value } == [1, 0, 0])
        // Authors in a window are the group's own people: Carla alone for gmail.com, every month.
        let carla = try #require(r.groups.first { $0.name == "gmail.com" }?.windows)
        #expect(carla.map { $0.metrics["authors"]?.value } == [1, 1, 1])
        let quarters = try Self.report(window: .quarter)
        #expect(quarters.groups.first { $0.name == "acme.com" }?.windows?.map(\.name) == ["2024-Q1"])
    }

    @Test func businessHoursSkipNightsAndWeekends() throws {
        let r = try Self.report { config in
            config.delivery.businessHours = BusinessHours(start: 9, end: 17)
            config.groups.groups = [
                AuthorGroups.Group(name: "Vendor", domains: ["vendorco.io"], timeZone: "Asia/Kolkata"),
                AuthorGroups.Group(name: "In-house", domains: ["acme.com"], timeZone: "+01:00"),
            ]
        }
        // #23: tip Fri 2024-01-12 19:00 +0530 → merge Mon 2024-01-15 09:30 +0100 (14:00 +0530):
        // Friday after 17:00 counts nothing, Monday 09:00–14:00 Kolkata counts 5 h.
        #expect(try Self.change(r, "567899c").1.reviewTurnaroundBusinessHours == 5)
        #expect(r.groups.first { $0.name == "Vendor" }?.metrics["reviewTurnaroundBusinessHours"]?.source == .proxy)
    }

    @Test func deterministicAcrossWorkerCounts() throws {
        let a = try Analysis(path: SampleRepositories.path("delivery"), mining: MiningOptions(workers: 1)).run()
        let b = try Analysis(path: SampleRepositories.path("delivery"), mining: MiningOptions(workers: 4)).run()
        #expect(a == b)
    }
}
