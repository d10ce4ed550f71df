import Foundation
import ReportContract
import TestSupport
import Testing

/// The JSON report of every sample repository, as `yardstick analyze` writes it (`JSONTextEncoder`, ADR 0013),
/// against the reference writer: the same report, read back and written by `JSONEncoder` with the contract's
/// options, gives the same bytes.
@Suite struct JSONWriterSampleTests {
    static let samples = [
        "github-merge", "github-merge.git", "shallow", "squash", "gerrit", "rebase", "forges", "integration",
        "delivery", "applied", "branchfix", "fixmerge", "ownwork",
    ]

    static func reference(_ report: Report) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
    }

    @Test(arguments: samples)
    func reportIsTheReferenceBytes(sample: String) throws {
        // Monthly windows and one group per author add the report's optional parts.
        for extra in [[], ["--window", "month", "--by", "author", "--workers", "1"]] {
            let shallow = sample == "shallow" ? ["--allow-shallow"] : []
            let result = Command.run(
                Command.yardstick, ["analyze", SampleRepositories.path(sample), "--format", "json"] + shallow + extra)
            #expect(result.status == 0, "\(sample) \(extra): \(result.stderr)")
            let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
            #expect(result.stdout == (try Self.reference(report)), "\(sample) \(extra)")
        }
    }
}
