package import HistoryModel

/// Turns the first-parent line into landed changes. Pure: it reads records only (ADR 0003).
package struct LandedChangeClassifier: Sendable {
    /// E-mail addresses (lower-case) of forges that commit on a user's behalf when they rebase-merge.
    package var forgeCommitterEmails: Set<String>

    package init(forgeCommitterEmails: Set<String> = ["noreply@github.com"]) {
        self.forgeCommitterEmails = forgeCommitterEmails
    }

    /// Classifies `mainline` (newest first) into landed changes, newest first. A multi-commit rebase or applied
    /// group gets one reviewed diff (`first^..last`) whose files the caller fills in; every other change's files
    /// come from the records.
    package func classify(
        mainline: [ObjectID], commits: some HistoryStore, workers: Int = 1, parallelFrom: Int = 256
    ) -> [LandedChange] {
        // Which commits form each change is decided in order (rebase runs group neighbours); each change is
        // then built on its own, on `workers` threads (a merge's change reads its whole branch).
        var units: [ClassificationUnit] = []
        var rebaseRun: [CommitRecord] = []  // oldest first
        var runKind = ChangeKind.rebase

        func flushRebaseRun() {
            guard !rebaseRun.isEmpty else { return }
            units.append(.rebase(rebaseRun, runKind))
            rebaseRun.removeAll()
        }

        // Each first-parent record is decoded once, oldest first. A change keeps line counts, not hunks (line
        // ownership reads the records themselves).
        let records = mainline.reversed().compactMap { commits.record($0, withFiles: true, withHunks: false) }
        let rebased = Self.rebasedRuns(records)
        for record in records {
            var kind = Self.kind(of: record, forgeCommitterEmails: forgeCommitterEmails)
            if kind == .direct && rebased.contains(record.id) { kind = .applied }
            if kind == .rebase || kind == .applied {
                if let last = rebaseRun.last, kind != runKind || !Self.sameSitting(last, record, kind: kind) {
                    flushRebaseRun()
                }
                runKind = kind
                rebaseRun.append(record)
                continue
            }
            flushRebaseRun()
            units.append(kind == .merge ? .merge(record) : .single(record, kind))
        }
        flushRebaseRun()
        let build: @Sendable (ClassificationUnit) -> LandedChange = { [self] unit in
            switch unit {
            case .merge(let record): return mergeChange(record, commits: commits)
            case .single(let record, let kind): return singleChange(record, kind: kind)
            case .rebase(let run, let kind): return rebaseChange(run, kind: kind)
            }
        }
        let changes =
            workers > 1 && units.count >= parallelFrom
            ? ((try? Parallel.map(units, workers: workers, chunk: 64, context: {}) { _, unit in build(unit) })
                ?? units.map(build))
            : units.map(build)
        return changes.reversed()
    }

    /// Commits of runs that a maintainer applied for others (kind `applied`): two or more consecutive
    /// single-parent first-parent commits by the same committer in one sitting (`sameSitting`), at least one
    /// authored by someone else, as `git am` or a local rebase of a contributor's series leaves them.
    /// (A forge's "Rebase and merge" is recognised by its committer address instead: kind `rebase`.)
    /// `records`: the first-parent records, oldest first.
    static func rebasedRuns(_ records: [CommitRecord]) -> Set<ObjectID> {
        var out = Set<ObjectID>()
        var run: [CommitRecord] = []
        func flush() {
            if run.count >= 2
                && run.contains(where: { $0.author.email.lowercased() != $0.committer.email.lowercased() })
            {
                for r in run { out.insert(r.id) }
            }
            run.removeAll()
        }
        for r in records {
            let candidate =
                !r.isMerge && ChangeNumbers.squashNumber(subject: r.subject) == nil
                && !r.trailers.contains(where: { $0.key.lowercased() == "reviewed-on" })
            guard candidate else {
                flush()
                continue
            }
            if let last = run.last, !sameSitting(last, r, kind: .applied) { flush() }
            run.append(r)
        }
        flush()
        return out
    }

    /// Longest gap between the committer times of two neighbouring commits of one applied series.
    static let appliedGapSeconds: Int64 = 60

    /// Whether `next` continues the run that `last` (its first-parent predecessor) belongs to: the same
    /// committer, and for a forge's rebase the same committer time, for an applied series at most
    /// `appliedGapSeconds` later.
    static func sameSitting(_ last: CommitRecord, _ next: CommitRecord, kind: ChangeKind) -> Bool {
        guard last.committer.email.lowercased() == next.committer.email.lowercased() else { return false }
        if kind == .applied {
            let gap = next.committer.time - last.committer.time
            return gap >= 0 && gap <= appliedGapSeconds
        }
        return last.committer.time == next.committer.time
    }

    /// The kind of one first-parent commit, before rebase runs are grouped.
    package static func kind(of record: CommitRecord, forgeCommitterEmails: Set<String>) -> ChangeKind {
        if record.isMerge { return .merge }
        if ChangeNumbers.squashNumber(subject: record.subject) != nil { return .squash }
        if record.trailers.contains(where: { $0.key.lowercased() == "reviewed-on" }) { return .gerrit }
        if forgeCommitterEmails.contains(record.committer.email.lowercased())
            && record.author.email.lowercased() != record.committer.email.lowercased()
        {
            return .rebase
        }
        return .direct
    }

    private func singleChange(_ record: CommitRecord, kind: ChangeKind) -> LandedChange {
        let number: Int?
        switch kind {
        case .squash: number = ChangeNumbers.squashNumber(subject: record.subject)
        case .gerrit: number = ChangeNumbers.gerritNumber(trailers: record.trailers)
        default: number = nil
        }
        return LandedChange(
            kind: kind,
            number: number,
            commit: record.id,
            commits: [record.id],
            author: record.author.identity,
            coAuthors: Self.coAuthors([record], excluding: record.author.identity),
            title: record.subject,
            authoredAt: record.author.time,
            landedAt: record.committer.time,
            reviewedDiffs: [DiffRange(base: record.parents.first, tip: record.id)],
            files: record.files
        )
    }

    private func rebaseChange(_ run: [CommitRecord], kind: ChangeKind) -> LandedChange {
        guard let first = run.first, let last = run.last else { preconditionFailure("empty rebase run") }
        if run.count == 1 { return singleChange(first, kind: kind) }
        let author = Self.principalAuthor(run)
        return LandedChange(
            kind: kind,
            number: nil,
            commit: last.id,
            commits: run.reversed().map(\.id),
            author: author,
            coAuthors: Self.coAuthors(run, excluding: author),
            title: last.subject,
            authoredAt: run.map(\.author.time).min() ?? last.author.time,
            landedAt: last.committer.time,
            reviewedDiffs: [DiffRange(base: first.parents.first, tip: last.id)],
            files: []
        )
    }

    private func mergeChange(_ record: CommitRecord, commits: some HistoryStore) -> LandedChange {
        var branchIDs: [ObjectID] = []
        var seen = Set<ObjectID>()
        for side in record.sideBranches {
            for c in side.commits where seen.insert(c).inserted { branchIDs.append(c) }
        }
        // Only the branch commits' people and times are read here.
        let branch = branchIDs.compactMap { commits.record($0, withFiles: false) }
        let author = branch.isEmpty ? record.author.identity : Self.principalAuthor(branch)
        return LandedChange(
            kind: IntegrationMerges.reason(record, branch: branch) == nil ? .merge : .integration,
            number: ChangeNumbers.mergeNumber(message: record.message),
            commit: record.id,
            commits: branchIDs,
            author: author,
            coAuthors: Self.coAuthors(branch.isEmpty ? [record] : branch, excluding: author),
            title: ChangeNumbers.mergeTitle(message: record.message),
            authoredAt: branch.map(\.author.time).min() ?? record.author.time,
            landedAt: record.committer.time,
            reviewedDiffs: record.sideBranches.map { DiffRange(base: $0.mergeBase, tip: $0.tip) },
            files: record.sideBranches.flatMap(\.reviewedFiles)
        )
    }

    /// The author of most of the commits; ties go to the earliest first commit, then to the identity order.
    static func principalAuthor(_ records: [CommitRecord]) -> Identity {
        var count: [String: (n: Int, first: Int64, identity: Identity)] = [:]
        for r in records {
            let id = r.author.identity
            if let c = count[id.key] {
                count[id.key] = (c.n + 1, min(c.first, r.author.time), c.identity)
            } else {
                count[id.key] = (1, r.author.time, id)
            }
        }
        let best = count.values.min { a, b in
            if a.n != b.n { return a.n > b.n }
            if a.first != b.first { return a.first < b.first }
            return a.identity < b.identity
        }
        return best?.identity ?? Identity(name: "", email: "")
    }

    /// Distinct `Co-authored-by:` people over the records, minus `author`.
    static func coAuthors(_ records: [CommitRecord], excluding author: Identity) -> [Identity] {
        var seen: Set<String> = [author.key]
        var out: [Identity] = []
        for r in records {
            for id in r.coAuthors where seen.insert(id.key).inserted { out.append(id) }
        }
        return out.sorted()
    }
}

/// One landed change to build, as `LandedChangeClassifier.classify` groups the first-parent line.
private enum ClassificationUnit: Sendable {
    case merge(CommitRecord)
    case single(CommitRecord, ChangeKind)
    case rebase([CommitRecord], ChangeKind)
}
