public import HistoryModel
internal import HistoryParsing
public import ReportContract

/// What a report is computed from: plain records only.
public struct AnalysisInput<Store: HistoryStore>: Sendable {
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
    /// The first-parent commits analysed (newest first) and every record: what the delivery analysis reads.
    /// With no mainline, review, rework and defect metrics are not computed.
    public var mainline: [ObjectID] = []
    public var commits: Store
    public var pullRequestCommits: [ObjectID: [ObjectID]] = [:]
    public var significantDiffs: [ObjectID: [FileChange]] = [:]
    /// The fixes' significant diffs computed while the delivery analysis reads them (`DeliveryAnalyzer.Input.
    /// streamedDiffs`); nil: `significantDiffs` holds them all.
    public var streamedDiffs: (@Sendable (ObjectID) -> [FileChange]?)?
    /// Which changes are reverts and fixes (`DeliveryAnalyzer.MessageRules.revertsAndFixes`), when already
    /// computed; nil: the delivery analysis computes them.
    public var revertsAndFixes: (reverts: [Bool], fixes: [Bool])?
    /// The commits SZZ traces for those fixes (`DeliveryAnalyzer.MessageRules.tracedCommits`), when computed
    /// with them; nil: the delivery analysis computes them.
    public var tracedCommits: [ObjectID]?
    /// SZZ of the fix commits inside merged branches, traced to the first-parent line by the miner
    /// (`DeliveryAnalyzer.Input.branchFixTraces`).
    public var branchFixTraces: [BranchFixTrace] = []
    /// Metrics per month or quarter as well, when set.
    public var window: TimeWindow?
    /// File changes counted as binary because the repository lacked their content (a partial copy); nil: none.
    public var missingContent: MissingContent?

    public init(
        repositoryPath: String, branch: String, head: ObjectID, shallowBoundaries: [ObjectID] = [],
        truncatedCommits: Int = 0, changes: [LandedChange], since: Int64? = nil, until: Int64? = nil,
        configPath: String? = nil,
        commits: Store
    ) {
        self.commits = commits
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

extension AnalysisInput where Store == CommitStore {
    /// An input whose records are in memory (`CommitStore`), empty until set.
    public init(
        repositoryPath: String, branch: String, head: ObjectID, shallowBoundaries: [ObjectID] = [],
        truncatedCommits: Int = 0, changes: [LandedChange], since: Int64? = nil, until: Int64? = nil,
        configPath: String? = nil
    ) {
        self.init(
            repositoryPath: repositoryPath, branch: branch, head: head, shallowBoundaries: shallowBoundaries,
            truncatedCommits: truncatedCommits, changes: changes, since: since, until: until, configPath: configPath,
            commits: CommitStore())
    }
}

/// Computes the report from landed changes: a pure function of its input and rules.
public struct ReportBuilder: Sendable {
    public static let toolVersion = "0.1.0"
    static let botsGroup = AuthorGroups.bots

    public var groups: AuthorGroups
    public var exclusions: ExclusionPolicy
    public var delivery: DeliveryOptions
    public var forgeCommitterEmails: Set<String>
    /// How the delivery analysis may run its two passes; the caller decides (the CLI: `--workers`).
    public var concurrency: Concurrency = .sequential
    /// The summary matrix's minimum sample and, without a configuration, how many groups it shows.
    public var summary = SummarySettings()

    public init(
        groups: AuthorGroups, exclusions: ExclusionPolicy, delivery: DeliveryOptions = DeliveryOptions(),
        forgeCommitterEmails: Set<String> = ["noreply@github.com"]
    ) {
        self.groups = groups
        self.exclusions = exclusions
        self.delivery = delivery
        self.forgeCommitterEmails = forgeCommitterEmails
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
        size(of: change, PathClassifier(exclusions: exclusions, delivery: delivery))
    }

    func size(of change: LandedChange, _ paths: PathClassifier) -> Size {
        var s = Size()
        for f in change.files {
            let answer = paths.answer(f.path)
            if f.isBinary || answer.attributeBinary {
                s.binaryFiles += 1
                if let reason = answer.exclusion {
                    s.excluded.append(Report.ExcludedFile(path: f.path, reason: reason, additions: 0, deletions: 0))
                }
                continue
            }
            s.additions += f.additions
            s.deletions += f.deletions
            if let reason = answer.exclusion {
                s.excluded.append(
                    Report.ExcludedFile(path: f.path, reason: reason, additions: f.additions, deletions: f.deletions))
            } else {
                s.countedAdditions += f.additions
                s.countedDeletions += f.deletions
            }
        }
        return s
    }

    public func build<Store>(_ input: AnalysisInput<Store>) -> Report {
        let assignments = Assignments(groups)
        let paths = PathClassifier(exclusions: exclusions, delivery: delivery)
        let deliveryMeasured = !input.mainline.isEmpty
        let facts = deliveryFacts(input, paths: paths, assignments: assignments)
        let credit = credit(input, facts: facts, paths: paths, assignments: assignments)
        let landed = input.changes.map(\.landedAt)
        let covered = (from: input.since, to: input.until ?? landed.max())
        let reportGroups = groupNames(credited: credit.perGroup).map { name in
            group(
                name, credit: credit, window: input.window, deliveryMeasured: deliveryMeasured,
                assignments: assignments,
                covered: covered)
        }
        let exclusions = Self.exclusions(credit.pullRequests)
        var report = Report(
            schemaVersion: Report.currentSchemaVersion,
            tool: Report.Tool(name: "yardstick", version: Self.toolVersion),
            repository: Report.Repository(
                path: input.repositoryPath, head: input.head.hex, branch: input.branch,
                shallow: !input.shallowBoundaries.isEmpty),
            options: Report.Options(
                since: input.since.map(Timestamp.iso8601), until: input.until.map(Timestamp.iso8601),
                config: input.configPath),
            period: landed.min().flatMap { lo in
                landed.max().map { Report.Period(from: Timestamp.iso8601(lo), to: Timestamp.iso8601($0)) }
            },
            groups: reportGroups,
            bots: Self.authors(credit.authorsPerGroup[Self.botsGroup]),
            pullRequests: credit.pullRequests,
            notes: Self.notes(input, deliveryMeasured: deliveryMeasured) + Self.exclusionNotes(exclusions)
        )
        report.exclusions = exclusions
        let (shown, other) = summaryGroups(reportGroups, credit: credit, deliveryMeasured: deliveryMeasured)
        report.summary = ReportSummary.make(
            report, settings: summary, shown: shown, other: other,
            hint: input.configPath == nil
                ? "Groups are e-mail domains (no configuration): run 'yardstick groups --write-config' to write a starting yardstick.yml that names them."
                : nil)
        return report
    }

    /// The groups the summary shows and the `other` row. Configured groups, or at most `maxGroups` groups, are
    /// all shown in report order (those with a landed change). Otherwise the groups with at least `minimumSample` changes are shown, largest
    /// first (at most `maxGroups`), and `other` is computed from the rest's changes, each change once.
    func summaryGroups(_ reportGroups: [Report.Group], credit: Credit, deliveryMeasured: Bool)
        -> (shown: [String], other: Report.Summary.Other?)
    {
        let changes = { (name: String) in credit.perGroup[name]?.count ?? 0 }
        // A group with no landed change has no metrics (schema 2) and no row: the detail says so, and 100,000
        // configured groups nobody belongs to do not grow the summary.
        let names = reportGroups.map(\.name).filter { changes($0) > 0 }
        guard groups.groups.isEmpty, names.count > summary.maxGroups else { return (names, nil) }
        let shown = names.filter { changes($0) >= summary.minimumSample }
            .sorted { changes($0) != changes($1) ? changes($0) > changes($1) : $0 < $1 }
            .prefix(summary.maxGroups)
        let shownSet = Set(shown)
        let folded = names.filter { !shownSet.contains($0) }
        guard !folded.isEmpty else { return (Array(shown), nil) }
        var seen = Set<ObjectID>()
        var items: [Credited] = []
        var people = Set<String>()
        for name in folded {
            for item in credit.perGroup[name] ?? [] where seen.insert(item.change.commit).inserted {
                items.append(item)
            }
            people.formUnion((credit.authorsPerGroup[name] ?? [:]).keys)
        }
        // Report order is newest first; a change credited to two folded groups comes in once.
        items.sort {
            $0.change.landedAt != $1.change.landedAt
                ? $0.change.landedAt > $1.change.landedAt : $0.change.commit.hex < $1.change.commit.hex
        }
        return (
            Array(shown),
            Report.Summary.Other(
                groups: folded, changes: items.count,
                metrics: metrics(for: items, authors: people.count, deliveryMeasured: deliveryMeasured))
        )
    }

    // MARK: - Steps of `build`

    /// Each person's group, resolved once (keyed by name and e-mail: name rules, bot patterns and regexes
    /// look at both).
    final class Assignments {
        let groups: AuthorGroups
        private var resolved: [Identity: AuthorGroups.Assignment] = [:]

        init(_ groups: AuthorGroups) { self.groups = groups }

        func callAsFunction(_ id: Identity) -> AuthorGroups.Assignment {
            if let a = resolved[id] { return a }
            let a = groups.resolve(id)
            resolved[id] = a
            return a
        }
    }

    /// Every change's delivery facts; empty facts when there is no first-parent history to read.
    func deliveryFacts<Store>(_ input: AnalysisInput<Store>, paths: PathClassifier, assignments: Assignments)
        -> [ChangeFacts]
    {
        guard !input.mainline.isEmpty else { return Array(repeating: ChangeFacts(), count: input.changes.count) }
        let groupZones = Dictionary(groups.groups.map { ($0.name, $0.timeZone) }, uniquingKeysWith: { a, _ in a })
        var analyzer = DeliveryAnalyzer(
            options: delivery, exclusions: exclusions,
            timeZoneOf: { person in groupZones[assignments(person).group] ?? nil })
        analyzer.concurrency = concurrency
        var delivery = DeliveryAnalyzer.Input(
            changes: input.changes, mainline: input.mainline, commits: input.commits,
            pullRequestCommits: input.pullRequestCommits, significantDiffs: input.significantDiffs,
            revertsAndFixes: input.revertsAndFixes)
        delivery.streamedDiffs = input.streamedDiffs
        delivery.tracedCommits = input.tracedCommits
        delivery.branchFixTraces = input.branchFixTraces
        return analyzer.analyze(delivery, paths: paths)
    }

    /// Who gets credit for what: each group's changes, each group's people (with their change counts and
    /// rules), and the report's pull-request entries.
    struct Credit {
        var perGroup: [String: [Credited]] = [:]
        var authorsPerGroup: [String: [String: (person: Identity, changes: Int, rule: String)]] = [:]
        var pullRequests: [Report.PullRequest] = []
    }

    /// Credits every change to its author's group and its co-authors' groups (bots among co-authors are
    /// skipped), and writes its pull-request entry.
    func credit<Store>(
        _ input: AnalysisInput<Store>, facts: [ChangeFacts], paths: PathClassifier, assignments: Assignments
    ) -> Credit {
        var credit = Credit()
        let deliveryMeasured = !input.mainline.isEmpty
        for (index, change) in input.changes.enumerated() {
            let size = size(of: change, paths)
            let primary = assignments(change.author).group
            var credited: [String] = [primary]
            var people = [change.author]
            for co in change.coAuthors {
                let g = assignments(co).group
                if g == Self.botsGroup { continue }
                people.append(co)
                if !credited.contains(g) { credited.append(g) }
            }
            for person in people {
                let a = assignments(person)
                let previous = credit.authorsPerGroup[a.group]?[person.key]
                credit.authorsPerGroup[a.group, default: [:]][person.key] =
                    (previous?.person ?? person, (previous?.changes ?? 0) + 1, a.rule)
            }
            for g in credited {
                credit.perGroup[g, default: []].append(Credited(change: change, size: size, facts: facts[index]))
            }
            credit.pullRequests.append(
                pullRequest(
                    change, size: size, group: primary, groups: credited,
                    delivery: deliveryMeasured ? Report.ChangeDelivery(facts[index], changes: input.changes) : nil))
        }
        return credit
    }

    /// A change's entry in `pullRequests`.
    func pullRequest(
        _ change: LandedChange, size: Size, group: String, groups: [String], delivery: Report.ChangeDelivery?
    ) -> Report.PullRequest {
        Report.PullRequest(
            commit: change.commit.hex,
            kind: change.kind.rawValue,
            number: change.number,
            title: change.title,
            author: change.author.description,
            coAuthors: change.coAuthors.map(\.description),
            group: group,
            groups: groups,
            commits: change.commits.map(\.hex),
            reviewedDiffs: change.reviewedDiffs.map { Report.DiffRange(base: $0.base?.hex, tip: $0.tip.hex) },
            additions: size.additions,
            deletions: size.deletions,
            countedAdditions: size.countedAdditions,
            countedDeletions: size.countedDeletions,
            binaryFiles: size.binaryFiles,
            excludedFiles: size.excluded,
            authoredAt: Timestamp.iso8601(change.authoredAt),
            landedAt: Timestamp.iso8601(change.landedAt),
            delivery: delivery
        )
    }

    /// The groups a report lists: configured groups always, in config order; others alphabetically;
    /// `unassigned` last, when someone is unassigned or groups are configured.
    func groupNames(credited perGroup: [String: [Credited]]) -> [String] {
        var names = groups.groups.map(\.name)
        for g in perGroup.keys.sorted() where g != Self.botsGroup && g != AuthorGroups.unassigned && !names.contains(g)
        {
            names.append(g)
        }
        if perGroup[AuthorGroups.unassigned] != nil || !groups.groups.isEmpty { names.append(AuthorGroups.unassigned) }
        return names
    }

    /// People sorted by lower-cased e-mail, then name.
    static func authors(_ people: [String: (person: Identity, changes: Int, rule: String)]?) -> [Report.Author] {
        (people ?? [:]).values
            .map { Report.Author(name: $0.person.name, email: $0.person.email, rule: $0.rule, changes: $0.changes) }
            .sorted { ($0.email.lowercased(), $0.name) < ($1.email.lowercased(), $1.name) }
    }

    /// One group: its people, its metrics and, with a time window, its metrics per window. A group credited
    /// with no landed change (a configured group nobody in the history belongs to) has no authors and no
    /// metrics (`{}`, schema 2): its size in memory and in JSON does not grow with the declared metrics.
    /// `covered`: the analysed period (`--since`, else open; `--until`, else the newest change's landing), which
    /// makes the windows it starts or ends inside partial.
    func group(
        _ name: String, credit: Credit, window: TimeWindow?, deliveryMeasured: Bool, assignments: Assignments,
        covered: (from: Int64?, to: Int64?) = (nil, nil)
    ) -> Report.Group {
        let items = credit.perGroup[name] ?? []
        let authors = Self.authors(credit.authorsPerGroup[name])
        return Report.Group(
            name: name, authors: authors,
            metrics: items.isEmpty
                ? [:] : metrics(for: items, authors: authors.count, deliveryMeasured: deliveryMeasured),
            windows: window.map {
                windows(
                    of: items, group: name, window: $0, deliveryMeasured: deliveryMeasured, assignments: assignments,
                    covered: covered)
            })
    }

    /// A group's metrics per calendar window, oldest first; only windows with a change in them.
    func windows(
        of items: [Credited], group name: String, window: TimeWindow, deliveryMeasured: Bool, assignments: Assignments,
        covered: (from: Int64?, to: Int64?) = (nil, nil)
    ) -> [Report.Window] {
        var buckets: [String: (from: Int64, to: Int64, items: [Credited])] = [:]
        for item in items {
            let (key, from, to) = window.bucket(item.change.landedAt)
            buckets[key, default: (from, to, [])].items.append(item)
        }
        return buckets.keys.sorted().compactMap { key in
            guard let b = buckets[key] else { return nil }
            // The people placed in this group who authored or co-authored a change in the window.
            let people = Set(
                b.items.flatMap { [$0.change.author] + $0.change.coAuthors }
                    .filter { assignments($0).group == name }.map(\.key)
            ).count
            return Report.Window(
                name: key, from: Timestamp.iso8601(b.from), to: Timestamp.iso8601(b.to),
                metrics: metrics(for: b.items, authors: people, deliveryMeasured: deliveryMeasured),
                partial: Self.isPartial(from: b.from, to: b.to, covered: covered))
        }
    }

    /// A window is partial when the analysed period starts after its first second or ends before its last.
    static func isPartial(from: Int64, to: Int64, covered: (from: Int64?, to: Int64?)) -> Bool {
        if let start = covered.from, start > from { return true }
        if let end = covered.to, end < to { return true }
        return false
    }

    /// What the report's figures leave out: the integration merges, and per exclusion rule the distinct paths,
    /// lines and changes it left out of counted sizes (most lines first, then by rule).
    static func exclusions(_ pullRequests: [Report.PullRequest]) -> Report.Exclusions {
        var byRule: [String: (paths: Set<String>, lines: Int, changes: Int)] = [:]
        for pr in pullRequests {
            var seen = Set<String>()
            for f in pr.excludedFiles {
                byRule[f.reason, default: ([], 0, 0)].paths.insert(f.path)
                byRule[f.reason, default: ([], 0, 0)].lines += f.additions + f.deletions
                if seen.insert(f.reason).inserted { byRule[f.reason, default: ([], 0, 0)].changes += 1 }
            }
        }
        let rules = byRule.map {
            Report.ExclusionRule(
                rule: $0.key, files: $0.value.paths.count, lines: $0.value.lines, changes: $0.value.changes)
        }
        .sorted { ($1.lines, $0.rule) < ($0.lines, $1.rule) }
        return Report.Exclusions(
            integrationMerges: pullRequests.filter { $0.kind == ChangeKind.integration.rawValue }.count, files: rules)
    }

    /// The exclusions in words, for the human formats: nothing when nothing was left out.
    static func exclusionNotes(_ e: Report.Exclusions) -> [String] {
        var notes: [String] = []
        if e.integrationMerges > 0 {
            notes.append(
                "Integration merges: \(e.integrationMerges) merge\(e.integrationMerges == 1 ? "" : "s") of long-lived branches (kind `integration`, docs/metrics.md) are counted as landed changes but kept out of PR size, turnaround, review and the other per-PR metrics."
            )
        }
        if !e.files.isEmpty {
            let rules = e.files.map {
                "\($0.rule) \($0.files) file\($0.files == 1 ? "" : "s"), \($0.lines) line\($0.lines == 1 ? "" : "s")"
            }
            notes.append("Left out of counted sizes: " + rules.joined(separator: "; ") + ".")
        }
        return notes
    }

    /// The caveats every report carries: a shallow history, and which figures are proxies or not measured.
    static func notes<Store>(_ input: AnalysisInput<Store>, deliveryMeasured: Bool) -> [String] {
        var notes: [String] = []
        if !input.shallowBoundaries.isEmpty {
            notes.append(
                "Shallow clone: history stops at \(input.shallowBoundaries.count) boundary commit(s); older changes are missing and the figures cover only the history present; \(input.truncatedCommits) first-parent commit(s) whose parent or merged branch lies past the boundary were left out."
            )
        }
        if let missing = input.missingContent { notes.append(missing.note) }
        if deliveryMeasured {
            notes.append(
                "Proxies: review turnaround, cycle time, reviewers per change, unreviewed share, fix-up commits and review comments per PR are inferred from commit times and trailers, and the defect escape rate from fix commits traced to the changes that wrote the lines they fix (SZZ); docs/metrics.md defines each. Test coverage and build success rate need imports."
            )
        } else {
            notes.append(
                "Not measured: review turnaround, defect escape rate, review comments, test coverage and build success rate; each such metric says what it needs."
            )
        }
        return notes
    }

    // MARK: - Metrics

    /// A change credited to a group, with its size and delivery facts.
    struct Credited {
        var change: LandedChange
        var size: Size
        var facts: ChangeFacts
    }

    /// Every declared metric (`MetricDeclaration.all`) over the changes credited to a group or window.
    /// Integration merges (ADR 0018) count among the landed changes (by kind) and give their authors, but no
    /// per-PR metric reads them: each is many pull requests at once.
    func metrics(for items: [Credited], authors: Int, deliveryMeasured: Bool) -> [String: Report.Metric] {
        let all = MetricSample(items: items, authors: authors, options: delivery)
        let pullRequests =
            items.contains { $0.change.kind == .integration }
            ? MetricSample(items: items.filter { $0.change.kind != .integration }, authors: authors, options: delivery)
            : all
        var m: [String: Report.Metric] = [:]
        for declaration in MetricDeclaration.all {
            let available = isAvailable(declaration.requires, deliveryMeasured: deliveryMeasured)
            let sample = Self.readsEveryChange.contains(declaration.key) ? all : pullRequests
            if let metric = metric(declaration, sample, available: available, integrationOnly: !items.isEmpty) {
                m[declaration.key.rawValue] = metric
            }
        }
        return m
    }

    /// The metrics that read integration merges too.
    static let readsEveryChange: Set<MetricKey> = [.landedChanges, .authors]

    /// Whether this run can give a metric with this requirement a value.
    func isAvailable(_ requirement: MetricRequirement, deliveryMeasured: Bool) -> Bool {
        switch requirement {
        case .landedChanges: return true
        case .history: return deliveryMeasured
        case .businessHours: return deliveryMeasured && delivery.businessHours != nil
        case .importedData: return false
        }
    }

    /// One metric's row from its declaration and calculator: the value rounded (null below the minimum
    /// sample), placed against its benchmark row; a `notMeasured` row, or none, when it is not available.
    /// `integrationOnly`: the group has changes, all kept out of `sample` as integration merges.
    func metric(_ d: MetricDeclaration, _ sample: MetricSample, available: Bool, integrationOnly: Bool = false)
        -> Report.Metric?
    {
        guard available, let calculate = MetricCalculators.all[d.key] else {
            guard case .notMeasured(let title, let needs) = d.whenUnavailable else { return nil }
            return Report.Metric(
                title: title, value: nil, unit: d.unit, aggregator: "", source: .notMeasured, betterDirection: d.better,
                benchmark: d.benchmark.map {
                    Report.Benchmark(row: $0.title, bands: [], position: nil, placement: "not measured")
                },
                details: [:], needs: needs)
        }
        var computed = calculate(sample)
        if d.aggregator == .mean, computed.details["median"] == nil {
            let xs = sample.items.compactMap { item in
                ReportSummary.perChange(
                    d.key, counted: item.size.counted, reviewers: item.facts.reviewers.count,
                    fixupCommits: item.facts.fixupCommits, hasBranch: item.facts.branchCommits != nil)
            }
            if let median = Statistics.median(xs), let p90 = Statistics.percentile(xs, 90) {
                computed.details["median"] = Statistics.round(median)
                computed.details["p90"] = Statistics.round(p90)
            }
        }
        let value = sample.items.count < d.minimumSample ? nil : computed.value.map { Statistics.round($0) }
        let benchmark = Self.placed(
            value, against: d.benchmark,
            whenNoValue: sample.items.isEmpty
                ? (integrationOnly ? "no value: only integration merges" : "no landed changes")
                : "no value: no change in the group could be measured")
        return Report.Metric(
            title: d.title.replacing("{reworkWindowDays}", with: String(delivery.reworkWindowDays)),
            value: value, unit: d.unit, aggregator: d.aggregator.rawValue, source: d.reportSource,
            betterDirection: d.better, benchmark: benchmark, details: computed.details, needs: d.needs)
    }
}

extension ReportBuilder {
    /// A metric measured from an import (source `import`), placed against its benchmark row when it has one.
    /// Imports (docs/imports.md) add and replace metrics through this after the report is built. The unit,
    /// aggregator and better direction are the declaration's; `title` says what the imported value is.
    public static func imported(
        _ key: MetricKey, title: String, value: Double?, details: [String: Double]
    ) -> Report.Metric {
        let d = MetricDeclaration.declaration(key)
        let value = value.map { Statistics.round($0) }
        let benchmark = placed(value, against: d?.benchmark, whenNoValue: "no value: nothing imported for this group")
        return Report.Metric(
            title: title, value: value, unit: d?.unit ?? "", aggregator: d?.aggregator.rawValue ?? "",
            source: .imported,
            betterDirection: d?.better, benchmark: benchmark, details: details, needs: nil)
    }

    /// A value placed against its benchmark row (nil without one); `whenNoValue` says why there is no value.
    static func placed(_ value: Double?, against row: BenchmarkRow?, whenNoValue: String) -> Report.Benchmark? {
        guard let row else { return nil }
        guard let value else {
            return Report.Benchmark(row: row.title, bands: [], position: nil, placement: whenNoValue)
        }
        let p = row.place(value)
        return Report.Benchmark(row: row.title, bands: p.bands, position: p.position.rawValue, placement: p.text)
    }
}
