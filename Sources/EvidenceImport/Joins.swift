public import HistoryModel

/// A landed change as the joins see it: the commits that identify it and the groups it is credited to.
public struct ChangeRef: Sendable, Equatable {
    /// The landing commit (merge, squash, Gerrit submit, newest of a rebase group).
    public var commit: ObjectID
    /// Every commit of the change (a merge's branch commits; a rebase group's commits).
    public var commits: [ObjectID]
    public var number: Int?
    public var groups: [String]

    public init(commit: ObjectID, commits: [ObjectID], number: Int?, groups: [String]) {
        self.commit = commit
        self.commits = commits
        self.number = number
        self.groups = groups
    }
}

/// Finds the landed change a commit id or a PR number belongs to.
public struct ChangeIndex: Sendable {
    public let changes: [ChangeRef]
    private var byCommit: [ObjectID: Int] = [:]
    private var byNumber: [Int: Int] = [:]

    /// A commit belongs to a change when it is the change's landing commit or one of its commits. When two
    /// changes hold the same commit (a commit merged twice), the older change keeps it. A number belongs to
    /// the change history names it for; a number named twice is left out (ambiguous).
    public init(changes: [ChangeRef]) {
        self.changes = changes
        var ambiguous: Set<Int> = []
        for (i, c) in changes.enumerated() {
            for id in [c.commit] + c.commits where byCommit[id] == nil { byCommit[id] = i }
            if let n = c.number {
                if byNumber[n] != nil { ambiguous.insert(n) } else { byNumber[n] = i }
            }
        }
        for n in ambiguous { byNumber[n] = nil }
    }

    public func change(commit: ObjectID) -> Int? { byCommit[commit] }
    public func change(number: Int) -> Int? { byNumber[number] }

    /// Adds a pull request's branch head (from a review export) as a commit of the change it joined, so a
    /// build of a squashed branch's head finds its change.
    public mutating func add(commit: ObjectID, to change: Int) {
        if byCommit[commit] == nil { byCommit[commit] = change }
    }
}

// MARK: - Builds

public struct BuildJoin: Sendable, Equatable {
    /// Builds per change index, duplicates removed, kept as counts (`ChangeBuilds`), not records.
    public var perChange: [Int: ChangeBuilds] = [:]
    /// Records read, and the repeats left out (the same run in two files or twice in one).
    public var records = 0
    public var duplicates = 0
    /// Builds whose commit and PR number match no analysed change (another branch, outside the range).
    public var unmatched = 0
    /// Builds whose record names no commit (a Jenkins build without git data).
    public var withoutCommit = 0
    /// Of the joined builds, those joined by their pull request's head branch and time (`BuildJoiner.addBranch`).
    public var joinedByBranch = 0

    public init() {}

    /// The tally over the builds of these changes.
    public func tally(changes: some Sequence<Int>) -> BuildTally {
        changes.reduce(into: BuildTally()) { sum, c in
            if let t = perChange[c]?.tally { sum.add(t) }
        }
    }
}

public struct BuildTally: Sendable, Equatable {
    public var success = 0, failure = 0, cancelled = 0, skipped = 0, pending = 0, other = 0
    /// First attempts of each (commit, pipeline).
    public var firstSuccess = 0, firstFailure = 0
    /// Pipelines whose first attempt is not in the export (only a re-run is).
    public var firstUnknown = 0

    public init() {}

    public var total: Int { success + failure + cancelled + skipped + pending + other }
    /// successful / (successful + failed), in %; nil when neither.
    public var successRate: Double? { Evidence.percent(success, of: success + failure) }
    public var firstAttemptSuccessRate: Double? { Evidence.percent(firstSuccess, of: firstSuccess + firstFailure) }

    mutating func add(_ t: BuildTally) {
        success += t.success
        failure += t.failure
        cancelled += t.cancelled
        skipped += t.skipped
        pending += t.pending
        other += t.other
        firstSuccess += t.firstSuccess
        firstFailure += t.firstFailure
        firstUnknown += t.firstUnknown
    }
}

/// The builds of one change, counted as they arrive: outcomes, and per (commit, pipeline) the candidate for
/// its first attempt. Memory grows with the change's pipelines, not with its builds.
public struct ChangeBuilds: Sendable, Equatable {
    struct Pipeline: Hashable, Sendable {
        var commit: ObjectID?
        var pullRequest: Int?
        var name: String
    }

    /// The first attempt of one pipeline so far: where the source counts attempts, the record with attempt 1
    /// (the smallest key if several); else the earliest-started (then the smallest key).
    struct First: Equatable, Sendable {
        var numbered = false
        var attemptOne: (key: String, outcome: BuildOutcome)?
        var earliest: (startedAt: Int64, key: String, outcome: BuildOutcome)?

        static func == (a: First, b: First) -> Bool {
            a.numbered == b.numbered && a.attemptOne?.key == b.attemptOne?.key
                && a.attemptOne?.outcome == b.attemptOne?.outcome && a.earliest?.key == b.earliest?.key
                && a.earliest?.startedAt == b.earliest?.startedAt && a.earliest?.outcome == b.earliest?.outcome
        }

        var outcome: BuildOutcome? { numbered ? attemptOne?.outcome : earliest?.outcome }
    }

    var counts = BuildTally()
    var firsts: [Pipeline: First] = [:]

    public init() {}

    /// Builds counted.
    public var count: Int { counts.total }

    public mutating func add(_ b: BuildRecord) {
        switch b.outcome {
        case .success: counts.success += 1
        case .failure: counts.failure += 1
        case .cancelled: counts.cancelled += 1
        case .skipped: counts.skipped += 1
        case .pending: counts.pending += 1
        case .other: counts.other += 1
        }
        let pipeline = Pipeline(commit: b.commit, pullRequest: b.commit == nil ? b.pullRequest : nil, name: b.pipeline)
        var f = firsts[pipeline] ?? First()
        if b.attempt != nil { f.numbered = true }
        if b.attempt == 1, f.attemptOne.map({ b.key < $0.key }) ?? true { f.attemptOne = (b.key, b.outcome) }
        let started = b.startedAt ?? Int64.max
        if f.earliest.map({ (started, b.key) < ($0.startedAt, $0.key) }) ?? true {
            f.earliest = (started, b.key, b.outcome)
        }
        firsts[pipeline] = f
    }

    /// Outcomes, and the outcome of the first attempt of each (commit, pipeline).
    public var tally: BuildTally {
        var t = counts
        for f in firsts.values {
            switch f.outcome {
            case .success: t.firstSuccess += 1
            case .failure: t.firstFailure += 1
            case nil: t.firstUnknown += 1
            default: break
            }
        }
        return t
    }
}

/// Joins builds to changes one at a time, as a file is streamed. A run exported twice is recognised by a
/// 128-bit digest of its key (two 64-bit FNV-1a hashes), so memory holds 16 bytes per distinct record
/// rather than the record.
public struct BuildJoiner: Sendable {
    public let index: ChangeIndex
    public private(set) var join = BuildJoin()
    private var seen: Set<KeyDigest> = []
    private var branches: [String: [(from: Int64, to: Int64, change: Int)]] = [:]

    struct KeyDigest: Hashable, Sendable {
        var a: UInt64
        var b: UInt64

        init(_ key: String) {
            var a: UInt64 = 0xcbf2_9ce4_8422_2325
            var b: UInt64 = 0x6c62_272e_07bb_0142
            for byte in key.utf8 {
                a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
                b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_0193
            }
            self.a = a
            self.b = b ^ UInt64(key.utf8.count)
        }
    }

    public init(index: ChangeIndex) { self.index = index }

    /// A landed pull request's head branch, open from `from` to `to` (ms since the epoch): a
    /// `pull_request` run of that branch created in that span, whose commit and number join nothing (a push
    /// the squash and the history no longer hold), joins `change`. A run two such spans contain joins
    /// neither (a branch name reused, forks' branches of one name).
    public mutating func addBranch(_ name: String, from: Int64, to: Int64, change: Int) {
        guard from <= to else { return }
        branches[name, default: []].append((from, to, change))
    }

    /// By commit id first (any commit of the change, or its landing commit), else by PR number. A duplicate
    /// (same key) is counted once.
    public mutating func add(_ b: BuildRecord) {
        join.records += 1
        guard seen.insert(KeyDigest(b.key)).inserted else {
            join.duplicates += 1
            return
        }
        if let c = b.commit.flatMap(index.change(commit:)) ?? b.pullRequest.flatMap(index.change(number:)) {
            join.perChange[c, default: ChangeBuilds()].add(b)
        } else if let branch = b.pullRequestBranch, let at = b.startedAt,
            let spans = branches[branch]?.filter({ $0.from <= at && at <= $0.to }), spans.count == 1
        {
            join.perChange[spans[0].change, default: ChangeBuilds()].add(b)
            join.joinedByBranch += 1
        } else if b.commit == nil && b.pullRequest == nil {
            join.withoutCommit += 1
        } else {
            join.unmatched += 1
        }
    }
}

public enum Evidence {
    static func percent(_ part: Int, of whole: Int) -> Double? { whole == 0 ? nil : Double(part) / Double(whole) * 100 }

    /// Joins builds to changes (`BuildJoiner` over all of them).
    public static func joinBuilds(_ builds: [BuildRecord], index: ChangeIndex) -> BuildJoin {
        var joiner = BuildJoiner(index: index)
        for b in builds { joiner.add(b) }
        return joiner.join
    }

    /// Counts outcomes, and the outcome of the first attempt of each (commit, pipeline): the record with
    /// attempt 1 where the source counts attempts (none with attempt 1: unknown), else the earliest-started.
    public static func tally(_ builds: [BuildRecord]) -> BuildTally {
        var c = ChangeBuilds()
        for b in builds { c.add(b) }
        return c.tally
    }

    // MARK: - Coverage

    public struct CoverageTally: Sendable, Equatable {
        public var instrumented = 0
        public var covered = 0
        public init(instrumented: Int = 0, covered: Int = 0) {
            self.instrumented = instrumented
            self.covered = covered
        }
        public var rate: Double? { percent(covered, of: instrumented) }
    }

    public static func overall(_ files: [FileCoverage]) -> CoverageTally {
        files.reduce(into: CoverageTally()) {
            $0.instrumented += $1.instrumented
            $0.covered += $1.covered
        }
    }

    /// Turns a coverage report's file path into a repository path: first the configured prefixes (the
    /// first that matches is removed), then a leading `./`; if the result is not a tracked file, the
    /// longest trailing part of the path that is one (`/home/ci/build/app/src/a.c` → `src/a.c`).
    public struct PathMapper: Sendable {
        public var stripPrefixes: [String]
        public init(stripPrefixes: [String] = []) { self.stripPrefixes = stripPrefixes }

        public func map(_ path: String, tracked: (String) -> Bool) -> String? {
            var p = path.replacingBackslashes()
            if let prefix = stripPrefixes.first(where: { p.hasPrefix($0) }) { p.removeFirst(prefix.count) }
            while p.hasPrefix("./") { p.removeFirst(2) }
            while p.hasPrefix("/") && !tracked(p) { p.removeFirst() }
            if tracked(p) { return p }
            var parts = p.split(separator: "/")
            while parts.count > 1 {
                parts.removeFirst()
                let candidate = parts.joined(separator: "/")
                if tracked(candidate) { return candidate }
            }
            return nil
        }
    }

    public struct CoverageByGroup: Sendable, Equatable {
        public var groups: [String: CoverageTally] = [:]
        /// Instrumented lines of matched files whose writer is no analysed change (older than the range,
        /// a bot's, or past the end of the file as the history has it).
        public var unattributed = CoverageTally()
        /// Report files that match no tracked path, and their instrumented lines.
        public var unmatchedFiles = 0
        public var unmatchedLines = 0
        /// Lines of files reported without per-line data (llvm-cov's export): in the overall figure only.
        public var summaryOnlyLines = 0

        public init() {}
    }

    /// Per group: of the instrumented lines at the analysed commit, those last written by a change credited
    /// to the group, and how many are covered. `origins(path)` gives the writer of each line (the line
    /// ownership behind `yardstick blame`, an index per line, negative for unknown); `groups(origin)` the
    /// groups credited for that writer (empty when it is no analysed change).
    public static func coverageByGroup(
        _ files: [FileCoverage], mapper: PathMapper, tracked: (String) -> Bool, origins: (String) -> [Int32]?,
        groups: (Int32) -> [String]
    ) -> CoverageByGroup {
        var out = CoverageByGroup()
        for file in files {
            guard file.summary == nil else {
                out.summaryOnlyLines += file.instrumented
                continue
            }
            guard let path = mapper.map(file.path, tracked: tracked), let lines = origins(path) else {
                out.unmatchedFiles += 1
                out.unmatchedLines += file.instrumented
                continue
            }
            for (line, hits) in file.lines {
                let credited = line >= 1 && line <= lines.count && lines[line - 1] >= 0 ? groups(lines[line - 1]) : []
                if credited.isEmpty {
                    out.unattributed.instrumented += 1
                    if hits > 0 { out.unattributed.covered += 1 }
                }
                for g in credited {
                    out.groups[g, default: CoverageTally()].instrumented += 1
                    if hits > 0 { out.groups[g, default: CoverageTally()].covered += 1 }
                }
            }
        }
        return out
    }

    // MARK: - Reviews

    public struct ReviewFigures: Sendable, Equatable {
        /// Opened (or marked ready) → first review or comment by someone other than the author who is not a
        /// bot, in hours; nil without such a response or an opening time.
        public var turnaroundHours: Double?
        /// The response came before the opening time (clock skew, a backdated import): left out, counted.
        public var negativeSpan: Bool
        /// Comments by others who are not bots: conversation and inline comments, GitLab notes, and reviews
        /// with a written body; Gerrit's `Comments-Total` where that is all there is.
        public var comments: Int
        /// Distinct other, non-bot people who reviewed, approved or commented.
        public var reviewers: Int
        /// Distinct approvers (GitHub `APPROVED`, GitLab approval notes, Gerrit `Code-Review+2`).
        public var approvals: Int

        public init(turnaroundHours: Double?, negativeSpan: Bool, comments: Int, reviewers: Int, approvals: Int) {
            self.turnaroundHours = turnaroundHours
            self.negativeSpan = negativeSpan
            self.comments = comments
            self.reviewers = reviewers
            self.approvals = approvals
        }
    }

    public static func figures(_ pr: PullRequestReview) -> ReviewFigures {
        let author = pr.author?.lowercased()
        let others = pr.events.filter { !$0.isBot && $0.author.lowercased() != author }
        let first = others.map(\.at).min()
        var turnaround: Double?
        var negative = false
        if let opened = pr.openedAt, let first {
            if first < opened { negative = true } else { turnaround = Double(first - opened) / 3_600_000 }
        }
        let comments = others.filter { $0.kind == .comment || $0.hasBody }.count
        var reviewers = Set(others.map { $0.author.lowercased() })
        var approvers = Set(others.filter { $0.state == "APPROVED" }.map { $0.author.lowercased() })
        for v in pr.voters { reviewers.insert(v.lowercased()) }
        for a in pr.approvers { approvers.insert(a.lowercased()) }
        return ReviewFigures(
            turnaroundHours: turnaround, negativeSpan: negative,
            comments: pr.events.isEmpty ? (pr.commentCount ?? comments) : comments,
            reviewers: reviewers.count, approvals: approvers.count)
    }

    public struct ReviewJoin: Sendable, Equatable {
        public var perChange: [Int: PullRequestReview] = [:]
        public var records = 0
        /// Pull requests that match no analysed change (not merged, another branch, outside the range).
        public var unmatched = 0
        /// Records that reached a change another record had reached first, and were merged into it (Gerrit notes
        /// on several commits of one change, a pull request in two exports): `records` is `perChange.count` plus
        /// `merged` plus `unmatched`.
        public var merged = 0

        public init() {}
    }

    /// Joins pull requests to changes by landed commit first, else by number. Two records that reach one
    /// change are merged.
    public static func joinReviews(_ prs: [PullRequestReview], index: ChangeIndex) -> ReviewJoin {
        var join = ReviewJoin()
        for pr in prs {
            join.records += 1
            let c =
                pr.landedCommits.lazy.compactMap(index.change(commit:)).first
                ?? (pr.number > 0 ? index.change(number: pr.number) : nil)
            guard let c else {
                join.unmatched += 1
                continue
            }
            if join.perChange[c] == nil {
                join.perChange[c] = pr
            } else {
                join.perChange[c]?.absorb(pr)
                join.merged += 1
            }
        }
        return join
    }

    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    public static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }
}

extension String {
    fileprivate func replacingBackslashes() -> String { String(map { $0 == "\\" ? "/" : $0 }) }
}
