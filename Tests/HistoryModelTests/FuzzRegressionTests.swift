import Foundation
import HistoryModel
import TestSupport
import Testing

/// The commit-message fuzz target's inputs (Fuzz/corpus/commit-message/, real messages of the sample
/// repositories, and any input a fuzz run found failing, Tests/FuzzRegressionTests/Inputs/commit-message/)
/// replayed through the parsers, with the checks the fuzz target makes (Scripts/fuzz.sh, docs/fuzzing.md).
@Suite struct CommitMessageFuzzRegressionTests {
    static func inputs() -> [(name: String, text: String)] { FuzzInputs.texts("commit-message") }

    @Test func everyInputParses() {
        let inputs = Self.inputs()
        #expect(inputs.count >= 59)
        for (name, message) in inputs {
            #expect(!Message.subject(of: message).contains("\n"), "\(name)")
            for trailer in Trailer.parse(message: message) {
                #expect(!trailer.key.isEmpty, "\(name)")
                #expect(
                    trailer.key.utf8.allSatisfy {
                        $0 == UInt8(ascii: "-") || ($0 < 128 && Character(UnicodeScalar($0)).isLetter)
                            || ($0 >= 48 && $0 <= 57)
                    }, "\(name)")
                if let identity = Message.identity(trailer.value) { #expect(!identity.email.isEmpty, "\(name)") }
            }
        }
    }

    /// One seed read exactly: a Gerrit change's trailer block.
    @Test func gerritSeed() throws {
        let message = try #require(Self.inputs().first { $0.name.hasSuffix("/delivery-08598a1a20de") }?.text)
        #expect(Message.subject(of: message) == "queue: add retry backoff")
        #expect(Trailer.parse(message: message).map(\.key) == ["Change-Id", "Reviewed-on", "Reviewed-by"])
        #expect(
            Message.identity("Alice Anders <alice@acme.com>") == Identity(name: "Alice Anders", email: "alice@acme.com")
        )
    }
}
