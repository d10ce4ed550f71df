import Foundation
import HistoryMetrics
import HistoryModel
import HistoryParsing
import TestSupport
import Testing
import YardstickConfig

/// The config fuzz target's inputs (Fuzz/corpus/config/ and any input a fuzz run found failing,
/// Tests/FuzzRegressionTests/Inputs/config/) replayed through YardstickConfiguration.parse: a value, or an
/// error of one line that names the file (Scripts/fuzz.sh, docs/fuzzing.md).
@Suite struct ConfigFuzzRegressionTests {
    static func inputs() -> [(name: String, text: String)] { FuzzInputs.texts("config") }

    @Test func everyInputGivesAValueOrAOneLineError() {
        let inputs = Self.inputs()
        #expect(inputs.count >= 11)
        var parsed = 0
        var refused = 0
        for (name, text) in inputs {
            do {
                let config = try YardstickConfiguration.parse(text, file: "fuzz.yml")
                for glob in config.exclusions.extraPatterns + config.exclusions.includePatterns
                    + config.delivery.testPatterns
                {
                    _ = glob.matches("Sources/App/main.swift")
                }
                _ = config.groups.resolve(Identity(name: "Jane Doe", email: "jane@acme.com"))
                parsed += 1
            } catch {
                let line = error.description
                #expect(!line.contains { $0.isNewline }, "\(name)")
                #expect(line.hasPrefix("fuzz.yml"), "\(name)")
                refused += 1
            }
        }
        #expect(parsed >= 8)
        #expect(refused >= 3)
    }

    @Test func seedsReadExactly() throws {
        let inputs = Self.inputs()
        let bad = try #require(inputs.first { $0.name.hasSuffix("/bad-version") }?.text)
        #expect(throws: ConfigError.self) { try YardstickConfiguration.parse(bad, file: "fuzz.yml") }
        do {
            _ = try YardstickConfiguration.parse(bad, file: "fuzz.yml")
        } catch {
            #expect(error.description == "fuzz.yml:1: version must be 1 (found '2')")
        }
        let delivery = try #require(inputs.first { $0.name.hasSuffix("/delivery") }?.text)
        let config = try YardstickConfiguration.parse(delivery, file: "fuzz.yml")
        #expect(config.delivery.reworkWindowDays == 21)
        #expect(config.delivery.adrDirectories == ["docs/adr"])
        #expect(config.delivery.testPatterns.map(\.pattern) == ["**/Tests/**", "*_test.go"])
    }
}
