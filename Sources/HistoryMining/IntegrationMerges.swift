package import HistoryModel

/// Recognises integration merges: merges that bring a long-lived branch into the analysed line (libgit2's
/// `Merge branch 'development'`, git's `Merge branch 'maint'`), many pull requests at once rather than one
/// (ADR 0018, docs/metrics.md "Integration merges"). Pure: it reads the merge and its branch's records.
package enum IntegrationMerges {
    /// A merged branch whose own first-parent line holds this many merge commits integrates others' work.
    package static let minimumSideMerges = 10

    /// Branch names that are long-lived by convention (git's own `maint`, `next`, `seen`; git-flow's
    /// `develop`; the default branch names), compared whole, after a remote prefix (`origin/`) is dropped.
    package static let longLivedNames: Set<String> = [
        "main", "master", "trunk", "develop", "development", "dev", "next", "maint", "stable", "seen", "pu",
    ]
    /// Prefixes of long-lived release and maintenance lines (`release/2.1`, `release-2.1`, `maint-2.45`,
    /// `stable-1.0`).
    package static let longLivedPrefixes: [String] = [
        "release/", "release-", "releases/", "maint-", "maint/", "stable-", "stable/", "support/",
    ]

    /// Why `merge` is an integration merge, or nil when it is an ordinary (pull-request or topic) merge.
    /// `branch` holds the records (files not needed) of the commits it brought in (`M^1..M^n`).
    package static func reason(_ merge: CommitRecord, branch: [CommitRecord]) -> String? {
        if let name = mergedBranchName(subject: merge.subject), isLongLived(name) {
            return "merges long-lived branch '\(name)'"
        }
        let byID = Dictionary(branch.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var merges = 0
        for side in merge.sideBranches {
            // The merged branch's own first-parent line, as far as it is new to the first parent.
            var next: ObjectID? = side.tip
            var seen = Set<ObjectID>()
            while let id = next, let record = byID[id], seen.insert(id).inserted {
                if record.isMerge { merges += 1 }
                next = record.parents.first
            }
        }
        if merges >= minimumSideMerges {
            return "merged branch's first-parent line holds \(merges) merges"
        }
        return nil
    }

    /// The branch of this repository a merge subject names, as `git merge` writes it: `Merge branch 'X'`,
    /// `Merge branch 'X' into Y`, `Merge remote-tracking branch 'origin/X'`, `Merge remote branch 'X'`, and
    /// git's own `Sync with 'X'` / `Sync with X` / `Sync with Git 2.45.1`. Nil for any other subject: `git pull`'s
    /// `Merge branch 'X' of URL` and a forge's `Merge pull request #N from user/master` name a fork's branch.
    package static func mergedBranchName(subject: String) -> String? {
        for opening in ["Merge branch '", "Merge remote-tracking branch '", "Merge remote branch '"] {
            guard subject.hasPrefix(opening) else { continue }
            let rest = subject.dropFirst(opening.count)
            guard let quote = rest.firstIndex(of: "'") else { return nil }
            // `Merge branch 'master' of https://github.com/user/fork`: a pull of another repository's branch, a
            // contribution like a forge's pull request; only the merged branch's own merges can make it one.
            if rest[rest.index(after: quote)...].hasPrefix(" of ") { return nil }
            return strippedRemote(String(rest[..<quote]))
        }
        if subject.hasPrefix("Sync with ") {
            var rest = subject.dropFirst("Sync with ".count)
            if rest.hasPrefix("'"), let quote = rest.dropFirst().firstIndex(of: "'") {
                return strippedRemote(String(rest.dropFirst()[..<quote]))
            }
            // `Sync with Git 2.45.1`: a release of the maintenance track.
            if rest.lowercased().hasPrefix("git ") { rest = rest.dropFirst(4) }
            rest = rest.prefix { !$0.isWhitespace }
            return rest.isEmpty ? nil : strippedRemote(String(rest))
        }
        return nil
    }

    /// `origin/maint` → `maint`, `upstream/release/2.0` → `release/2.0`; other names unchanged.
    static func strippedRemote(_ name: String) -> String {
        for remote in ["origin/", "upstream/", "refs/heads/", "refs/remotes/origin/"] where name.hasPrefix(remote) {
            return String(name.dropFirst(remote.count))
        }
        return name
    }

    /// Whether a branch name is long-lived by convention. Topic names (`jc/maint-fix`, `fix-master-doc`) are
    /// not: only the whole name, one of the release and maintenance prefixes, or a release version
    /// (`2.45.1`, `v1.0`) counts.
    package static func isLongLived(_ name: String) -> Bool {
        if longLivedNames.contains(name) { return true }
        let version = name.hasPrefix("v") ? name.dropFirst() : Substring(name)
        let parts = version.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count >= 2 && parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) {
            return true
        }
        return longLivedPrefixes.contains { name.hasPrefix($0) && name.count > $0.count }
    }
}
