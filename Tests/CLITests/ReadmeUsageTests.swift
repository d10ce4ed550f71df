import Foundation
import TestSupport
import Testing

/// The README's usage block matches the commands' `--help` (issue 14: docs that match behaviour). Each
/// command's lines in the block name only options its `--help` lists, and every option a `--help` lists is
/// named somewhere in the README, so neither can drift from the other unnoticed.
@Suite struct ReadmeUsageTests {
    static let readme: String = {
        (try? String(contentsOfFile: SampleRepositories.packageRoot + "/README.md", encoding: .utf8)) ?? ""
    }()

    /// The fenced block under `## Usage`, one entry per command: the command's first line and the indented
    /// lines that continue it.
    static func usageLines() -> [String: [String]] {
        guard let usage = readme.range(of: "## Usage\n\n```\n") else { return [:] }
        let block = readme[usage.upperBound...]
        let body = block[..<(block.range(of: "\n```")?.lowerBound ?? block.endIndex)]
        var commands: [String: [String]] = [:]
        var current: String?
        for line in body.split(separator: "\n").map(String.init) {
            if line.hasPrefix("yardstick ") {
                let name = String(line.split(separator: " ")[1])
                current = name
                commands[name, default: []].append(line)
                // `yardstick sign … yardstick keygen …` share a line: the second starts a command of its own.
                if let second = line.range(of: " yardstick ", range: line.index(after: line.startIndex)..<line.endIndex)
                {
                    let rest = String(line[second.upperBound...])
                    let other = String(rest.split(separator: " ")[0])
                    commands[name]![commands[name]!.count - 1] = String(line[..<second.lowerBound])
                    commands[other, default: []].append("yardstick " + rest)
                    current = other
                }
            } else if let current, line.hasPrefix(" ") {
                commands[current, default: []].append(line)
            }
        }
        return commands
    }

    static func options(in text: String) -> Set<String> {
        let regex = try! NSRegularExpression(pattern: "(?<![A-Za-z0-9-])--[a-z][a-z0-9-]*")
        let range = NSRange(text.startIndex..., in: text)
        return Set(regex.matches(in: text, range: range).map { String(text[Range($0.range, in: text)!]) })
    }

    static let commands = ["analyze", "history", "groups", "blame", "verify", "sign", "keygen", "fleet", "report"]

    @Test func theUsageBlockNamesEveryCommand() {
        #expect(Set(Self.usageLines().keys).isSuperset(of: Self.commands))
    }

    @Test(arguments: commands) func usageLinesNameOnlyOptionsTheCommandHas(command: String) throws {
        let help = Command.run(Command.yardstick, [command, "--help"])
        #expect(help.status == 0, "\(help.stderr)")
        let lines = try #require(Self.usageLines()[command], "README usage has no line for \(command)")
        let named = Self.options(in: lines.joined(separator: "\n"))
        let known = Self.options(in: help.stdout)
        #expect(named.subtracting(known).sorted() == [], "README names options 'yardstick \(command) --help' lacks")
    }

    @Test(arguments: commands) func everyOptionOfHelpIsInTheReadme(command: String) {
        let help = Command.run(Command.yardstick, [command, "--help"])
        let missing = Self.options(in: help.stdout).subtracting(["--help", "--version"]).filter {
            !Self.readme.contains($0)
        }
        #expect(missing.sorted() == [], "'yardstick \(command) --help' options the README never names")
    }
}
