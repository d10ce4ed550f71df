/// Which way a metric improves.
public enum BetterDirection: String, Sendable, Codable {
    case lower, higher
}

/// One band of the benchmark table: an inclusive range, open at the top when `high` is nil.
public struct Band: Sendable, Equatable {
    public var name: String
    public var low: Double
    public var high: Double?

    public init(_ name: String, _ low: Double, _ high: Double?) {
        self.name = name
        self.low = low
        self.high = high
    }

    public func contains(_ v: Double) -> Bool { v >= low && (high.map { v <= $0 } ?? true) }

    /// `Industry Average (200–400 lines)`, `Poorly Managed Offshore (500+ lines)` for an open band.
    public func label(unit: String) -> String {
        let hi = high.map { Self.format($0) } ?? ""
        let open = high == nil ? "+" : ""
        let range = high == nil ? "\(Self.format(low))\(open)" : "\(Self.format(low))–\(hi)"
        return "\(name) (\(range)\(unit.isEmpty ? "" : " " + unit))"
    }

    public static func format(_ v: Double) -> String {
        v == v.rounded() ? String(Int(v)) : String(v)
    }
}

/// A row of the published benchmark table (`docs/benchmark-table.md`, the product's copy of it).
public struct BenchmarkRow: Sendable {
    /// The stable JSON key of the metric placed against this row.
    public var key: String
    /// The row's name in the table.
    public var title: String
    public var unit: String
    public var better: BetterDirection
    public var bands: [Band]

    public static let industry = "Industry Average"
    public static let wellManaged = "Well-Managed Offshore"
    public static let poorlyManaged = "Poorly Managed Offshore"

    /// The table, row by row. "1,000+" and "12–24 hours" are open at the worse end.
    public static let table: [BenchmarkRow] = [
        BenchmarkRow(
            key: "reviewTurnaroundHours", title: "PR Review Turnaround", unit: "hours", better: .lower,
            bands: [Band(industry, 4, 8), Band(wellManaged, 2, 6), Band(poorlyManaged, 12, nil)]),
        BenchmarkRow(
            key: "testCoverage", title: "Test Coverage (unit + integration)", unit: "%", better: .higher,
            bands: [Band(industry, 60, 70), Band(wellManaged, 75, 85), Band(poorlyManaged, 30, 50)]),
        BenchmarkRow(
            key: "defectEscapeRate", title: "Defect Escape Rate", unit: "%", better: .lower,
            bands: [Band(industry, 3, 5), Band(wellManaged, 1, 3), Band(poorlyManaged, 8, 15)]),
        BenchmarkRow(
            key: "prSize", title: "PR Size (avg lines changed)", unit: "lines", better: .lower,
            bands: [Band(industry, 200, 400), Band(wellManaged, 100, 250), Band(poorlyManaged, 500, nil)]),
        BenchmarkRow(
            key: "reviewCommentsPerPR", title: "Code Review Comments/PR", unit: "comments", better: .higher,
            bands: [Band(industry, 2, 4), Band(wellManaged, 3, 6), Band(poorlyManaged, 0, 1)]),
        BenchmarkRow(
            key: "buildSuccessRate", title: "Build Success Rate", unit: "%", better: .higher,
            bands: [Band(industry, 85, 90), Band(wellManaged, 92, 97), Band(poorlyManaged, 70, 80)]),
    ]

    public static func row(_ key: String) -> BenchmarkRow? { table.first { $0.key == key } }

    /// Places a value against the row's bands: in one or several, between two, or past every band.
    public func place(_ value: Double) -> Placement {
        let inside = bands.filter { $0.contains(value) }
        if !inside.isEmpty {
            return Placement(
                position: .within, bands: inside.map(\.name),
                text: "within " + inside.map { $0.label(unit: unit) }.joined(separator: " and "))
        }
        let below = bands.filter { ($0.high ?? .infinity) < value }.max { ($0.high ?? 0) < ($1.high ?? 0) }
        let above = bands.filter { $0.low > value }.min { $0.low < $1.low }
        switch (below, above) {
        case (let b?, let a?):
            return Placement(
                position: .between, bands: [],
                text: "between \(b.label(unit: unit)) and \(a.label(unit: unit))")
        case (nil, let a?):
            let better = self.better == .lower
            return Placement(
                position: better ? .betterThanAll : .worseThanAll, bands: [],
                text: "below every band (lowest: \(a.label(unit: unit))); \(better ? "better" : "worse") than all")
        case (let b?, nil):
            let better = self.better == .higher
            return Placement(
                position: better ? .betterThanAll : .worseThanAll, bands: [],
                text: "above every band (highest: \(b.label(unit: unit))); \(better ? "better" : "worse") than all")
        case (nil, nil):
            return Placement(position: .between, bands: [], text: "no band applies")
        }
    }
}

/// Where a value sits against a benchmark row.
public struct Placement: Sendable, Equatable, Codable {
    public enum Position: String, Sendable, Codable {
        case within, between, betterThanAll, worseThanAll
    }

    public var position: Position
    /// Names of the bands that contain the value (several where bands overlap, none in a gap).
    public var bands: [String]
    /// A sentence for people.
    public var text: String
}
