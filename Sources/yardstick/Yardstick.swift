import ArgumentParser

@main
struct Yardstick: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "yardstick",
        abstract: "Measure how each group of authors delivers, from a git repository's history.",
        discussion: """
            Reads history through libgit2 (nothing from the repository is ever executed), classifies every \
            change on the branch's first-parent line, and places each author group against the published \
            benchmark table. Exit status: 0 success, 1 analysis failed (bad repository, config or output \
            path), 64 usage error.
            """,
        version: "0.1.0",
        subcommands: [AnalyzeCommand.self, GroupsCommand.self, BlameCommand.self, VerifyCommand.self, SignCommand.self, KeygenCommand.self],
        defaultSubcommand: AnalyzeCommand.self
    )
}
