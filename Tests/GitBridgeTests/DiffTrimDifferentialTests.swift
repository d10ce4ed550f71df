import Foundation
import HistoryModel
import TestSupport
import Testing

@testable import GitBridge

/// The trim planner (`Sources/CDiffTrim`) against plain xdiff through `git_diff_blobs` on whole texts: on every
/// blob pair of the sample repositories and on seeded random edits, a counts-only trimmed diff gives the same
/// line counts, and an exact trimmed diff the same hunks; and every commit's diff is the same with the planner
/// and without it (the fallback for another libgit2).
@Suite struct DiffTrimDifferentialTests {
    static let repositories = ["delivery", "forges", "gerrit", "github-merge", "rebase", "squash"]

    /// Every blob of a sample repository, by the path it was first seen at (`git rev-list --objects --all`).
    static func blobsByPath(_ repository: String) -> [String: [ObjectID]] {
        let path = SampleRepositories.path(repository)
        let listing = Command.run(
            "/usr/bin/env", ["git", "-C", path, "rev-list", "--objects", "--all", "--filter=object:type=blob"])
        precondition(listing.status == 0, listing.stderr)
        let entries = listing.stdout.split(separator: "\n").compactMap { line -> (String, String)? in
            let parts = line.split(separator: " ", maxSplits: 1)
            return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
        }
        var out: [String: [ObjectID]] = [:]
        for (hex, file) in entries {
            // Commits are listed without a path; trees are filtered out.
            guard let id = ObjectID(hex: hex) else { continue }
            out[file, default: []].append(id)
        }
        return out
    }

    func counts(_ hunks: [Hunk]) -> (Int, Int) {
        (hunks.reduce(0) { $0 + Int($1.oldCount) }, hunks.reduce(0) { $0 + Int($1.newCount) })
    }

    /// What the planner did with the pairs: trimmed (counts only / exact) or left whole.
    struct Tally: Equatable {
        var pairs = 0
        var countsTrimmed = 0
        var exactTrimmed = 0
    }

    /// Compares both trimmed diffs of one pair with xdiff on the whole texts.
    func check(
        _ differ: TreeDiffer, _ o: UnsafeRawBufferPointer, _ n: UnsafeRawBufferPointer, _ label: String,
        _ tally: inout Tally
    )
        throws(GitError)
    {
        tally.pairs += 1
        let whole = try differ.hunks(o, n)
        if let trimmed = try differ.trimmedHunks(o, n) {
            tally.countsTrimmed += 1
            #expect(counts(trimmed) == counts(whole), "\(label): counts-only trim \(trimmed) against \(whole)")
        }
        if let exact = try differ.exactTrimmedHunks(o, n) {
            tally.exactTrimmed += 1
            #expect(exact == whole, "\(label): exact trim \(exact) against \(whole)")
        }
    }

    @Test(arguments: repositories)
    func everyBlobPairOfASampleRepository(_ name: String) throws {
        let repository = try Repository(path: SampleRepositories.path(name))
        let differ = try TreeDiffer(repository: repository, trimPlanner: true)
        var tally = Tally()
        for (path, ids) in Self.blobsByPath(name).sorted(by: { $0.key < $1.key }) where ids.count > 1 {
            let contents = try ids.map { id throws(GitError) in
                try TreeDiffer.Content(id: id, mode: 0o100644, repository: repository)
            }
            for (i, a) in contents.enumerated() where !a.isBinary {
                for (j, b) in contents.enumerated() where i != j && !b.isBinary {
                    try a.withBytes { (o: UnsafeRawBufferPointer) throws(GitError) in
                        try b.withBytes { (n: UnsafeRawBufferPointer) throws(GitError) in
                            try check(differ, o, n, "\(name) \(path) \(ids[i].hex)..\(ids[j].hex)", &tally)
                        }
                    }
                }
            }
        }
        // How many pairs each repository has, and how many the planner trimmed (so that the comparisons above
        // compared something): measured once, fixed by the deterministic sample repositories.
        let expected: [String: Tally] = [
            "delivery": Tally(pairs: 144, countsTrimmed: 122, exactTrimmed: 0),
            "forges": Tally(pairs: 4, countsTrimmed: 4, exactTrimmed: 0),
            "gerrit": Tally(pairs: 14, countsTrimmed: 10, exactTrimmed: 0),
            "github-merge": Tally(pairs: 44, countsTrimmed: 38, exactTrimmed: 2),
            "rebase": Tally(pairs: 8, countsTrimmed: 8, exactTrimmed: 0),
            "squash": Tally(pairs: 16, countsTrimmed: 12, exactTrimmed: 2),
        ]
        #expect(tally == expected[name])
    }

    /// Every commit against its first parent, and every commit against every older first-parent commit's
    /// tree, with the planner and without: the same files, counts and (where hunks are exact) hunks.
    @Test(arguments: repositories)
    func everyCommitDiffIsTheSameWithoutThePlanner(_ name: String) throws {
        let path = SampleRepositories.path(name)
        let repository = try Repository(path: path)
        let planned = try TreeDiffer(repository: repository, trimPlanner: true)
        let plain = try TreeDiffer(repository: repository, trimPlanner: false)
        let plannedBlame = try TreeDiffer(repository: repository, blameHunks: true, trimPlanner: true)
        let plainBlame = try TreeDiffer(repository: repository, blameHunks: true, trimPlanner: false)
        let plannedSignificant = try TreeDiffer(
            repository: repository, cache: DiffCache(), significantLinesOnly: true, trimPlanner: true)
        let plainSignificant = try TreeDiffer(
            repository: repository, cache: DiffCache(), significantLinesOnly: true, trimPlanner: false)
        let commits = Command.run("/usr/bin/env", ["git", "-C", path, "rev-list", "--all"]).stdout
            .split(separator: "\n").compactMap { ObjectID(hex: String($0)) }
        #expect(!commits.isEmpty)
        var compared = 0
        for (k, tip) in commits.enumerated() {
            for base in commits[(k + 1)...].prefix(8) {
                let exact = try planned.diff(base: base, tip: tip)
                #expect(exact == (try plain.diff(base: base, tip: tip)), "\(name) \(base.hex)..\(tip.hex)")
                #expect(
                    (try plannedBlame.diff(base: base, tip: tip)) == (try plainBlame.diff(base: base, tip: tip)),
                    "\(name) blame hunks \(base.hex)..\(tip.hex)")
                #expect(
                    (try plannedSignificant.diff(base: base, tip: tip))
                        == (try plainSignificant.diff(base: base, tip: tip)),
                    "\(name) significant lines \(base.hex)..\(tip.hex)")
                let countsOnly = try planned.diff(base: base, tip: tip, countsOnly: true)
                let reference = try plain.diff(base: base, tip: tip, countsOnly: true)
                #expect(countsOnly.map(\.path) == reference.map(\.path))
                #expect(
                    countsOnly.map { [$0.additions, $0.deletions] } == reference.map { [$0.additions, $0.deletions] })
                compared += 1
            }
        }
        #expect(compared > 0)
    }

    /// Long texts of few distinct lines (xdiff's "frequent" class decides much), edited in many places, so that
    /// counts-only diffs also reach the edit-distance limit (`YARDSTICK_TRIM_SPANS_IF_EXACT`).
    static func frequentLine(_ g: inout CountsOnlyTrimmingTests.Generator) -> String {
        switch g.below(8) {
        case 0, 1, 2: return "\n"
        case 3: return "\t}\n"
        case 4: return "\t\tcontinue;\n"
        case 5: return "v\(g.below(40))\n"
        default: return "unique \(g.below(100_000))\n"
        }
    }

    @Test func seededRandomEditsOfFrequentLines() throws {
        let differ = try TreeDiffer(
            repository: try Repository(path: SampleRepositories.path("gerrit")), trimPlanner: true)
        let pairs = CountsOnlyTrimmingTests.randomEdits(
            seed: 0x5EA1_2026, rounds: 1_500, sizes: [60, 700, 3_000], edits: 40, run: 25, line: Self.frequentLine)
        var tally = Tally()
        for (round, pair) in pairs.enumerated() {
            try pair.old.withUnsafeBytes { o in
                try pair.new.withUnsafeBytes { n in try check(differ, o, n, "pair \(round)", &tally) }
            }
        }
        #expect(tally == Tally(pairs: 1_496, countsTrimmed: 136, exactTrimmed: 81))
    }

    /// Blame hunks (`TreeDiffer(blameHunks:)`): git blame trims the common tail before xdiff; the exact trim of
    /// the texts that trimming leaves gives xdiff's hunks on them whole, as `hunks` computes them.
    @Test func blameHunksFromTheExactTrimOfTheTailTrimmedTexts() throws {
        let differ = try TreeDiffer(
            repository: try Repository(path: SampleRepositories.path("gerrit")), blameHunks: true, trimPlanner: true)
        let pairs = CountsOnlyTrimmingTests.randomEdits(
            seed: 0xB1A3_2026, rounds: 1_500, sizes: [60, 700, 3_000], edits: 6, run: 25, line: Self.frequentLine)
        var (tailTrimmed, exactTrimmed) = (0, 0)
        for (round, pair) in pairs.enumerated() {
            try pair.old.withUnsafeBytes { o in
                try pair.new.withUnsafeBytes { n in
                    let whole = try differ.hunks(o, n)
                    let tail = DiffTrimming.commonTail(o, n)
                    if tail > 0 { tailTrimmed += 1 }
                    let exact = try differ.exactTrimmedHunks(
                        UnsafeRawBufferPointer(rebasing: o[..<(o.count - tail)]),
                        UnsafeRawBufferPointer(rebasing: n[..<(n.count - tail)]))
                    if let exact {
                        exactTrimmed += 1
                        #expect(exact == whole, "pair \(round): \(exact) against \(whole)")
                    }
                }
            }
        }
        #expect(pairs.count == 1_486)
        #expect(tailTrimmed == 633)
        #expect(exactTrimmed == 347)
    }

    /// Lines that differ in white space only (indentation, spaces inside and at the end, blank lines with
    /// spaces), so that equal lines are often not equal bytes.
    static func spacedLine(_ g: inout CountsOnlyTrimmingTests.Generator) -> String {
        switch g.below(12) {
        case 0, 1: return "\n"
        case 2: return "  \n"
        case 3: return "\t}\n"
        case 4: return "    }\n"
        case 5: return "\tx = \(g.below(20));\n"
        case 6: return "\tx  =  \(g.below(20)); \n"
        case 7: return "        x = \(g.below(20));\t\n"
        case 8: return "\t\tcontinue;\n"
        case 9: return "\t\tcontinue;\r\n"
        default: return "unique \(g.below(100_000))\n"
        }
    }

    /// White-space-insensitive hunks (`significantLinesOnly`, as SZZ diffs fixes): the planner comparing lines as
    /// xdiff does with `GIT_DIFF_IGNORE_WHITESPACE_CHANGE` gives, wherever it trims, xdiff's hunks on the whole
    /// texts, blank changes left out as xdiff leaves them out.
    @Test func significantHunksFromTheExactTrimAreXdiffsOnTheWholeTexts() throws {
        let differ = try TreeDiffer(
            repository: try Repository(path: SampleRepositories.path("gerrit")), significantLinesOnly: true,
            trimPlanner: true)
        var exactTrimmed = 0
        var pairs = 0
        for (seed, line) in [
            (UInt64(0x5A11_2026), Self.spacedLine), (UInt64(0x5A12_2026), Self.frequentLine),
        ] {
            let drawn = CountsOnlyTrimmingTests.randomEdits(
                seed: seed, rounds: 1_500, sizes: [60, 700, 3_000], edits: 6, run: 25, line: line)
            pairs += drawn.count
            for (round, pair) in drawn.enumerated() {
                try pair.old.withUnsafeBytes { o in
                    try pair.new.withUnsafeBytes { n in
                        let whole = try differ.hunks(o, n)
                        if let exact = try differ.exactTrimmedHunks(o, n) {
                            exactTrimmed += 1
                            #expect(exact == whole, "seed \(seed) pair \(round): \(exact) against \(whole)")
                        }
                    }
                }
            }
        }
        #expect(pairs == 2_986)
        #expect(exactTrimmed == 815)
    }

    /// A middle line whose white-space variants fill the common lines far from the change: xdiff, ignoring white
    /// space, counts them as its occurrences, so on the whole texts the line is frequent and discarded between
    /// unique lines (one hunk), while in the trimmed texts it is matched (two hunks). The planner must count
    /// it as xdiff does and refuse the trim; counted by its bytes, it would accept it and give two hunks.
    @Test func whiteSpaceVariantsInTheCommonLinesDecideAMiddleLinesClass() throws {
        let differ = try TreeDiffer(
            repository: try Repository(path: SampleRepositories.path("gerrit")), significantLinesOnly: true,
            trimPlanner: true)
        let prefix = (0..<150).map { "\t}\np\($0)\n" }.joined() + (0..<70).map { "m\($0)\n" }.joined()
        let suffix = (0..<70).map { "s\($0)\n" }.joined()
        // xdl_clean_mmatch discards a frequent line between runs of unmatched ones when they outnumber it enough.
        let unique = { (side: String) in (0..<5).map { "\(side)\($0)\n" }.joined() }
        let old = Array((prefix + unique("a") + "  }\n" + unique("b") + suffix).utf8)
        let new = Array((prefix + unique("c") + "  }\n" + unique("d") + suffix).utf8)
        let (whole, trimmed) = try old.withUnsafeBytes { o in
            try new.withUnsafeBytes { n in (try differ.hunks(o, n), try differ.exactTrimmedHunks(o, n)) }
        }
        #expect(whole == [Hunk(oldStart: 371, oldCount: 11, newStart: 371, newCount: 11)])
        #expect(trimmed == nil)
    }

    @Test func thePlannerAppliesToItsOwnLibgit2VersionOnly() {
        #expect(LibGit2.trimPlannerApplies(major: 1, minor: 5))
        #expect(!LibGit2.trimPlannerApplies(major: 1, minor: 4))
        #expect(!LibGit2.trimPlannerApplies(major: 1, minor: 6))
        #expect(!LibGit2.trimPlannerApplies(major: 2, minor: 5))
    }

    /// The version asked at run time is the library's own: the one pkg-config reports for the installed libgit2.
    @Test func theRunTimeVersionIsTheInstalledLibrarys() {
        let installed = Command.run("/usr/bin/env", ["pkg-config", "--modversion", "libgit2"])
        let v = LibGit2.version
        #expect(installed.status == 0)
        #expect(
            installed.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "\(v.major).\(v.minor).\(v.revision)")
        #expect(LibGit2.trimPlannerApplies == LibGit2.trimPlannerApplies(major: v.major, minor: v.minor))
    }
}
