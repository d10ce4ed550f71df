import ArgumentParser
import Foundation
import HistoryMetrics
import ReportContract
import ReportEvidence
import YardstickAnalysis

/// `--pseudonymize`, `--pseudonym-key-file` and `--privacy` (ADR 0014).
struct PrivacyOptions: ParsableArguments {
    @Flag(
        name: .long,
        help:
            "Replace names and e-mails with keyed pseudonyms in every format (key: YARDSTICK_PSEUDONYM_KEY or --pseudonym-key-file)."
    )
    var pseudonymize = false

    @Option(
        name: .long,
        help:
            "File holding the pseudonym key (at least 16 bytes; one trailing newline is ignored). Never written into the report."
    )
    var pseudonymKeyFile: String?

    @Option(name: .long, help: "people (default): names as in history; groups: leave all per-person data out.")
    var privacy: PrivacyLevel?

    enum PrivacyLevel: String, ExpressibleByArgument, CaseIterable {
        case people, groups
    }

    func validate() throws {
        if pseudonymKeyFile != nil && !pseudonymize {
            throw ValidationError("--pseudonym-key-file needs --pseudonymize")
        }
        if pseudonymize && privacy == .groups {
            throw ValidationError(
                "--pseudonymize and --privacy groups exclude each other: a group-only report has no people to pseudonymize"
            )
        }
    }

    var mode: Pseudonymizer.Mode? {
        if pseudonymize { return .pseudonyms }
        return privacy == .groups ? .groups : nil
    }

    /// The transform to apply, or nil; reads the key first so a missing key fails before any analysis.
    func pseudonymizer() throws -> Pseudonymizer? {
        guard let mode else { return nil }
        return try Self.pseudonymizer(mode: mode, keyFile: pseudonymKeyFile)
    }

    static func pseudonymizer(mode: Pseudonymizer.Mode, keyFile: String?) throws -> Pseudonymizer {
        guard mode == .pseudonyms else { return try Pseudonymizer(mode: mode, key: nil) }
        let key: [UInt8]
        let source: String
        if let keyFile {
            guard let data = FileManager.default.contents(atPath: keyFile) else {
                throw CLIError("\(keyFile): cannot read the pseudonym key file (missing or unreadable)")
            }
            key = Pseudonymizer.key(fileContents: Array(data))
            source = keyFile
        } else if let env = ProcessInfo.processInfo.environment["YARDSTICK_PSEUDONYM_KEY"], !env.isEmpty {
            key = Array(env.utf8)
            source = "YARDSTICK_PSEUDONYM_KEY"
        } else {
            throw CLIError("--pseudonymize needs a key: set YARDSTICK_PSEUDONYM_KEY or give --pseudonym-key-file")
        }
        do {
            return try Pseudonymizer(mode: .pseudonyms, key: key)
        } catch let error as Pseudonymizer.KeyError {
            throw CLIError("\(source): \(error.description) (it has \(key.count))")
        }
    }
}

/// What a report records about how it was made, beyond what the analysis fills in: the configuration's
/// digest, the window and the privacy mode; then people are taken out when asked.
enum Provenance {
    static func finish(_ report: Report, frontend: Frontend, window: WindowOption?, pseudonymizer: Pseudonymizer?)
        -> Report
    {
        var report = report
        report.options.configDigest = frontend.configData.map(FileDigest.sha256)
        report.options.window = window?.rawValue
        report.options.privacy = pseudonymizer?.mode.rawValue
        return pseudonymizer.map { $0.apply(report) } ?? report
    }
}
