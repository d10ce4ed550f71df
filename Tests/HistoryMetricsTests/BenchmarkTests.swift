import Testing

@testable import HistoryMetrics
@testable import ReportContract

struct BenchmarkTests {
    // One-letter names for the three band columns keep the expected tables readable.
    // swift-format-ignore: AlwaysUseLowerCamelCase
    static let I = BenchmarkRow.industry
    // swift-format-ignore: AlwaysUseLowerCamelCase
    static let W = BenchmarkRow.wellManaged
    // swift-format-ignore: AlwaysUseLowerCamelCase
    static let P = BenchmarkRow.poorlyManaged

    private func row(_ key: String) throws -> BenchmarkRow { try #require(BenchmarkRow.row(key)) }

    @Test func table() {
        #expect(
            BenchmarkRow.table.map(\.key) == [
                "reviewTurnaroundHours", "testCoverage", "defectEscapeRate", "prSize", "reviewCommentsPerPR",
                "buildSuccessRate",
            ])
        #expect(BenchmarkRow.table.map(\.better) == [.lower, .higher, .lower, .lower, .higher, .higher])
        #expect(BenchmarkRow.table.map(\.unit) == ["hours", "%", "%", "lines", "comments", "%"])
        #expect(BenchmarkRow.row("nope") == nil)
        #expect(BenchmarkRow.industry == "Industry Average")
        #expect(BenchmarkRow.wellManaged == "Well-Managed Offshore")
        #expect(BenchmarkRow.poorlyManaged == "Poorly Managed Offshore")
    }

    @Test func bandLabels() {
        #expect(Band(Self.I, 200, 400).label(unit: "lines") == "Industry Average (200–400 lines)")
        #expect(Band(Self.P, 500, nil).label(unit: "lines") == "Poorly Managed Offshore (500+ lines)")
        #expect(Band("x", 0.5, 1.5).label(unit: "") == "x (0.5–1.5)")
        #expect(Band("x", 3, nil).label(unit: "") == "x (3+)")
    }

    @Test func bandContainsIsInclusive() {
        let band = Band("x", 2, 6)
        #expect(band.contains(2))
        #expect(band.contains(6))
        #expect(band.contains(4.5))
        #expect(!band.contains(1.99))
        #expect(!band.contains(6.01))
        #expect(Band("open", 12, nil).contains(1_000_000))
        #expect(!Band("open", 12, nil).contains(11.9))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var key: String
        var value: Double
        var position: Placement.Position
        var bands: [String]
        var text: String
        var testDescription: String { "\(key) \(value)" }
    }

    static let cases: [Case] = [
        // PR review turnaround (hours, lower is better): I 4–8, W 2–6, P 12+.
        Case(
            key: "reviewTurnaroundHours", value: 3, position: .within, bands: [W],
            text: "within Well-Managed Offshore (2–6 hours)"),
        Case(
            key: "reviewTurnaroundHours", value: 7, position: .within, bands: [I],
            text: "within Industry Average (4–8 hours)"),
        Case(
            key: "reviewTurnaroundHours", value: 5, position: .within, bands: [I, W],
            text: "within Industry Average (4–8 hours) and Well-Managed Offshore (2–6 hours)"),
        Case(
            key: "reviewTurnaroundHours", value: 8, position: .within, bands: [I],
            text: "within Industry Average (4–8 hours)"),
        Case(
            key: "reviewTurnaroundHours", value: 10, position: .between, bands: [],
            text: "between Industry Average (4–8 hours) and Poorly Managed Offshore (12+ hours)"),
        Case(
            key: "reviewTurnaroundHours", value: 12, position: .within, bands: [P],
            text: "within Poorly Managed Offshore (12+ hours)"),
        Case(
            key: "reviewTurnaroundHours", value: 30, position: .within, bands: [P],
            text: "within Poorly Managed Offshore (12+ hours)"),
        Case(
            key: "reviewTurnaroundHours", value: 1, position: .betterThanAll, bands: [],
            text: "below every band (lowest: Well-Managed Offshore (2–6 hours)); better than all"),
        // Test coverage (%, higher is better): I 60–70, W 75–85, P 30–50.
        Case(key: "testCoverage", value: 65, position: .within, bands: [I], text: "within Industry Average (60–70 %)"),
        Case(
            key: "testCoverage", value: 80, position: .within, bands: [W],
            text: "within Well-Managed Offshore (75–85 %)"),
        Case(
            key: "testCoverage", value: 40, position: .within, bands: [P],
            text: "within Poorly Managed Offshore (30–50 %)"),
        Case(
            key: "testCoverage", value: 72, position: .between, bands: [],
            text: "between Industry Average (60–70 %) and Well-Managed Offshore (75–85 %)"),
        Case(
            key: "testCoverage", value: 55, position: .between, bands: [],
            text: "between Poorly Managed Offshore (30–50 %) and Industry Average (60–70 %)"),
        Case(
            key: "testCoverage", value: 20, position: .worseThanAll, bands: [],
            text: "below every band (lowest: Poorly Managed Offshore (30–50 %)); worse than all"),
        Case(
            key: "testCoverage", value: 90, position: .betterThanAll, bands: [],
            text: "above every band (highest: Well-Managed Offshore (75–85 %)); better than all"),
        // Defect escape rate (%, lower is better): I 3–5, W 1–3, P 8–15.
        Case(
            key: "defectEscapeRate", value: 2, position: .within, bands: [W],
            text: "within Well-Managed Offshore (1–3 %)"),
        Case(key: "defectEscapeRate", value: 4, position: .within, bands: [I], text: "within Industry Average (3–5 %)"),
        Case(
            key: "defectEscapeRate", value: 3, position: .within, bands: [I, W],
            text: "within Industry Average (3–5 %) and Well-Managed Offshore (1–3 %)"),
        Case(
            key: "defectEscapeRate", value: 10, position: .within, bands: [P],
            text: "within Poorly Managed Offshore (8–15 %)"),
        Case(
            key: "defectEscapeRate", value: 6, position: .between, bands: [],
            text: "between Industry Average (3–5 %) and Poorly Managed Offshore (8–15 %)"),
        Case(
            key: "defectEscapeRate", value: 0.5, position: .betterThanAll, bands: [],
            text: "below every band (lowest: Well-Managed Offshore (1–3 %)); better than all"),
        Case(
            key: "defectEscapeRate", value: 20, position: .worseThanAll, bands: [],
            text: "above every band (highest: Poorly Managed Offshore (8–15 %)); worse than all"),
        // PR size (lines, lower is better): I 200–400, W 100–250, P 500+.
        Case(
            key: "prSize", value: 150, position: .within, bands: [W],
            text: "within Well-Managed Offshore (100–250 lines)"),
        Case(key: "prSize", value: 300, position: .within, bands: [I], text: "within Industry Average (200–400 lines)"),
        Case(
            key: "prSize", value: 220, position: .within, bands: [I, W],
            text: "within Industry Average (200–400 lines) and Well-Managed Offshore (100–250 lines)"),
        Case(
            key: "prSize", value: 450, position: .between, bands: [],
            text: "between Industry Average (200–400 lines) and Poorly Managed Offshore (500+ lines)"),
        Case(
            key: "prSize", value: 5000, position: .within, bands: [P],
            text: "within Poorly Managed Offshore (500+ lines)"),
        Case(
            key: "prSize", value: 50, position: .betterThanAll, bands: [],
            text: "below every band (lowest: Well-Managed Offshore (100–250 lines)); better than all"),
        // Review comments per PR (higher is better): I 2–4, W 3–6, P 0–1.
        Case(
            key: "reviewCommentsPerPR", value: 0, position: .within, bands: [P],
            text: "within Poorly Managed Offshore (0–1 comments)"),
        Case(
            key: "reviewCommentsPerPR", value: 2, position: .within, bands: [I],
            text: "within Industry Average (2–4 comments)"),
        Case(
            key: "reviewCommentsPerPR", value: 5, position: .within, bands: [W],
            text: "within Well-Managed Offshore (3–6 comments)"),
        Case(
            key: "reviewCommentsPerPR", value: 3.5, position: .within, bands: [I, W],
            text: "within Industry Average (2–4 comments) and Well-Managed Offshore (3–6 comments)"),
        Case(
            key: "reviewCommentsPerPR", value: 1.5, position: .between, bands: [],
            text: "between Poorly Managed Offshore (0–1 comments) and Industry Average (2–4 comments)"),
        Case(
            key: "reviewCommentsPerPR", value: 10, position: .betterThanAll, bands: [],
            text: "above every band (highest: Well-Managed Offshore (3–6 comments)); better than all"),
        Case(
            key: "reviewCommentsPerPR", value: -1, position: .worseThanAll, bands: [],
            text: "below every band (lowest: Poorly Managed Offshore (0–1 comments)); worse than all"),
        // Build success rate (%, higher is better): I 85–90, W 92–97, P 70–80.
        Case(
            key: "buildSuccessRate", value: 88, position: .within, bands: [I], text: "within Industry Average (85–90 %)"
        ),
        Case(
            key: "buildSuccessRate", value: 95, position: .within, bands: [W],
            text: "within Well-Managed Offshore (92–97 %)"),
        Case(
            key: "buildSuccessRate", value: 75, position: .within, bands: [P],
            text: "within Poorly Managed Offshore (70–80 %)"),
        Case(
            key: "buildSuccessRate", value: 91, position: .between, bands: [],
            text: "between Industry Average (85–90 %) and Well-Managed Offshore (92–97 %)"),
        Case(
            key: "buildSuccessRate", value: 82, position: .between, bands: [],
            text: "between Poorly Managed Offshore (70–80 %) and Industry Average (85–90 %)"),
        Case(
            key: "buildSuccessRate", value: 99, position: .betterThanAll, bands: [],
            text: "above every band (highest: Well-Managed Offshore (92–97 %)); better than all"),
        Case(
            key: "buildSuccessRate", value: 50, position: .worseThanAll, bands: [],
            text: "below every band (lowest: Poorly Managed Offshore (70–80 %)); worse than all"),
    ]

    @Test(arguments: cases)
    func place(_ c: Case) throws {
        let placement = try row(c.key).place(c.value)
        #expect(placement == Placement(position: c.position, bands: c.bands, text: c.text))
    }

    @Test func everyRowHasWithinAndGapCases() {
        for key in BenchmarkRow.table.map(\.key) {
            let positions = Set(Self.cases.filter { $0.key == key }.map(\.position))
            #expect(positions.contains(.within), "\(key)")
            #expect(positions.contains(.between), "\(key)")
        }
    }

    @Test func noBandApplies() {
        let row = BenchmarkRow(key: "k", title: "t", unit: "", better: .lower, bands: [])
        #expect(row.place(1) == Placement(position: .between, bands: [], text: "no band applies"))
    }
}
