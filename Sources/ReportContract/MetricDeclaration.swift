/// A metric's stable key: the camelCase name under which every report holds it (`groups[].metrics`).
/// Code names a metric by its key constant, never by a string of its own.
public struct MetricKey: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let prSize = MetricKey(rawValue: "prSize")
    public static let reviewTurnaroundHours = MetricKey(rawValue: "reviewTurnaroundHours")
    public static let reviewCommentsPerPR = MetricKey(rawValue: "reviewCommentsPerPR")
    public static let defectEscapeRate = MetricKey(rawValue: "defectEscapeRate")
    public static let testCoverage = MetricKey(rawValue: "testCoverage")
    public static let buildSuccessRate = MetricKey(rawValue: "buildSuccessRate")
    public static let firstAttemptBuildSuccessRate = MetricKey(rawValue: "firstAttemptBuildSuccessRate")
    public static let reviewersPerPR = MetricKey(rawValue: "reviewersPerPR")
    public static let approvalsPerPR = MetricKey(rawValue: "approvalsPerPR")
    public static let cycleTimeHours = MetricKey(rawValue: "cycleTimeHours")
    public static let reviewTurnaroundBusinessHours = MetricKey(rawValue: "reviewTurnaroundBusinessHours")
    public static let reviewersPerChange = MetricKey(rawValue: "reviewersPerChange")
    public static let unreviewedShare = MetricKey(rawValue: "unreviewedShare")
    public static let fixupCommitsPerPR = MetricKey(rawValue: "fixupCommitsPerPR")
    public static let reworkRate = MetricKey(rawValue: "reworkRate")
    public static let majorReworkRate = MetricKey(rawValue: "majorReworkRate")
    public static let revertRate = MetricKey(rawValue: "revertRate")
    public static let testTouchRate = MetricKey(rawValue: "testTouchRate")
    public static let adrsAuthored = MetricKey(rawValue: "adrsAuthored")
    public static let directShare = MetricKey(rawValue: "directShare")
    public static let landedChanges = MetricKey(rawValue: "landedChanges")
    public static let authors = MetricKey(rawValue: "authors")
}

/// How a metric's value aggregates the per-change values (named in the report next to the value).
public enum MetricAggregator: String, Sendable, CaseIterable {
    case count, share, mean, median
}

/// Where a metric's value comes from.
public enum MetricOrigin: String, Sendable, CaseIterable {
    /// Counted from git history, by a definition that history fully supports.
    case measured
    /// Inferred from git history as a stand-in for something history does not record.
    case proxy
    /// Read from an imported file (a coverage report, a CI or PR export); without one the row is `notMeasured`.
    case imported
}

/// What a metric's value needs; without it, the declaration's `whenUnavailable` applies.
public enum MetricRequirement: Sendable, Equatable {
    /// The landed changes alone.
    case landedChanges
    /// The first-parent history the delivery analysis reads (review, rework, defect facts).
    case history
    /// The history, and working hours configured (`delivery.businessHours`).
    case businessHours
    /// An import of the metric's data (`--builds`, `--coverage`, `--reviews`): the report builder never
    /// computes it; the import step (YardstickAnalysis `ImportedEvidence`) adds it where the run has the import.
    case importedData
}

/// How a report holds a metric whose requirement is not met.
public enum WhenUnavailable: Sendable, Equatable {
    /// The key is left out of the report.
    case omitted
    /// A `notMeasured` row with this title and what would provide the number.
    case notMeasured(title: String, needs: String)
}

/// One metric, declared once: what every report, reporter and document says about it follows from this.
/// Its calculator (HistoryMetrics) computes the value and details; the report builder applies the rest
/// (rounding, minimum sample, benchmark placement, unavailable rows) the same way for every metric.
public struct MetricDeclaration: Sendable {
    public var key: MetricKey
    /// The row's title. `{reworkWindowDays}` stands for the configured rework window.
    public var title: String
    public var unit: String
    public var aggregator: MetricAggregator
    public var better: BetterDirection?
    public var origin: MetricOrigin
    public var requires: MetricRequirement
    /// Below this many credited changes the value is null (0: a count, valued for an empty group too).
    public var minimumSample: Int
    /// Shown with a value: what would give a better number than this proxy.
    public var needs: String?
    public var whenUnavailable: WhenUnavailable

    public init(
        _ key: MetricKey, title: String, unit: String, aggregator: MetricAggregator, better: BetterDirection?,
        origin: MetricOrigin, requires: MetricRequirement, minimumSample: Int = 1, needs: String? = nil,
        whenUnavailable: WhenUnavailable = .omitted
    ) {
        self.key = key
        self.title = title
        self.unit = unit
        self.aggregator = aggregator
        self.better = better
        self.origin = origin
        self.requires = requires
        self.minimumSample = minimumSample
        self.needs = needs
        self.whenUnavailable = whenUnavailable
    }

    /// The benchmark row the value is placed against, if the table has one for this key.
    public var benchmark: BenchmarkRow? { BenchmarkRow.row(key.rawValue) }

    /// The `source` the report builder gives the metric's row. The builder never has an import, so an
    /// imported metric's row is `notMeasured` there; the import step replaces it with an `import` row.
    public var reportSource: Report.Metric.Source {
        switch origin {
        case .measured: return .measured
        case .proxy: return .proxy
        case .imported: return .notMeasured
        }
    }

    /// The declaration of `key`, if one exists.
    public static func declaration(_ key: MetricKey) -> MetricDeclaration? { all.first { $0.key == key } }

    /// Every metric, in the order reports show them.
    public static let all: [MetricDeclaration] = [
        MetricDeclaration(
            .prSize, title: "PR size (lines changed, counted)", unit: "lines", aggregator: .mean, better: .lower,
            origin: .measured, requires: .landedChanges),
        MetricDeclaration(
            .reviewTurnaroundHours, title: "PR review turnaround (proxy: last push to landing)", unit: "hours",
            aggregator: .median, better: .lower, origin: .proxy, requires: .history,
            whenUnavailable: .notMeasured(
                title: "PR review turnaround",
                needs: "first-parent history to derive it from (none in range), or a PR export with review timestamps")),
        MetricDeclaration(
            .reviewCommentsPerPR, title: "Code review comments per PR (proxy: reviewer trailers + fix-up commits)",
            unit: "comments", aggregator: .mean, better: .higher, origin: .proxy, requires: .history,
            needs: "a PR export with review comments for the measured value",
            whenUnavailable: .notMeasured(
                title: "Code review comments per PR",
                needs: "a PR export with review comments; git does not record them")),
        MetricDeclaration(
            .defectEscapeRate, title: "Defect escape rate (proxy: blamed by a later fix or reverted)", unit: "%",
            aggregator: .share, better: .lower, origin: .proxy, requires: .history,
            whenUnavailable: .notMeasured(
                title: "Defect escape rate",
                needs: "first-parent history to trace fixes and reverts over (none in range)")),
        MetricDeclaration(
            .testCoverage, title: "Test coverage", unit: "%", aggregator: .share, better: .higher, origin: .imported,
            requires: .importedData,
            whenUnavailable: .notMeasured(
                title: "Test coverage",
                needs: "a coverage report import (e.g. Cobertura or LCOV); git does not record coverage")),
        MetricDeclaration(
            .buildSuccessRate, title: "Build success rate", unit: "%", aggregator: .share, better: .higher,
            origin: .imported, requires: .importedData,
            whenUnavailable: .notMeasured(
                title: "Build success rate", needs: "a CI build export; git does not record builds")),
        MetricDeclaration(
            .firstAttemptBuildSuccessRate, title: "Build success rate at the first attempt", unit: "%",
            aggregator: .share,
            better: .higher, origin: .imported, requires: .importedData),
        MetricDeclaration(
            .reviewersPerPR, title: "Reviewers per PR (others who reviewed or commented, not bots)", unit: "people",
            aggregator: .mean, better: .higher, origin: .imported, requires: .importedData),
        MetricDeclaration(
            .approvalsPerPR, title: "Approvals per PR", unit: "people", aggregator: .mean, better: .higher,
            origin: .imported, requires: .importedData),
        MetricDeclaration(
            .cycleTimeHours, title: "Cycle time (proxy: first authored commit to landing)", unit: "hours",
            aggregator: .median, better: .lower, origin: .proxy, requires: .history),
        MetricDeclaration(
            .reviewTurnaroundBusinessHours, title: "PR review turnaround in working hours (proxy)", unit: "hours",
            aggregator: .median, better: .lower, origin: .proxy, requires: .businessHours),
        MetricDeclaration(
            .reviewersPerChange, title: "Reviewers per change (proxy: review trailers)", unit: "people",
            aggregator: .mean, better: .higher, origin: .proxy, requires: .history),
        MetricDeclaration(
            .unreviewedShare, title: "Landed with no sign of review", unit: "%", aggregator: .share, better: .lower,
            origin: .proxy, requires: .history),
        MetricDeclaration(
            .fixupCommitsPerPR, title: "Fix-up commits per PR (proxy: review rounds)", unit: "commits",
            aggregator: .mean, better: nil, origin: .proxy, requires: .history),
        MetricDeclaration(
            .reworkRate, title: "Code rework rate (lines rewriting lines under {reworkWindowDays} days old)", unit: "%",
            aggregator: .share, better: .lower, origin: .measured, requires: .history),
        MetricDeclaration(
            .majorReworkRate, title: "PRs requiring major rework", unit: "%", aggregator: .share, better: .lower,
            origin: .measured, requires: .history),
        MetricDeclaration(
            .revertRate, title: "Revert rate", unit: "%", aggregator: .share, better: .lower, origin: .measured,
            requires: .history),
        MetricDeclaration(
            .testTouchRate, title: "Changes that touch tests", unit: "%", aggregator: .share, better: .higher,
            origin: .measured, requires: .history),
        MetricDeclaration(
            .adrsAuthored, title: "ADRs authored", unit: "files", aggregator: .count, better: .higher,
            origin: .measured,
            requires: .history, minimumSample: 0),
        MetricDeclaration(
            .directShare, title: "Landed without review (direct)", unit: "%", aggregator: .share, better: .lower,
            origin: .measured, requires: .landedChanges),
        MetricDeclaration(
            .landedChanges, title: "Landed changes", unit: "changes", aggregator: .count, better: nil,
            origin: .measured,
            requires: .landedChanges, minimumSample: 0),
        MetricDeclaration(
            .authors, title: "Authors", unit: "people", aggregator: .count, better: nil, origin: .measured,
            requires: .landedChanges, minimumSample: 0),
    ]
}
