internal import HistoryModel
internal import HistoryParsing
public import ReportContract

/// Several repositories' reports as one organisation report (issue 18): a pure function of the reports.
///
/// Each group's metrics are recomputed over all its changes everywhere by the same calculators, minimum
/// samples and benchmark placement as a repository's report (`ReportBuilder.metric`), from the per-change rows
/// (`pullRequests[]` with their `delivery` facts): counts are sums, means, medians, percentiles and shares are
/// recomputed from the changes, never averaged. A metric is recomputed over the repositories whose report
/// measured it for the group (source `measured` or `proxy`); imported metrics are combined from summed counts
/// where their details carry them (build success: successful and failed builds; coverage: covered and
/// instrumented lines) and otherwise left without a value, saying why. Proxies and imports never mix
/// (ADR 0007): a group whose metric is a proxy in one repository and imported in another gets no value.
public enum OrganisationAggregator {
    /// One repository's report under the name the organisation report gives it.
    public struct Input: Sendable {
        public var name: String
        public var report: Report

        public init(name: String, report: Report) {
            self.name = name
            self.report = report
        }
    }

    /// The organisation report over `inputs` (taken in name order, whatever order they come in).
    public static func aggregate(_ inputs: [Input], settings: SummarySettings = SummarySettings()) -> OrganisationReport
    {
        let inputs = inputs.sorted { $0.name < $1.name }
        let configured = inputs.contains { $0.report.options.config != nil }
        var builder = ReportBuilder(
            groups: AuthorGroups(groups: configured ? [AuthorGroups.Group(name: "configured")] : []),
            exclusions: ExclusionPolicy())
        builder.summary = settings

        // Groups in first appearance over the repositories (each in its report's order), `unassigned` last.
        var names: [String] = []
        for input in inputs {
            for g in input.report.groups where !names.contains(g.name) { names.append(g.name) }
        }
        if let i = names.firstIndex(of: AuthorGroups.unassigned) { names.append(names.remove(at: i)) }

        var credit = ReportBuilder.Credit()
        var notes: [String] = []
        var groups: [Report.Group] = []
        for name in names {
            var people: [String: Report.Author] = [:]
            for input in inputs {
                for a in input.report.groups.first(where: { $0.name == name })?.authors ?? [] {
                    people[
                        a.email.lowercased(),
                        default: Report.Author(name: a.name, email: a.email, rule: a.rule, changes: 0)
                    ]
                    .changes += a.changes
                }
            }
            let authors = people.values.sorted { ($0.email.lowercased(), $0.name) < ($1.email.lowercased(), $1.name) }
            let perRepo = inputs.map { input in
                (
                    input: input, group: input.report.groups.first { $0.name == name },
                    items: input.report.pullRequests.filter { $0.groups.contains(name) }.map(credited)
                )
            }
            let items = perRepo.flatMap(\.items)
            credit.perGroup[name] = items.isEmpty ? nil : items
            for a in authors {
                credit.authorsPerGroup[name, default: [:]][a.email.lowercased()] = (
                    Identity(name: a.name, email: a.email), a.changes, a.rule
                )
            }
            let metrics =
                items.isEmpty
                ? [:]
                : groupMetrics(
                    perRepo.map { (name: $0.input.name, metrics: $0.group?.metrics ?? [:], items: $0.items) },
                    authors: authors.count, builder: builder, notes: &notes, group: name)
            groups.append(Report.Group(name: name, authors: authors, metrics: metrics))
        }

        var bots: [String: Report.Author] = [:]
        for input in inputs {
            for a in input.report.bots {
                bots[
                    a.email.lowercased(), default: Report.Author(name: a.name, email: a.email, rule: a.rule, changes: 0)
                ]
                .changes += a.changes
            }
        }
        // The `other` row of the summary (unconfigured groups past --summary-groups) is computed by the builder
        // over the folded groups' changes as one sample, with delivery facts when any repository has them.
        let anyDelivery = inputs.contains { $0.report.pullRequests.contains { $0.delivery != nil } }
        let missing = inputs.filter { i in
            !i.report.pullRequests.isEmpty && i.report.pullRequests.allSatisfy { $0.delivery == nil }
        }
        if !missing.isEmpty {
            notes.insert(
                "Without delivery history (review, rework and defect metrics not measured there): "
                    + missing.map(\.name).joined(separator: ", ") + ".", at: 0)
        }
        notes.insert(
            "Organisation report over \(inputs.count) repositor\(inputs.count == 1 ? "y" : "ies"): each group's counts are summed and its means, medians, percentiles and shares recomputed from the changes of every repository that measured them; coverage and build rates from summed counts (docs/metrics.md, \"Organisation report\").",
            at: 0)

        var report = Report(
            schemaVersion: Report.currentSchemaVersion,
            tool: Report.Tool(name: "yardstick", version: ReportBuilder.toolVersion),
            repository: Report.Repository(path: "", head: "", branch: "", shallow: false), options: Report.Options(),
            groups: groups, bots: [], pullRequests: inputs.flatMap(\.report.pullRequests), notes: [])
        let (shown, other) = builder.summaryGroups(groups, credit: credit, deliveryMeasured: anyDelivery)
        report.summary = ReportSummary.make(report, settings: settings, shown: shown, other: other, hint: nil)

        return OrganisationReport(
            tool: report.tool,
            repositories: inputs.map {
                OrganisationReport.Repository(
                    name: $0.name, path: $0.report.repository.path, head: $0.report.repository.head,
                    branch: $0.report.repository.branch, shallow: $0.report.repository.shallow,
                    changes: $0.report.pullRequests.count, period: $0.report.period)
            },
            groups: groups,
            bots: bots.values.sorted { ($0.email.lowercased(), $0.name) < ($1.email.lowercased(), $1.name) },
            perRepository: inputs.map { input in
                OrganisationReport.RepositoryGroups(
                    repository: input.name, groups: input.report.groups.filter { !$0.metrics.isEmpty })
            },
            summary: report.summary!, notes: notes)
    }

    /// One group's metrics from its repositories' rows and changes.
    static func groupMetrics(
        _ repos: [(name: String, metrics: [String: Report.Metric], items: [ReportBuilder.Credited])], authors: Int,
        builder: ReportBuilder, notes: inout [String], group: String
    ) -> [String: Report.Metric] {
        let present = repos.filter { !$0.items.isEmpty }
        var out: [String: Report.Metric] = [:]
        for d in MetricDeclaration.all {
            let key = d.key.rawValue
            let rows = present.compactMap { r in r.metrics[key].map { (repo: r, metric: $0) } }
            guard !rows.isEmpty else { continue }
            let computed = rows.filter { $0.metric.source == .measured || $0.metric.source == .proxy }
            let imported = rows.filter { $0.metric.source == .imported }
            if !computed.isEmpty && !imported.isEmpty {
                let note =
                    "\(group): \(key) is a proxy in \(computed.map(\.repo.name).joined(separator: ", ")) and imported in \(imported.map(\.repo.name).joined(separator: ", ")); proxies and imports are never mixed, so it has no organisation value (see each repository)."
                notes.append(note)
                out[key] = Report.Metric(
                    title: computed[0].metric.title, value: nil, unit: d.unit, aggregator: d.aggregator.rawValue,
                    source: .proxy, betterDirection: d.better,
                    benchmark: ReportBuilder.placed(nil, against: d.benchmark, whenNoValue: "no value: mixed sources"),
                    details: ["repositories": Double(present.count), "repositoriesImported": Double(imported.count)],
                    needs:
                        "one source in every repository: proxy in \(computed.count), imported in \(imported.count) of \(present.count) repositories"
                )
            } else if !computed.isEmpty {
                let items = computed.flatMap(\.repo.items)
                let sample =
                    ReportBuilder.readsEveryChange.contains(d.key)
                    ? items : items.filter { $0.change.kind != .integration }
                guard
                    var metric = builder.metric(
                        d, MetricSample(items: sample, authors: authors, options: builder.delivery), available: true,
                        integrationOnly: !items.isEmpty)
                else { continue }
                metric.title = computed[0].metric.title
                if computed.count < present.count {
                    metric.title += " (measured in \(computed.count) of \(present.count) repositories)"
                    metric.details["repositories"] = Double(computed.count)
                }
                out[key] = metric
            } else if !imported.isEmpty {
                out[key] = combinedImport(d, imported.map(\.metric), of: present.count)
            } else {
                out[key] = rows[0].metric
            }
        }
        return out
    }

    /// An imported metric over the repositories that imported it: build rates from summed successful and
    /// failed builds, coverage from summed covered and instrumented lines; other imports (review figures,
    /// kept per group only) get no value and say so. The title says in how many repositories it was imported.
    static func combinedImport(_ d: MetricDeclaration, _ metrics: [Report.Metric], of repositories: Int)
        -> Report.Metric
    {
        func sum(_ detail: String) -> Double? {
            let xs = metrics.map { $0.details[detail] }
            return xs.contains(nil) ? nil : xs.reduce(0) { $0 + ($1 ?? 0) }
        }
        var value: Double?
        var details: [String: Double] = [:]
        var needs: String?
        switch d.key {
        case .buildSuccessRate, .firstAttemptBuildSuccessRate:
            let keys =
                d.key == .buildSuccessRate
                ? ["count", "success", "failure", "cancelled", "skipped", "unfinished", "other"]
                : ["success", "failure", "firstAttemptMissing"]
            for k in keys { details[k] = sum(k) }
            if let s = details["success"], let f = details["failure"], s + f > 0 { value = s / (s + f) * 100 }
        case .testCoverage:
            for k in ["instrumentedLines", "coveredLines"] { details[k] = sum(k) }
            if let c = details["coveredLines"], let i = details["instrumentedLines"], i > 0 { value = c / i * 100 }
        default:
            needs =
                "each repository's value: imported review figures are kept per group, not per change, so they are not recomputed across repositories"
        }
        details["repositories"] = Double(metrics.count)
        let title =
            metrics[0].title
            + (metrics.count < repositories ? " (imported in \(metrics.count) of \(repositories) repositories)" : "")
        var metric = ReportBuilder.imported(d.key, title: title, value: value, details: details)
        metric.needs = needs
        return metric
    }

    /// A change of a repository's report as the calculators read it: its kind, people, times and sizes from the
    /// row, its delivery facts from `delivery` (empty without).
    static func credited(_ pr: Report.PullRequest) -> ReportBuilder.Credited {
        let id = ObjectID(hex: pr.commit) ?? ObjectID(high: 0, middle: 0, low: 0)
        var size = ReportBuilder.Size()
        size.additions = pr.additions
        size.deletions = pr.deletions
        size.countedAdditions = pr.countedAdditions
        size.countedDeletions = pr.countedDeletions
        size.binaryFiles = pr.binaryFiles
        size.excluded = pr.excludedFiles
        let change = LandedChange(
            kind: ChangeKind(rawValue: pr.kind) ?? .direct, number: pr.number, commit: id, commits: [],
            author: identity(pr.author), coAuthors: pr.coAuthors.map(identity), title: pr.title,
            authoredAt: Timestamp.parse(pr.authoredAt) ?? 0, landedAt: Timestamp.parse(pr.landedAt) ?? 0,
            reviewedDiffs: [], files: [])
        var f = ChangeFacts()
        if let d = pr.delivery {
            f.reviewTurnaroundHours = d.reviewTurnaroundHours
            f.cycleTimeHours = d.cycleTimeHours
            f.reviewTurnaroundBusinessHours = d.reviewTurnaroundBusinessHours
            f.turnaroundNote = d.turnaroundNote
            f.cycleNote = d.cycleNote
            f.reviewers = d.reviewers.map(identity)
            f.unreviewed = d.unreviewed
            f.branchCommits = d.branchCommits
            f.fixupCommits = d.fixupCommits
            f.changedLines = d.changedLines
            f.addedLines = d.addedLines
            f.reworkOwnLines = d.reworkOwnLines
            f.reworkOthersLines = d.reworkOthersLines
            f.rewrittenAfterLanding = d.rewrittenAfterLanding
            f.discardedOnBranch = d.discardedOnBranch
            f.majorRework = d.majorRework
            f.isFix = d.isFix
            f.isRevert = d.isRevert
            f.escapedDefect = d.escapedDefect
            f.revertedInWindow = d.revertedInWindow
            f.touchesTests = d.touchesTests
            f.testLines = d.testLines
            f.codeLines = d.codeLines
            f.adrsAdded = d.adrsAdded
        }
        return ReportBuilder.Credited(change: change, size: size, facts: f)
    }

    /// `Name <email>` as a person (the whole text as the name when it has no address).
    static func identity(_ text: String) -> Identity {
        guard text.hasSuffix(">"), let open = text.lastIndex(of: "<") else { return Identity(name: text, email: "") }
        let name = text[..<open].trimmingSuffix(while: { $0 == " " })
        return Identity(
            name: String(name), email: String(text[text.index(after: open)..<text.index(before: text.endIndex)]))
    }
}

extension Substring {
    fileprivate func trimmingSuffix(while drop: (Character) -> Bool) -> Substring {
        var s = self
        while let last = s.last, drop(last) { s = s.dropLast() }
        return s
    }
}
