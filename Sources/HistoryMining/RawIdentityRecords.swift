internal import GitBridge
package import HistoryModel
internal import Synchronization

/// Records kept with the identities git recorded, the `.mailmap` applied when a run reads them (ADR 0019): a
/// `.mailmap` edit then re-mines nothing. A record mined with a `.mailmap` equals the record mined without one
/// and then passed through `IdentityMapping.apply` with it: the author, the committer, the co-authors and the
/// reviewers are the only fields the `.mailmap` changes, and each is resolved from the same name and address.
/// (One difference is possible: a name or address that is not valid UTF-8 is repaired when read, so a
/// `.mailmap` entry matching its raw bytes matches when mining, not afterwards.)
package final class IdentityMapping: Sendable {
    private struct State: ~Copyable {
        let mailmap: Mailmap
        var resolved: [Identity: Identity] = [:]
    }

    private let state: Mutex<State>
    /// False for no `.mailmap` (or an empty one): records are returned as they are.
    private let maps: Bool

    /// Parses the `.mailmap` contents read at the tip (`TipState.mailmap`); nil or empty maps nobody.
    package init(mailmap contents: [UInt8]?) throws(MiningError) {
        maps = !(contents ?? []).isEmpty
        do {
            state = Mutex(State(mailmap: try Mailmap(contents: maps ? contents : nil)))
        } catch {
            throw MiningError.git(path: ".mailmap", error)
        }
    }

    /// `record` as mining it with this `.mailmap` gives, from the record mined without one.
    package func apply(_ record: CommitRecord) -> CommitRecord {
        guard maps else { return record }
        return state.withLock { s in
            func map(_ identity: Identity) -> Identity {
                if let known = s.resolved[identity] { return known }
                let mapped = s.mailmap.resolve(identity)
                s.resolved[identity] = mapped
                return mapped
            }
            var out = record
            let author = map(record.author.identity)
            out.author.name = author.name
            out.author.email = author.email
            let committer = map(record.committer.identity)
            out.committer.name = committer.name
            out.committer.email = committer.email
            out.coAuthors = record.coAuthors.map(map)
            out.reviewers = record.reviewers.map(map)
            return out
        }
    }
}

extension Miner {
    /// The records as mining them without a `.mailmap` gives (what a store keeps): the author and committer
    /// read again from each commit, the co-authors and reviewers taken again from the trailers (kept as
    /// written). Records of a tip without a `.mailmap` are returned as they are.
    package func rawIdentityRecords(_ records: [CommitRecord], mailmap contents: [UInt8]?) throws(MiningError)
        -> [CommitRecord]
    {
        guard let contents, !contents.isEmpty, !records.isEmpty else { return records }
        let repositoryPath = path
        let search = options.searchParents
        do {
            return try Parallel.map(
                records, workers: options.workers, chunk: 64,
                context: { () throws -> (Repository, Mailmap) in
                    (try Repository(path: repositoryPath, searchParents: search), try Mailmap(contents: nil))
                }
            ) { context, record in
                let header = try context.0.commitHeader(record.id, mailmap: context.1)
                var raw = record
                raw.author = header.author
                raw.committer = header.committer
                raw.coAuthors = record.trailers.filter { $0.key.lowercased() == "co-authored-by" }
                    .compactMap { Message.identity($0.value) }
                raw.reviewers = record.trailers.filter { Trailer.reviewKeys.contains($0.key.lowercased()) }
                    .compactMap { Message.identity($0.value) }
                return raw
            }
        } catch let error as GitError {
            throw MiningError.git(path: path, error)
        } catch {
            throw MiningError.git(path: path, GitError(code: -1, message: "\(error)", function: "rawIdentityRecords"))
        }
    }
}
