/// The aggregators reports use; each is named in the report next to its value.
public enum Statistics {
    public static func mean(_ xs: [Double]) -> Double? {
        xs.isEmpty ? nil : xs.reduce(0, +) / Double(xs.count)
    }

    /// The middle value; the mean of the two middle values for an even count.
    public static func median(_ xs: [Double]) -> Double? {
        guard !xs.isEmpty else { return nil }
        let s = xs.sorted()
        let m = s.count / 2
        return s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2
    }

    /// Nearest-rank percentile: the smallest value with at least `p`% of values at or below it.
    public static func percentile(_ xs: [Double], _ p: Double) -> Double? {
        guard !xs.isEmpty else { return nil }
        let s = xs.sorted()
        let rank = Int((p / 100 * Double(s.count)).rounded(.up))
        return s[min(max(rank, 1), s.count) - 1]
    }

    /// Rounds to `places` decimals, half away from zero, so reports print stable numbers.
    public static func round(_ x: Double, _ places: Int = 2) -> Double {
        var f = 1.0
        for _ in 0..<places { f *= 10 }
        return (x * f).rounded(.toNearestOrAwayFromZero) / f
    }
}
