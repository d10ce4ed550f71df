/// How the summary matrix is made (yardstick.yml `minimumSample`, `summaryGroups`; `analyze --min-sample`,
/// `--summary-groups`). ADR 0017.
public struct SummarySettings: Codable, Sendable, Equatable {
    /// Below this many changes behind a value, a summary cell says `too few (n=…)` instead of a band.
    public static let defaultMinimumSample = 10
    /// Without a configuration, at most this many groups are shown; the rest are summed up in `other`.
    public static let defaultMaxGroups = 30

    public var minimumSample: Int
    public var maxGroups: Int

    public init(
        minimumSample: Int = SummarySettings.defaultMinimumSample, maxGroups: Int = SummarySettings.defaultMaxGroups
    ) {
        self.minimumSample = minimumSample
        self.maxGroups = maxGroups
    }
}

extension Report {
    /// The matrix every format shows first: the shown groups against the benchmark rows (docs/json-report.md).
    public struct Summary: Codable, Sendable, Equatable {
        /// The name of the row that sums up the groups not shown.
        public static let otherName = "other"

        public var minimumSample: Int
        public var maxGroups: Int
        /// The groups the matrix shows (only groups with a landed change), in order; `other` last when groups
        /// were summed up in it.
        public var groups: [String]
        /// The groups summed up in `other`, recomputed from their changes; nil when every group is shown.
        @NullEncoded public var other: Other?
        /// One row per benchmark metric, in declaration order.
        public var rows: [Row]
        /// What to run next (set without a configuration); nil otherwise.
        @NullEncoded public var hint: String?

        public init(
            minimumSample: Int, maxGroups: Int, groups: [String], other: Other? = nil, rows: [Row],
            hint: String? = nil
        ) {
            self.minimumSample = minimumSample
            self.maxGroups = maxGroups
            self.groups = groups
            self.other = other
            self.rows = rows
            self.hint = hint
        }

        public struct Other: Codable, Sendable, Equatable {
            /// The groups summed up, in report order.
            public var groups: [String]
            /// Distinct landed changes credited to any of them.
            public var changes: Int
            /// Every declared metric over those changes (each change once).
            public var metrics: [String: Metric]

            public init(groups: [String], changes: Int, metrics: [String: Metric]) {
                self.groups = groups
                self.changes = changes
                self.metrics = metrics
            }
        }

        public struct Row: Codable, Sendable, Equatable {
            /// The metric key (`prSize`, …).
            public var key: String
            /// The benchmark row's title.
            public var benchmark: String
            /// `mean`, `median` or `share`, as in the group's metric.
            public var aggregator: String
            public var unit: String
            /// What a cell whose verdict starts with `needs` lacks; nil when no cell does.
            @NullEncoded public var needs: String?
            public var cells: [Cell]

            public init(
                key: String, benchmark: String, aggregator: String, unit: String, needs: String? = nil, cells: [Cell]
            ) {
                self.key = key
                self.benchmark = benchmark
                self.aggregator = aggregator
                self.unit = unit
                self.needs = needs
                self.cells = cells
            }
        }

        public struct Cell: Codable, Sendable, Equatable {
            public var group: String
            @NullEncoded public var value: Double?
            /// The short band word (`SummaryVerdict`), or nil: too few changes, unsupported, no value.
            @NullEncoded public var band: String?
            /// What the cell says: the band word, `too few (n=3)`, `needs trailers`, `no value` (ReportSummary.cell).
            public var verdict: String
            /// The changes behind the value.
            public var n: Int
            /// For a mean: the median and p90 of the same per-change values.
            @NullEncoded public var median: Double?
            @NullEncoded public var p90: Double?
            /// For a mean: the changes with the largest values (at most 3), largest first.
            public var drivers: [Driver]

            public init(
                group: String, value: Double?, band: String?, verdict: String, n: Int, median: Double? = nil,
                p90: Double? = nil, drivers: [Driver] = []
            ) {
                self.group = group
                self.value = value
                self.band = band
                self.verdict = verdict
                self.n = n
                self.median = median
                self.p90 = p90
                self.drivers = drivers
            }
        }

        public struct Driver: Codable, Sendable, Equatable {
            public var commit: String
            @NullEncoded public var number: Int?
            public var value: Double

            public init(commit: String, number: Int?, value: Double) {
                self.commit = commit
                self.number = number
                self.value = value
            }

            /// `#123`, or the commit's first 12 hexadecimal digits.
            public var label: String { number.map { "#\($0)" } ?? String(commit.prefix(12)) }
        }
    }
}

/// The short words a summary cell gives a value against a benchmark row (the legend reporters print once).
public enum SummaryVerdict {
    public static func word(_ bandName: String) -> String {
        switch bandName {
        case BenchmarkRow.wellManaged: return "well"
        case BenchmarkRow.industry: return "avg"
        case BenchmarkRow.poorlyManaged: return "poor"
        default: return bandName
        }
    }

    /// `well`, `avg`, `poor`; `avg/well` inside two bands; `avg-poor` between two (the lower band first);
    /// `best` or `worst` past all.
    public static func band(_ value: Double, row: BenchmarkRow) -> String {
        let inside = row.bands.filter { $0.contains(value) }
        if !inside.isEmpty { return inside.map { word($0.name) }.joined(separator: "/") }
        let below = row.bands.filter { ($0.high ?? .infinity) < value }.max { ($0.high ?? 0) < ($1.high ?? 0) }
        let above = row.bands.filter { $0.low > value }.min { $0.low < $1.low }
        switch (below, above) {
        case (let b?, let a?): return "\(word(b.name))-\(word(a.name))"
        case (nil, _?): return row.better == .lower ? "best" : "worst"
        case (_?, nil): return row.better == .higher ? "best" : "worst"
        case (nil, nil): return "none"
        }
    }

    public static func tooFew(_ n: Int) -> String { "too few (n=\(n))" }

    /// The legend, once per report.
    public static let legend: [(word: String, meaning: String)] = [
        ("well", "within the Well-Managed Offshore band"),
        ("avg", "within the Industry Average band"),
        ("poor", "within the Poorly Managed Offshore band"),
        ("avg/well", "within both bands (they overlap)"),
        ("avg-poor, poor-avg", "between two bands, the lower band first"),
        ("best, worst", "better or worse than every band"),
        ("too few", "fewer changes behind the value than the minimum sample: no band"),
        ("needs", "this history cannot support the value; the row says what it needs"),
    ]
}
