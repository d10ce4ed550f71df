public import HistoryModel
public import HistoryParsing

/// How authors map to groups (ADR 0005). Explicit e-mails and names win over patterns; patterns are tried
/// group by group in the order written. With no groups configured, each e-mail domain is a group.
public struct AuthorGroups: Sendable {
    /// One group's matching rules.
    public struct Group: Sendable {
        public var name: String
        /// Exact e-mail addresses (case-insensitive).
        public var emails: [String]
        /// Exact names.
        public var names: [String]
        /// E-mail domains; `acme.com` also matches `eu.acme.com`.
        public var domains: [String]
        /// Glob patterns over the e-mail address (`*@*.acme.com`).
        public var emailGlobs: [Glob]
        /// Regular expressions over `Name <email>`.
        public var regexes: [RegexPattern]
        /// The group's time zone (an IANA name or `+05:30`), for the business-hours clock.
        public var timeZone: String?

        public init(
            name: String, emails: [String] = [], names: [String] = [], domains: [String] = [],
            emailGlobs: [Glob] = [], regexes: [RegexPattern] = [], timeZone: String? = nil
        ) {
            self.name = name
            self.emails = emails
            self.names = names
            self.domains = domains
            self.emailGlobs = emailGlobs
            self.regexes = regexes
            self.timeZone = timeZone
        }
    }

    /// The name of the group for authors that match nothing.
    public static let unassigned = "unassigned"

    public var groups: [Group]
    /// Bot patterns, matched against the name and the e-mail address.
    public var botPatterns: [Glob]
    /// When true, bots are grouped like people instead of being set apart.
    public var includeBots: Bool

    public static let defaultBotPatterns: [Glob] = [
        #"*\[bot\]*"#, "dependabot*", "renovate*", "github-actions*", "greenkeeper*", "snyk-bot*", "*-bot@*",
    ].map(Glob.init)

    public init(groups: [Group] = [], botPatterns: [Glob] = AuthorGroups.defaultBotPatterns, includeBots: Bool = false)
    {
        self.groups = groups
        self.botPatterns = botPatterns
        self.includeBots = includeBots
    }

    /// True when the identity looks like a bot.
    public func isBot(_ identity: Identity) -> Bool {
        botPatterns.contains { $0.matchesText(identity.name) || $0.matchesText(identity.email.lowercased()) }
    }

    /// Why an identity lands in a group.
    public struct Assignment: Sendable, Equatable {
        public var group: String
        public var rule: String
    }

    /// The group name bots are listed under.
    public static let bots = "bots"

    /// Like `assign`, but sets bots apart (into `bots`) unless `includeBots` is on. An e-mail address or name
    /// listed explicitly in a group wins over the bot patterns.
    public func resolve(_ identity: Identity) -> Assignment {
        if let explicit = explicitAssignment(identity) { return explicit }
        if !includeBots && isBot(identity) { return Assignment(group: Self.bots, rule: "bot pattern") }
        return assign(identity)
    }

    private func explicitAssignment(_ identity: Identity) -> Assignment? {
        let email = identity.email.lowercased()
        for g in groups {
            if g.emails.contains(where: { $0.lowercased() == email }) {
                return Assignment(group: g.name, rule: "email \(email)")
            }
            if g.names.contains(identity.name) { return Assignment(group: g.name, rule: "name \(identity.name)") }
        }
        return nil
    }

    /// The group of an identity, and the rule that put it there.
    public func assign(_ identity: Identity) -> Assignment {
        let email = identity.email.lowercased()
        if groups.isEmpty {
            guard let at = email.lastIndex(of: "@"), email.index(after: at) < email.endIndex else {
                return Assignment(group: Self.unassigned, rule: "no e-mail domain")
            }
            let domain = String(email[email.index(after: at)...])
            return Assignment(group: domain, rule: "e-mail domain")
        }
        if let explicit = explicitAssignment(identity) { return explicit }
        let domain = email.lastIndex(of: "@").map { String(email[email.index(after: $0)...]) } ?? ""
        let full = identity.description
        for g in groups {
            for d in g.domains {
                let d = d.lowercased()
                if domain == d || domain.hasSuffix("." + d) { return Assignment(group: g.name, rule: "domain \(d)") }
            }
            if let glob = g.emailGlobs.first(where: { $0.matchesText(email) }) {
                return Assignment(group: g.name, rule: "pattern \(glob.pattern)")
            }
            if let regex = g.regexes.first(where: { $0.matches(full) }) {
                return Assignment(group: g.name, rule: "regex \(regex.source)")
            }
        }
        return Assignment(group: Self.unassigned, rule: "no rule matched")
    }
}

/// A regular expression, validated when configured. It is compiled again where it is used, so that the
/// configuration stays plain Sendable data; matching runs once per distinct author.
public struct RegexPattern: Sendable {
    public let source: String

    /// - Throws: when `source` is not a valid regular expression.
    public init(_ source: String) throws {
        _ = try Regex(source)
        self.source = source
    }

    public func matches(_ text: String) -> Bool {
        guard let regex = try? Regex(source) else { return false }
        return (try? regex.firstMatch(in: text)) != nil
    }
}
