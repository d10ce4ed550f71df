import ArgumentParser
import Foundation
import HistoryMetrics
import MetricsReporting
import ReportContract
import ReportEvidence
import YardstickAnalysis
import YardstickConfig

/// `yardstick verify`: claims against a repository (or a saved report), a saved report against a fresh
/// analysis, or a report's signature (docs/claims.md, ADR 0014).
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check claims, re-check a report's numbers, or check a report's signature.",
        discussion: """
            yardstick verify CLAIMS.yml [REPOSITORY] [options]   check each claim against a fresh analysis
            yardstick verify CLAIMS.yml --against REPORT.json     check each claim against a saved JSON report
            yardstick verify --report REPORT.json [REPOSITORY] [--imports-dir DIR]   re-run the analysis as recorded \
            (with the recorded import files, checked by digest); list numbers that differ
            yardstick verify --signature REPORT.sig --public-key KEY.pub REPORT
            Exit status: 0 everything holds, 1 bad input or analysis failure, 2 a claim failed or was not proven, \
            a number differs or the signature does not match, 64 usage error.
            """
    )

    @Argument(help: "The claims file (YAML; docs/claims.md), or with --signature the signed report.")
    var file: String?

    @OptionGroup var repository: RepositoryOptions

    @Option(name: .long, help: "Check the claims against this JSON report instead of analysing the repository.")
    var against: String?

    @Option(name: .long, help: "Re-run the analysis recorded in this JSON report and confirm every number.")
    var report: String?

    @Option(name: .long, help: "The signature file (from yardstick sign) of the report given as argument.")
    var signature: String?

    @Option(name: .long, help: "The public key file (from yardstick keygen) that checks --signature.")
    var publicKey: String?

    @Option(
        name: .long,
        help: "With --report: the pseudonym key file, when the report was pseudonymized (else YARDSTICK_PSEUDONYM_KEY)."
    )
    var pseudonymKeyFile: String?

    @Option(
        name: .long,
        help:
            "With --report: the folder holding the recorded import files (default: their recorded paths, from the current folder)."
    )
    var importsDir: String?

    func validate() throws {
        let modes = [signature != nil, report != nil, file != nil && signature == nil && report == nil].filter { $0 }
            .count
        if signature != nil {
            guard publicKey != nil else { throw ValidationError("--signature needs --public-key") }
            guard file != nil else { throw ValidationError("--signature needs the signed report as argument") }
            guard report == nil, against == nil, repository.repositoryPath == nil else {
                throw ValidationError("--signature takes only the report, --signature and --public-key")
            }
        } else if publicKey != nil {
            throw ValidationError("--public-key needs --signature")
        }
        if report != nil && against != nil { throw ValidationError("--report and --against exclude each other") }
        if importsDir != nil && report == nil { throw ValidationError("--imports-dir needs --report") }
        if modes == 0 { throw ValidationError("give a claims file, --report REPORT.json or --signature REPORT.sig") }
    }

    func run() throws {
        try Frontend.run {
            if let signature, let publicKey, let file {
                try verifySignature(report: file, signature: signature, publicKey: publicKey)
            } else if let report {
                // With --report the argument, when given, is the repository.
                try verifyReport(report, repositoryPath: file ?? repository.repositoryPath)
            } else if let file {
                try verifyClaims(file)
            }
        }
    }

    static func read(_ path: String, what: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("\(path): cannot read the \(what) (missing or unreadable)")
        }
        return data
    }

    static func decodeReport(_ path: String) throws -> (Report, Data) {
        let data = try read(path, what: "report")
        do {
            return (try JSONDecoder().decode(Report.self, from: data), data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw CLIError("\(path): not a Yardstick JSON report: missing '\(Self.path(context.codingPath + [key]))'")
        } catch let DecodingError.typeMismatch(_, context) {
            throw CLIError("\(path): not a Yardstick JSON report: wrong type at '\(Self.path(context.codingPath))'")
        } catch let DecodingError.valueNotFound(_, context) {
            throw CLIError("\(path): not a Yardstick JSON report: null at '\(Self.path(context.codingPath))'")
        } catch {
            throw CLIError("\(path): not a Yardstick JSON report (not valid JSON)")
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined().drop { $0 == "." }.description
    }

    // MARK: - Signature

    func verifySignature(report: String, signature: String, publicKey: String) throws {
        let bytes = try Self.read(report, what: "report")
        let sig = try Self.read(signature, what: "signature file")
        let key = try Self.read(publicKey, what: "public key file")
        let good: Bool
        do {
            good = try ReportSigning.verify(
                bytes, signatureFile: sig, signaturePath: signature, publicKeyFile: key, publicKeyPath: publicKey)
        } catch let error as ReportSigning.FileError {
            throw CLIError(error.description)
        }
        if good {
            try Terminal.writeStdout("\(report): good signature (\(signature), key \(publicKey))\n")
        } else {
            Terminal.writeStderr(
                "error: \(report): the signature does not match: the report was changed after signing, or signed with another key\n"
            )
            throw ExitCode(ExitStatus.checkFailed.rawValue)
        }
    }

    // MARK: - Claims

    func verifyClaims(_ file: String) throws {
        let data = try Self.read(file, what: "claims file")
        guard let text = String(data: data, encoding: .utf8) else {
            throw CLIError("\(file): the claims file is not valid UTF-8")
        }
        let claims: ClaimSet
        do {
            claims = try ClaimSet.parse(text, file: file)
        } catch let error as ClaimSet.ParseError {
            throw CLIError(error.description)
        }
        let report: Report
        if let against {
            report = try Self.decodeReport(against).0
        } else {
            let frontend = try Frontend(options: repository)
            report = try Provenance.finish(
                try frontend.analysis().report(for: try frontend.landedHistory()), frontend: frontend, window: nil,
                pseudonymizer: nil)
        }
        let outcomes = claims.check(report)
        var lines = outcomes.map { $0.line() }
        let passed = outcomes.filter(\.passed).count
        lines.append("\(passed) of \(outcomes.count) claim\(outcomes.count == 1 ? "" : "s") hold.")
        try Terminal.writeStdout(lines.joined(separator: "\n") + "\n")
        if passed != outcomes.count { throw ExitCode(ExitStatus.checkFailed.rawValue) }
    }

    // MARK: - Reproducibility

    func verifyReport(_ path: String, repositoryPath: String?) throws {
        let (recorded, recordedBytes) = try Self.decodeReport(path)
        let repoPath = repositoryPath ?? recorded.repository.path
        let configPath = repository.config ?? recorded.options.config
        if configPath == nil && FileManager.default.fileExists(atPath: "yardstick.yml") {
            throw CLIError(
                "\(path): the report was made without a configuration, but yardstick.yml in the current folder would be read; run verify from another folder"
            )
        }
        // The recorded head, not the branch: a branch that moved since would give other numbers.
        var arguments = [repoPath, "--branch", recorded.repository.head]
        if let since = recorded.options.since { arguments += ["--since", since] }
        if let until = recorded.options.until { arguments += ["--until", until] }
        if let configPath { arguments += ["--config", configPath] }
        if recorded.repository.shallow { arguments.append("--allow-shallow") }
        if let workers = repository.workers { arguments += ["--workers", String(workers)] }
        let options: RepositoryOptions
        do {
            options = try RepositoryOptions.parse(arguments)
        } catch {
            throw CLIError("\(path): the recorded options cannot be replayed: \(RepositoryOptions.message(for: error))")
        }
        var window: WindowOption?
        if let w = recorded.options.window {
            guard let parsed = WindowOption(rawValue: w) else {
                throw CLIError("\(path): unknown window '\(w)' in options.window")
            }
            window = parsed
        }
        var pseudonymizer: Pseudonymizer?
        if let p = recorded.options.privacy {
            guard let mode = Pseudonymizer.Mode(rawValue: p) else {
                throw CLIError("\(path): unknown privacy mode '\(p)' in options.privacy")
            }
            pseudonymizer = try PrivacyOptions.pseudonymizer(mode: mode, keyFile: pseudonymKeyFile)
        }
        let frontend = try Frontend(options: options)
        var analysis = frontend.analysis(window: window?.timeWindow)
        // The summary's settings as recorded (they may have come from --min-sample / --summary-groups).
        if let s = recorded.summary {
            analysis.configuration.summary = SummarySettings(minimumSample: s.minimumSample, maxGroups: s.maxGroups)
        }
        // The imports as recorded (files checked against their digests), not the configuration's `imports:`.
        analysis.imports = try Provenance.recordedImports(recorded.options, report: path, directory: importsDir)
        switch recorded.options.by {
        case nil: break
        case "author": analysis.byAuthor = true
        case let other?: throw CLIError("\(path): unknown grouping '\(other)' in options.by")
        }
        var recomputed = try Provenance.finish(
            try analysis.report(for: try frontend.landedHistory()), frontend: frontend, window: window,
            imports: analysis.imports, pseudonymizer: pseudonymizer)
        // The import paths as recorded: where the files were found is an echo, their digests count.
        if recomputed.options.imports.count == recorded.options.imports.count {
            for i in recomputed.options.imports.indices {
                recomputed.options.imports[i].path = recorded.options.imports[i].path
            }
        }
        // Echoes of how the command was typed, not numbers: the head was given as the branch, and the
        // repository or configuration may be given at another path (the configuration's digest still counts).
        if recomputed.repository.head == recorded.repository.head {
            recomputed.repository.branch = recorded.repository.branch
        }
        recomputed.repository.path = recorded.repository.path
        recomputed.options.config = recorded.options.config
        let fresh = JSONReporter().render(recomputed)
        let differences = try ReportComparison.differences(recorded: recordedBytes, recomputed: Data(fresh.utf8))
        if differences.isEmpty {
            try Terminal.writeStdout(
                "\(path): every value recomputed identically from \(repoPath) at \(recorded.repository.head)\n")
            return
        }
        let shown = differences.prefix(50).map { "  " + $0.description }
        let more = differences.count > 50 ? ["  … and \(differences.count - 50) more"] : []
        try Terminal.writeStdout(
            ([
                "\(path): \(differences.count) \(differences.count == 1 ? "value differs" : "values differ") from a fresh analysis of \(repoPath):"
            ] + shown + more)
            .joined(separator: "\n") + "\n")
        throw ExitCode(ExitStatus.checkFailed.rawValue)
    }
}
