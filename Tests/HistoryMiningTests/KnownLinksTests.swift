import Foundation
import HistoryModel
import TestSupport
import Testing

@testable import HistoryMining

/// A store's links and painted side branches (`KnownLinks`, ADR 0019): their encoding, and mining with the links
/// of an older tip gives exactly what mining without them gives, reading only the commits the older tip lacks.
@Suite struct KnownLinksTests {
    static func id(_ n: Int) -> ObjectID { ObjectID(high: UInt64(n), middle: UInt64(n) << 8, low: UInt32(n)) }

    static let sample = KnownLinks.Contents(
        links: [
            id(1): (id(101), [], 10), id(2): (id(102), [id(1)], -5), id(3): (id(103), [id(2), id(1)], 1 << 40),
        ],
        sides: [
            id(3): [KnownLinks.Side(tip: id(1), mergeBase: id(1), commits: [])],
            id(9): [
                KnownLinks.Side(tip: id(4), mergeBase: nil, commits: [id(4), id(5)]),
                KnownLinks.Side(tip: id(6), mergeBase: id(2), commits: [id(6)]),
            ],
        ])

    @Test func encodingRoundTripsAndIsDeterministic() throws {
        let bytes = Self.sample.encode()
        #expect(KnownLinks.Contents(encoded: bytes) == Self.sample)
        #expect(Self.sample.encode() == bytes)
        // 4 magic + 8 count + 3 × (20 + 20 + 8 + 8) + 3 × 20 parents + 8 count + 2 × (20 + 8) + 3 × (20 + 1 + 20 + 8)
        // + 3 × 20 commits + 8 checksum.
        #expect(bytes.count == 4 + 8 + 3 * 56 + 60 + 8 + 2 * 28 + 3 * 49 + 60 + 8)
        #expect(KnownLinks.Contents(encoded: KnownLinks.Contents().encode()) == KnownLinks.Contents())
    }

    @Test func damagedBytesAreRefused() {
        let bytes = Self.sample.encode()
        for i in [0, 5, 20, bytes.count / 2, bytes.count - 9, bytes.count - 1] {
            var damaged = bytes
            damaged[i] ^= 0x40
            #expect(KnownLinks.Contents(encoded: damaged) == nil, "byte \(i)")
        }
        #expect(KnownLinks.Contents(encoded: Array(bytes.dropLast())) == nil)
        #expect(KnownLinks.Contents(encoded: []) == nil)
        #expect(KnownLinks.Contents(encoded: Array("YSL1".utf8)) == nil)
    }

    /// The step timing of the links phase: commits walked and commits read.
    static func walked(_ mined: MinedHistory) -> (walked: Int, read: Int, painted: Int)? {
        let links = mined.timings.map(\.0).first { $0.hasPrefix("links (") }
        let paint = mined.timings.map(\.0).first { $0.hasPrefix("merge bases and branches (") }
        let numbers = { (s: String?) in
            s.map { $0.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) } } ?? []
        }
        let l = numbers(links)
        let p = numbers(paint)
        guard l.count >= 2, !p.isEmpty else { return nil }
        return (l[0], l[1], p[0])
    }

    static func records(_ mined: MinedHistory) -> [ObjectID: CommitRecord] {
        Dictionary(uniqueKeysWithValues: mined.commits.ids.map { ($0, mined.commits[$0]!) })
    }

    static func count(_ arguments: [String], in repo: String) -> Int {
        Int(
            Command.run("/usr/bin/git", ["-C", repo] + arguments).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        )
            ?? -1
    }

    @Test(arguments: ["github-merge", "delivery", "rebase"])
    func miningWithAnOlderTipsLinksEqualsMiningWithout(sample: String) throws {
        let repo = SampleRepositories.path(sample)
        let back = min(4, Self.count(["rev-list", "--first-parent", "--count", "HEAD"], in: repo) - 1)
        var older = MiningOptions(workers: 2)
        older.branch = "HEAD~\(back)"
        let plain = try Miner(path: repo, options: MiningOptions(workers: 2)).mine()

        // No links: everything is read and painted, and the result is the plain one.
        let first = KnownLinks(KnownLinks.Contents())
        let oldMined = try Miner(path: repo, options: older).mine(reusing: nil, links: first)
        let oldPlain = try Miner(path: repo, options: older).mine()
        #expect(oldMined.mainline == oldPlain.mainline)
        #expect(Self.records(oldMined) == Self.records(oldPlain))
        let all = Self.count(["rev-list", "--count", "HEAD~\(back)"], in: repo)
        let oldMerges = Self.count(["rev-list", "--first-parent", "--merges", "--count", "HEAD~\(back)"], in: repo)
        let steps = try #require(Self.walked(oldMined))
        #expect(steps.walked == all && steps.read == all && steps.painted == oldMerges)
        let kept = try #require(first.current)
        #expect(kept.links.count == all && kept.sides.count == oldMerges)

        // The older tip's links at the tip: only the new commits are read, only the new merges painted.
        let second = KnownLinks(try #require(KnownLinks.Contents(encoded: kept.encode())))
        let mined = try Miner(path: repo, options: MiningOptions(workers: 2)).mine(reusing: nil, links: second)
        #expect(mined.mainline == plain.mainline)
        #expect(Self.records(mined) == Self.records(plain))
        let newSteps = try #require(Self.walked(mined))
        #expect(newSteps.walked == Self.count(["rev-list", "--count", "HEAD"], in: repo))
        #expect(newSteps.read == Self.count(["rev-list", "--count", "HEAD~\(back)..HEAD"], in: repo))
        #expect(
            newSteps.painted
                == Self.count(["rev-list", "--first-parent", "--merges", "--count", "HEAD~\(back)..HEAD"], in: repo))

        // Nothing new: nothing read or painted, and nothing to keep.
        let third = KnownLinks(try #require(second.current))
        let again = try Miner(path: repo, options: MiningOptions(workers: 2)).mine(reusing: nil, links: third)
        #expect(Self.records(again) == Self.records(plain))
        let againSteps = try #require(Self.walked(again))
        #expect(againSteps.read == 0 && againSteps.painted == 0)
        #expect(third.current == nil)

        // Back at the older tip (a branch reset, as a force-push leaves it): nothing read, and what is kept is what
        // the older tip reaches, not the newer commits.
        let fourth = KnownLinks(try #require(second.current))
        let reset = try Miner(path: repo, options: older).mine(reusing: nil, links: fourth)
        #expect(Self.records(reset) == Self.records(oldPlain))
        #expect(Self.walked(reset)?.read == 0 && Self.walked(reset)?.painted == 0)
        #expect(fourth.current == kept)
    }

    /// A stored side that does not match the merge's parents (a damaged or foreign state) is painted again.
    @Test func aSideThatDoesNotMatchTheMergeIsPaintedAgain() throws {
        let repo = SampleRepositories.path("github-merge")
        let first = KnownLinks(KnownLinks.Contents())
        let plain = try Miner(path: repo, options: MiningOptions(workers: 2)).mine(reusing: nil, links: first)
        var kept = try #require(first.current)
        let merge = try #require(kept.sides.keys.sorted().first)
        kept.sides[merge] = [KnownLinks.Side(tip: Self.id(7), mergeBase: nil, commits: [])]
        let again = try Miner(path: repo, options: MiningOptions(workers: 2)).mine(
            reusing: nil, links: KnownLinks(kept))
        #expect(Self.records(again) == Self.records(plain))
        #expect(Self.walked(again)?.painted == 1)
    }
}
