internal import Dispatch
package import HistoryMetrics
package import HistoryMining
package import HistoryModel
internal import HistoryParsing
package import ReportContract
internal import Synchronization
package import YardstickConfig

/// The whole analysis, from a repository path to a report: mine, classify, trace fixes, measure. The CLI is
/// a thin layer over this; tests call it directly.
package struct Analysis: Sendable {
    package var path: String
    package var mining: MiningOptions
    package var configuration: YardstickConfiguration
    /// The configuration file as the report names it; nil for none.
    package var configPath: String?
    package var window: TimeWindow?
    /// Build, coverage and review exports to join to the history (docs/imports.md); empty for none.
    package var imports = ImportRequest()
    /// Told the name of each step after mining as it starts (fix detection, fix diffs, measuring, imports),
    /// and `""` when the report is built: the CLI shows them as progress.
    package var step: (@Sendable (String) -> Void)?
    /// `--by author`: every author a group of their own (AuthorView).
    package var byAuthor = false
    /// Fix diffs an earlier run computed (`--store`, StoredFixDiffs.swift): read instead of computed again.
    package var knownFixDiffs: KnownFixDiffs?
    /// Branch-fix traces an earlier run made (`--store`, StoredBranchFixTraces.swift): taken instead of traced again.
    package var knownBranchFixTraces: KnownBranchFixTraces?
    /// Fix-detection answers an earlier run found (`--store`, StoredFixDetection.swift): taken instead of detected
    /// again.
    package var knownFixDetection: KnownFixDetection?
    /// Wall time of the steps after mining, for benchmarks (`YARDSTICK_TIMINGS=1`).
    package var timings: [(String, Double)] { timingsBox.entries.withLock { $0 } }
    private let timingsBox = TimingLog()

    package init(
        path: String, mining: MiningOptions, configuration: YardstickConfiguration = YardstickConfiguration(),
        configPath: String? = nil, window: TimeWindow? = nil
    ) {
        self.path = path
        self.mining = mining
        self.configuration = configuration
        self.configPath = configPath
        self.window = window
    }

    package var miner: Miner { Miner(path: path, options: mining) }

    /// What the analysis computes from the same records and options (`DeliveryAnalyzer.revision`): part of a
    /// stored report's snapshot key.
    package static var revision: Int { DeliveryAnalyzer.revision }

    /// Mines and classifies the history.
    package func landedHistory(progress: (@Sendable (MiningProgress) -> Void)? = nil) throws -> LandedHistory {
        try miner.landedHistory(
            classifier: LandedChangeClassifier(forgeCommitterEmails: configuration.forgeCommitterEmails),
            progress: progress)
    }

    package func builder(attributeFiles: [(path: String, contents: String)]) -> ReportBuilder {
        var exclusions = configuration.exclusions
        exclusions.attributes = GitAttributes(files: attributeFiles)
        var builder = ReportBuilder(
            groups: configuration.groups, exclusions: exclusions, delivery: configuration.delivery,
            forgeCommitterEmails: configuration.forgeCommitterEmails)
        builder.concurrency = .workers(mining.workers)
        builder.summary = configuration.summary
        return builder
    }

    /// Everything the report builder reads. Each fix's white-space-insensitive diff for SZZ (mined for fixes
    /// only) is streamed: `fixDiffs` computes each when the ownership pass reaches it; call its `finish()`
    /// when the report is built.
    package func input(for history: LandedHistory) throws -> (
        AnalysisInput<CommitStore>, fixDiffs: SignificantDiffStream
    ) {
        var input = AnalysisInput(
            repositoryPath: path, branch: history.mined.branch, head: history.mined.tip,
            shallowBoundaries: history.mined.shallowBoundaries, truncatedCommits: history.mined.truncated.count,
            changes: history.changes, since: mining.since, until: mining.until, configPath: configPath)
        input.mainline = history.mined.mainline
        input.commits = history.mined.commits
        input.pullRequestCommits = history.pullRequestCommits
        input.window = window
        input.missingContent = MissingContent(
            history.mined.commits.withMissingContent, in: history.mined.commits, mainline: history.mined.mainline)
        step?("detecting fixes and reverts")
        let detection = DispatchTime.now().uptimeNanoseconds
        var branchFixes: [ObjectID] = []
        let fixCommits = try tracedFixCommits(
            history, flags: &input.revertsAndFixes, traced: &input.tracedCommits, branchFixes: &branchFixes)
        timingsBox.entries.withLock {
            $0.append(
                (
                    "fix detection" + ProcessInfoShim.residentNote,
                    Double(DispatchTime.now().uptimeNanoseconds - detection) / 1e9
                ))
        }
        step?("diffing \(fixCommits.count) fixes for SZZ")
        let stream = SignificantDiffStream(miner: miner, ids: knownFixDiffs?.missing(fixCommits) ?? fixCommits)
        input.streamedDiffs = KnownFixDiffs.reader(knownFixDiffs, stream: stream)
        if !branchFixes.isEmpty {
            step?("tracing \(branchFixes.count) fix\(branchFixes.count == 1 ? "" : "es") inside merged branches")
            let start = DispatchTime.now().uptimeNanoseconds
            let builder = builder(attributeFiles: history.mined.attributeFiles)
            let (delivery, exclusions) = (builder.delivery, builder.exclusions)
            var tracer = BranchFixTracer(
                miner: miner, maxFixFiles: builder.delivery.maxFixFiles,
                addOnlyContext: builder.delivery.addOnlyFixContext,
                newerNeighbour: builder.delivery.newerNeighbourLines)
            tracer.known = knownBranchFixTraces
            do {
                var landing: [ObjectID: ObjectID] = [:]
                for change in history.changes {
                    landing[change.commit] = change.commit
                    for id in change.commits where landing[id] == nil { landing[id] = change.commit }
                }
                input.branchFixTraces = try tracer.trace(
                    branchFixes, mainline: Set(history.mined.mainline), landing: landing,
                    commits: history.mined.commits,
                    workers: mining.workers,
                    pathFilter: { DeliveryAnalyzer.tracedPathTest(exclusions: exclusions, delivery: delivery) })
            } catch {
                _ = stream.finish()
                throw error
            }
            timingsBox.entries.withLock {
                $0.append(
                    (
                        "branch fixes (\(branchFixes.count))" + ProcessInfoShim.residentNote,
                        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                    ))
            }
        }
        return (input, stream)
    }

    /// Which changes are reverts and fixes (into `flags`), the commits SZZ traces for the fixes (into
    /// `traced`) and the fix commits inside merged branches it traces on their own (into `branchFixes`); returned, those of them whose diffs SZZ reads (not over `maxFixFiles`) in the order the
    /// ownership pass reaches them (first-parent order, oldest first). Both read each change's messages on its
    /// own, so they run on the mining workers, a slice of changes each (the same result for any number).
    func tracedFixCommits(
        _ history: LandedHistory, flags: inout (reverts: [Bool], fixes: [Bool])?, traced: inout [ObjectID]?,
        branchFixes: inout [ObjectID], slice: Int = 32
    ) throws -> [ObjectID] {
        let changes = history.changes
        let commits = history.mined.commits
        let pullRequestCommits = history.pullRequestCommits
        let delivery = configuration.delivery
        // SZZ leaves out a fix that touches more text files than `maxFixFiles`. Ignoring white space changes
        // no file list, so such a fix's second diff is not computed at all.
        let limit = delivery.maxFixFiles
        @Sendable func diffed(_ ids: [ObjectID]) -> [ObjectID] {
            ids.filter { id in
                let files = commits.record(id, withFiles: true, withHunks: false)?.files ?? []
                return files.lazy.filter { !$0.isBinary }.count <= limit
            }
        }
        // Each change's answer as a store holds it (`knownFixDetection`), or detected on its own on the workers, a
        // slice of changes each (`fixDetection` reads one change at a time: the same answers for any slicing).
        let known = knownFixDetection
        let keys = known.map { _ in
            changes.map { KnownFixDetection.key(of: $0, pullRequestCommits: pullRequestCommits[$0.commit]) }
        }
        var answers =
            keys.map { keys in keys.map { known!.answer(for: $0) } }
            ?? [KnownFixDetection.Answer?](repeating: nil, count: changes.count)
        let missing = answers.indices.filter { answers[$0] == nil }
        let slices = stride(from: 0, to: missing.count, by: slice).map {
            Array(missing[$0..<min($0 + slice, missing.count)])
        }
        let detected = try Parallel.map(
            slices, workers: mining.workers, chunk: 1, context: { DeliveryAnalyzer.MessageRules(delivery) }
        ) { rules, indices in
            indices.map { i in
                let found = rules.fixDetection([changes[i]], commits: commits, pullRequestCommits: pullRequestCommits)
                let answer = KnownFixDetection.Answer(
                    revert: found.reverts[0], fix: found.fixes[0], traced: found.traced, branch: found.branch)
                return (answer, diffed(found.traced))
            }
        }
        var diffedOf: [Int: [ObjectID]] = [:]
        for (indices, found) in zip(slices, detected) {
            for (i, (answer, read)) in zip(indices, found) {
                answers[i] = answer
                diffedOf[i] = read
                if let keys { known?.keep(answer, for: keys[i]) }
            }
        }
        let all = answers.map { $0! }
        branchFixes = all.flatMap(\.branch)
        flags = (all.map(\.revert), all.map(\.fix))
        traced = all.flatMap(\.traced)
        let read = all.indices.flatMap { diffedOf[$0] ?? diffed(all[$0].traced) }
        let position = Dictionary(
            history.mined.mainline.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        return read.sorted { (position[$0] ?? -1) > (position[$1] ?? -1) }
    }

    /// The report for a mined history.
    package func report(for history: LandedHistory) throws -> Report {
        let (i, fixDiffs) = try input(for: history)
        let start = DispatchTime.now().uptimeNanoseconds
        step?("measuring \(history.changes.count) landed changes (ownership, review, rework, defects)")
        var builder = builder(attributeFiles: history.mined.attributeFiles)
        if byAuthor { builder.groups = AuthorView.groups(for: history.changes, base: configuration.groups) }
        var report = builder.build(i)
        let streamed = fixDiffs.finish()
        if let error = streamed.error { throw error }
        timingsBox.entries.withLock {
            $0.append(("fix diffs (\(fixDiffs.count), computed in the report step)", streamed.busySeconds))
        }
        if byAuthor { report = AuthorView.finish(report) }
        if !imports.isEmpty {
            step?("joining imports")
            var last = DispatchTime.now().uptimeNanoseconds
            try ImportedEvidence.apply(
                imports, to: &report, history: history, path: path, searchParents: mining.searchParents,
                window: window
            ) { step in
                let now = DispatchTime.now().uptimeNanoseconds
                timingsBox.entries.withLock { $0.append((step, Double(now - last) / 1e9)) }
                last = now
            }
        }
        timingsBox.entries.withLock {
            $0.append(
                ("report" + ProcessInfoShim.residentNote, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
        }
        step?("")
        return report
    }

    /// Mines and reports.
    package func run(progress: (@Sendable (MiningProgress) -> Void)? = nil) throws -> Report {
        try report(for: landedHistory(progress: progress))
    }
}

extension Concurrency {
    /// With more than one worker, `side` runs on a Dispatch worker thread beside `main`; with one, after it.
    static func workers(_ workers: Int) -> Concurrency {
        guard workers > 1 else { return .sequential }
        return Concurrency { side, main in
            let done = DispatchGroup()
            DispatchQueue.global().async(group: done, execute: side)
            main()
            done.wait()
        }
    }
}

/// Step timings, appended from whichever thread runs the step.
final class TimingLog: Sendable {
    let entries = Mutex<[(String, Double)]>([])
}
