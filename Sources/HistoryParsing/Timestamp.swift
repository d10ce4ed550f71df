/// ISO 8601 UTC timestamps without Foundation, so that formatting never depends on locale or time zone.
public enum Timestamp {
    /// `2024-03-01T09:30:00Z`.
    public static func iso8601(_ seconds: Int64) -> String {
        // Floor division in integers: through Double, times near Int64.min overflowed (found by fuzzing).
        let rem = seconds % 86400
        let secs = rem < 0 ? rem + 86400 : rem
        let days = seconds / 86400 - (rem < 0 ? 1 : 0)
        let (y, m, d) = civil(fromDays: days)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let year = y < 0 ? "-\(String(-y))" : String(repeating: "0", count: max(0, 4 - String(y).count)) + String(y)
        return "\(year)-\(two(m))-\(two(d))T\(two(secs / 3600)):\(two(secs % 3600 / 60)):\(two(secs % 60))Z"
    }

    /// `2024-03-01`.
    public static func date(_ seconds: Int64) -> String { String(iso8601(seconds).prefix(10)) }

    /// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// Days since 1970-01-01 for a Gregorian date.
    public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// Parses `YYYY-MM-DD` (midnight UTC, or the last second of that day with `endOfDay`) or
    /// `YYYY-MM-DDTHH:MM:SS` with `Z` or `±HH:MM`. Nil for anything else.
    public static func parse(_ text: String, endOfDay: Bool = false) -> Int64? {
        let b = Array(text.utf8)
        func num(_ r: Range<Int>) -> Int64? {
            guard r.upperBound <= b.count else { return nil }
            var v: Int64 = 0
            for i in r {
                guard b[i] >= 48 && b[i] <= 57 else { return nil }
                v = v * 10 + Int64(b[i] - 48)
            }
            return v
        }
        guard b.count >= 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            let y = num(0..<4), let m = num(5..<7), let d = num(8..<10), (1...12).contains(m), (1...31).contains(d)
        else { return nil }
        let dayStart = days(year: y, month: m, day: d) * 86400
        guard civil(fromDays: dayStart / 86400) == (y, m, d) else { return nil }
        if b.count == 10 { return endOfDay ? dayStart + 86399 : dayStart }
        guard b.count >= 19, b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " "), b[13] == UInt8(ascii: ":"),
            b[16] == UInt8(ascii: ":"), let hh = num(11..<13), let mm = num(14..<16), let ss = num(17..<19),
            hh < 24, mm < 60, ss < 61
        else { return nil }
        var t = dayStart + hh * 3600 + mm * 60 + ss
        let rest = b[19...]
        if rest.isEmpty || rest.elementsEqual("Z".utf8) { return t }
        guard rest.count == 6, let sign = rest.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"),
            let oh = num(20..<22), b[22] == UInt8(ascii: ":"), let om = num(23..<25)
        else { return nil }
        let offset = (oh * 60 + om) * 60
        t += sign == UInt8(ascii: "+") ? -offset : offset
        return t
    }
}
