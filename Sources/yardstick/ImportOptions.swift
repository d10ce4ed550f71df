import ArgumentParser
import EvidenceImport
import Foundation
import YardstickAnalysis
import YardstickConfig

/// `yardstick analyze`'s import options: build, coverage and review exports joined to the history
/// (docs/imports.md). Files named here come after those of yardstick.yml's `imports:`.
struct ImportOptions: ParsableArguments {
    @Option(
        name: .long, parsing: .upToNextOption,
        help:
            "Build exports: gh run list JSON, GitHub workflow_runs pages, GitLab pipelines, Jenkins builds JSON, or CSV sha,status,started_at,finished_at[,pipeline]."
    )
    var builds: [String] = []

    @Option(
        name: .long,
        help: "Force the build export format: \(BuildFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var buildsFormat: String?

    @Option(name: .long, help: "Also read build results from git notes under this ref (e.g. refs/notes/ci).")
    var buildNotes: String?

    @Flag(name: .long, help: "Also read TryBot-Result: / LUCI-TryBot-Result: trailers as build results.")
    var buildTrailers = false

    @Option(
        name: .long, parsing: .upToNextOption,
        help:
            "Coverage reports (lcov .info, Cobertura XML, llvm-cov JSON export) made at the analysed commit, or FILE@REV: made at revision REV (the newest gives the figures; each --window its newest)."
    )
    var coverage: [String] = []

    @Option(
        name: .long,
        help: "Force the coverage format: \(CoverageFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var coverageFormat: String?

    @Option(
        name: .long,
        help: "Remove this prefix from coverage report paths before matching them to the repository's (repeatable).")
    var coverageStripPrefix: [String] = []

    @Option(
        name: .long, parsing: .upToNextOption,
        help:
            "Review exports: gh pr list JSON, GitHub REST pulls/reviews/comments pages, GitLab merge requests or notes."
    )
    var reviews: [String] = []

    @Option(
        name: .long,
        help: "Force the review export format: \(ReviewFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var reviewsFormat: String?

    @Flag(name: .long, help: "Also read Gerrit's review notes (refs/notes/review).")
    var reviewNotes = false

    func validate() throws {
        func check<F: RawRepresentable & CaseIterable>(_ value: String?, _ type: F.Type, _ flag: String) throws
        where F.RawValue == String {
            guard let value, F(rawValue: value) == nil else { return }
            throw ValidationError(
                "\(flag) '\(value)' is not one of: \(F.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        try check(buildsFormat, BuildFormat.self, "--builds-format")
        try check(coverageFormat, CoverageFormat.self, "--coverage-format")
        try check(reviewsFormat, ReviewFormat.self, "--reviews-format")
    }

    /// The request: yardstick.yml's `imports:` (paths relative to that file's folder), then these options.
    func request(configuration: YardstickConfiguration, configPath: String?) -> ImportRequest {
        let settings = configuration.imports
        let base = configPath.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path } ?? "."
        func resolve(_ p: String) -> String { p.hasPrefix("/") || base == "." ? p : base + "/" + p }
        var r = ImportRequest()
        r.builds = settings.builds.map(resolve) + builds
        r.buildFormat = buildsFormat.flatMap(BuildFormat.init(rawValue:))
        r.buildNotesRef = buildNotes ?? settings.buildNotes
        r.buildTrailers = buildTrailers || settings.buildTrailers
        r.coverage = settings.coverage.map(resolve) + coverage
        r.coverageFormat = coverageFormat.flatMap(CoverageFormat.init(rawValue:))
        r.stripPrefixes = settings.coverageStripPrefixes + coverageStripPrefix
        r.reviews = settings.reviews.map(resolve) + reviews
        r.reviewFormat = reviewsFormat.flatMap(ReviewFormat.init(rawValue:))
        r.reviewNotes = reviewNotes || settings.reviewNotes
        return r
    }
}
