internal import Foundation
package import HistoryMetrics
package import HistoryModel

/// `yardstick groups --write-config`: a starting yardstick.yml from the people a history shows (issue 14).
///
/// - Bots the default patterns recognise (dependabot, renovate, github-actions, `[bot]` accounts) are listed in
///   a comment; GitHub Copilot, which appears as a co-author (`Co-authored-by: Copilot <…>`), gets a pattern.
/// - Every other e-mail domain becomes a group named after it (`domains: [d]`), most landed changes first.
/// - Addresses at a personal mail provider (gmail.com, outlook.com, …) go to one group, `Personal addresses`,
///   each by e-mail: the provider says nothing about the team.
/// - GitHub noreply addresses (`ID+user@users.noreply.github.com`) join the group of another address of the
///   same person (same name) when there is one, else a `GitHub noreply addresses` group, by e-mail.
///
/// Pure: `write` returns the text and the group each person will land in with it (`plan`), which a test checks
/// by loading the text.
package enum StartingConfiguration {
    package struct Person: Sendable, Equatable {
        package var identity: Identity
        package var commits: Int
        package var landedChanges: Int
        /// Seen only as a co-author (`Co-authored-by:`).
        package var coAuthorOnly: Bool

        package init(identity: Identity, commits: Int, landedChanges: Int, coAuthorOnly: Bool = false) {
            self.identity = identity
            self.commits = commits
            self.landedChanges = landedChanges
            self.coAuthorOnly = coAuthorOnly
        }
    }

    package static let personalProviders: Set<String> = [
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com",
        "icloud.com", "me.com", "mac.com", "aol.com", "protonmail.com", "proton.me", "pm.me", "gmx.de", "gmx.net",
        "gmx.com", "web.de", "mail.ru", "yandex.ru", "yandex.com", "qq.com", "163.com", "126.com", "fastmail.com",
        "hey.com", "zoho.com", "tutanota.com", "posteo.de", "free.fr", "orange.fr", "laposte.net", "libero.it",
    ]
    package static let personalGroup = "Personal addresses"
    package static let noreplyGroup = "GitHub noreply addresses"
    package static let noreplyDomain = "users.noreply.github.com"
    /// GitHub Copilot as a co-author: `Co-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>`.
    package static let copilotPattern = "*+copilot@users.noreply.github.com"

    static func domain(_ email: String) -> String? {
        guard let at = email.lastIndex(of: "@"), email.index(after: at) < email.endIndex else { return nil }
        return String(email[email.index(after: at)...]).lowercased()
    }

    static func isCopilot(_ id: Identity) -> Bool {
        id.name.lowercased() == "copilot" || id.key.hasSuffix("+copilot@" + noreplyDomain)
    }

    /// The configuration text and, per lower-cased e-mail, the group it gives (`bots` for bots, `unassigned`
    /// for an address without a domain).
    package static func write(people input: [Person], bots: AuthorGroups = AuthorGroups()) -> (
        text: String, plan: [String: String]
    ) {
        // One entry per e-mail key: commits and changes added up, the smallest identity kept.
        var byKey: [String: Person] = [:]
        for p in input {
            if var q = byKey[p.identity.key] {
                q.identity = min(q.identity, p.identity)
                q.commits += p.commits
                q.landedChanges += p.landedChanges
                q.coAuthorOnly = q.coAuthorOnly && p.coAuthorOnly
                byKey[p.identity.key] = q
            } else {
                byKey[p.identity.key] = p
            }
        }
        let people = byKey.values.sorted { $0.identity < $1.identity }
        var plan: [String: String] = [:]
        var defaultBots: [Person] = []
        var copilot: [Person] = []
        var domains: [String: [Person]] = [:]
        var personal: [Person] = []
        var noreply: [Person] = []
        for p in people {
            if bots.isBot(p.identity) {
                defaultBots.append(p)
            } else if isCopilot(p.identity) {
                copilot.append(p)
            } else if let d = domain(p.identity.email) {
                if d == noreplyDomain {
                    noreply.append(p)
                } else if personalProviders.contains(d) {
                    personal.append(p)
                } else {
                    domains[d, default: []].append(p)
                }
            } else {
                plan[p.identity.key] = AuthorGroups.unassigned
            }
        }
        for p in defaultBots + copilot { plan[p.identity.key] = AuthorGroups.bots }
        // A noreply address joins the group of another address with the same name, when exactly one group has one.
        var groupsOfName: [String: Set<String>] = [:]
        for (d, ps) in domains { for p in ps { groupsOfName[p.identity.name, default: []].insert(d) } }
        for p in personal { groupsOfName[p.identity.name, default: []].insert(personalGroup) }
        var extraEmails: [String: [Person]] = [:]
        var unsortedNoreply: [Person] = []
        for p in noreply {
            if let found = groupsOfName[p.identity.name], found.count == 1, let g = found.first {
                extraEmails[g, default: []].append(p)
            } else {
                unsortedNoreply.append(p)
            }
        }
        func changes(_ ps: [Person]) -> Int { ps.reduce(0) { $0 + $1.landedChanges } }
        func commits(_ ps: [Person]) -> Int { ps.reduce(0) { $0 + $1.commits } }
        let byChanges = domains.keys.sorted {
            let a = changes(domains[$0]! + (extraEmails[$0] ?? []))
            let b = changes(domains[$1]! + (extraEmails[$1] ?? []))
            return a != b ? a > b : $0 < $1
        }
        // A domain rule also matches its subdomains, and the first matching group wins: a subdomain's group
        // goes before its parent's.
        var orderedDomains: [String] = []
        for d in byChanges {
            if let i = orderedDomains.firstIndex(where: { d.hasSuffix("." + $0) }) {
                orderedDomains.insert(d, at: i)
            } else {
                orderedDomains.append(d)
            }
        }

        var lines: [String] = [
            "# A starting yardstick.yml written by `yardstick groups --write-config` from the history's authors.",
            "# Rename, merge and split the groups to match your teams (docs/configuration.md), then run",
            "# `yardstick groups --config FILE` to check where everyone lands.",
            "version: 1",
            "groups:",
        ]
        func count(_ ps: [Person]) -> String {
            "\(ps.count) author\(ps.count == 1 ? "" : "s"), \(commits(ps)) commit\(commits(ps) == 1 ? "" : "s"), "
                + "\(changes(ps)) landed change credit\(changes(ps) == 1 ? "" : "s")"
        }
        func emails(_ ps: [Person], indent: String) -> [String] {
            ps.map { "\(indent)- \(quoted($0.identity.email))  # \(comment($0.identity.name))" }
        }
        for d in orderedDomains {
            let ps = domains[d]!
            let extra = extraEmails[d] ?? []
            lines.append("  - name: \(quoted(d))  # \(count(ps + extra))")
            lines.append("    domains: [\(quoted(d))]")
            if !extra.isEmpty {
                lines.append("    emails:  # the same people's GitHub noreply addresses")
                lines += emails(extra, indent: "      ")
            }
            for p in ps + extra { plan[p.identity.key] = d }
        }
        if !personal.isEmpty {
            let extra = extraEmails[personalGroup] ?? []
            lines.append("  # Addresses at personal mail providers: move each person to their team.")
            lines.append("  - name: \(quoted(personalGroup))  # \(count(personal + extra))")
            lines.append("    emails:")
            lines += emails(personal + extra, indent: "      ")
            for p in personal + extra { plan[p.identity.key] = personalGroup }
        }
        if !unsortedNoreply.isEmpty {
            lines.append(
                "  # GitHub noreply addresses (ID+user@users.noreply.github.com): move each person to their team.")
            lines.append("  - name: \(quoted(noreplyGroup))  # \(count(unsortedNoreply))")
            lines.append("    emails:")
            lines += emails(unsortedNoreply, indent: "      ")
            for p in unsortedNoreply { plan[p.identity.key] = noreplyGroup }
        }
        if orderedDomains.isEmpty && personal.isEmpty && unsortedNoreply.isEmpty {
            lines[lines.count - 1] = "groups: []"
        }
        lines.append("bots:")
        if !defaultBots.isEmpty {
            lines.append(
                "  # Set apart by the default patterns ([bot] accounts, dependabot, renovate, github-actions, …):")
            for p in defaultBots {
                lines.append(
                    "  #   \(comment(p.identity.description)), \(p.commits) commit\(p.commits == 1 ? "" : "s")")
            }
        }
        if copilot.isEmpty {
            lines.append("  patterns: []")
        } else {
            lines.append("  patterns:  # GitHub Copilot, seen as a co-author")
            lines.append("    - \(quoted(copilotPattern))")
            lines.append("    - \(quoted("Copilot"))")
        }
        return (lines.joined(separator: "\n") + "\n", plan)
    }

    /// A YAML double-quoted scalar: `\` and `"` escaped, control and format characters as `\uXXXX`.
    package static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            default:
                if u.properties.generalCategory == .control || u.properties.generalCategory == .format
                    || u == "\u{2028}" || u == "\u{2029}"
                {
                    out += String(format: "\\u%04X", u.value)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// Text for a comment: control, format and line-separator characters become `?`, so nothing ends it early.
    static func comment(_ s: String) -> String {
        String(
            String.UnicodeScalarView(
                s.unicodeScalars.map { u in
                    let c = u.properties.generalCategory
                    return c == .control || c == .format || c == .lineSeparator || c == .paragraphSeparator
                        ? "?" : u
                }))
    }
}
