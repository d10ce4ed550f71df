internal import Dispatch
public import HistoryModel
internal import Synchronization

/// Review, rework, defect and delivery facts for every landed change, from history alone. Pure: records in,
/// facts out. One pass over the first-parent line maintains line ownership (`LineOwnership`) for rework
/// and SZZ; there is no per-commit blame.
public struct DeliveryAnalyzer {
    public var options: DeliveryOptions
    public var exclusions: ExclusionPolicy
    /// Time zone of each author's group (IANA name or ±HH:MM), for the business-hours clock.
    public var timeZoneOf: (Identity) -> String?
    public init(
        options: DeliveryOptions, exclusions: ExclusionPolicy, timeZoneOf: @escaping (Identity) -> String? = { _ in nil }
    ) {
        self.options = options
        self.exclusions = exclusions
        self.timeZoneOf = timeZoneOf
    }

    /// What the analysis reads.
    public struct Input<Store: HistoryStore>: Sendable {
        /// Newest first.
        public var changes: [LandedChange]
        /// Newest first: the first-parent commits analysed.
        public var mainline: [ObjectID]
        public var commits: Store
        /// Squash commit → the pull request's commits, where a head ref showed them.
        public var pullRequestCommits: [ObjectID: [ObjectID]]
        /// Fix commit → its diff ignoring white space and blank lines.
        public var significantDiffs: [ObjectID: [FileChange]]
        /// `MessageRules.revertsAndFixes` of `changes`, when the caller has it already (it chose the fixes'
        /// significant diffs with it); nil: computed here.
        public var revertsAndFixes: (reverts: [Bool], fixes: [Bool])?

        public init(
            changes: [LandedChange], mainline: [ObjectID], commits: Store,
            pullRequestCommits: [ObjectID: [ObjectID]] = [:], significantDiffs: [ObjectID: [FileChange]] = [:],
            revertsAndFixes: (reverts: [Bool], fixes: [Bool])? = nil
        ) {
            self.changes = changes
            self.mainline = mainline
            self.commits = commits
            self.pullRequestCommits = pullRequestCommits
            self.significantDiffs = significantDiffs
            self.revertsAndFixes = revertsAndFixes
        }
    }

    // MARK: - Classification of messages

    /// Compiled message patterns, built once per analysis.
    public struct MessageRules {
        let fix: [Regex<AnyRegexOutput>]
        let fixup: [Regex<AnyRegexOutput>]
        /// With the default patterns, a line that contains none of these words (lower-cased) cannot
        /// match, and the regular expressions are skipped: they cost more than the rest of the analysis.
        let fixWords: [String]?
        let fixupWords: [String]?

        public init(_ options: DeliveryOptions) {
            fix = options.fixPatterns.compactMap { try? Regex($0.source) }
            fixup = options.fixupPatterns.compactMap { try? Regex($0.source) }
            fixWords =
                options.fixPatterns.map(\.source) == DeliveryOptions.defaultFixPatterns.map(\.source)
                ? ["fix", "bug", "close", "resolve"] : nil
            fixupWords =
                options.fixupPatterns.map(\.source) == DeliveryOptions.defaultFixupPatterns.map(\.source)
                ? ["fixup!", "squash!", "amend!", "review"] : nil
        }

        static func mayMatch(_ line: Substring, _ words: [String]?) -> Bool {
            guard let words else { return true }
            return ByteSearch.containsAnyLowercased(line, words)
        }

        /// Line openings that name what a commit fixes; a message with none of their stems anywhere (in any
        /// case) has no such line, and is not split into lines at all.
        static let fixLineOpenings = ["fixes", "closes", "resolves", "fixed", "closed", "resolved"]
        static let fixLineStems = ["fixe", "close", "resolve"]

        /// A fix: a pattern matches the subject, the change's title (a merge's PR title), or a
        /// `Fixes:`/`Closes:`/`Resolves:` line of the message.
        public func isFix(_ record: CommitRecord, title: String? = nil) -> Bool {
            if record.message.hasPrefix("Revert \"") { return false }
            // A merge's subject names the branch (`Merge pull request #7 from acme/fix-typo`): its title counts.
            var lines: [Substring] = record.isMerge ? [] : [Substring(record.subject)]
            if let title, title != record.subject || !record.isMerge { lines.append(Substring(title)) }
            if ByteSearch.containsAnyLowercased(Substring(record.message), Self.fixLineStems) {
                for line in record.message.split(whereSeparator: \.isNewline) {
                    let lower = line.lowercased()
                    if Self.fixLineOpenings.contains(where: { lower.hasPrefix($0) }) { lines.append(line) }
                }
            }
            return lines.contains { line in
                Self.mayMatch(line, fixWords) && fix.contains { (try? $0.firstMatch(in: line)) != nil }
            }
        }

        /// Per change: whether its landing commit is a revert, and whether it is a fix (a revert never is).
        public func revertsAndFixes(_ changes: [LandedChange], commits: some HistoryStore) -> (
            reverts: [Bool], fixes: [Bool]
        ) {
            var reverts = [Bool](repeating: false, count: changes.count)
            var fixes = [Bool](repeating: false, count: changes.count)
            for (i, change) in changes.enumerated() {
                guard let landing = commits.record(change.commit, withFiles: false) else { continue }
                reverts[i] = Self.revertedCommit(landing) != nil
                fixes[i] = !reverts[i] && isFix(landing, title: change.title)
            }
            return (reverts, fixes)
        }

        public func isFixup(_ record: CommitRecord) -> Bool {
            let subject = record.subject
            guard Self.mayMatch(Substring(subject), fixupWords) else { return false }
            return fixup.contains { (try? $0.firstMatch(in: subject)) != nil }
        }

        /// The commit a revert names (`This reverts commit <id>.`).
        public static func revertedCommit(_ record: CommitRecord) -> ObjectID? {
            guard ByteSearch.contains(record.message, "This reverts commit "),
                let range = record.message.firstRange(of: "This reverts commit ")
            else { return nil }
            return ObjectID(hex: record.message[range.upperBound...].prefix(40))
        }

        /// Abbreviated ids named by `Fixes: <id> ("subject")` lines (the Linux kernel's convention).
        public static func fixedCommitPrefixes(_ record: CommitRecord) -> [String] {
            guard ByteSearch.containsAnyLowercased(Substring(record.message), ["fixes:"]) else { return [] }
            return record.message.split(whereSeparator: \.isNewline).compactMap { line in
                guard line.lowercased().hasPrefix("fixes:") else { return nil }
                let word = line.dropFirst(6).drop { $0 == " " || $0 == "\t" }.prefix { $0.isHexDigit }
                return word.count >= 7 && word.count <= 40 ? word.lowercased() : nil
            }
        }
    }

    /// A commit that `git cherry-pick -x` made.
    static func isCherryPick(_ record: CommitRecord) -> Bool {
        ByteSearch.contains(record.message, "(cherry picked from commit ")
            && record.message.contains("(cherry picked from commit ")
    }

    // MARK: - Analysis

    public func analyze<Store>(_ input: Input<Store>) -> [ChangeFacts] {
        analyze(input, paths: PathClassifier(exclusions: exclusions, delivery: options))
    }

    func analyze<Store>(_ input: Input<Store>, paths: PathClassifier) -> [ChangeFacts] {
        let changes = input.changes
        var facts = [ChangeFacts](repeating: ChangeFacts(), count: changes.count)
        let rules = MessageRules(options)

        // Which change each commit belongs to (mainline commits and branch/PR commits).
        var changeOfCommit: [ObjectID: Int] = [:]
        for (i, c) in changes.enumerated() {
            changeOfCommit[c.commit] = i
            for id in c.commits where changeOfCommit[id] == nil { changeOfCommit[id] = i }
            for id in input.pullRequestCommits[c.commit] ?? [] where changeOfCommit[id] == nil { changeOfCommit[id] = i }
        }

        // Fixes and reverts first: the ownership pass runs SZZ for fixes. That pass walks the first-parent line
        // in order, one commit after the other; it runs on a thread of its own, beside the per-change facts
        // below, and writes only its own fields (line counts, rework, blame counts), merged at the end.
        let given = input.revertsAndFixes.flatMap { $0.reverts.count == changes.count && $0.fixes.count == changes.count ? $0 : nil }
        let (isRevert, isFix) = given ?? rules.revertsAndFixes(changes, commits: input.commits)
        let ownershipFacts = Mutex<[ChangeFacts]>([])
        let ownershipDone = DispatchGroup()
        let (options, exclusions, fixes) = (options, exclusions, isFix)
        DispatchQueue.global().async(group: ownershipDone) {
            let owned = Self.ownershipPass(
                input, changes: changes, fixes: fixes, options: options,
                paths: PathClassifier(exclusions: exclusions, delivery: options))
            ownershipFacts.withLock { $0 = owned }
        }

        for (i, change) in changes.enumerated() {
            // The landing commit's people, times and message; the branch commits' line counts too.
            guard let landing = input.commits.record(change.commit, withFiles: false) else { continue }
            var f = ChangeFacts()
            let people = Set([change.author.key] + change.coAuthors.map(\.key))

            // Branch (or pull-request) commits.
            let branchIDs: [ObjectID]? =
                change.kind == .merge ? change.commits : input.pullRequestCommits[change.commit]
            let branch = branchIDs?.compactMap { input.commits.record($0, withFiles: true, withHunks: false) } ?? []

            // Review turnaround and cycle time.
            var turnaround: (from: Int64, to: Int64)?
            var cycleFrom: Int64?
            switch change.kind {
            case .merge, .squash:
                if branchIDs != nil, !branch.isEmpty {
                    let last = branch.map(\.committer.time).max() ?? landing.committer.time
                    turnaround = (last, change.landedAt)
                    cycleFrom = branch.map(\.author.time).min()
                } else if change.kind == .squash {
                    f.turnaroundNote = "not measurable from git"
                } else {
                    turnaround = (landing.author.time, change.landedAt)
                    cycleFrom = change.authoredAt
                }
            case .gerrit, .rebase:
                let group = change.commits.compactMap { input.commits.record($0, withFiles: false) }
                turnaround = ((group.map(\.author.time).max() ?? landing.author.time), change.landedAt)
                cycleFrom = change.authoredAt
            case .direct:
                if Self.isCherryPick(landing) {
                    turnaround = (landing.author.time, change.landedAt)
                    cycleFrom = landing.author.time
                } else {
                    f.turnaroundNote = "landed without review"
                }
            }
            if let t = turnaround {
                switch span(from: t.from, to: t.to) {
                case .success(let hours):
                    f.reviewTurnaroundHours = hours
                    if let bh = options.businessHours {
                        f.reviewTurnaroundBusinessHours = BusinessClock(hours: bh, timeZone: timeZoneOf(change.author))
                            .hours(from: t.from, to: t.to)
                    }
                case .failure(let note):
                    f.turnaroundNote = note.rawValue
                }
            }
            if let from = cycleFrom {
                switch span(from: from, to: change.landedAt) {
                case .success(let hours): f.cycleTimeHours = hours
                case .failure(let note): f.cycleNote = note.rawValue
                }
            }

            // Review depth.
            var reviewers: [String: Identity] = [:]
            for r in [landing] + branch {
                for person in r.reviewers where !people.contains(person.key) { reviewers[person.key] = person }
            }
            f.reviewers = reviewers.values.sorted()
            switch change.kind {
            case .direct:
                f.unreviewed = !Self.isCherryPick(landing)
            case .merge:
                // The merger is the merge's author (a forge commits on the merger's behalf).
                let merger = landing.author.identity.key
                f.unreviewed = people.contains(merger) && reviewers.isEmpty
            default:
                f.unreviewed = false
            }
            if branchIDs != nil {
                let nonMerge = branch.filter { !$0.isMerge }
                f.branchCommits = nonMerge.count
                f.fixupCommits = nonMerge.filter(rules.isFixup).count
                let branchAdded = nonMerge.reduce(0) { $0 + Self.countedLines($1.files, paths).added }
                f.branchAddedLines = branchAdded
                f.discardedOnBranch = max(0, branchAdded - Self.countedLines(change.files, paths).added)
            }

            // Tests and ADRs.
            for file in change.files where !file.isBinary && paths.answer(file.path).exclusion == nil {
                let lines = file.additions + file.deletions
                if paths.answer(file.path).isTest {
                    f.touchesTests = true
                    f.testLines += lines
                } else {
                    f.codeLines += lines
                }
            }
            f.adrsAdded = change.files.filter { $0.status == .added && paths.answer($0.path).isADR }.map(\.path).sorted()

            f.isRevert = isRevert[i]
            f.isFix = isFix[i]
            facts[i] = f
        }

        // Reverts and `Fixes: <id>` lines name the changes they undo or fix. Abbreviated ids are looked up in
        // the commits' full ids, sorted once, when the first such line turns up.
        var byHex: [(hex: String, change: Int)]?
        for (i, change) in changes.enumerated() {
            guard let landing = input.commits.record(change.commit, withFiles: false) else { continue }
            if let reverted = MessageRules.revertedCommit(landing), let target = changeOfCommit[reverted], target != i {
                facts[i].blames[target, default: 0] += 0
                // Changes are newest first: the last revert seen is the earliest.
                facts[target].revertedBy = i
            }
            for prefix in MessageRules.fixedCommitPrefixes(landing) {
                // Only an unambiguous abbreviation names a change.
                if byHex == nil { byHex = changeOfCommit.map { ($0.key.hex, $0.value) }.sorted { $0.hex < $1.hex } }
                let sorted = byHex ?? []
                var low = 0
                var high = sorted.count
                while low < high {
                    let mid = (low + high) / 2
                    if sorted[mid].hex < prefix { low = mid + 1 } else { high = mid }
                }
                var targets = Set<Int>()
                while low < sorted.count, sorted[low].hex.hasPrefix(prefix) {
                    targets.insert(sorted[low].change)
                    low += 1
                }
                if targets.count == 1, let target = targets.first, target != i { facts[i].blames[target, default: 0] += 0 }
            }
        }

        ownershipDone.wait()
        for (i, owned) in ownershipFacts.withLock({ $0 }).enumerated() {
            facts[i].addedLines += owned.addedLines
            facts[i].changedLines += owned.changedLines
            facts[i].reworkOwnLines += owned.reworkOwnLines
            facts[i].reworkOthersLines += owned.reworkOthersLines
            facts[i].rewrittenAfterLanding += owned.rewrittenAfterLanding
            facts[i].blames.merge(owned.blames, uniquingKeysWith: +)
        }

        // Escaped defects and major rework.
        let window = Int64(options.defectWindowDays) * 86400
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
        for i in facts.indices {
            facts[i].blamedBy.sort()
            let f = facts[i]
            let afterLanding =
                f.addedLines > 0 && Double(f.rewrittenAfterLanding) >= options.majorReworkThreshold * Double(f.addedLines)
            let onBranch =
                (f.branchAddedLines ?? 0) > 0
                && Double(f.discardedOnBranch ?? 0) >= options.majorReworkThreshold * Double(f.branchAddedLines ?? 1)
            facts[i].majorRework = afterLanding || onBranch
        }
        return facts
    }

    /// Applies the first-parent line oldest first: rework (deleted lines younger than the window), lines
    /// rewritten after landing, and SZZ for fixes (the lines a fix really changes were last written by …).
    /// Runs on a thread of its own, so it classifies paths with a `PathClassifier` of its own, built from the
    /// same exclusions and options as the caller's (a classifier memoises answers and is not thread-safe).
    /// Returns, per change, only the fields it computes: `addedLines`, `changedLines`, `reworkOwnLines`,
    /// `reworkOthersLines`, `rewrittenAfterLanding` and the line counts in `blames`.
    private static func ownershipPass<Store>(
        _ input: Input<Store>, changes: [LandedChange], fixes: [Bool], options: DeliveryOptions, paths: PathClassifier
    ) -> [ChangeFacts] {
        var facts = [ChangeFacts](repeating: ChangeFacts(), count: changes.count)
        var changeOfMainline: [ObjectID: Int] = [:]
        for (i, c) in changes.enumerated() {
            changeOfMainline[c.commit] = i
            if c.kind == .rebase { for id in c.commits { changeOfMainline[id] = i } }
        }
        let order = Array(input.mainline.reversed())
        // Per origin (a position on the first-parent line): its change (-1 for none) and commit time
        // (`Int64.min` when the commit was not mined).
        var originChange = [Int](repeating: -1, count: order.count)
        var originTime = [Int64](repeating: .min, count: order.count)
        let authorKeys = changes.map(\.author.key)
        var ownership = LineOwnership()
        let window = Int64(options.reworkWindowDays) * 86400
        for (position, id) in order.enumerated() {
            guard let record = input.commits[id] else { continue }
            let origin = Int32(position)
            let current = changeOfMainline[id]
            if let c = current { originChange[position] = c }
            originTime[position] = record.committer.time

            // SZZ before the fix's lines are applied.
            if let c = current, fixes[c], let significant = input.significantDiffs[id],
                significant.filter({ !$0.isBinary }).count <= options.maxFixFiles
            {
                for file in significant where !file.isBinary && file.status != .added && paths.answer(file.path).exclusion == nil {
                    let ranges = file.hunks.filter { $0.oldCount > 0 }.map { (start: Int($0.oldStart), count: Int($0.oldCount)) }
                    guard !ranges.isEmpty else { continue }
                    for run in ownership.origins(of: file.oldPath ?? file.path, ranges: ranges) where run.origin >= 0 {
                        let target = originChange[Int(run.origin)]
                        if target >= 0, target != c { facts[c].blames[target, default: 0] += run.count }
                    }
                }
            }

            if let c = current {
                let counted = Self.countedLines(record.files, paths)
                facts[c].addedLines += counted.added
                facts[c].changedLines += counted.added + counted.deleted
            }
            ownership.apply(record.files, origin: origin) { path, run in
                guard run.origin >= 0, let c = current, paths.answer(path).exclusion == nil else { return }
                let writtenAt = originTime[Int(run.origin)]
                guard writtenAt != .min else { return }
                let age = record.committer.time - writtenAt
                let writer = originChange[Int(run.origin)]
                guard age >= 0 && age < window, writer >= 0, writer != c else { return }
                let sameAuthor = authorKeys[writer] == authorKeys[c]
                if sameAuthor { facts[c].reworkOwnLines += run.count } else { facts[c].reworkOthersLines += run.count }
                facts[writer].rewrittenAfterLanding += run.count
            }
        }
        return facts
    }

    /// Why a span has no value.
    enum SpanNote: String, Error {
        case negative = "negative span"
        case absurd = "absurd span"
    }

    /// A duration in hours, or why it is left out: negative (clock skew, rewritten dates) or longer than
    /// `absurdHours`. Such spans are counted in the report, never averaged in.
    func span(from: Int64, to: Int64) -> Result<Double, SpanNote> {
        let hours = Double(to - from) / 3600
        if hours < 0 { return .failure(.negative) }
        if hours > options.absurdHours { return .failure(.absurd) }
        return .success(hours)
    }

    private static func countedLines(_ files: [FileChange], _ paths: PathClassifier) -> (added: Int, deleted: Int) {
        var added = 0
        var deleted = 0
        for f in files where !f.isBinary {
            let answer = paths.answer(f.path)
            if answer.exclusion != nil || answer.attributeBinary { continue }
            added += f.additions
            deleted += f.deletions
        }
        return (added, deleted)
    }
}
