import Foundation
import MetricsReporting
import ReportContract
import Testing

@testable import ReportEvidence

/// Group names under `--pseudonymize`, `groups --pseudonymize`, and the period comparison over two reports.
struct GroupPseudonymTests {
    static let key = Array("0123456789abcdef-test-key".utf8)

    @Test func groupsNotInTheConfigurationArePseudonymizedEverywhere() throws {
        var report = try FixtureReport.load()
        // As with the default grouping: a personal domain names its owner.
        report.groups[0].name = "alice-smith.name"
        for i in report.pullRequests.indices {
            report.pullRequests[i].groups = report.pullRequests[i].groups.map { $0 == "core" ? "alice-smith.name" : $0 }
            if report.pullRequests[i].group == "core" { report.pullRequests[i].group = "alice-smith.name" }
        }
        report.pullRequests[0].title = "Welcome alice-smith.name to the project"
        let p = try Pseudonymizer(mode: .pseudonyms, key: Self.key)
        let out = p.apply(report, configuredGroups: ["offshore", "empty-team"])
        let pseudonym = p.groupPseudonym("alice-smith.name")
        #expect(pseudonym.hasPrefix("group-") && pseudonym.count == "group-".count + 10)
        #expect(out.groups.map(\.name) == [pseudonym, "offshore", "empty-team", "unassigned"])
        #expect(out.pullRequests[0].title == "Welcome \(pseudonym) to the project")
        #expect(
            out.pullRequests.allSatisfy { !$0.groups.contains("alice-smith.name") && $0.group != "alice-smith.name" })
        for format in ReportFormat.allCases {
            #expect(!format.render(out).contains("alice-smith"), "\(format)")
        }
        // Nothing configured: every group but the reserved ones.
        let all = p.apply(report)
        #expect(all.groups.map { $0.name.hasPrefix("group-") } == [true, true, true, false])
        #expect(Set(all.pullRequests.map(\.group)).contains("bots"))
    }

    @Test func perAuthorGroupTakesItsPersonsPseudonym() throws {
        var report = try FixtureReport.load()
        report.options.by = "author"
        report.groups = [report.groups[1]]
        report.groups[0].name = "Bob"
        let p = try Pseudonymizer(mode: .pseudonyms, key: Self.key)
        let out = p.apply(report)
        #expect(out.groups[0].name == p.pseudonym(email: "bob@contractor.io").name)
        #expect(out.groups[0].authors[0].name == out.groups[0].name)
    }

    @Test func groupsListingIsPseudonymized() throws {
        let p = try Pseudonymizer(mode: .pseudonyms, key: Self.key)
        let rows = p.apply(
            listing: [
                .init(
                    name: "Alice Smith", email: "alice@alice-smith.name", group: "alice-smith.name",
                    rule: "e-mail domain"),
                .init(name: "Bob", email: "bob@acme.com", group: "In-house", rule: "email bob@acme.com"),
                .init(
                    name: "dependabot[bot]", email: "1+dependabot[bot]@users.noreply.github.com", group: "bots",
                    rule: "bot pattern"),
            ], configuredGroups: ["In-house"])
        #expect(
            rows[0]
                == .init(
                    name: p.pseudonym(email: "alice@alice-smith.name").name,
                    email: p.pseudonym(email: "alice@alice-smith.name").email,
                    group: p.groupPseudonym("alice-smith.name"),
                    rule: "e-mail domain"))
        #expect(rows[1].group == "In-house")
        #expect(rows[1].rule == "email " + p.pseudonym(email: "bob@acme.com").email)
        #expect(rows[2].name.hasPrefix("bot-") && rows[2].group == "bots")
        #expect(try Pseudonymizer(mode: .groups, key: nil).apply(listing: rows, configuredGroups: []).isEmpty)
    }
}

struct ImportedFilesFieldTests {
    @Test func aReportWrittenBeforeTheFieldReadsAsNoImports() throws {
        var json = try String(contentsOfFile: FixtureReport.path, encoding: .utf8)
        for key in ["\"by\" : null,\n", "\"importSettings\" : null,\n"] {
            json = json.replacingOccurrences(of: "    " + key, with: "")
        }
        json = json.replacingOccurrences(of: "    \"imports\" : [\n\n    ],\n", with: "")
        #expect(!json.contains("imports") && !json.contains("\"by\""))
        let report = try JSONDecoder().decode(Report.self, from: Data(json.utf8))
        #expect(report.options.imports.isEmpty && report.options.importSettings == nil && report.options.by == nil)
        // Written again, the field is there and empty.
        #expect(JSONReporter().render(report).contains("\"imports\" : [\n\n    ],\n"))
    }
}

struct PeriodComparisonTests {
    static func metric(_ key: String, _ value: Double?, count: Double? = nil, source: Report.Metric.Source = .measured)
        -> Report.Metric
    {
        let row = BenchmarkRow.row(key)
        let placement = value.flatMap { v in row.map { $0.place(v) } }
        return Report.Metric(
            title: key, value: value, unit: row?.unit ?? "", aggregator: count == nil ? "share" : "mean",
            source: source,
            betterDirection: row?.better,
            benchmark: row.map {
                Report.Benchmark(
                    row: $0.title, bands: placement?.bands ?? [], position: placement?.position.rawValue,
                    placement: placement?.text ?? "")
            },
            details: count.map { ["count": $0] } ?? [:])
    }

    static func report(_ groups: [(String, [String: Report.Metric])], changes: Int) -> Report {
        Report(
            schemaVersion: 2, tool: .init(name: "yardstick", version: "0.1.0"),
            repository: .init(path: "repo", head: "abc", branch: "main", shallow: false),
            options: .init(), groups: groups.map { Report.Group(name: $0.0, authors: [], metrics: $0.1) }, bots: [],
            pullRequests: [], notes: [])
    }

    @Test func sideBySideWithDeltaAndDirection() throws {
        let now = Self.report(
            [
                (
                    "Vendor",
                    [
                        "landedChanges": Self.metric("landedChanges", 8),
                        "prSize": Self.metric("prSize", 180, count: 8),
                        "reviewTurnaroundHours": Self.metric("reviewTurnaroundHours", 5, count: 6, source: .proxy),
                        "defectEscapeRate": Self.metric("defectEscapeRate", 12.5),
                    ]
                ),
                (
                    "New",
                    ["landedChanges": Self.metric("landedChanges", 1), "prSize": Self.metric("prSize", 40, count: 1)]
                ),
            ], changes: 9)
        let then = Self.report(
            [
                (
                    "Vendor",
                    [
                        "landedChanges": Self.metric("landedChanges", 10),
                        "prSize": Self.metric("prSize", 420.5, count: 10),
                        "reviewTurnaroundHours": Self.metric("reviewTurnaroundHours", 5, count: 9, source: .proxy),
                        "defectEscapeRate": Self.metric("defectEscapeRate", 10),
                    ]
                ),
                ("Gone", [:]),
            ], changes: 10)
        let c = PeriodComparison(period: now, periodName: "2026-Q3", against: then, againstName: "2026-Q2")
        #expect(c.groups.map(\.name) == ["Vendor", "New", "Gone"])
        let vendor = Dictionary(uniqueKeysWithValues: c.groups[0].metrics.map { ($0.key, $0) })
        #expect(c.groups[0].metrics.map(\.key) == BenchmarkRow.table.map(\.key))
        let size = try #require(vendor["prSize"])
        #expect(size.period == .init(value: 180, band: "Well-Managed Offshore", samples: 8, source: "measured"))
        #expect(size.against == .init(value: 420.5, band: "between bands", samples: 10, source: "measured"))
        #expect(size.delta == -240.5 && size.change == "better")
        #expect(vendor["reviewTurnaroundHours"]?.delta == 0 && vendor["reviewTurnaroundHours"]?.change == "same")
        #expect(vendor["reviewTurnaroundHours"]?.period.band == "Industry Average / Well-Managed Offshore")
        #expect(vendor["defectEscapeRate"]?.delta == 2.5 && vendor["defectEscapeRate"]?.change == "worse")
        #expect(vendor["defectEscapeRate"]?.period.band == "Poorly Managed Offshore")
        #expect(vendor["testCoverage"]?.period.source == "absent" && vendor["testCoverage"]?.delta == nil)
        #expect(c.groups[1].metrics.first { $0.key == "prSize" }?.against.source == "absent")
        let table = c.table()
        #expect(
            table.contains(
                "  PR Size (avg lines changed)         180 (Well-Managed, n = 8)                     420.50 (between bands, n = 10)                -240.50  better"
            ), "\(table)")
        #expect(
            c.markdown().contains(
                "| Defect Escape Rate | 12.50% (Poorly Managed, n = 8) | 10% (Poorly Managed, n = 10) | +2.50 | worse |"
            ), "\(c.markdown())")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(c.json().utf8)) as? [String: Any])
        #expect(json["kind"] as? String == "yardstick period comparison")
        #expect((json["period"] as? [String: Any])?["name"] as? String == "2026-Q3")
    }
}
