import Foundation
import MetricsReporting

/// Who maps where: the output of `yardstick groups`.
struct GroupListing: Codable {
    struct Row: Codable {
        var name: String
        var email: String
        var group: String
        var rule: String
        var commits: Int
        var landedChanges: Int
    }

    var rows: [Row]

    func table() -> String {
        var widths = [5, 6, 4, 7, 7]
        let header = ["Group", "Author", "Rule", "Commits", "Landed"]
        // Names, e-mails and rules come from the repository and the configuration: no control character
        // reaches the terminal.
        let cells = rows.map {
            [
                TextEscaping.terminal($0.group), TextEscaping.terminal("\($0.name) <\($0.email)>"), TextEscaping.terminal($0.rule),
                String($0.commits), String($0.landedChanges),
            ]
        }
        for c in cells + [header] { for i in 0..<5 { widths[i] = max(widths[i], c[i].count) } }
        func line(_ c: [String]) -> String {
            (0..<5).map { i in i == 4 ? c[i] : c[i] + String(repeating: " ", count: widths[i] - c[i].count + 2) }.joined()
        }
        return ([line(header)] + cells.map(line)).joined(separator: "\n") + "\n"
    }

    func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
