/// Aligns rows of cells into columns for the terminal. A row with only its first cell filled is a note
/// line: printed as is, it does not widen the first column.
struct TextTable {
    var header: [String]
    var rows: [[String]] = []

    private static func isNote(_ row: [String]) -> Bool { row.dropFirst().allSatisfy(\.isEmpty) }

    func render(indent: String = "  ") -> [String] {
        var widths = header.map(\.count)
        for row in rows where !Self.isNote(row) {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            if Self.isNote(cells) { return indent + (cells.first ?? "") }
            var out = indent
            for (i, cell) in cells.enumerated() {
                let last = i == cells.count - 1
                out += last ? cell : cell + String(repeating: " ", count: max(0, widths[i] - cell.count) + 2)
            }
            while out.hasSuffix(" ") { out.removeLast() }
            return out
        }
        return [line(header)] + rows.map(line)
    }
}
