import ArgumentParser
import Foundation
import MetricsReporting

#if canImport(Glibc)
    import Glibc
#endif

@main
struct Yardstick: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "yardstick",
        abstract: "Measure how each group of authors delivers, from a git repository's history.",
        discussion: """
            Reads history through libgit2 (nothing from the repository is ever executed), classifies every \
            change on the branch's first-parent line, and places each author group against the published \
            benchmark table. Exit status: 0 success, 1 bad input or analysis failed (bad repository, config, \
            policy or output path), 2 a gate or claim failed, 3 a gate was inconclusive (too few samples), \
            64 usage error, 70 internal error.
            """,
        version: "0.1.0",
        subcommands: [
            AnalyzeCommand.self, GroupsCommand.self, BlameCommand.self, HistoryCommand.self, VerifyCommand.self,
            SignCommand.self, KeygenCommand.self, FleetCommand.self, ReportCommand.self,
        ],
        defaultSubcommand: AnalyzeCommand.self
    )

    /// Runs the command. Standard streams closed at start are noted and their descriptors held on
    /// `/dev/null` (so no file opened later takes descriptor 1 and receives the report); a usage error is
    /// one line: `error: <what is wrong>; see 'yardstick <command> --help'`, exit status 64.
    static func main() {
        InternalFault.install()
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

    /// ArgumentParser's message on one line: a bulleted list of values (`- table` on lines of their own, as it
    /// lists more than four) joined with commas after its heading, other lines with semicolons.
    static func oneLine(_ message: String) -> String {
        var parts: [String] = []
        for line in message.split(whereSeparator: \.isNewline) {
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix("- "), let last = parts.last {
                parts[parts.count - 1] = last + (last.hasSuffix(":") ? " " : ", ") + trimmed.dropFirst(2)
            } else {
                parts.append(String(line))
            }
        }
        return parts.joined(separator: "; ")
    }

    private static func exitWithUsageLine(_ error: any Error) -> Never {
        guard !(error is ExitCode), exitCode(for: error) == .validationFailure else { Self.exit(withError: error) }
        let message = oneLine(message(for: error))
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

/// The exit statuses of every command (README, "Exit status").
enum ExitStatus: Int32 {
    /// Everything done; every gate and claim holds.
    case success = 0
    /// Bad input or the analysis failed: one line on standard error naming the file and the problem.
    case failure = 1
    /// A gate or claim failed (or was not proven, for `verify`), a recomputed value differs, a signature does
    /// not match.
    case checkFailed = 2
    /// No gate failed, but one could not be decided: too few samples, or no value (`analyze --gate/--fail-on`).
    case inconclusive = 3
    /// Usage error (EX_USAGE): unknown option, bad value.
    case usage = 64
    /// Internal error (EX_SOFTWARE): Yardstick itself stopped on a fault (a failed precondition, a trap, a bad
    /// memory access), not because of its input.
    case internalError = 70
}

/// A fault in Yardstick itself (a Swift runtime trap, SIGSEGV, SIGBUS, SIGFPE, SIGABRT) ends the run with exit
/// status 70 and one line on standard error, instead of the signal's status (132, 139, …) that a scheduler
/// could not tell from a kill. Only async-signal-safe calls in the handler: write(2) and _exit(2).
enum InternalFault {
    static let signals: [Int32] = [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGABRT]

    static func install() {
        for signal in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { _ in
                let message: StaticString =
                    "error: internal error: Yardstick stopped on a fault in its own code, not in its input; please report it with the command line (exit status 70)\n"
                _ = write(2, message.utf8Start, message.utf8CodeUnitCount)
                _exit(ExitStatus.internalError.rawValue)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(signal, &action, nil)
        }
    }
}
