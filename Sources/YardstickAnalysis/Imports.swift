package import EvidenceImport
internal import Foundation
internal import GitBridge
internal import HistoryMetrics
internal import HistoryMining
internal import HistoryModel
package import ReportContract

/// What to import beside the history (`--builds`, `--coverage`, `--reviews`, the `imports:` keys of
/// yardstick.yml; docs/imports.md).
package struct ImportRequest: Sendable, Equatable {
    package var builds: [String] = []
    package var buildFormat: BuildFormat?
    package var coverage: [String] = []
    package var coverageFormat: CoverageFormat?
    package var reviews: [String] = []
    package var reviewFormat: ReviewFormat?
    /// A notes ref holding build results (`refs/notes/ci`).
    package var buildNotesRef: String?
    /// Read `TryBot-Result:` / `LUCI-TryBot-Result:` trailers as build results.
    package var buildTrailers = false
    /// Read Gerrit's review notes (`refs/notes/review`).
    package var reviewNotes = false
    /// Prefixes removed from coverage report paths before they are matched to the repository's.
    package var stripPrefixes: [String] = []

    package init() {}

    package var isEmpty: Bool {
        builds.isEmpty && coverage.isEmpty && reviews.isEmpty && buildNotesRef == nil && !buildTrailers && !reviewNotes
    }
    var hasBuilds: Bool { !builds.isEmpty || buildNotesRef != nil || buildTrailers }
    var hasReviews: Bool { !reviews.isEmpty || reviewNotes }
}

/// Reads the imports, joins them to the report's landed changes and puts their metrics into each group
/// (source `import`). The figures come from EvidenceImport's pure functions; this only gathers and places.
enum ImportedEvidence {
    /// `window`: the `--window` of the report's windows, which get each window's coverage. `lap(step)` is
    /// called after each step, for `YARDSTICK_TIMINGS`.
    static func apply(
        _ request: ImportRequest, to report: inout Report, history: LandedHistory, path: String, searchParents: Bool,
        window: TimeWindow? = nil, lap: (String) -> Void = { _ in }
    ) throws {
        let refs = report.pullRequests.map {
            ChangeRef(
                commit: ObjectID(hex: $0.commit)!, commits: $0.commits.compactMap { ObjectID(hex: $0) },
                number: $0.number,
                groups: $0.groups)
        }
        var index = ChangeIndex(changes: refs)
        for (squash, commits) in history.pullRequestCommits {
            guard let c = index.change(commit: squash) else { continue }
            for id in commits { index.add(commit: id, to: c) }
        }
        var notes: [String] = []
        func notesOf(_ ref: String) throws -> [(commit: ObjectID, text: String)]? {
            do {
                return try Repository(path: path, searchParents: searchParents).notes(ref: ref)
            } catch {
                throw ImportError(file: ref, "cannot read the notes (\(error))")
            }
        }

        // Reviews first: their branch heads let builds of a squashed branch find their change.
        var reviewJoin = Evidence.ReviewJoin()
        if request.hasReviews {
            var github: [[PullRequestReview]] = []
            var gitlab: [[PullRequestReview]] = []
            for file in request.reviews {
                let (format, records) = try ReviewImport.readWithFormat(file, format: request.reviewFormat)
                if format == .gitlabMergeRequests || format == .gitlabNotes {
                    gitlab.append(records)
                } else {
                    github.append(records)
                }
            }
            var prs = ReviewImport.merge(github) + ReviewImport.merge(gitlab)
            if request.reviewNotes {
                let ref = "refs/notes/review"
                guard let gerrit = try notesOf(ref) else {
                    throw ImportError(file: ref, "the repository has no such notes ref")
                }
                prs += try ReviewImport.gerritNotes(gerrit, ref: ref)
            }
            reviewJoin = Evidence.joinReviews(prs, index: index)
            for (change, pr) in reviewJoin.perChange {
                if let head = pr.headCommit { index.add(commit: head, to: change) }
            }
            lap("import reviews")
            notes.append(
                "Reviews imported: \(reviewJoin.records) pull request(s) read, \(reviewJoin.perChange.count) joined to landed changes\(reviewJoin.merged > 0 ? " (\(reviewJoin.merged) more merged into a change another record had reached)" : ""), \(reviewJoin.unmatched) matching no analysed change (not landed on this branch or outside the range)."
            )
        }

        var buildJoin = BuildJoin()
        if request.hasBuilds {
            // Each file is streamed into the join: no file's records are held together.
            var joiner = BuildJoiner(index: index)
            for (change, pr) in reviewJoin.perChange {
                if let branch = pr.headBranch, let from = pr.openedAt, let to = pr.mergedAt {
                    joiner.addBranch(branch, from: from, to: to, change: change)
                }
            }
            for file in request.builds { try BuildImport.read(file, format: request.buildFormat) { joiner.add($0) } }
            if request.buildTrailers {
                let commits = history.mined.commits
                let ids = refs.flatMap { [$0.commit] + $0.commits }
                var seen: Set<ObjectID> = []
                var withTrailers: [(id: ObjectID, trailers: [Trailer])] = []
                for id in ids where seen.insert(id).inserted {
                    if let r = commits.record(id, withFiles: false, withHunks: false) {
                        withTrailers.append((id, r.trailers))
                    }
                }
                for b in GitBuildEvidence.trailers(withTrailers) { joiner.add(b) }
            }
            if let ref = request.buildNotesRef {
                guard let found = try notesOf(ref) else {
                    throw ImportError(file: ref, "the repository has no such notes ref")
                }
                for b in try GitBuildEvidence.notes(found, ref: ref) { joiner.add(b) }
            }
            buildJoin = joiner.join
            lap("import builds: read and join")
            let byBranch =
                buildJoin.joinedByBranch == 0
                ? ""
                : " (\(buildJoin.joinedByBranch) joined to their pull request by its head branch and open time)"
            notes.append(
                "Builds imported: \(buildJoin.records) record(s) read\(byBranch), \(buildJoin.duplicates) duplicate(s) counted once, \(buildJoin.unmatched) naming a commit or pull request not among the analysed changes, \(buildJoin.withoutCommit) naming no commit; cancelled, skipped and unfinished builds are counted apart from the success rate."
            )
        }

        var coverageByGroup: Evidence.CoverageByGroup?
        var overall = Evidence.CoverageTally()
        var coverageTrend: [String: CoverageAtCommit] = [:]
        if !request.coverage.isEmpty {
            let order = Array(history.mined.mainline.reversed())
            let reports = try CoverageAtCommit.place(
                request.coverage, order: order, path: path, searchParents: searchParents)
            var atCommit: [Int: [FileCoverage]] = [:]
            for (position, files) in reports {
                atCommit[position] = CoverageImport.merge(
                    try files.map { try CoverageImport.read($0, format: request.coverageFormat) })
            }
            lap("import coverage: read")
            // One pass along the first-parent line, keeping the line ownership as it stands at each report's
            // commit (a copy shares its runs with the ownership that goes on).
            var ownership = LineOwnership()
            var snapshots: [Int: LineOwnership] = [:]
            for (i, id) in order.enumerated() {
                if let record = history.mined.commits[id] { ownership.apply(record.files, origin: Int32(i)) }
                if atCommit[i] != nil { snapshots[i] = ownership }
            }
            lap("import coverage: line ownership")
            var groupsOfCommit: [ObjectID: [String]] = [:]
            for (pr, ref) in zip(report.pullRequests, refs) where pr.group != AuthorGroups.bots {
                let groups = ref.groups.filter { $0 != AuthorGroups.bots }
                groupsOfCommit[ref.commit] = groups
                if pr.kind == ChangeKind.rebase.rawValue { for c in ref.commits { groupsOfCommit[c] = groups } }
            }
            var results: [Int: CoverageAtCommit] = [:]
            for (position, files) in atCommit {
                guard let snapshot = snapshots[position] else { continue }
                var cache: [String: [Int32]?] = [:]
                func origins(_ p: String) -> [Int32]? {
                    if let hit = cache[p] { return hit }
                    let o = snapshot.lineOrigins(of: p)
                    cache[p] = o
                    return o
                }
                let byGroup = Evidence.coverageByGroup(
                    files, mapper: Evidence.PathMapper(stripPrefixes: request.stripPrefixes),
                    tracked: { origins($0) != nil },
                    origins: origins, groups: { groupsOfCommit[order[Int($0)]] ?? [] })
                results[position] = CoverageAtCommit(byGroup: byGroup, overall: Evidence.overall(files))
            }
            let newest = results.keys.max() ?? order.count - 1
            let result = results[newest] ?? CoverageAtCommit(byGroup: .init(), overall: .init())
            coverageByGroup = result.byGroup
            overall = result.overall
            // The trend: per window, the newest report whose commit landed in it.
            if let window {
                var newestIn: [String: Int] = [:]
                for position in results.keys {
                    guard let time = history.mined.commits.record(order[position], withFiles: false)?.committer.time
                    else { continue }
                    let name = window.bucket(time).name
                    newestIn[name] = max(newestIn[name] ?? position, position)
                }
                coverageTrend = newestIn.compactMapValues { results[$0] }
            }
            lap("import coverage: per group")
            let landed = report.pullRequests.first { $0.commit == order[newest].hex }?.landedAt
            let atHead = reports.count == 1 && reports.keys.first == order.count - 1
            let which =
                atHead
                ? ""
                : " for \(reports.count) commit(s); the newest, \(order[newest].hex)\(landed.map { " (landed \($0))" } ?? ""), gives the groups' figures, and each --window the newest report whose commit landed in it"
            notes.append(
                "Coverage imported\(which): \(overall.covered) of \(overall.instrumented) instrumented line(s) covered overall; \(result.byGroup.unmatchedFiles) report file(s) (\(result.byGroup.unmatchedLines) line(s)) match no file of the analysed commit, \(result.byGroup.unattributed.instrumented) line(s) were written by no analysed change, \(result.byGroup.summaryOnlyLines) line(s) come without per-line data and count only overall."
            )
        }

        var changesOf: [String: [Int]] = [:]
        for (i, ref) in refs.enumerated() { for g in ref.groups { changesOf[g, default: []].append(i) } }
        for g in report.groups.indices {
            let name = report.groups[g].name
            let changes = changesOf[name] ?? []
            // A group credited with no landed change keeps its empty metrics (schema 2): nothing imported is its.
            if changes.isEmpty && report.groups[g].metrics.isEmpty { continue }
            report.groups[g].metrics.merge(
                ImportedMetrics.metrics(
                    changes: changes, builds: request.hasBuilds ? buildJoin : nil,
                    reviews: request.hasReviews ? reviewJoin : nil,
                    coverage: coverageByGroup.map { ($0.groups[name] ?? Evidence.CoverageTally(), overall) }),
                uniquingKeysWith: { _, new in new })
        }
        if !coverageTrend.isEmpty {
            for g in report.groups.indices {
                let name = report.groups[g].name
                guard var windows = report.groups[g].windows else { continue }
                for w in windows.indices {
                    guard let c = coverageTrend[windows[w].name], !windows[w].metrics.isEmpty else { continue }
                    windows[w].metrics.merge(
                        ImportedMetrics.metrics(
                            changes: [], builds: nil, reviews: nil,
                            coverage: (c.byGroup.groups[name] ?? Evidence.CoverageTally(), c.overall)),
                        uniquingKeysWith: { _, new in new })
                }
                report.groups[g].windows = windows
            }
        }
        report.notes += notes
        ReportSummary.refresh(&report)
        lap("import metrics")
    }
}

/// A `--coverage` argument: `FILE@REV` names the report `FILE` made at revision `REV`; `FILE` alone (or an
/// existing file whose name holds an `@`) is made at the analysed commit.
package enum CoverageArgument {
    package static func split(_ argument: String) -> (file: String, revision: String?) {
        guard !FileManager.default.fileExists(atPath: argument), let at = argument.lastIndex(of: "@"),
            at != argument.startIndex, argument.index(after: at) != argument.endIndex
        else { return (argument, nil) }
        return (String(argument[..<at]), String(argument[argument.index(after: at)...]))
    }
}

/// The coverage of the reports made at one commit of the first-parent line: per group by the line
/// ownership at that commit, and overall.
struct CoverageAtCommit {
    var byGroup: Evidence.CoverageByGroup
    var overall: Evidence.CoverageTally

    /// Places each `--coverage` argument at its commit: `FILE@REV` is the report `FILE` made at revision
    /// `REV` (an id, a tag, a branch: anything `git rev-parse` takes), which must be on the analysed
    /// first-parent line; `FILE` alone (or an existing file whose name holds an `@`) is made at the analysed
    /// commit. Returns the files per position in `order` (oldest first).
    static func place(_ arguments: [String], order: [ObjectID], path: String, searchParents: Bool) throws
        -> [Int: [String]]
    {
        var positions: [ObjectID: Int] = [:]
        var repository: Repository?
        var out: [Int: [String]] = [:]
        for argument in arguments {
            let (file, revision) = CoverageArgument.split(argument)
            guard let revision else {
                out[order.count - 1, default: []].append(argument)
                continue
            }
            guard FileManager.default.fileExists(atPath: file) else {
                throw ImportError(file: argument, "cannot read the file (missing or unreadable)")
            }
            if positions.isEmpty { for (i, id) in order.enumerated() { positions[id] = i } }
            let commit: ObjectID
            do {
                if repository == nil { repository = try Repository(path: path, searchParents: searchParents) }
                commit = try repository!.resolveCommit(revision)
            } catch {
                throw ImportError(file: file, "\"\(revision)\" names no commit of the repository")
            }
            guard let position = positions[commit] else {
                throw ImportError(
                    file: file, "\"\(revision)\" (\(commit.hex)) is not a commit of the analysed first-parent line")
            }
            out[position, default: []].append(file)
        }
        return out
    }
}

/// The imported metrics of one group, from the joins: small pure functions, callable from anywhere.
package enum ImportedMetrics {
    static func round(_ v: Double?) -> Double? { v.map { Statistics.round($0) } }

    /// The metrics for a group whose landed changes are `changes` (indexes into the joins' change list).
    /// Review metrics replace the proxies only for a group with at least one imported pull request.
    package static func metrics(
        changes: [Int], builds: BuildJoin?, reviews: Evidence.ReviewJoin?,
        coverage: (group: Evidence.CoverageTally, overall: Evidence.CoverageTally)?
    ) -> [String: Report.Metric] {
        var m: [String: Report.Metric] = [:]
        if let builds {
            let t = builds.tally(changes: changes)
            m[MetricKey.buildSuccessRate.rawValue] = ReportBuilder.imported(
                .buildSuccessRate, title: "Build success rate (successful / (successful + failed))",
                value: t.successRate,
                details: [
                    "count": Double(t.total), "success": Double(t.success), "failure": Double(t.failure),
                    "cancelled": Double(t.cancelled),
                    "skipped": Double(t.skipped), "unfinished": Double(t.pending), "other": Double(t.other),
                ])
            m[MetricKey.firstAttemptBuildSuccessRate.rawValue] = ReportBuilder.imported(
                .firstAttemptBuildSuccessRate, title: "Build success rate at the first attempt",
                value: t.firstAttemptSuccessRate,
                details: [
                    "success": Double(t.firstSuccess), "failure": Double(t.firstFailure),
                    "firstAttemptMissing": Double(t.firstUnknown),
                ])
        }
        if let coverage {
            m[MetricKey.testCoverage.rawValue] = ReportBuilder.imported(
                .testCoverage, title: "Test coverage (covered share of the instrumented lines the group last wrote)",
                value: coverage.group.rate,
                details: [
                    "instrumentedLines": Double(coverage.group.instrumented),
                    "coveredLines": Double(coverage.group.covered),
                    "overall": round(coverage.overall.rate),
                    "overallInstrumentedLines": Double(coverage.overall.instrumented),
                    "overallCoveredLines": Double(coverage.overall.covered),
                ].compactMapValues { $0 })
        }
        if let reviews {
            let figures = changes.compactMap { reviews.perChange[$0] }.map(Evidence.figures)
            if !figures.isEmpty {
                let hours = figures.compactMap(\.turnaroundHours)
                var details: [String: Double] = [:]
                details["count"] = Double(hours.count)
                details["pullRequests"] = Double(figures.count)
                details["changesWithoutImport"] = Double(changes.count - figures.count)
                details["negativeSpans"] = Double(figures.filter(\.negativeSpan).count)
                details["withoutResponse"] = Double(
                    figures.filter { $0.turnaroundHours == nil && !$0.negativeSpan }.count)
                details["p75"] = round(Statistics.percentile(hours, 75))
                details["p90"] = round(Statistics.percentile(hours, 90))
                // Exports without opening times (Gerrit's notes) leave the proxy in place.
                if !hours.isEmpty {
                    m[MetricKey.reviewTurnaroundHours.rawValue] = ReportBuilder.imported(
                        .reviewTurnaroundHours,
                        title: "PR review turnaround (opened to first review or comment by another person)",
                        value: Evidence.median(hours), details: details)
                }
                m[MetricKey.reviewCommentsPerPR.rawValue] = ReportBuilder.imported(
                    .reviewCommentsPerPR, title: "Code review comments per PR (by others, not bots)",
                    value: Evidence.mean(figures.map { Double($0.comments) }),
                    details: [
                        "count": Double(figures.count), "changesWithoutImport": Double(changes.count - figures.count),
                    ])
                m[MetricKey.reviewersPerPR.rawValue] = ReportBuilder.imported(
                    .reviewersPerPR, title: "Reviewers per PR (others who reviewed or commented, not bots)",
                    value: Evidence.mean(figures.map { Double($0.reviewers) }),
                    details: ["count": Double(figures.count)])
                m[MetricKey.approvalsPerPR.rawValue] = ReportBuilder.imported(
                    .approvalsPerPR, title: "Approvals per PR",
                    value: Evidence.mean(figures.map { Double($0.approvals) }),
                    details: ["count": Double(figures.count)])
            }
        }
        return m
    }
}
