internal import HistoryModel
internal import ReportContract

/// What a metric calculator reads: the changes credited to one group (or one window of it), with their sizes
/// and delivery facts.
struct MetricSample {
    var items: [ReportBuilder.Credited]
    /// The people counted as the group's authors (for a window: those who wrote a change in it).
    var authors: Int
    var options: DeliveryOptions
    /// The items' facts, in the same order.
    let facts: [ChangeFacts]

    init(items: [ReportBuilder.Credited], authors: Int, options: DeliveryOptions) {
        self.items = items
        self.authors = authors
        self.options = options
        self.facts = items.map(\.facts)
    }

    /// The number of changes, as a value.
    var count: Double { Double(items.count) }

    /// `count` as a share of the changes, in percent (rounded); nil without changes.
    func share(_ count: Int) -> Double? {
        items.isEmpty ? nil : Statistics.round(Double(count) / Double(items.count) * 100)
    }
}

/// A calculator's result: the value before rounding (nil: none), and the details the report lists.
struct MetricValue: Equatable {
    var value: Double?
    var details: [String: Double] = [:]
}

typealias MetricCalculator = @Sendable (MetricSample) -> MetricValue

/// Each declared metric's calculator (`MetricDeclaration.all`), one concern per file: PR size and landing
/// kinds, turnaround, review depth, rework, defects, test touch, ADRs. Imported metrics have none.
enum MetricCalculators {
    static let all: [MetricKey: MetricCalculator] = [
        .landedChanges: LandingMetrics.landedChanges,
        .authors: LandingMetrics.authors,
        .directShare: LandingMetrics.directShare,
        .prSize: LandingMetrics.prSize,
        .reviewTurnaroundHours: TurnaroundMetrics.reviewTurnaround,
        .cycleTimeHours: TurnaroundMetrics.cycleTime,
        .reviewTurnaroundBusinessHours: TurnaroundMetrics.businessTurnaround,
        .reviewersPerChange: ReviewDepthMetrics.reviewersPerChange,
        .unreviewedShare: ReviewDepthMetrics.unreviewedShare,
        .fixupCommitsPerPR: ReviewDepthMetrics.fixupCommitsPerPR,
        .reviewCommentsPerPR: ReviewDepthMetrics.reviewCommentsPerPR,
        .reworkRate: ReworkMetrics.reworkRate,
        .majorReworkRate: ReworkMetrics.majorReworkRate,
        .defectEscapeRate: DefectMetrics.defectEscapeRate,
        .revertRate: DefectMetrics.revertRate,
        .testTouchRate: TestTouchMetrics.testTouchRate,
        .adrsAuthored: ADRMetrics.adrsAuthored,
    ]
}
