/// Where the stages after mining read commit records: classification, the delivery analysis, report building
/// and line ownership take `some HistoryStore` (ADR 0013). `CommitStore` is today's implementation (encoded
/// records in blocks, held in memory or spilled through a `BlockSpill`); a store that persists records between
/// runs (SQLite for nightly runs, PostgreSQL for many repositories) implements the same requirements.
///
/// The stages are generic over the store rather than taking `any HistoryStore`, so that a concrete store's
/// reads are direct calls in the hot loops (ADR 0013 measures both).
///
/// A store is a value: copies are independent for what they insert, as `CommitStore`'s are.
public protocol HistoryStore: Sendable {
    /// Records held.
    var count: Int { get }

    /// Ids in insertion order. The miner inserts records as its workers finish, so nothing computed from a
    /// store may depend on this order (as with a dictionary's).
    var ids: [ObjectID] { get }

    func contains(_ id: ObjectID) -> Bool

    /// The record with this id, decoded; nil when there is none. Without `withFiles`, `files` and
    /// `sideBranches` are empty (for readers of a commit's people, times and message); without `withHunks`,
    /// every file is read without its hunks (for readers of line counts).
    func record(_ id: ObjectID, withFiles: Bool, withHunks: Bool) -> CommitRecord?

    /// Stores a record; a record with the same id replaces the one before (keeping its place in the order).
    mutating func insert(_ record: CommitRecord)
}

extension HistoryStore {
    @inlinable public var isEmpty: Bool { count == 0 }

    /// The record with this id with its files and hunks.
    @inlinable public subscript(id: ObjectID) -> CommitRecord? { record(id, withFiles: true, withHunks: true) }

    /// The record with this id; with its files' hunks whenever `withFiles` is set.
    @inlinable public func record(_ id: ObjectID, withFiles: Bool) -> CommitRecord? {
        record(id, withFiles: withFiles, withHunks: true)
    }

    /// Every record, decoded one at a time, in insertion order.
    @inlinable public var records: some Sequence<CommitRecord> { ids.lazy.compactMap { self[$0] } }

    @inlinable public mutating func insert<S: Sequence>(contentsOf records: S) where S.Element == CommitRecord {
        for r in records { insert(r) }
    }
}
