import EvidenceImport
import Foundation
import HistoryModel
import Testing

/// JSON build exports are streamed record by record; llvm-cov's segments become lines by llvm-cov's own rule.
@Suite struct StreamingJSONTests {
    func temporary(_ text: String, _ name: String = "runs.json") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("yardstick-stream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func message(_ path: String) -> String? {
        do {
            _ = try BuildImport.read(path)
            return nil
        } catch {
            return "\(error)".replacingOccurrences(of: path + ": ", with: "")
        }
    }

    static let sha = "737132e63b9e6331a6fc2672424cbed16b9b2200"

    func run(_ id: Int, _ extra: String = "") -> String {
        #"{"databaseId":\#(id),"headSha":"\#(Self.sha)","status":"completed","conclusion":"\#(id % 3 == 0 ? "failure" : "success")","attempt":1,"workflowName":"CI \"quoted\" [x] {y}"\#(extra)}"#
    }

    /// 12,000 records (about 1.7 MB) cross the 1 MiB blocks the reader takes: every one is read, in order.
    @Test func recordsAcrossBlocksAreReadInOrder() throws {
        let n = 12_000
        let path = try temporary("[\n" + (1...n).map { run($0) }.joined(separator: ",\n") + "\n]\n")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count > 1 << 20)
        let runs = try BuildImport.read(path)
        #expect(runs.count == n)
        #expect(runs.map(\.key) == (1...n).map { "github:\($0):1" })
        #expect(runs.filter { $0.outcome == .failure }.count == n / 3)
        #expect(runs[0].pipeline == "CI \"quoted\" [x] {y}")
    }

    @Test func jenkinsJobNamedAfterItsBuilds() throws {
        let sha = Self.sha
        let path = try temporary(
            """
            {"_class":"hudson.model.FreeStyleProject","builds":[
              {"number":7,"result":"SUCCESS","timestamp":1707122400000,"actions":[{"lastBuiltRevision":{"SHA1":"\(sha)"}}]},
              {"number":8,"result":"FAILURE","url":"https://ci.example/job/app/8/","actions":[{}]}
            ],"fullName":"app"}
            """)
        let runs = try BuildImport.read(path)
        #expect(runs.map(\.key) == ["jenkins:app#7", "jenkins:https://ci.example/job/app/8/"])
        #expect(runs.map(\.pipeline) == ["app", "app"])
        #expect(runs.map(\.outcome) == [.success, .failure])
    }

    @Test func restPagesKeepTheirOtherMembers() throws {
        let path = try temporary(
            #"{"total_count":1,"workflow_runs":[{"id":5,"head_sha":"\#(Self.sha)","status":"completed","conclusion":"success","run_attempt":1,"pull_requests":[{"number":12}],"name":"CI"}]}"#
        )
        let runs = try BuildImport.read(path)
        #expect(runs.map(\.key) == ["github:5:1"])
        #expect(runs.map(\.pullRequest) == [12])
        #expect(try BuildImport.read(path, format: .githubRest).count == 1)
        #expect(throws: ImportError.self) { try BuildImport.read(path, format: .githubRuns) }
    }

    @Test func pullRequestRunsKeepTheirBranch() throws {
        let gh = try temporary(
            #"[{"databaseId":1,"headSha":"\#(Self.sha)","status":"completed","conclusion":"success","event":"pull_request","headBranch":"reset"},{"databaseId":2,"headSha":"\#(Self.sha)","status":"completed","conclusion":"success","event":"push","headBranch":"main"}]"#
        )
        #expect(try BuildImport.read(gh).map(\.pullRequestBranch) == ["reset", nil])
        let rest = try temporary(
            #"{"workflow_runs":[{"id":3,"head_sha":"\#(Self.sha)","status":"completed","conclusion":"failure","event":"pull_request_target","head_branch":"fix"}]}"#
        )
        #expect(try BuildImport.read(rest).map(\.pullRequestBranch) == ["fix"])
    }

    /// Review exports are streamed the same way: 12,000 `gh pr list` records across the 1 MiB blocks, the
    /// format taken from the first record; faults name their line and column; a top-level object is no export.
    @Test func reviewExportsAreStreamed() throws {
        let n = 12_000
        func pr(_ i: Int) -> String {
            #"{"number":\#(i),"author":{"login":"dev\#(i % 7)"},"createdAt":"2024-01-0\#(1 + i % 9)T10:00:00Z","mergedAt":"2024-01-10T12:00:00+02:00","mergeCommit":{"oid":"\#(Self.sha)"},"reviews":[{"author":{"login":"rev"},"state":"APPROVED","submittedAt":"2024-01-10T09:00:00Z","body":"ok [x] {y}"}],"comments":[]}"#
        }
        let path = try temporary("[\n" + (1...n).map(pr).joined(separator: ",\n") + "\n]\n", "prs.json")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count > 1 << 20)
        let read = try ReviewImport.readWithFormat(path)
        #expect(read.format == .githubPRList)
        #expect(read.records.count == n)
        #expect(read.records.map(\.number) == Array(1...n))
        #expect(read.records.allSatisfy { $0.events.count == 1 && $0.events[0].state == "APPROVED" })
        func fault(_ text: String) -> String? {
            do {
                let p = try temporary(text, "prs.json")
                _ = try ReviewImport.read(p)
                return nil
            } catch {
                return "\(error)".components(separatedBy: "prs.json: ").last
            }
        }
        #expect(
            fault("[\(pr(1)),\n\(pr(2))")
                == "line 2, column \(pr(2).utf8.count + 1): malformed JSON (the document ends inside an array (truncated?))"
        )
        #expect(fault("[\(pr(1)),\n  \"x\"]") == "record 2: not a JSON object")
        #expect(
            fault("{\"pulls\": []}")
                == "not a known review export (expected gh pr list JSON, GitHub REST pulls/reviews/comments or GitLab merge requests/notes)"
        )
        #expect(try ReviewImport.read(try temporary("[]", "prs.json")).isEmpty)
    }

    @Test func structureFaultsNameLineAndColumn() throws {
        #expect(
            message(try temporary("[\(run(1))\n \(run(2))]"))
                == "line 2, column 2: malformed JSON (expected ',' or ']' after a record)")
        #expect(
            message(try temporary("[\(run(1)),\n\(run(2))"))
                == "line 2, column \(run(2).utf8.count + 1): malformed JSON (the document ends inside an array (truncated?))"
        )
        #expect(
            message(try temporary("[\(run(1)),\n{\"databaseId\":2"))
                == "line 2, column 16: malformed JSON (the document ends inside a value (truncated?))")
        #expect(
            message(try temporary("[\(run(1))]\n]"))
                == "line 2, column 1: malformed JSON (content after the end of the document)")
        #expect(
            message(try temporary("{\"builds\" ["))
                == "line 1, column 11: malformed JSON (expected ':' after a member name)")
        #expect(
            message(try temporary("[\n  {\"databaseId\":2,\n   \"headSha\":x}]"))
                == "line 3, column 14: malformed JSON (Invalid value.)")
        #expect(message(try temporary("[1]")) == "record 1: not a JSON object")
        #expect(try BuildImport.read(try temporary(" [ ] ")).isEmpty)
        #expect(message(try temporary("{\"jobs\":[]}"))?.hasPrefix("not a known build export") == true)
    }
}

@Suite struct LLVMCovSegmentTests {
    func segment(_ s: [Any]) -> LLVMSegment {
        LLVMSegment(
            line: s[0] as! Int, count: Int64(s[2] as! Int), hasCount: s[3] as! Bool, isRegionEntry: s[4] as! Bool,
            isGapRegion: s[5] as! Bool)
    }

    /// The segments clang 21 and llvm-cov 21 gave for a 21-line C file written for this test (a macro, a
    /// `? :` over two lines, an untaken `if`, a loop on one line); the expected hits are that llvm-cov's own
    /// `export -format=lcov` `DA` lines for the same file.
    @Test func linesAreThoseOfLLVMCovsLcovExport() {
        let t = true
        let f = false
        let raw: [[Any]] = [
            [2, 21, 2, t, t, f], [3, 7, 2, t, t, f], [3, 12, 2, t, f, f], [3, 13, 1, t, f, t], [4, 5, 1, t, t, f],
            [4, 13, 2, t, f, f], [4, 14, 1, t, f, t], [5, 8, 1, t, t, f], [5, 12, 1, t, t, f], [5, 18, 1, t, f, f],
            [5, 19, 0, t, f, t], [5, 20, 0, t, t, f], [5, 33, 1, t, f, t], [6, 3, 1, t, t, f], [6, 19, 2, t, t, f],
            [6, 24, 1, t, f, f], [6, 26, 1, t, t, f], [6, 29, 1, t, f, f], [6, 31, 1, t, t, f], [7, 14, 1, t, f, f],
            [8, 10, 1, t, t, f], [8, 11, 1, t, f, f], [8, 14, 1, t, t, f], [8, 15, 1, t, f, f], [9, 14, 0, t, t, f],
            [9, 15, 2, t, f, f], [10, 2, 0, f, f, f], [11, 14, 1, t, t, f], [11, 15, 1, t, t, f], [11, 18, 1, t, f, f],
            [11, 21, 1, t, t, f], [11, 25, 1, t, f, f], [11, 28, 0, t, t, f], [11, 29, 1, t, f, f],
            [11, 30, 0, f, f, f], [12, 33, 1, t, t, f], [14, 8, 1, t, t, f], [14, 9, 1, t, f, f], [16, 7, 1, t, t, f],
            [16, 17, 1, t, f, f], [16, 18, 0, t, f, t], [16, 19, 0, t, t, f], [18, 4, 1, t, f, f],
            [19, 10, 1, t, t, f], [19, 17, 1, t, f, f], [19, 18, 0, t, f, t], [19, 19, 0, t, t, f],
            [19, 22, 1, t, f, f], [21, 2, 0, f, f, f],
        ]
        let lcov: [Int: Int64] = [
            2: 2, 3: 2, 4: 1, 5: 1, 6: 2, 7: 1, 8: 1, 9: 1, 10: 2, 11: 1, 12: 1, 13: 1, 14: 1, 15: 1, 16: 1, 17: 0,
            18: 0, 19: 1, 20: 1, 21: 1,
        ]
        #expect(LLVMSegment.lineCoverage(raw.map(segment)) == lcov)
    }

    @Test func skippedRegionsAndGapsAreNotLines() {
        // Line 1 opens a counted region (line 2 is inside it); line 3 starts a skipped region (no count), so
        // lines 3 and 4 are not instrumented; line 5 has only a gap region with a count: instrumented, with the
        // wrapped (skipped) segment's count 0; line 6 opens a region of count 0 but is wrapped by that gap
        // segment, whose 9 it takes (the larger).
        let segments = [
            LLVMSegment(line: 1, count: 4, hasCount: true, isRegionEntry: true),
            LLVMSegment(line: 3, count: 0, hasCount: false, isRegionEntry: true),
            LLVMSegment(line: 5, count: 9, hasCount: true, isRegionEntry: true, isGapRegion: true),
            LLVMSegment(line: 6, count: 0, hasCount: true, isRegionEntry: true),
        ]
        #expect(LLVMSegment.lineCoverage(segments) == [1: 4, 2: 4, 5: 0, 6: 9])
        #expect(LLVMSegment.lineCoverage([]) == [:])
        #expect(LLVMSegment.lineCoverage(Array(segments.reversed())) == nil)
    }

    @Test func theFixtureGivesItsLinesAndSummaryOnlyExportsTheirCounts() throws {
        let files = try CoverageImport.read(Fixture.path("coverage/llvm-cov.json"))
        #expect(
            files == [
                FileCoverage(
                    path: "/src/app/src/reset.c", lines: [1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 8: 0, 9: 0, 10: 0])
            ])
        // The same counts as the export's own summary.lines (10, 7).
        #expect(files[0].instrumented == 10 && files[0].covered == 7)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("yardstick-llvm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let summaryOnly = dir.appendingPathComponent("summary.json").path
        try
            #"{"data":[{"files":[{"filename":"a.c","summary":{"lines":{"count":4,"covered":1}}}]}],"type":"llvm.coverage.json.export","version":"2.0.1"}"#
            .write(toFile: summaryOnly, atomically: true, encoding: .utf8)
        #expect(try CoverageImport.read(summaryOnly) == [FileCoverage(path: "a.c", summary: (4, 1))])
        let unordered = dir.appendingPathComponent("unordered.json").path
        try
            #"{"data":[{"files":[{"filename":"a.c","segments":[[3,1,1,true,true,false],[2,1,1,true,true,false]]}]}],"type":"llvm.coverage.json.export"}"#
            .write(toFile: unordered, atomically: true, encoding: .utf8)
        #expect {
            try CoverageImport.read(unordered)
        } throws: {
            "\($0)"
                == "\(unordered): data[0], files[0]: the segments of \"a.c\" are not in line order or span more than 10000000 lines"
        }
        let malformed = dir.appendingPathComponent("malformed.json").path
        try
            #"{"data":[{"files":[{"filename":"a.c","segments":[[3,1,"1",true,true]]}]}],"type":"llvm.coverage.json.export"}"#
            .write(toFile: malformed, atomically: true, encoding: .utf8)
        #expect {
            try CoverageImport.read(malformed)
        } throws: {
            "\($0)"
                == "\(malformed): data[0], files[0]: segments[0] of \"a.c\" is not [line, column, count, hasCount, isRegionEntry(, isGapRegion)]"
        }
    }
}
