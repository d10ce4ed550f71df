public import HistoryModel
internal import HistoryParsing
internal import Synchronization

/// Review, rework, defect and delivery facts for every landed change, from history alone. Pure: records in,
/// facts out. One pass over the first-parent line maintains line ownership (`LineOwnership`) for rework
/// and SZZ; there is no per-commit blame.
public struct DeliveryAnalyzer {
    /// What the analysis computes from the same records and options: raised whenever that changes (2: fix
    /// commits inside merged branches traced one by one, ADR 0025; 3: a fix whose deleted or replaced lines blame
    /// nothing blames its hunks' context, and fix commits inside merged branches get the newer neighbour too,
    /// ADR 0025's addendum; 4: a merge whose own title is a fix has its branch's fix commits traced one by one
    /// too, ADR 0025's second addendum; 5: a squash's pull-request commit makes it a fix only with a `Fixes: <id>`
    /// line, docs/validation/fix-detection.md; 6: `Closes #N` and `Resolves #N` lines no longer make fixes, a
    /// `Fixes #N` line only under a subject that `issueLineExclusions` lets through, and the exclusions name
    /// change logs, READMEs, examples, numbered tests, dependency updates (`fix(deps):`), compiler-warning flags and
    /// styling too; a commit that changes only test files is no fix; 7: nor one that changes only documentation
    /// and test files, `documentationPatterns`, and every fix line of the body, not only one that names issues,
    /// counts only under a subject `issueLineExclusions` lets through, unless it names the commit it fixes; 8: a
    /// line that opens by updating something to a version is no fix; 9: a line that only names issues makes no
    /// fix unless `issueLinesMakeFixes`; 10: nor issues named in parentheses in a subject, and the word CI is no
    /// defect's; 11: a fix commit inside a merged branch that corrects its own change's work makes no claim,
    /// `withoutOwnWork`; 12: nor one that changes only test, documentation and CI files, `ciPatterns`), so that a
    /// stored report made by an earlier analysis is never reused as this one's (`yardstick analyze --store`).
    public static let revision = 12

    public var options: DeliveryOptions
    public var exclusions: ExclusionPolicy
    /// Time zone of each author's group (IANA name or ±HH:MM), for the business-hours clock.
    public var timeZoneOf: (Identity) -> String?
    /// How the ownership pass and the per-change facts may run: one after the other unless the caller lets
    /// them run side by side.
    public var concurrency: Concurrency = .sequential
    public init(
        options: DeliveryOptions, exclusions: ExclusionPolicy,
        timeZoneOf: @escaping (Identity) -> String? = { _ in nil }
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
        /// Fix commits' significant diffs not in `significantDiffs`, asked for one by one as the ownership pass
        /// reaches each traced commit (first-parent order, oldest first; each at most once): the caller may
        /// compute them a few ahead instead of holding them all.
        public var streamedDiffs: (@Sendable (ObjectID) -> [FileChange]?)?
        /// `MessageRules.revertsAndFixes` of `changes`, when the caller has it already (it chose the fixes'
        /// significant diffs with it); nil: computed here.
        public var revertsAndFixes: (reverts: [Bool], fixes: [Bool])?
        /// `MessageRules.tracedCommits` of those fixes, when the caller has it with `revertsAndFixes`; nil:
        /// computed here.
        public var tracedCommits: [ObjectID]?
        /// SZZ of the fix commits inside merged branches (`MessageRules.branchFixCommits`), traced back to the
        /// first-parent line by the miner (`BranchFixTracer`); the ownership pass resolves the lines they
        /// reach. Empty: such fixes make their merge a fix, but blame nothing.
        public var branchFixTraces: [BranchFixTrace] = []

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
        /// `DeliveryOptions.issueLineExclusions`, compiled.
        let issueLineExclusions: [Regex<AnyRegexOutput>]
        /// `DeliveryOptions.issueLinesMakeFixes`.
        let issueLinesMakeFixes: Bool
        /// A line that only names issues (`Fixes #12`, `Fixes: owner/repo#12, #13`, `Fixes https://…/issues/12`).
        let issueReference: Regex<AnyRegexOutput>?
        /// Issues named in parentheses in a subject (`issueParentheticalSource`).
        let issueParenthetical: Regex<AnyRegexOutput>?
        /// `DeliveryOptions.testPatterns`, `documentationPatterns` and `ciPatterns`: a commit that changes only
        /// test, documentation and CI files is not a fix.
        let testPatterns: [Glob]
        let documentationPatterns: [Glob]
        let ciPatterns: [Glob]
        /// With the default patterns, a line that contains none of these words (lower-cased) cannot
        /// match, and the regular expressions are skipped: they cost more than the rest of the analysis.
        let fixWords: [String]?
        let fixupWords: [String]?
        /// The default fix patterns matched in one pass (nil with other patterns).
        let defaultFix: DefaultFixMatcher?

        public init(_ options: DeliveryOptions) {
            fix = options.fixPatterns.compactMap { try? Regex($0.source) }
            defaultFix = DefaultFixMatcher(options.fixPatterns)
            fixup = options.fixupPatterns.compactMap { try? Regex($0.source) }
            issueLineExclusions = options.issueLineExclusions.compactMap { try? Regex($0.source) }
            issueLinesMakeFixes = options.issueLinesMakeFixes
            issueReference = try? Regex(Self.issueReferenceSource)
            issueParenthetical = try? Regex(Self.issueParentheticalSource)
            testPatterns = options.testPatterns
            documentationPatterns = options.documentationPatterns
            ciPatterns = options.ciPatterns
            fixWords =
                options.fixPatterns.map(\.source) == DeliveryOptions.defaultFixPatterns.map(\.source)
                ? ["fix", "bug", "close", "resolve"] : nil
            fixupWords =
                options.fixupPatterns.map(\.source) == DeliveryOptions.defaultFixupPatterns.map(\.source)
                ? ["fixup!", "squash!", "amend!", "review"] : nil
        }

        /// Everything the rules read from `options`, and the analysis revision, as text: two option sets with the
        /// same text detect the same fixes in the same records (a store keeps answers under it).
        public static func context(_ options: DeliveryOptions) -> String {
            var lines = ["revision \(DeliveryAnalyzer.revision)", "issueLinesMakeFixes \(options.issueLinesMakeFixes)"]
            func add(_ name: String, _ items: [String]) {
                lines.append("\(name) \(items.count)")
                lines.append(contentsOf: items)
            }
            add("fixPatterns", options.fixPatterns.map(\.source))
            add("fixupPatterns", options.fixupPatterns.map(\.source))
            add("issueLineExclusions", options.issueLineExclusions.map(\.source))
            add("testPatterns", options.testPatterns.map(\.pattern))
            add("documentationPatterns", options.documentationPatterns.map(\.pattern))
            add("ciPatterns", options.ciPatterns.map(\.pattern))
            return lines.joined(separator: "\n")
        }

        static func mayMatch(_ line: Substring, _ words: [String]?) -> Bool {
            guard let words else { return true }
            return ByteSearch.containsAnyLowercased(line, words)
        }

        /// Line openings that name what a commit fixes; a message with none of their stems anywhere (in any
        /// case) has no such line, and is not split into lines at all.
        static let fixLineOpenings = ["fixes", "closes", "resolves", "fixed", "closed", "resolved"]
        static let fixLineStems = ["fixe", "close", "resolve"]

        /// A line that only names issues: `#12`, `owner/repo#12`, `issue 12`, `issue #12`, an issue key (`PROJ-12`,
        /// `GH-12`) or an address, separated by commas, white space or `and`. Each reference holds one `#`, one
        /// number after `issue`, one key, or is one address without commas, and references are separated, so a line
        /// splits into them one way only: the match takes linear time on any line a repository holds (`Fixes
        /// https://a,https://a,…` took exponential time with overlapping parts).
        static let issueReferenceSource =
            #"(?i)^(fix(es|ed)?|close[sd]?|resolve[sd]?):?\s+"# + issueReferenceItem
            + #"([\s,]+(and\s+)?"# + issueReferenceItem + #")*[\s.]*$"#
        static let issueReferenceItem = #"([^\s#,]*#\d+|https?://[^\s,]+|issues?\s+#?\d+|(?-i:[A-Z][A-Z0-9_]*-\d+))"#

        /// `(fixes #12)`, `(fix #3, #4)`: issues named in parentheses in a subject or title.
        static let issueParentheticalSource =
            #"(?i)\s*\((fix(es|ed)?|close[sd]?|resolve[sd]?):?\s+"# + issueReferenceItem
            + #"([\s,]+(and\s+)?"# + issueReferenceItem + #")*\)"#

        /// A subject or title as the rules read it: without the issues it names in parentheses (`Add date builtins
        /// (fix #364)`: a reference like a line that only names issues, kept with `issueLinesMakeFixes`) and without
        /// the instruction to CI not to run (`[ci skip]`, `[skip ci]`), which says nothing of what the change is.
        func heading(_ subject: Substring) -> Substring {
            var text = subject
            if ByteSearch.containsAnyLowercased(text, ["ci skip]", "skip ci]"]) {
                text = Substring(
                    String(text).replacing(#/(?i)\s*\[(ci skip|skip ci)\]/#, with: ""))
            }
            guard !issueLinesMakeFixes, ByteSearch.containsAnyLowercased(text, ["(fix", "(close", "(resolve"]),
                let r = issueParenthetical
            else { return text }
            return Substring(String(text).replacing(r, with: ""))
        }

        /// Whether `line` only names issues (`issueReferenceSource`).
        func namesOnlyIssues(_ line: Substring) -> Bool {
            guard let issueReference else { return false }
            return (try? issueReference.wholeMatch(in: line)) != nil
        }

        /// A fix: a pattern matches the subject, the change's title (a merge's PR title, or its subject when
        /// the merge has no other title: `Merge branch 'jk/fix-crash'`), or a `Fixes:`/`Closes:`/`Resolves:`
        /// line of the message. Such a line (`Fixes #12`, `Fixes a crash on empty input`, or a sentence that wraps
        /// onto a line starting with "fixed") counts only when no `issueLineExclusions` pattern matches the subject
        /// or title: what a documentation, test, CI or warning change says it fixes is not a defect. A line that
        /// names the commit it fixes (`Fixes: <id>`) counts under any subject.
        public func isFix(_ record: CommitRecord, title: String? = nil) -> Bool {
            if record.message.hasPrefix("Revert \"") { return false }
            // A merge's subject names the branch (`Merge pull request #7 from acme/fix-typo`): its title counts,
            // which is the subject itself only when the message gives no other title.
            var headings: [Substring] = record.isMerge ? [] : [heading(Substring(record.subject))]
            if let title, title != record.subject || record.isMerge { headings.append(heading(Substring(title))) }
            if headings.contains(where: { Self.mayMatch($0, fixWords) && matchesFix($0) }) { return true }
            guard ByteSearch.containsAnyLowercased(Substring(record.message), Self.fixLineStems) else { return false }
            var headingsExcluded: Bool?
            for line in Message.lines(of: record.message, openingWith: Self.fixLineOpenings) {
                guard Self.mayMatch(line, fixWords), matchesFix(line) else { continue }
                if Self.namesFixedCommit(line) { return true }
                if !issueLinesMakeFixes && namesOnlyIssues(line) { continue }
                if headingsExcluded == nil {
                    headingsExcluded = headings.contains { h in
                        issueLineExclusions.contains { (try? $0.firstMatch(in: h)) != nil }
                    }
                }
                if headingsExcluded == false { return true }
            }
            return false
        }

        /// A `Fixes: <id>` line: the project names the commit it fixes, under any subject.
        static func namesFixedCommit(_ line: Substring) -> Bool { fixedCommitPrefix(line) != nil }

        /// The commit id a `Fixes: <id>` line names: 7 to 40 hex digits that end the word (`Fixes: 7374a79af672
        /// ("…")`); nil for any other line.
        static func fixedCommitPrefix(_ line: Substring) -> Substring? {
            guard line.count > 6, line.prefix(6).lowercased() == "fixes:" else { return nil }
            let rest = line.dropFirst(6).drop { $0 == " " || $0 == "\t" }
            let hex = rest.prefix { $0.isHexDigit }
            guard hex.count >= 7 && hex.count <= 40 else { return nil }
            if hex.endIndex < rest.endIndex, rest[hex.endIndex].isLetter || rest[hex.endIndex] == "_" { return nil }
            return hex
        }

        /// A fix commit: `isFix` by its message (with `title`, the change's, for its landing commit), unless every
        /// file it changes is a test file (`testPatterns`), a documentation file (`documentationPatterns`) or a CI
        /// file (`ciPatterns`): a broken test, a wrong manual page or a failing CI job is not a defect that escaped
        /// in the product. A commit that names the commit it fixes (`Fixes: <id>`) stays a fix, as the project says,
        /// whatever its files.
        func isFix(_ record: CommitRecord, title: String? = nil, commits: some HistoryStore) -> Bool {
            isFix(record, title: title)
                && (!Self.fixedCommitPrefixes(record).isEmpty
                    || !changesOnlyTestsDocumentationOrCI(record.id, commits: commits))
        }

        /// Whether `id` changes files and every one of them is a test, documentation or CI file (a commit whose
        /// files the store does not hold, or that changes none, is not).
        func changesOnlyTestsDocumentationOrCI(_ id: ObjectID, commits: some HistoryStore) -> Bool {
            guard !testPatterns.isEmpty || !documentationPatterns.isEmpty || !ciPatterns.isEmpty,
                let files = commits.record(id, withFiles: true, withHunks: false)?.files, !files.isEmpty
            else { return false }
            return files.allSatisfy { file in
                testPatterns.contains { $0.matches(file.path) }
                    || documentationPatterns.contains { $0.matches(file.path) }
                    || ciPatterns.contains { $0.matches(file.path) }
            }
        }

        /// Whether a fix pattern matches `line`.
        func matchesFix(_ line: Substring) -> Bool {
            defaultFix?.matches(line) ?? matchesFixPatternByPattern(line)
        }

        /// `matchesFix` with each pattern on its own, as configured (the reference of `DefaultFixMatcher`).
        func matchesFixPatternByPattern(_ line: Substring) -> Bool {
            fix.contains { (try? $0.firstMatch(in: line)) != nil }
        }

        /// Per change: whether its landing commit is a revert, and whether it is a fix (a revert never is). A
        /// rebase or applied group is a fix when any of its commits is one on its own message, and a squash
        /// when a commit of its pull request (where a head ref shows them) is one and not a fix-up; so a fix
        /// early in a series is found although the group's newest message does not say so.
        public func revertsAndFixes(
            _ changes: [LandedChange], commits: some HistoryStore, pullRequestCommits: [ObjectID: [ObjectID]] = [:]
        ) -> (reverts: [Bool], fixes: [Bool]) {
            var reverts = [Bool](repeating: false, count: changes.count)
            var fixes = [Bool](repeating: false, count: changes.count)
            for (i, change) in changes.enumerated() {
                guard let landing = commits.record(change.commit, withFiles: false) else { continue }
                reverts[i] = Self.revertedCommit(landing) != nil
                guard !reverts[i] else { continue }
                fixes[i] =
                    isFix(landing, title: change.title, commits: commits)
                    || hasFixCommitInside(change, commits: commits, pullRequestCommits: pullRequestCommits)
            }
            return (reverts, fixes)
        }

        /// What fix detection gives per change, in one pass that reads each message once: `revertsAndFixes`,
        /// then `tracedAndBranchFixCommits` on its fixes (their reference; a test compares them on every sample
        /// repository). Those read a fix's landing message and its branch's messages twice or three times.
        public func fixDetection(
            _ changes: [LandedChange], commits: some HistoryStore, pullRequestCommits: [ObjectID: [ObjectID]] = [:]
        ) -> (reverts: [Bool], fixes: [Bool], traced: [ObjectID], branch: [ObjectID]) {
            var reverts = [Bool](repeating: false, count: changes.count)
            var fixes = [Bool](repeating: false, count: changes.count)
            var traced: [ObjectID] = []
            var branch: [ObjectID] = []
            for (i, change) in changes.enumerated() {
                guard let landing = commits.record(change.commit, withFiles: false) else { continue }
                reverts[i] = Self.revertedCommit(landing) != nil
                guard !reverts[i] else { continue }
                let titled = isFix(landing, title: change.title, commits: commits)
                switch change.kind {
                case .merge, .integration:
                    // Its branch's fix commits, if any, one by one; a fix-titled merge as a whole too.
                    let inside = branchFixes(change, commits: commits)
                    fixes[i] = titled || !inside.isEmpty
                    if titled { traced.append(change.commit) }
                    branch.append(contentsOf: inside)
                case .rebase where change.commits.count > 1, .applied where change.commits.count > 1:
                    // Each commit's own message, the landing commit's with the group's title; oldest first.
                    let own = change.commits.reversed().filter { id in
                        if id == change.commit { return titled }
                        return commits.record(id, withFiles: false).map { isFix($0, commits: commits) } ?? false
                    }
                    fixes[i] = titled || own.contains { $0 != change.commit }
                    if fixes[i] { traced.append(contentsOf: own) }
                default:
                    fixes[i] =
                        titled
                        || !fixCommitsInside(change, commits: commits, pullRequestCommits: pullRequestCommits).isEmpty
                    if fixes[i] { traced.append(change.commit) }
                }
            }
            return (reverts, fixes, traced, branch)
        }

        /// The commits of a group (rebase, applied) other than its landing commit, of a squash's pull
        /// request, or of a merged branch (a merge, an integration), whose own messages make them fixes (a pull
        /// request's or branch's fix-up commits never do, nor a merge on the branch).
        func fixCommitsInside(
            _ change: LandedChange, commits: some HistoryStore, pullRequestCommits: [ObjectID: [ObjectID]]
        ) -> [ObjectID] {
            switch change.kind {
            case .rebase, .applied:
                return change.commits.filter { id in
                    id != change.commit
                        && (commits.record(id, withFiles: false).map { isFix($0, commits: commits) } ?? false)
                }
            case .squash:
                // A pull request's own commits mostly fix its own work in progress (`fix fmt`, `fix features
                // build`), which never reached users: one makes the squash a fix only when it also names the
                // commit it fixes (`Fixes: <id>`). On tokio-rs/tokio's labelled commits this took the fix flag's
                // precision from 29.2% to 53.8% and lost no fix (docs/validation/fix-detection.md).
                return (pullRequestCommits[change.commit] ?? []).filter { id in
                    guard let r = commits.record(id, withFiles: false), !r.isMerge else { return false }
                    return isFix(r, commits: commits) && !isFixup(r) && !Self.fixedCommitPrefixes(r).isEmpty
                }
            case .merge, .integration:
                return branchFixes(change, commits: commits)
            default:
                return []
            }
        }

        /// Whether `fixCommitsInside` has any: a merged branch's commits are read only up to the first fix.
        func hasFixCommitInside(
            _ change: LandedChange, commits: some HistoryStore, pullRequestCommits: [ObjectID: [ObjectID]]
        ) -> Bool {
            guard change.kind == .merge || change.kind == .integration else {
                return !fixCommitsInside(change, commits: commits, pullRequestCommits: pullRequestCommits).isEmpty
            }
            return change.commits.contains { id in isBranchFix(id, of: change, commits: commits) }
        }

        private func isBranchFix(_ id: ObjectID, of change: LandedChange, commits: some HistoryStore) -> Bool {
            guard id != change.commit, let r = commits.record(id, withFiles: false), !r.isMerge else { return false }
            return isFix(r, commits: commits) && !isFixup(r)
        }

        /// A merged branch's commits (oldest first) whose own messages make them fixes, fix-ups and merges
        /// left out.
        func branchFixes(_ change: LandedChange, commits: some HistoryStore) -> [ObjectID] {
            guard change.kind == .merge || change.kind == .integration else { return [] }
            return change.commits.reversed().filter { id in isBranchFix(id, of: change, commits: commits) }
        }

        /// Whether a merge's own title (or subject) makes it a fix: then its diff against its first parent is
        /// traced as a whole, besides its branch's fix commits one by one.
        func isFixTitled(_ change: LandedChange, commits: some HistoryStore) -> Bool {
            guard let landing = commits.record(change.commit, withFiles: false) else { return false }
            return isFix(landing, title: change.title, commits: commits)
        }

        /// The fix commits inside merged branches that SZZ traces one by one, at their own parents
        /// (`BranchFixTrace`): those of every merge that is a fix, whether or not its own title makes it one
        /// (one whose title does is traced as a whole, through its diff, too: ADR 0025, second addendum);
        /// newest change first, each change's oldest first.
        public func branchFixCommits(
            _ changes: [LandedChange], fixes: [Bool], commits: some HistoryStore
        ) -> [ObjectID] {
            tracedAndBranchFixCommits(changes, fixes: fixes, commits: commits).branch
        }

        /// `tracedCommits` and `branchFixCommits` together, each merged branch read once.
        public func tracedAndBranchFixCommits(
            _ changes: [LandedChange], fixes: [Bool], commits: some HistoryStore
        ) -> (traced: [ObjectID], branch: [ObjectID]) {
            var traced: [ObjectID] = []
            var branch: [ObjectID] = []
            for (i, change) in changes.enumerated() where fixes[i] {
                if change.kind == .merge || change.kind == .integration {
                    let inside = branchFixes(change, commits: commits)
                    branch.append(contentsOf: inside)
                    if !inside.isEmpty && !isFixTitled(change, commits: commits) { continue }
                }
                traced.append(contentsOf: tracedCommits(of: change, commits: commits))
            }
            return (traced, branch)
        }

        /// The first-parent commits that SZZ traces for each fix (`fixes`), one by one: in a rebase or applied
        /// group, each commit whose own message is a fix (the newest by the group's title too); none for a
        /// merge that is a fix only by its branch's fix commits (traced on their own, `branchFixCommits`);
        /// otherwise the landing commit, whose diff against its first parent holds a squash's pull request,
        /// or a merged branch, as a whole (a fix-titled merge's branch fix commits are traced on their own
        /// too).
        public func tracedCommits(
            _ changes: [LandedChange], fixes: [Bool], commits: some HistoryStore
        ) -> [ObjectID] {
            var out: [ObjectID] = []
            for (i, change) in changes.enumerated() where fixes[i] {
                if change.kind == .merge || change.kind == .integration, !isFixTitled(change, commits: commits),
                    !branchFixes(change, commits: commits).isEmpty
                {
                    continue
                }
                out.append(contentsOf: tracedCommits(of: change, commits: commits))
            }
            return out
        }

        /// The first-parent commits SZZ traces for a fix that is not a merge traced by its branch's fix commits:
        /// a rebase or applied group's commits whose own messages are fixes, oldest first; else its landing
        /// commit.
        private func tracedCommits(of change: LandedChange, commits: some HistoryStore) -> [ObjectID] {
            guard change.kind == .rebase || change.kind == .applied, change.commits.count > 1 else {
                return [change.commit]
            }
            // `commits` is newest first; traced oldest first.
            return change.commits.reversed().filter { id in
                guard let r = commits.record(id, withFiles: false) else { return false }
                return isFix(r, title: id == change.commit ? change.title : nil, commits: commits)
            }
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
            return Message.lines(of: record.message, openingWith: ["fixes:"]).compactMap {
                fixedCommitPrefix($0)?.lowercased()
            }
        }
    }

    /// Whether SZZ traces a path (one not excluded from the analysis), for tracing done outside the analyzer
    /// (`BranchFixTracer`). It memoises its answers: one per thread.
    public static func tracedPathTest(exclusions: ExclusionPolicy, delivery: DeliveryOptions) -> (String) -> Bool {
        let paths = PathClassifier(exclusions: exclusions, delivery: delivery)
        return { paths.answer($0).exclusion == nil }
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

    /// The steps: which change each commit belongs to; reverts and fixes; the ownership pass (line counts,
    /// rework, SZZ) beside the per-change facts and the blames messages name; then escaped defects and major
    /// rework, which need both.
    func analyze<Store>(_ input: Input<Store>, paths: PathClassifier) -> [ChangeFacts] {
        let changes = input.changes
        let rules = MessageRules(options)
        let given = input.revertsAndFixes.flatMap {
            $0.reverts.count == changes.count && $0.fixes.count == changes.count ? $0 : nil
        }
        let (isRevert, detected) =
            given
            ?? rules.revertsAndFixes(changes, commits: input.commits, pullRequestCommits: input.pullRequestCommits)
        // Which change each commit belongs to, read by the three steps below.
        let changeOfCommit = Self.changeOfCommit(changes, pullRequestCommits: input.pullRequestCommits)
        // Fix commits inside merged branches that correct their own change's work make no claim (revision 11).
        let (isFix, branchFixTraces) = Self.withoutOwnWork(
            input, fixes: detected, rules: rules, changeOfCommit: changeOfCommit)
        let input = {
            var input = input
            input.branchFixTraces = branchFixTraces
            return input
        }()
        let traced = Set(
            (given != nil ? input.tracedCommits : nil)
                ?? rules.tracedCommits(changes, fixes: isFix, commits: input.commits))

        // The ownership pass walks the first-parent line in order, one commit after the other, and writes only
        // its own fields (line counts, rework, blame counts), merged below: the caller's `concurrency` may run
        // it beside the per-change facts. It classifies paths with a classifier of its own (a classifier
        // memoises answers and is not thread-safe) that shares the answers of `paths`.
        let owned = Mutex<[ChangeFacts]>([])
        let options = options
        nonisolated(unsafe) let ownershipPaths = paths.sibling()
        var facts: [ChangeFacts] = []
        concurrency.both(
            {
                let result = Self.ownershipPass(
                    input, changes: changes, fixes: isFix, traced: traced, options: options,
                    paths: ownershipPaths, changeOfCommit: changeOfCommit)
                owned.withLock { $0 = result }
            },
            {
                facts = perChangeFacts(input, rules: rules, reverts: isRevert, fixes: isFix, paths: paths)
                Self.messageBlames(changes, commits: input.commits, changeOfCommit: changeOfCommit, into: &facts)
            })
        Self.mergeOwnership(owned.withLock { $0 }, into: &facts)
        Self.traceEscapedDefects(&facts, changes: changes, windowDays: options.defectWindowDays)
        Self.markMajorRework(&facts, threshold: options.majorReworkThreshold)
        return facts
    }

    /// The fixes and the branch-fix traces without the fix commits inside merged branches that correct their own
    /// change's work (`BranchFixTrace.ownWork`: every line they delete or replace was written on their branch)
    /// and do not name the commit they fix (`Fixes: <id>`): what they correct never reached a user of the
    /// first-parent line, so they are not traced, and a merge that is a fix only by such commits (its own title
    /// is none) is no fix (analysis revision 11, docs/validation/fix-detection.md).
    static func withoutOwnWork<Store>(
        _ input: Input<Store>, fixes: [Bool], rules: MessageRules, changeOfCommit: [ObjectID: Int]
    ) -> (fixes: [Bool], traces: [BranchFixTrace]) {
        let own = Set(
            input.branchFixTraces.lazy.filter { trace in
                trace.ownWork
                    && (input.commits.record(trace.fix, withFiles: false).map {
                        MessageRules.fixedCommitPrefixes($0).isEmpty
                    } ?? false)
            }.map(\.fix))
        guard !own.isEmpty else { return (fixes, input.branchFixTraces) }
        var fixes = fixes
        for c in Set(own.compactMap { changeOfCommit[$0] }).sorted() where fixes[c] {
            let change = input.changes[c]
            guard change.kind == .merge || change.kind == .integration,
                !rules.isFixTitled(change, commits: input.commits)
            else { continue }
            if rules.branchFixes(change, commits: input.commits).allSatisfy(own.contains) { fixes[c] = false }
        }
        return (fixes, input.branchFixTraces.filter { !own.contains($0.fix) })
    }

    /// Which change each commit belongs to: landing commits, branch and rebase-group commits, and the pull
    /// requests' commits behind squashes (the first change to claim a commit keeps it).
    static func changeOfCommit(_ changes: [LandedChange], pullRequestCommits: [ObjectID: [ObjectID]]) -> [ObjectID: Int]
    {
        var changeOfCommit: [ObjectID: Int] = [:]
        for (i, c) in changes.enumerated() {
            changeOfCommit[c.commit] = i
            for id in c.commits where changeOfCommit[id] == nil { changeOfCommit[id] = i }
            for id in pullRequestCommits[c.commit] ?? [] where changeOfCommit[id] == nil { changeOfCommit[id] = i }
        }
        return changeOfCommit
    }

    /// Each change's own facts, one concern after the other: review timing, review depth, branch rework, test
    /// touch, ADRs, and whether it is a revert or a fix. A change whose landing commit was not mined keeps
    /// empty facts.
    func perChangeFacts<Store>(
        _ input: Input<Store>, rules: MessageRules, reverts: [Bool], fixes: [Bool], paths: PathClassifier
    ) -> [ChangeFacts] {
        var facts = [ChangeFacts](repeating: ChangeFacts(), count: input.changes.count)
        for (i, change) in input.changes.enumerated() {
            guard let records = ChangeRecords(change, input: input) else { continue }
            var f = ChangeFacts()
            reviewTiming(records, commits: input.commits, into: &f)
            reviewDepth(records, rules: rules, into: &f)
            Self.branchRework(records, paths: paths, into: &f)
            Self.testTouch(change, paths: paths, into: &f)
            f.adrsAdded = Self.addedADRs(change, paths: paths)
            f.isRevert = reverts[i]
            f.isFix = fixes[i]
            facts[i] = f
        }
        return facts
    }

    /// Adds the ownership pass's fields to the per-change facts.
    static func mergeOwnership(_ owned: [ChangeFacts], into facts: inout [ChangeFacts]) {
        for (i, o) in owned.enumerated() {
            facts[i].addedLines += o.addedLines
            facts[i].changedLines += o.changedLines
            facts[i].reworkOwnLines += o.reworkOwnLines
            facts[i].reworkOthersLines += o.reworkOthersLines
            facts[i].rewrittenAfterLanding += o.rewrittenAfterLanding
            facts[i].blames.merge(o.blames, uniquingKeysWith: +)
            facts[i].tracedFixes += o.tracedFixes
            facts[i].branchFixes += o.branchFixes
        }
    }

    /// Applies the first-parent line oldest first: rework (deleted lines younger than the window), lines
    /// rewritten after landing, and SZZ for the `traced` commits of fixes, each before it is applied (the lines
    /// a fix really changes were last written by …).
    /// It may run beside the per-change facts, so it classifies paths with a `PathClassifier` of its own,
    /// built from the same exclusions and options as the caller's (a classifier memoises answers and is not
    /// thread-safe).
    /// Returns, per change, only the fields it computes: `addedLines`, `changedLines`, `reworkOwnLines`,
    /// `reworkOthersLines`, `rewrittenAfterLanding` and the line counts in `blames`. `changeOfCommit`: the
    /// caller's `changeOfCommit(changes, …)`, computed here when not given.
    static func ownershipPass<Store>(
        _ input: Input<Store>, changes: [LandedChange], fixes: [Bool], traced: Set<ObjectID>, options: DeliveryOptions,
        paths: PathClassifier, changeOfCommit: [ObjectID: Int]? = nil
    ) -> [ChangeFacts] {
        var facts = [ChangeFacts](repeating: ChangeFacts(), count: changes.count)
        var changeOfMainline: [ObjectID: Int] = [:]
        for (i, c) in changes.enumerated() {
            changeOfMainline[c.commit] = i
            if c.kind == .rebase || c.kind == .applied { for id in c.commits { changeOfMainline[id] = i } }
        }
        let order = Array(input.mainline.reversed())
        // Per origin (a position on the first-parent line): its change (-1 for none) and commit time
        // (`Int64.min` when the commit was not mined).
        var originChange = [Int](repeating: -1, count: order.count)
        var originTime = [Int64](repeating: .min, count: order.count)
        let authorKeys = changes.map(\.author.key)
        var ownership = LineOwnership()
        let branchTraces = Self.branchTraces(
            input.branchFixTraces, order: order,
            changeOfCommit: input.branchFixTraces.isEmpty
                ? [:] : changeOfCommit ?? Self.changeOfCommit(changes, pullRequestCommits: input.pullRequestCommits),
            into: &facts)
        let window = Int64(options.reworkWindowDays) * 86400
        let defectWindow = Int64(options.defectWindowDays) * 86400
        for (position, id) in order.enumerated() {
            guard let record = input.commits[id] else { continue }
            let origin = Int32(position)
            let current = changeOfMainline[id]
            if let c = current { originChange[position] = c }
            originTime[position] = record.committer.time

            // SZZ before the fix's lines are applied, for each fix commit on its own (a fix inside a series is
            // blamed at its own parent).
            if let c = current, fixes[c], traced.contains(id),
                let significant = input.significantDiffs[id] ?? input.streamedDiffs?(id)
            {
                let blames = Self.szzBlames(
                    significant, fix: c, ownership: ownership, changeOfOrigin: originChange,
                    maxFixFiles: options.maxFixFiles, addOnlyContext: options.addOnlyFixContext,
                    newerNeighbour: options.newerNeighbourLines,
                    recent: { target in
                        let span = changes[c].landedAt - changes[target].landedAt
                        return span >= 0 && span <= defectWindow
                    }, paths: paths)
                facts[c].blames.merge(blames, uniquingKeysWith: +)
                if changes[c].kind == .rebase || changes[c].kind == .applied, changes[c].commits.count > 1 {
                    facts[c].tracedFixes.append(TracedFix(commit: id, blames: blames))
                }
            }

            if let c = current {
                let counted = Self.countedLines(record.files, paths)
                facts[c].addedLines += counted.added
                facts[c].changedLines += counted.added + counted.deleted
            }
            // The closure reads the commit's time, not the record: capturing the record copied it (a retain and
            // release of each of its fields) at every deleted run.
            let time = record.committer.time
            ownership.apply(record.files, origin: origin) { path, run in
                guard run.origin >= 0, let c = current, paths.answer(path).exclusion == nil else { return }
                let writtenAt = originTime[Int(run.origin)]
                guard writtenAt != .min else { return }
                let age = time - writtenAt
                let writer = originChange[Int(run.origin)]
                guard age >= 0 && age < window, writer >= 0, writer != c else { return }
                let sameAuthor = authorKeys[writer] == authorKeys[c]
                if sameAuthor { facts[c].reworkOwnLines += run.count } else { facts[c].reworkOthersLines += run.count }
                facts[writer].rewrittenAfterLanding += run.count
            }
            // Fixes inside merged branches whose traced lines reached this commit: its owners, now applied.
            for (c, k, files) in branchTraces[position] ?? [] {
                let blames = Self.branchFixBlames(
                    files, fix: c, ownership: ownership, changeOfOrigin: originChange,
                    recent: { target in
                        let span = changes[c].landedAt - changes[target].landedAt
                        return span >= 0 && span <= defectWindow
                    })
                facts[c].tracedFixes[k].blames.merge(blames, uniquingKeysWith: +)
            }
        }
        Self.addBranchBlames(&facts)
        return facts
    }

    /// SZZ of a fix commit inside a merged branch at the first-parent commit its trace reached, with that
    /// commit applied, by the rules of a first-parent fix (`szzBlames`): its traced lines' writers (never the
    /// fix's own change `fix`); when they blame nothing, the context's; and for each neighbourhood the newer
    /// neighbour, `recent` as there, its count the larger where the context was blamed.
    static func branchFixBlames(
        _ files: [BranchFixTrace.FileRanges], fix: Int, ownership: LineOwnership, changeOfOrigin: [Int],
        recent: (Int) -> Bool
    ) -> [Int: Int] {
        func runs(_ path: String, _ ranges: [BranchFixTrace.LineRange]) -> [LineOwnership.Run] {
            guard !ranges.isEmpty else { return [] }
            return Self.blamable(
                ownership.origins(of: path, ranges: ranges.map { (start: $0.start, count: $0.count) }), fix: fix,
                changeOfOrigin)
        }
        var blames: [Int: Int] = [:]
        func blame(_ runs: [LineOwnership.Run]) {
            for run in runs { blames[changeOfOrigin[Int(run.origin)], default: 0] += run.count }
        }
        for file in files { blame(runs(file.path, file.ranges)) }
        let inContext = blames.isEmpty
        if inContext { for file in files { blame(runs(file.path, file.context)) } }
        var near: [Int: Int] = [:]
        for file in files {
            for hood in file.neighbourhoods {
                let found = Self.newerNeighbour(
                    own: runs(file.path, hood.lines), around: runs(file.path, hood.around),
                    changeOfOrigin: changeOfOrigin, recent: recent)
                if let found { near[found.change, default: 0] += found.lines }
            }
        }
        blames.merge(near, uniquingKeysWith: inContext ? max : (+))
        return blames
    }

    /// A merge's blames from its branch's fix commits: per change blamed, the sum over its traced commits, or
    /// the lines its own diff traced to that change when that is more. A merge whose own title is a fix is
    /// traced both ways (ADR 0025, second addendum): a line of the branch fixes that survives into the merge's
    /// diff is in both counts, and the traces resolve lines at different first-parent positions, so their
    /// union cannot be counted; the larger count never counts a line twice, and is the union where one trace
    /// holds the other.
    static func addBranchBlames(_ facts: inout [ChangeFacts]) {
        for i in facts.indices where facts[i].branchFixes > 0 {
            var sum: [Int: Int] = [:]
            for fix in facts[i].tracedFixes.suffix(facts[i].branchFixes) {
                sum.merge(fix.blames, uniquingKeysWith: +)
            }
            for (target, lines) in sum { facts[i].blames[target] = max(facts[i].blames[target] ?? 0, lines) }
        }
    }

    /// The traces of fixes inside merged branches, for the ownership pass: each becomes a traced fix of the
    /// change that holds its commit; the ranges it left at first-parent positions are returned by position,
    /// with the change and the index of its traced fix, for the pass to blame once it has applied that commit
    /// (never the fix's own change). Traces of commits no change holds add nothing.
    static func branchTraces(
        _ traces: [BranchFixTrace], order: [ObjectID], changeOfCommit: [ObjectID: Int],
        into facts: inout [ChangeFacts]
    ) -> [Int: [(change: Int, fix: Int, files: [BranchFixTrace.FileRanges])]] {
        guard !traces.isEmpty else { return [:] }
        var position: [ObjectID: Int] = [:]
        for (i, id) in order.enumerated() where position[id] == nil { position[id] = i }
        var at: [Int: [(change: Int, fix: Int, files: [BranchFixTrace.FileRanges])]] = [:]
        for trace in traces {
            guard let c = changeOfCommit[trace.fix] else { continue }
            facts[c].tracedFixes.append(TracedFix(commit: trace.fix))
            facts[c].branchFixes += 1
            for pending in trace.pending {
                guard let p = position[pending.commit] else { continue }
                at[p, default: []].append((change: c, fix: facts[c].tracedFixes.count - 1, files: pending.files))
            }
        }
        return at
    }
}

/// One change and the commit records its per-change facts read.
struct ChangeRecords {
    var change: LandedChange
    /// The landing commit (without files).
    var landing: CommitRecord
    /// The merged branch's commits, or the pull request's behind a squash; nil when history does not show them.
    var branchIDs: [ObjectID]?
    /// Their records, with files but without hunks (those that were mined).
    var branch: [CommitRecord]
    /// An applied group's other commits (without files), whose trailers may name reviewers.
    var series: [CommitRecord] = []
    /// The keys of the change's author and co-authors.
    var people: Set<String>

    init(change: LandedChange, landing: CommitRecord, branchIDs: [ObjectID]?, branch: [CommitRecord]) {
        self.change = change
        self.landing = landing
        self.branchIDs = branchIDs
        self.branch = branch
        self.people = Set([change.author.key] + change.coAuthors.map(\.key))
    }

    /// The records of `change` in the analysis input; nil when its landing commit was not mined.
    init?<Store>(_ change: LandedChange, input: DeliveryAnalyzer.Input<Store>) {
        guard let landing = input.commits.record(change.commit, withFiles: false) else { return nil }
        let ids =
            change.kind == .merge || change.kind == .integration
            ? change.commits : input.pullRequestCommits[change.commit]
        self.init(
            change: change, landing: landing, branchIDs: ids,
            branch: ids?.compactMap { input.commits.record($0, withFiles: true, withHunks: false) } ?? [])
        if change.kind == .applied {
            series = change.commits.filter { $0 != change.commit }.compactMap {
                input.commits.record($0, withFiles: false)
            }
        }
    }
}
