internal import Foundation
public import HistoryMetrics

/// The JSON contract (`docs/json-report.md`): sorted keys, two-space indentation, a final newline.
public struct JSONReporter: Sendable {
    public init() {}

    public func render(_ report: Report) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(report) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
