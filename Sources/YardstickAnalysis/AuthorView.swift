package import HistoryMetrics
package import HistoryModel
package import ReportContract

/// `analyze --by author`: every author its own group, as git-fame and gitinspector report (issue 14).
///
/// The groups are made from the landed changes' authors and (non-bot) co-authors, keyed by lower-cased
/// e-mail as everywhere; each is named after its person (the smallest name seen for that e-mail), with the
/// e-mail added (`Name <email>`) when two people share a name or the name is empty or reserved. Order: most
/// landed changes credited first, then name. Bots stay set apart by the configured patterns; a person keeps
/// the time zone of the configured group they would belong to.
package enum AuthorView {
    package static func groups(for changes: [LandedChange], base: AuthorGroups) -> AuthorGroups {
        var people: [String: (identity: Identity, changes: Int)] = [:]
        for change in changes {
            var seen: Set<String> = []
            for person in [change.author] + change.coAuthors where seen.insert(person.key).inserted {
                if base.resolve(person).group == AuthorGroups.bots { continue }
                let previous = people[person.key]
                people[person.key] = (min(previous?.identity ?? person, person), (previous?.changes ?? 0) + 1)
            }
        }
        var nameCount: [String: Int] = [:]
        for p in people.values { nameCount[p.identity.name, default: 0] += 1 }
        let zones = Dictionary(base.groups.map { ($0.name, $0.timeZone) }, uniquingKeysWith: { a, _ in a })
        let ordered = people.values.sorted {
            $0.changes != $1.changes ? $0.changes > $1.changes : $0.identity < $1.identity
        }
        let groups = ordered.map { p -> AuthorGroups.Group in
            let name = p.identity.name
            let unique =
                !name.isEmpty && nameCount[name] == 1 && name != AuthorGroups.unassigned && name != AuthorGroups.bots
            return AuthorGroups.Group(
                name: unique ? name : p.identity.description, emails: [p.identity.key],
                timeZone: zones[base.resolve(p.identity).group] ?? nil)
        }
        return AuthorGroups(groups: groups, botPatterns: base.botPatterns, includeBots: base.includeBots)
    }

    /// The per-author report without the `unassigned` group the builder adds for configured groups: nobody
    /// can be unassigned when every author has a group.
    package static func finish(_ report: Report) -> Report {
        var report = report
        report.groups.removeAll { $0.name == AuthorGroups.unassigned && $0.metrics.isEmpty && $0.authors.isEmpty }
        report.options.by = "author"
        return report
    }
}
