import Foundation
import HistoryMetrics
import ReportContract
import Testing

@testable import MetricsReporting

/// Walks JSON text and returns the keys of every object in document order, one list per object.
enum JSONKeys {
    static func objects(in text: String) -> [[String]] {
        var done: [[String]] = []
        var stack: [[String]?] = []  // nil marks an array
        var expectingKey = false
        let chars = Array(text.unicodeScalars)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "{":
                stack.append([])
                expectingKey = true
            case "[":
                stack.append(nil)
                expectingKey = false
            case "}":
                if let keys = stack.popLast(), let keys { done.append(keys) }
                expectingKey = false
            case "]":
                _ = stack.popLast()
                expectingKey = false
            case ",":
                expectingKey = stack.last.map { $0 != nil } ?? false
            case "\"":
                var s = ""
                i += 1
                while i < chars.count && chars[i] != "\"" {
                    if chars[i] == "\\" { i += 1 }
                    s.unicodeScalars.append(chars[i])
                    i += 1
                }
                if expectingKey, var keys = stack.popLast() ?? nil {
                    keys.append(s)
                    stack.append(keys)
                    expectingKey = false
                }
            default:
                break
            }
            i += 1
        }
        return done
    }
}

struct JSONReporterTests {
    let report = Fixture.report()

    @Test func decodesBackIntoAnEqualReport() throws {
        let text = JSONReporter().render(report)
        let decoded = try JSONDecoder().decode(Report.self, from: Data(text.utf8))
        #expect(decoded == report)
    }

    @Test func shallowReportRoundTrips() throws {
        let shallow = Fixture.report(shallow: true)
        let decoded = try JSONDecoder().decode(Report.self, from: Data(JSONReporter().render(shallow).utf8))
        #expect(decoded == shallow)
        #expect(decoded.repository.shallow)
        #expect(decoded.notes.count == 3)
    }

    @Test func emptyReportRoundTrips() throws {
        let empty = Fixture.builder.build(
            AnalysisInput(repositoryPath: "r", branch: "main", head: Fixture.oid("0"), changes: []))
        let text = JSONReporter().render(empty)
        let decoded = try JSONDecoder().decode(Report.self, from: Data(text.utf8))
        #expect(decoded == empty)
        #expect(text.contains(#""period" : null"#))
        #expect(text.contains(#""since" : null"#))
        #expect(text.contains(#""until" : null"#))
        #expect(text.contains(#""config" : null"#))
    }

    @Test func isValidJSONWithSchemaVersionThree() throws {
        let text = JSONReporter().render(report)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["schemaVersion"] as? Int == 3)
        #expect((object["tool"] as? [String: Any])?["name"] as? String == "yardstick")
        #expect((object["pullRequests"] as? [Any])?.count == 6)
        #expect((object["groups"] as? [Any])?.count == 4)
    }

    @Test func keysAreSorted() {
        let objects = JSONKeys.objects(in: JSONReporter().render(report))
        #expect(objects.count > 50)
        for keys in objects {
            #expect(keys == keys.sorted(), "\(keys)")
        }
        let top = objects.last ?? []
        #expect(
            top == [
                "bots", "exclusions", "groups", "notes", "options", "period", "pullRequests", "repository",
                "schemaVersion", "summary", "tool",
            ])
    }

    @Test func metricObjectKeys() {
        let objects = JSONKeys.objects(in: JSONReporter().render(report))
        let metricKeys = [
            "aggregator", "benchmark", "betterDirection", "details", "needs", "source", "title", "unit", "value",
        ]
        // 9 metrics in each of the 3 groups with a landed change, every one with every key.
        #expect(objects.filter { $0 == metricKeys }.count == 27)
    }

    /// Schema 2: the group credited with no landed change (empty-team) is written with an empty metrics object
    /// and no authors.
    @Test func emptyGroupIsWrittenWithEmptyMetrics() throws {
        let text = JSONReporter().render(report)
        // The encoder writes an empty object over two lines at the group's nesting.
        #expect(text.components(separatedBy: "\"metrics\" : {\n\n      }").count - 1 == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let groups = try #require(object["groups"] as? [[String: Any]])
        let empty = try #require(groups.first { $0["name"] as? String == "empty-team" })
        #expect((empty["metrics"] as? [String: Any])?.isEmpty == true)
        #expect((empty["authors"] as? [Any])?.isEmpty == true)
        #expect(empty["windows"] is NSNull)
    }

    @Test func unmeasuredValueIsWrittenAsNull() throws {
        let text = JSONReporter().render(report)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let groups = try #require(object["groups"] as? [[String: Any]])
        let metrics = try #require(groups.first?["metrics"] as? [String: [String: Any]])
        let coverage = try #require(metrics["testCoverage"])
        #expect(coverage.keys.contains("value"))
        #expect(coverage["value"] is NSNull)
        #expect(coverage["source"] as? String == "notMeasured")
        #expect(
            coverage["needs"] as? String
                == "a coverage report import (e.g. Cobertura or LCOV); git does not record coverage")
        // And measured metrics without a benchmark carry explicit nulls too.
        let authors = try #require(metrics["authors"])
        #expect(authors["benchmark"] is NSNull)
        #expect(authors["betterDirection"] is NSNull)
        #expect(authors["needs"] is NSNull)
        // 5 unmeasured metrics x the 3 groups with a landed change; the empty group has no metrics.
        let nulls = groups.flatMap { ($0["metrics"] as? [String: [String: Any]] ?? [:]).values }
            .filter { $0["value"] is NSNull }.count
        #expect(nulls == 15)
    }

    @Test func pullRequestNullsArePresent() throws {
        let text = JSONReporter().render(report)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let prs = try #require(object["pullRequests"] as? [[String: Any]])
        let direct = prs[2]
        #expect(direct["kind"] as? String == "direct")
        #expect(direct["number"] is NSNull)
        let diffs = try #require(direct["reviewedDiffs"] as? [[String: Any]])
        #expect(diffs.first?["base"] is NSNull)
        #expect(diffs.first?["tip"] as? String == String(repeating: "3", count: 40))
    }

    @Test func formatting() {
        let text = JSONReporter().render(report)
        #expect(text.hasPrefix("{\n  \"bots\" : [\n"))
        #expect(text.hasSuffix("}\n"))
        #expect(!text.hasSuffix("\n\n"))
        #expect(text.contains(#""path" : "/tmp/repo""#))  // slashes are not escaped
        #expect(!text.contains(#"\/"#))
    }

    /// `NullEncoded` properties are written in place by the keyed container (no nested encoder): a value as
    /// itself, nil as `null`, never left out.
    @Test func nullEncodedPropertiesAreWrittenInPlace() throws {
        func text(_ value: some Encodable) throws -> String {
            let ours = String(decoding: try JSONTextEncoder().encode(value), as: UTF8.self)
            #expect(ours == String(decoding: try JSONTextEncoderTests.reference().encode(value), as: UTF8.self))
            return ours
        }
        #expect(try text(Report.DiffRange(base: nil, tip: "t")) == "{\n  \"base\" : null,\n  \"tip\" : \"t\"\n}")
        #expect(try text(Report.DiffRange(base: "b/c", tip: "t")) == "{\n  \"base\" : \"b/c\",\n  \"tip\" : \"t\"\n}")
        var pr = try #require(report.pullRequests.first)
        pr.number = nil
        pr.delivery = nil
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(try text(pr).utf8)) as? [String: Any])
        #expect(object["number"] is NSNull && object["delivery"] is NSNull)
        pr.number = 7
        #expect(try text(pr).contains("\"number\" : 7,\n"))
    }

    /// Pull requests encoded in parts on several threads and spliced in give the bytes of one encoding.
    @Test(arguments: [2, 3, 7])
    func renderingInPartsGivesTheBytesOfOneEncoding(parts: Int) throws {
        var big = report
        // Enough pull requests to be split (with nulls, empty arrays and nested objects in each).
        big.pullRequests = (0..<10).flatMap { _ in report.pullRequests } + report.pullRequests.prefix(5)
        #expect(big.pullRequests.count >= 64)
        let whole = JSONReporter(parts: 1).render(big)
        let split = JSONReporter(parts: parts).render(big)
        #expect(split == whole)
        #expect(split == JSONReporter.whole(big))
        #expect(try JSONDecoder().decode(Report.self, from: Data(split.utf8)) == big)
        // Too few to split: the same path as one part.
        #expect(JSONReporter(parts: parts).render(report) == JSONReporter(parts: 1).render(report))
    }

    /// The report's writer, split or whole, gives the reference's bytes on random contents: escapes, control
    /// characters, non-ASCII, slashes, nulls, empty and full arrays, doubles of every shape.
    @Test func pullRequestWriterMatchesTheEncoderOnRandomContents() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        let alphabet: [String] = [
            "a", "Z", "0", " ", "/", "\\", "\"", "\n", "\t", "\r", "\u{08}", "\u{0C}", "\u{01}", "\u{1F}",
            "\u{7F}", "é", "ß", "中", "😀", "\u{2028}", "{", "]", ":", ",",
        ]
        func text() -> String { (0..<below(12)).map { _ in alphabet[below(alphabet.count)] }.joined() }
        func texts() -> [String] { (0..<below(4)).map { _ in text() } }
        let doubles: [Double] = [0, -0.0, 1, 3, 72.08, 0.01, 1e-7, 123456.75, 1e16, 1e22, -2.5, 9_007_199_254_740_992]
        func double() -> Double? { below(4) == 0 ? nil : doubles[below(doubles.count)] }
        func int() -> Int { [0, 1, -1, 42, Int.max, Int.min, 123_456_789][below(7)] }
        // Public structs of another module have no public memberwise initializer: decode them.
        func decoded<T: Decodable>(_ type: T.Type, _ fields: [String: Any?]) throws -> T {
            let object = fields.mapValues { $0 ?? NSNull() }
            return try JSONDecoder().decode(T.self, from: JSONSerialization.data(withJSONObject: object))
        }
        var big = report
        big.pullRequests = try (0..<300).map { _ in
            var p = report.pullRequests[below(report.pullRequests.count)]
            p.title = text()
            p.author = text()
            p.coAuthors = texts()
            p.groups = texts()
            p.commits = texts()
            p.number = below(3) == 0 ? nil : int()
            p.additions = int()
            p.excludedFiles = try (0..<below(3)).map { _ in
                try decoded(
                    Report.ExcludedFile.self,
                    ["path": text(), "reason": text(), "additions": int(), "deletions": int()])
            }
            p.reviewedDiffs = try (0..<below(3)).map { _ in
                try decoded(Report.DiffRange.self, ["base": below(2) == 0 ? nil : text(), "tip": text()])
            }
            if below(4) == 0 {
                p.delivery = nil
            } else {
                var d = try decoded(
                    Report.ChangeDelivery.self,
                    [
                        "reviewers": [String](), "unreviewed": true, "changedLines": int(), "reworkOwnLines": int(),
                        "reworkOthersLines": int(), "addedLines": int(), "rewrittenAfterLanding": int(),
                        "majorRework": false,
                        "isFix": false, "isRevert": below(2) == 0, "blames": [Any](), "blamedBy": [String](),
                        "revertedInWindow": below(2) == 0, "escapedDefect": below(2) == 0,
                        "touchesTests": below(2) == 0,
                        "testLines": int(), "codeLines": int(), "adrsAdded": [String](),
                    ])
                d.reviewTurnaroundHours = double()
                d.cycleTimeHours = double()
                d.reviewTurnaroundBusinessHours = double()
                d.turnaroundNote = below(2) == 0 ? nil : text()
                d.cycleNote = below(2) == 0 ? nil : text()
                d.reviewers = texts()
                d.branchCommits = below(2) == 0 ? nil : int()
                d.fixupCommits = below(2) == 0 ? nil : int()
                d.discardedOnBranch = below(2) == 0 ? nil : int()
                d.blames = try (0..<below(3)).map { _ in
                    try decoded(Report.Blame.self, ["commit": text(), "lines": int()])
                }
                d.blamedBy = texts()
                d.revertedBy = below(2) == 0 ? nil : text()
                d.adrsAdded = texts()
                d.isFix = below(2) == 0
                d.majorRework = below(2) == 0
                p.delivery = d
            }
            return p
        }
        #expect(big.pullRequests.contains { $0.delivery != nil })
        // The one writer against its reference.
        let reference = String(decoding: try JSONTextEncoderTests.reference().encode(big), as: UTF8.self) + "\n"
        #expect(JSONReporter.whole(big) == reference)
        var rest = big
        rest.pullRequests = []
        for parts in [1, 2, 5] {
            #expect(JSONReporter(parts: parts).render(big) == JSONReporter.whole(big))
            // The store's pair: the report and, from the same encoding, the report without its pull requests.
            let pair = JSONReporter(parts: parts).renderWithMetrics(big)
            #expect(pair.report == JSONReporter.whole(big))
            #expect(pair.metrics == JSONReporter.whole(rest))
        }
        #expect(JSONReporter(parts: 2).renderWithMetrics(rest) == (JSONReporter.whole(rest), JSONReporter.whole(rest)))
    }

    /// A number JSON cannot hold leaves the whole report to the encoder, which refuses it.
    @Test func aNonFiniteNumberFallsBackToTheEncoder() throws {
        var bad = report
        let fields: [String: Any] = [
            "reviewers": [String](), "unreviewed": true, "changedLines": 1, "reworkOwnLines": 0, "reworkOthersLines": 0,
            "addedLines": 1, "rewrittenAfterLanding": 0, "majorRework": false, "isFix": false, "isRevert": false,
            "blames": [Any](), "blamedBy": [String](), "revertedInWindow": false, "escapedDefect": false,
            "touchesTests": false, "testLines": 0, "codeLines": 1, "adrsAdded": [String](),
        ]
        var delivery = try JSONDecoder().decode(
            Report.ChangeDelivery.self, from: JSONSerialization.data(withJSONObject: fields))
        delivery.cycleTimeHours = .nan
        bad.pullRequests[0].delivery = delivery
        #expect(JSONReporter.whole(bad) == "{}\n")
        #expect(JSONReporter(parts: 2).render(bad) == JSONReporter.whole(bad))
        #expect(JSONReporter(parts: 2).renderWithMetrics(bad).report == "{}\n")
    }

    @Test func renderingTwiceGivesIdenticalBytes() {
        let a = JSONReporter().render(report)
        let b = JSONReporter().render(Fixture.report())
        #expect(Array(a.utf8) == Array(b.utf8))
        #expect(ReportFormat.json.render(report) == a)
    }
}
