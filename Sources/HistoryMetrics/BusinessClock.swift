internal import Foundation

/// Counts only working hours (Monday to Friday, `start` to `end` o'clock) in one time zone. The time zone is
/// an IANA name (`Asia/Kolkata`) or a fixed offset (`+05:30`); nil or unknown means UTC.
struct BusinessClock {
    let hours: BusinessHours
    let zone: TimeZone

    init(hours: BusinessHours, timeZone: String?) {
        self.hours = hours
        self.zone = timeZone.flatMap(Self.zone(named:)) ?? TimeZone(secondsFromGMT: 0) ?? .current
    }

    /// Whether `name` is a time zone this clock understands.
    static func isValid(_ name: String) -> Bool { zone(named: name) != nil }

    static func zone(named name: String) -> TimeZone? {
        if let first = name.first, first == "+" || first == "-" {
            let digits = name.dropFirst().split(separator: ":")
            guard digits.count == 2, digits[0].count == 2, digits[1].count == 2, let h = Int(digits[0]),
                let m = Int(digits[1]),
                h <= 14, m < 60
            else { return nil }
            return TimeZone(secondsFromGMT: (first == "-" ? -1 : 1) * (h * 3600 + m * 60))
        }
        return TimeZone(identifier: name)
    }

    /// Working hours between two instants (seconds since the epoch).
    func hours(from t0: Int64, to t1: Int64) -> Double {
        guard t1 > t0 else { return 0 }
        func offset(_ t: Int64) -> Int64 {
            Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t))))
        }
        let firstDay = Int64(((Double(t0 + offset(t0))) / 86400).rounded(.down))
        let lastDay = Int64(((Double(t1 + offset(t1))) / 86400).rounded(.down))
        var total: Int64 = 0
        var day = firstDay
        while day <= lastDay {
            // 1970-01-01 was a Thursday: (day + 3) mod 7 is 0 on Mondays.
            let weekday = ((day + 3) % 7 + 7) % 7
            if weekday < 5 {
                let noon = day * 86400 + 43200
                let off = offset(noon - offset(noon))
                let open = day * 86400 + Int64(hours.start) * 3600 - off
                let close = day * 86400 + Int64(hours.end) * 3600 - off
                let lo = max(open, t0)
                let hi = min(close, t1)
                if hi > lo { total += hi - lo }
            }
            day += 1
        }
        return Double(total) / 3600
    }
}
