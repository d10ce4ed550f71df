import Foundation
import TestSupport
import Testing

/// `yardstick analyze … --builds/--coverage/--reviews` end to end, on the hand-written fixtures of
/// Tests/EvidenceImportTests/Fixtures joined to the `squash` sample repository.
@Suite struct ImportCommandTests {
    static let fixtures = SampleRepositories.packageRoot + "/Tests/EvidenceImportTests/Fixtures/"
    static let allImports: [String] =
        ["--builds"]
        + ["gh-runs.json", "rest-runs.json", "gitlab-pipelines.json", "jenkins.json", "builds.csv"].map {
            fixtures + "builds/" + $0
        }
        + ["--coverage"] + ["coverage.info", "coverage.xml", "llvm-cov.json"].map { fixtures + "coverage/" + $0 }
        + ["--reviews"]
        + [
            "gh-prs.json", "rest-pulls.json", "rest-reviews.json", "rest-comments.json", "gitlab-mrs.json",
            "gitlab-notes.json",
        ].map {
            fixtures + "reviews/" + $0
        }

    func run(_ arguments: [String], cwd: String? = nil) -> Command.Result {
        Command.run(Command.yardstick, arguments, cwd: cwd)
    }

    func metrics(_ json: String) throws -> [String: [String: [String: Any]]] {
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let groups = try #require(report["groups"] as? [[String: Any]])
        var out: [String: [String: [String: Any]]] = [:]
        for g in groups { out[g["name"] as? String ?? ""] = g["metrics"] as? [String: [String: Any]] }
        return out
    }

    @Test func allSixBenchmarkRowsAreFilledWithTheirSources() throws {
        let result = run(["analyze", SampleRepositories.path("squash"), "--format", "json"] + Self.allImports)
        #expect(result.status == 0, "\(result.stderr)")
        let m = try metrics(result.stdout)
        let rows = [
            "prSize", "reviewTurnaroundHours", "reviewCommentsPerPR", "defectEscapeRate", "testCoverage",
            "buildSuccessRate",
        ]
        let sources = ["measured", "import", "import", "proxy", "import", "import"]
        let expected: [String: [Double]] = [
            // prSize and defectEscapeRate as without imports; the other four from the fixtures (JoinTests derives each).
            "acme.com": [74, 2.5, 2, 25, 57.14, 66.67],
            "vendorco.io": [83.5, 2.88, 1, 0, 66.67, 50],
            "gmail.com": [58, 4, 2, 0, 64.29, 50],
        ]
        for (group, values) in expected {
            let metrics = try #require(m[group])
            #expect(rows.map { metrics[$0]?["value"] as? Double } == values, "\(group)")
            #expect(rows.map { metrics[$0]?["source"] as? String } == sources, "\(group)")
            #expect(
                rows.allSatisfy { (metrics[$0]?["benchmark"] as? [String: Any])?["position"] as? String != nil },
                "\(group)")
        }
        let acme = try #require(m["acme.com"])
        #expect(
            acme["buildSuccessRate"]?["details"] as? [String: Double] == [
                "count": 10, "success": 4, "failure": 2, "cancelled": 1, "skipped": 1, "unfinished": 2, "other": 0,
            ])
        #expect(acme["firstAttemptBuildSuccessRate"]?["value"] as? Double == 66.67)
        #expect(acme["firstAttemptBuildSuccessRate"]?["source"] as? String == "import")
        #expect(
            acme["testCoverage"]?["details"] as? [String: Double] == [
                "instrumentedLines": 7, "coveredLines": 4, "overall": 63.33, "overallInstrumentedLines": 30,
                "overallCoveredLines": 19,
            ])
        #expect(m["vendorco.io"]?["reviewersPerPR"]?["value"] as? Double == 2)
        #expect(m["vendorco.io"]?["approvalsPerPR"]?["value"] as? Double == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let notes = try #require(report["notes"] as? [String])
        #expect(
            notes.contains(
                "Builds imported: 23 record(s) read, 3 duplicate(s) counted once, 1 naming a commit or pull request not among the analysed changes, 1 naming no commit; cancelled, skipped and unfinished builds are counted apart from the success rate."
            ))
        #expect(
            notes.contains(
                "Coverage imported: 19 of 30 instrumented line(s) covered overall; 1 report file(s) (2 line(s)) match no file of the analysed commit, 1 line(s) were written by no analysed change, 0 line(s) come without per-line data and count only overall."
            ))
    }

    @Test func tableAndMarkdownShowTheRowsAndTheirSource() {
        for format in ["table", "markdown"] {
            // Wide enough for the table format's one-line rows (at 80 columns each metric is stacked).
            let result = run(
                ["analyze", SampleRepositories.path("squash"), "--format", format, "--width", "240"] + Self.allImports)
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n")
            for title in [
                "PR review turnaround (opened", "Code review comments per PR (by others",
                "Test coverage (covered share", "Build success rate (successful",
            ] {
                let rows = lines.filter { $0.contains(title) }
                #expect(rows.count == 3 && rows.allSatisfy { $0.contains("import") }, "\(format): \(title)")
            }
            #expect(
                result.stdout.contains("success 4 · failure 2 · cancelled 1 · skipped 1 · unfinished 2"), "\(format)")
            #expect(result.stdout.contains("4 of 7 instrumented lines · overall 63.33%"), "\(format)")
        }
    }

    @Test func theReportIsTheSameForAnyWorkerCount() {
        let one = run(
            ["analyze", SampleRepositories.path("squash"), "--format", "json", "--workers", "1"] + Self.allImports)
        let two = run(
            ["analyze", SampleRepositories.path("squash"), "--format", "json", "--workers", "2"] + Self.allImports)
        #expect(one.status == 0 && two.status == 0)
        #expect(one.stdout == two.stdout)
    }

    @Test func yardstickYmlNamesTheSameFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "yardstick-imports-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: dir + "/exports", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for file in ["builds/gh-runs.json", "coverage/coverage.info", "reviews/gh-prs.json"] {
            try FileManager.default.copyItem(
                atPath: Self.fixtures + file, toPath: dir + "/exports/" + (file as NSString).lastPathComponent)
        }
        try """
        version: 1
        imports:
          builds: [exports/gh-runs.json]
          coverage: [exports/coverage.info]
          reviews: [exports/gh-prs.json]
        """.write(toFile: dir + "/yardstick.yml", atomically: true, encoding: .utf8)
        let viaConfig = run([
            "analyze", SampleRepositories.path("squash"), "--format", "json", "--config", dir + "/yardstick.yml",
        ])
        let viaFlags = run(
            [
                "analyze", SampleRepositories.path("squash"), "--format", "json", "--config", dir + "/yardstick.yml",
                "--builds",
            ])
        #expect(viaConfig.status == 0, "\(viaConfig.stderr)")
        #expect(viaFlags.status == 64)  // --builds with no file
        let m = try metrics(viaConfig.stdout)
        #expect(m["vendorco.io"]?["buildSuccessRate"]?["value"] as? Double == 50)
        #expect(m["gmail.com"]?["reviewTurnaroundHours"]?["value"] as? Double == 4)
        #expect(m["acme.com"]?["testCoverage"]?["value"] as? Double == 50)  // main.c only: 2 of 4
    }

    @Test func badInputIsOneLineAndExitOne() throws {
        let bad = Self.fixtures + "bad/syntax.json"
        let result = run(["analyze", SampleRepositories.path("squash"), "--format", "json", "--builds", bad])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr == "error: \(bad): line 2, column 18: malformed JSON (Invalid value.)\n")
        let missing = run(["analyze", SampleRepositories.path("squash"), "--coverage", "/nonexistent/cov.info"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "error: /nonexistent/cov.info: cannot read the file (missing or unreadable)\n")
        let format = run(["analyze", SampleRepositories.path("squash"), "--builds-format", "travis", "--builds", bad])
        #expect(format.status == 64)
        #expect(
            format.stderr.contains(
                "--builds-format 'travis' is not one of: github-runs, github-rest, gitlab, jenkins, csv"))
        let noNotes = run(["analyze", SampleRepositories.path("squash"), "--build-notes", "refs/notes/ci"])
        #expect(noNotes.status == 1)
        #expect(noNotes.stderr == "error: refs/notes/ci: the repository has no such notes ref\n")
    }

    /// Reports at three commits of the `delivery` sample (Fixtures/coverage/trend): the groups' figures are
    /// those of the newest (4942b21, 2024-02-23), with the line ownership at that commit; each month the
    /// newest report whose commit landed in it (2024-01: 80b542a, not b6677e9; 2024-03: none). Expected
    /// values from `git blame --first-parent <commit>` of the covered lines and the groups the report
    /// credits those changes to: at 4942b21 Queue.swift 36-37 and 40-47 are edfd380's (vendorco.io, 5 of 10
    /// covered), 38-39 7977f2d's (acme.com, 2 of 2), cart.ts 25-30 80b542a's (#29, gmail.com, 3 of 6); at
    /// 80b542a cart.ts 3-4 are b6677e9's (#22, gmail.com, 2 of 2), 5-8 1a428fb's (#24, vendorco.io, 2 of 4),
    /// Queue.swift 5-9 the initial commit's (acme.com, 3 of 5).
    @Test func coverageAtSeveralCommitsGivesATrendPerWindow() throws {
        let trend = Self.fixtures + "coverage/trend/"
        let arguments = [
            "analyze", SampleRepositories.path("delivery"), "--format", "json", "--coverage",
            trend + "2024-02-23.xml@4942b21", trend + "2024-01-10.info@b6677e9",
            trend + "2024-01-25.info@80b542ab8efde288c97f9417a4827698ca523f29",
        ]
        let result = run(arguments + ["--window", "month"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let groups = try #require(report["groups"] as? [[String: Any]])
        func coverage(_ group: String) -> (value: Double?, details: [String: Double]?, windows: [String: Double]) {
            let g = groups.first { $0["name"] as? String == group }
            let m = (g?["metrics"] as? [String: [String: Any]])?["testCoverage"]
            var windows: [String: Double] = [:]
            for w in g?["windows"] as? [[String: Any]] ?? [] {
                if let c = (w["metrics"] as? [String: [String: Any]])?["testCoverage"],
                    c["source"] as? String == "import"
                {
                    windows[w["name"] as? String ?? ""] = c["value"] as? Double ?? -1
                }
            }
            return (m?["value"] as? Double, m?["details"] as? [String: Double], windows)
        }
        let acme = coverage("acme.com")
        #expect(acme.value == 100)
        #expect(
            acme.details == [
                "instrumentedLines": 2, "coveredLines": 2, "overall": 55.56, "overallInstrumentedLines": 18,
                "overallCoveredLines": 10,
            ])
        #expect(acme.windows == ["2024-01": 60, "2024-02": 100])  // none in 2024-03: no report landed then
        let vendor = coverage("vendorco.io")
        #expect(vendor.value == 50)
        #expect(vendor.details?["instrumentedLines"] == 10 && vendor.details?["coveredLines"] == 5)
        #expect(vendor.windows == ["2024-01": 50, "2024-02": 50])
        let gmail = coverage("gmail.com")
        #expect(gmail.value == 50)
        #expect(gmail.details?["instrumentedLines"] == 6 && gmail.details?["coveredLines"] == 3)
        #expect(gmail.windows == ["2024-01": 100, "2024-02": 50])
        let acmeJanuary = try #require(
            (groups.first { $0["name"] as? String == "acme.com" }?["windows"] as? [[String: Any]])?.first)
        #expect(
            (acmeJanuary["metrics"] as? [String: [String: Any]])?["testCoverage"]?["details"] as? [String: Double] == [
                "instrumentedLines": 5, "coveredLines": 3, "overall": 63.64, "overallInstrumentedLines": 11,
                "overallCoveredLines": 7,
            ])
        let notes = try #require(report["notes"] as? [String])
        #expect(
            notes.contains(
                "Coverage imported for 3 commit(s); the newest, 4942b21ace0d9f13c3adb23c33909507a7450105 (landed 2024-02-23T14:00:00Z), gives the groups' figures, and each --window the newest report whose commit landed in it: 10 of 18 instrumented line(s) covered overall; 0 report file(s) (0 line(s)) match no file of the analysed commit, 0 line(s) were written by no analysed change, 0 line(s) come without per-line data and count only overall."
            ))
        // Without --window: the same figures, no windows; any worker count gives the same bytes.
        let plain = run(arguments + ["--workers", "1"])
        #expect(plain.status == 0)
        #expect(try metrics(plain.stdout)["acme.com"]?["testCoverage"]?["value"] as? Double == 100)
        #expect(plain.stdout == run(arguments + ["--workers", "2"]).stdout)
        // The report records each argument as given with its file's digest, and verify --report replays it.
        let imports = try #require((report["options"] as? [String: Any])?["imports"] as? [[String: Any]])
        #expect(imports.map { $0["path"] as? String } == Array(arguments.suffix(3)))
        #expect(
            imports.first?["sha256"] as? String
                == FileDigestForTests.sha256(trend + "2024-02-23.xml"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("yardstick-trend-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try plain.stdout.write(toFile: dir + "/r.json", atomically: true, encoding: .utf8)
        let verified = run(["verify", "--report", dir + "/r.json"])
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    }

    @Test func aCoverageRevisionMustBeOnTheAnalysedLine() {
        let file = Self.fixtures + "coverage/trend/2024-01-10.info"
        let repo = SampleRepositories.path("delivery")
        let unknown = run(["analyze", repo, "--coverage", file + "@no-such-rev"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "error: \(file): \"no-such-rev\" names no commit of the repository\n")
        // b6677e9^2 is a commit of the merged branch, not of the first-parent line.
        let side = run(["analyze", repo, "--coverage", file + "@b6677e9^2"])
        #expect(side.status == 1)
        #expect(
            side.stderr
                == "error: \(file): \"b6677e9^2\" (2bff887e7428821de52ee3b2961f004cd5137c6d) is not a commit of the analysed first-parent line\n"
        )
        let missing = run(["analyze", repo, "--coverage", "/nonexistent/cov.info@HEAD"])
        #expect(missing.stderr == "error: /nonexistent/cov.info@HEAD: cannot read the file (missing or unreadable)\n")
    }

    @Test func gitNotesCarryBuildsAndGerritReviews() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("yardstick-notes-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(
            Command.run(
                "/usr/bin/git", ["clone", "-q", "--bare", "--no-local", SampleRepositories.path("gerrit"), dir]
            ).status == 0)
        func note(_ ref: String, _ commit: String, _ text: String) {
            let r = Command.run(
                "/usr/bin/git",
                [
                    "-C", dir, "-c", "user.name=CI", "-c", "user.email=ci@example.com", "notes", "--ref", ref, "add",
                    "-m", text, commit,
                ])
            #expect(r.status == 0, "\(r.stderr)")
        }
        note("ci", "630d9799d319761c8c5edfb00fe4df74cacc128b", "Result: success")
        note("ci", "be9c5fa2683a7002466178d121cc9506b8aa2902", "Pipeline: verify\nResult: failed")
        note("ci", "07148591f1d818f8de04131da7bb9ec32c84a739", "Result: passed")
        note(
            "review", "630d9799d319761c8c5edfb00fe4df74cacc128b",
            "Code-Review+2: Alice Anders <alice@acme.com>\nCode-Review+1: Bob Brown <bob@acme.com>\nVerified+1: CI Bot <ci-bot@example.com>\nSubmitted-by: Alice Anders <alice@acme.com>\nSubmitted-at: Mon, 15 Jan 2024 10:00:00 +0100\nReviewed-on: https://review.example.org/c/project/+/1234\nComments-Total: 4\nProject: project\nBranch: refs/heads/main"
        )
        note(
            "review", "be9c5fa2683a7002466178d121cc9506b8aa2902",
            "Code-Review+2: Bob Brown <bob@acme.com>\nSubmitted-by: Bob Brown <bob@acme.com>\nSubmitted-at: Tue, 16 Jan 2024 10:00:00 +0100\nReviewed-on: https://review.example.org/c/project/+/1240\nProject: project\nBranch: refs/heads/main"
        )
        let result = run(["analyze", dir, "--format", "json", "--build-notes", "refs/notes/ci", "--review-notes"])
        #expect(result.status == 0, "\(result.stderr)")
        let m = try metrics(result.stdout)
        #expect(m["vendorco.io"]?["buildSuccessRate"]?["value"] as? Double == 50)
        #expect(m["acme.com"]?["buildSuccessRate"]?["value"] as? Double == 100)
        #expect(m["vendorco.io"]?["reviewCommentsPerPR"]?["value"] as? Double == 2)  // 4 and 0
        #expect(m["vendorco.io"]?["reviewCommentsPerPR"]?["source"] as? String == "import")
        #expect(m["vendorco.io"]?["reviewersPerPR"]?["value"] as? Double == 1.5)
        #expect(m["vendorco.io"]?["approvalsPerPR"]?["value"] as? Double == 1)
        // Gerrit's notes have no opening time: the turnaround stays the proxy.
        #expect(m["vendorco.io"]?["reviewTurnaroundHours"]?["source"] as? String == "proxy")
    }
}

/// `sha256:` and the SHA-256 of a file through `sha256sum`, independent of the code under test.
enum FileDigestForTests {
    static func sha256(_ path: String) -> String? {
        let r = Command.run("/usr/bin/sha256sum", [path])
        return r.status == 0 ? r.stdout.split(separator: " ").first.map { "sha256:" + $0 } : nil
    }
}
