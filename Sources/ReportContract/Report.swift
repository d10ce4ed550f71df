/// The analysis result every reporter renders. Its JSON form is the versioned contract in
/// `docs/json-report.md`; bump `currentSchemaVersion` on any incompatible change.
public struct Report: Codable, Sendable, Equatable {
    public static let currentSchemaVersion = 3

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
    /// What the analysis left out of the figures and by which rule (ADR 0018); nil in reports written before.
    @NullEncoded public var exclusions: Exclusions? = nil
    /// The groups × benchmark matrix every format shows first (Summary.swift); nil in reports written
    /// before it (additive in schema 2).
    public var summary: Summary?

    public struct Tool: Codable, Sendable, Equatable {
        public var name: String
        public var version: String

        public init(name: String, version: String) {
            self.name = name
            self.version = version
        }
    }

    public struct Repository: Codable, Sendable, Equatable {
        /// The path as given on the command line.
        public var path: String
        /// The analysed branch tip.
        public var head: String
        public var branch: String
        public var shallow: Bool

        public init(path: String, head: String, branch: String, shallow: Bool) {
            self.path = path
            self.head = head
            self.branch = branch
            self.shallow = shallow
        }
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
        // Added for issues 16 and 14 (schema 2 unchanged; types in ReportOptions+Provenance.swift).
        /// The imported files (`--builds`, `--coverage`, `--reviews`, yardstick.yml's `imports:`) with their
        /// digests, in the order read; empty without imports.
        @EmptyDefault public var imports: [ImportedFile] = []
        /// The import settings besides the files (formats, notes, trailers, path prefixes); nil when all default.
        @NullEncoded public var importSettings: ImportSettings? = nil
        /// `author` with `--by author` (every author a group of their own); nil for groups.
        @NullEncoded public var by: String? = nil

        public init(
            since: String? = nil, until: String? = nil, config: String? = nil, configDigest: String? = nil,
            window: String? = nil, privacy: String? = nil
        ) {
            self.since = since
            self.until = until
            self.config = config
            self.configDigest = configDigest
            self.window = window
            self.privacy = privacy
        }
    }

    public struct Period: Codable, Sendable, Equatable {
        public var from: String
        public var to: String

        public init(from: String, to: String) {
            self.from = from
            self.to = to
        }
    }

    public struct Group: Codable, Sendable, Equatable {
        public var name: String
        public var authors: [Author]
        /// Keyed by stable camelCase metric names (`prSize`, `landedChanges`, …); empty for a group credited
        /// with no landed change (schema 2).
        public var metrics: [String: Metric]
        /// The same metrics per month or quarter (`--window`), oldest first; nil without `--window`.
        @NullEncoded public var windows: [Window]?

        public init(name: String, authors: [Author], metrics: [String: Metric], windows: [Window]? = nil) {
            self.name = name
            self.authors = authors
            self.metrics = metrics
            self.windows = windows
        }
    }

    public struct Window: Codable, Sendable, Equatable {
        /// `2024-03` or `2024-Q1`.
        public var name: String
        public var from: String
        public var to: String
        public var metrics: [String: Metric]
        /// The analysed period covers only part of the window (it starts or ends inside it): a partial month
        /// or quarter, not comparable with whole ones.
        public var partial: Bool

        public init(name: String, from: String, to: String, metrics: [String: Metric], partial: Bool = false) {
            self.name = name
            self.from = from
            self.to = to
            self.metrics = metrics
            self.partial = partial
        }
    }

    public struct Author: Codable, Sendable, Equatable {
        public var name: String
        public var email: String
        /// The config rule that placed the author (`domain acme.com`, `email x@y`, `bot pattern`).
        public var rule: String
        /// Landed changes credited to this author (as author or co-author).
        public var changes: Int

        public init(name: String, email: String, rule: String, changes: Int) {
            self.name = name
            self.email = email
            self.rule = rule
            self.changes = changes
        }
    }

    public struct Metric: Codable, Sendable, Equatable {
        public enum Source: String, Codable, Sendable {
            /// Counted directly from history.
            case measured
            /// Inferred from history as a stand-in for what history cannot record.
            case proxy
            /// Not available from this run; `needs` says what would provide it.
            case notMeasured
            /// Measured from an imported build, coverage or review export (`--builds`, `--coverage`, `--reviews`).
            case imported = "import"
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

        public init(
            title: String,
            value: Double? = nil,
            unit: String,
            aggregator: String,
            source: Source,
            betterDirection: BetterDirection? = nil,
            benchmark: Benchmark? = nil,
            details: [String: Double],
            needs: String? = nil
        ) {
            self.title = title
            self.value = value
            self.unit = unit
            self.aggregator = aggregator
            self.source = source
            self.betterDirection = betterDirection
            self.benchmark = benchmark
            self.details = details
            self.needs = needs
        }
    }

    public struct Benchmark: Codable, Sendable, Equatable {
        public var row: String
        public var bands: [String]
        @NullEncoded public var position: String?
        public var placement: String

        public init(row: String, bands: [String], position: String? = nil, placement: String) {
            self.row = row
            self.bands = bands
            self.position = position
            self.placement = placement
        }
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

        public init(
            commit: String,
            kind: String,
            number: Int? = nil,
            title: String,
            author: String,
            coAuthors: [String],
            group: String,
            groups: [String],
            commits: [String],
            reviewedDiffs: [DiffRange],
            additions: Int,
            deletions: Int,
            countedAdditions: Int,
            countedDeletions: Int,
            binaryFiles: Int,
            excludedFiles: [ExcludedFile],
            authoredAt: String,
            landedAt: String,
            delivery: ChangeDelivery? = nil
        ) {
            self.commit = commit
            self.kind = kind
            self.number = number
            self.title = title
            self.author = author
            self.coAuthors = coAuthors
            self.group = group
            self.groups = groups
            self.commits = commits
            self.reviewedDiffs = reviewedDiffs
            self.additions = additions
            self.deletions = deletions
            self.countedAdditions = countedAdditions
            self.countedDeletions = countedDeletions
            self.binaryFiles = binaryFiles
            self.excludedFiles = excludedFiles
            self.authoredAt = authoredAt
            self.landedAt = landedAt
            self.delivery = delivery
        }
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
        /// Where SZZ traced the change commit by commit (a series' fix commits, fix commits inside a merged
        /// branch): each traced commit with the changes its own lines blame, oldest first. Absent otherwise.
        public var fixCommits: [TracedFix]?

        public init(
            reviewTurnaroundHours: Double? = nil,
            cycleTimeHours: Double? = nil,
            reviewTurnaroundBusinessHours: Double? = nil,
            turnaroundNote: String? = nil,
            cycleNote: String? = nil,
            reviewers: [String],
            unreviewed: Bool,
            branchCommits: Int? = nil,
            fixupCommits: Int? = nil,
            changedLines: Int,
            reworkOwnLines: Int,
            reworkOthersLines: Int,
            addedLines: Int,
            rewrittenAfterLanding: Int,
            discardedOnBranch: Int? = nil,
            majorRework: Bool,
            isFix: Bool,
            isRevert: Bool,
            blames: [Blame],
            blamedBy: [String],
            revertedBy: String? = nil,
            revertedInWindow: Bool,
            escapedDefect: Bool,
            touchesTests: Bool,
            testLines: Int,
            codeLines: Int,
            adrsAdded: [String],
            fixCommits: [TracedFix]? = nil
        ) {
            self.reviewTurnaroundHours = reviewTurnaroundHours
            self.cycleTimeHours = cycleTimeHours
            self.reviewTurnaroundBusinessHours = reviewTurnaroundBusinessHours
            self.turnaroundNote = turnaroundNote
            self.cycleNote = cycleNote
            self.reviewers = reviewers
            self.unreviewed = unreviewed
            self.branchCommits = branchCommits
            self.fixupCommits = fixupCommits
            self.changedLines = changedLines
            self.reworkOwnLines = reworkOwnLines
            self.reworkOthersLines = reworkOthersLines
            self.addedLines = addedLines
            self.rewrittenAfterLanding = rewrittenAfterLanding
            self.discardedOnBranch = discardedOnBranch
            self.majorRework = majorRework
            self.isFix = isFix
            self.isRevert = isRevert
            self.blames = blames
            self.blamedBy = blamedBy
            self.revertedBy = revertedBy
            self.revertedInWindow = revertedInWindow
            self.escapedDefect = escapedDefect
            self.touchesTests = touchesTests
            self.testLines = testLines
            self.codeLines = codeLines
            self.adrsAdded = adrsAdded
            self.fixCommits = fixCommits
        }
    }

    /// A commit SZZ traced on its own inside a change, and the changes its lines blame.
    public struct TracedFix: Codable, Sendable, Equatable {
        public var commit: String
        public var blames: [Blame]

        public init(commit: String, blames: [Blame]) {
            self.commit = commit
            self.blames = blames
        }
    }

    public struct Blame: Codable, Sendable, Equatable {
        public var commit: String
        public var lines: Int

        public init(commit: String, lines: Int) {
            self.commit = commit
            self.lines = lines
        }
    }

    public struct DiffRange: Codable, Sendable, Equatable {
        /// Null for the empty tree.
        @NullEncoded public var base: String?
        public var tip: String

        public init(base: String? = nil, tip: String) {
            self.base = base
            self.tip = tip
        }
    }

    public struct ExcludedFile: Codable, Sendable, Equatable {
        public var path: String
        public var reason: String
        public var additions: Int
        public var deletions: Int

        public init(path: String, reason: String, additions: Int, deletions: Int) {
            self.path = path
            self.reason = reason
            self.additions = additions
            self.deletions = deletions
        }
    }

    public init(
        schemaVersion: Int,
        tool: Tool,
        repository: Repository,
        options: Options,
        period: Period? = nil,
        groups: [Group],
        bots: [Author],
        pullRequests: [PullRequest],
        notes: [String],
        summary: Summary? = nil
    ) {
        self.schemaVersion = schemaVersion
        self.tool = tool
        self.repository = repository
        self.options = options
        self.period = period
        self.groups = groups
        self.bots = bots
        self.pullRequests = pullRequests
        self.notes = notes
        self.summary = summary
    }
}

// MARK: - Exclusions and partial windows (ADR 0018)

extension Report {
    /// What the figures leave out: integration merges (kept out of PR size and the per-PR metrics) and the
    /// files each exclusion rule kept out of counted sizes.
    public struct Exclusions: Codable, Sendable, Equatable {
        /// Landed changes of kind `integration`.
        public var integrationMerges: Int
        /// One entry per rule that left a file out, by files then rule.
        public var files: [ExclusionRule]

        public init(integrationMerges: Int, files: [ExclusionRule]) {
            self.integrationMerges = integrationMerges
            self.files = files
        }
    }

    /// One exclusion rule's effect over every landed change.
    public struct ExclusionRule: Codable, Sendable, Equatable {
        /// The reason the excluded files carry (`vendored (deps/)`, `lock file`, `.gitattributes linguist-generated`).
        public var rule: String
        /// Distinct paths it left out.
        public var files: Int
        /// Lines added plus deleted it left out, summed over the landed changes.
        public var lines: Int
        /// Landed changes with a file it left out.
        public var changes: Int

        public init(rule: String, files: Int, lines: Int, changes: Int) {
            self.rule = rule
            self.files = files
            self.lines = lines
            self.changes = changes
        }
    }
}

extension Report.Window {
    private enum Keys: String, CodingKey { case name, from, to, metrics, partial }

    /// Reports written before `partial` existed read as whole windows.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name), from: try c.decode(String.self, forKey: .from),
            to: try c.decode(String.self, forKey: .to),
            metrics: try c.decode([String: Report.Metric].self, forKey: .metrics),
            partial: try c.decodeIfPresent(Bool.self, forKey: .partial) ?? false)
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

extension KeyedEncodingContainer {
    /// A `NullEncoded` property is written in place, as its value or `null`: the same bytes as its own
    /// `encode(to:)`, without the nested encoder `JSONEncoder` makes for every wrapped value (about a tenth of the
    /// JSON report's encoding time).
    public mutating func encode<Value>(_ value: NullEncoded<Value>, forKey key: Key) throws {
        if let wrapped = value.wrappedValue { try encode(wrapped, forKey: key) } else { try encodeNil(forKey: key) }
    }
}

extension KeyedDecodingContainer {
    /// A missing key decodes as nil for `NullEncoded` properties.
    public func decode<Value>(_ type: NullEncoded<Value>.Type, forKey key: Key) throws -> NullEncoded<Value> {
        NullEncoded(wrappedValue: try decodeIfPresent(Value.self, forKey: key))
    }
}
