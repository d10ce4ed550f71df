import Testing

@testable import HistoryMetrics
@testable import ReportContract

struct StatisticsTests {
    @Test func mean() {
        #expect(Statistics.mean([]) == nil)
        #expect(Statistics.mean([7]) == 7)
        #expect(Statistics.mean([1, 2, 3, 4]) == 2.5)
        #expect(Statistics.mean([10, 20, 60]) == 30)
        #expect(Statistics.mean([-5, 5]) == 0)
    }

    @Test func medianOdd() {
        #expect(Statistics.median([5, 1, 3]) == 3)
        #expect(Statistics.median([9]) == 9)
        #expect(Statistics.median([100, 1, 2, 50, 3]) == 3)
    }

    @Test func medianEven() {
        #expect(Statistics.median([4, 1, 3, 2]) == 2.5)
        #expect(Statistics.median([10, 20]) == 15)
        #expect(Statistics.median([1, 1, 100, 100]) == 50.5)
    }

    @Test func medianEmpty() {
        #expect(Statistics.median([]) == nil)
    }

    @Test(
        arguments: [
            // Wikipedia's nearest-rank example.
            ([15, 20, 35, 40, 50], 5.0, 15.0),
            ([15, 20, 35, 40, 50], 30, 20),
            ([15, 20, 35, 40, 50], 40, 20),
            ([15, 20, 35, 40, 50], 50, 35),
            ([15, 20, 35, 40, 50], 100, 50),
            ([3, 6, 7, 8, 8, 10, 13, 15, 16, 20], 25, 7),
            ([3, 6, 7, 8, 8, 10, 13, 15, 16, 20], 50, 8),
            ([3, 6, 7, 8, 8, 10, 13, 15, 16, 20], 75, 15),
            ([3, 6, 7, 8, 8, 10, 13, 15, 16, 20], 90, 16),
            ([3, 6, 7, 8, 8, 10, 13, 15, 16, 20], 100, 20),
            // Unsorted input.
            ([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 90, 9),
            ([20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 90, 18),
            ([1, 2, 3], 90, 3),
            ([42], 90, 42),
            ([5, 1], 90, 5),
            ([5, 1], 50, 1),
            ([1, 2, 3, 4], 0, 1),
        ] as [([Double], Double, Double)])
    func nearestRankPercentile(values: [Double], p: Double, expected: Double) {
        #expect(Statistics.percentile(values, p) == expected)
    }

    @Test func percentileEmpty() {
        #expect(Statistics.percentile([], 90) == nil)
    }

    @Test(
        arguments: [
            (0.125, 2, 0.13),
            (-0.125, 2, -0.13),
            (0.375, 2, 0.38),
            (-0.375, 2, -0.38),
            (0.5, 0, 1.0),
            (-0.5, 0, -1.0),
            (2.5, 0, 3.0),
            (-2.5, 0, -3.0),
            (1.5, 0, 2.0),
            (1234.5678, 2, 1234.57),
            (76.666666666, 2, 76.67),
            (2.4, 0, 2.0),
            (-2.4, 0, -2.0),
            (12.0, 2, 12.0),
            (0.0625, 3, 0.063),
            (1.25, 1, 1.3),
            (-1.25, 1, -1.3),
        ] as [(Double, Int, Double)])
    func roundHalfAwayFromZero(x: Double, places: Int, expected: Double) {
        #expect(Statistics.round(x, places) == expected)
    }

    @Test func roundDefaultsToTwoPlaces() {
        #expect(Statistics.round(1.0 / 3.0) == 0.33)
        #expect(Statistics.round(2.0 / 3.0) == 0.67)
    }
}
