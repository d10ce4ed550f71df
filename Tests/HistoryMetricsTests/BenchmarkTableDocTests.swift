import Foundation
import ReportContract
import Testing

/// The product's own copy of the published table (`docs/benchmark-table.md`) and the bands in the code
/// (`BenchmarkRow.table`) say the same thing, row by row and band by band.
struct BenchmarkTableDocTests {
    /// Parses a cell such as `4–8 hours`, `75–85% (CI-enforced)` or `500–1,000+` into (low, high); a `+`
    /// after the upper bound marks a band open at the worse end, which the code writes as no upper bound
    /// (the table's "12–24 hours" is open too: the table's notes say so).
    static func band(_ cell: String) throws -> (Double, Double, open: Bool) {
        let numbers = cell.split(separator: " ")[0].replacingOccurrences(of: ",", with: "")
            .replacingOccurrences(of: "%", with: "")
        let parts = numbers.split(separator: "–")
        let low = try #require(Double(parts[0]))
        let open = parts[1].hasSuffix("+")
        let high = try #require(Double(parts[1].replacingOccurrences(of: "+", with: "")))
        return (low, high, open)
    }

    @Test func theDocumentedTableIsTheTableInTheCode() throws {
        let rows = try GroupMetricTests.rows(
            "benchmark-table.md",
            header: "| Metric | Industry Average | Well-Managed Offshore | Poorly Managed Offshore |")
        #expect(rows.map { $0[0] } == BenchmarkRow.table.map(\.title))
        for (row, code) in zip(rows, BenchmarkRow.table) {
            #expect(
                code.bands.map(\.name) == [BenchmarkRow.industry, BenchmarkRow.wellManaged, BenchmarkRow.poorlyManaged])
            for (cell, band) in zip(row.dropFirst(), code.bands) {
                let (low, high, open) = try Self.band(cell)
                #expect(band.low == low, "\(code.title), \(band.name)")
                // Open at the worse end: "1,000+" and the poorly-managed turnaround "12–24 hours".
                let openInCode = band.high == nil
                #expect(
                    openInCode
                        == (open || (code.key == "reviewTurnaroundHours" && band.name == BenchmarkRow.poorlyManaged)))
                if let h = band.high { #expect(h == high, "\(code.title), \(band.name)") }
            }
        }
    }
}
