import HistoryMetrics
import HistoryModel
import HistoryParsing
import Testing

@testable import YardstickConfig

struct YardstickConfigurationTests {
    static let full = """
        # Yardstick configuration
        version: 1
        groups:
          - name: core
            domains: [acme.com]
            emails:
              - Contractor@acme.com
            timezone: Europe/Berlin
          - name: offshore
            domains:
              - contractor.io
            names: ["Jane Doe"]
            patterns: ["*@*.partner.example"]
            regex: ['^Bob ']
            timezone: "+05:30"
        bots:
          patterns: ["jenkins*"]
          include: false
        exclude:
          defaults: true
          paths: ["*.generated.swift", "docs/**"]
          include: ["vendor/ours/**"]
        forges:
          committers: [Noreply@GitHub.com, gitlab@example.com]

        """

    @Test func fullConfigParses() throws {
        let config = try YardstickConfiguration.parse(Self.full, file: "yardstick.yml")
        let groups = config.groups.groups
        #expect(groups.map(\.name) == ["core", "offshore"])
        #expect(groups[0].domains == ["acme.com"])
        #expect(groups[0].emails == ["Contractor@acme.com"])
        #expect(groups[0].names == [])
        #expect(groups[0].emailGlobs.map(\.pattern) == [])
        #expect(groups[0].regexes.map(\.source) == [])
        #expect(groups[0].timeZone == "Europe/Berlin")
        #expect(groups[1].domains == ["contractor.io"])
        #expect(groups[1].emails == [])
        #expect(groups[1].names == ["Jane Doe"])
        #expect(groups[1].emailGlobs.map(\.pattern) == ["*@*.partner.example"])
        #expect(groups[1].regexes.map(\.source) == ["^Bob "])
        #expect(groups[1].timeZone == "+05:30")

        #expect(
            config.groups.botPatterns.map(\.pattern) == AuthorGroups.defaultBotPatterns.map(\.pattern) + ["jenkins*"])
        #expect(!config.groups.includeBots)

        #expect(config.exclusions.useDefaults)
        #expect(config.exclusions.extraPatterns.map(\.pattern) == ["*.generated.swift", "docs/**"])
        #expect(config.exclusions.includePatterns.map(\.pattern) == ["vendor/ours/**"])

        #expect(config.forgeCommitterEmails == ["noreply@github.com", "gitlab@example.com"])
    }

    @Test func fullConfigBehaves() throws {
        let config = try YardstickConfiguration.parse(Self.full, file: "yardstick.yml")
        let g = config.groups
        #expect(g.resolve(Identity(name: "Ann", email: "ann@eu.acme.com")).group == "core")
        #expect(g.resolve(Identity(name: "Con", email: "contractor@acme.com")).group == "core")
        #expect(g.resolve(Identity(name: "Jane Doe", email: "jane@acme.com")).group == "offshore")
        #expect(g.resolve(Identity(name: "Pat", email: "pat@dev.partner.example")).group == "offshore")
        #expect(g.resolve(Identity(name: "Bob Smith", email: "bob@gmail.com")).group == "offshore")
        #expect(g.resolve(Identity(name: "jenkins", email: "ci@acme.com")).group == "bots")
        #expect(g.resolve(Identity(name: "Zed", email: "zed@else.where")).group == "unassigned")
        #expect(config.exclusions.reason(for: "Sources/A.generated.swift") == "excluded by config (*.generated.swift)")
        #expect(config.exclusions.reason(for: "vendor/ours/x.go") == nil)
        #expect(config.exclusions.reason(for: "vendor/theirs/x.go") == "vendored (vendor/)")
    }

    @Test(arguments: ["", "\n\n", "# just a comment\n", "   \n# another\n"])
    func emptyFileGivesDefaults(text: String) throws {
        let config = try YardstickConfiguration.parse(text, file: "yardstick.yml")
        #expect(config.groups.groups.isEmpty)
        #expect(config.groups.botPatterns.map(\.pattern) == AuthorGroups.defaultBotPatterns.map(\.pattern))
        #expect(!config.groups.includeBots)
        #expect(config.exclusions.useDefaults)
        #expect(config.exclusions.extraPatterns.isEmpty)
        #expect(config.exclusions.includePatterns.isEmpty)
        #expect(config.forgeCommitterEmails == ["noreply@github.com"])
    }

    @Test func versionOnlyGivesDefaults() throws {
        let config = try YardstickConfiguration.parse("version: 1\n", file: "yardstick.yml")
        #expect(config.groups.groups.isEmpty)
        #expect(config.forgeCommitterEmails == ["noreply@github.com"])
    }

    @Test func botsReplaceDefaultsAndInclude() throws {
        let config = try YardstickConfiguration.parse(
            "bots:\n  patterns: ['ci-*']\n  replaceDefaults: yes\n  include: true\n", file: "y.yml")
        #expect(config.groups.botPatterns.map(\.pattern) == ["ci-*"])
        #expect(config.groups.includeBots)
    }

    @Test(arguments: [
        ("true", true), ("True", true), ("YES", true), ("on", true), ("On", true),
        ("false", false), ("FALSE", false), ("no", false), ("Off", false), ("'true'", true),
    ])
    func booleansInAnyCase(text: String, value: Bool) throws {
        let config = try YardstickConfiguration.parse("bots:\n  include: \(text)\n", file: "y.yml")
        #expect(config.groups.includeBots == value)
    }

    @Test(arguments: ["version: 1\n", "version: '1'\n", "version: \"1\"\n"])
    func versionOneSpellings(text: String) throws {
        let config = try YardstickConfiguration.parse(text, file: "y.yml")
        #expect(config.groups.groups.isEmpty)
    }

    @Test func emptyForgeListTurnsRebaseDetectionOff() throws {
        let config = try YardstickConfiguration.parse("forges:\n  committers: []\n", file: "y.yml")
        #expect(config.forgeCommitterEmails == [])
    }

    @Test func excludeDefaultsOff() throws {
        let config = try YardstickConfiguration.parse("exclude:\n  defaults: false\n", file: "y.yml")
        #expect(!config.exclusions.useDefaults)
        #expect(config.exclusions.reason(for: "yarn.lock") == nil)
    }

    @Test func emptyGroupsListIsAllowed() throws {
        let config = try YardstickConfiguration.parse("groups: []\n", file: "y.yml")
        #expect(config.groups.groups.isEmpty)
    }

    // MARK: Errors

    private func parseError(_ text: String, file: String = "yardstick.yml") -> ConfigError? {
        do {
            _ = try YardstickConfiguration.parse(text, file: file)
            return nil
        } catch {
            return error
        }
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var name: String
        var yaml: String
        var line: Int
        var message: String
        var testDescription: String { name }
    }

    static let errorCases: [ErrorCase] = [
        ErrorCase(
            name: "unknown top-level key", yaml: "version: 1\ngroup:\n  - name: core\n", line: 2,
            message:
                "unknown key 'group' in configuration (expected one of: bots, delivery, exclude, forges, groups, imports, minimumSample, summaryGroups, version)"
        ),
        ErrorCase(
            name: "unknown group key", yaml: "groups:\n  - name: core\n    domain: [acme.com]\n", line: 3,
            message:
                "unknown key 'domain' in groups[0] (expected one of: domains, emails, name, names, patterns, regex, timezone)"
        ),
        ErrorCase(
            name: "unknown key in the second group",
            yaml: "groups:\n  - name: core\n  - name: other\n    emial: [a@b.c]\n", line: 4,
            message:
                "unknown key 'emial' in groups[1] (expected one of: domains, emails, name, names, patterns, regex, timezone)"
        ),
        ErrorCase(
            name: "unknown bots key", yaml: "bots:\n  pattern: ['x*']\n", line: 2,
            message: "unknown key 'pattern' in bots (expected one of: include, patterns, replaceDefaults)"),
        ErrorCase(
            name: "unknown exclude key", yaml: "exclude:\n  path: ['x']\n", line: 2,
            message: "unknown key 'path' in exclude (expected one of: defaults, include, paths)"),
        ErrorCase(
            name: "unknown forges key", yaml: "forges:\n  committer: ['x']\n", line: 2,
            message: "unknown key 'committer' in forges (expected one of: committers)"),
        ErrorCase(
            name: "string instead of list", yaml: "groups:\n  - name: core\n    domains: acme.com\n", line: 3,
            message: "groups[0].domains must be a list"),
        ErrorCase(
            name: "string instead of list for exclude.paths", yaml: "exclude:\n  paths: docs/**\n", line: 2,
            message: "exclude.paths must be a list"),
        ErrorCase(
            name: "groups not a list", yaml: "groups:\n  name: core\n", line: 2, message: "groups must be a list"),
        ErrorCase(
            name: "list instead of string", yaml: "groups:\n  - name: [core, other]\n", line: 2,
            message: "groups[0].name must be text"),
        ErrorCase(
            name: "list inside a list of strings",
            yaml: "groups:\n  - name: core\n    domains:\n      - acme.com\n      - [x.com]\n",
            line: 5, message: "groups[0].domains[1] must be text"),
        ErrorCase(
            name: "mapping instead of string", yaml: "groups:\n  - name: core\n    timezone:\n      zone: UTC\n",
            line: 4,
            message: "groups[0].timezone must be text"),
        ErrorCase(
            name: "non-bool", yaml: "exclude:\n  defaults: maybe\n", line: 2,
            message: "exclude.defaults must be true or false (found 'maybe')"),
        ErrorCase(
            name: "non-bool number", yaml: "bots:\n  include: 2\n", line: 2,
            message: "bots.include must be true or false (found '2')"),
        ErrorCase(
            name: "list instead of bool", yaml: "bots:\n  replaceDefaults: [true]\n", line: 2,
            message: "bots.replaceDefaults must be true or false"),
        ErrorCase(
            name: "missing group name", yaml: "groups:\n  - name: core\n  - domains: [acme.com]\n    emails: [a@b.c]\n",
            line: 3,
            message: "groups[1] needs a name"),
        ErrorCase(
            name: "group not a mapping", yaml: "groups:\n  - core\n", line: 2,
            message: "groups[0] must be a mapping of keys to values"),
        ErrorCase(
            name: "duplicate group name",
            yaml: "groups:\n  - name: core\n    domains: [a.com]\n  - name: core\n    domains: [b.com]\n",
            line: 4, message: "group 'core' is defined twice"),
        ErrorCase(
            name: "reserved name unassigned", yaml: "groups:\n  - name: unassigned\n", line: 2,
            message: "groups[0].name 'unassigned' is empty or reserved"),
        ErrorCase(
            name: "reserved name bots", yaml: "groups:\n  - name: core\n  - name: bots\n", line: 3,
            message: "groups[1].name 'bots' is empty or reserved"),
        ErrorCase(
            name: "empty name", yaml: "groups:\n  - name: ''\n", line: 2,
            message: "groups[0].name '' is empty or reserved"),
        ErrorCase(
            name: "invalid regex", yaml: "groups:\n  - name: core\n    regex:\n      - '^ok$'\n      - '[unclosed'\n",
            line: 5,
            message: "groups[0].regex[1] is not a valid regular expression: [unclosed"),
        ErrorCase(
            name: "regex not a list", yaml: "groups:\n  - name: core\n    regex: '^Bob'\n", line: 3,
            message: "groups[0].regex must be a list"),
        ErrorCase(
            name: "version 2", yaml: "version: 2\ngroups: []\n", line: 1, message: "version must be 1 (found '2')"),
        ErrorCase(
            name: "version later in the file", yaml: "groups: []\n\nversion: '1.0'\n", line: 3,
            message: "version must be 1 (found '1.0')"),
        ErrorCase(
            name: "bots not a mapping", yaml: "version: 1\nbots: ['ci-*']\n", line: 2,
            message: "bots must be a mapping of keys to values"),
        ErrorCase(
            name: "key that is not text", yaml: "groups:\n  - name: core\n    ? [a, b]\n    : x\n", line: 3,
            message: "groups[0] has a key that is not text"),
        ErrorCase(
            name: "version 1.0", yaml: "version: 1.0\n", line: 1, message: "version must be 1 (found '1.0')"),
        ErrorCase(
            name: "forges.committers not a list", yaml: "forges:\n  committers: noreply@github.com\n", line: 2,
            message: "forges.committers must be a list"),
        ErrorCase(
            name: "top level is a list", yaml: "- name: core\n", line: 1,
            message: "configuration must be a mapping of keys to values"),
        ErrorCase(
            name: "top level is a scalar", yaml: "hello\n", line: 1,
            message: "configuration must be a mapping of keys to values"),
        // Time zones are validated: an IANA name or ±HH:MM exactly (docs/configuration.md).
        ErrorCase(
            name: "offset without a colon", yaml: "groups:\n  - name: core\n    timezone: '+0530'\n", line: 3,
            message: "groups[0].timezone '+0530' is not a time zone (an IANA name like Asia/Kolkata, or ±HH:MM)"),
        ErrorCase(
            name: "offset in hours only", yaml: "groups:\n  - name: core\n    timezone: '+05'\n", line: 3,
            message: "groups[0].timezone '+05' is not a time zone (an IANA name like Asia/Kolkata, or ±HH:MM)"),
        ErrorCase(
            name: "misspelt zone name", yaml: "groups:\n  - name: core\n    timezone: Asia/Kolkatta\n", line: 3,
            message: "groups[0].timezone 'Asia/Kolkatta' is not a time zone (an IANA name like Asia/Kolkata, or ±HH:MM)"
        ),
        ErrorCase(
            name: "offset past +14:00", yaml: "groups:\n  - name: core\n    timezone: '+15:00'\n", line: 3,
            message: "groups[0].timezone '+15:00' is not a time zone (an IANA name like Asia/Kolkata, or ±HH:MM)"),
    ]

    @Test(arguments: ["+05:30", "-03:00", "+00:00", "UTC", "Asia/Kolkata", "America/Argentina/Buenos_Aires"])
    func acceptedTimeZones(_ zone: String) throws {
        let config = try YardstickConfiguration.parse(
            "groups:\n  - name: core\n    timezone: '\(zone)'\n", file: "y.yml")
        #expect(config.groups.groups.first?.timeZone == zone)
    }

    @Test func newerNeighbourLinesIsAWholeNumberFrom0To100() throws {
        #expect(try YardstickConfiguration.parse("version: 1\n", file: "y.yml").delivery.newerNeighbourLines == 1)
        let off = try YardstickConfiguration.parse("delivery:\n  newerNeighbourLines: 0\n", file: "y.yml")
        #expect(off.delivery.newerNeighbourLines == 0)
        #expect(off.delivery.addOnlyFixContext == 1)
        let error = try #require(parseError("delivery:\n  newerNeighbourLines: 101\n", file: "y.yml"))
        #expect(error.description.hasPrefix("y.yml:2: delivery.newerNeighbourLines"))
        #expect(!error.description.contains("\n"))
    }

    @Test func issueLinesMakeFixesIsOffByDefaultAndTrueOrFalse() throws {
        #expect(try !YardstickConfiguration.parse("version: 1\n", file: "y.yml").delivery.issueLinesMakeFixes)
        let on = try YardstickConfiguration.parse("delivery:\n  issueLinesMakeFixes: true\n", file: "y.yml")
        #expect(on.delivery.issueLinesMakeFixes)
        #expect(
            on.delivery.issueLineExclusions.map(\.source) == DeliveryOptions.defaultIssueLineExclusions.map(\.source))
        let error = try #require(parseError("delivery:\n  issueLinesMakeFixes: sometimes\n", file: "y.yml"))
        #expect(error.description == "y.yml:2: delivery.issueLinesMakeFixes must be true or false (found 'sometimes')")
    }

    @Test func issueLineExclusionsReplaceTheDefaults() throws {
        let defaults = try YardstickConfiguration.parse("version: 1\n", file: "y.yml").delivery.issueLineExclusions
        #expect(defaults.map(\.source) == DeliveryOptions.defaultIssueLineExclusions.map(\.source))
        #expect(defaults.count == 3)
        let none = try YardstickConfiguration.parse("delivery:\n  issueLineExclusions: []\n", file: "y.yml")
        #expect(none.delivery.issueLineExclusions.isEmpty)
        let own = try YardstickConfiguration.parse("delivery:\n  issueLineExclusions: ['(?i)^docs:']\n", file: "y.yml")
        #expect(own.delivery.issueLineExclusions.map(\.source) == ["(?i)^docs:"])
        let error = try #require(parseError("delivery:\n  issueLineExclusions:\n    - '(docs'\n", file: "y.yml"))
        #expect(
            error.description == "y.yml:3: delivery.issueLineExclusions[0] is not a valid regular expression: (docs")
    }

    @Test func ciPatternsReplaceTheDefaults() throws {
        let defaults = try YardstickConfiguration.parse("version: 1\n", file: "y.yml").delivery.ciPatterns
        #expect(defaults.map(\.pattern) == DeliveryOptions.defaultCIPatterns.map(\.pattern))
        #expect(defaults.contains { $0.matches(".github/workflows/ci.yml") })
        #expect(!defaults.contains { $0.matches("Makefile") })
        let none = try YardstickConfiguration.parse("delivery:\n  ciPatterns: []\n", file: "y.yml")
        #expect(none.delivery.ciPatterns.isEmpty)
        let own = try YardstickConfiguration.parse("delivery:\n  ciPatterns: ['build/ci/**']\n", file: "y.yml")
        #expect(own.delivery.ciPatterns.map(\.pattern) == ["build/ci/**"])
        let error = try #require(parseError("delivery:\n  ciPatterns: ci\n", file: "y.yml"))
        #expect(error.description == "y.yml:2: delivery.ciPatterns must be a list")
    }

    @Test func documentationPatternsReplaceTheDefaults() throws {
        let defaults = try YardstickConfiguration.parse("version: 1\n", file: "y.yml").delivery.documentationPatterns
        #expect(defaults == DeliveryOptions.defaultDocumentationPatterns)
        #expect(defaults.count == 25)
        let none = try YardstickConfiguration.parse("delivery:\n  documentationPatterns: []\n", file: "y.yml")
        #expect(none.delivery.documentationPatterns.isEmpty)
        let own = try YardstickConfiguration.parse(
            "delivery:\n  documentationPatterns: ['docs/**/*.md', 'NEWS']\n", file: "y.yml")
        #expect(own.delivery.documentationPatterns.map(\.pattern) == ["docs/**/*.md", "NEWS"])
        let error = try #require(parseError("delivery:\n  documentationPatterns: NEWS\n", file: "y.yml"))
        #expect(error.description == "y.yml:2: delivery.documentationPatterns must be a list")
    }

    @Test(arguments: errorCases)
    func errorsNameFileLineAndProblem(_ c: ErrorCase) throws {
        let error = try #require(parseError(c.yaml, file: "config/yardstick.yml"))
        #expect(error.file == "config/yardstick.yml")
        #expect(error.line == c.line)
        #expect(error.message == c.message)
        #expect(error.description == "config/yardstick.yml:\(c.line): \(c.message)")
    }

    @Test func badIndentation() throws {
        let yaml = "groups:\n  - name: core\n    domains: [acme.com]\n   emails: [a@acme.com]\n"
        let error = try #require(parseError(yaml))
        #expect(error.file == "yardstick.yml")
        #expect(error.line == 4)
        #expect(error.message == "not valid YAML: did not find expected '-' indicator")
    }

    @Test func badIndentationOfAMappingKey() throws {
        let yaml = "version: 1\nexclude:\n  defaults: true\n    paths: [a]\n"
        let error = try #require(parseError(yaml))
        #expect(error.line == 4)
        #expect(error.message == "not valid YAML: mapping values are not allowed in this context")
    }

    @Test func unclosedBracket() throws {
        let yaml = "groups:\n  - name: core\n    domains: [acme.com, x.com\n  - name: other\n"
        let error = try #require(parseError(yaml))
        #expect(error.file == "yardstick.yml")
        #expect(error.line == 4)
        #expect(error.message == "not valid YAML: did not find expected ',' or ']'")
    }

    @Test func tabIndentation() throws {
        let yaml = "groups:\n\t- name: core\n"
        let error = try #require(parseError(yaml))
        #expect(error.line == 2)
        #expect(error.message == "not valid YAML: found character that cannot start any token")
    }

    @Test func duplicateKeys() throws {
        let yaml = "groups: []\nversion: 1\ngroups: []\n"
        let error = try #require(parseError(yaml))
        #expect(error.file == "yardstick.yml")
        #expect(error.message == "duplicated keys: groups")
        // docs/configuration.md: "`<file>: duplicated keys: <keys>` (no line number)".
        #expect(error.line == nil)
        #expect(error.description == "yardstick.yml: duplicated keys: groups")
    }

    @Test func documentMarkerOnlyGivesDefaults() throws {
        // A file holding only the `---` document marker is as empty as an empty file.
        let config = try YardstickConfiguration.parse("---\n", file: "yardstick.yml")
        #expect(config.groups.groups.isEmpty)
    }

    @Test func secondDocumentIsRejected() throws {
        let error = try #require(parseError("version: 1\n---\ngroups: []\n"))
        #expect(error.line == 2)
        #expect(error.message == "not valid YAML: but found another document")
    }

    @Test func descriptionWithoutLine() {
        #expect(ConfigError(file: "y.yml", line: nil, message: "broken").description == "y.yml: broken")
        #expect(ConfigError(file: "y.yml", line: 7, message: "broken").description == "y.yml:7: broken")
    }
}
