import Foundation
import ReportContract
import Testing

@testable import ReportEvidence

/// The claims language's band conditions, the `*` group and the `--fail-on` shorthand (docs/claims.md, ADR 0020).
struct GateClaimsTests {
    @Test func bandConditionsInBothSyntaxes() throws {
        let set = try ClaimSet.parse(
            """
            claims:
              - "Vendor: prSize.median within well-managed"
              - "Vendor: reviewTurnaroundHours at-least Industry Average"
              - "*: defectEscapeRate better-than Poorly-Managed Offshore"
              - {group: Vendor, metric: buildSuccessRate, op: at-least, value: Well-Managed}
            """, file: "gate.yml")
        #expect(
            set.claims.map(\.text) == [
                "Vendor: prSize.median within well-managed", "Vendor: reviewTurnaroundHours at-least industry-average",
                "*: defectEscapeRate better-than poorly-managed", "Vendor: buildSuccessRate at-least well-managed",
            ])
        #expect(set.claims[0].condition == .band(.within, .wellManaged))
    }

    @Test(arguments: [
        (
            "claims:\n  - 'a: cycleTimeHours within well-managed'",
            "gate.yml: claims[0]: 'within' needs a metric of the benchmark table (reviewTurnaroundHours, testCoverage, defectEscapeRate, prSize, reviewCommentsPerPR, buildSuccessRate); 'cycleTimeHours' has no band"
        ),
        (
            "claims:\n  - 'a: prSize within great'",
            "gate.yml: claims[0]: 'a: prSize within great': the band must be one of well-managed, industry-average, poorly-managed"
        ),
        (
            "claims:\n  - {group: a, metric: prSize, op: within, value: 250}",
            "gate.yml: claims[0]: with op 'within', 'value' must be a band: one of well-managed, industry-average, poorly-managed"
        ),
        (
            "claims:\n  - {group: a, metric: prSize, op: '=<', value: 1}",
            "gate.yml: claims[0]: op '=<' is not one of <=, <, >=, >, ==, within, at-least, better-than"
        ),
    ])
    func badBandClaims(text: String, message: String) {
        do {
            _ = try ClaimSet.parse(text, file: "gate.yml")
            Issue.record("parsed: \(text)")
        } catch {
            #expect("\(error)" == message)
        }
    }

    /// PR size (lower is better): Well-Managed 100–250, Industry 200–400, Poorly 500+. Review comments (higher
    /// is better): Well-Managed 3–6, Industry 2–4, Poorly 0–1.
    @Test(arguments: [
        ("prSize", 80.0, ClaimSet.BandRelation.within, ClaimSet.BenchmarkLevel.wellManaged, false),
        ("prSize", 80, .atLeast, .wellManaged, true),
        ("prSize", 250, .within, .wellManaged, true),
        ("prSize", 250, .atLeast, .wellManaged, true),
        ("prSize", 250.5, .atLeast, .wellManaged, false),
        ("prSize", 250.5, .atLeast, .industryAverage, true),
        ("prSize", 401, .atLeast, .industryAverage, false),
        ("prSize", 499, .betterThan, .poorlyManaged, true),
        ("prSize", 500, .betterThan, .poorlyManaged, false),
        ("prSize", 5000, .atLeast, .poorlyManaged, true),
        ("prSize", 99, .betterThan, .wellManaged, true),
        ("prSize", 100, .betterThan, .wellManaged, false),
        ("reviewCommentsPerPR", 7, .within, .wellManaged, false),
        ("reviewCommentsPerPR", 7, .atLeast, .wellManaged, true),
        ("reviewCommentsPerPR", 2.9, .atLeast, .wellManaged, false),
        ("reviewCommentsPerPR", 2.9, .atLeast, .industryAverage, true),
        ("reviewCommentsPerPR", 1, .betterThan, .poorlyManaged, false),
        ("reviewCommentsPerPR", 1.5, .betterThan, .poorlyManaged, true),
    ])
    func relations(
        metric: String, value: Double, relation: ClaimSet.BandRelation, level: ClaimSet.BenchmarkLevel, holds: Bool
    ) throws {
        let row = try #require(BenchmarkRow.row(metric))
        let band = try #require(row.bands.first { $0.name == level.bandName })
        #expect(relation.holds(value, band: band, better: row.better) == holds)
    }

    @Test func everyGroupAndBandVerdicts() throws {
        let report = try FixtureReport.load()
        let set = try ClaimSet.parse(
            """
            minSamples: 1
            claims:
              - "*: prSize at-least well-managed"
              - "*: prSize within well-managed"
              - "offshore: prSize better-than poorly-managed"
            """, file: "gate.yml")
        let outcomes = set.check(report)
        // core 76.67 (3 changes), offshore 185 (2), unassigned 12 (1); empty-team has no landed change.
        #expect(
            outcomes.map(\.claim.text) == [
                "core: prSize at-least well-managed", "offshore: prSize at-least well-managed",
                "unassigned: prSize at-least well-managed", "core: prSize within well-managed",
                "offshore: prSize within well-managed", "unassigned: prSize within well-managed",
                "offshore: prSize better-than poorly-managed",
            ])
        #expect(outcomes.map(\.verdict) == [.pass, .pass, .pass, .fail, .pass, .fail, .pass])
        #expect(outcomes[3].measured == 76.67 && outcomes[3].samples == 3)
        #expect(outcomes[3].line() == "FAIL        core: prSize within well-managed  measured 76.67  n = 3")
    }

    @Test func failOnExpandsToEveryPlacedMetric() throws {
        let report = try FixtureReport.load()
        // Only prSize has a value among the benchmark rows of the fixture: the rest are not measured.
        #expect(
            FailLevel.poorlyManaged.claims(for: report).map(\.text) == [
                "core: prSize better-than poorly-managed", "offshore: prSize better-than poorly-managed",
                "unassigned: prSize better-than poorly-managed",
            ])
        #expect(FailLevel.belowWellManaged.claims(for: report).first?.condition == .band(.atLeast, .wellManaged))
        #expect(FailLevel.belowIndustry.claims(for: report).first?.condition == .band(.atLeast, .industryAverage))
        let outcomes = ClaimSet(claims: FailLevel.poorlyManaged.claims(for: report)).check(report)
        // The default minimum of 10 landed changes: inconclusive, with the reason.
        #expect(outcomes.map(\.verdict) == [.notProven, .notProven, .notProven])
        #expect(
            outcomes[0].line(notProven: "INCONCLUSIVE")
                == "INCONCLUSIVE  core: prSize better-than poorly-managed  measured 76.67  n = 3  (too few samples: 3 landed change(s), at least 10 needed)"
        )
    }

    /// No group with landed changes (a window with none): the gates cannot pass, they are not proven.
    @Test func nothingToCheckIsNotProven() throws {
        var report = try FixtureReport.load()
        for i in report.groups.indices { report.groups[i].metrics = [:] }
        let claims = FailLevel.poorlyManaged.claims(for: report)
        #expect(claims.count == BenchmarkRow.table.count && claims.allSatisfy { $0.group == "*" })
        let outcomes = ClaimSet(claims: claims).check(report)
        #expect(outcomes.count == BenchmarkRow.table.count)
        #expect(outcomes.allSatisfy { $0.verdict == .notProven && $0.reason == "no group with landed changes" })
    }

    @Test func linesEscapeHostileText() throws {
        var report = try FixtureReport.load()
        report.groups[0].name = "core\u{1B}[2J"
        let set = ClaimSet(claims: [.init(group: "*", metric: "prSize", condition: .compare(.le, 1))], minSamples: 1)
        let line = try #require(set.check(report).first).line()
        #expect(line == "FAIL        core\\x1B[2J: prSize <= 1  measured 76.67  n = 3")
    }
}
