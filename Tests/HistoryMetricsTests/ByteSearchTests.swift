import Testing

@testable import HistoryMetrics
@testable import HistoryModel

struct ByteSearchTests {
    @Test func containsFindsBytesAnywhere() {
        #expect(ByteSearch.contains("abc (cherry picked from commit 1234)", "(cherry picked from commit "))
        #expect(ByteSearch.contains("x", "x"))
        #expect(ByteSearch.contains("anything", ""))
        #expect(!ByteSearch.contains("", "a"))
        #expect(!ByteSearch.contains("cherry picked", "(cherry picked from commit "))
        #expect(!ByteSearch.contains("This reverts commi", "This reverts commit "))
        // A needle at the very end, and one that starts with a repeated first byte.
        #expect(ByteSearch.contains("aaab", "ab"))
        #expect(ByteSearch.contains("zzzThis reverts commit ", "This reverts commit "))
    }

    @Test func containsAnyLowercasedIgnoresAsciiCase() {
        #expect(ByteSearch.containsAnyLowercased("Fix the parser", ["fix"]))
        #expect(ByteSearch.containsAnyLowercased("BUGFIX: overflow", ["close", "fix"]))
        #expect(ByteSearch.containsAnyLowercased("Address REVIEW comments", ["fixup!", "review"]))
        #expect(!ByteSearch.containsAnyLowercased("Add a feature", ["fix", "bug", "close", "resolve"]))
        #expect(!ByteSearch.containsAnyLowercased("", ["fix"]))
        // Non-ASCII text around a match is left alone.
        #expect(ByteSearch.containsAnyLowercased("Ünïcödé FIXES ✓", ["fixe"]))
        #expect(ByteSearch.containsAnyLowercased(Substring("xxFIXUP! yy").dropFirst(2), ["fixup!"]))
    }

    @Test func messageRulesGiveTheSameAnswersWithThePrefilters() {
        let rules = DeliveryAnalyzer.MessageRules(DeliveryOptions())
        func record(_ message: String) -> CommitRecord {
            CommitRecord(
                id: ObjectID(hex: String(repeating: "1", count: 40))!, parents: [],
                author: Signature(name: "A", email: "a@example.com", time: 0, offsetMinutes: 0),
                committer: Signature(name: "A", email: "a@example.com", time: 0, offsetMinutes: 0), message: message)
        }
        #expect(rules.isFix(record("Parser: handle empty input\n\nFixes #12: a crash\n")))
        #expect(rules.isFix(record("Parser: handle empty input\n\nFIXES: #12 crashed\n")))
        #expect(!rules.isFix(record("Parser: handle empty input\n\nFIXES: #12\n")))
        #expect(!rules.isFix(record("Parser: handle empty input\n\nCLOSES: #12\n")))
        #expect(!rules.isFix(record("Parser: handle empty input\n\nSee #12\n")))
        #expect(rules.isFixup(record("fixup! Parser: handle empty input")))
        #expect(!rules.isFixup(record("Parser: handle empty input")))
        let revert = record("Revert \"x\"\n\nThis reverts commit \(String(repeating: "ab", count: 20)).\n")
        #expect(DeliveryAnalyzer.MessageRules.revertedCommit(revert)?.hex == String(repeating: "ab", count: 20))
        #expect(DeliveryAnalyzer.MessageRules.revertedCommit(record("Revert nothing")) == nil)
        #expect(
            DeliveryAnalyzer.MessageRules.fixedCommitPrefixes(record("x\n\nfixes: 1234abcd (\"y\")\n")) == ["1234abcd"])
        #expect(DeliveryAnalyzer.MessageRules.fixedCommitPrefixes(record("x\n\nNo fix line\n")) == [])
        #expect(DeliveryAnalyzer.isCherryPick(record("x\n\n(cherry picked from commit abc)\n")))
        #expect(!DeliveryAnalyzer.isCherryPick(record("x\n\ncherry picked\n")))
    }
}
