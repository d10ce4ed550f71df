internal import HistoryModel
internal import ReportContract

/// Whether changes come with tests: per change (`DeliveryAnalyzer.testTouch`) and per group.
enum TestTouchMetrics {
    static func testTouchRate(_ s: MetricSample) -> MetricValue {
        let touching = s.facts.filter(\.touchesTests).count
        return MetricValue(
            value: s.share(touching),
            details: [
                "count": Double(touching), "testLines": Double(s.facts.reduce(0) { $0 + $1.testLines }),
                "codeLines": Double(s.facts.reduce(0) { $0 + $1.codeLines }),
            ])
    }
}

extension DeliveryAnalyzer {
    /// Lines of test files and of other files in the reviewed diff (text, not excluded); a test file touched,
    /// even with no line changed, makes the change touch tests.
    static func testTouch(_ change: LandedChange, paths: PathClassifier, into f: inout ChangeFacts) {
        for file in change.files where !file.isBinary && paths.answer(file.path).exclusion == nil {
            let lines = file.additions + file.deletions
            if paths.answer(file.path).isTest {
                f.touchesTests = true
                f.testLines += lines
            } else {
                f.codeLines += lines
            }
        }
    }
}
