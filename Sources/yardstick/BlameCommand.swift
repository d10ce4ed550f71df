import ArgumentParser
import Foundation
import HistoryMetrics
import HistoryMining
import HistoryModel
import MetricsReporting

struct BlameCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blame",
        abstract: "Show which first-parent commit last wrote each line, as Yardstick's line-ownership tracker knows it.",
        discussion: """
            One row per line: the full id of the first-parent commit that last wrote the line, the path, the \
            line number and the text. It should agree with `git blame --first-parent`; renames are followed.
            """
    )

    @Option(name: .long, help: "The revision to blame at (default: HEAD).")
    var at: String?

    @Option(name: .long, help: "The repository (default: the repository containing the current folder).")
    var repo: String?

    @Option(name: .long, help: "Worker threads for mining (default: number of cores).")
    var workers: Int?

    @Argument(help: "Files to blame, relative to the repository root.")
    var paths: [String]

    func run() throws {
        try Frontend.run {
            try Terminal.requireStandardOutput()
            var options = MiningOptions(branch: at, workers: workers, searchParents: repo == nil)
            options.mergedBranches = false
            let miner = Miner(path: repo ?? ".", options: options)
            let mined = try miner.mine()
            let (ownership, order) = LineOwnership.build(mainline: mined.mainline, commits: mined.commits)
            var out = ""
            for path in paths {
                guard let bytes = try miner.fileContents(path, at: mined.tip) else {
                    throw CLIError("\(path): no such file at \(at ?? "HEAD") (\(mined.tip.short))")
                }
                let lines = String(decoding: bytes, as: UTF8.self).split(omittingEmptySubsequences: false) {
                    $0 == "\n" || $0 == "\r\n"
                }
                let count = bytes.last == 0x0A ? lines.count - 1 : lines.count
                guard let origins = ownership.lineOrigins(of: path), origins.count == count else {
                    throw CLIError("\(path): binary, or its history could not be followed")
                }
                // One line per source line whatever the path and text hold: the path C-quoted when it has a
                // control character, `"` or `\`, the text with its control characters but tabs escaped.
                let shownPath = TextEscaping.quotedPath(path)
                for (i, origin) in origins.enumerated() {
                    let id = origin >= 0 ? order[Int(origin)].hex : String(repeating: "0", count: 40)
                    out += "\(id) \(shownPath) \(i + 1)) \(TextEscaping.terminal(String(lines[i]), keepingTabs: true))\n"
                }
            }
            try Terminal.writeStdout(out)
        }
    }
}
