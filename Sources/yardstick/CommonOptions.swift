import ArgumentParser

/// Options every subcommand that reads a repository takes.
struct RepositoryOptions: ParsableArguments {
    @Argument(
        help:
            "The repository to analyse: a working tree or a bare git directory (default: the repository containing the current folder)."
    )
    var repositoryPath: String?

    /// The path as reports show it.
    var path: String { repositoryPath ?? "." }

    @Option(
        name: .long,
        help: "Group configuration (YAML). Default: ./yardstick.yml when present, else group by e-mail domain.")
    var config: String?

    @Option(name: .long, help: "The branch or revision whose first-parent line is analysed (default: HEAD).")
    var branch: String?

    @Option(
        name: .long,
        help: "Only changes landed on or after this date (YYYY-MM-DD or ISO 8601, UTC unless an offset is given).")
    var since: String?

    @Option(name: .long, help: "Only changes landed on or before this date (a bare date includes that whole day).")
    var until: String?

    @Option(name: .long, help: "Worker threads for mining (default: number of cores).")
    var workers: Int?

    @Flag(name: .long, help: "Analyse a shallow clone anyway; the report says history is missing.")
    var allowShallow = false

    @Flag(
        name: .long,
        help: "Hash every object read, packed ones too (ADR 0011); packs, indexes and loose objects are always checked."
    )
    var verifyObjects = false

    func validate() throws {
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
        if let since, Frontend.parseDate(since, endOfDay: false) == nil {
            throw ValidationError("--since '\(since)' is not a date (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)")
        }
        if let until, Frontend.parseDate(until, endOfDay: true) == nil {
            throw ValidationError("--until '\(until)' is not a date (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)")
        }
        if let since, let until, let from = Frontend.parseDate(since, endOfDay: false),
            let to = Frontend.parseDate(until, endOfDay: true), from > to
        {
            throw ValidationError("--since '\(since)' is after --until '\(until)': the window is empty")
        }
    }
}
