import Foundation
import TestSupport
import Testing

@testable import HistoryMetrics
@testable import HistoryParsing

@Suite struct GlobFuzzRegressionTests {
    /// What the general matcher answers for a pattern and a path (the fuzz target's reference).
    static func general(_ pattern: String, _ path: String) -> Bool {
        var body = Array(pattern.utf8)[...]
        let leadingSlash = body.first == UInt8(ascii: "/")
        if leadingSlash { body = body.dropFirst() }
        let anchored = leadingSlash || body.dropLast(body.last == UInt8(ascii: "/") ? 1 : 0).contains(UInt8(ascii: "/"))
        let text = Array(path.utf8)[...]
        let name = anchored ? text : text.lastIndex(of: UInt8(ascii: "/")).map { text[($0 + 1)...] } ?? text
        return Glob.match(body, name)
    }

    static func split(_ bytes: [UInt8]) -> (String, String) {
        let cut = bytes.firstIndex(of: 0) ?? bytes.count
        let path = cut < bytes.count ? String(decoding: bytes[(cut + 1)...], as: UTF8.self) : ""
        return (String(decoding: bytes[..<cut], as: UTF8.self), path)
    }

    @Test func everyInputMatchesAsTheGeneralMatcher() {
        let inputs = FuzzInputs.all("glob")
        #expect(inputs.count >= 12)
        for (name, bytes) in inputs {
            let (pattern, path) = Self.split(bytes)
            let glob = Glob(pattern)
            _ = glob.matchesText(path)
            let gitPath =
                !path.isEmpty && !path.contains("\0") && !path.hasPrefix("/") && !path.hasSuffix("/")
                && !path.contains("//")
            if gitPath { #expect(glob.matches(path) == Self.general(pattern, path), "\(name)") }
        }
    }

    /// Found by fuzzing: `/*` took the `*.ext` shortcut and matched files in every directory.
    @Test func leadingSlashStarIsAnchored() {
        let (pattern, path) = Self.split(
            FuzzInputs.regression("glob", "crash-1ccd29c3487f998239f1154ed70bb0ce9d029cb1"))
        #expect(pattern == "/*")
        #expect(!Glob(pattern).matches(path))
        #expect(!Glob("/*.md").matches("docs/a.md"))
        #expect(Glob("/*.md").matches("a.md"))
        #expect(Glob("*.md").matches("docs/a.md"))
    }

    /// Found by fuzzing: a wildcard followed by a combining mark is one Character, and was taken for a
    /// literal; the shapes are now told apart on bytes, as the general matcher reads them.
    @Test func wildcardBeforeCombiningMarkIsAWildcard() {
        #expect(Glob("*\u{301}.txt").matches("docs/cafe\u{301}.txt"))
        #expect(Glob("*\u{301}.txt").matches("docs/x\u{301}.txt"))
        #expect(!Glob("*\u{301}.txt").matches("docs/cafe.txt"))
        #expect(Glob("docs/**").matches("docs/\u{301}x"))
        #expect(Glob("a.c").matches("src/a.c"))
        #expect(!Glob("/a.c").matches("src/a.c"))
    }

    /// Found by fuzzing: sixteen stars backtracked exponentially (past the fuzzer's 10-second limit);
    /// failed (pattern, path) positions are now remembered.
    @Test func manyStarsAnswer() {
        let (pattern, path) = Self.split(
            FuzzInputs.regression("glob", "timeout-9e904e2313c472bca97ee87cd4db97dedfc97cc9"))
        #expect(pattern.hasPrefix("****************"))
        #expect(!Glob(pattern).matches(path))
        #expect(!Glob(pattern).matchesText(path))
        let stars = String(repeating: "*a", count: 40) + "b"
        #expect(!Glob(stars).matchesText(String(repeating: "a", count: 200)))
        #expect(Glob(stars).matchesText(String(repeating: "a", count: 200) + "b"))
    }
}

@Suite struct TimestampFuzzRegressionTests {
    /// Found by fuzzing: the day was computed through Double, and times near Int64.min overflowed.
    @Test func extremeTimesFormat() {
        let input = FuzzInputs.regression("timestamp", "crash-e20ea8909af06b6fc2dc14abea6014ace43f52c9")
        #expect(input.count >= 8)
        #expect(Timestamp.iso8601(-1) == "1969-12-31T23:59:59Z")
        #expect(Timestamp.iso8601(-86400) == "1969-12-31T00:00:00Z")
        #expect(Timestamp.iso8601(-86401) == "1969-12-30T23:59:59Z")
        #expect(Timestamp.iso8601(Int64.min) == "-292277022657-01-27T08:29:52Z")
        #expect(Timestamp.iso8601(Int64.max) == "292277026596-12-04T15:30:07Z")
    }

    @Test func everyInputParsesBack() {
        let inputs = FuzzInputs.all("timestamp")
        #expect(inputs.count >= 8)
        for (name, bytes) in inputs {
            let text = String(decoding: bytes, as: UTF8.self)
            for endOfDay in [false, true] {
                guard let t = Timestamp.parse(text, endOfDay: endOfDay) else { continue }
                let printed = Timestamp.iso8601(t)
                guard !printed.hasPrefix("-"), printed.count == 20 else { continue }
                #expect(Timestamp.parse(printed) == t, "\(name)")
            }
            if bytes.count >= 8 {
                let raw = bytes[0..<8].reduce(Int64(0)) { $0 << 8 | Int64($1) }
                #expect(Timestamp.iso8601(raw).hasSuffix("Z"), "\(name)")
            }
        }
    }
}

@Suite struct GitAttributesFuzzRegressionTests {
    @Test func everyInputAnswers() {
        let inputs = FuzzInputs.all("gitattributes")
        #expect(inputs.count >= 4)
        for (name, bytes) in inputs {
            let parts = bytes.split(separator: 0, omittingEmptySubsequences: false).map {
                String(decoding: $0, as: UTF8.self)
            }
            var files = [(path: ".gitattributes", contents: parts[0])]
            if parts.count > 1 { files.append((path: "docs/.gitattributes", contents: parts[1])) }
            let attributes = GitAttributes(files: files)
            let paths = parts.count > 2 ? Array(parts[2...]) : ["a.bin", "docs/x.md", "docs/sub/y.png"]
            // A flag comes only from a line that names it (`binary` then `diff` leaves binary without -diff).
            let text = files.map(\.contents).joined(separator: "\n")
            for path in paths {
                let flags = attributes.flags(for: path)
                if flags.contains(.linguistGenerated) {
                    #expect(text.contains("linguist-generated"), "\(name): \(path)")
                }
                if flags.contains(.linguistVendored) { #expect(text.contains("linguist-vendored"), "\(name): \(path)") }
                if flags.contains(.binary) { #expect(text.contains("binary"), "\(name): \(path)") }
                if flags.contains(.noDiff) {
                    #expect(text.contains("binary") || text.contains("diff"), "\(name): \(path)")
                }
            }
        }
    }

    /// The seed with two files: a deeper file overrides the root's rule.
    @Test func linguistSeed() {
        let bytes = FuzzInputs.all("gitattributes").first { $0.name.hasSuffix("/linguist") }?.bytes ?? []
        let parts = bytes.split(separator: 0, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        #expect(parts.count == 6)
        let attributes = GitAttributes(files: [(".gitattributes", parts[0]), ("docs/.gitattributes", parts[1])])
        #expect(attributes.flags(for: "x.pb.go") == [.linguistGenerated])
        #expect(attributes.flags(for: "docs/a.md") == [.linguistGenerated])
        #expect(attributes.flags(for: "docs/sub/y.md") == [])
        #expect(attributes.flags(for: "a.png") == [.binary, .noDiff])
    }

    /// What a fuzz run first took for a failure: `binary` then `diff` sets `diff` again, and git diffs a path
    /// whose `diff` is set as text (`git check-attr`: diff: set, text: unset), so it is counted as text.
    @Test func diffAfterBinaryUnsetsNoDiffOnly() {
        let attributes = GitAttributes(files: [
            (".gitattributes", "*.png binary\n"), ("docs/.gitattributes", "*.png diff\n"),
        ])
        #expect(attributes.flags(for: "docs/y.png") == [])
        #expect(attributes.flags(for: "y.png") == [.binary, .noDiff])
    }
}
