import ArgumentParser
import Foundation
import HistoryMetrics
import MetricsReporting
import ReportEvidence
import YardstickAnalysis
import YardstickConfig

struct GroupsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "groups",
        abstract: "Show which group every author maps to, and by which rule, to help write yardstick.yml."
    )

    @OptionGroup var repository: RepositoryOptions

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    @Option(
        name: .long,
        help:
            "Write a starting yardstick.yml to FILE from the authors seen (domains, noreply addresses, bots incl. Copilot)."
    )
    var writeConfig: String?

    @Flag(name: .long, help: "With --write-config: replace FILE when it exists.")
    var force = false

    @Flag(
        name: .long,
        help: "Replace names, e-mails and group names not in the configuration with keyed pseudonyms (as analyze).")
    var pseudonymize = false

    @Option(name: .long, help: "File holding the pseudonym key (else YARDSTICK_PSEUDONYM_KEY).")
    var pseudonymKeyFile: String?

    func validate() throws {
        if force && writeConfig == nil { throw ValidationError("--force needs --write-config") }
        if pseudonymKeyFile != nil && !pseudonymize {
            throw ValidationError("--pseudonym-key-file needs --pseudonymize")
        }
        if writeConfig != nil && (json || pseudonymize) {
            throw ValidationError("--write-config writes the configuration only: it excludes --json and --pseudonymize")
        }
    }

    func run() throws {
        try Frontend.run {
            if let writeConfig {
                if !force && FileManager.default.fileExists(atPath: writeConfig) {
                    throw CLIError("\(writeConfig): already exists; give --force to replace it")
                }
                let sink = try OutputFile(path: writeConfig)
                let frontend = try Frontend(options: repository)
                let listing = try frontend.groupListing()
                let written = StartingConfiguration.write(people: listing.people, bots: frontend.configuration.groups)
                try sink.commit(written.text)
                let groups = Set(written.plan.values).subtracting([AuthorGroups.bots, AuthorGroups.unassigned]).count
                Terminal.writeStderr(
                    "\(TextEscaping.terminal(writeConfig)): \(groups) group\(groups == 1 ? "" : "s") for \(written.plan.count) people written\n"
                )
                return
            }
            try Terminal.requireStandardOutput()
            let pseudonymizer =
                pseudonymize ? try PrivacyOptions.pseudonymizer(mode: .pseudonyms, keyFile: pseudonymKeyFile) : nil
            let frontend = try Frontend(options: repository)
            var listing = try frontend.groupListing()
            if let pseudonymizer {
                let rows = pseudonymizer.apply(
                    listing: listing.rows.map {
                        Pseudonymizer.ListingRow(name: $0.name, email: $0.email, group: $0.group, rule: $0.rule)
                    }, configuredGroups: Set(frontend.configuration.groups.groups.map(\.name)))
                listing.replacePeople(rows.map { ($0.name, $0.email, $0.group, $0.rule) })
            }
            try Terminal.writeStdout(json ? listing.json() : listing.table(escaping: { TextEscaping.terminal($0) }))
        }
    }
}
