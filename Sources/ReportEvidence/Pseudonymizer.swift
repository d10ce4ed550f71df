import Crypto
import Foundation
public import ReportContract

/// Takes people out of a finished report, before any reporter sees it (ADR 0014). A pure transform:
/// `Report → Report`.
///
/// - `pseudonyms`: every person (authors, co-authors, reviewers, bots) becomes `person-<10 hex>` with the e-mail
///   `person-<10 hex>@pseudonymized.invalid` (`bot-…` for bots), the hex being the start of
///   HMAC-SHA256(key, lower-cased e-mail): stable for a key, unlinkable without it. People are told apart by
///   lower-cased e-mail, as everywhere in Yardstick. Inside commit subjects and config rules, every name and
///   e-mail of the report's own people is replaced by that person's pseudonym, and the account handle in a
///   GitHub or Bitbucket merge subject by `user-<10 hex>`; a name the report does not know (a subject
///   thanking someone who authored nothing) stays.
/// - `groups`: no per-person data at all: author and bot lists empty, changes without author, co-authors or
///   reviewers, subjects withheld. Group figures are unchanged.
///
/// Group names are pseudonymized too (`pseudonyms` mode), unless written in the user's yardstick.yml: without
/// a configuration they are e-mail domains, and a personal domain (`alice-smith.name`) names its owner. A group
/// becomes `group-<10 hex>` (HMAC of `group:` + the name); with `--by author` a group is one person and takes
/// that person's pseudonym. `unassigned` and `bots` stay.
///
/// The key is never written into the report; the report's notes say which mode was applied.
public struct Pseudonymizer: Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        case pseudonyms, groups
    }

    public let mode: Mode
    private let key: [UInt8]?

    /// Keys shorter than this are refused: a short key makes the pseudonyms guessable from a list of e-mails.
    public static let minimumKeyBytes = 16

    public struct KeyError: Error, CustomStringConvertible {
        public let description: String
    }

    /// `key` is required for `pseudonyms` and ignored for `groups`.
    public init(mode: Mode, key: [UInt8]?) throws {
        self.mode = mode
        if mode == .pseudonyms {
            guard let key, key.count >= Self.minimumKeyBytes else {
                throw KeyError(description: "the pseudonym key must be at least \(Self.minimumKeyBytes) bytes")
            }
            self.key = key
        } else {
            self.key = nil
        }
    }

    /// The key from a key file: its bytes, without one trailing newline.
    public static func key(fileContents data: [UInt8]) -> [UInt8] {
        var bytes = data
        if bytes.last == 0x0A { bytes.removeLast() }
        if bytes.last == 0x0D { bytes.removeLast() }
        return bytes
    }

    public static let note: [Mode: String] = [
        .pseudonyms:
            "Pseudonymized: names and e-mails are keyed pseudonyms (HMAC-SHA256 of the lower-cased e-mail); the report's own people's names and e-mails inside subjects and rules are replaced too, and so are group names not written in the configuration; the key is not in the report.",
        .groups:
            "Group-only: per-person data is left out (author lists, change authors, co-authors, reviewers and subjects); group figures are unchanged.",
    ]

    public func pseudonym(email: String, bot: Bool = false) -> (name: String, email: String) {
        guard let key else { return ("", "") }
        let mac = HMAC<SHA256>.authenticationCode(for: Data(email.lowercased().utf8), using: SymmetricKey(data: key))
        let hex = mac.prefix(5).map { String(format: "%02x", $0) }.joined()
        let name = (bot ? "bot-" : "person-") + hex
        return (name, name + "@pseudonymized.invalid")
    }

    /// The pseudonym of a group name that does not come from the user's configuration.
    public func groupPseudonym(_ name: String) -> String {
        guard let key else { return name }
        let mac = HMAC<SHA256>.authenticationCode(for: Data(("group:" + name).utf8), using: SymmetricKey(data: key))
        return "group-" + mac.prefix(5).map { String(format: "%02x", $0) }.joined()
    }

    /// Names that stay as they are: the groups of the user's configuration, and the two reserved names.
    static func keeps(_ name: String, _ configured: Set<String>) -> Bool {
        configured.contains(name) || name == "unassigned" || name == "bots"
    }

    /// `configuredGroups`: the group names written in the user's yardstick.yml, which stay as written; every
    /// other group name (an e-mail domain, an author) is pseudonymized.
    public func apply(_ input: Report, configuredGroups: Set<String> = []) -> Report {
        var report = input
        switch mode {
        case .groups:
            for g in report.groups.indices { report.groups[g].authors = [] }
            report.bots = []
            for i in report.pullRequests.indices {
                report.pullRequests[i].author = ""
                report.pullRequests[i].coAuthors = []
                report.pullRequests[i].title = "(subject withheld)"
                report.pullRequests[i].delivery?.reviewers = []
            }
        case .pseudonyms:
            var renamed: [String: String] = [:]
            for g in report.groups where !Self.keeps(g.name, configuredGroups) {
                // With `--by author` each group is one person: it takes that person's pseudonym.
                if report.options.by == "author", g.authors.count == 1, let a = g.authors.first {
                    renamed[g.name] = pseudonym(email: a.email).name
                } else {
                    renamed[g.name] = groupPseudonym(g.name)
                }
            }
            for pr in report.pullRequests {
                for g in pr.groups where renamed[g] == nil && !Self.keeps(g, configuredGroups) {
                    renamed[g] = groupPseudonym(g)
                }
            }
            func group(_ name: String) -> String { renamed[name] ?? name }
            let people = People(report: report, pseudonymizer: self, groups: renamed)
            for g in report.groups.indices { report.groups[g].name = group(report.groups[g].name) }
            for i in report.pullRequests.indices {
                report.pullRequests[i].group = group(report.pullRequests[i].group)
                report.pullRequests[i].groups = report.pullRequests[i].groups.map(group)
            }
            // The summary matrix names the same groups (its `other` row is no group name).
            if var summary = report.summary {
                summary.groups = summary.groups.map(group)
                if let folded = summary.other?.groups { summary.other?.groups = folded.map(group) }
                for r in summary.rows.indices {
                    for c in summary.rows[r].cells.indices {
                        summary.rows[r].cells[c].group = group(summary.rows[r].cells[c].group)
                    }
                }
                report.summary = summary
            }
            for g in report.groups.indices {
                for a in report.groups[g].authors.indices {
                    let p = pseudonym(email: report.groups[g].authors[a].email)
                    report.groups[g].authors[a].name = p.name
                    report.groups[g].authors[a].email = p.email
                    report.groups[g].authors[a].rule = people.replace(in: report.groups[g].authors[a].rule)
                }
                report.groups[g].authors.sort { ($0.email, $0.name) < ($1.email, $1.name) }
            }
            for b in report.bots.indices {
                let p = pseudonym(email: report.bots[b].email, bot: true)
                report.bots[b].name = p.name
                report.bots[b].email = p.email
                report.bots[b].rule = people.replace(in: report.bots[b].rule)
            }
            report.bots.sort { ($0.email, $0.name) < ($1.email, $1.name) }
            for i in report.pullRequests.indices {
                report.pullRequests[i].author = people.identity(report.pullRequests[i].author)
                report.pullRequests[i].coAuthors = report.pullRequests[i].coAuthors.map(people.identity)
                report.pullRequests[i].title = handles(in: people.replace(in: report.pullRequests[i].title))
                if let reviewers = report.pullRequests[i].delivery?.reviewers {
                    report.pullRequests[i].delivery?.reviewers = reviewers.map(people.identity)
                }
            }
        }
        if let note = Self.note[mode] { report.notes.append(note) }
        return report
    }

    /// One row of `yardstick groups`: a person, their group and the rule that placed them.
    public struct ListingRow: Sendable, Equatable {
        public var name: String
        public var email: String
        public var group: String
        public var rule: String

        public init(name: String, email: String, group: String, rule: String) {
            self.name = name
            self.email = email
            self.group = group
            self.rule = rule
        }
    }

    /// `yardstick groups` under `--pseudonymize`: people become their pseudonyms (`bot-…` in the `bots` group),
    /// group names not in `configuredGroups` become group pseudonyms, and people's names and e-mails inside
    /// rules are replaced. Under `groups` mode every row is dropped (the listing is per person).
    public func apply(listing rows: [ListingRow], configuredGroups: Set<String>) -> [ListingRow] {
        guard mode == .pseudonyms else { return [] }
        let identities = rows.map { (name: $0.name, email: $0.email, bot: $0.group == "bots") }
        let people = People(identities: identities, pseudonymizer: self)
        return rows.map { row in
            let p = pseudonym(email: row.email, bot: row.group == "bots")
            let group = Self.keeps(row.group, configuredGroups) ? row.group : groupPseudonym(row.group)
            return ListingRow(name: p.name, email: p.email, group: group, rule: people.replace(in: row.rule))
        }
    }

    /// Forge merge subjects name the fork's owner by account handle (`Merge pull request #12 from octocat/fix`,
    /// `Merged in octocat/fix (pull request #12)`): the handle becomes `user-<10 hex>`, the keyed HMAC of the
    /// lower-cased handle, like an e-mail.
    func handles(in title: String) -> String {
        for prefix in ["Merge pull request #", "Merged in "] where title.hasPrefix(prefix) {
            var rest = title.dropFirst(prefix.count)
            var head = prefix
            if prefix.hasPrefix("Merge pull") {
                let digits = rest.prefix { $0.isNumber }
                guard !digits.isEmpty, rest.dropFirst(digits.count).hasPrefix(" from ") else { return title }
                head += digits + " from "
                rest = rest.dropFirst(digits.count + " from ".count)
            }
            let handle = rest.prefix { $0 != "/" && $0 != " " }
            guard !handle.isEmpty, rest.dropFirst(handle.count).hasPrefix("/") else { return title }
            let p = pseudonym(email: "handle:" + handle.lowercased())
            return head + "user-" + p.name.dropFirst("person-".count) + rest.dropFirst(handle.count)
        }
        return title
    }

    /// The report's people: each name and e-mail with its replacement.
    struct People {
        /// Longest first, so a full name is replaced before a name it contains.
        var replacements: [(String, String)] = []
        var bots: Set<String> = []
        let pseudonymizer: Pseudonymizer

        init(report: Report, pseudonymizer: Pseudonymizer, groups: [String: String] = [:]) {
            var identities: [(name: String, email: String, bot: Bool)] = []
            var bots: Set<String> = []
            for b in report.bots {
                bots.insert(b.email.lowercased())
                identities.append((b.name, b.email, true))
            }
            for g in report.groups {
                for a in g.authors { identities.append((a.name, a.email, bots.contains(a.email.lowercased()))) }
            }
            for pr in report.pullRequests {
                for s in [pr.author] + pr.coAuthors + (pr.delivery?.reviewers ?? []) {
                    if let (n, e) = Self.split(s) { identities.append((n, e, bots.contains(e.lowercased()))) }
                }
            }
            self.init(identities: identities, pseudonymizer: pseudonymizer, groups: groups)
        }

        /// `groups`: group names and their pseudonyms, replaced in subjects like people's names.
        init(
            identities: [(name: String, email: String, bot: Bool)], pseudonymizer: Pseudonymizer,
            groups: [String: String] = [:]
        ) {
            self.pseudonymizer = pseudonymizer
            var seen: [String: (String, String)] = [:]
            func add(name: String, email: String, bot: Bool) {
                let p = pseudonymizer.pseudonym(email: email, bot: bot)
                if !email.isEmpty { seen[email.lowercased()] = (email, p.email) }
                // Names of two letters or fewer would replace parts of ordinary words.
                if name.count > 2 { seen["name:" + name] = (name, p.name) }
            }
            for i in identities where i.bot { bots.insert(i.email.lowercased()) }
            for i in identities { add(name: i.name, email: i.email, bot: i.bot || bots.contains(i.email.lowercased())) }
            for (name, pseudonym) in groups where name.count > 2 && seen["name:" + name] == nil {
                seen["group:" + name] = (name, pseudonym)
            }
            replacements = seen.values.sorted { ($0.0.count, $0.0) > ($1.0.count, $1.0) }
            for (i, r) in replacements.enumerated() {
                if let first = Self.words(r.0).first { byFirstWord[first, default: []].append(i) }
            }
        }

        /// Replacement indexes by the first word of what they replace: a text is only searched for the names
        /// and e-mails whose first word it holds (thousands of people × tens of thousands of subjects).
        var byFirstWord: [String: [Int]] = [:]

        /// Lower-cased runs of letters and digits.
        static func words(_ s: String) -> [String] {
            s.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
        }

        /// `Name <email>` as written by the report.
        static func split(_ s: String) -> (String, String)? {
            guard s.hasSuffix(">"), let open = s.lastIndex(of: "<") else { return nil }
            let name = s[..<open].trimmingCharacters(in: .whitespaces)
            let email = s[s.index(after: open)..<s.index(before: s.endIndex)]
            return (name, String(email))
        }

        func identity(_ s: String) -> String {
            guard let (_, email) = Self.split(s) else { return replace(in: s) }
            let p = pseudonymizer.pseudonym(email: email, bot: bots.contains(email.lowercased()))
            return "\(p.name) <\(p.email)>"
        }

        func replace(in text: String) -> String {
            let candidates = Set(Self.words(text).flatMap { byFirstWord[$0] ?? [] }).sorted()
            guard !candidates.isEmpty else { return text }
            var out = text
            for (from, to) in candidates.map({ replacements[$0] })
            where out.range(of: from, options: .caseInsensitive) != nil {
                out = out.replacingOccurrences(of: from, with: to, options: .caseInsensitive)
            }
            return out
        }
    }
}
