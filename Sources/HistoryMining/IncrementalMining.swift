internal import GitBridge
package import HistoryModel

/// Records already mined by an earlier run (a persistent store's, ADR 0019), by commit and role: a commit mined
/// on the first-parent line has hunks, one mined off it counts only. A record depends on its commit, its role
/// and the record context (`TipState.recordContext`); the store keeps them only for one context.
package struct KnownRecords: Sendable {
    let lookup: @Sendable (ObjectID, _ onMainline: Bool) -> CommitRecord?
    /// Whether the records hold the identities git recorded (a store's): the miner then applies the tip's
    /// `.mailmap` to each one it takes (`applying(mailmap:)`).
    let rawIdentities: Bool

    package init(
        rawIdentities: Bool = false, _ lookup: @escaping @Sendable (ObjectID, _ onMainline: Bool) -> CommitRecord?
    ) {
        self.rawIdentities = rawIdentities
        self.lookup = lookup
    }

    /// These records as mined with the `.mailmap` `contents`: unchanged unless they hold raw identities.
    func applying(mailmap contents: [UInt8]?) throws(MiningError) -> KnownRecords {
        guard rawIdentities else { return self }
        let mapping = try IdentityMapping(mailmap: contents)
        let lookup = self.lookup
        return KnownRecords { id, onMainline in lookup(id, onMainline).map(mapping.apply) }
    }
}

/// What the tip holds that decides whether stored records and a stored report still apply, read without
/// walking history.
package struct TipState: Sendable {
    package var gitDirectory: String
    package var tip: ObjectID
    package var branchName: String
    package var mailmap: [UInt8]?
    package var shallowBoundaries: [ObjectID]
    /// Pull-request head refs, by number.
    package var pullHeads: [Int: ObjectID]
    /// `.gitattributes` files at the tip.
    package var attributeFiles: [(path: String, contents: String)]
    /// The keys of the packs whose checksums were checked (or trusted) when the repository was opened
    /// (`Miner.trustPackChecks`): a store keeps them for the next run.
    package var passedPackChecks: [String] = []

    /// What every stored record depends on besides its commit and role: the shallow boundaries (which cut side
    /// branches) and the encoding. Not the `.mailmap`: stored records keep the identities git recorded, and the
    /// `.mailmap` is applied when a run reads them (`IdentityMapping`), so an edit of it re-mines nothing.
    package var recordContext: String {
        var text = "records-v2\n"
        for b in shallowBoundaries.sorted() { text += "shallow \(b)\n" }
        return text
    }
}

extension Miner {
    /// Opens the repository and reads the tip (phase 1 alone), with the same errors as `mine`.
    package func tipState() throws(MiningError) -> TipState {
        do {
            let opened = try openRepository()
            return TipState(
                gitDirectory: opened.gitDirectory, tip: opened.tip, branchName: opened.branchName,
                mailmap: opened.mailmap,
                shallowBoundaries: opened.shallowBoundaries, pullHeads: opened.pullHeads,
                attributeFiles: opened.attributeFiles, passedPackChecks: opened.repository.passedPackChecks)
        } catch let error as MiningError {
            throw error
        } catch let error as GitError {
            throw MiningError.git(path: path, error)
        } catch {
            throw MiningError.git(path: path, GitError(code: -1, message: "\(error)", function: "tipState"))
        }
    }

    /// The repository's git directory, found as `tipState` finds it but without reading or checking anything
    /// (the `--store default` file is named after it before the store's pack checks are known).
    package func gitDirectory() throws(MiningError) -> String {
        do {
            return try Repository.gitDirectory(path: path, searchParents: options.searchParents)
        } catch {
            if error.isNotFound { throw MiningError.notARepository(path: path) }
            throw MiningError.git(path: path, error)
        }
    }

    /// Takes the packs with these keys (`TipState.passedPackChecks` of an earlier run) as checked, so that their
    /// checksums are not computed again in this process (ADR 0011, ADR 0019). A pack replaced, rewritten in
    /// place or touched has another key and is checked. Call it before the repository is opened.
    package static func trustPackChecks(_ keys: [String]) {
        ObjectVerification.trustPackChecks(keys)
    }

    /// `records(for:mailmap:)`, taking what `known` holds (off the first-parent line) instead of mining it.
    package func records(for ids: [ObjectID], mailmap contents: [UInt8]?, reusing known: KnownRecords?)
        throws(MiningError) -> [CommitRecord]
    {
        guard let known else { return try records(for: ids, mailmap: contents) }
        var found: [ObjectID: CommitRecord] = [:]
        for id in ids { found[id] = known.lookup(id, false) }
        let mined = try records(for: ids.filter { found[$0] == nil }, mailmap: contents)
        for r in mined { found[r.id] = r }
        return ids.compactMap { found[$0] }
    }
}

extension Worker {
    /// `records(for:)`, taking the records `known` holds instead of mining them. A known first-parent record
    /// already has its side branches, so a branch commit that is not known still finds the reviewed diff it
    /// may share.
    func records(for task: MiningTask, reusing known: KnownRecords) throws -> [CommitRecord] {
        let reuseMain = known.lookup(task.link.id, true)
        if reuseMain != nil, task.branch.allSatisfy({ known.lookup($0.id, false) != nil }) {
            return [reuseMain!] + task.branch.compactMap { known.lookup($0.id, false) }
        }
        // A new first-parent commit: its branch commits are new too (the newest merge claims them), so all are mined.
        guard let main = reuseMain else { return try records(for: task) }
        var out = [main]
        for link in task.branch {
            if let r = known.lookup(link.id, false) {
                out.append(r)
                continue
            }
            let header = try repository.commitHeader(link.id, mailmap: mailmap)
            let side = main.sideBranches.first { $0.tip == header.id }
            let knownFiles = side.flatMap {
                $0.mergeBase == header.parents.first && header.parents.count == 1 ? $0.reviewedFiles : nil
            }
            out.append(try record(for: header, onMainline: false, sides: [], knownFiles: knownFiles))
        }
        return out
    }
}
