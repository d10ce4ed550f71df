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
    @NullEncoded public var period: Period?
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
        @NullEncoded public var since: String?
        @NullEncoded public var until: String?
        /// The configuration file used, as given; nil for the default grouping by e-mail domain.
        @NullEncoded public var config: String?
        /// `sha256:<hex>` of the configuration file's bytes; nil without one.
        @NullEncoded public var configDigest: String? = nil
        /// The `--window` given (`month`, `quarter`); nil without.
        @NullEncoded public var window: String? = nil
        /// `pseudonyms` or `groups` when people were taken out of the report (`--pseudonymize`, `--privacy`).
        @NullEncoded public var privacy: String? = nil
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
        @NullEncoded public var windows: [Window]?
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
        @NullEncoded public var value: Double?
        public var unit: String
        /// How the value aggregates per-change values: `mean`, `median`, `share`, `count`.
        public var aggregator: String
        public var source: Source
        @NullEncoded public var betterDirection: BetterDirection?
        /// The benchmark row and the value's placement, for metrics the table has.
        @NullEncoded public var benchmark: Benchmark?
        /// Further figures: `median`, `p90`, `count`, per-kind counts.
        public var details: [String: Double]
        /// For unmeasured metrics: what would provide the number.
        @NullEncoded public var needs: String?
    }

    public struct Benchmark: Codable, Sendable, Equatable {
        public var row: String
        public var bands: [String]
        @NullEncoded public var position: String?
        public var placement: String
    }

    public struct PullRequest: Codable, Sendable, Equatable {
        public var commit: String
        public var kind: String
        @NullEncoded public var number: Int?
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
        @NullEncoded public var delivery: ChangeDelivery?
    }

    /// What the delivery analysis found about one landed change (ChangeFacts, with commits for indexes).
    public struct ChangeDelivery: Codable, Sendable, Equatable {
        @NullEncoded public var reviewTurnaroundHours: Double?
        @NullEncoded public var cycleTimeHours: Double?
        @NullEncoded public var reviewTurnaroundBusinessHours: Double?
        @NullEncoded public var turnaroundNote: String?
        /// Why cycle time has no value (`negative span`, `absurd span`); null otherwise.
        @NullEncoded public var cycleNote: String?
        public var reviewers: [String]
        public var unreviewed: Bool
        @NullEncoded public var branchCommits: Int?
        @NullEncoded public var fixupCommits: Int?
        public var changedLines: Int
        public var reworkOwnLines: Int
        public var reworkOthersLines: Int
        public var addedLines: Int
        public var rewrittenAfterLanding: Int
        @NullEncoded public var discardedOnBranch: Int?
        public var majorRework: Bool
        public var isFix: Bool
        public var isRevert: Bool
        /// For a fix or revert: the landed changes it blames, with the lines traced to each (0 when named by
        /// the message: a revert, or a `Fixes: <id>` line).
        public var blames: [Blame]
        /// The fixes and reverts that blame this change (their landing commits).
        public var blamedBy: [String]
        @NullEncoded public var revertedBy: String?
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
        @NullEncoded public var base: String?
        public var tip: String
    }

    public struct ExcludedFile: Codable, Sendable, Equatable {
        public var path: String
        public var reason: String
        public var additions: Int
        public var deletions: Int
    }
}

/// Optional fields of the JSON contract are written as `null`, never left out: synthesized `Codable` would
/// skip them. Reading accepts a missing key as nil.
@propertyWrapper
public struct NullEncoded<Value: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var wrappedValue: Value?

    public init(wrappedValue: Value?) {
        self.wrappedValue = wrappedValue
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : try container.decode(Value.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}

extension KeyedDecodingContainer {
    /// A missing key decodes as nil for `NullEncoded` properties.
    public func decode<Value>(_ type: NullEncoded<Value>.Type, forKey key: Key) throws -> NullEncoded<Value> {
        NullEncoded(wrappedValue: try decodeIfPresent(Value.self, forKey: key))
    }
}
