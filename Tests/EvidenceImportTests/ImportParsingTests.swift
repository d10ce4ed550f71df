import EvidenceImport
import Foundation
import HistoryModel
import TestSupport
import Testing

/// The hand-written fixtures beside this file (see Fixtures/README.md).
enum Fixture {
    static func path(_ name: String) -> String {
        SampleRepositories.packageRoot + "/Tests/EvidenceImportTests/Fixtures/" + name
    }

    static func id(_ hex: String) -> ObjectID { ObjectID(hex: hex)! }

    // The `squash` sample repository's first-parent commits.
    static let initial = id("b7c688629b1eebf0c16f9e4d8158fbea4848ca26")
    static let login12 = id("737132e63b9e6331a6fc2672424cbed16b9b2200")
    static let session13 = id("f8d8b6fcf61a1ce730285f15dbf31aca02278c4c")
    static let ciConfig = id("6a029a2a8b69aacc1a6dabb3e2816c5fa5f6ddff")
    static let rateLimit7 = id("2f8499c33ed4a362ed48a879ae15eb659a024fd5")
    static let reset14 = id("edde372ed20f1fdd16c0639966f3f13713be97d2")
    static let lodash16 = id("5c501d3017086c51b8c5ca6978e198c66322d1e8")
    static let revert = id("522e3e90029459fbe1ce366b36aeca56e6000425")
    static let pull14Head = id("bfc32bc21e4950c680fafdcf13f7aecd97ba1c9d")
}

@Suite struct ImportTimeTests {
    @Test func offsetsAreAppliedExactly() {
        // 2024-02-01T12:00:00Z is 1706788800 s.
        #expect(ImportTime.parse("2024-02-01T12:00:00Z") == 1_706_788_800_000)
        #expect(ImportTime.parse("2024-02-01T15:30:00+03:30") == 1_706_788_800_000)
        #expect(ImportTime.parse("2024-02-01T07:00:00-0500") == 1_706_788_800_000)
        #expect(ImportTime.parse("2024-02-01T12:00:00.120Z") == 1_706_788_800_120)
        #expect(ImportTime.parse("2024-02-01T12:00:00.1Z") == 1_706_788_800_100)
        #expect(ImportTime.parse("2024-02-01T12:00:00.123456789Z") == 1_706_788_800_123)
        #expect(ImportTime.parse("2024-02-01 12:00") == nil)
        #expect(ImportTime.parse("2024-02-01T12:00:00") == nil)
        #expect(ImportTime.parse("2024-13-01T12:00:00Z") == nil)
        // Gerrit's Submitted-at: RFC 2822 with the server's offset.
        #expect(ImportTime.parseRFC2822("Thu, 01 Feb 2024 13:00:00 +0100") == 1_706_788_800_000)
        #expect(ImportTime.parseRFC2822("01 Feb 2024 13:00:00 +0100") == 1_706_788_800_000)
        #expect(ImportTime.parseRFC2822("Thu, 01 Feb 2024 13:00:00 CET") == nil)
    }
}

@Suite struct BuildParsingTests {
    @Test func ghRunList() throws {
        let runs = try BuildImport.read(Fixture.path("builds/gh-runs.json"))
        #expect(runs.count == 7)
        #expect(runs.map(\.outcome) == [.success, .success, .failure, .pending, .cancelled, .success, .success])
        #expect(runs.map(\.attempt) == [1, 2, 1, 1, 1, 1, 1])
        #expect(
            runs[0]
                == BuildRecord(
                    key: "github:1001:1", commit: Fixture.login12, pipeline: "CI", attempt: 1, outcome: .success,
                    startedAt: 1_706_856_000_000))
        #expect(runs[5].commit == Fixture.id("deaddeaddeaddeaddeaddeaddeaddeaddeaddead"))
    }

    @Test func githubRestPages() throws {
        let runs = try BuildImport.read(Fixture.path("builds/rest-runs.json"))
        #expect(runs.map(\.key) == ["github:1001:1", "github:2001:1", "github:2002:2", "github:2003:1"])
        #expect(runs.map(\.outcome) == [.success, .failure, .success, .skipped])
        #expect(runs.map(\.pullRequest) == [nil, 14, 14, nil])
        #expect(runs.map(\.pipeline) == ["CI", "CI", "CI", "Docs"])
    }

    @Test func gitlabPipelines() throws {
        let runs = try BuildImport.read(Fixture.path("builds/gitlab-pipelines.json"))
        #expect(runs.map(\.outcome) == [.success, .failure, .cancelled, .pending])
        #expect(runs.map(\.pullRequest) == [7, 7, nil, nil])
        #expect(runs.map(\.attempt) == [nil, nil, nil, nil])
        // 2024-02-06T10:30:00.000+08:00 is 02:30 UTC, before the 03:00 UTC pipeline.
        #expect(runs[1].startedAt == 1_707_186_600_000)
        #expect(runs[0].startedAt == 1_707_188_400_000)
    }

    @Test func jenkinsBuilds() throws {
        let runs = try BuildImport.read(Fixture.path("builds/jenkins.json"))
        #expect(runs.map(\.outcome) == [.pending, .failure, .success, .cancelled])
        #expect(runs.map(\.commit) == [nil, Fixture.ciConfig, Fixture.ciConfig, Fixture.lodash16])
        #expect(runs.map(\.startedAt) == [1_707_498_000_000, 1_707_126_000_000, 1_707_122_400_000, 1_707_379_200_000])
    }

    @Test func plainCSV() throws {
        let runs = try BuildImport.read(Fixture.path("builds/builds.csv"))
        #expect(runs.map(\.outcome) == [.success, .failure, .success, .success])
        #expect(runs.map(\.pipeline) == ["ci", "ci", "nightly, full", "ci"])
        #expect(runs[1].startedAt == 1_707_498_000_000)  // 19:00+02:00 = 17:00Z
        #expect(runs[0].key == runs[3].key)  // the repeated row
    }

    @Test func formatCanBeForced() throws {
        #expect(throws: ImportError.self) { try BuildImport.read(Fixture.path("builds/gh-runs.json"), format: .gitlab) }
        #expect(try BuildImport.read(Fixture.path("builds/gitlab-pipelines.json"), format: .gitlab).count == 4)
    }

    @Test func trailersAndNotes() throws {
        let trailers = GitBuildEvidence.trailers([
            (Fixture.revert, [Trailer(key: "TryBot-Result", value: "+1"), Trailer(key: "Reviewed-on", value: "x")]),
            (Fixture.initial, [Trailer(key: "LUCI-TryBot-Result", value: "-1")]),
            (Fixture.ciConfig, [Trailer(key: "TryBot-Result", value: "0")]),
        ])
        #expect(trailers.map(\.outcome) == [.success, .failure, .other])
        #expect(trailers.map(\.commit) == [Fixture.revert, Fixture.initial, Fixture.ciConfig])
        let notes = try GitBuildEvidence.notes(
            [
                (Fixture.revert, "Pipeline: nightly\nResult: failed\nURL: https://ci.example.com/1\n"),
                (Fixture.initial, "Status: success\n"),
            ],
            ref: "refs/notes/ci")
        #expect(notes.map(\.outcome) == [.failure, .success])
        #expect(notes.map(\.pipeline) == ["nightly", ""])
        #expect(
            throws: ImportError(file: "refs/notes/ci", location: "note on \(Fixture.revert.hex)", "no \"Result:\" line")
        ) {
            try GitBuildEvidence.notes([(Fixture.revert, "looks fine\n")], ref: "refs/notes/ci")
        }
    }
}

@Suite struct CoverageParsingTests {
    @Test func lcovTracefile() throws {
        let files = try CoverageImport.read(Fixture.path("coverage/coverage.info"))
        #expect(
            files.map(\.path) == [
                "src/login.c", "src/main.c", "/home/ci/build/app/src/ratelimit.c", "src/generated.c",
            ])
        // src/login.c's second record adds 2 hits to line 30 as it is read.
        #expect(files[0].lines == [19: 3, 20: 0, 21: 5, 22: 1, 23: 0, 24: 2, 30: 2])
        let merged = CoverageImport.merge([files])
        #expect(
            merged.map(\.path) == [
                "/home/ci/build/app/src/ratelimit.c", "src/generated.c", "src/login.c", "src/main.c",
            ])
        #expect(merged[2].lines[30] == 2)
        #expect(Evidence.overall(merged) == Evidence.CoverageTally(instrumented: 16, covered: 9))
    }

    @Test func coberturaStreamed() throws {
        let files = try CoverageImport.read(Fixture.path("coverage/coverage.xml"))
        // Lines inside <methods> repeat the class's lines and are not counted twice.
        #expect(files == [FileCoverage(path: "/home/ci/build/app/src/util.c", lines: [2: 7, 3: 1, 4: 0, 41: 1])])
    }

    @Test func allThreeFormatsMerge() throws {
        let files = try CoverageImport.read(Fixture.path("coverage/llvm-cov.json"))
        let all = CoverageImport.merge([
            try CoverageImport.read(Fixture.path("coverage/coverage.info")),
            try CoverageImport.read(Fixture.path("coverage/coverage.xml")), files,
        ])
        let overall = Evidence.overall(all)
        #expect(overall == Evidence.CoverageTally(instrumented: 30, covered: 19))
        #expect(overall.rate == 19.0 / 30.0 * 100)
    }

    @Test func pathsAreMatchedToTheRepository() {
        let tracked: Set<String> = ["src/a.c", "a.c", "lib/src/b.c"]
        let plain = Evidence.PathMapper()
        #expect(plain.map("./src/a.c", tracked: tracked.contains) == "src/a.c")
        #expect(plain.map("/home/ci/app/src/a.c", tracked: tracked.contains) == "src/a.c")
        #expect(plain.map("C:\\build\\lib\\src\\b.c", tracked: tracked.contains) == "lib/src/b.c")
        #expect(plain.map("src/gen.c", tracked: tracked.contains) == nil)
        let stripping = Evidence.PathMapper(stripPrefixes: ["/home/ci/app/src/"])
        #expect(stripping.map("/home/ci/app/src/a.c", tracked: tracked.contains) == "a.c")
    }
}

@Suite struct ReviewParsingTests {
    @Test func ghPRList() throws {
        let prs = try ReviewImport.read(Fixture.path("reviews/gh-prs.json"))
        #expect(prs.map(\.number) == [12, 14, 99])
        #expect(prs[0].landedCommits == [Fixture.login12])
        #expect(prs[0].events.count == 4)  // the PENDING review is left out
        #expect(
            Evidence.figures(prs[0])
                == Evidence.ReviewFigures(
                    turnaroundHours: 2.5, negativeSpan: false, comments: 1, reviewers: 2, approvals: 1))
        #expect(
            Evidence.figures(prs[1])
                == Evidence.ReviewFigures(
                    turnaroundHours: 4, negativeSpan: false, comments: 2, reviewers: 2, approvals: 1))
        #expect(
            Evidence.figures(prs[2])
                == Evidence.ReviewFigures(
                    turnaroundHours: nil, negativeSpan: false, comments: 0, reviewers: 0, approvals: 0))
    }

    @Test func githubRestPagesMergeByNumber() throws {
        let files = try ["pulls", "reviews", "comments"].map {
            try ReviewImport.read(Fixture.path("reviews/rest-\($0).json"))
        }
        #expect(files.map(\.count) == [1, 2, 3])
        let merged = ReviewImport.merge(files)
        #expect(merged.count == 1)
        let pr = try #require(merged.first)
        #expect(pr.number == 13 && pr.author == "bob-brown" && pr.landedCommits == [Fixture.session13])
        #expect(pr.events.count == 4)  // comment 401 appears twice and counts once
        #expect(
            Evidence.figures(pr)
                == Evidence.ReviewFigures(
                    turnaroundHours: 2.5, negativeSpan: false, comments: 2, reviewers: 1, approvals: 0))
    }

    @Test func gitlabMergeRequestsAndNotes() throws {
        let mrs = try ReviewImport.read(Fixture.path("reviews/gitlab-mrs.json"))
        let notes = try ReviewImport.read(Fixture.path("reviews/gitlab-notes.json"))
        #expect(notes.count == 3)  // "added 1 commit" is GitLab's own activity
        let merged = ReviewImport.merge([mrs, notes])
        let pr = try #require(merged.first)
        #expect(merged.count == 1 && pr.number == 7 && pr.landedCommits == [Fixture.rateLimit7])
        #expect(
            Evidence.figures(pr)
                == Evidence.ReviewFigures(
                    turnaroundHours: 3.25, negativeSpan: false, comments: 1, reviewers: 2, approvals: 1))
    }

    @Test func gerritReviewNotes() throws {
        let text = """
            Code-Review+2: Jane Roe <jane@example.com>
            Code-Review+1: Ravi K <ravi@example.com>
            Verified+1: CI Bot <ci-bot@example.com>
            Submitted-by: Jane Roe <jane@example.com>
            Submitted-at: Tue, 05 Mar 2024 15:02:11 +0100
            Reviewed-on: https://gerrit.example.com/c/platform/core/+/48213
            Comments-Total: 3
            Project: platform/core
            Branch: refs/heads/main

            """
        let prs = try ReviewImport.gerritNotes([(Fixture.revert, text)], ref: "refs/notes/review")
        #expect(prs.count == 1)
        #expect(prs[0].number == 48213 && prs[0].landedCommits == [Fixture.revert])
        #expect(prs[0].mergedAt == 1_709_647_331_000)
        #expect(
            Evidence.figures(prs[0])
                == Evidence.ReviewFigures(
                    turnaroundHours: nil, negativeSpan: false, comments: 3, reviewers: 2, approvals: 1))
    }
}

@Suite struct BadInputTests {
    func message(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func malformedFilesNameFileLineAndFault() {
        let bad = { (name: String) in Fixture.path("bad/" + name) }
        #expect(
            message { _ = try BuildImport.read(bad("syntax.json")) }
                == "\(bad("syntax.json")): line 2, column 18: malformed JSON (Invalid value.)")
        #expect(
            message { _ = try BuildImport.read(bad("short-sha.json")) }
                == "\(bad("short-sha.json")): record 2: \"headSha\" is not a 40-digit commit id: \"737132e\"")
        #expect(
            message { _ = try BuildImport.read(bad("short-row.csv")) }
                == "\(bad("short-row.csv")): line 3: malformed CSV: 3 fields, the header has 4")
        #expect(
            message { _ = try BuildImport.read(bad("header.csv")) }
                == "\(bad("header.csv")): line 1: expected the header sha,status,started_at,finished_at[,pipeline]")
        #expect(
            message { _ = try BuildImport.read(bad("bad-time.csv")) }
                == "\(bad("bad-time.csv")): line 2: started_at is not an ISO 8601 time: \"yesterday\"")
        #expect(
            message { _ = try BuildImport.read(bad("unknown.json")) }
                == "\(bad("unknown.json")): not a known build export (expected gh run list JSON, GitHub workflow_runs, GitLab pipelines or Jenkins builds)"
        )
        #expect(
            message { _ = try CoverageImport.read(bad("bad-da.info")) }
                == "\(bad("bad-da.info")): line 3: malformed DA \"two,1\"")
        #expect(
            message { _ = try CoverageImport.read(bad("truncated.info")) }
                == "\(bad("truncated.info")): the last file record has no end_of_record (truncated?)")
        #expect(
            message { _ = try CoverageImport.read(bad("no-filename.xml")) }
                == "\(bad("no-filename.xml")): line 4: <class> without a filename")
        #expect(
            message { _ = try CoverageImport.read(bad("malformed.xml")) }
                == "\(bad("malformed.xml")): line 5: malformed XML (an end tag does not match its start tag)")
        #expect(
            message { _ = try ReviewImport.read(bad("bad-time.json")) }
                == "\(bad("bad-time.json")): record 1: \"createdAt\" is not an ISO 8601 time: \"2024-02-01 12:00\"")
        #expect(
            message { _ = try CoverageImport.read(bad("missing.info")) }
                == "\(bad("missing.info")): cannot read the file (missing or unreadable)")
    }
}

@Suite struct TruncatedXMLTests {
    @Test func aTruncatedCoberturaReportIsRejected() {
        let path = Fixture.path("bad/truncated.xml")
        #expect(throws: ImportError.self) { try CoverageImport.read(path) }
        do {
            _ = try CoverageImport.read(path)
        } catch {
            #expect("\(error)" == "\(path): line 4: malformed XML (the document ends inside <lines> (truncated?))")
        }
    }
}
