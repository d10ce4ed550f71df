public import HistoryModel

/// The analysis result every reporter renders. Its JSON form is the versioned contract in
/// `docs/json-report.md`; bump `currentSchemaVersion` on any incompatible change.
public struct Report: Codable, Sendable, Equatable {
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var tool: Tool
    public var repository: Repository
    public var options: Options
    /// Landed time of the oldest and newest change analysed; nil when there are none.
    public var period: Period?
    public var groups: [Group]
    /// Bot identities set apart from the groups, with their landed changes.
    public var bots: [Author]
    public var pullRequests: [PullRequest]
    /// Warnings and caveats a reader must see (shallow history, proxies, unmeasured rows).
    public var notes: [String]

    public struct Tool: Codable, Sendable, Equatable {
        public var name: String
        public var version: String
    }

    public struct Repository: Codable, Sendable, Equatable {
        /// The path as given on the command line.
        public var path: String
        /// The analysed branch tip.
        public var head: String
        public var branch: String
        public var shallow: Bool
    }

    public struct Options: Codable, Sendable, Equatable {
        public var since: String?
        public var until: String?
        /// The configuration file used, as given; nil for the default grouping by e-mail domain.
        public var config: String?
    }

    public struct Period: Codable, Sendable, Equatable {
        public var from: String
        public var to: String
    }

    public struct Group: Codable, Sendable, Equatable {
        public var name: String
        public var authors: [Author]
        /// Keyed by stable camelCase metric names (`prSize`, `landedChanges`, …).
        public var metrics: [String: Metric]
        /// The same metrics per month or quarter (`--window`), oldest first; nil without `--window`.
        public var windows: [Window]?
    }

    public struct Window: Codable, Sendable, Equatable {
        /// `2024-03` or `2024-Q1`.
        public var name: String
        public var from: String
        public var to: String
        public var metrics: [String: Metric]
    }

    public struct Author: Codable, Sendable, Equatable {
        public var name: String
        public var email: String
        /// The config rule that placed the author (`domain acme.com`, `email x@y`, `bot pattern`).
        public var rule: String
        /// Landed changes credited to this author (as author or co-author).
        public var changes: Int
    }

    public struct Metric: Codable, Sendable, Equatable {
        public enum Source: String, Codable, Sendable {
            /// Counted directly from history.
            case measured
            /// Inferred from history as a stand-in for what history cannot record.
            case proxy
            /// Not available from this run; `needs` says what would provide it.
            case notMeasured
        }

        public var title: String
        /// Null when not measured (or no change to measure).
        public var value: Double?
        public var unit: String
        /// How the value aggregates per-change values: `mean`, `median`, `share`, `count`.
        public var aggregator: String
        public var source: Source
        public var betterDirection: BetterDirection?
        /// The benchmark row and the value's placement, for metrics the table has.
        public var benchmark: Benchmark?
        /// Further figures: `median`, `p90`, `count`, per-kind counts.
        public var details: [String: Double]
        /// For unmeasured metrics: what would provide the number.
        public var needs: String?
    }

    public struct Benchmark: Codable, Sendable, Equatable {
        public var row: String
        public var bands: [String]
        public var position: String?
        public var placement: String
    }

    public struct PullRequest: Codable, Sendable, Equatable {
        public var commit: String
        public var kind: String
        public var number: Int?
        public var title: String
        public var author: String
        public var coAuthors: [String]
        /// The author's group (`bots` for a bot).
        public var group: String
        /// Every group credited (the author's and co-authors').
        public var groups: [String]
        public var commits: [String]
        public var reviewedDiffs: [DiffRange]
        public var additions: Int
        public var deletions: Int
        public var countedAdditions: Int
        public var countedDeletions: Int
        public var binaryFiles: Int
        public var excludedFiles: [ExcludedFile]
        public var authoredAt: String
        public var landedAt: String
        /// Review, rework, defect and test facts; nil when delivery metrics were not computed.
        public var delivery: ChangeDelivery?
    }

    /// What the delivery analysis found about one landed change (ChangeFacts, with commits for indexes).
    public struct ChangeDelivery: Codable, Sendable, Equatable {
        public var reviewTurnaroundHours: Double?
        public var cycleTimeHours: Double?
        public var reviewTurnaroundBusinessHours: Double?
        public var turnaroundNote: String?
        /// Why cycle time has no value (`negative span`, `absurd span`); null otherwise.
        public var cycleNote: String?
        public var reviewers: [String]
        public var unreviewed: Bool
        public var branchCommits: Int?
        public var fixupCommits: Int?
        public var changedLines: Int
        public var reworkOwnLines: Int
        public var reworkOthersLines: Int
        public var addedLines: Int
        public var rewrittenAfterLanding: Int
        public var discardedOnBranch: Int?
        public var majorRework: Bool
        public var isFix: Bool
        public var isRevert: Bool
        /// For a fix or revert: the landed changes it blames, with the lines traced to each (0 when named by
        /// the message: a revert, or a `Fixes: <id>` line).
        public var blames: [Blame]
        /// The fixes and reverts that blame this change (their landing commits).
        public var blamedBy: [String]
        public var revertedBy: String?
        /// Reverted within the defect window.
        public var revertedInWindow: Bool
        public var escapedDefect: Bool
        public var touchesTests: Bool
        public var testLines: Int
        public var codeLines: Int
        public var adrsAdded: [String]

        public init(_ f: ChangeFacts, changes: [LandedChange]) {
            func r(_ v: Double?) -> Double? { v.map { Statistics.round($0) } }
            reviewTurnaroundHours = r(f.reviewTurnaroundHours)
            cycleTimeHours = r(f.cycleTimeHours)
            reviewTurnaroundBusinessHours = r(f.reviewTurnaroundBusinessHours)
            turnaroundNote = f.turnaroundNote
            cycleNote = f.cycleNote
            reviewers = f.reviewers.map(\.description)
            unreviewed = f.unreviewed
            branchCommits = f.branchCommits
            fixupCommits = f.fixupCommits
            changedLines = f.changedLines
            reworkOwnLines = f.reworkOwnLines
            reworkOthersLines = f.reworkOthersLines
            addedLines = f.addedLines
            rewrittenAfterLanding = f.rewrittenAfterLanding
            discardedOnBranch = f.discardedOnBranch
            majorRework = f.majorRework
            isFix = f.isFix
            isRevert = f.isRevert
            blames = f.blames.keys.sorted().map { Blame(commit: changes[$0].commit.hex, lines: f.blames[$0] ?? 0) }
            blamedBy = f.blamedBy.map { changes[$0].commit.hex }
            revertedBy = f.revertedBy.map { changes[$0].commit.hex }
            revertedInWindow = f.revertedInWindow
            escapedDefect = f.escapedDefect
            touchesTests = f.touchesTests
            testLines = f.testLines
            codeLines = f.codeLines
            adrsAdded = f.adrsAdded
        }
    }

    public struct Blame: Codable, Sendable, Equatable {
        public var commit: String
        public var lines: Int
    }

    public struct DiffRange: Codable, Sendable, Equatable {
        /// Null for the empty tree.
        public var base: String?
        public var tip: String
    }

    public struct ExcludedFile: Codable, Sendable, Equatable {
        public var path: String
        public var reason: String
        public var additions: Int
        public var deletions: Int
    }
}

// Optional fields are part of the contract: they are written as `null`, never left out.

extension Report {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(schemaVersion, forKey: .schemaVersion)
        try c.encode(tool, forKey: .tool)
        try c.encode(repository, forKey: .repository)
        try c.encode(options, forKey: .options)
        try c.encode(period, forKey: .period)
        try c.encode(groups, forKey: .groups)
        try c.encode(bots, forKey: .bots)
        try c.encode(pullRequests, forKey: .pullRequests)
        try c.encode(notes, forKey: .notes)
    }
}

extension Report.Options {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(since, forKey: .since)
        try c.encode(until, forKey: .until)
        try c.encode(config, forKey: .config)
    }
}

extension Report.Metric {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(title, forKey: .title)
        try c.encode(value, forKey: .value)
        try c.encode(unit, forKey: .unit)
        try c.encode(aggregator, forKey: .aggregator)
        try c.encode(source, forKey: .source)
        try c.encode(betterDirection, forKey: .betterDirection)
        try c.encode(benchmark, forKey: .benchmark)
        try c.encode(details, forKey: .details)
        try c.encode(needs, forKey: .needs)
    }
}

extension Report.Benchmark {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(row, forKey: .row)
        try c.encode(bands, forKey: .bands)
        try c.encode(position, forKey: .position)
        try c.encode(placement, forKey: .placement)
    }
}

extension Report.PullRequest {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(commit, forKey: .commit)
        try c.encode(kind, forKey: .kind)
        try c.encode(number, forKey: .number)
        try c.encode(title, forKey: .title)
        try c.encode(author, forKey: .author)
        try c.encode(coAuthors, forKey: .coAuthors)
        try c.encode(group, forKey: .group)
        try c.encode(groups, forKey: .groups)
        try c.encode(commits, forKey: .commits)
        try c.encode(reviewedDiffs, forKey: .reviewedDiffs)
        try c.encode(additions, forKey: .additions)
        try c.encode(deletions, forKey: .deletions)
        try c.encode(countedAdditions, forKey: .countedAdditions)
        try c.encode(countedDeletions, forKey: .countedDeletions)
        try c.encode(binaryFiles, forKey: .binaryFiles)
        try c.encode(excludedFiles, forKey: .excludedFiles)
        try c.encode(authoredAt, forKey: .authoredAt)
        try c.encode(landedAt, forKey: .landedAt)
        try c.encode(delivery, forKey: .delivery)
    }
}

extension Report.Group {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(authors, forKey: .authors)
        try c.encode(metrics, forKey: .metrics)
        try c.encode(windows, forKey: .windows)
    }
}

extension Report.ChangeDelivery {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(reviewTurnaroundHours, forKey: .reviewTurnaroundHours)
        try c.encode(cycleTimeHours, forKey: .cycleTimeHours)
        try c.encode(reviewTurnaroundBusinessHours, forKey: .reviewTurnaroundBusinessHours)
        try c.encode(turnaroundNote, forKey: .turnaroundNote)
        try c.encode(cycleNote, forKey: .cycleNote)
        try c.encode(reviewers, forKey: .reviewers)
        try c.encode(unreviewed, forKey: .unreviewed)
        try c.encode(branchCommits, forKey: .branchCommits)
        try c.encode(fixupCommits, forKey: .fixupCommits)
        try c.encode(changedLines, forKey: .changedLines)
        try c.encode(reworkOwnLines, forKey: .reworkOwnLines)
        try c.encode(reworkOthersLines, forKey: .reworkOthersLines)
        try c.encode(addedLines, forKey: .addedLines)
        try c.encode(rewrittenAfterLanding, forKey: .rewrittenAfterLanding)
        try c.encode(discardedOnBranch, forKey: .discardedOnBranch)
        try c.encode(majorRework, forKey: .majorRework)
        try c.encode(isFix, forKey: .isFix)
        try c.encode(isRevert, forKey: .isRevert)
        try c.encode(blames, forKey: .blames)
        try c.encode(blamedBy, forKey: .blamedBy)
        try c.encode(revertedBy, forKey: .revertedBy)
        try c.encode(revertedInWindow, forKey: .revertedInWindow)
        try c.encode(escapedDefect, forKey: .escapedDefect)
        try c.encode(touchesTests, forKey: .touchesTests)
        try c.encode(testLines, forKey: .testLines)
        try c.encode(codeLines, forKey: .codeLines)
        try c.encode(adrsAdded, forKey: .adrsAdded)
    }
}

extension Report.DiffRange {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(base, forKey: .base)
        try c.encode(tip, forKey: .tip)
    }
}
