// Fuzz target `config`: yardstick.yml text through YardstickConfiguration.parse (Yams, then Yardstick's own
// checks), and every glob and regular expression a parsed configuration holds, used as the analysis uses them.
// Property: a value, or a ConfigError that is one line and names the file; never a crash.
import HistoryMetrics
import HistoryParsing
import HistoryModel
import YardstickConfig

func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let config = try YardstickConfiguration.parse(text, file: "fuzz.yml")
        let paths = ["Sources/App/main.swift", "vendor/lib/a.c", "docs/adr/0001.md", "a", ""]
        for glob in config.exclusions.extraPatterns + config.exclusions.includePatterns + config.delivery.testPatterns {
            for path in paths { _ = glob.matches(path) }
        }
        _ = paths.map { config.exclusions.reason(for: $0) }
        let people = [
            Identity(name: "Jane Doe", email: "jane@acme.com"), Identity(name: "ci[bot]", email: "ci@example.org"),
            Identity(name: "", email: ""),
        ]
        for person in people { _ = config.groups.resolve(person) }
        for regex in config.delivery.fixPatterns + config.delivery.fixupPatterns { _ = regex.matches("Fix #12: crash") }
    } catch {
        let line = error.description
        check(!line.contains(where: \.isNewline), "a configuration error of more than one line: \(line)")
        check(line.hasPrefix("fuzz.yml"), "a configuration error that does not name the file: \(line)")
    }
    return 0
}
