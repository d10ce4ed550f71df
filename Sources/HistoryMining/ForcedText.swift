internal import HistoryModel
package import HistoryParsing

/// The tip's `.gitattributes` when some rule sets `diff` (`GitAttributes.setsDiff`): git diffs such paths as text
/// whatever their content, so the miner counts their lines although they hold NUL bytes (`TreeDiffer.forcesText`).
/// Records then depend on these files too: `TipState.recordContext` names them.
package struct ForcedText: Sendable {
    package let attributes: GitAttributes
    /// The FNV-1a 64 of the `.gitattributes` files (path and contents, in path order), for the record context.
    package let digest: String

    /// Whether git diffs `path` as text whatever its content.
    package func forces(_ path: String) -> Bool { attributes.forcesText(path) }

    /// Nil when no rule of `files` sets `diff` (most repositories): nothing is forced, and records do not depend
    /// on the `.gitattributes` files.
    package init?(files: [(path: String, contents: String)]) {
        let attributes = GitAttributes(files: files)
        guard attributes.setsDiff else { return nil }
        self.attributes = attributes
        var bytes: [UInt8] = []
        for file in files.sorted(by: { $0.path < $1.path }) {
            bytes += Array(file.path.utf8) + [0] + Array(file.contents.utf8) + [0]
        }
        digest = String(FNV1a.hash64(bytes), radix: 16)
    }
}
