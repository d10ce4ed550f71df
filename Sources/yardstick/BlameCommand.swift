import ArgumentParser
import HistoryMining
import HistoryModel
import MetricsReporting
import YardstickAnalysis

struct BlameCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blame",
        abstract:
            "Show which first-parent commit last wrote each line, as Yardstick's line-ownership tracker knows it.",
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
            let blame = LineBlame(
                path: repo ?? ".", options: MiningOptions(branch: at, workers: workers, searchParents: repo == nil))
            var out = ""
            for file in try blame.blame(paths, revision: at ?? "HEAD") {
                // One line per source line whatever the path and text hold: the path C-quoted when it has a
                // control character, `"` or `\`, the text with its control characters but tabs escaped.
                let shownPath = TextEscaping.quotedPath(file.path)
                for (i, line) in file.lines.enumerated() {
                    let id = line.commit?.hex ?? String(repeating: "0", count: 40)
                    out +=
                        "\(id) \(shownPath) \(i + 1)) \(TextEscaping.terminal(String(line.text), keepingTabs: true))\n"
                }
            }
            try Terminal.writeStdout(out)
        }
    }
}
