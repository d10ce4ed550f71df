import HistoryParsing
import Testing

@testable import HistoryMetrics

struct TimestampTests {
    @Test(
        arguments: [
            (Int64(0), "1970-01-01T00:00:00Z"),
            (1, "1970-01-01T00:00:01Z"),
            (86_399, "1970-01-01T23:59:59Z"),
            (86_400, "1970-01-02T00:00:00Z"),
            (1_709_164_800, "2024-02-29T00:00:00Z"),
            (1_709_210_096, "2024-02-29T12:34:56Z"),
            (1_709_251_199, "2024-02-29T23:59:59Z"),
            (1_709_251_200, "2024-03-01T00:00:00Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
            (4_107_542_400, "2100-03-01T00:00:00Z"),
            (-1, "1969-12-31T23:59:59Z"),
            (-86_400, "1969-12-31T00:00:00Z"),
            (-86_401, "1969-12-30T23:59:59Z"),
            (-14_182_940, "1969-07-20T20:17:40Z"),
            (-2_208_988_800, "1900-01-01T00:00:00Z"),
            (-62_135_596_800, "0001-01-01T00:00:00Z"),
            (253_402_300_799, "9999-12-31T23:59:59Z"),
        ] as [(Int64, String)])
    func iso8601(seconds: Int64, text: String) {
        #expect(Timestamp.iso8601(seconds) == text)
        #expect(Timestamp.date(seconds) == String(text.prefix(10)))
    }

    @Test func days() {
        #expect(Timestamp.days(year: 1970, month: 1, day: 1) == 0)
        #expect(Timestamp.days(year: 2024, month: 2, day: 29) == 19782)
        #expect(Timestamp.days(year: 1969, month: 12, day: 31) == -1)
        #expect(Timestamp.days(year: 2000, month: 3, day: 1) == 11017)
    }

    @Test(
        arguments: [
            ("1970-01-01", Int64(0)),
            ("2024-02-29", 1_709_164_800),
            ("2000-02-29", 951_782_400),
            ("1969-12-31", -86_400),
            ("2024-02-29T12:34:56Z", 1_709_210_096),
            ("2024-02-29T12:34:56", 1_709_210_096),
            ("2024-02-29 12:34:56", 1_709_210_096),
            ("2024-03-01T09:30:00+05:30", 1_709_265_600),  // 04:00 UTC
            ("2024-03-01T09:30:00-08:00", 1_709_314_200),  // 17:30 UTC
            ("2024-03-01T09:30:00+00:00", 1_709_285_400),
            ("2024-03-01T09:30:00Z", 1_709_285_400),
            ("2024-03-01T02:00:00+05:30", 1_709_238_600),  // previous day in UTC
            ("2024-02-29T23:59:60Z", 1_709_251_200),  // leap second accepted
        ] as [(String, Int64)])
    func parse(text: String, seconds: Int64) {
        #expect(Timestamp.parse(text) == seconds)
    }

    @Test func endOfDay() {
        #expect(Timestamp.parse("2024-02-29", endOfDay: true) == 1_709_251_199)
        #expect(Timestamp.parse("1970-01-01", endOfDay: true) == 86_399)
        // With a time of day, endOfDay has no effect.
        #expect(Timestamp.parse("2024-02-29T12:34:56Z", endOfDay: true) == 1_709_210_096)
    }

    @Test(arguments: [
        "2023-02-29",  // not a leap year
        "1900-02-29",  // century, not a leap year
        "2023-13-01",
        "2023-00-10",
        "2023-04-31",
        "2023-04-00",
        "2023-01-32",
        "",
        "garbage",
        "yesterday",
        "2024/03/01",
        "2024-3-1",
        "24-03-01",
        "2024-03-01junk",
        "2024-03-01T",
        "2024-03-01T09:30Z",
        "2024-03-01T24:00:00Z",
        "2024-03-01T09:60:00Z",
        "2024-03-01T09:30:61Z",
        "2024-03-01T09:30:00z",
        "2024-03-01T09:30:00X",
        "2024-03-01T09:30:00+0530",
        "2024-03-01T09:30:00+05:3x",
        "2024-03-01T09:30:00 05:30",
        "2024-03-01T09:30:00+05:30:00",
        "2024-03-01X09:30:00Z",
        "2024-03-01T09-30-00Z",
        "２０２４-03-01",
    ])
    func parseRejects(text: String) {
        #expect(Timestamp.parse(text) == nil)
        #expect(Timestamp.parse(text, endOfDay: true) == nil)
    }

    @Test(arguments: ["1970-01-01T00:00:00Z", "2024-02-29T12:34:56Z", "1969-07-20T20:17:40Z", "2100-03-01T00:00:00Z"])
    func roundTrip(text: String) throws {
        let seconds = try #require(Timestamp.parse(text))
        #expect(Timestamp.iso8601(seconds) == text)
    }
}
