internal import HistoryMetrics
package import HistoryMining
package import HistoryModel

/// Which first-parent commit last wrote each line of files at a revision, as the line-ownership tracker
/// behind the rework and defect metrics sees it (`yardstick blame`). It mines the first-parent line
/// without merged branches and replays it, as the delivery analysis does.
package struct LineBlame {
    /// One line of a file: the first-parent commit that last wrote it (nil: unknown), and its text.
    package struct Line {
        package var commit: ObjectID?
        package var text: Substring
    }

    /// A file that cannot be blamed; its description is the one-line message.
    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    package var path: String
    package var options: MiningOptions

    /// `options.mergedBranches` is switched off: blame reads the first-parent line only.
    package init(path: String, options: MiningOptions) {
        self.path = path
        self.options = options
        self.options.mergedBranches = false
    }

    /// The lines of each of `paths` (relative to the repository root) at the mined tip, in order.
    /// `revision` names the tip in error messages.
    package func blame(_ paths: [String], revision: String) throws -> [(path: String, lines: [Line])] {
        let miner = Miner(path: path, options: options)
        let mined = try miner.mine()
        let (ownership, order) = LineOwnership.build(mainline: mined.mainline, commits: mined.commits)
        return try paths.map { path in
            guard let bytes = try miner.fileContents(path, at: mined.tip) else {
                throw Failure(description: "\(path): no such file at \(revision) (\(mined.tip.short))")
            }
            let lines = String(decoding: bytes, as: UTF8.self).split(omittingEmptySubsequences: false) {
                $0 == "\n" || $0 == "\r\n"
            }
            let count = bytes.last == 0x0A ? lines.count - 1 : lines.count
            guard let origins = ownership.lineOrigins(of: path), origins.count == count else {
                throw Failure(description: "\(path): binary, or its history could not be followed")
            }
            return (
                path,
                origins.enumerated().map { i, origin in
                    Line(commit: origin >= 0 ? order[Int(origin)] : nil, text: lines[i])
                }
            )
        }
    }
}
