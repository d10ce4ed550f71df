import HistoryMetrics
import HistoryModel
import HistoryParsing
import ReportContract

/// A small report built through `ReportBuilder` from hand-made landed changes (no repository).
enum Fixture {
    static func oid(_ c: Character) -> ObjectID { ObjectID(hex: String(repeating: c, count: 40))! }

    static let t0: Int64 = 1_709_285_400  // 2024-03-01T09:30:00Z
    static let day: Int64 = 86_400

    static let alice = Identity(name: "Alice", email: "alice@acme.com")
    static let bob = Identity(name: "Bob", email: "bob@contractor.io")
    static let carol = Identity(name: "Carol", email: "carol@unknown.org")
    static let dave = Identity(name: "Dave", email: "dave@eu.acme.com")
    static let dependabot = Identity(
        name: "dependabot[bot]", email: "49699333+dependabot[bot]@users.noreply.github.com")

    static func file(_ path: String, _ a: Int, _ d: Int, binary: Bool = false) -> FileChange {
        FileChange(path: path, status: .modified, additions: a, deletions: d, isBinary: binary)
    }

    static func change(
        _ kind: ChangeKind, _ number: Int?, _ commit: Character, author: Identity, coAuthors: [Identity] = [],
        title: String,
        daysAgo: Int64, files: [FileChange]
    ) -> LandedChange {
        LandedChange(
            kind: kind, number: number, commit: oid(commit), commits: [oid(commit)], author: author,
            coAuthors: coAuthors,
            title: title, authoredAt: t0 - daysAgo * day - 3600, landedAt: t0 - daysAgo * day,
            reviewedDiffs: [DiffRange(base: kind == .direct ? nil : oid("f"), tip: oid(commit))], files: files)
    }

    /// Newest first.
    static let changes: [LandedChange] = [
        change(
            .merge, 12, "1", author: alice, coAuthors: [bob], title: "Add feature | with pipe", daysAgo: 0,
            files: [
                file("Sources/A.swift", 100, 20),
                file("Package.resolved", 30, 10),
                file("Sources/Model.generated.swift", 40, 0),
                file("assets/logo.png", 0, 0, binary: true),
            ]),
        change(
            .squash, 11, "2", author: bob, coAuthors: [dependabot], title: "Port the parser (#11)", daysAgo: 1,
            files: [file("assets/data.dat", 500, 500), file("lib/x.c", 200, 50), file("vendor/lib/y.c", 1000, 0)]),
        change(
            .direct, nil, "3", author: carol, title: "Fix typo\nin README", daysAgo: 2,
            files: [file("README.md", 10, 2)]),
        change(
            .squash, 9, "4", author: dependabot, title: "Bump left-pad (#9)", daysAgo: 3,
            files: [file("yarn.lock", 300, 300), file("package.json", 1, 1)]),
        change(.rebase, nil, "5", author: dave, title: "Tidy up", daysAgo: 4, files: [file("Sources/B.swift", 60, 40)]),
        change(
            .gerrit, 1234, "6", author: alice, title: "Small fix", daysAgo: 5, files: [file("Sources/C.swift", 5, 5)]),
    ]

    static let builder = ReportBuilder(
        groups: AuthorGroups(groups: [
            AuthorGroups.Group(name: "core", domains: ["acme.com"]),
            AuthorGroups.Group(name: "offshore", domains: ["contractor.io"]),
            AuthorGroups.Group(name: "empty-team", domains: ["nobody.example"]),
        ]),
        exclusions: ExclusionPolicy(
            extraPatterns: [Glob("*.generated.swift")],
            attributes: GitAttributes(files: [(path: ".gitattributes", contents: "*.png binary\n*.dat -diff\n")])))

    static func report(shallow: Bool = false) -> Report { report(builder, shallow: shallow) }

    static func report(_ builder: ReportBuilder, shallow: Bool = false, configPath: String? = "yardstick.yml")
        -> Report
    {
        builder.build(
            AnalysisInput(
                repositoryPath: "/tmp/repo", branch: "main", head: oid("1"),
                shallowBoundaries: shallow ? [oid("e")] : [],
                truncatedCommits: shallow ? 1 : 0, changes: changes, since: t0 - 30 * day, until: t0,
                configPath: configPath))
    }
}
