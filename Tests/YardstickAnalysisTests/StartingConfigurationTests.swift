import HistoryMetrics
import HistoryMining
import HistoryModel
import ReportContract
import TestSupport
import Testing
import YardstickAnalysis
import YardstickConfig

/// `groups --write-config` and `analyze --by author` as library calls.
@Suite struct StartingConfigurationTests {
    static func person(_ name: String, _ email: String, commits: Int = 1, changes: Int = 1, coAuthor: Bool = false)
        -> StartingConfiguration.Person
    {
        .init(
            identity: Identity(name: name, email: email), commits: commits, landedChanges: changes,
            coAuthorOnly: coAuthor)
    }

    static let people = [
        person("Alice", "alice@acme.com", commits: 5, changes: 4),
        person("Dave", "dave@eu.acme.com", commits: 2, changes: 2),
        person("Bob", "bob@acme.com", commits: 1, changes: 1),
        person("Vikram", "vikram@vendorco.io", commits: 3, changes: 3),
        person("Carla Diaz", "carla.diaz@gmail.com", commits: 2, changes: 2),
        person("Carla Diaz", "12345+carla@users.noreply.github.com", commits: 1, changes: 1),
        person("octo", "999+octo@users.noreply.github.com"),
        person("Alice", "7+alice@users.noreply.github.com"),
        person("Alice", "alice@acme.com", commits: 1, changes: 0),
        person("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com", commits: 4, changes: 4),
        person("renovate[bot]", "29139614+renovate[bot]@users.noreply.github.com"),
        person("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com"),
        person("Copilot", "175728472+Copilot@users.noreply.github.com", commits: 2, changes: 2, coAuthor: true),
        person("Quote \"Me\"\nNext: line", "quote@gmail.com"),
        person("nobody", "no-domain"),
    ]

    @Test func writtenConfigurationLoadsAndGivesThePlannedGroups() throws {
        let (text, plan) = StartingConfiguration.write(people: Self.people)
        let config = try YardstickConfiguration.parse(text, file: "written.yml")
        for p in Self.people {
            #expect(config.groups.resolve(p.identity).group == plan[p.identity.key], "\(p.identity)")
        }
        #expect(
            plan == [
                "alice@acme.com": "acme.com", "bob@acme.com": "acme.com", "dave@eu.acme.com": "eu.acme.com",
                "vikram@vendorco.io": "vendorco.io", "carla.diaz@gmail.com": "Personal addresses",
                "12345+carla@users.noreply.github.com": "Personal addresses",
                "999+octo@users.noreply.github.com": "GitHub noreply addresses",
                // Alice's noreply address joins her acme.com group.
                "7+alice@users.noreply.github.com": "acme.com",
                "49699333+dependabot[bot]@users.noreply.github.com": "bots",
                "29139614+renovate[bot]@users.noreply.github.com": "bots",
                "41898282+github-actions[bot]@users.noreply.github.com": "bots",
                "175728472+copilot@users.noreply.github.com": "bots", "quote@gmail.com": "Personal addresses",
                "no-domain": "unassigned",
            ])
        // The subdomain's group comes before its parent's, or acme.com would take Dave.
        let names = config.groups.groups.map(\.name)
        #expect(
            names == [
                "eu.acme.com", "acme.com", "vendorco.io", "Personal addresses", "GitHub noreply addresses",
            ])
        #expect(text.contains("  patterns:  # GitHub Copilot, seen as a co-author\n"))
        #expect(text.contains("#   dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>, 4 commits\n"))
        // Repository text cannot end a comment or a string early.
        #expect(text.contains("      - \"quote@gmail.com\"  # Quote \"Me\"?Next: line\n"))
        // Alice's two entries are one person; her noreply address counts as an author of its own.
        #expect(text.contains("  - name: \"acme.com\"  # 3 authors, 8 commits, 6 landed change credits\n"))
    }

    @Test func emptyHistoryStillLoads() throws {
        let (text, plan) = StartingConfiguration.write(people: [])
        #expect(plan.isEmpty)
        let config = try YardstickConfiguration.parse(text, file: "empty.yml")
        #expect(config.groups.groups.isEmpty)
    }

    @Test func writtenConfigurationOfTheGithubMergeSample() throws {
        let analysis = Analysis(path: SampleRepositories.path("github-merge"), mining: MiningOptions(workers: 2))
        let history = try analysis.landedHistory()
        let listing = GroupListing(
            history: history, report: try analysis.report(for: history), groups: YardstickConfiguration().groups)
        let (text, plan) = StartingConfiguration.write(people: listing.people)
        let config = try YardstickConfiguration.parse(text, file: "written.yml")
        let relisted = GroupListing(
            history: history, report: try analysis.report(for: history), groups: config.groups)
        #expect(
            relisted.rows.map { "\($0.email) \($0.group)" }
                == relisted.rows.map { "\($0.email) \(plan[$0.email.lowercased()] ?? "?")" })
        #expect(Set(plan.values) == ["acme.com", "vendorco.io", "Personal addresses", "bots"])
    }

    @Test func byAuthorGivesEveryAuthorAGroup() throws {
        var analysis = Analysis(path: SampleRepositories.path("github-merge"), mining: MiningOptions(workers: 2))
        analysis.byAuthor = true
        let report = try analysis.run()
        #expect(report.options.by == "author")
        #expect(
            report.groups.map { "\($0.name) \($0.authors.map(\.email)) \($0.metrics["landedChanges"]?.value ?? -1)" }
                == [
                    "Bob Brown [\"bob@acme.com\"] 4.0", "Alice Anders [\"alice@acme.com\"] 3.0",
                    "Carla Diaz [\"carla.diaz@gmail.com\"] 2.0", "Wei Chen [\"wei@vendorco.io\"] 2.0",
                    "Ren\u{FFFD} Lef\u{FFFD}vre [\"rene@vendorco.io\"] 1.0", "Vikram Rao [\"vikram@vendorco.io\"] 1.0",
                ])
        #expect(report.bots.map(\.name) == ["dependabot[bot]"])
    }
}
