internal import HistoryModel
internal import ReportContract

/// Defects: changes blamed by a later fix (SZZ, `Fixes: <id>` lines) or reverted within the defect window;
/// per change (`DeliveryAnalyzer.messageBlames`, `traceEscapedDefects`; SZZ runs in the ownership pass)
/// and per group.
enum DefectMetrics {
    static func defectEscapeRate(_ s: MetricSample) -> MetricValue {
        let escaped = s.facts.filter(\.escapedDefect).count
        return MetricValue(
            value: s.share(escaped),
            details: [
                "count": Double(escaped), "fixes": Double(s.facts.filter(\.isFix).count),
                "reverts": Double(s.facts.filter(\.isRevert).count),
            ])
    }

    static func revertRate(_ s: MetricSample) -> MetricValue {
        let reverted = s.facts.filter(\.revertedInWindow).count
        return MetricValue(value: s.share(reverted), details: ["count": Double(reverted)])
    }
}

/// Commit ids sorted by their hexadecimal form, with the change each belongs to: where the abbreviated ids
/// of `Fixes: <id>` lines are looked up.
struct AbbreviationIndex {
    let entries: [(hex: String, change: Int)]

    init(_ changeOfCommit: [ObjectID: Int]) {
        entries = changeOfCommit.map { ($0.key.hex, $0.value) }.sorted { $0.hex < $1.hex }
    }

    /// The position of the first entry whose id is not less than `prefix` (binary search): where ids that
    /// start with `prefix` begin, if any do.
    func lowerBound(_ prefix: String) -> Int {
        var low = 0
        var high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if entries[mid].hex < prefix { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The changes whose commits' ids start with `prefix`.
    func changes(withPrefix prefix: String) -> Set<Int> {
        var found = Set<Int>()
        var i = lowerBound(prefix)
        while i < entries.count, entries[i].hex.hasPrefix(prefix) {
            found.insert(entries[i].change)
            i += 1
        }
        return found
    }
}

extension DeliveryAnalyzer {
    /// Reverts and `Fixes: <id>` lines name the changes they undo or fix: each such change is blamed with 0
    /// lines (SZZ adds the lines), and a reverted change gets its earliest revert. The abbreviation index is
    /// built when the first `Fixes:` line turns up; only an unambiguous abbreviation names a change.
    static func messageBlames<Store: HistoryStore>(
        _ changes: [LandedChange], commits: Store, changeOfCommit: [ObjectID: Int], into facts: inout [ChangeFacts]
    ) {
        var index: AbbreviationIndex?
        for (i, change) in changes.enumerated() {
            guard let landing = commits.record(change.commit, withFiles: false) else { continue }
            if let reverted = MessageRules.revertedCommit(landing), let target = changeOfCommit[reverted], target != i {
                facts[i].blames[target, default: 0] += 0
                // Changes are newest first: the last revert seen is the earliest.
                facts[target].revertedBy = i
            }
            for prefix in MessageRules.fixedCommitPrefixes(landing) {
                if index == nil { index = AbbreviationIndex(changeOfCommit) }
                let targets = index?.changes(withPrefix: prefix) ?? []
                if targets.count == 1, let target = targets.first, target != i {
                    facts[i].blames[target, default: 0] += 0
                }
            }
        }
    }

    /// SZZ for one commit of a fix, before its lines are applied: the changes that last wrote the lines its
    /// white-space-insensitive diff deletes or replaces, with the number of lines traced to each
    /// (`changeOfOrigin`: the change of each position on the first-parent line, -1 for none). A commit over
    /// more than `maxFixFiles` text files blames nothing; added, binary and excluded files are not traced.
    /// An add-only fix (no traced file loses or replaces a line) blames instead the `addOnlyContext` lines
    /// above and below each insertion point, as far as the file reaches; so does a fix whose deleted or
    /// replaced lines blame nothing (all written by its own change, or unknown), around each of its hunks
    /// (`Hunk.context`). With `newerNeighbour` > 0, each hunk that replaces or deletes lines also blames the
    /// newest writer of the `newerNeighbour` lines above and below it that is newer than every writer of the
    /// hunk's own lines and `recent` (a change that could be an escaped defect of this fix), with its lines
    /// there (`newerNeighbour(own:around:)`); where the context was blamed, the larger of the two counts is
    /// kept for that change (its lines are among the context's at the default settings).
    static func szzBlames(
        _ significant: [FileChange], fix: Int, ownership: LineOwnership, changeOfOrigin: [Int], maxFixFiles: Int,
        addOnlyContext: Int = 0, newerNeighbour: Int = 0, recent: (Int) -> Bool = { _ in true },
        paths: PathClassifier
    ) -> [Int: Int] {
        guard significant.filter({ !$0.isBinary }).count <= maxFixFiles else { return [:] }
        let traced = significant.filter {
            !$0.isBinary && $0.status != .added && paths.answer($0.path).exclusion == nil
        }
        let addOnly = !traced.contains { file in file.hunks.contains { $0.oldCount > 0 } }
        var blames: [Int: Int] = [:]
        func blame(_ path: String, _ ranges: [(start: Int, count: Int)]) {
            guard !ranges.isEmpty else { return }
            for run in Self.blamable(ownership.origins(of: path, ranges: ranges), fix: fix, changeOfOrigin) {
                blames[changeOfOrigin[Int(run.origin)], default: 0] += run.count
            }
        }
        for file in traced {
            let path = file.oldPath ?? file.path
            if !addOnly {
                blame(
                    path,
                    file.hunks.filter { $0.oldCount > 0 }.map { (start: Int($0.oldStart), count: Int($0.oldCount)) })
            } else {
                blame(path, Self.insertionContext(file.hunks, lines: addOnlyContext))
            }
        }
        guard !addOnly else { return blames }
        let inContext = blames.isEmpty && addOnlyContext > 0
        if inContext {
            for file in traced {
                blame(
                    file.oldPath ?? file.path,
                    Hunk.context(file.hunks, lines: addOnlyContext).map { (start: $0.start, count: $0.count) })
            }
        }
        guard newerNeighbour > 0 else { return blames }
        var near: [Int: Int] = [:]
        for file in traced {
            let path = file.oldPath ?? file.path
            for hunk in file.hunks where hunk.oldCount > 0 {
                let range = BranchFixTrace.LineRange(start: Int(hunk.oldStart), count: Int(hunk.oldCount))
                let around = Hunk.around(range, lines: newerNeighbour).map { (start: $0.start, count: $0.count) }
                let found = Self.newerNeighbour(
                    own: Self.blamable(
                        ownership.origins(of: path, ranges: [(range.start, range.count)]), fix: fix, changeOfOrigin),
                    around: Self.blamable(ownership.origins(of: path, ranges: around), fix: fix, changeOfOrigin),
                    changeOfOrigin: changeOfOrigin, recent: recent)
                if let found { near[found.change, default: 0] += found.lines }
            }
        }
        blames.merge(near, uniquingKeysWith: inContext ? max : (+))
        return blames
    }

    /// The runs SZZ may blame: known origins whose change is known and not the fix's own.
    static func blamable(_ runs: [LineOwnership.Run], fix: Int, _ changeOfOrigin: [Int]) -> [LineOwnership.Run] {
        runs.filter {
            $0.origin >= 0 && changeOfOrigin[Int($0.origin)] >= 0 && changeOfOrigin[Int($0.origin)] != fix
        }
    }

    /// The newer-neighbour rule for one deleted or replaced range, given the blamable runs of its own lines and
    /// of the lines around it: the change of the newest origin around it that is newer than every origin of its
    /// own lines and `recent`, with its lines around it; nil when there is none.
    static func newerNeighbour(
        own: [LineOwnership.Run], around: [LineOwnership.Run], changeOfOrigin: [Int], recent: (Int) -> Bool
    ) -> (change: Int, lines: Int)? {
        let newestOwn = own.map(\.origin).max() ?? LineOwnership.unknown
        let newer = around.filter { $0.origin > newestOwn && recent(changeOfOrigin[Int($0.origin)]) }
        guard let newest = newer.map(\.origin).max() else { return nil }
        let target = changeOfOrigin[Int(newest)]
        return (target, around.filter { changeOfOrigin[Int($0.origin)] == target }.reduce(0) { $0 + $1.count })
    }

    /// The old-side lines around each insertion (`Hunk.insertionContext`).
    static func insertionContext(_ hunks: [Hunk], lines: Int) -> [(start: Int, count: Int)] {
        Hunk.insertionContext(hunks, lines: lines).map { (start: $0.start, count: $0.count) }
    }

    /// Every blame from a fix or revert is recorded on the change it blames (`blamedBy`, sorted), which is an
    /// escaped defect when the blame landed at most `windowDays` after it; so is a change reverted within them.
    static func traceEscapedDefects(_ facts: inout [ChangeFacts], changes: [LandedChange], windowDays: Int) {
        let window = Int64(windowDays) * 86400
        for i in facts.indices {
            for (target, _) in facts[i].blames {
                if !facts[target].blamedBy.contains(i) { facts[target].blamedBy.append(i) }
                let span = changes[i].landedAt - changes[target].landedAt
                if span >= 0 && span <= window { facts[target].escapedDefect = true }
            }
            if let r = facts[i].revertedBy {
                let span = changes[r].landedAt - changes[i].landedAt
                if span >= 0 && span <= window {
                    facts[i].revertedInWindow = true
                    facts[i].escapedDefect = true
                }
            }
        }
        for i in facts.indices { facts[i].blamedBy.sort() }
    }
}
