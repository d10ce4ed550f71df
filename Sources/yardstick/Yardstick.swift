import ArgumentParser
import Foundation
import MetricsReporting

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
        subcommands: [
            AnalyzeCommand.self, GroupsCommand.self, BlameCommand.self, HistoryCommand.self, VerifyCommand.self,
            SignCommand.self, KeygenCommand.self,
        ],
        defaultSubcommand: AnalyzeCommand.self
    )

    /// Runs the command. Standard streams closed at start are noted and their descriptors held on
    /// `/dev/null` (so no file opened later takes descriptor 1 and receives the report); a usage error is
    /// one line: `error: <what is wrong>; see 'yardstick <command> --help'`, exit status 64.
    static func main() {
        Terminal.holdClosedStandardStreams()
        let command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exitWithUsageLine(error)
        }
        do {
            var command = command
            try command.run()
        } catch {
            exitWithUsageLine(error)
        }
        Self.exit()
    }

    private static func exitWithUsageLine(_ error: any Error) -> Never {
        guard !(error is ExitCode), exitCode(for: error) == .validationFailure else { Self.exit(withError: error) }
        let message = message(for: error).split(whereSeparator: \.isNewline).joined(separator: "; ")
        let full = fullMessage(for: error)
        var hint = "see 'yardstick --help'"
        if let start = full.range(of: "See '"), let end = full[start.upperBound...].firstIndex(of: "'") {
            hint = "see '" + full[start.upperBound..<end] + "'"
        }
        var text = message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message
        while text.hasSuffix(".") || text.hasSuffix(" ") { text.removeLast() }
        Terminal.writeStderr("error: \(TextEscaping.terminal(text)); \(hint)\n")
        Terminal.exitNow(ExitCode.validationFailure.rawValue)
    }
}
