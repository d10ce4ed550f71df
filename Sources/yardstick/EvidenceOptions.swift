import ArgumentParser
import EvidenceImport
import Foundation
import HistoryMetrics
import ReportContract
import ReportEvidence
import YardstickAnalysis
import YardstickConfig

/// `--pseudonymize`, `--pseudonym-key-file` and `--privacy` (ADR 0014).
struct PrivacyOptions: ParsableArguments {
    @Flag(
        name: .long,
        help:
            "Replace names, e-mails and group names not in the configuration with keyed pseudonyms in every format (key: YARDSTICK_PSEUDONYM_KEY or --pseudonym-key-file)."
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
/// digest, the imported files with theirs and the import settings, the window and the privacy mode; then people
/// are taken out when asked (group names too, unless written in the configuration).
enum Provenance {
    static func finish(
        _ report: Report, frontend: Frontend, window: WindowOption?, imports: ImportRequest = ImportRequest(),
        pseudonymizer: Pseudonymizer?
    ) throws -> Report {
        var report = report
        report.options.configDigest = frontend.configData.map(FileDigest.sha256)
        report.options.window = window?.rawValue
        report.options.privacy = pseudonymizer?.mode.rawValue
        report.options.imports = try importedFiles(imports)
        let settings = Report.Options.ImportSettings(
            buildsFormat: imports.buildFormat?.rawValue, coverageFormat: imports.coverageFormat?.rawValue,
            reviewsFormat: imports.reviewFormat?.rawValue, buildNotes: imports.buildNotesRef,
            buildTrailers: imports.buildTrailers, reviewNotes: imports.reviewNotes,
            coverageStripPrefixes: imports.stripPrefixes)
        report.options.importSettings = settings.isDefault ? nil : settings
        let configured = report.options.by == "author" ? [] : Set(frontend.configuration.groups.groups.map(\.name))
        return pseudonymizer.map { $0.apply(report, configuredGroups: configured) } ?? report
    }

    /// Every imported file with its SHA-256, in the order read (builds, coverage, reviews).
    static func importedFiles(_ imports: ImportRequest) throws -> [Report.Options.ImportedFile] {
        try [("builds", imports.builds), ("coverage", imports.coverage), ("reviews", imports.reviews)].flatMap {
            kind, paths in
            try paths.map { path in
                // `FILE@REV` (coverage at another commit): the file's digest, the argument as given.
                let file = kind == "coverage" ? CoverageArgument.split(path).file : path
                guard let digest = FileDigest.sha256(fileAt: file) else {
                    throw CLIError("\(path): cannot read the \(kind) import to record its digest")
                }
                return Report.Options.ImportedFile(kind: kind, path: path, sha256: digest)
            }
        }
    }

    /// The import request a report records: its files (found under `directory` when given, see
    /// `verify --imports-dir`) and settings. A file that is missing or whose digest differs is refused.
    static func recordedImports(_ options: Report.Options, report: String, directory: String?) throws -> ImportRequest {
        var request = ImportRequest()
        for file in options.imports {
            var path = file.path
            if let directory {
                path =
                    file.path.hasPrefix("/")
                    ? directory + "/" + URL(fileURLWithPath: file.path).lastPathComponent : directory + "/" + file.path
            }
            let bytes = file.kind == "coverage" ? CoverageArgument.split(path).file : path
            guard let digest = FileDigest.sha256(fileAt: bytes) else {
                throw CLIError(
                    "\(path): the \(file.kind) import recorded in \(report) is missing (give --imports-dir DIR holding it)"
                )
            }
            guard digest == file.sha256 else {
                throw CLIError(
                    "\(path): the \(file.kind) import differs from the one \(report) was made with (\(digest), recorded \(file.sha256))"
                )
            }
            switch file.kind {
            case "builds": request.builds.append(path)
            case "coverage": request.coverage.append(path)
            case "reviews": request.reviews.append(path)
            default: throw CLIError("\(report): unknown import kind '\(file.kind)' in options.imports")
            }
        }
        if let s = options.importSettings {
            func format<F: RawRepresentable>(_ value: String?, _ name: String) throws -> F? where F.RawValue == String {
                guard let value else { return nil }
                guard let f = F(rawValue: value) else {
                    throw CLIError("\(report): unknown \(name) '\(value)' in options.importSettings")
                }
                return f
            }
            request.buildFormat = try format(s.buildsFormat, "builds format")
            request.coverageFormat = try format(s.coverageFormat, "coverage format")
            request.reviewFormat = try format(s.reviewsFormat, "reviews format")
            request.buildNotesRef = s.buildNotes
            request.buildTrailers = s.buildTrailers
            request.reviewNotes = s.reviewNotes
            request.stripPrefixes = s.coverageStripPrefixes
        }
        return request
    }
}
