internal import ReportContract

/// The summary matrix's wording, shared by the table, Markdown and HTML reporters (ADR 0017).
enum SummaryText {
    /// Short column titles (two lines in the table format) by metric key.
    static func title(_ key: String) -> (String, String) {
        switch MetricKey(rawValue: key) {
        case .prSize: return ("PR size", "lines")
        case .reviewTurnaroundHours: return ("Turn-", "around")
        case .reviewCommentsPerPR: return ("Review", "comments")
        case .defectEscapeRate: return ("Defect", "escape")
        case .testCoverage: return ("Test", "coverage")
        case .buildSuccessRate: return ("Build", "success")
        default: return (key, "")
        }
    }

    /// `PR size (mean lines)`: one-line title for Markdown, HTML and notes.
    static func longTitle(_ row: Report.Summary.Row) -> String {
        switch MetricKey(rawValue: row.key) {
        case .prSize: return "PR size (\(row.aggregator) lines)"
        case .reviewTurnaroundHours: return "Review turnaround (\(row.aggregator))"
        case .reviewCommentsPerPR: return "Review comments (\(row.aggregator))"
        case .defectEscapeRate: return "Defect escape"
        case .testCoverage: return "Test coverage"
        case .buildSuccessRate: return "Build success"
        default: return row.key
        }
    }

    static func value(_ cell: Report.Summary.Cell, unit: String) -> String {
        guard let v = cell.value else { return "—" }
        switch unit {
        case "%": return Wording.number(v) + "%"
        case "hours": return Wording.number(v) + " h"
        default: return Wording.number(v)
        }
    }

    /// The verdict as a cell shows it: `too few` (n is beside it), or the verdict.
    static func verdict(_ cell: Report.Summary.Cell) -> String {
        cell.verdict.hasPrefix("too few") ? "too few" : cell.verdict
    }

    /// A row's name for notes: `PR size (mean)`.
    static func rowName(_ row: Report.Summary.Row) -> String { longTitle(row) }

    /// The legend, once.
    static func legend() -> String {
        "Verdicts: " + SummaryVerdict.legend.map { "\($0.word) = \($0.meaning)" }.joined(separator: "; ")
            + ". n = changes behind the value."
    }

    /// What the summary says about `other` and the minimum sample.
    static func scope(_ summary: Report.Summary) -> String {
        var text =
            "Bands need at least \(summary.minimumSample) change\(summary.minimumSample == 1 ? "" : "s") behind a value (minimumSample in yardstick.yml, --min-sample)."
        if let other = summary.other {
            text +=
                " \(Report.Summary.otherName) sums up \(other.groups.count) smaller group\(other.groups.count == 1 ? "" : "s") (\(other.changes) change\(other.changes == 1 ? "" : "s"), each once); the JSON report lists them."
        }
        return text
    }

    /// Per group, for each mean: median, p90 and the changes with the largest values, so they can be checked.
    static func drivers(_ summary: Report.Summary) -> [(group: String, text: String)] {
        var out: [(String, String)] = []
        for (i, group) in summary.groups.enumerated() {
            var parts: [String] = []
            for row in summary.rows where row.aggregator == "mean" {
                let cell = row.cells[i]
                // A cell the history cannot support has nothing worth checking.
                guard cell.value != nil, !cell.verdict.hasPrefix("needs"), let median = cell.median, let p90 = cell.p90
                else { continue }
                var text = "\(longTitle(row)) median \(Wording.number(median)), p90 \(Wording.number(p90))"
                if !cell.drivers.isEmpty {
                    text +=
                        "; largest "
                        + cell.drivers.map { "\($0.label) (\(Wording.number($0.value)))" }.joined(separator: ", ")
                }
                parts.append(text)
            }
            if !parts.isEmpty { out.append((group, parts.joined(separator: " · "))) }
        }
        return out
    }

    /// Words of `text` on lines of at most `width` columns (a word longer than a line has a line of its own);
    /// the first line starts with `first`, the others with `rest`. Never breaks inside a word.
    static func wrap(_ text: String, width: Int, first: String = "", rest: String = "") -> [String] {
        var lines: [String] = []
        var line = first
        var empty = true
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if !empty && line.count + 1 + word.count > width {
                lines.append(line)
                line = rest
                empty = true
            }
            line += (empty ? "" : " ") + word
            empty = false
        }
        lines.append(line)
        return lines
    }
}
