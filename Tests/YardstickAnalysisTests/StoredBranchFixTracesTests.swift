import Foundation
import HistoryMetrics
import HistoryMining
import HistoryModel
import HistoryParsing
import TestSupport
import Testing
import YardstickAnalysis
import YardstickConfig

/// The branch-fix traces a store keeps (`KnownBranchFixTraces`, ADR 0019 section 10): a kept trace is taken for
/// the same fix, target, candidate files, add-only context and newer-neighbour lines instead of traced again, every trace a run takes or
/// makes is kept, and the encoding gives back every field, `ownWork` too.
@Suite struct StoredBranchFixTracesTests {
    static func id(_ n: Int) -> ObjectID { ObjectID(high: UInt64(n), middle: 7, low: 9) }

    static let traces: [KnownBranchFixTraces.Key: BranchFixTrace] = pending.reduce(into: [:]) { out, entry in
        // The fix of id(3) corrects its own change's work.
        out[entry.key] = BranchFixTrace(fix: entry.key.fix, pending: entry.value, ownWork: entry.key.fix == id(3))
    }

    static let pending: [KnownBranchFixTraces.Key: [BranchFixTrace.Pending]] = [
        KnownBranchFixTraces.Key(
            fix: id(1), target: id(2), paths: ["src/a.c", "src/ü b.c"], addOnlyContext: 1, newerNeighbour: 1): [
                BranchFixTrace.Pending(
                    commit: id(2),
                    files: [
                        BranchFixTrace.FileRanges(
                            path: "src/a.c",
                            ranges: [
                                BranchFixTrace.LineRange(start: 3, count: 2),
                                BranchFixTrace.LineRange(start: 9, count: 1),
                            ]),
                        BranchFixTrace.FileRanges(
                            path: "src/ü b.c", ranges: [BranchFixTrace.LineRange(start: 1, count: 7)],
                            context: [BranchFixTrace.LineRange(start: 12, count: 2)],
                            neighbourhoods: [
                                BranchFixTrace.Neighbourhood(
                                    lines: [], around: [BranchFixTrace.LineRange(start: 11, count: 1)]),
                                BranchFixTrace.Neighbourhood(
                                    lines: [BranchFixTrace.LineRange(start: 20, count: 3)],
                                    around: [
                                        BranchFixTrace.LineRange(start: 19, count: 1),
                                        BranchFixTrace.LineRange(start: 23, count: 1),
                                    ]),
                            ]),
                    ])
            ],
        // Traced, with nothing left (every line written by the fix's own change).
        KnownBranchFixTraces.Key(fix: id(3), target: id(2), paths: ["x"], addOnlyContext: 0, newerNeighbour: 1): [],
        KnownBranchFixTraces.Key(fix: id(1), target: id(4), paths: ["src/a.c"], addOnlyContext: 1, newerNeighbour: 1):
            [],
        KnownBranchFixTraces.Key(fix: id(1), target: id(4), paths: ["src/a.c"], addOnlyContext: 1, newerNeighbour: 0):
            [],
    ]

    @Test func encodingRoundTrips() throws {
        let blob = KnownBranchFixTraces.encode(Self.traces, revision: 7)
        #expect(KnownBranchFixTraces.decode(blob, revision: 7) == Self.traces)
        #expect(Self.traces.values.count(where: \.ownWork) == 1)
        #expect(KnownBranchFixTraces.encode(Self.traces, revision: 7) == blob)
        #expect(KnownBranchFixTraces.decode(KnownBranchFixTraces.encode([:], revision: 7), revision: 7) == [:])
        // Traces another analysis revision made are not used.
        #expect(KnownBranchFixTraces.decode(blob, revision: 8) == nil)
        var damaged = blob
        damaged[damaged.count / 2] ^= 0x10
        #expect(KnownBranchFixTraces.decode(damaged, revision: 7) == nil)
        #expect(KnownBranchFixTraces.decode(Array(blob.dropLast()), revision: 7) == nil)
        #expect(KnownBranchFixTraces.decode([1, 2, 3], revision: 7) == nil)
    }

    @Test func keptTracesAreTakenAndEveryTraceIsKept() {
        let key = Array(Self.traces.keys).sorted { $0.addOnlyContext < $1.addOnlyContext }[0]
        let known = KnownBranchFixTraces([key: BranchFixTrace(fix: key.fix)])
        #expect(known.trace(for: key) == BranchFixTrace(fix: key.fix))
        var other = key
        other.addOnlyContext += 1
        #expect(known.trace(for: other) == nil)
        #expect(Self.counts(known) == [1, 0])
        // Only what was taken: unchanged, nothing to write.
        #expect(known.next == nil)
        let made = BranchFixTrace(fix: other.fix, pending: [BranchFixTrace.Pending(commit: Self.id(5), files: [])])
        known.keep(made, for: other)
        #expect(Self.counts(known) == [1, 1])
        #expect(known.next == [key: BranchFixTrace(fix: key.fix), other: made])
        // A kept trace no fix of this run asked for is dropped.
        let stale = KnownBranchFixTraces(Self.traces)
        #expect(stale.next == [:])
    }

    static func counts(_ known: KnownBranchFixTraces) -> [Int] { [known.reuse.kept, known.reuse.traced] }

    static func traces(_ analysis: Analysis) throws -> [BranchFixTrace] {
        let history = try analysis.landedHistory()
        let (input, diffs) = try analysis.input(for: history)
        _ = diffs.finish()
        return input.branchFixTraces
    }

    /// On the `branchfix` sample: a second run takes every trace the first made, and gets the same traces; a kept
    /// trace is what the run uses (a changed one shows through); another add-only context or exclusion traces the
    /// fixes whose key it changes, and those only, with the traces of a run that keeps nothing.
    @Test func aRunTakesTheTracesTheLastOneMade() throws {
        let repo = SampleRepositories.path("branchfix")
        var analysis = Analysis(path: repo, mining: MiningOptions(workers: 2))
        let plain = try Self.traces(analysis)
        #expect(plain.count == 4 && plain.contains { !$0.pending.isEmpty })
        // `Cache: fix expiry check` replaces only a line its own branch wrote (sample-repos/README.md).
        #expect(plain.filter(\.ownWork).map { String($0.fix.description.prefix(7)) } == ["f5ba173"])

        let first = KnownBranchFixTraces()
        analysis.knownBranchFixTraces = first
        #expect(try Self.traces(analysis) == plain)
        #expect(Self.counts(first) == [0, 4])
        let kept = try #require(first.next)
        #expect(kept.count == 4)

        let second = KnownBranchFixTraces(kept)
        analysis.knownBranchFixTraces = second
        #expect(try Self.traces(analysis) == plain)
        #expect(Self.counts(second) == [4, 0])
        #expect(second.next == nil)

        // The run uses what is kept (here altered) rather than tracing again.
        var altered = kept
        let (key, trace) = try #require(kept.first { !$0.value.pending.isEmpty })
        altered[key] = BranchFixTrace(
            fix: key.fix, pending: [BranchFixTrace.Pending(commit: trace.pending[0].commit, files: [])])
        analysis.knownBranchFixTraces = KnownBranchFixTraces(altered)
        let used = try Self.traces(analysis)
        #expect(used.first { $0.fix == key.fix } == altered[key])

        // A run with other options and the kept traces: the traces of that run without them, and the counts of
        // traces kept and made, and what it keeps.
        func withKept(_ change: (inout Analysis) -> Void) throws -> (plain: [BranchFixTrace], counts: [Int], next: Int?)
        {
            var variant = analysis
            change(&variant)
            variant.knownBranchFixTraces = nil
            let variantPlain = try Self.traces(variant)
            let known = KnownBranchFixTraces(kept)
            variant.knownBranchFixTraces = known
            #expect(try Self.traces(variant) == variantPlain)
            return (variantPlain, Self.counts(known), known.next?.count)
        }
        // Another add-only context, or another reach of the newer neighbour: every key changes, so every fix is
        // traced again.
        let wider = try withKept { $0.configuration.delivery.addOnlyFixContext = 2 }
        #expect(wider.counts == [0, 4])
        #expect(wider.plain != plain)
        let nearer = try withKept { $0.configuration.delivery.newerNeighbourLines = 0 }
        #expect(nearer.counts == [0, 4])
        #expect(nearer.plain != plain)

        // Cache.swift excluded: the fix to it has no file left to trace, the two to Net.swift keep their traces.
        let excluded = try withKept { $0.configuration.exclusions.extraPatterns = [Glob("Sources/Core/Cache.swift")] }
        #expect(excluded.counts == [2, 0])
        #expect(excluded.next == 2)
    }

    /// A store written by an earlier analysis revision (2: before a fix whose replaced lines blame nothing blamed
    /// its context, and before fix commits inside merged branches had the newer neighbour; 3: before a merge
    /// whose own title is a fix had its branch's fix commits traced too; 4: before a squash's pull-request
    /// commits needed a `Fixes: <id>` line to make it a fix; 5: before issue lines counted only under some
    /// subjects; 6: before a commit that changes only documentation was no fix; 7: before a subject that opens by
    /// updating something to a version was no fix; 8: before a line that only names issues made no fix; 9: before
    /// issues named in parentheses in a subject and the word CI were read as fixes; 10: before a fix commit inside a
    /// merged branch that corrects its own change's work made no claim; 11: before a commit that changes only CI
    /// files was no fix): its traces
    /// are not read, every fix is traced again, and what this revision keeps is read by the next run.
    @Test(arguments: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
    func tracesOfAnEarlierRevisionAreTracedAgain(_ earlier: Int) throws {
        #expect(Analysis.revision == 12)
        let dir = FileManager.default.temporaryDirectory.path + "/yardstick-traces-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var analysis = Analysis(path: SampleRepositories.path("branchfix"), mining: MiningOptions(workers: 2))
        let plain = try Self.traces(analysis)
        let store = try StoreOpener.open(dir + "/s.sqlite", busyTimeout: 5, rebuild: false, environment: [:])
        let session = try StoreSession(store: store, analysis: analysis)
        func run(saving revision: Int?) throws -> [Int] {
            let known = try session.storedBranchFixTraces()
            analysis.knownBranchFixTraces = known
            #expect(try Self.traces(analysis) == plain)
            if let revision { try session.saveBranchFixTraces(known, revision: revision) }
            return Self.counts(known)
        }
        #expect(try run(saving: earlier) == [0, 4])
        // What the earlier revision kept: traced again, not taken.
        #expect(try run(saving: Analysis.revision) == [0, 4])
        #expect(try run(saving: nil) == [4, 0])
    }
}
