import Foundation
import TestSupport
import Testing

private func yardstick(_ arguments: [String], cwd: String? = nil) -> Command.Result {
    Command.run(Command.yardstick, arguments, cwd: cwd)
}

@Suite struct AnalyzeCommandTests {
    @Test func jsonReportOnTheMergeSample() throws {
        let result = yardstick(["analyze", SampleRepositories.path("github-merge"), "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["schemaVersion"] as? Int == 3)
        let repository = try #require(json["repository"] as? [String: Any])
        #expect(repository["head"] as? String == "fec84f68b9458a7995c12400d912bdc5e58ee2dc")
        #expect(repository["branch"] as? String == "main")
        let groups = try #require(json["groups"] as? [[String: Any]])
        #expect(groups.map { $0["name"] as? String } == ["acme.com", "gmail.com", "vendorco.io"])
        let prs = try #require(json["pullRequests"] as? [[String: Any]])
        #expect(prs.count == 13)
        let five = try #require(prs.first { $0["number"] as? Int == 5 })
        #expect(five["kind"] as? String == "merge")
        #expect(five["additions"] as? Int == 265)
        #expect(five["countedAdditions"] as? Int == 55)
        #expect(five["group"] as? String == "vendorco.io")
        #expect(five["authoredAt"] as? String != nil)
        let vendor = try #require(groups.first { $0["name"] as? String == "vendorco.io" })
        let metrics = try #require(vendor["metrics"] as? [String: Any])
        let prSize = try #require(metrics["prSize"] as? [String: Any])
        // vendorco.io: #2 185, #5 55, #7 60, #8 145 counted lines → mean 111.25.
        #expect(prSize["value"] as? Double == 111.25)
        #expect(prSize["aggregator"] as? String == "mean")
        let benchmark = try #require(prSize["benchmark"] as? [String: Any])
        #expect(benchmark["bands"] as? [String] == ["Well-Managed Offshore"])
        // Merge time minus the branch's last commit: #2 8.5 h, #5 34 h, #7 125.91 h, #8 13 h (checked with git log).
        let turnaround = try #require(metrics["reviewTurnaroundHours"] as? [String: Any])
        #expect(turnaround["value"] as? Double == 23.5)
        #expect(turnaround["aggregator"] as? String == "median")
        #expect(turnaround["source"] as? String == "proxy")
        #expect((turnaround["benchmark"] as? [String: Any])?["bands"] as? [String] == ["Poorly Managed Offshore"])
        // First authored branch commit to merge: 33.5, 38, 150, 57 h → median 47.5.
        let cycle = try #require(metrics["cycleTimeHours"] as? [String: Any])
        #expect(cycle["value"] as? Double == 47.5)
        let coverage = try #require(metrics["testCoverage"] as? [String: Any])
        #expect(coverage["value"] is NSNull)
        #expect(coverage["source"] as? String == "notMeasured")
        let bots = try #require(json["bots"] as? [[String: Any]])
        #expect(bots.map { $0["name"] as? String } == ["dependabot[bot]"])
    }

    @Test(arguments: ["table", "markdown", "json"]) func reportsAreDeterministic(format: String) {
        let a = yardstick(["analyze", SampleRepositories.path("squash"), "--format", format])
        let b = yardstick(["analyze", SampleRepositories.path("squash"), "--format", format, "--workers", "1"])
        #expect(a.status == 0)
        #expect(a.stdout == b.stdout)
        #expect(!a.stdout.contains("\u{1B}["))
    }

    @Test func outputFileIsWrittenWhole() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("yardstick-cli-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let out = dir + "/report.md"
        let result = yardstick(["analyze", SampleRepositories.path("gerrit"), "--format", "markdown", "--output", out])
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty)
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.hasPrefix("# Yardstick report: "))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["report.md"])
    }

    @Test func configGroupsAuthors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("yardstick-cfg-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let config = dir + "/yardstick.yml"
        try """
        groups:
          - name: In-house
            domains: [acme.com]
          - name: Vendor
            domains: [vendorco.io]
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let result = yardstick(["analyze", SampleRepositories.path("squash"), "--config", config, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let groups = try #require(json["groups"] as? [[String: Any]])
        #expect(groups.map { $0["name"] as? String } == ["In-house", "Vendor", "unassigned"])
        let unassigned = try #require(groups.last?["authors"] as? [[String: Any]])
        #expect(unassigned.map { $0["email"] as? String } == ["carla.diaz@gmail.com"])
    }

    /// Issue 12, item 9 (schema 2): a configured group nobody belongs to costs its few lines of JSON, not a
    /// full set of metrics. 2,000 such groups beside the two real ones add exactly 2,000 copies of the empty
    /// group's entry (under 200 bytes each), and leave every other group as it was.
    @Test func emptyConfiguredGroupsCostTheirShapeOnly() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("yardstick-empty-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let real =
            "version: 1\ngroups:\n- name: In-house\n  domains: [acme.com]\n- name: Vendor\n  domains: [vendorco.io]\n"
        let names = (0..<2000).map { "G" + String(String(100_000 + $0).dropFirst()) }
        let empty = names.map { "- name: \($0)\n  domains: [\($0.lowercased()).example]\n" }.joined()
        try real.write(toFile: dir + "/base.yml", atomically: true, encoding: .utf8)
        try (real + empty).write(toFile: dir + "/many.yml", atomically: true, encoding: .utf8)
        let base = yardstick([
            "analyze", SampleRepositories.path("squash"), "--config", dir + "/base.yml", "--format", "json",
        ])
        let many = yardstick([
            "analyze", SampleRepositories.path("squash"), "--config", dir + "/many.yml", "--format", "json",
        ])
        #expect(base.status == 0, "\(base.stderr)")
        #expect(many.status == 0, "\(many.stderr)")
        // The encoder's text of one empty group at the report's nesting.
        func entry(_ name: String) -> String {
            "    {\n      \"authors\" : [\n\n      ],\n      \"metrics\" : {\n\n      },\n      \"name\" : \"\(name)\",\n      \"windows\" : null\n    },\n"
        }
        #expect(entry("G00000").utf8.count < 200)
        #expect(many.stdout.components(separatedBy: "\"metrics\" : {\n\n      }").count - 1 == 2000)
        #expect(base.stdout.components(separatedBy: "\"metrics\" : {\n\n      }").count - 1 == 0)
        #expect(names.allSatisfy { many.stdout.contains(entry($0)) })
        // Same-length file names and digests: the only difference is the 2,000 entries.
        #expect(many.stdout.utf8.count - base.stdout.utf8.count == names.map { entry($0).utf8.count }.reduce(0, +))
        let a = try #require(try JSONSerialization.jsonObject(with: Data(base.stdout.utf8)) as? [String: Any])
        let b = try #require(try JSONSerialization.jsonObject(with: Data(many.stdout.utf8)) as? [String: Any])
        let baseGroups = try #require(a["groups"] as? [[String: Any]])
        let manyGroups = try #require(b["groups"] as? [[String: Any]])
        #expect(manyGroups.count == 2003)
        let kept = manyGroups.filter { !(($0["name"] as? String)?.hasPrefix("G") ?? false) }
        #expect(kept.map { $0["name"] as? String } == ["In-house", "Vendor", "unassigned"])
        #expect(NSArray(array: kept).isEqual(to: baseGroups))
        #expect(NSArray(array: b["pullRequests"] as? [Any] ?? []).isEqual(to: a["pullRequests"] as? [Any] ?? []))
    }

    /// A merge whose own title is a fix (`fixmerge`, ADR 0025's second addendum): its `fixCommits` list its
    /// branch's fix commits with their own blames; its `blames` add its whole diff's (the initial commit's
    /// line), each change counted once.
    @Test func jsonFixCommitsOfAFixTitledMerge() throws {
        let result = yardstick(["analyze", SampleRepositories.path("fixmerge"), "--format", "json", "--workers", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let merge = try #require((json["pullRequests"] as? [[String: Any]])?.first)
        #expect(merge["commit"] as? String == "14a566ab73db876e96520116b31ab4653ed06072")
        let delivery = try #require(merge["delivery"] as? [String: Any])
        func short(_ blames: Any?) -> [String: Int] {
            var out: [String: Int] = [:]
            for b in blames as? [[String: Any]] ?? [] {
                out[String((b["commit"] as? String ?? "").prefix(7))] = b["lines"] as? Int
            }
            return out
        }
        let fixes = try #require(delivery["fixCommits"] as? [[String: Any]])
        #expect(
            fixes.map { $0["commit"] as? String } == [
                "7dfc57b5734fa429f0ba3354da2cbe928ed4cb76", "9daafadcab1f6a8e90651b0c41fe85444ca9d20e",
            ])
        #expect(fixes.map { short($0["blames"]) } == [["5365ae1": 2], ["d470d03": 1]])
        #expect(short(delivery["blames"]) == ["d470d03": 1, "5365ae1": 2, "5896d07": 1])
        let one = yardstick(["analyze", SampleRepositories.path("fixmerge"), "--format", "json", "--workers", "1"])
        #expect(one.stdout == result.stdout)
    }
}

@Suite struct ErrorPathTests {
    /// Every failure: exit status 1, exactly one line on standard error naming the path, nothing on standard output.
    @Test(arguments: [
        (["analyze", "not-a-repo"], "not-a-repo: not a git repository"),
        (["analyze", "empty"], "empty: the repository has no commits yet"),
        (["analyze", "squash", "--branch", "nope"], "squash: unknown branch or revision 'nope'"),
        (["analyze", "shallow"], "shallow: shallow clone: history stops at 3 boundary commit(s)"),
        (
            ["analyze", "corrupt"],
            "corrupt: commit 522e3e90029459fbe1ce366b36aeca56e6000425: blob 2bdff12c35b30a98df4014519245974d9b429ceb ('src/session.c') is missing from the object store: the repository is damaged (no .promisor pack promises absent objects)"
        ),
        (["analyze", "squash", "--config", "missing.yml"], "missing.yml: cannot read the configuration file"),
        (
            ["analyze", "squash", "--output", "no-such-folder/report.json"],
            "no-such-folder/report.json: cannot write the report"
        ),
    ])
    func failsWithOneLine(arguments: [String], message: String) {
        let result = yardstick(arguments, cwd: SampleRepositories.root)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: "))
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func malformedConfigNamesFileAndLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("yardstick-bad-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "groups:\n  - name: a\n    domain: [acme.com]\n".write(
            toFile: dir + "/yardstick.yml", atomically: true, encoding: .utf8)
        let result = yardstick(["analyze", SampleRepositories.path("squash")], cwd: dir)
        #expect(result.status == 1)
        #expect(
            result.stderr.hasPrefix("error: yardstick.yml:3: unknown key 'domain' in groups[0]"), "\(result.stderr)")
    }

    @Test func badDateIsAUsageError() {
        let result = yardstick(["analyze", SampleRepositories.path("squash"), "--since", "2024-02-30"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--since '2024-02-30' is not a date"))
    }

    @Test func failedRunLeavesNoOutputFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("yardstick-fail-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let result = yardstick(["analyze", SampleRepositories.path("corrupt"), "--output", dir + "/r.json"])
        #expect(result.status == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }
}

@Suite struct GroupsCommandTests {
    @Test func listsEveryAuthorWithGroupAndRule() throws {
        let result = yardstick(["groups", SampleRepositories.path("github-merge"), "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let rows = try #require(json["rows"] as? [[String: Any]])
        let summary = rows.map {
            "\($0["group"] as? String ?? "") \($0["email"] as? String ?? "") \($0["rule"] as? String ?? "")"
        }
        #expect(
            summary == [
                "acme.com alice@acme.com e-mail domain",
                "acme.com bob@acme.com e-mail domain",
                "bots 49699333+dependabot[bot]@users.noreply.github.com bot pattern",
                "gmail.com carla.diaz@gmail.com e-mail domain",
                "vendorco.io rene@vendorco.io e-mail domain",
                "vendorco.io vikram@vendorco.io e-mail domain",
                "vendorco.io wei@vendorco.io e-mail domain",
            ])
    }
}
