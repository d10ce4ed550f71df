import Foundation
import TestSupport
import Testing

@testable import HistoryMetrics
@testable import HistoryModel

/// The fix detector over the labelled sample of docs/validation/fix-detection.md: 200 first-parent commits of
/// libgit2/libgit2 and git/git (seed 17), each labelled a defect fix or not by reading it. The fixture holds
/// their messages and labels; the confusion counts are the figures the document quotes.
struct FixDetectionTests {
    struct Labelled: Decodable {
        var history: String
        var commit: String
        var merge: Bool
        var title: String
        var message: String
        var defect: Bool
        var reason: String
    }

    static func labelled() throws -> [Labelled] {
        let url = URL(
            fileURLWithPath: SampleRepositories.packageRoot + "/Tests/HistoryMetricsTests/Fixtures/fix-detection.json")
        return try JSONDecoder().decode([Labelled].self, from: Data(contentsOf: url))
    }

    static func record(_ l: Labelled) -> CommitRecord {
        let person = Signature(name: "A", email: "a@example.com", time: 0, offsetMinutes: 0)
        let parent = ObjectID(hex: String(repeating: "1", count: 40))!
        let side = ObjectID(hex: String(repeating: "2", count: 40))!
        return CommitRecord(
            id: ObjectID(hex: l.commit)!, parents: l.merge ? [parent, side] : [parent], author: person,
            committer: person, message: l.message)
    }

    /// (true positives, false positives, false negatives, true negatives)
    static func confusion(_ options: DeliveryOptions, _ set: [Labelled]) -> [Int] {
        let rules = DeliveryAnalyzer.MessageRules(options)
        var counts = [0, 0, 0, 0]
        for l in set {
            let found = rules.isFix(record(l), title: l.title)
            counts[found ? (l.defect ? 0 : 1) : (l.defect ? 2 : 3)] += 1
        }
        return counts
    }

    @Test func theLabelledSetIsWhatTheDocumentDescribes() throws {
        let set = try Self.labelled()
        #expect(set.count == 200)
        #expect(set.filter { $0.history == "libgit2/libgit2" }.count == 100)
        #expect(set.filter { $0.history == "git/git" }.count == 100)
        #expect(set.filter(\.defect).count == 70)
        #expect(Set(set.map(\.commit)).count == 200)
        #expect(set.allSatisfy { !$0.reason.isEmpty })
    }

    @Test func theDefaultPatternsReachTheirMeasuredPrecision() throws {
        let set = try Self.labelled()
        // tp 26, fp 2: precision 26/28 = 92.9%; recall 26/70 = 37.1%.
        #expect(Self.confusion(DeliveryOptions(), set) == [26, 2, 44, 128])
    }

    @Test func theFormerPatternsWereLessPrecise() throws {
        let set = try Self.labelled()
        var former = DeliveryOptions()
        former.fixPatterns = [
            #"(?i)^(fix|bugfix|hotfix)(\(.+\))?!?:"#, #"(?i)\b(fix(es|ed|ing)?|bug ?fix|hotfix|bug)\b"#,
            #"(?i)^(fixes|closes|resolves|fixed|closed|resolved):?\s+\S*#\d+"#, #"(?i)^fixes:\s+[0-9a-f]{7,40}\b"#,
        ].compactMap { try? RegexPattern($0) }
        // With a merge's subject read when it is its title: tp 27, fp 15 (64.3%).
        #expect(Self.confusion(former, set) == [27, 15, 43, 115])
    }

    @Test func whatIsNotADefectOnAFixLine() {
        let rules = DeliveryAnalyzer.MessageRules(DeliveryOptions())
        func fix(_ message: String) -> Bool {
            let person = Signature(name: "A", email: "a@example.com", time: 0, offsetMinutes: 0)
            return rules.isFix(
                CommitRecord(
                    id: ObjectID(hex: String(repeating: "1", count: 40))!, parents: [], author: person,
                    committer: person, message: message))
        }
        #expect(fix("Fix crash when the index is empty"))
        #expect(fix("fix(parser): handle empty input"))
        #expect(fix("Merge fixes for the 2.1 release"))
        #expect(!fix("Fix MSVC compilation warnings"))
        #expect(!fix("fix(docs): broken link"))
        #expect(!fix("ci: fix the nightly build"))
        #expect(!fix("git-log.txt: fix an example"))
        #expect(!fix("Fix typo in error message"))
        #expect(!fix("Fix up examples code"))
        #expect(!fix("Fix the flaky tests"))
        #expect(!fix("i18n: fix untranslated strings"))
        // Issue and commit references stay strong signals.
        #expect(fix("Update docs\n\nFixes #12\n"))
        #expect(fix("Update docs\n\nFixes: 1234abcd (\"Add docs\")\n"))
    }

    @Test func theConfigurationDocumentListsTheDefaultPatterns() throws {
        let text = try String(
            contentsOfFile: SampleRepositories.packageRoot + "/docs/configuration.md", encoding: .utf8)
        let block = try #require(text.components(separatedBy: "```yaml\nfixPatterns:\n").dropFirst().first)
        let listed = block.components(separatedBy: "```").first?.split(separator: "\n").map {
            String($0.dropFirst("  - '".count).dropLast())
        }
        #expect(listed == DeliveryOptions.defaultFixPatterns.map(\.source))
    }
}
