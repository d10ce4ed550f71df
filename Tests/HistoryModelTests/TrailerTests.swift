import Testing

@testable import HistoryModel

struct TrailerTests {
    private func t(_ key: String, _ value: String) -> Trailer { Trailer(key: key, value: value) }

    @Test(arguments: [
        "Fix the bug",
        "Fix the bug\n",
        "Fix the bug\n\n\n",
        "",
        "\n\n",
        // The only paragraph is the subject, even when it looks like a trailer.
        "Signed-off-by: Ada <ada@example.com>",
        "Signed-off-by: Ada <ada@example.com>\n",
        "Fix the bug\nSigned-off-by: Ada <ada@example.com>\n",
    ])
    func subjectOnlyMessageHasNoTrailers(message: String) {
        #expect(Trailer.parse(message: message) == [])
    }

    @Test func allTrailerLastParagraph() {
        let message = """
            Add the widget

            Reviewed-by: Jane Doe <jane@example.org>
            Co-authored-by: Bob <bob@contractor.io>

            """
        #expect(
            Trailer.parse(message: message) == [
                t("Reviewed-by", "Jane Doe <jane@example.org>"), t("Co-authored-by", "Bob <bob@contractor.io>"),
            ])
    }

    @Test func bodyThenTrailerParagraphAndTrailingBlankLines() {
        let message =
            "Subject\n\nBody line one.\nBody line two.\n\nReviewed-on: https://review.example/c/1\nChange-Id: I0123abc\n\n\n  \n"
        #expect(
            Trailer.parse(message: message) == [
                t("Reviewed-on", "https://review.example/c/1"), t("Change-Id", "I0123abc"),
            ])
    }

    @Test func onlyTheLastParagraphCounts() {
        let message = "Subject\n\nCo-authored-by: Ada <ada@example.com>\n\nA closing remark."
        #expect(Trailer.parse(message: message) == [])
    }

    @Test func valuesAreTrimmedAndKeysKeepTheirCase() {
        let message = "Subject\n\nco-authored-by:   Ada <ada@example.com>   \nX-Custom-42:value"
        #expect(
            Trailer.parse(message: message) == [
                t("co-authored-by", "Ada <ada@example.com>"), t("X-Custom-42", "value"),
            ])
    }

    @Test func continuationLinesFoldIntoThePreviousTrailer() {
        let message =
            "Subject\n\nCo-authored-by: Jane Doe\n   <jane@example.org>\nReviewed-by: Bob\n\t<bob@contractor.io>\nAcked-by: Carol <carol@x.org>\n"
        #expect(
            Trailer.parse(message: message) == [
                t("Co-authored-by", "Jane Doe <jane@example.org>"),
                t("Reviewed-by", "Bob <bob@contractor.io>"),
                t("Acked-by", "Carol <carol@x.org>"),
            ])
    }

    @Test func multipleContinuationLines() {
        let message = "Subject\n\nNote: first\n  second\n  third\n"
        #expect(Trailer.parse(message: message) == [t("Note", "first second third")])
    }

    /// git's rule: a mixed paragraph is a trailer block when it holds a git-generated trailer and at least 25% of
    /// its lines are trailers (trailers * 3 >= other lines).
    @Test(arguments: [
        // (other lines, expect trailers)
        (1, true), (2, true), (3, true), (4, false), (7, false),
    ])
    func signedOffByWithQuarterRule(otherLines: Int, accepted: Bool) {
        let prose = (1...otherLines).map { "prose line \($0) of the explanation" }
        let message = (["Subject", ""] + prose + ["Signed-off-by: Ada <ada@example.com>"]).joined(separator: "\n")
        #expect(Trailer.parse(message: message) == (accepted ? [t("Signed-off-by", "Ada <ada@example.com>")] : []))
    }

    @Test func quarterRuleCountsEveryTrailer() {
        // 2 trailers, 6 other lines: 2 * 3 >= 6, exactly a quarter.
        let prose = (1...6).map { "prose \($0)" }
        let message =
            (["Subject", ""] + prose + ["Acked-by: Bob <bob@x.org>", "Signed-off-by: Ada <ada@example.com>"])
            .joined(separator: "\n")
        #expect(
            Trailer.parse(message: message) == [
                t("Acked-by", "Bob <bob@x.org>"), t("Signed-off-by", "Ada <ada@example.com>"),
            ])
        // 7 other lines: below a quarter.
        let more =
            (["Subject", ""] + prose + ["prose 7", "Acked-by: Bob <bob@x.org>", "Signed-off-by: Ada <ada@example.com>"])
            .joined(separator: "\n")
        #expect(Trailer.parse(message: more) == [])
    }

    @Test func signedOffByIsRecognisedCaseInsensitively() {
        let message = "Subject\n\nSome prose.\nsigned-off-by: Ada <ada@example.com>"
        #expect(Trailer.parse(message: message) == [t("signed-off-by", "Ada <ada@example.com>")])
    }

    @Test func cherryPickLineIsGitGeneratedButNotATrailer() {
        let message =
            "Subject\n\nSome prose.\nMore prose.\n(cherry picked from commit 4b825dc642cb6eb9a060e0bd8de6b2b0c3cc4e3d)\nReviewed-by: Bob <bob@x.org>"
        #expect(Trailer.parse(message: message) == [t("Reviewed-by", "Bob <bob@x.org>")])
    }

    @Test(arguments: [
        "Subject\n\nSee: the design doc\nand the follow-up discussion",
        "Subject\n\nSome prose\nand\nmore\nprose\nReviewed-by: Ada <ada@example.com>",
    ])
    func mixedParagraphWithoutWellKnownTrailerHasNone(message: String) {
        // The second: one well-known trailer in five lines is under a quarter.
        #expect(Trailer.parse(message: message) == [])
    }

    /// Review tools write well-known trailers next to prose (golang/tools: `May fix: golang/go#68216` above
    /// `Reviewed-on:`); a quarter of trailer lines with one well-known key makes a trailer block.
    @Test(
        arguments: [
            (
                "Subject\n\nReviewed-by: Ada <ada@example.com>\nthanks to everyone who helped",
                [("Reviewed-by", "Ada <ada@example.com>")]
            ),
            (
                "Subject\n\nThis fixes the crash.\nCo-authored-by: Ada <ada@example.com>",
                [("Co-authored-by", "Ada <ada@example.com>")]
            ),
            (
                "Subject\n\nMay fix: golang/go#68216\nChange-Id: I5\nReviewed-on: https://go-review.googlesource.com/c/tools/+/804860",
                [("Change-Id", "I5"), ("Reviewed-on", "https://go-review.googlesource.com/c/tools/+/804860")]
            ),
        ] as [(String, [(String, String)])])
    func mixedParagraphWithWellKnownTrailer(message: String, expected: [(String, String)]) {
        #expect(Trailer.parse(message: message) == expected.map { t($0.0, $0.1) })
    }

    @Test(arguments: [
        "Subject\n\nReviewed by: Ada <ada@example.com>",  // space in the key
        "Subject\n\n: no key",
        "Subject\n\nFixes #12 in the parser",  // no colon
        "Subject\n\nkey_with_underscore: v",
        "Subject\n\n  Indented: continuation without a trailer",
    ])
    func linesThatAreNotTrailers(message: String) {
        #expect(Trailer.parse(message: message) == [])
    }

    @Test func crlfLines() {
        let message =
            "Add the widget\r\n\r\nSome prose.\r\n\r\nReviewed-by: Jane Doe <jane@example.org>\r\nCo-authored-by: Bob\r\n <bob@contractor.io>\r\n"
        #expect(
            Trailer.parse(message: message) == [
                t("Reviewed-by", "Jane Doe <jane@example.org>"), t("Co-authored-by", "Bob <bob@contractor.io>"),
            ])
    }

    @Test func trailingCarriageReturnIsStripped() {
        // A final "\r" with no "\n" after it is a Character of its own, so the "\r" stripping applies.
        let message = "Subject\n\nReviewed-by: Jane <jane@example.org>\r"
        #expect(Trailer.parse(message: message) == [t("Reviewed-by", "Jane <jane@example.org>")])
    }

    @Test func commitRecordParsesTrailersByDefault() throws {
        let id = try #require(ObjectID(hex: "1111111111111111111111111111111111111111"))
        let sig = Signature(name: "Ada", email: "ada@example.com", time: 0, offsetMinutes: 0)
        let record = CommitRecord(
            id: id, parents: [], author: sig, committer: sig,
            message: "Fix a\nlong subject\n\nCo-authored-by: Bob <bob@x.org>\n")
        #expect(record.trailers == [t("Co-authored-by", "Bob <bob@x.org>")])
        #expect(record.subject == "Fix a long subject")
        #expect(!record.isMerge)
        #expect(record.coAuthors == [Identity(name: "Bob", email: "bob@x.org")])
        let given = CommitRecord(
            id: id, parents: [id, id], author: sig, committer: sig, message: "M\n\nA: b", trailers: [])
        #expect(given.trailers == [])
        #expect(given.coAuthors == [])
        #expect(given.isMerge)
    }

    @Test func commitRecordCoAuthorsFromTrailers() throws {
        let id = try #require(ObjectID(hex: "1111111111111111111111111111111111111111"))
        let sig = Signature(name: "Ada", email: "ada@example.com", time: 0, offsetMinutes: 0)
        let message =
            "Pair on it\n\nco-authored-by: Bob <bob@x.org>\nReviewed-by: Carol <carol@x.org>\nCo-Authored-By: no address\nCo-authored-by: <dee@x.org>\n"
        let record = CommitRecord(id: id, parents: [], author: sig, committer: sig, message: message)
        #expect(
            record.coAuthors == [
                Identity(name: "Bob", email: "bob@x.org"), Identity(name: "dee@x.org", email: "dee@x.org"),
            ])
        let mapped = CommitRecord(
            id: id, parents: [], author: sig, committer: sig, message: message,
            coAuthors: [Identity(name: "B", email: "b@y.org")])
        #expect(mapped.coAuthors == [Identity(name: "B", email: "b@y.org")])
        #expect(mapped.trailers.count == 4)
    }
}

/// Messages drawn from pieces by a fixed-seed generator (a linear congruential one): the same messages on every run.
private struct DrawnMessages {
    var state: UInt64
    let pieces: [String]

    init(seed: UInt64, pieces: [String]) { (state, self.pieces) = (seed, pieces) }

    private mutating func draw() -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int(truncatingIfNeeded: state >> 33)
    }

    /// Fewer than `count` pieces, joined.
    mutating func next(upTo count: Int) -> String {
        (0..<(draw() % count)).map { _ in pieces[draw() % pieces.count] }.joined()
    }
}

struct MessageTests {
    @Test(arguments: [
        ("Fix bug", "Fix bug"),
        ("Fix bug\n", "Fix bug"),
        ("Fix bug\n\nBody text\nmore body", "Fix bug"),
        ("Fix a\nlong subject\n\nBody", "Fix a long subject"),
        ("Fix a\nlong\nsubject", "Fix a long subject"),
        ("\n\n  Leading blank lines\n\nBody", "Leading blank lines"),
        ("  padded  \n\tsecond line\t\n", "padded second line"),
        ("Subject\n   \nBody after a whitespace-only line", "Subject"),
        ("", ""),
        ("   \n\t\n", ""),
        ("Merge pull request #12 from acme/feature\n\nAdd the widget", "Merge pull request #12 from acme/feature"),
    ])
    func subjectFoldsTheFirstParagraph(message: String, subject: String) {
        #expect(Message.subject(of: message) == subject)
    }

    @Test func subjectWithCRLF() {
        #expect(Message.subject(of: "Fix a\r\nlong subject\r\n\r\nBody\r\n") == "Fix a long subject")
    }

    /// The lines opening with given words, read byte by byte from an ASCII message, are those the Character-wise
    /// reading gives: on 20,000 messages drawn (fixed seed) from openings in several cases, every newline
    /// Character and byte, CR LF, and non-ASCII text and newlines (which take the Character-wise reading).
    @Test func linesOpeningWithWordsAgreeWithTheCharacterReading() {
        let openings = ["fixes", "closes", "resolves", "fixed", "closed", "resolved"]
        let pieces = [
            "Fixes", "fixes: 12", "CLOSED", "resolve", "fixe", "x", " ", "\t", "\n", "\r", "\r\n", "\u{0B}", "\u{0C}",
            "\n\n", "#12", "é", "\u{85}", "\u{2028}", "\u{2029}", "ﬁxes", "\r\u{301}", "Fixes\u{301}",
        ]
        var draws = DrawnMessages(seed: 0x2545_F491_4F6C_DD1D, pieces: pieces)
        var found = 0
        var ascii = 0
        for _ in 0..<20_000 {
            let message = draws.next(upTo: 10)
            let fast = Message.lines(of: message, openingWith: openings)
            #expect(
                fast.map(String.init)
                    == Message.linesByCharacters(of: message, openingWith: openings).map(String.init),
                "\(Array(message.utf8))")
            found += fast.count
            if message.utf8.allSatisfy({ $0 < 0x80 }) { ascii += 1 }
        }
        #expect(found > 5_000)
        #expect(ascii > 5_000 && ascii < 15_000)
        #expect(
            Message.lines(of: "Fix it\r\nFIXES: abc\n\nCloses #3\r", openingWith: openings) == [
                "FIXES: abc", "Closes #3",
            ])
    }

    /// The byte-wise reading of an ASCII first paragraph gives `subjectByCharacters`' answer: on every ASCII byte
    /// alone and around text, and on 20,000 messages drawn (with a fixed seed) from pieces that make the cases
    /// apart: each white-space byte, CR LF, lone CR, other control bytes, and non-ASCII white space and marks (which
    /// take the Character-wise reading).
    @Test func asciiSubjectAgreesWithTheCharacterReading() {
        var messages: [String] = []
        for b in UInt8(0)..<0x80 {
            let c = String(decoding: [b], as: UTF8.self)
            messages += [c, "a\(c)b", "\(c)a\n\(c)\nb", "a\n\(c)\nb", "a\(c)\n\nb", "\(c)\r\na"]
        }
        let pieces = [
            "a", "Fix", " ", "\t", "\n", "\r", "\r\n", "\u{0B}", "\u{0C}", "\u{1C}", "\u{1F}", "\u{00}", "\u{7F}",
            "\n\n", "é", "e\u{301}", "\u{A0}", "\u{85}", "\u{2028}", "\u{3000}", "\r\u{301}", "\n\u{301}",
        ]
        var draws = DrawnMessages(seed: 0x9E37_79B9_7F4A_7C15, pieces: pieces)
        for _ in 0..<20_000 { messages.append(draws.next(upTo: 12)) }
        var ascii = 0
        for message in messages {
            #expect(Message.subject(of: message) == Message.subjectByCharacters(of: message), "\(Array(message.utf8))")
            if Message.asciiSubject(of: message) != nil { ascii += 1 }
        }
        // Both readings are exercised.
        #expect(ascii > 5_000 && ascii < messages.count - 5_000)
    }

    @Test(
        arguments: [
            ("Jane Doe <jane@example.org>", Identity(name: "Jane Doe", email: "jane@example.org")),
            ("  Jane Doe   <  jane@example.org >  ", Identity(name: "Jane Doe", email: "jane@example.org")),
            ("<jane@example.org>", Identity(name: "jane@example.org", email: "jane@example.org")),
            (
                "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>",
                Identity(name: "dependabot[bot]", email: "49699333+dependabot[bot]@users.noreply.github.com")
            ),
            ("Jane <JANE@Example.ORG>", Identity(name: "Jane", email: "JANE@Example.ORG")),
        ] as [(String, Identity)])
    func identityParsesNameAndEmail(value: String, identity: Identity) {
        #expect(Message.identity(value) == identity)
    }

    @Test(arguments: [
        "Jane Doe",
        "jane@example.org",
        "Jane <>",
        "Jane <   >",
        "Jane <jane@example.org",
        "Jane jane@example.org>",
        "Jane > jane@example.org <",
        "",
    ])
    func identityRejectsValuesWithoutAnAddress(value: String) {
        #expect(Message.identity(value) == nil)
    }

    @Test func trimmed() {
        #expect("  a b \t\n".trimmed() == "a b")
        #expect("".trimmed() == "")
        #expect(" \n ".trimmed() == "")
    }
}
