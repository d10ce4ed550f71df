public import HistoryModel

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
    /// Which changes are reverts and fixes (`DeliveryAnalyzer.MessageRules.revertsAndFixes`), when already
    /// computed; nil: the delivery analysis computes them.
    public var revertsAndFixes: (reverts: [Bool], fixes: [Bool])?
    /// Metrics per month or quarter as well, when set.
    public var window: TimeWindow?

    public init(
        repositoryPath: String, branch: String, head: ObjectID, shallowBoundaries: [ObjectID] = [],
        truncatedCommits: Int = 0, changes: [LandedChange], since: Int64? = nil, until: Int64? = nil, configPath: String? = nil,
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
        truncatedCommits: Int = 0, changes: [LandedChange], since: Int64? = nil, until: Int64? = nil, configPath: String? = nil
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
                s.excluded.append(Report.ExcludedFile(path: f.path, reason: reason, additions: f.additions, deletions: f.deletions))
            } else {
                s.countedAdditions += f.additions
                s.countedDeletions += f.deletions
            }
        }
        return s
    }

    public func build<Store>(_ input: AnalysisInput<Store>) -> Report {
        // Keyed by name and e-mail: name rules, bot patterns and regexes look at both.
        var assignments: [Identity: AuthorGroups.Assignment] = [:]
        func assignment(_ id: Identity) -> AuthorGroups.Assignment {
            if let a = assignments[id] { return a }
            let a = groups.resolve(id)
            assignments[id] = a
            return a
        }

        let paths = PathClassifier(exclusions: exclusions, delivery: delivery)
        let deliveryMeasured = !input.mainline.isEmpty
        let facts: [ChangeFacts]
        if deliveryMeasured {
            let groupZones = Dictionary(groups.groups.map { ($0.name, $0.timeZone) }, uniquingKeysWith: { a, _ in a })
            let analyzer = DeliveryAnalyzer(
                options: delivery, exclusions: exclusions,
                timeZoneOf: { person in groupZones[assignment(person).group] ?? nil })
            facts = analyzer.analyze(
                DeliveryAnalyzer.Input(
                    changes: input.changes, mainline: input.mainline, commits: input.commits,
                    pullRequestCommits: input.pullRequestCommits, significantDiffs: input.significantDiffs,
                    revertsAndFixes: input.revertsAndFixes),
                paths: paths)
        } else {
            facts = Array(repeating: ChangeFacts(), count: input.changes.count)
        }
        var perGroup: [String: [Credited]] = [:]
        var authorsPerGroup: [String: [String: (Identity, Int, String)]] = [:]
        var pullRequests: [Report.PullRequest] = []

        for (index, change) in input.changes.enumerated() {
            let size = size(of: change, paths)
            let fact = facts[index]
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
            for g in credited { perGroup[g, default: []].append(Credited(change: change, size: size, facts: fact)) }
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
                    landedAt: Timestamp.iso8601(change.landedAt),
                    delivery: deliveryMeasured ? Report.ChangeDelivery(fact, changes: input.changes) : nil
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
            var windows: [Report.Window] = []
            if let window = input.window {
                var buckets: [String: (from: Int64, to: Int64, items: [Credited])] = [:]
                for item in items {
                    let (key, from, to) = window.bucket(item.change.landedAt)
                    buckets[key, default: (from, to, [])].items.append(item)
                }
                windows = buckets.keys.sorted().compactMap { key in
                    guard let b = buckets[key] else { return nil }
                    // The people placed in this group who authored or co-authored a change in the window.
                    let people = Set(
                        b.items.flatMap { [$0.change.author] + $0.change.coAuthors }
                            .filter { assignment($0).group == name }.map(\.key)
                    ).count
                    return Report.Window(
                        name: key, from: Timestamp.iso8601(b.from), to: Timestamp.iso8601(b.to),
                        metrics: metrics(for: b.items, authors: people, deliveryMeasured: deliveryMeasured))
                }
            }
            return Report.Group(
                name: name, authors: authors,
                metrics: metrics(for: items, authors: authors.count, deliveryMeasured: deliveryMeasured),
                windows: input.window == nil ? nil : windows)
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
        if deliveryMeasured {
            notes.append(
                "Proxies: review turnaround, cycle time, reviewers per change, unreviewed share, fix-up commits and review comments per PR are inferred from commit times and trailers, and the defect escape rate from fix commits traced to the changes that wrote the lines they fix (SZZ); docs/metrics.md defines each. Test coverage and build success rate need imports."
            )
        } else {
            notes.append(
                "Not measured: review turnaround, defect escape rate, review comments, test coverage and build success rate; each such metric says what it needs."
            )
        }
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

    struct Credited {
        var change: LandedChange
        var size: Size
        var facts: ChangeFacts
    }

    func metrics(for items: [Credited], authors: Int, deliveryMeasured: Bool) -> [String: Report.Metric] {
        var m: [String: Report.Metric] = [:]
        let n = Double(items.count)
        func share(_ count: Int) -> Double? { items.isEmpty ? nil : Statistics.round(Double(count) / n * 100) }
        func plain(_ title: String, _ value: Double?, unit: String, aggregator: String, source: Report.Metric.Source = .measured,
                   better: BetterDirection? = nil, details: [String: Double] = [:]) -> Report.Metric {
            Report.Metric(
                title: title, value: value.map { Statistics.round($0) }, unit: unit, aggregator: aggregator, source: source,
                betterDirection: better, benchmark: nil, details: details, needs: nil)
        }

        var byKind: [String: Double] = [:]
        for kind in ChangeKind.allCases { byKind[kind.rawValue] = 0 }
        for item in items { byKind[item.change.kind.rawValue, default: 0] += 1 }
        m["landedChanges"] = plain("Landed changes", n, unit: "changes", aggregator: "count", details: byKind)
        m["authors"] = plain("Authors", Double(authors), unit: "people", aggregator: "count")
        let direct = items.filter { $0.change.kind == .direct }.count
        m["directShare"] = plain(
            "Landed without review (direct)", share(direct), unit: "%", aggregator: "share", better: .lower,
            details: ["count": Double(direct)])

        let sizes = items.map { Double($0.size.counted) }
        let raw = items.map { Double($0.size.additions + $0.size.deletions) }
        m["prSize"] = benchmarked(
            "prSize", title: "PR size (lines changed, counted)", value: Statistics.mean(sizes), aggregator: "mean",
            source: .measured,
            details: [
                "count": n,
                "median": Statistics.median(sizes).map { Statistics.round($0) },
                "p90": Statistics.percentile(sizes, 90).map { Statistics.round($0) },
                "rawMean": Statistics.mean(raw).map { Statistics.round($0) },
            ].compactMapValues { $0 }, emptyGroup: items.isEmpty)

        guard deliveryMeasured else {
            for (key, title, needs) in Self.unmeasured {
                m[key] = benchmarked(key, title: title, value: nil, aggregator: "", source: .notMeasured, details: [:], needs: needs, emptyGroup: items.isEmpty)
            }
            return m
        }
        let facts = items.map(\.facts)

        // Review turnaround and cycle time (proxies), medians.
        let turnaround = facts.compactMap(\.reviewTurnaroundHours)
        func notes(_ note: String) -> Double { Double(facts.filter { $0.turnaroundNote == note }.count) }
        m["reviewTurnaroundHours"] = benchmarked(
            "reviewTurnaroundHours", title: "PR review turnaround (proxy: last push to landing)",
            value: Statistics.median(turnaround), aggregator: "median", source: .proxy,
            details: [
                "count": Double(turnaround.count),
                "p75": Statistics.percentile(turnaround, 75).map { Statistics.round($0) },
                "p90": Statistics.percentile(turnaround, 90).map { Statistics.round($0) },
                "negativeSpans": notes("negative span"), "absurdSpans": notes("absurd span"),
                "notMeasurable": notes("not measurable from git"), "withoutReview": notes("landed without review"),
            ].compactMapValues { $0 }, emptyGroup: items.isEmpty)
        let cycle = facts.compactMap(\.cycleTimeHours)
        m["cycleTimeHours"] = plain(
            "Cycle time (proxy: first authored commit to landing)", Statistics.median(cycle), unit: "hours",
            aggregator: "median", source: .proxy, better: .lower,
            details: [
                "count": Double(cycle.count), "p75": Statistics.percentile(cycle, 75).map { Statistics.round($0) },
                "negativeSpans": Double(facts.filter { $0.cycleNote == "negative span" }.count),
                "absurdSpans": Double(facts.filter { $0.cycleNote == "absurd span" }.count),
                "p90": Statistics.percentile(cycle, 90).map { Statistics.round($0) },
            ].compactMapValues { $0 })
        if delivery.businessHours != nil {
            let business = facts.compactMap(\.reviewTurnaroundBusinessHours)
            m["reviewTurnaroundBusinessHours"] = plain(
                "PR review turnaround in working hours (proxy)", Statistics.median(business), unit: "hours",
                aggregator: "median", source: .proxy, better: .lower,
                details: [
                    "count": Double(business.count),
                    "p75": Statistics.percentile(business, 75).map { Statistics.round($0) },
                    "p90": Statistics.percentile(business, 90).map { Statistics.round($0) },
                ].compactMapValues { $0 })
        }

        // Review depth (proxies).
        let reviewers = facts.map { Double($0.reviewers.count) }
        m["reviewersPerChange"] = plain(
            "Reviewers per change (proxy: review trailers)", Statistics.mean(reviewers), unit: "people", aggregator: "mean",
            source: .proxy, better: .higher,
            details: ["withReviewers": Double(facts.filter { !$0.reviewers.isEmpty }.count)])
        let unreviewed = facts.filter(\.unreviewed).count
        m["unreviewedShare"] = plain(
            "Landed with no sign of review", share(unreviewed), unit: "%", aggregator: "share", source: .proxy,
            better: .lower, details: ["count": Double(unreviewed)])
        let withBranch = facts.filter { $0.branchCommits != nil }
        let fixups = withBranch.map { Double($0.fixupCommits ?? 0) }
        m["fixupCommitsPerPR"] = plain(
            "Fix-up commits per PR (proxy: review rounds)", Statistics.mean(fixups), unit: "commits", aggregator: "mean",
            source: .proxy,
            details: [
                "count": Double(withBranch.count),
                "commitsPerPR": Statistics.mean(withBranch.map { Double($0.branchCommits ?? 0) }).map { Statistics.round($0) },
            ].compactMapValues { $0 })
        let signals = facts.map { Double($0.reviewers.count + ($0.fixupCommits ?? 0)) }
        var comments = benchmarked(
            "reviewCommentsPerPR", title: "Code review comments per PR (proxy: reviewer trailers + fix-up commits)",
            value: Statistics.mean(signals), aggregator: "mean", source: .proxy, details: ["count": n],
            needs: "a PR export with review comments for the measured value", emptyGroup: items.isEmpty)
        if items.isEmpty { comments.value = nil }
        m["reviewCommentsPerPR"] = comments

        // Rework.
        let changed = facts.reduce(0) { $0 + $1.changedLines }
        let own = facts.reduce(0) { $0 + $1.reworkOwnLines }
        let others = facts.reduce(0) { $0 + $1.reworkOthersLines }
        m["reworkRate"] = plain(
            "Code rework rate (lines rewriting lines under \(delivery.reworkWindowDays) days old)",
            changed == 0 ? nil : Double(own + others) / Double(changed) * 100, unit: "%", aggregator: "share",
            better: .lower,
            details: ["changedLines": Double(changed), "ownLines": Double(own), "othersLines": Double(others)])
        let major = facts.filter(\.majorRework).count
        m["majorReworkRate"] = plain(
            "PRs requiring major rework", share(major), unit: "%", aggregator: "share", better: .lower,
            details: ["count": Double(major)])

        // Defects (SZZ proxy) and reverts.
        let escaped = facts.filter(\.escapedDefect).count
        m["defectEscapeRate"] = benchmarked(
            "defectEscapeRate", title: "Defect escape rate (proxy: blamed by a later fix or reverted)",
            value: share(escaped), aggregator: "share", source: .proxy,
            details: [
                "count": Double(escaped), "fixes": Double(facts.filter(\.isFix).count),
                "reverts": Double(facts.filter(\.isRevert).count),
            ], emptyGroup: items.isEmpty)
        let reverted = facts.filter(\.revertedInWindow).count
        m["revertRate"] = plain(
            "Revert rate", share(reverted), unit: "%", aggregator: "share", better: .lower,
            details: ["count": Double(reverted)])

        // Delivery indicators.
        let testTouching = facts.filter(\.touchesTests).count
        let testLines = facts.reduce(0) { $0 + $1.testLines }
        let codeLines = facts.reduce(0) { $0 + $1.codeLines }
        m["testTouchRate"] = plain(
            "Changes that touch tests", share(testTouching), unit: "%", aggregator: "share", better: .higher,
            details: ["count": Double(testTouching), "testLines": Double(testLines), "codeLines": Double(codeLines)])
        m["adrsAuthored"] = plain(
            "ADRs authored", Double(facts.reduce(0) { $0 + $1.adrsAdded.count }), unit: "files", aggregator: "count",
            better: .higher)

        for (key, title, needs) in Self.unmeasured where m[key] == nil {
            m[key] = benchmarked(key, title: title, value: nil, aggregator: "", source: .notMeasured, details: [:], needs: needs, emptyGroup: items.isEmpty)
        }
        return m
    }

    static let unmeasured: [(String, String, String)] = [
        ("reviewTurnaroundHours", "PR review turnaround",
         "first-parent history to derive it from (none in range), or a PR export with review timestamps"),
        ("defectEscapeRate", "Defect escape rate", "first-parent history to trace fixes and reverts over (none in range)"),
        ("reviewCommentsPerPR", "Code review comments per PR", "a PR export with review comments; git does not record them"),
        ("testCoverage", "Test coverage", "a coverage report import (e.g. Cobertura or LCOV); git does not record coverage"),
        ("buildSuccessRate", "Build success rate", "a CI build export; git does not record builds"),
    ]

    private func benchmarked(
        _ key: String, title: String, value: Double?, aggregator: String, source: Report.Metric.Source,
        details: [String: Double], needs: String? = nil, emptyGroup: Bool = false
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
                    placement: source == .notMeasured
                        ? "not measured" : emptyGroup ? "no landed changes" : "no value: no change in the group could be measured")
            }
        }
        return Report.Metric(
            title: title, value: value.map { Statistics.round($0) }, unit: row?.unit ?? "", aggregator: aggregator,
            source: source, betterDirection: row?.better, benchmark: benchmark, details: details, needs: needs)
    }
}
