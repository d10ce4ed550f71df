import HistoryModel
import HistoryParsing
import Testing

@testable import HistoryMetrics

struct AuthorGroupsTests {
    typealias Assignment = AuthorGroups.Assignment

    private func id(_ name: String, _ email: String) -> Identity { Identity(name: name, email: email) }

    // MARK: Default grouping by e-mail domain

    @Test(arguments: [
        ("ada@acme.com", "acme.com"),
        ("Ada@ACME.Com", "acme.com"),
        ("bob@eu.acme.com", "eu.acme.com"),
        ("weird@name@host.org", "host.org"),
    ])
    func defaultGroupsByDomain(email: String, group: String) {
        #expect(AuthorGroups().assign(id("Someone", email)) == Assignment(group: group, rule: "e-mail domain"))
    }

    @Test(arguments: ["localhost", "", "root@", "ADA"])
    func defaultWithoutDomainIsUnassigned(email: String) {
        #expect(
            AuthorGroups().assign(id("Someone", email)) == Assignment(group: "unassigned", rule: "no e-mail domain"))
    }

    @Test func constants() {
        #expect(AuthorGroups.unassigned == "unassigned")
        #expect(AuthorGroups.bots == "bots")
        #expect(
            AuthorGroups.defaultBotPatterns.map(\.pattern) == [
                #"*\[bot\]*"#, "dependabot*", "renovate*", "github-actions*", "greenkeeper*", "snyk-bot*", "*-bot@*",
            ])
        let g = AuthorGroups()
        #expect(g.groups.isEmpty)
        #expect(!g.includeBots)
    }

    // MARK: Configured groups

    static let configured = AuthorGroups(groups: [
        AuthorGroups.Group(name: "core", domains: ["Acme.com"]),
        AuthorGroups.Group(
            name: "offshore", emails: ["Contractor@ACME.com"], names: ["Jane Doe"], domains: ["contractor.io"],
            emailGlobs: [Glob("*@*.partner.example")]),
        AuthorGroups.Group(name: "regexed", regexes: [try! RegexPattern("^Bob ")]),
    ])

    @Test func domainMatch() {
        #expect(Self.configured.assign(id("Ada", "ada@acme.com")) == Assignment(group: "core", rule: "domain acme.com"))
        #expect(Self.configured.assign(id("Ada", "ADA@ACME.COM")) == Assignment(group: "core", rule: "domain acme.com"))
    }

    @Test func subdomainMatchesDomain() {
        #expect(
            Self.configured.assign(id("Eve", "eve@eu.acme.com")) == Assignment(group: "core", rule: "domain acme.com"))
        #expect(
            Self.configured.assign(id("Eve", "eve@a.b.contractor.io"))
                == Assignment(group: "offshore", rule: "domain contractor.io"))
    }

    @Test(arguments: ["eve@notacme.com", "eve@acme.com.evil.org", "eve@acme.co"])
    func lookalikeDomainsDoNotMatch(email: String) {
        #expect(Self.configured.assign(id("Eve", email)) == Assignment(group: "unassigned", rule: "no rule matched"))
    }

    @Test func explicitEmailBeatsDomainOfEarlierGroup() {
        #expect(
            Self.configured.assign(id("Con Tractor", "contractor@acme.com"))
                == Assignment(group: "offshore", rule: "email contractor@acme.com"))
        #expect(
            Self.configured.assign(id("Con Tractor", "CONTRACTOR@Acme.Com"))
                == Assignment(group: "offshore", rule: "email contractor@acme.com"))
    }

    @Test func explicitNameBeatsDomainOfEarlierGroup() {
        #expect(
            Self.configured.assign(id("Jane Doe", "jane@acme.com"))
                == Assignment(group: "offshore", rule: "name Jane Doe"))
        // Names match exactly.
        #expect(
            Self.configured.assign(id("jane doe", "jane@acme.com"))
                == Assignment(group: "core", rule: "domain acme.com"))
    }

    @Test func globPatternOverEmail() {
        #expect(
            Self.configured.assign(id("Pat", "pat@dev.partner.example"))
                == Assignment(group: "offshore", rule: "pattern *@*.partner.example"))
        #expect(
            Self.configured.assign(id("Pat", "pat@partner.example"))
                == Assignment(group: "unassigned", rule: "no rule matched"))
    }

    @Test func regexOverNameAndEmail() {
        #expect(
            Self.configured.assign(id("Bob Smith", "bob@gmail.com"))
                == Assignment(group: "regexed", rule: "regex ^Bob "))
        #expect(
            Self.configured.assign(id("Bobby", "bob@gmail.com"))
                == Assignment(group: "unassigned", rule: "no rule matched"))
        // An earlier group's domain wins over a later group's regex.
        #expect(
            Self.configured.assign(id("Bob Smith", "bob@acme.com"))
                == Assignment(group: "core", rule: "domain acme.com"))
    }

    @Test func regexSeesTheWholeIdentity() throws {
        let groups = AuthorGroups(groups: [
            AuthorGroups.Group(name: "ext", regexes: [try RegexPattern(#"<[^>]+@ext\.org>$"#)])
        ])
        #expect(groups.assign(id("Ann", "ann@ext.org")) == Assignment(group: "ext", rule: #"regex <[^>]+@ext\.org>$"#))
        #expect(groups.assign(id("Ann", "ann@ext.org.uk")).group == "unassigned")
    }

    @Test func patternsAreTriedGroupByGroup() throws {
        let groups = AuthorGroups(groups: [
            AuthorGroups.Group(name: "first", regexes: [try RegexPattern("Ada")]),
            AuthorGroups.Group(name: "second", domains: ["acme.com"]),
        ])
        #expect(groups.assign(id("Ada", "ada@acme.com")) == Assignment(group: "first", rule: "regex Ada"))
        #expect(groups.assign(id("Bob", "bob@acme.com")) == Assignment(group: "second", rule: "domain acme.com"))
    }

    @Test func unassignedWhenNothingMatchesConfiguredGroups() {
        #expect(
            Self.configured.assign(id("Zed", "zed@else.where"))
                == Assignment(group: "unassigned", rule: "no rule matched"))
        #expect(
            Self.configured.assign(id("Zed", "no-at-sign")) == Assignment(group: "unassigned", rule: "no rule matched"))
    }

    @Test func invalidRegexThrows() {
        #expect(throws: (any Error).self) { try RegexPattern("[unclosed") }
        #expect(throws: (any Error).self) { try RegexPattern("(a") }
    }

    @Test func regexPatternMatches() throws {
        let r = try RegexPattern("b+c")
        #expect(r.source == "b+c")
        #expect(r.matches("abbbcd"))
        #expect(!r.matches("ac"))
    }

    // MARK: Bots

    @Test(arguments: [
        ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"),
        ("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com"),
        ("renovate[bot]", "29139614+renovate[bot]@users.noreply.github.com"),
        ("dependabot-preview", "support@dependabot.com"),
        ("Renovate Bot", "renovate@whitesourcesoftware.com"),
        ("CI", "ci-bot@acme.com"),
        ("snyk-bot", "snyk-bot@snyk.io"),
        ("Greenkeeper", "greenkeeper@users.noreply.github.com"),
    ])
    func botsAreDetected(name: String, email: String) {
        #expect(AuthorGroups().isBot(id(name, email)))
    }

    @Test(arguments: [
        ("Bob Ott", "bob.ott@example.com"),
        ("Talbot Botham", "talbot@botham.org"),
        ("Robot Abbott", "robot.abbott@acme.com"),
        ("bot", "bot@acme.com"),
        ("Dependable Person", "depend@acme.com"),
        ("Bot Builder", "botbuilder@acme.com"),
    ])
    func peopleAreNotBots(name: String, email: String) {
        #expect(!AuthorGroups().isBot(id(name, email)))
    }

    @Test func botEmailIsMatchedLowercased() {
        #expect(AuthorGroups().isBot(id("CI", "CI-BOT@ACME.COM")))
    }

    @Test func resolveSetsBotsApartButAssignDoesNot() {
        let bot = id("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")
        let groups = AuthorGroups()
        #expect(groups.resolve(bot) == Assignment(group: "bots", rule: "bot pattern"))
        #expect(groups.assign(bot) == Assignment(group: "users.noreply.github.com", rule: "e-mail domain"))
        let person = id("Ada", "ada@acme.com")
        #expect(groups.resolve(person) == groups.assign(person))
        #expect(Self.configured.resolve(bot) == Assignment(group: "bots", rule: "bot pattern"))
        #expect(Self.configured.assign(bot) == Assignment(group: "unassigned", rule: "no rule matched"))
    }

    /// Since "explicit emails beat bot patterns" (commit 2858e07). NOTE: docs/configuration.md and ADR 0005
    /// still say the bot check comes first, "even before explicit `emails`".
    @Test func explicitEmailOrNameBeatsBotPatterns() {
        let groups = AuthorGroups(groups: [
            AuthorGroups.Group(name: "core", domains: ["acme.com"]),
            AuthorGroups.Group(name: "infra", emails: ["CI-Bot@acme.com"], names: ["renovate-internal"]),
        ])
        #expect(
            groups.resolve(id("CI", "ci-bot@acme.com")) == Assignment(group: "infra", rule: "email ci-bot@acme.com"))
        #expect(
            groups.resolve(id("renovate-internal", "r@acme.com"))
                == Assignment(group: "infra", rule: "name renovate-internal"))
        // Domains and patterns do not beat the bot patterns.
        #expect(groups.resolve(id("deploy", "deploy-bot@acme.com")) == Assignment(group: "bots", rule: "bot pattern"))
    }

    @Test func includeBotsGroupsBotsLikePeople() {
        let bot = id("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")
        let groups = AuthorGroups(includeBots: true)
        #expect(groups.isBot(bot))
        #expect(groups.resolve(bot) == Assignment(group: "users.noreply.github.com", rule: "e-mail domain"))
    }

    @Test func customBotPatterns() {
        let groups = AuthorGroups(botPatterns: [Glob("jenkins*")])
        #expect(groups.isBot(id("jenkins", "ci@acme.com")))
        #expect(!groups.isBot(id("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")))
        #expect(groups.resolve(id("jenkins", "ci@acme.com")) == Assignment(group: "bots", rule: "bot pattern"))
    }
}
