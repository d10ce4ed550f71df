import Foundation
import HistoryModel
import ReportContract
import Testing

@testable import HistoryMetrics

/// Group calculators on hand-made facts, the declarations they follow, and the documents that list them.
@Suite struct GroupMetricTests {
    typealias H = Hand

    func facts(_ build: (inout ChangeFacts) -> Void) -> ChangeFacts {
        var f = ChangeFacts()
        build(&f)
        return f
    }

    @Test func landingKindsAndPRSize() {
        let items = [
            H.credited(ChangeFacts(), kind: .merge, counted: 10), H.credited(ChangeFacts(), kind: .direct, counted: 30),
            H.credited(ChangeFacts(), kind: .merge, counted: 50), H.credited(ChangeFacts(), kind: .squash, counted: 0),
        ]
        let s = MetricSample(items: items, authors: 3, options: DeliveryOptions())
        #expect(
            LandingMetrics.landedChanges(s)
                == MetricValue(
                    value: 4,
                    details: [
                        "merge": 2, "squash": 1, "gerrit": 0, "rebase": 0, "applied": 0, "direct": 1, "integration": 0,
                    ]))
        #expect(LandingMetrics.authors(s) == MetricValue(value: 3))
        #expect(LandingMetrics.directShare(s) == MetricValue(value: 25, details: ["count": 1]))
        #expect(
            LandingMetrics.prSize(s)
                == MetricValue(value: 22.5, details: ["count": 4, "median": 20, "p90": 50, "rawMean": 22.5]))
    }

    @Test func turnaroundMediansAndNotes() {
        let s = H.sample([
            facts {
                $0.reviewTurnaroundHours = 2
                $0.cycleTimeHours = 3
            },
            facts {
                $0.reviewTurnaroundHours = 10
                $0.cycleTimeHours = 30
                $0.reviewTurnaroundBusinessHours = 1
            },
            facts {
                $0.reviewTurnaroundHours = 4
                $0.cycleNote = "absurd span"
            },
            facts { $0.turnaroundNote = "landed without review" },
        ])
        #expect(
            TurnaroundMetrics.reviewTurnaround(s)
                == MetricValue(
                    value: 4,
                    details: [
                        "count": 3, "p75": 10, "p90": 10, "negativeSpans": 0, "absurdSpans": 0, "notMeasurable": 0,
                        "withoutReview": 1,
                    ]))
        #expect(
            TurnaroundMetrics.cycleTime(s)
                == MetricValue(
                    value: 16.5, details: ["count": 2, "p75": 30, "p90": 30, "negativeSpans": 0, "absurdSpans": 1]))
        #expect(
            TurnaroundMetrics.businessTurnaround(s) == MetricValue(value: 1, details: ["count": 1, "p75": 1, "p90": 1]))
    }

    @Test func reviewDepth() {
        let s = H.sample([
            facts {
                $0.reviewers = [H.carol, H.bob]
                $0.branchCommits = 3
                $0.fixupCommits = 1
            },
            facts {
                $0.unreviewed = true
                $0.branchCommits = 1
                $0.fixupCommits = 0
            },
            facts { $0.reviewers = [H.carol] },
        ])
        #expect(ReviewDepthMetrics.reviewersPerChange(s) == MetricValue(value: 1, details: ["withReviewers": 2]))
        #expect(ReviewDepthMetrics.unreviewedShare(s) == MetricValue(value: 33.33, details: ["count": 1]))
        #expect(
            ReviewDepthMetrics.fixupCommitsPerPR(s)
                == MetricValue(value: 0.5, details: ["count": 2, "commitsPerPR": 2]))
        #expect(ReviewDepthMetrics.reviewCommentsPerPR(s) == MetricValue(value: 4.0 / 3, details: ["count": 3]))
    }

    @Test func reworkDefectsTestsAndADRs() {
        let s = H.sample([
            facts {
                $0.changedLines = 100
                $0.reworkOwnLines = 30
                $0.reworkOthersLines = 10
                $0.escapedDefect = true
                $0.touchesTests = true
                $0.testLines = 7
                $0.codeLines = 20
                $0.adrsAdded = ["docs/adr/1.md", "docs/adr/2.md"]
            },
            facts {
                $0.changedLines = 100
                $0.reworkOthersLines = 10
                $0.isFix = true
                $0.majorRework = true
                $0.codeLines = 5
            },
            facts {
                $0.isRevert = true
                $0.revertedInWindow = true
                $0.escapedDefect = true
            },
            facts { $0.adrsAdded = ["adr/3.md"] },
        ])
        #expect(
            ReworkMetrics.reworkRate(s)
                == MetricValue(value: 25, details: ["changedLines": 200, "ownLines": 30, "othersLines": 20]))
        #expect(ReworkMetrics.majorReworkRate(s) == MetricValue(value: 25, details: ["count": 1]))
        #expect(
            DefectMetrics.defectEscapeRate(s)
                == MetricValue(value: 50, details: ["count": 2, "fixes": 1, "reverts": 1]))
        #expect(DefectMetrics.revertRate(s) == MetricValue(value: 25, details: ["count": 1]))
        #expect(
            TestTouchMetrics.testTouchRate(s)
                == MetricValue(value: 25, details: ["count": 1, "testLines": 7, "codeLines": 25]))
        #expect(ADRMetrics.adrsAuthored(s) == MetricValue(value: 3))
        #expect(ReworkMetrics.reworkRate(H.sample([ChangeFacts()])).value == nil)
    }

    @Test func rowsFollowTheDeclarations() throws {
        let builder = ReportBuilder(groups: AuthorGroups(groups: []), exclusions: ExclusionPolicy())
        // Metrics over no change: counts are 0 (minimum sample 0), the rest null; placed rows say why. (A report
        // gives a group credited with no change no metrics at all: ReportBuilderTests.emptyGroupMetrics.)
        let empty = builder.metrics(for: [], authors: 0, deliveryMeasured: true)
        #expect(empty["adrsAuthored"]?.value == 0)
        #expect(empty["landedChanges"]?.value == 0)
        #expect(empty["prSize"]?.value == nil)
        #expect(empty["prSize"]?.benchmark?.placement == "no landed changes")
        #expect(empty["reviewTurnaroundBusinessHours"] == nil)
        #expect(empty["testCoverage"]?.source == .notMeasured)
        #expect(empty["testCoverage"]?.aggregator == "")
        // Imported metrics without a `notMeasured` row appear only where the run has the import.
        #expect(
            Set(empty.keys)
                == Set(MetricDeclaration.all.map(\.key.rawValue)).subtracting([
                    "reviewTurnaroundBusinessHours", "firstAttemptBuildSuccessRate", "reviewersPerPR", "approvalsPerPR",
                ]))
        // Without history, history metrics that have an unavailable row get it; the others are left out.
        let noHistory = builder.metrics(for: [], authors: 0, deliveryMeasured: false)
        #expect(
            Set(noHistory.keys)
                == [
                    "landedChanges", "authors", "directShare", "prSize", "reviewTurnaroundHours", "defectEscapeRate",
                    "reviewCommentsPerPR", "testCoverage", "buildSuccessRate",
                ])
        #expect(noHistory["reviewTurnaroundHours"]?.title == "PR review turnaround")
        // The rework title names the configured window.
        var options = DeliveryOptions()
        options.reworkWindowDays = 14
        let rework = ReportBuilder(groups: AuthorGroups(groups: []), exclusions: ExclusionPolicy(), delivery: options)
            .metrics(for: [], authors: 0, deliveryMeasured: true)["reworkRate"]
        #expect(rework?.title == "Code rework rate (lines rewriting lines under 14 days old)")
    }

    @Test func everyDeclarationHasACalculatorUnlessImported() {
        let keys = MetricDeclaration.all.map(\.key)
        #expect(Set(keys).count == keys.count)
        #expect(
            Set(MetricCalculators.all.keys) == Set(MetricDeclaration.all.filter { $0.origin != .imported }.map(\.key)))
        for d in MetricDeclaration.all {
            if let row = d.benchmark {
                #expect(row.unit == d.unit, "\(d.key)")
                #expect(row.better == d.better, "\(d.key)")
            }
        }
        #expect(
            MetricDeclaration.all.compactMap(\.benchmark).map(\.key).sorted() == BenchmarkRow.table.map(\.key).sorted())
    }

    // MARK: - The documents list exactly the declared metrics

    static func rows(_ document: String, header: String) throws -> [[String]] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../docs/\(document)")
        let lines = try String(contentsOf: url, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0.hasPrefix(header) })
        return lines[(start + 2)...].prefix { $0.hasPrefix("|") }.map { line in
            line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "*", with: "") }
        }
    }

    static func code(_ key: MetricKey) -> String { "`\(key.rawValue)`" }

    @Test func metricIndexInMetricsDocListsTheDeclarations() throws {
        let rows = try Self.rows(
            "metrics.md", header: "| key | what | source | aggregator | unit | better | benchmark row |")
        let expected = MetricDeclaration.all.map { d in
            [
                Self.code(d.key), d.origin.rawValue, d.aggregator.rawValue, d.unit, d.better?.rawValue ?? "—",
                d.benchmark?.title ?? "—",
            ]
        }
        #expect(rows.map { [$0[0], $0[2], $0[3], $0[4], $0[5], $0[6]] } == expected)
    }

    @Test func metricKeysInJSONDocListTheDeclarations() throws {
        let rows = try Self.rows(
            "json-report.md", header: "| key | source | aggregator | unit | better | benchmark | `details` |")
        let expected = MetricDeclaration.all.map { d in
            [
                Self.code(d.key), d.reportSource.rawValue, d.origin == .imported ? "`\"\"`" : d.aggregator.rawValue,
                d.unit,
                d.better?.rawValue ?? "`null`", d.benchmark?.title ?? "—",
            ]
        }
        #expect(rows.map { Array($0.prefix(6)) } == expected)
    }
}
