internal import CLibGit2
package import HistoryModel

extension Repository {
    /// Every git note under `ref` (`refs/notes/ci`, `refs/notes/review`), read only: the annotated commit and
    /// the note's text (UTF-8, invalid bytes repaired), sorted by commit id. Nil when the ref does not exist.
    /// The corresponding C functions are `git_note_iterator_new` and `git_note_next`; the note blobs are
    /// read with `git_blob_lookup`.
    package func notes(ref: String) throws(GitError) -> [(commit: ObjectID, text: String)]? {
        var iterator: OpaquePointer?
        let rc = git_note_iterator_new(&iterator, handle, ref)
        if rc == GIT_ENOTFOUND.rawValue {
            git_note_iterator_free(iterator)
            return nil
        }
        try check(rc, "git_note_iterator_new")
        defer { git_note_iterator_free(iterator) }
        var pairs: [(note: ObjectID, commit: ObjectID)] = []
        while true {
            var noteID = git_oid()
            var annotated = git_oid()
            let next = git_note_next(&noteID, &annotated, iterator)
            if next == GIT_ITEROVER.rawValue { break }
            try check(next, "git_note_next")
            pairs.append(
                (withUnsafePointer(to: &noteID) { ObjectID($0) }, withUnsafePointer(to: &annotated) { ObjectID($0) }))
        }
        var out: [(commit: ObjectID, text: String)] = []
        out.reserveCapacity(pairs.count)
        for (note, commit) in pairs.sorted(by: { $0.commit < $1.commit }) {
            let blob = try Blob(id: note, in: self)
            let text = withExtendedLifetime(blob) { String(decoding: blob.bytes, as: UTF8.self) }
            out.append((commit, text))
        }
        return out
    }
}
