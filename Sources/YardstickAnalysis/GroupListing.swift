internal import Foundation
package import HistoryMetrics
package import HistoryMining
internal import HistoryModel
package import ReportContract

/// Who maps where: the output of `yardstick groups`.
package struct GroupListing: Codable {
    package struct Row: Codable {
        package var name: String
        package var email: String
        package var group: String
        package var rule: String
        package var commits: Int
        package var landedChanges: Int
    }

    package var rows: [Row]
    /// People seen only as co-authors (`Co-authored-by:`), with the commits naming them: not listed, but a
    /// starting configuration needs them (GitHub Copilot appears only there).
    package var coAuthorsOnly: [StartingConfiguration.Person] = []

    enum CodingKeys: String, CodingKey { case rows }

    /// Every author of a mined commit, with the group and rule `groups` gives them, their commits, and the
    /// landed changes the report credits them with; sorted by group, e-mail and name.
    package init(history: LandedHistory, report: Report, groups: AuthorGroups) {
        // Per e-mail: the smallest identity seen (a fixed choice, whatever the dictionary order).
        var commitsByPerson: [String: (Identity, Int)] = [:]
        var coAuthored: [String: (Identity, Int)] = [:]
        for id in history.mined.commits.ids {
            guard let record = history.mined.commits.record(id, withFiles: false) else { continue }
            let id = record.author.identity
            let previous = commitsByPerson[id.key]
            commitsByPerson[id.key] = (min(previous?.0 ?? id, id), (previous?.1 ?? 0) + 1)
            for co in record.coAuthors {
                let previous = coAuthored[co.key]
                coAuthored[co.key] = (min(previous?.0 ?? co, co), (previous?.1 ?? 0) + 1)
            }
        }
        coAuthored = coAuthored.filter { commitsByPerson[$0.key] == nil }
        var changes: [String: Int] = [:]
        for g in report.groups { for a in g.authors { changes[a.email.lowercased()] = a.changes } }
        for b in report.bots { changes[b.email.lowercased()] = b.changes }
        let rows = commitsByPerson.values.map { (identity, commits) -> Row in
            let a = groups.resolve(identity)
            return Row(
                name: identity.name, email: identity.email, group: a.group, rule: a.rule, commits: commits,
                landedChanges: changes[identity.key] ?? 0)
        }
        coAuthorsOnly = coAuthored.values.sorted { $0.0 < $1.0 }.map {
            StartingConfiguration.Person(
                identity: $0.0, commits: $0.1, landedChanges: changes[$0.0.key] ?? 0, coAuthorOnly: true)
        }
        self.rows = rows.sorted {
            ($0.group, $0.email.lowercased(), $0.name) < ($1.group, $1.email.lowercased(), $1.name)
        }
    }

    /// The listing as a table; `escape` makes repository and configuration text safe for where the table is
    /// shown (the CLI passes `TextEscaping.terminal`, so no control character reaches a terminal).
    package func table(escaping escape: (String) -> String) -> String {
        var widths = [5, 6, 4, 7, 7]
        let header = ["Group", "Author", "Rule", "Commits", "Landed"]
        let cells = rows.map {
            [
                escape($0.group), escape("\($0.name) <\($0.email)>"), escape($0.rule), String($0.commits),
                String($0.landedChanges),
            ]
        }
        for c in cells + [header] { for i in 0..<5 { widths[i] = max(widths[i], c[i].count) } }
        func line(_ c: [String]) -> String {
            (0..<5).map { i in i == 4 ? c[i] : c[i] + String(repeating: " ", count: widths[i] - c[i].count + 2) }
                .joined()
        }
        return ([line(header)] + cells.map(line)).joined(separator: "\n") + "\n"
    }

    /// Puts pseudonyms in place of the rows' people, groups and rules (one entry per row, in row order), then
    /// sorts again as `init` does.
    package mutating func replacePeople(_ replaced: [(name: String, email: String, group: String, rule: String)]) {
        for (i, r) in zip(rows.indices, replaced) {
            rows[i].name = r.name
            rows[i].email = r.email
            rows[i].group = r.group
            rows[i].rule = r.rule
        }
        coAuthorsOnly = []
        rows.sort { ($0.group, $0.email.lowercased(), $0.name) < ($1.group, $1.email.lowercased(), $1.name) }
    }

    /// Everyone the listing saw, for `StartingConfiguration.write`.
    package var people: [StartingConfiguration.Person] {
        rows.map {
            StartingConfiguration.Person(
                identity: Identity(name: $0.name, email: $0.email), commits: $0.commits, landedChanges: $0.landedChanges
            )
        } + coAuthorsOnly
    }

    package func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
