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

/// The identities git recorded for mined records (what a store keeps, ADR 0019): the author and committer read
/// again from each commit, the co-authors and reviewers taken again from the trailers (kept as written).
package struct RawIdentities: Sendable {
    /// Per commit, its signatures as git recorded them; nil when the tip has no `.mailmap` (records are raw).
    let signatures: [ObjectID: (author: Signature, committer: Signature)]?

    /// `record` as mining it without a `.mailmap` gives.
    package func apply(_ record: CommitRecord) -> CommitRecord {
        guard let signatures, let raw = signatures[record.id] else { return record }
        var out = record
        out.author = raw.author
        out.committer = raw.committer
        out.coAuthors = record.trailers.filter { $0.key.lowercased() == "co-authored-by" }
            .compactMap { Message.identity($0.value) }
        out.reviewers = record.trailers.filter { Trailer.reviewKeys.contains($0.key.lowercased()) }
            .compactMap { Message.identity($0.value) }
        return out
    }
}

extension Miner {
    /// The raw identities of the commits `ids`, read with the mining workers; none to read when the tip's
    /// `.mailmap` (`contents`) is missing or empty. Only the signatures are held, so that the records themselves
    /// are decoded one chunk at a time when they are saved.
    package func rawIdentities(of ids: [ObjectID], mailmap contents: [UInt8]?) throws(MiningError) -> RawIdentities {
        guard let contents, !contents.isEmpty else { return RawIdentities(signatures: nil) }
        let repositoryPath = path
        let search = options.searchParents
        do {
            let read = try Parallel.map(
                ids, workers: options.workers, chunk: 64,
                context: { () throws -> (Repository, Mailmap) in
                    (try Repository(path: repositoryPath, searchParents: search), try Mailmap(contents: nil))
                }
            ) { context, id in
                let header = try context.0.commitHeader(id, mailmap: context.1)
                return (author: header.author, committer: header.committer)
            }
            var signatures: [ObjectID: (author: Signature, committer: Signature)] = [:]
            signatures.reserveCapacity(ids.count)
            for (id, s) in zip(ids, read) { signatures[id] = s }
            return RawIdentities(signatures: signatures)
        } catch let error as GitError {
            throw MiningError.git(path: path, error)
        } catch {
            throw MiningError.git(path: path, GitError(code: -1, message: "\(error)", function: "rawIdentities"))
        }
    }
}
