internal import HistoryParsing

/// Calendar windows (UTC) that metrics can be split into.
public enum TimeWindow: String, Sendable, CaseIterable {
    case month, quarter

    /// The window holding `time`: its name (`2024-03`, `2024-Q1`) and its first and last second.
    public func bucket(_ time: Int64) -> (name: String, from: Int64, to: Int64) {
        let date = Timestamp.date(time)
        let parts = date.split(separator: "-")
        let year = Int64(parts[0]) ?? 1970
        let month = Int64(parts[1]) ?? 1
        switch self {
        case .month:
            let from = Timestamp.days(year: year, month: month, day: 1) * 86400
            let next =
                month == 12
                ? Timestamp.days(year: year + 1, month: 1, day: 1)
                : Timestamp.days(year: year, month: month + 1, day: 1)
            return ("\(parts[0])-\(parts[1])", from, next * 86400 - 1)
        case .quarter:
            let q = (month - 1) / 3
            let firstMonth = q * 3 + 1
            let from = Timestamp.days(year: year, month: firstMonth, day: 1) * 86400
            let next =
                q == 3
                ? Timestamp.days(year: year + 1, month: 1, day: 1)
                : Timestamp.days(year: year, month: firstMonth + 3, day: 1)
            return ("\(parts[0])-Q\(q + 1)", from, next * 86400 - 1)
        }
    }
}
