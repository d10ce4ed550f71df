public import HistoryModel

/// What a report is computed from: plain records only.
public struct AnalysisInput: Sendable {
    public var repositoryPath: String
    public var branch: String
    public var head: ObjectID
    public var shallowBoundaries: [ObjectID]
    /// First-parent commits left out because a shallow boundary cuts off the history they need.
    public var truncatedCommits: Int
    /// Landed changes, newest first.
    public var changes: [LandedChange]
    public var since: Int64?
    public var until: Int64?
    public var configPath: String?

    public init(
        repositoryPath: String, branch: String, head: ObjectID, shallowBoundaries: [ObjectID] = [],
        truncatedCommits: Int = 0, changes: [LandedChange], since: Int64? = nil, until: Int64? = nil, configPath: String? = nil
    ) {
        self.repositoryPath = repositoryPath
        self.branch = branch
        self.head = head
        self.shallowBoundaries = shallowBoundaries
        self.truncatedCommits = truncatedCommits
        self.changes = changes
        self.since = since
        self.until = until
        self.configPath = configPath
    }
}

/// Computes the report from landed changes: a pure function of its input and rules.
public struct ReportBuilder: Sendable {
    public static let toolVersion = "0.1.0"
    static let botsGroup = AuthorGroups.bots

    public var groups: AuthorGroups
    public var exclusions: ExclusionPolicy

    public init(groups: AuthorGroups, exclusions: ExclusionPolicy) {
        self.groups = groups
        self.exclusions = exclusions
    }

    /// A change's sizes: raw (git numstat over text files) and counted (after exclusions).
    public struct Size: Sendable, Equatable {
        public var additions = 0
        public var deletions = 0
        public var countedAdditions = 0
        public var countedDeletions = 0
        public var binaryFiles = 0
        public var excluded: [Report.ExcludedFile] = []

        public var counted: Int { countedAdditions + countedDeletions }
    }

    /// Sizes one change. Files that `.gitattributes` marks `binary` or `-diff` are binary for git's numstat
    /// too, so they count in neither total.
    public func size(of change: LandedChange) -> Size {
        var s = Size()
        for f in change.files {
            let flags = exclusions.attributes.flags(for: f.path)
            if f.isBinary || flags.contains(.binary) || flags.contains(.noDiff) {
                s.binaryFiles += 1
                if let reason = exclusions.reason(for: f.path) {
                    s.excluded.append(Report.ExcludedFile(path: f.path, reason: reason, additions: 0, deletions: 0))
                }
                continue
            }
            s.additions += f.additions
            s.deletions += f.deletions
            if let reason = exclusions.reason(for: f.path) {
                s.excluded.append(Report.ExcludedFile(path: f.path, reason: reason, additions: f.additions, deletions: f.deletions))
            } else {
                s.countedAdditions += f.additions
                s.countedDeletions += f.deletions
            }
        }
        return s
    }

    public func build(_ input: AnalysisInput) -> Report {
        var assignments: [String: AuthorGroups.Assignment] = [:]
        func assignment(_ id: Identity) -> AuthorGroups.Assignment {
            if let a = assignments[id.key] { return a }
            let a = groups.resolve(id)
            assignments[id.key] = a
            return a
        }

        struct Credited {
            var change: LandedChange
            var size: Size
        }
        var perGroup: [String: [Credited]] = [:]
        var authorsPerGroup: [String: [String: (Identity, Int, String)]] = [:]
        var pullRequests: [Report.PullRequest] = []

        for change in input.changes {
            let size = size(of: change)
            let primary = assignment(change.author).group
            var credited: [String] = [primary]
            var people = [change.author]
            for co in change.coAuthors {
                let g = assignment(co).group
                if g == Self.botsGroup { continue }
                people.append(co)
                if !credited.contains(g) { credited.append(g) }
            }
            for person in people {
                let a = assignment(person)
                let previous = authorsPerGroup[a.group]?[person.key]
                authorsPerGroup[a.group, default: [:]][person.key] = (previous?.0 ?? person, (previous?.1 ?? 0) + 1, a.rule)
            }
            for g in credited { perGroup[g, default: []].append(Credited(change: change, size: size)) }
            pullRequests.append(
                Report.PullRequest(
                    commit: change.commit.hex,
                    kind: change.kind.rawValue,
                    number: change.number,
                    title: change.title,
                    author: change.author.description,
                    coAuthors: change.coAuthors.map(\.description),
                    group: primary,
                    groups: credited,
                    commits: change.commits.map(\.hex),
                    reviewedDiffs: change.reviewedDiffs.map { Report.DiffRange(base: $0.base?.hex, tip: $0.tip.hex) },
                    additions: size.additions,
                    deletions: size.deletions,
                    countedAdditions: size.countedAdditions,
                    countedDeletions: size.countedDeletions,
                    binaryFiles: size.binaryFiles,
                    excludedFiles: size.excluded,
                    authoredAt: Timestamp.iso8601(change.authoredAt),
                    landedAt: Timestamp.iso8601(change.landedAt)
                )
            )
        }

        // Configured groups always appear, in config order; others alphabetically; `unassigned` last.
        var names = groups.groups.map(\.name)
        for g in perGroup.keys.sorted() where g != Self.botsGroup && g != AuthorGroups.unassigned && !names.contains(g) {
            names.append(g)
        }
        if perGroup[AuthorGroups.unassigned] != nil || !groups.groups.isEmpty { names.append(AuthorGroups.unassigned) }

        let reportGroups = names.map { name -> Report.Group in
            let items = perGroup[name] ?? []
            let authors = (authorsPerGroup[name] ?? [:]).values
                .map { Report.Author(name: $0.0.name, email: $0.0.email, rule: $0.2, changes: $0.1) }
                .sorted { ($0.email.lowercased(), $0.name) < ($1.email.lowercased(), $1.name) }
            return Report.Group(name: name, authors: authors, metrics: metrics(for: items.map { ($0.change, $0.size) }, authors: authors.count))
        }
        let bots = (authorsPerGroup[Self.botsGroup] ?? [:]).values
            .map { Report.Author(name: $0.0.name, email: $0.0.email, rule: $0.2, changes: $0.1) }
            .sorted { ($0.email.lowercased(), $0.name) < ($1.email.lowercased(), $1.name) }

        var notes: [String] = []
        if !input.shallowBoundaries.isEmpty {
            notes.append(
                "Shallow clone: history stops at \(input.shallowBoundaries.count) boundary commit(s); older changes are missing and the figures cover only the history present; \(input.truncatedCommits) first-parent commit(s) whose parent or merged branch lies past the boundary were left out."
            )
        }
        notes.append(
            "Not measured yet: review turnaround, defect escape rate, review comments, test coverage and build success rate have no value in this version; each such metric says what it needs."
        )
        let landed = input.changes.map(\.landedAt)
        return Report(
            schemaVersion: Report.currentSchemaVersion,
            tool: Report.Tool(name: "yardstick", version: Self.toolVersion),
            repository: Report.Repository(
                path: input.repositoryPath, head: input.head.hex, branch: input.branch,
                shallow: !input.shallowBoundaries.isEmpty),
            options: Report.Options(
                since: input.since.map(Timestamp.iso8601), until: input.until.map(Timestamp.iso8601),
                config: input.configPath),
            period: landed.min().flatMap { lo in landed.max().map { Report.Period(from: Timestamp.iso8601(lo), to: Timestamp.iso8601($0)) } },
            groups: reportGroups,
            bots: bots,
            pullRequests: pullRequests,
            notes: notes
        )
    }

    // MARK: - Metrics

    func metrics(for items: [(LandedChange, Size)], authors: Int) -> [String: Report.Metric] {
        var m: [String: Report.Metric] = [:]
        let n = Double(items.count)

        var byKind: [String: Double] = [:]
        for kind in ChangeKind.allCases { byKind[kind.rawValue] = 0 }
        for (c, _) in items { byKind[c.kind.rawValue, default: 0] += 1 }
        m["landedChanges"] = Report.Metric(
            title: "Landed changes", value: n, unit: "changes", aggregator: "count", source: .measured,
            betterDirection: nil, benchmark: nil, details: byKind, needs: nil)

        m["authors"] = Report.Metric(
            title: "Authors", value: Double(authors), unit: "people", aggregator: "count", source: .measured,
            betterDirection: nil, benchmark: nil, details: [:], needs: nil)

        let direct = items.filter { $0.0.kind == .direct }.count
        m["directShare"] = Report.Metric(
            title: "Landed without review (direct)", value: items.isEmpty ? nil : Statistics.round(Double(direct) / n * 100),
            unit: "%", aggregator: "share", source: .measured, betterDirection: .lower, benchmark: nil,
            details: ["count": Double(direct)], needs: nil)

        let sizes = items.map { Double($0.1.counted) }
        let raw = items.map { Double($0.1.additions + $0.1.deletions) }
        m["prSize"] = benchmarked(
            "prSize", title: "PR size (lines changed, counted)", value: Statistics.mean(sizes), aggregator: "mean",
            source: .measured,
            details: [
                "count": n,
                "median": Statistics.median(sizes).map { Statistics.round($0) },
                "p90": Statistics.percentile(sizes, 90).map { Statistics.round($0) },
                "rawMean": Statistics.mean(raw).map { Statistics.round($0) },
            ].compactMapValues { $0 })

        for (key, title, needs) in Self.unmeasured {
            m[key] = benchmarked(key, title: title, value: nil, aggregator: "", source: .notMeasured, details: [:], needs: needs)
        }
        return m
    }

    static let unmeasured: [(String, String, String)] = [
        ("reviewTurnaroundHours", "PR review turnaround",
         "a review-turnaround proxy from merge and commit times (planned from git history) or a PR export with review timestamps"),
        ("defectEscapeRate", "Defect escape rate", "fix and revert tracing over history (planned from git history)"),
        ("reviewCommentsPerPR", "Code review comments per PR", "a PR export with review comments; git does not record them"),
        ("testCoverage", "Test coverage", "a coverage report import (e.g. Cobertura or LCOV); git does not record coverage"),
        ("buildSuccessRate", "Build success rate", "a CI build export; git does not record builds"),
    ]

    private func benchmarked(
        _ key: String, title: String, value: Double?, aggregator: String, source: Report.Metric.Source,
        details: [String: Double], needs: String? = nil
    ) -> Report.Metric {
        let row = BenchmarkRow.row(key)
        var benchmark: Report.Benchmark?
        if let row {
            if let value {
                let p = row.place(Statistics.round(value))
                benchmark = Report.Benchmark(row: row.title, bands: p.bands, position: p.position.rawValue, placement: p.text)
            } else {
                benchmark = Report.Benchmark(
                    row: row.title, bands: [], position: nil,
                    placement: source == .notMeasured ? "not measured" : "no landed changes")
            }
        }
        return Report.Metric(
            title: title, value: value.map { Statistics.round($0) }, unit: row?.unit ?? "", aggregator: aggregator,
            source: source, betterDirection: row?.better, benchmark: benchmark, details: details, needs: needs)
    }
}
