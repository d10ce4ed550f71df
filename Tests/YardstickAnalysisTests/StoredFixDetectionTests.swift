import HistoryMetrics
import HistoryMining
import HistoryModel
import TestSupport
import Testing
import YardstickAnalysis

/// The fix-detection answers a store keeps (`KnownFixDetection`, ADR 0019 section 13): a change whose key is held
/// is not detected again, the others are and are kept, the encoding gives back every field, and a run that takes
/// every answer finds what a run without them finds.
@Suite struct StoredFixDetectionTests {
    static func id(_ n: Int) -> ObjectID { ObjectID(high: UInt64(n), middle: 3, low: 5) }

    static let answers: [KnownFixDetection.Key: KnownFixDetection.Answer] = [
        KnownFixDetection.Key(landing: id(1), digest: 7): KnownFixDetection.Answer(
            revert: false, fix: true, traced: [id(1)], branch: []),
        KnownFixDetection.Key(landing: id(2), digest: 1 << 63): KnownFixDetection.Answer(
            revert: true, fix: false, traced: [], branch: []),
        KnownFixDetection.Key(landing: id(3), digest: 0): KnownFixDetection.Answer(
            revert: false, fix: true, traced: [id(3)], branch: [id(4), id(5)]),
    ]

    @Test func encodingRoundTrips() {
        let blob = KnownFixDetection.encode(Self.answers, revision: 7)
        #expect(KnownFixDetection.decode(blob, revision: 7) == Self.answers)
        #expect(KnownFixDetection.encode(Self.answers, revision: 7) == blob)
        #expect(KnownFixDetection.decode(KnownFixDetection.encode([:], revision: 7), revision: 7) == [:])
        // Answers another analysis revision found are not used.
        #expect(KnownFixDetection.decode(blob, revision: 8) == nil)
        var damaged = blob
        damaged[damaged.count / 2] ^= 0x10
        #expect(KnownFixDetection.decode(damaged, revision: 7) == nil)
        #expect(KnownFixDetection.decode([1, 2, 3], revision: 7) == nil)
    }

    /// A change's key reads its kind, commits, title and pull-request commits; its landing commit is the key's own.
    @Test func aKeyChangesWithWhatDetectionReads() {
        let who = Identity(name: "A", email: "a@example.com")
        let change = LandedChange(
            kind: .merge, number: 3, commit: Self.id(1), commits: [Self.id(2), Self.id(3)], author: who,
            coAuthors: [], title: "Fix the parser", authoredAt: 0, landedAt: 0, reviewedDiffs: [], files: [])
        let key = KnownFixDetection.key(of: change, pullRequestCommits: nil)
        #expect(key == KnownFixDetection.key(of: change, pullRequestCommits: nil))
        #expect(key.landing == Self.id(1))
        var other = change
        other.kind = .integration
        #expect(KnownFixDetection.key(of: other, pullRequestCommits: nil) != key)
        other = change
        other.commits = [Self.id(3), Self.id(2)]
        #expect(KnownFixDetection.key(of: other, pullRequestCommits: nil) != key)
        other = change
        other.title = "Add the parser"
        #expect(KnownFixDetection.key(of: other, pullRequestCommits: nil) != key)
        #expect(KnownFixDetection.key(of: change, pullRequestCommits: []) != key)
        #expect(KnownFixDetection.key(of: change, pullRequestCommits: [Self.id(9)]) != key)
        // Other people or sizes do not change what detection reads.
        other = change
        other.author = Identity(name: "B", email: "b@example.com")
        other.landedAt = 99
        #expect(KnownFixDetection.key(of: other, pullRequestCommits: nil) == key)
    }

    static func detection(_ analysis: Analysis) throws -> [String] {
        let history = try analysis.landedHistory()
        let (input, diffs) = try analysis.input(for: history)
        _ = diffs.finish()
        let flags = try #require(input.revertsAndFixes)
        return [
            "\(flags.reverts)", "\(flags.fixes)", "\(input.tracedCommits ?? [])",
            "\(input.branchFixTraces.map(\.fix))",
        ]
    }

    /// On samples with merged branches, squashes with pull-request heads and reverts: a run with an empty store
    /// detects every change and finds what a run without it finds; a second run takes every answer and detects
    /// none; a held answer is what the run uses (a changed one shows through).
    @Test(arguments: ["branchfix", "squash", "delivery", "rebase", "applied"])
    func aRunTakesTheAnswersTheLastOneFound(_ sample: String) throws {
        var analysis = Analysis(path: SampleRepositories.path(sample), mining: MiningOptions(workers: 2))
        let plain = try Self.detection(analysis)

        let first = KnownFixDetection()
        analysis.knownFixDetection = first
        #expect(try Self.detection(analysis) == plain)
        let kept = try #require(first.next())
        #expect(first.detected == kept.count && kept.count > 1)

        let second = KnownFixDetection(kept)
        analysis.knownFixDetection = second
        #expect(try Self.detection(analysis) == plain)
        #expect(second.detected == 0)
        #expect(second.next() == nil)

        // The run uses what is held: a change held as a revert is one.
        var altered = kept
        let (key, answer) = try #require(kept.first { !$0.value.revert })
        altered[key] = KnownFixDetection.Answer(revert: true, fix: false, traced: [], branch: [])
        analysis.knownFixDetection = KnownFixDetection(altered)
        let used = try Self.detection(analysis)
        #expect(used != plain)
        #expect(answer.revert == false)
    }

    /// The rules are the state's context: other options (here CI files counted as the product's) read none of the
    /// answers kept under the defaults.
    @Test func theRulesNameTheContext() {
        var options = DeliveryOptions()
        let defaults = DeliveryAnalyzer.MessageRules.context(options)
        #expect(defaults.hasPrefix("revision \(DeliveryAnalyzer.revision)\n"))
        #expect(DeliveryAnalyzer.MessageRules.context(DeliveryOptions()) == defaults)
        options.ciPatterns = []
        #expect(DeliveryAnalyzer.MessageRules.context(options) != defaults)
        options = DeliveryOptions()
        options.issueLinesMakeFixes = true
        #expect(DeliveryAnalyzer.MessageRules.context(options) != defaults)
        options = DeliveryOptions()
        options.maxFixFiles += 1  // decides only which fixes are diffed, after detection
        #expect(DeliveryAnalyzer.MessageRules.context(options) == defaults)
    }
}
