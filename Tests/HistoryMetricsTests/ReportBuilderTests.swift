import HistoryModel
import HistoryParsing
import ReportContract
import Testing

@testable import HistoryMetrics

/// Hand-built landed changes, no repository.
enum Fixture {
    static func oid(_ c: Character) -> ObjectID { ObjectID(hex: String(repeating: c, count: 40))! }

    static let t0: Int64 = 1_709_285_400  // 2024-03-01T09:30:00Z
    static let day: Int64 = 86_400

    static let alice = Identity(name: "Alice", email: "alice@acme.com")
    static let aliceUpper = Identity(name: "Alice A.", email: "Alice@Acme.com")
    static let bob = Identity(name: "Bob", email: "bob@contractor.io")
    static let carol = Identity(name: "Carol", email: "carol@unknown.org")
    static let dave = Identity(name: "Dave", email: "dave@EU.acme.com")
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
            files: [
                file("assets/data.dat", 500, 500),
                file("lib/x.c", 200, 50),
                file("vendor/lib/y.c", 1000, 0),
            ]),
        change(.direct, nil, "3", author: carol, title: "Fix typo", daysAgo: 2, files: [file("README.md", 10, 2)]),
        change(
            .squash, 9, "4", author: dependabot, title: "Bump left-pad (#9)", daysAgo: 3,
            files: [file("yarn.lock", 300, 300), file("package.json", 1, 1)]),
        change(.rebase, nil, "5", author: dave, title: "Tidy up", daysAgo: 4, files: [file("Sources/B.swift", 60, 40)]),
        change(
            .gerrit, 1234, "6", author: aliceUpper, title: "Small fix", daysAgo: 5,
            files: [file("Sources/C.swift", 5, 5)]),
    ]

    static let groups = AuthorGroups(groups: [
        AuthorGroups.Group(name: "core", domains: ["acme.com"]),
        AuthorGroups.Group(name: "offshore", domains: ["contractor.io"]),
        AuthorGroups.Group(name: "empty-team", domains: ["nobody.example"]),
    ])

    static let exclusions = ExclusionPolicy(
        extraPatterns: [Glob("*.generated.swift")],
        attributes: GitAttributes(files: [(path: ".gitattributes", contents: "*.png binary\n*.dat -diff\n")]))

    static let builder = ReportBuilder(groups: groups, exclusions: exclusions)

    static func input(changes: [LandedChange] = changes, shallow: [ObjectID] = [], truncated: Int = 0) -> AnalysisInput<
        CommitStore
    > {
        AnalysisInput(
            repositoryPath: "/tmp/repo", branch: "main", head: oid("1"), shallowBoundaries: shallow,
            truncatedCommits: truncated,
            changes: changes, since: t0 - 30 * day, until: t0, configPath: "yardstick.yml")
    }
}

struct ReportBuilderTests {
    typealias F = Fixture

    private func report() -> Report { F.builder.build(F.input()) }

    private func group(_ report: Report, _ name: String) throws -> Report.Group {
        try #require(report.groups.first { $0.name == name })
    }

    private func metric(_ report: Report, _ group: String, _ key: String) throws -> Report.Metric {
        try #require(try self.group(report, group).metrics[key])
    }

    // MARK: Sizes

    @Test func sizeRawVersusCounted() {
        let size = F.builder.size(of: F.changes[0])
        #expect(size.additions == 170)
        #expect(size.deletions == 30)
        #expect(size.countedAdditions == 100)
        #expect(size.countedDeletions == 20)
        #expect(size.counted == 120)
        #expect(size.binaryFiles == 1)
        #expect(
            size.excluded == [
                Report.ExcludedFile(path: "Package.resolved", reason: "lock file", additions: 30, deletions: 10),
                Report.ExcludedFile(
                    path: "Sources/Model.generated.swift", reason: "excluded by config (*.generated.swift)",
                    additions: 40,
                    deletions: 0),
                Report.ExcludedFile(
                    path: "assets/logo.png", reason: ".gitattributes binary", additions: 0, deletions: 0),
            ])
    }

    @Test func attributeBinaryFilesCountInNeitherTotal() {
        let size = F.builder.size(of: F.changes[1])
        #expect(size.additions == 1200)
        #expect(size.deletions == 50)
        #expect(size.countedAdditions == 200)
        #expect(size.countedDeletions == 50)
        #expect(size.binaryFiles == 1)
        #expect(
            size.excluded == [
                Report.ExcludedFile(
                    path: "assets/data.dat", reason: ".gitattributes -diff", additions: 0, deletions: 0),
                Report.ExcludedFile(
                    path: "vendor/lib/y.c", reason: "vendored (vendor/)", additions: 1000, deletions: 0),
            ])
    }

    @Test func binaryFileThatIsNotExcludedIsOnlyCounted() {
        let change = F.change(
            .direct, nil, "7", author: F.alice, title: "x", daysAgo: 0,
            files: [
                F.file("img/photo.jpg", 0, 0, binary: true), F.file("a.txt", 3, 1),
            ])
        let size = ReportBuilder(groups: AuthorGroups(), exclusions: ExclusionPolicy()).size(of: change)
        #expect(
            size
                == ReportBuilder.Size(
                    additions: 3, deletions: 1, countedAdditions: 3, countedDeletions: 1, binaryFiles: 1, excluded: []))
    }

    @Test func sizeOfAnEmptyChange() {
        let change = F.change(.direct, nil, "7", author: F.alice, title: "x", daysAgo: 0, files: [])
        #expect(F.builder.size(of: change) == ReportBuilder.Size())
    }

    // MARK: Groups

    @Test func configuredGroupsInOrderThenUnassignedLast() {
        #expect(report().groups.map(\.name) == ["core", "offshore", "empty-team", "unassigned"])
    }

    @Test func configuredGroupsAreListedEvenWithoutChanges() throws {
        let r = F.builder.build(F.input(changes: []))
        #expect(r.groups.map(\.name) == ["core", "offshore", "empty-team", "unassigned"])
        #expect(r.period == nil)
        #expect(r.pullRequests == [])
        #expect(r.bots == [])
        for g in r.groups {
            #expect(g.authors == [])
            #expect(g.metrics == [:])
            #expect(g.windows == nil)
        }
    }

    /// Schema 2: a group credited with no landed change has no authors and no metrics at all; with a window,
    /// no windows either.
    @Test func emptyGroupMetrics() throws {
        let r = report()
        let empty = try group(r, "empty-team")
        #expect(empty.authors == [])
        #expect(empty.metrics == [:])
        #expect(empty.windows == nil)
        #expect(try group(r, "core").metrics.count == 9)
        var windowed = F.input()
        windowed.window = .month
        let w = try group(F.builder.build(windowed), "empty-team")
        #expect(w.metrics == [:])
        #expect(w.windows == [])
    }

    @Test func defaultGroupingByDomainIsAlphabeticalWithUnassignedLast() {
        let changes = [
            F.change(
                .direct, nil, "1", author: Identity(name: "A", email: "a@zeta.org"), title: "a", daysAgo: 0, files: []),
            F.change(
                .direct, nil, "2", author: Identity(name: "B", email: "b@alpha.com"), title: "b", daysAgo: 1, files: []),
            F.change(
                .direct, nil, "3", author: Identity(name: "C", email: "localhost"), title: "c", daysAgo: 2, files: []),
            F.change(
                .direct, nil, "4", author: Identity(name: "D", email: "d@Alpha.com"), title: "d", daysAgo: 3, files: []),
        ]
        let r = ReportBuilder(groups: AuthorGroups(), exclusions: ExclusionPolicy()).build(F.input(changes: changes))
        #expect(r.groups.map(\.name) == ["alpha.com", "zeta.org", "unassigned"])
        #expect(r.groups[0].authors.map(\.email) == ["b@alpha.com", "d@Alpha.com"])
        #expect(r.groups[0].authors.map(\.rule) == ["e-mail domain", "e-mail domain"])
        #expect(
            r.groups[2].authors == [Report.Author(name: "C", email: "localhost", rule: "no e-mail domain", changes: 1)])
    }

    @Test func defaultGroupingWithoutUnassignedAuthorsHasNoUnassignedGroup() {
        let changes = [F.change(.direct, nil, "1", author: F.alice, title: "a", daysAgo: 0, files: [])]
        let r = ReportBuilder(groups: AuthorGroups(), exclusions: ExclusionPolicy()).build(F.input(changes: changes))
        #expect(r.groups.map(\.name) == ["acme.com"])
    }

    /// People are told apart by lower-cased e-mail; the name and e-mail case are those of the newest change
    /// crediting them (Alice's oldest change spells her `Alice A. <Alice@Acme.com>`).
    @Test func authorsPerGroup() throws {
        let r = report()
        #expect(
            try group(r, "core").authors == [
                Report.Author(name: "Alice", email: "alice@acme.com", rule: "domain acme.com", changes: 2),
                Report.Author(name: "Dave", email: "dave@EU.acme.com", rule: "domain acme.com", changes: 1),
            ])
        #expect(
            try group(r, "offshore").authors == [
                Report.Author(name: "Bob", email: "bob@contractor.io", rule: "domain contractor.io", changes: 2)
            ])
        #expect(
            try group(r, "unassigned").authors == [
                Report.Author(name: "Carol", email: "carol@unknown.org", rule: "no rule matched", changes: 1)
            ])
    }

    @Test func botsAreSetApart() throws {
        let r = report()
        #expect(
            r.bots == [
                Report.Author(
                    name: "dependabot[bot]", email: "49699333+dependabot[bot]@users.noreply.github.com",
                    rule: "bot pattern",
                    changes: 1)
            ])
        #expect(!r.groups.map(\.name).contains("bots"))
        let botPR = try #require(r.pullRequests.first { $0.number == 9 })
        #expect(botPR.group == "bots")
        #expect(botPR.groups == ["bots"])
        // The bot's change is in no group's figures.
        let counted = r.groups.compactMap { $0.metrics["landedChanges"]?.value }.reduce(0, +)
        #expect(counted == 6)  // 3 core + 2 offshore + 0 + 1 unassigned
    }

    @Test func periodIncludesBotChanges() {
        let r = F.builder.build(F.input(changes: [F.changes[2], F.changes[3]]))
        #expect(r.period == Report.Period(from: "2024-02-27T09:30:00Z", to: "2024-02-28T09:30:00Z"))
        let onlyBot = F.builder.build(F.input(changes: [F.changes[3]]))
        #expect(onlyBot.period == Report.Period(from: "2024-02-27T09:30:00Z", to: "2024-02-27T09:30:00Z"))
        #expect(onlyBot.groups.map(\.metrics) == [[:], [:], [:], [:]])
    }

    @Test func includeBotsGroupsThemByDomain() throws {
        var groups = AuthorGroups()
        groups.includeBots = true
        let r = ReportBuilder(groups: groups, exclusions: ExclusionPolicy()).build(F.input(changes: [F.changes[3]]))
        #expect(r.bots == [])
        #expect(r.groups.map(\.name) == ["users.noreply.github.com"])
        #expect(r.pullRequests.map(\.group) == ["users.noreply.github.com"])
    }

    @Test func coAuthorFromAnotherGroupCreditsBothGroups() throws {
        let pr = try #require(report().pullRequests.first { $0.number == 12 })
        #expect(pr.group == "core")
        #expect(pr.groups == ["core", "offshore"])
        #expect(pr.coAuthors == ["Bob <bob@contractor.io>"])
    }

    @Test func botCoAuthorCreditsNoGroup() throws {
        let pr = try #require(report().pullRequests.first { $0.number == 11 })
        #expect(pr.group == "offshore")
        #expect(pr.groups == ["offshore"])
        #expect(pr.coAuthors == ["dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>"])
    }

    @Test func coAuthorFromTheSameGroupCreditsItOnce() throws {
        let change = F.change(
            .squash, 3, "7", author: F.alice, coAuthors: [F.dave], title: "pair", daysAgo: 0,
            files: [
                F.file("a.swift", 4, 0)
            ])
        let r = F.builder.build(F.input(changes: [change]))
        #expect(r.pullRequests.map(\.groups) == [["core"]])
        #expect(try metric(r, "core", "landedChanges").value == 1)
        #expect(try group(r, "core").authors.map(\.changes) == [1, 1])
        #expect(try metric(r, "core", "authors").value == 2)
    }

    @Test func botAuthorWithHumanCoAuthor() throws {
        let change = F.change(
            .squash, 3, "7", author: F.dependabot, coAuthors: [F.alice], title: "bump", daysAgo: 0, files: [])
        let r = F.builder.build(F.input(changes: [change]))
        #expect(r.pullRequests.map(\.group) == ["bots"])
        #expect(r.pullRequests.map(\.groups) == [["bots", "core"]])
        #expect(try metric(r, "core", "landedChanges").value == 1)
        #expect(r.bots.map(\.changes) == [1])
    }

    // MARK: Metrics

    @Test func prSizeMetric() throws {
        let r = report()
        let core = try metric(r, "core", "prSize")
        #expect(core.title == "PR size (lines changed, counted)")
        #expect(core.value == 76.67)  // (120 + 100 + 10) / 3
        #expect(core.details == ["count": 3, "median": 100, "p90": 120, "rawMean": 103.33])
        #expect(core.unit == "lines")
        #expect(core.aggregator == "mean")
        #expect(core.source == .measured)
        #expect(core.betterDirection == .lower)
        #expect(core.needs == nil)
        #expect(
            core.benchmark
                == Report.Benchmark(
                    row: "PR Size (avg lines changed)", bands: [], position: "betterThanAll",
                    placement: "below every band (lowest: Well-Managed Offshore (100–250 lines)); better than all"))

        let offshore = try metric(r, "offshore", "prSize")
        #expect(offshore.value == 185)  // (120 + 250) / 2
        #expect(offshore.details == ["count": 2, "median": 185, "p90": 250, "rawMean": 725])
        #expect(
            offshore.benchmark
                == Report.Benchmark(
                    row: "PR Size (avg lines changed)", bands: ["Well-Managed Offshore"], position: "within",
                    placement: "within Well-Managed Offshore (100–250 lines)"))

        let unassigned = try metric(r, "unassigned", "prSize")
        #expect(unassigned.value == 12)
        #expect(unassigned.details == ["count": 1, "median": 12, "p90": 12, "rawMean": 12])
    }

    @Test func prSizeInTwoOverlappingBands() throws {
        let change = F.change(.squash, 1, "7", author: F.alice, title: "t", daysAgo: 0, files: [F.file("a.c", 200, 20)])
        let m = try metric(F.builder.build(F.input(changes: [change])), "core", "prSize")
        #expect(m.value == 220)
        #expect(m.benchmark?.bands == ["Industry Average", "Well-Managed Offshore"])
        #expect(m.benchmark?.position == "within")
    }

    @Test func directShare() throws {
        let r = report()
        #expect(try metric(r, "core", "directShare").value == 0)
        #expect(try metric(r, "core", "directShare").details == ["count": 0])
        let unassigned = try metric(r, "unassigned", "directShare")
        #expect(unassigned.value == 100)
        #expect(unassigned.details == ["count": 1])
        #expect(unassigned.unit == "%")
        #expect(unassigned.aggregator == "share")
        #expect(unassigned.betterDirection == .lower)
        #expect(unassigned.benchmark == nil)

        let mixed = [
            F.change(.direct, nil, "1", author: F.alice, title: "a", daysAgo: 0, files: []),
            F.change(.squash, 1, "2", author: F.alice, title: "b", daysAgo: 1, files: []),
            F.change(.merge, 2, "3", author: F.alice, title: "c", daysAgo: 2, files: []),
        ]
        let m = try metric(F.builder.build(F.input(changes: mixed)), "core", "directShare")
        #expect(m.value == 33.33)
        #expect(m.details == ["count": 1])
    }

    @Test func landedChangesPerKind() throws {
        let r = report()
        let core = try metric(r, "core", "landedChanges")
        #expect(core.value == 3)
        #expect(
            core.details == [
                "merge": 1, "squash": 0, "gerrit": 1, "rebase": 1, "applied": 0, "direct": 0, "integration": 0,
            ])
        #expect(core.aggregator == "count")
        #expect(core.unit == "changes")
        #expect(core.source == .measured)
        #expect(
            try metric(r, "offshore", "landedChanges").details == [
                "merge": 1, "squash": 1, "gerrit": 0, "rebase": 0, "applied": 0, "direct": 0, "integration": 0,
            ])
        #expect(
            try metric(r, "unassigned", "landedChanges").details == [
                "merge": 0, "squash": 0, "gerrit": 0, "rebase": 0, "applied": 0, "direct": 1, "integration": 0,
            ])
    }

    @Test func authorsMetric() throws {
        let r = report()
        #expect(try metric(r, "core", "authors").value == 2)
        #expect(try metric(r, "offshore", "authors").value == 1)
        #expect(try metric(r, "unassigned", "authors").value == 1)
    }

    @Test func everyGroupHasTheSameMetricKeys() {
        // Every group with a landed change; empty-team has none and so no metrics.
        let groups = report().groups
        #expect(groups.map(\.name) == ["core", "offshore", "empty-team", "unassigned"])
        #expect(groups[2].metrics == [:])
        for g in groups where g.name != "empty-team" {
            #expect(
                g.metrics.keys.sorted() == [
                    "authors", "buildSuccessRate", "defectEscapeRate", "directShare", "landedChanges", "prSize",
                    "reviewCommentsPerPR", "reviewTurnaroundHours", "testCoverage",
                ])
        }
    }

    @Test(arguments: [
        (
            "reviewTurnaroundHours", "hours", BetterDirection.lower, "PR Review Turnaround",
            "PR export with review timestamps"
        ),
        ("defectEscapeRate", "%", .lower, "Defect Escape Rate", "trace fixes and reverts"),
        ("reviewCommentsPerPR", "comments", .higher, "Code Review Comments/PR", "review comments"),
        ("testCoverage", "%", .higher, "Test Coverage (unit + integration)", "coverage report"),
        ("buildSuccessRate", "%", .higher, "Build Success Rate", "CI build export"),
    ])
    func unmeasuredMetrics(key: String, unit: String, better: BetterDirection, row: String, needsPhrase: String) throws
    {
        for name in ["core", "unassigned"] {
            let m = try metric(report(), name, key)
            #expect(m.value == nil)
            #expect(m.source == .notMeasured)
            #expect(m.unit == unit)
            #expect(m.betterDirection == better)
            #expect(m.aggregator == "")
            #expect(m.details == [:])
            #expect(m.benchmark == Report.Benchmark(row: row, bands: [], position: nil, placement: "not measured"))
            let needs = try #require(m.needs)
            #expect(needs.contains(needsPhrase))
        }
    }

    // MARK: Pull requests and the rest of the report

    @Test func pullRequestFields() throws {
        let r = report()
        #expect(
            r.pullRequests.map(\.commit) == ["1", "2", "3", "4", "5", "6"].map { String(repeating: $0, count: 40) })
        #expect(r.pullRequests.map(\.kind) == ["merge", "squash", "direct", "squash", "rebase", "gerrit"])
        #expect(r.pullRequests.map(\.number) == [12, 11, nil, 9, nil, 1234])
        #expect(r.pullRequests.map(\.group) == ["core", "offshore", "unassigned", "bots", "core", "core"])

        let first = r.pullRequests[0]
        let expected = Report.PullRequest(
            commit: String(repeating: "1", count: 40), kind: "merge", number: 12, title: "Add feature | with pipe",
            author: "Alice <alice@acme.com>", coAuthors: ["Bob <bob@contractor.io>"], group: "core",
            groups: ["core", "offshore"],
            commits: [String(repeating: "1", count: 40)],
            reviewedDiffs: [
                Report.DiffRange(base: String(repeating: "f", count: 40), tip: String(repeating: "1", count: 40))
            ],
            additions: 170, deletions: 30, countedAdditions: 100, countedDeletions: 20, binaryFiles: 1,
            excludedFiles: F.builder.size(of: F.changes[0]).excluded,
            authoredAt: "2024-03-01T08:30:00Z", landedAt: "2024-03-01T09:30:00Z")
        #expect(first == expected)

        let direct = r.pullRequests[2]
        #expect(direct.reviewedDiffs == [Report.DiffRange(base: nil, tip: String(repeating: "3", count: 40))])
        #expect(direct.additions == 10)
        #expect(direct.deletions == 2)
        #expect(direct.countedAdditions == 10)
        #expect(direct.countedDeletions == 2)
        #expect(direct.excludedFiles == [])
        #expect(direct.landedAt == "2024-02-28T09:30:00Z")

        let bot = r.pullRequests[3]
        #expect(bot.additions == 301)
        #expect(bot.deletions == 301)
        #expect(bot.countedAdditions == 1)
        #expect(bot.countedDeletions == 1)
        #expect(
            bot.excludedFiles == [
                Report.ExcludedFile(path: "yarn.lock", reason: "lock file", additions: 300, deletions: 300)
            ])
    }

    @Test func reportHeader() {
        let r = report()
        #expect(r.schemaVersion == 3)
        #expect(r.tool == Report.Tool(name: "yardstick", version: ReportBuilder.toolVersion))
        #expect(
            r.repository
                == Report.Repository(
                    path: "/tmp/repo", head: String(repeating: "1", count: 40), branch: "main", shallow: false))
        #expect(
            r.options
                == Report.Options(since: "2024-01-31T09:30:00Z", until: "2024-03-01T09:30:00Z", config: "yardstick.yml")
        )
        #expect(r.period == Report.Period(from: "2024-02-25T09:30:00Z", to: "2024-03-01T09:30:00Z"))
    }

    @Test func notesWithoutShallowHistory() throws {
        let r = report()
        #expect(r.notes.count == 2)
        let note = try #require(r.notes.first)
        #expect(note.hasPrefix("Not measured: "))
        #expect(
            r.notes[1]
                == "Left out of counted sizes: vendored (vendor/) 1 file, 1000 lines; lock file 2 files, 640 lines; excluded by config (*.generated.swift) 1 file, 40 lines; .gitattributes -diff 1 file, 0 lines; .gitattributes binary 1 file, 0 lines."
        )
    }

    // MARK: Exclusions, integration merges and partial windows (ADR 0018)

    /// Every rule that left a file out, with its distinct paths, lines and changes, most lines first.
    @Test func exclusionsPerRule() {
        #expect(
            report().exclusions
                == Report.Exclusions(
                    integrationMerges: 0,
                    files: [
                        Report.ExclusionRule(rule: "vendored (vendor/)", files: 1, lines: 1000, changes: 1),
                        Report.ExclusionRule(rule: "lock file", files: 2, lines: 640, changes: 2),
                        Report.ExclusionRule(
                            rule: "excluded by config (*.generated.swift)", files: 1, lines: 40, changes: 1),
                        Report.ExclusionRule(rule: ".gitattributes -diff", files: 1, lines: 0, changes: 1),
                        Report.ExclusionRule(rule: ".gitattributes binary", files: 1, lines: 0, changes: 1),
                    ]))
        #expect(F.builder.build(F.input(changes: [])).exclusions == Report.Exclusions(integrationMerges: 0, files: []))
    }

    /// An integration merge is a landed change (by kind, and its author counts) but no per-PR metric reads it:
    /// core's PR size is its other changes'; a group with only integration merges has no PR size.
    @Test func integrationMergesAreKeptOutOfPerPRMetrics() throws {
        let changes = [
            F.change(
                .integration, nil, "1", author: F.alice, title: "Merge branch 'development'", daysAgo: 0,
                files: [F.file("src/big.c", 5000, 100)]),
            F.change(.merge, 2, "2", author: F.alice, title: "b", daysAgo: 1, files: [F.file("src/a.c", 30, 0)]),
            F.change(.direct, nil, "3", author: F.dave, title: "c", daysAgo: 2, files: [F.file("src/b.c", 10, 0)]),
            F.change(
                .integration, nil, "4", author: F.carol, title: "Merge branch 'maint'", daysAgo: 3,
                files: [F.file("src/c.c", 7, 7)]),
        ]
        let r = F.builder.build(F.input(changes: changes))
        let landed = try metric(r, "core", "landedChanges")
        #expect(landed.value == 3)
        #expect(landed.details["integration"] == 1)
        let size = try metric(r, "core", "prSize")
        #expect(size.value == 20)
        #expect(size.details["count"] == 2)
        #expect(try metric(r, "core", "directShare").value == 50)
        #expect(try metric(r, "core", "authors").value == 2)
        let carol = try group(r, "unassigned")
        #expect(carol.metrics["landedChanges"]?.value == 1)
        #expect(carol.metrics["prSize"]?.value == nil)
        #expect(carol.metrics["prSize"]?.benchmark?.placement == "no value: only integration merges")
        #expect(r.pullRequests.map(\.kind) == ["integration", "merge", "direct", "integration"])
        #expect(r.exclusions?.integrationMerges == 2)
        #expect(
            r.notes.contains(
                "Integration merges: 2 merges of long-lived branches (kind `integration`, docs/metrics.md) are counted as landed changes but kept out of PR size, turnaround, review and the other per-PR metrics."
            ))
    }

    /// A window is partial when the analysed period starts after its first second or ends before its last.
    @Test func partialWindows() {
        let march = TimeWindow.month.bucket(1_709_251_200)  // 2024-03-01T00:00:00Z
        #expect(!ReportBuilder.isPartial(from: march.from, to: march.to, covered: (nil, nil)))
        #expect(!ReportBuilder.isPartial(from: march.from, to: march.to, covered: (march.from, march.to)))
        #expect(ReportBuilder.isPartial(from: march.from, to: march.to, covered: (nil, march.to - 1)))
        #expect(ReportBuilder.isPartial(from: march.from, to: march.to, covered: (march.from + 1, nil)))
        // The fixture's period runs from 2024-01-31T09:30 (before February starts) to 2024-03-01T09:30 (March
        // goes on after it).
        var windowed = F.input()
        windowed.window = .month
        let core = F.builder.build(windowed).groups.first { $0.name == "core" }
        #expect(core?.windows?.map(\.name) == ["2024-02", "2024-03"])
        #expect(core?.windows?.map(\.partial) == [false, true])
    }

    @Test func notesForShallowInput() throws {
        let r = F.builder.build(F.input(shallow: [F.oid("e"), F.oid("d")], truncated: 3))
        #expect(r.repository.shallow)
        #expect(r.notes.count == 3)
        let note = try #require(r.notes.first)
        #expect(note.hasPrefix("Shallow clone: history stops at 2 boundary commit(s)"))
        #expect(note.contains("3 first-parent commit(s)"))
        #expect(r.notes[1].hasPrefix("Not measured: "))
        #expect(r.notes[2].hasPrefix("Left out of counted sizes: "))
    }

    @Test func deterministic() {
        let a = F.builder.build(F.input())
        let b = F.builder.build(F.input())
        #expect(a == b)
        let c = ReportBuilder(groups: F.groups, exclusions: F.exclusions).build(F.input())
        #expect(a == c)
    }
}
