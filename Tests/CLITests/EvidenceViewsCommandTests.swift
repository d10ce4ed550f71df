import Foundation
import TestSupport
import Testing

/// Imports in `verify --report`, group names under `--pseudonymize`, `--by author`, `--period/--against` and
/// `groups --write-config`, end to end.
struct EvidenceViewsCommandTests {
    static func yardstick(_ arguments: [String], cwd: String? = SampleRepositories.root, env: [String: String] = [:])
        -> Command.Result
    {
        EvidenceCommandTests.yardstick(arguments, cwd: cwd, env: env)
    }

    static let fixtures = SampleRepositories.packageRoot + "/Tests/EvidenceImportTests/Fixtures/"

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    // MARK: - Imports in the report and in verify --report

    @Test func verifyReportReplaysTheImports() throws {
        let dir = try EvidenceCommandTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files = ["builds/builds.csv", "coverage/coverage.info", "reviews/gh-prs.json"]
        for f in files {
            try FileManager.default.copyItem(
                atPath: Self.fixtures + f, toPath: dir + "/" + URL(fileURLWithPath: f).lastPathComponent)
        }
        let made = Self.yardstick(
            [
                "analyze", SampleRepositories.path("squash"), "--builds", "builds.csv", "--coverage", "coverage.info",
                "--reviews", "gh-prs.json", "--coverage-strip-prefix", "/ci/", "--format", "json", "-o", "r.json",
            ], cwd: dir)
        #expect(made.status == 0, "\(made.stderr)")
        let options = try #require(
            try Self.json(String(contentsOfFile: dir + "/r.json", encoding: .utf8))["options"] as? [String: Any])
        let imports = try #require(options["imports"] as? [[String: String]])
        #expect(
            imports == [
                [
                    "kind": "builds", "path": "builds.csv",
                    "sha256": "sha256:"
                        + EvidenceCommandTests.sha256sum(
                            try String(contentsOfFile: dir + "/builds.csv", encoding: .utf8)),
                ],
                [
                    "kind": "coverage", "path": "coverage.info",
                    "sha256": "sha256:"
                        + EvidenceCommandTests.sha256sum(
                            try String(contentsOfFile: dir + "/coverage.info", encoding: .utf8)),
                ],
                [
                    "kind": "reviews", "path": "gh-prs.json",
                    "sha256": "sha256:"
                        + EvidenceCommandTests.sha256sum(
                            try String(contentsOfFile: dir + "/gh-prs.json", encoding: .utf8)),
                ],
            ])
        #expect((options["importSettings"] as? [String: Any])?["coverageStripPrefixes"] as? [String] == ["/ci/"])

        // Shown in the human formats too.
        let importArgs = [
            "analyze", SampleRepositories.path("squash"), "--builds", "builds.csv", "--coverage", "coverage.info",
            "--reviews", "gh-prs.json", "--coverage-strip-prefix", "/ci/",
        ]
        let digests = imports.map { $0["sha256"] ?? "" }
        let md = Self.yardstick(importArgs + ["--format", "markdown"], cwd: dir)
        #expect(
            md.stdout.contains(
                "Imports: builds `builds.csv` (`\(digests[0])`); coverage `coverage.info` (`\(digests[1])`); reviews `gh-prs.json` (`\(digests[2])`).\n"
            ), "\(md.stdout.prefix(800))")
        let table = Self.yardstick(importArgs, cwd: dir)
        #expect(table.stdout.contains("import: coverage coverage.info \(digests[1])\n"))
        let html = Self.yardstick(importArgs + ["--format", "html"], cwd: dir)
        #expect(html.stdout.contains("<li>\n     <code>gh-prs.json</code> (reviews), \(digests[2])\n    </li>"), "html")

        let ok = Self.yardstick(["verify", "--report", "r.json"], cwd: dir)
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.hasPrefix("r.json: every value recomputed identically from "))
        // From elsewhere, with the files in another folder.
        let other = dir + "/elsewhere"
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        for f in ["builds.csv", "coverage.info", "gh-prs.json"] {
            try FileManager.default.copyItem(atPath: dir + "/" + f, toPath: other + "/" + f)
        }
        let moved = Self.yardstick(["verify", "--report", dir + "/r.json", "--imports-dir", other])
        #expect(moved.status == 0, "\(moved.stdout)\(moved.stderr)")

        // A changed import file is named, with both digests; a missing one too.
        try (try String(contentsOfFile: other + "/coverage.info", encoding: .utf8) + "\n").write(
            toFile: other + "/coverage.info", atomically: true, encoding: .utf8)
        let changed = Self.yardstick(["verify", "--report", dir + "/r.json", "--imports-dir", other])
        #expect(changed.status == 1)
        #expect(
            changed.stderr.hasPrefix(
                "error: \(other)/coverage.info: the coverage import differs from the one \(dir)/r.json was made with (sha256:"
            ), "\(changed.stderr)")
        try FileManager.default.removeItem(atPath: other + "/gh-prs.json")
        let missing = Self.yardstick(["verify", "--report", "r.json", "--imports-dir", "elsewhere"], cwd: dir)
        #expect(missing.status == 1)
        #expect(
            missing.stderr
                == "error: elsewhere/coverage.info: the coverage import differs from the one r.json was made with (sha256:\(EvidenceCommandTests.sha256sum(try String(contentsOfFile: other + "/coverage.info", encoding: .utf8))), recorded \(imports[1]["sha256"] ?? ""))\n"
        )
        try FileManager.default.removeItem(atPath: other + "/coverage.info")
        let gone = Self.yardstick(["verify", "--report", "r.json", "--imports-dir", "elsewhere"], cwd: dir)
        #expect(
            gone.stderr
                == "error: elsewhere/coverage.info: the coverage import recorded in r.json is missing (give --imports-dir DIR holding it)\n"
        )

        // A changed imported number is listed.
        let text = try String(contentsOfFile: dir + "/r.json", encoding: .utf8)
        let tampered = text.replacingOccurrences(of: "\"value\" : 66.67", with: "\"value\" : 97")
        #expect(tampered != text)
        try tampered.write(toFile: dir + "/t.json", atomically: true, encoding: .utf8)
        let bad = Self.yardstick(["verify", "--report", "t.json"], cwd: dir)
        #expect(bad.status == 2)
        #expect(bad.stdout.contains(": report has 97, recomputed 66.67\n"), "\(bad.stdout)")
        #expect(bad.stdout.contains("groups[0].metrics.buildSuccessRate.value: report has 97, recomputed 66.67\n"))
    }

    @Test func reportWithoutImportsRecordsAnEmptyList() throws {
        let r = Self.yardstick(["analyze", "squash", "--format", "json"])
        #expect(r.status == 0)
        #expect(
            r.stdout.contains("\"imports\" : [\n\n    ],") || r.stdout.contains("\"imports\" : [],"),
            "\(r.stdout.prefix(900))")
        #expect(r.stdout.contains("\"importSettings\" : null,"))
        #expect(r.stdout.contains("\"by\" : null,"))
        // A report written before these fields existed still re-checks.
        let dir = try EvidenceCommandTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let old = r.stdout.replacingOccurrences(of: "    \"by\" : null,\n", with: "")
            .replacingOccurrences(of: "    \"importSettings\" : null,\n", with: "")
            .replacingOccurrences(of: "    \"imports\" : [\n\n    ],\n", with: "")
        #expect(!old.contains("\"imports\"") && !old.contains("\"by\""))
        try old.write(toFile: dir + "/old.json", atomically: true, encoding: .utf8)
        let replay = Self.yardstick(["verify", "--report", dir + "/old.json"])
        #expect(replay.status == 0, "\(replay.stdout)\(replay.stderr)")
    }

    // MARK: - No name, e-mail or author-derived group name under --pseudonymize

    @Test(arguments: ["github-merge", "delivery"])
    func defaultGroupNamesArePseudonymizedInEveryOutput(sample: String) throws {
        let plain = try Self.json(Self.yardstick(["analyze", sample, "--format", "json"]).stdout)
        let domains = (plain["groups"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            .filter { $0 != "unassigned" }
        #expect(domains.contains("acme.com"))
        let forbidden = try EvidenceCommandTests.people(sample: sample) + domains
        let env = ["YARDSTICK_PSEUDONYM_KEY": "a test key of at least 16 bytes"]
        var outputs: [(String, Command.Result)] = []
        for format in ["table", "markdown", "json", "html"] {
            for view in [[], ["--by", "author"]] {
                outputs.append(
                    (
                        "\(format) \(view)",
                        Self.yardstick(["analyze", sample, "--format", format, "--pseudonymize"] + view, env: env)
                    ))
            }
        }
        outputs.append(("groups", Self.yardstick(["groups", sample, "--pseudonymize"], env: env)))
        outputs.append(("groups --json", Self.yardstick(["groups", sample, "--pseudonymize", "--json"], env: env)))
        for (what, r) in outputs {
            #expect(r.status == 0, "\(what): \(r.stderr)")
            #expect(r.stdout.contains("group-") || r.stdout.contains("person-"), "\(what)")
            for text in forbidden { #expect(!r.stdout.contains(text), "\(sample) \(what): \(text)") }
        }
        // Group names written in the configuration stay.
        let dir = try EvidenceCommandTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "groups:\n  - name: In-house\n    domains: [acme.com]\n".write(
            toFile: dir + "/y.yml", atomically: true, encoding: .utf8)
        let configured = Self.yardstick(
            ["analyze", sample, "--format", "json", "--pseudonymize", "--config", dir + "/y.yml"], env: env)
        let names = (try Self.json(configured.stdout)["groups"] as? [[String: Any]] ?? []).compactMap {
            $0["name"] as? String
        }
        #expect(names.first == "In-house" && names.last == "unassigned", "\(names)")
    }

    // MARK: - --by author

    @Test func byAuthorInEveryFormat() throws {
        let md = Self.yardstick(["analyze", "github-merge", "--by", "author", "--format", "markdown"])
        #expect(md.status == 0, "\(md.stderr)")
        #expect(md.stdout.contains("Configuration: none; one group per author (--by author).\n"))
        #expect(md.stdout.contains("\n## Bob Brown\n\n4 landed changes by 1 author.\n"), "\(md.stdout.prefix(600))")
        #expect(!md.stdout.contains("## unassigned"))
        let table = Self.yardstick(["analyze", "github-merge", "--by", "author"])
        #expect(table.stdout.contains("config: none; one group per author (--by author)\n"))
        let html = Self.yardstick(["analyze", "github-merge", "--by", "author", "--format", "html"])
        #expect(html.stdout.contains("Configuration: none; one group per author (--by author)"))
        let json = try Self.json(
            Self.yardstick(["analyze", "github-merge", "--by", "author", "--format", "json"]).stdout)
        #expect((json["options"] as? [String: Any])?["by"] as? String == "author")
        // verify --report replays the grouping.
        let dir = try EvidenceCommandTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let saved = Self.yardstick([
            "analyze", "github-merge", "--by", "author", "--format", "json", "-o", dir + "/a.json",
        ])
        #expect(saved.status == 0)
        let replay = Self.yardstick(["verify", "--report", dir + "/a.json"])
        #expect(replay.status == 0, "\(replay.stdout)\(replay.stderr)")
        let conflict = Self.yardstick(["analyze", "github-merge", "--by", "author", "--privacy", "groups"])
        #expect(conflict.status == 64)
        #expect(
            conflict.stderr
                == "error: --by author and --privacy groups conflict: a per-author view is per-person data (use --pseudonymize); see 'yardstick analyze --help'\n"
        )
    }

    // MARK: - --period / --against

    @Test func twoPeriodsSideBySide() throws {
        let args = ["analyze", "delivery", "--period", "2024-02", "--against", "2024-01"]
        let r = Self.yardstick(args + ["--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try Self.json(r.stdout)
        #expect(json["kind"] as? String == "yardstick period comparison")
        let period = try #require(json["period"] as? [String: Any])
        #expect(period["landedChanges"] as? Int == 10)
        #expect((period["options"] as? [String: Any])?["since"] as? String == "2024-02-01T00:00:00Z")
        #expect((period["options"] as? [String: Any])?["until"] as? String == "2024-02-29T23:59:59Z")
        #expect((json["against"] as? [String: Any])?["landedChanges"] as? Int == 13)
        let groups = try #require(json["groups"] as? [[String: Any]])
        #expect(groups.compactMap { $0["name"] as? String } == ["acme.com", "gmail.com", "vendorco.io"])
        let acme = try #require(groups.first?["metrics"] as? [[String: Any]])
        let size = try #require(acme.first { $0["key"] as? String == "prSize" })
        #expect((size["period"] as? [String: Any])?["value"] as? Double == 5.6)
        #expect((size["period"] as? [String: Any])?["samples"] as? Double == 5)
        #expect((size["against"] as? [String: Any])?["value"] as? Double == 47.71)
        #expect((size["against"] as? [String: Any])?["samples"] as? Double == 7)
        #expect(size["delta"] as? Double == -42.11)
        #expect(size["change"] as? String == "better")
        let turnaround = try #require(acme.first { $0["key"] as? String == "reviewTurnaroundHours" })
        #expect((turnaround["against"] as? [String: Any])?["band"] as? String == "Poorly Managed Offshore")
        #expect(turnaround["delta"] as? Double == -7)

        // Each side equals a separate analyze run of its window.
        let january = try Self.json(
            Self.yardstick([
                "analyze", "delivery", "--since", "2024-01-01", "--until", "2024-01-31", "--format", "json",
            ])
            .stdout)
        let januaryAcme = try #require((january["groups"] as? [[String: Any]])?.first)
        #expect(((januaryAcme["metrics"] as? [String: Any])?["prSize"] as? [String: Any])?["value"] as? Double == 47.71)

        let table = Self.yardstick(args)
        #expect(table.status == 0)
        #expect(
            table.stdout.contains(
                "  PR Size (avg lines changed)         5.60 (better than all, n = 5)                 47.71 (better than all, n = 7)  -42.11  better\n"
            ), "\(table.stdout)")
        let md = Self.yardstick(args + ["--format", "markdown"])
        #expect(
            md.stdout.contains(
                "| PR Review Turnaround | 5 h (Industry Average / Well-Managed, n = 3) | 12 h (Poorly Managed, n = 4) | -7 | better |\n"
            ), "\(md.stdout)")
        // Same bytes whatever the workers.
        #expect(Self.yardstick(args + ["--format", "json", "--workers", "1"]).stdout == r.stdout)
    }

    @Test(arguments: [
        (
            ["--against", "2024-01"], "error: --against needs --period; see 'yardstick analyze --help'\n"
        ),
        (
            ["--period", "2024-Q5"],
            "error: --period '2024-Q5' is not a period (expected YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD..YYYY-MM-DD); see 'yardstick analyze --help'\n"
        ),
        (
            ["--period", "2024", "--since", "2024-01-01"],
            "error: --period sets the dates: it excludes --since and --until; see 'yardstick analyze --help'\n"
        ),
        (
            ["--period", "2024-Q1", "--against", "2023-Q4", "--format", "html"],
            "error: --against writes table, markdown or json, not html; see 'yardstick analyze --help'\n"
        ),
        (
            ["--period", "2024-Q1", "--against", "2023-Q4", "--format", "openmetrics"],
            "error: --against writes table, markdown or json, not openmetrics; see 'yardstick analyze --help'\n"
        ),
        (
            ["--period", "2024-Q1", "--against", "2023-Q4", "--fail-on", "poorly-managed"],
            "error: --against and gates exclude each other; see 'yardstick analyze --help'\n"
        ),
        (
            ["--period", "2024-Q1", "--against", "2023-Q4", "--store", "s.sqlite"],
            "error: --against and --store exclude each other; see 'yardstick analyze --help'\n"
        ),
    ])
    func periodUsageErrors(arguments: [String], expected: String) {
        let r = Self.yardstick(["analyze", "delivery"] + arguments)
        #expect(r.status == 64)
        #expect(r.stderr == expected)
    }

    // MARK: - Hostile text

    @Test func hostileTextStaysEscapedInTheNewOutputs() throws {
        let repo = HostileTextTests.repo
        let dir = try EvidenceCommandTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let outputs = [
            Self.yardstick(["analyze", repo, "--period", "2000-01-01..2099-12-31", "--against", "1999"]),
            Self.yardstick(
                ["analyze", repo, "--period", "2000-01-01..2099-12-31", "--against", "1999", "--format", "markdown"]),
            Self.yardstick(["analyze", repo, "--by", "author"]),
            Self.yardstick(["analyze", repo, "--by", "author", "--format", "markdown"]),
            Self.yardstick(["groups", repo, "--write-config", dir + "/y.yml"]),
        ]
        for r in outputs {
            #expect(r.status == 0, "\(r.stderr)")
            #expect(HostileTextTests.forbidden(r.stdout).isEmpty, "\(HostileTextTests.forbidden(r.stdout))")
        }
        #expect(outputs[0].stdout.contains("\nevil\\x1B[31m.example\n"), "\(outputs[0].stdout)")
        let written = try String(contentsOfFile: dir + "/y.yml", encoding: .utf8)
        #expect(HostileTextTests.forbidden(written).isEmpty)
        #expect(written.contains("  - name: \"evil\\u001B[31m.example\""), "\(written)")
        // Loadable as written.
        let listed = Self.yardstick(["groups", repo, "--config", dir + "/y.yml"])
        #expect(listed.status == 0, "\(listed.stderr)")
    }

    // MARK: - groups --write-config

    @Test func writeConfigRefusesToOverwriteAndLoads() throws {
        let dir = try EvidenceCommandTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/yardstick.yml"
        let written = Self.yardstick(["groups", "squash", "--write-config", file])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stderr == "\(file): 3 groups for 6 people written\n")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("  - name: \"acme.com\"  # 2 authors, 4 commits, 4 landed change credits\n"))
        let again = Self.yardstick(["groups", "squash", "--write-config", file])
        #expect(again.status == 1)
        #expect(again.stderr == "error: \(file): already exists; give --force to replace it\n")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == text)
        let forced = Self.yardstick(["groups", "squash", "--write-config", file, "--force"])
        #expect(forced.status == 0)
        // Loaded, it puts everyone where the default grouping did, Carla under personal addresses.
        let listed = Self.yardstick(["groups", "squash", "--config", file])
        #expect(listed.status == 0, "\(listed.stderr)")
        let groups = listed.stdout.split(separator: "\n").dropFirst().map { String($0.prefix { $0 != " " }) }
        #expect(
            groups == ["Personal", "acme.com", "acme.com", "bots", "vendorco.io", "vendorco.io"], "\(listed.stdout)")
    }
}
