import ArgumentParser
import HistoryMetrics
import MetricsReporting
import YardstickAnalysis

struct GroupsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "groups",
        abstract: "Show which group every author maps to, and by which rule, to help write yardstick.yml."
    )

    @OptionGroup var repository: RepositoryOptions

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        try Frontend.run {
            try Terminal.requireStandardOutput()
            let frontend = try Frontend(options: repository)
            let listing = try frontend.groupListing()
            try Terminal.writeStdout(json ? listing.json() : listing.table(escaping: { TextEscaping.terminal($0) }))
        }
    }
}
