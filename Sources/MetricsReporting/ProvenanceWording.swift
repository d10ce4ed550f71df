internal import ReportContract

/// How every human format names the grouping and the imported files of a report (`options.by`,
/// `options.imports`). Returns raw text: each reporter escapes it for its format.
enum ProvenanceWording {
    /// `acme.yml`, `none (groups by e-mail domain)`, or either followed by `; one group per author (--by author)`.
    static func configuration(_ report: Report, path: (String) -> String) -> String {
        let config = report.options.config.map(path) ?? "none (groups by e-mail domain)"
        guard report.options.by == "author" else { return config }
        return (report.options.config == nil ? "none" : config) + "; one group per author (--by author)"
    }

    /// One entry per imported file: `builds builds.csv (sha256:…)`, in the order read.
    static func imports(_ report: Report) -> [(kind: String, path: String, digest: String)] {
        report.options.imports.map { ($0.kind, $0.path, $0.sha256) }
    }
}
