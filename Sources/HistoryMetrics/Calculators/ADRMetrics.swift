internal import HistoryModel
internal import ReportContract

/// Architecture decision records written: per change (`DeliveryAnalyzer.addedADRs`) and per group.
enum ADRMetrics {
    static func adrsAuthored(_ s: MetricSample) -> MetricValue {
        MetricValue(value: Double(s.facts.reduce(0) { $0 + $1.adrsAdded.count }))
    }
}

extension DeliveryAnalyzer {
    /// The ADR files a change added, sorted.
    static func addedADRs(_ change: LandedChange, paths: PathClassifier) -> [String] {
        change.files.filter { $0.status == .added && paths.answer($0.path).isADR }.map(\.path).sorted()
    }
}
