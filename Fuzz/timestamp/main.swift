// Fuzz target `timestamp`: Timestamp.parse (the --since/--until dates) and Timestamp.iso8601 (every date in
// a report). The input is the text to parse; its first 8 bytes are also a 64-bit time to format.
// Property: whatever parses formats back to the same instant (years 0000-9999); formatting any time answers.
import HistoryParsing

func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let text = String(decoding: bytes, as: UTF8.self)
    for endOfDay in [false, true] {
        if let t = Timestamp.parse(text, endOfDay: endOfDay) {
            let printed = Timestamp.iso8601(t)
            // A four-digit year prints back in the form it was read in (an offset can carry a date of
            // 0000 or 9999 out of that range; such a date is printed with its real year).
            guard !printed.hasPrefix("-"), printed.count == 20 else { continue }
            check(Timestamp.parse(printed) == t, "\(text.debugDescription) parses to \(t), printed \(printed), which does not parse back")
        }
    }
    if size >= 8 {
        var raw: Int64 = 0
        for i in 0..<8 { raw = raw << 8 | Int64(bytes[i]) }
        _ = Timestamp.iso8601(raw)
        _ = Timestamp.date(raw)
    }
    return 0
}
