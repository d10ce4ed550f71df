package import HistoryModel

extension CommitLink {
    /// A commit's links as an earlier run read them (a store keeps them, ADR 0019): a commit's tree, parents and
    /// committer time are fixed by its id.
    package init(id: ObjectID, tree: ObjectID, parents: [ObjectID], time committerTime: Int64) {
        self.id = id
        self.tree = tree
        self.parents = parents
        self.committerTime = committerTime
    }
}
