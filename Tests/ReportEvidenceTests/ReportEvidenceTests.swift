import Foundation
import HistoryMetrics
import MetricsReporting
import ReportContract
import Testing

@testable import ReportEvidence

/// The fixture report of MetricsReportingTests, read from its JSON golden file.
enum FixtureReport {
    static let path: String = {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()
        url.deleteLastPathComponent()
        return url.appendingPathComponent("MetricsReportingTests/Snapshots/report.json").path
    }()

    static func load() throws -> Report {
        try JSONDecoder().decode(Report.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Every name and e-mail the report holds.
    static func people(_ r: Report) -> [String] {
        var out: [String] = []
        for a in r.groups.flatMap(\.authors) + r.bots { out += [a.name, a.email] }
        for pr in r.pullRequests {
            for s in [pr.author] + pr.coAuthors + (pr.delivery?.reviewers ?? []) {
                if let (n, e) = Pseudonymizer.People.split(s) { out += [n, e] }
            }
        }
        return Array(Set(out)).sorted()
    }
}

struct PseudonymizerTests {
    static let key = Array("0123456789abcdef-test-key".utf8)

    @Test func pseudonymIsTheKeyedHMACOfTheLowerCasedEmail() throws {
        let p = try Pseudonymizer(mode: .pseudonyms, key: Self.key)
        // openssl: echo -n alice@acme.com | openssl dgst -sha256 -hmac 0123456789abcdef-test-key → 64e4f63fb2…
        #expect(p.pseudonym(email: "alice@acme.com").name == "person-64e4f63fb2")
        #expect(p.pseudonym(email: "Alice@ACME.com").email == "person-64e4f63fb2@pseudonymized.invalid")
        let other = try Pseudonymizer(mode: .pseudonyms, key: Array("another key of 16+ bytes".utf8))
        #expect(other.pseudonym(email: "alice@acme.com").name != "person-64e4f63fb2")
    }

    @Test func shortOrMissingKeyIsRefused() {
        #expect(throws: Pseudonymizer.KeyError.self) { try Pseudonymizer(mode: .pseudonyms, key: Array("short".utf8)) }
        #expect(throws: Pseudonymizer.KeyError.self) { try Pseudonymizer(mode: .pseudonyms, key: nil) }
        #expect(Pseudonymizer.key(fileContents: Array("secret-key\r\n".utf8)) == Array("secret-key".utf8))
    }

    @Test func noNameOrEmailIsLeftInAnyFormat() throws {
        var report = try FixtureReport.load()
        // A subject naming people of the report, by name and by e-mail, in another case.
        report.pullRequests[4].title = "Tidy up for Alice and BOB@contractor.io"
        let people = FixtureReport.people(report)
        #expect(people.contains("Alice") && people.contains("dependabot[bot]"))
        let out = try Pseudonymizer(mode: .pseudonyms, key: Self.key).apply(report)
        for format in ReportFormat.allCases {
            let text = format.render(out)
            for person in people { #expect(!text.contains(person), "\(format): \(person)") }
        }
        #expect(out.pullRequests[4].title == "Tidy up for person-64e4f63fb2 and \(out.groups[1].authors[0].email)")
        #expect(out.groups[1].authors[0].email.hasPrefix("person-"))
        #expect(out.pullRequests[0].author == "person-64e4f63fb2 <person-64e4f63fb2@pseudonymized.invalid>")
        #expect(out.bots.map(\.name).allSatisfy { $0.hasPrefix("bot-") })
        #expect(out.notes.last == Pseudonymizer.note[.pseudonyms])
        // Figures are untouched.
        #expect(out.groups.map(\.metrics) == report.groups.map(\.metrics))
        #expect(out.pullRequests.map(\.countedAdditions) == report.pullRequests.map(\.countedAdditions))
        // Stable: the same key gives the same report.
        #expect(try Pseudonymizer(mode: .pseudonyms, key: Self.key).apply(report) == out)
    }

    static let octocat = "9f67aeda02"

    @Test func forgeHandlesInMergeSubjects() throws {
        let p = try Pseudonymizer(mode: .pseudonyms, key: Self.key)
        // openssl: echo -n handle:octocat | openssl dgst -sha256 -hmac 0123456789abcdef-test-key
        #expect(
            p.handles(in: "Merge pull request #12 from OctoCat/fix-parser")
                == "Merge pull request #12 from user-\(Self.octocat)/fix-parser")
        #expect(
            p.handles(in: "Merged in octocat/fix-parser (pull request #12)")
                == "Merged in user-\(Self.octocat)/fix-parser (pull request #12)")
        #expect(p.handles(in: "Merge pull request #12 from a branch") == "Merge pull request #12 from a branch")
        #expect(p.handles(in: "Fix the parser") == "Fix the parser")
    }

    @Test func groupOnlyLeavesPeopleOut() throws {
        let report = try FixtureReport.load()
        let out = try Pseudonymizer(mode: .groups, key: nil).apply(report)
        #expect(out.groups.allSatisfy { $0.authors.isEmpty })
        #expect(out.bots.isEmpty)
        #expect(
            out.pullRequests.allSatisfy {
                $0.author.isEmpty && $0.coAuthors.isEmpty && $0.title == "(subject withheld)"
            })
        #expect(out.groups.map(\.metrics) == report.groups.map(\.metrics))
        let people = FixtureReport.people(report)
        for format in ReportFormat.allCases {
            let text = format.render(out)
            for person in people { #expect(!text.contains(person), "\(format): \(person)") }
        }
    }
}

struct ClaimsTests {
    @Test func bothSyntaxes() throws {
        let set = try ClaimSet.parse(
            """
            minSamples: 3
            claims:
              - {group: core, metric: prSize, op: "<=", value: 250}
              - "core: prSize.median < 100.5"
              - {group: offshore, metric: defectEscapeRate, op: ">=", value: 3, minSamples: 1}
            """, file: "c.yml")
        #expect(set.minSamples == 3)
        #expect(
            set.claims.map(\.text) == [
                "core: prSize <= 250", "core: prSize.median < 100.5", "offshore: defectEscapeRate >= 3",
            ])
        #expect(set.claims[2].minSamples == 1)
    }

    @Test(arguments: [
        ("claims: []", "c.yml: 'claims' must be a non-empty list"),
        ("claim: []", "c.yml: unknown key 'claim'"),
        (
            "claims:\n  - {group: a, metric: prSize, op: '=<', value: 1}",
            "c.yml: claims[0]: op '=<' is not one of <=, <, >=, >, =="
        ),
        ("claims:\n  - {group: a, metric: prSize, op: '<', value: lots}", "c.yml: claims[0]: 'value' must be a number"),
        (
            "claims:\n  - {group: a, metric: prSize, op: '<', value: 1, colour: red}",
            "c.yml: claims[0]: unknown key 'colour'"
        ),
        (
            "claims:\n  - 'a prSize < 1'",
            "c.yml: claims[0]: 'a prSize < 1' is not 'GROUP: METRIC[.STATISTIC] OP NUMBER'"
        ),
        ("claims: [a, : b", "c.yml: not valid YAML"),
    ])
    func badFilesNameTheFileAndTheClaim(text: String, message: String) {
        do {
            _ = try ClaimSet.parse(text, file: "c.yml")
            Issue.record("parsed: \(text)")
        } catch {
            #expect("\(error)".hasPrefix(message), "\(error)")
            #expect(!"\(error)".contains("\n"))
        }
    }

    @Test func outcomes() throws {
        let report = try FixtureReport.load()
        let set = try ClaimSet.parse(
            """
            minSamples: 3
            claims:
              - "core: prSize <= 250"
              - "core: prSize >= 250"
              - "offshore: prSize <= 2000"
              - "core: buildSuccessRate >= 92"
              - "nobody: prSize <= 1"
              - "core: prSize.p99 <= 1"
            """, file: "c.yml")
        let outcomes = set.check(report)
        let core = try #require(report.groups.first { $0.name == "core" }?.metrics["prSize"]?.value)
        #expect(outcomes.map(\.verdict) == [.pass, .fail, .notProven, .notProven, .notProven, .notProven])
        #expect(outcomes[0].measured == core && outcomes[0].samples == 3)
        #expect(outcomes[2].reason == "too few samples: 2 landed change(s), at least 3 needed")
        #expect(outcomes[3].reason?.hasPrefix("not measured: needs a CI build export") == true)
        #expect(outcomes[4].reason?.hasPrefix("no group 'nobody' in the report (groups: core, offshore") == true)
        #expect(outcomes[5].reason?.hasPrefix("metric 'prSize' has no statistic 'p99'") == true)
    }

    /// A group credited with no landed change has no metrics (schema 2): any claim on it is not proven, and says
    /// why, whatever the metric or statistic.
    @Test func claimOnAGroupWithNoLandedChanges() throws {
        let report = try FixtureReport.load()
        #expect(report.groups.first { $0.name == "empty-team" }?.metrics == [:])
        let set = try ClaimSet.parse(
            """
            claims:
              - "empty-team: prSize <= 250"
              - "empty-team: landedChanges.count >= 0"
              - "empty-team: noSuchMetric == 1"
            """, file: "c.yml")
        let outcomes = set.check(report)
        #expect(outcomes.map(\.verdict) == [.notProven, .notProven, .notProven])
        #expect(outcomes.map(\.reason) == ["no landed changes", "no landed changes", "no landed changes"])
        #expect(outcomes.map(\.measured) == [nil, nil, nil])
    }

    @Test func templateIsTheWellManagedColumn() throws {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let path = url.appendingPathComponent("docs/claims-template.yml")
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != nil {
            try Data(ClaimSet.wellManagedTemplate().utf8).write(to: path)
        }
        let file = try String(contentsOf: path, encoding: .utf8)
        #expect(file == ClaimSet.wellManagedTemplate())
        let set = try ClaimSet.parse(file, file: "docs/claims-template.yml")
        #expect(
            set.claims.map(\.text) == [
                "Vendor: reviewTurnaroundHours <= 6", "Vendor: testCoverage >= 75", "Vendor: defectEscapeRate <= 3",
                "Vendor: prSize <= 250", "Vendor: reviewCommentsPerPR >= 3", "Vendor: buildSuccessRate >= 92",
            ])
    }
}

struct SigningTests {
    let report = Data("{\"schemaVersion\" : 1}\n".utf8)

    @Test func roundTripFlippedByteAndWrongKey() throws {
        let pair = ReportSigning.generate()
        let sig = try ReportSigning.sign(report, keyFile: Data(pair.privateKey.utf8), keyPath: "k")
        func verify(_ bytes: Data, _ publicKey: String) throws -> Bool {
            try ReportSigning.verify(
                bytes, signatureFile: Data(sig.utf8), signaturePath: "s", publicKeyFile: Data(publicKey.utf8),
                publicKeyPath: "p")
        }
        #expect(try verify(report, pair.publicKey))
        for i in report.indices {
            var changed = report
            changed[i] ^= 0x01
            #expect(try !verify(changed, pair.publicKey), "byte \(i)")
        }
        #expect(try !verify(report + Data("\n".utf8), pair.publicKey))
        #expect(try !verify(report, ReportSigning.generate().publicKey))
    }

    @Test(arguments: [
        ("", "k: not a yardstick ed25519 private key file (its first line must be 'yardstick ed25519 private key')"),
        (
            "yardstick ed25519 private key\nnot base64!\n",
            "k: malformed yardstick ed25519 private key: expected one base64 line of 32 bytes after the header"
        ),
        (
            "yardstick ed25519 private key\nAAAA\n",
            "k: malformed yardstick ed25519 private key: expected one base64 line of 32 bytes after the header"
        ),
        (
            "yardstick ed25519 public key\nAAAA\n",
            "k: not a yardstick ed25519 private key file (it is a yardstick ed25519 public key file)"
        ),
    ])
    func malformedKeyFiles(text: String, message: String) {
        do {
            _ = try ReportSigning.sign(report, keyFile: Data(text.utf8), keyPath: "k")
            Issue.record("signed with \(text)")
        } catch {
            #expect("\(error)" == message)
        }
    }
}

struct ReportComparisonTests {
    @Test func differencesByPath() throws {
        let a = Data(#"{"groups":[{"metrics":{"prSize":{"value":26.19}}}],"notes":["x"],"period":null}"#.utf8)
        let b = Data(#"{"groups":[{"metrics":{"prSize":{"value":27}}}],"notes":["x","y"],"period":null}"#.utf8)
        let d = try ReportComparison.differences(recorded: a, recomputed: b)
        #expect(
            d.map(\.description) == [
                "groups[0].metrics.prSize.value: report has 26.19, recomputed 27",
                "notes: report has an array of 1, recomputed an array of 2",
            ])
        #expect(try ReportComparison.differences(recorded: a, recomputed: a).isEmpty)
    }

    @Test func keysAddedLaterCompareAsTheirDefaults() throws {
        // A report written before options.by / imports existed still re-checks; a value there does not.
        let old = Data(#"{"options":{"config":null}}"#.utf8)
        let new = Data(#"{"options":{"by":null,"config":null,"imports":[]}}"#.utf8)
        #expect(try ReportComparison.differences(recorded: old, recomputed: new).isEmpty)
        let byAuthor = Data(#"{"options":{"by":"author","config":null,"imports":[{"kind":"builds"}]}}"#.utf8)
        #expect(
            try ReportComparison.differences(recorded: old, recomputed: byAuthor).map(\.description) == [
                "options.by: report has nothing, recomputed \"author\"",
                "options.imports: report has nothing, recomputed an array of 1",
            ])
    }
}
