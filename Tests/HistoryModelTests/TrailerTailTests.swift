import Testing

@testable import HistoryModel

/// `Trailer.parse` walks back from the end of a message (ADR 0008); the version that split the whole message
/// into lines first is the reference: the same trailers for random messages of subjects, prose, blank and
/// white-space-only lines (Unicode spaces too), trailers, continuation lines, CRLF and combining marks.
@Suite struct TrailerTailTests {
    /// The parser as it was, on `message.lines()`.
    static func reference(_ message: String) -> [Trailer] {
        let lines = message.lines()
        var end = lines.count
        while end > 0 && lines[end - 1].allSatisfy(\.isWhitespace) { end -= 1 }
        guard end > 0 else { return [] }
        var start = end
        while start > 0 && !lines[start - 1].allSatisfy(\.isWhitespace) { start -= 1 }
        guard lines[0..<start].contains(where: { !$0.allSatisfy(\.isWhitespace) }) else { return [] }
        var trailers: [Trailer] = []
        var trailerLines = 0
        var otherLines = 0
        var gitGenerated = false
        for line in lines[start..<end] {
            if let first = line.first, first == " " || first == "\t" {
                if let last = trailers.popLast() {
                    trailers.append(Trailer(key: last.key, value: last.value + " " + line.trimmingWhitespace()))
                }
                continue
            }
            if let t = Trailer(line: line) {
                trailers.append(t)
                trailerLines += 1
                if Trailer.wellKnownKeys.contains(t.key.lowercased()) { gitGenerated = true }
            } else if line.hasPrefix("(cherry picked from commit ") {
                trailerLines += 1
                gitGenerated = true
            } else {
                otherLines += 1
            }
        }
        guard trailerLines > 0 else { return [] }
        if otherLines == 0 || (gitGenerated && trailerLines * 3 >= otherLines) { return trailers }
        return []
    }

    @Test func sameTrailersAsTheWholeMessageParser() {
        let pieces = [
            "Fix the parser", "Some prose about it.", "", " ", "\t", "\u{00A0}", "\u{3000}", "Signed-off-by: A <a@x>",
            "Reviewed-by: B <b@x>", "Co-authored-by: C <c@x>", "Change-Id: I123", "  continued value",
            "(cherry picked from commit 0123abcd)", "Not a: trailer line", "Key:value", "\u{301}accent",
            "e\u{301}", "x: y\r", "Fixes: 1234567",
        ]
        let separators = ["\n", "\r\n", "\n\n", "\r\n\r\n", "\n\u{301}"]
        var state: UInt64 = 20_261_206
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33) % n
        }
        var withTrailers = 0
        for _ in 0..<3000 {
            var message = ""
            for _ in 0..<next(12) {
                message += pieces[next(pieces.count)]
                message += separators[next(separators.count)]
            }
            if next(3) == 0 { message += pieces[next(pieces.count)] }
            let expected = Self.reference(message)
            #expect(Trailer.parse(message: message) == expected, "\(message.debugDescription)")
            if !expected.isEmpty { withTrailers += 1 }
        }
        #expect(withTrailers > 300)
    }
}
