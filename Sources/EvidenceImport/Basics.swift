internal import Foundation
internal import HistoryModel

/// A bad import file: which file, where in it (a line, or a record), and what is wrong. Its description is
/// the one-line message the command prints.
public struct ImportError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    /// `line 3`, `line 2, column 6`, `record 4` …; nil when the whole file is at fault.
    public var location: String?
    public var message: String

    public init(file: String, location: String? = nil, _ message: String) {
        self.file = file
        self.location = location
        self.message = message
    }

    public var description: String {
        location.map { "\(file): \($0): \(message)" } ?? "\(file): \(message)"
    }
}

/// Times in imports, as milliseconds since the Unix epoch (UTC). Offsets are applied exactly; fractions of
/// a second are kept to the millisecond.
public enum ImportTime {
    /// RFC 3339 / ISO 8601: `2024-05-02T09:14:03Z`, `2024-05-02T09:14:03.120Z`, `2024-05-02T11:14:03+02:00`,
    /// `…+0200`. A space may stand for the `T`. Nil for anything else.
    public static func parse(_ text: some StringProtocol) -> Int64? {
        let b = Array(text.utf8)
        func num(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var v = 0
            for i in from..<(from + count) {
                guard b[i] >= 48 && b[i] <= 57 else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard b.count >= 20, let y = num(0, 4), b[4] == 45, let mo = num(5, 2), b[7] == 45, let d = num(8, 2),
            b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " ") || b[10] == UInt8(ascii: "t"),
            let h = num(11, 2), b[13] == 58, let mi = num(14, 2), b[16] == 58, let s = num(17, 2)
        else { return nil }
        guard (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61 else { return nil }
        var i = 19
        var millis = 0
        if i < b.count && b[i] == 46 {
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 48 && b[i] <= 57 {
                if digits < 3 { millis = millis * 10 + Int(b[i] - 48) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(3, digits) { millis *= 10 }
        }
        guard i < b.count else { return nil }
        var offset = 0
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == 43 || b[i] == 45 {
            let sign = b[i] == 45 ? -1 : 1
            guard let oh = num(i + 1, 2) else { return nil }
            var j = i + 3
            if j < b.count && b[j] == 58 { j += 1 }
            guard let om = num(j, 2), oh < 24, om < 60 else { return nil }
            offset = sign * (oh * 3600 + om * 60)
            i = j + 2
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let seconds = days(year: y, month: mo, day: d) * 86400 + Int64(h * 3600 + mi * 60 + s) - Int64(offset)
        return seconds * 1000 + Int64(millis)
    }

    /// RFC 2822 as Gerrit writes `Submitted-at:`: `Tue, 05 Mar 2024 15:02:11 +0100` (the weekday optional).
    public static func parseRFC2822(_ text: some StringProtocol) -> Int64? {
        var parts: [String] = String(text).split(separator: " ").map { String($0) }
        if let first = parts.first, first.hasSuffix(",") { parts.removeFirst() }
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        guard parts.count == 5, let d = Int(parts[0]), let mIndex = months.firstIndex(of: parts[1].lowercased()),
            let y = Int(parts[2]), parts[2].count == 4
        else { return nil }
        let clock: [Int] = parts[3].split(separator: ":").compactMap { Int($0) }
        let zone: [UInt8] = Array(parts[4].utf8)
        guard clock.count == 3, zone.count == 5, zone[0] == 43 || zone[0] == 45 else { return nil }
        let h = clock[0]
        let mi = clock[1]
        let s = clock[2]
        guard let oh = Int(String(parts[4].dropFirst().prefix(2))), let om = Int(String(parts[4].suffix(2))) else {
            return nil
        }
        guard (1...31).contains(d), h < 24, mi < 60, s < 61 else { return nil }
        let offset = (zone[0] == 45 ? -1 : 1) * (oh * 3600 + om * 60)
        let seconds = days(year: y, month: mIndex + 1, day: d) * 86400 + Int64(h * 3600 + mi * 60 + s) - Int64(offset)
        return seconds * 1000
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }
}

/// Reads a JSON import file whole. Errors name the line and column of the fault.
enum JSONInput {
    static func load(_ data: Data, file: String) throws -> Any {
        do {
            return try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            let text = "\((error as NSError).userInfo["NSDebugDescription"] ?? error)"
            // Foundation says "around character N" (a byte offset): turn it into a line and column.
            if let range = text.range(of: "character "), let n = Int(text[range.upperBound...].prefix { $0.isNumber }) {
                var line = 1
                var column = 1
                for byte in data.prefix(n) {
                    if byte == 0x0A {
                        line += 1
                        column = 1
                    } else {
                        column += 1
                    }
                }
                throw ImportError(file: file, location: "line \(line), column \(column)", "malformed JSON (\(text))")
            }
            throw ImportError(file: file, "malformed JSON (\(text))")
        }
    }
}

/// Typed access to one decoded JSON record, with errors that name the file and the record.
struct Record {
    let object: [String: Any]
    let file: String
    /// `record 3`, `workflow_runs[2]`, …
    let location: String

    func fail(_ message: String) -> ImportError { ImportError(file: file, location: location, message) }

    func has(_ key: String) -> Bool { object[key] != nil }
    func isNull(_ key: String) -> Bool { object[key] == nil || object[key] is NSNull }

    func string(_ key: String) throws -> String {
        guard let v = object[key] else { throw fail("missing \"\(key)\"") }
        guard let s = v as? String else { throw fail("\"\(key)\" is not a string") }
        return s
    }

    func optionalString(_ key: String) throws -> String? {
        if isNull(key) { return nil }
        return try string(key)
    }

    func int(_ key: String) throws -> Int64 {
        guard let v = object[key] else { throw fail("missing \"\(key)\"") }
        if let n = v as? NSNumber, !(v is Bool), let i = Int64(exactly: n.doubleValue) { return i }
        if let i = v as? Int { return Int64(i) }
        throw fail("\"\(key)\" is not an integer")
    }

    func optionalInt(_ key: String) throws -> Int64? {
        if isNull(key) { return nil }
        return try int(key)
    }

    func bool(_ key: String) -> Bool { (object[key] as? Bool) ?? false }

    func time(_ key: String) throws -> Int64 {
        let s = try string(key)
        guard let t = ImportTime.parse(s) else { throw fail("\"\(key)\" is not an ISO 8601 time: \"\(s)\"") }
        return t
    }

    func optionalTime(_ key: String) throws -> Int64? {
        guard let s = try optionalString(key), !s.isEmpty, !s.hasPrefix("0001-01-01") else { return nil }
        guard let t = ImportTime.parse(s) else { throw fail("\"\(key)\" is not an ISO 8601 time: \"\(s)\"") }
        return t
    }

    func commit(_ key: String) throws -> ObjectID {
        let s = try string(key)
        guard let id = ObjectID(hex: s) else { throw fail("\"\(key)\" is not a 40-digit commit id: \"\(s)\"") }
        return id
    }

    func optionalCommit(_ key: String) throws -> ObjectID? {
        guard let s = try optionalString(key) else { return nil }
        guard let id = ObjectID(hex: s) else { throw fail("\"\(key)\" is not a 40-digit commit id: \"\(s)\"") }
        return id
    }

    func object(_ key: String) throws -> Record? {
        if isNull(key) { return nil }
        guard let o = object[key] as? [String: Any] else { throw fail("\"\(key)\" is not an object") }
        return Record(object: o, file: file, location: location)
    }

    func array(_ key: String) throws -> [Any] {
        if isNull(key) { return [] }
        guard let a = object[key] as? [Any] else { throw fail("\"\(key)\" is not an array") }
        return a
    }

    /// The elements of an array of objects, each as a record named `key[i]` inside this one.
    func records(_ key: String) throws -> [Record] {
        try array(key).enumerated().map { i, v in
            guard let o = v as? [String: Any] else { throw fail("\"\(key)\"[\(i)] is not an object") }
            return Record(object: o, file: file, location: "\(location), \(key)[\(i)]")
        }
    }
}

/// The top-level records of a JSON file: an array of objects, or the array under `key` of an object.
func topRecords(_ value: Any, file: String, key: String? = nil) throws -> [Record] {
    let array: [Any]
    if let key {
        guard let o = value as? [String: Any], let a = o[key] as? [Any] else {
            throw ImportError(file: file, "expected an object with a \"\(key)\" array")
        }
        array = a
    } else {
        guard let a = value as? [Any] else { throw ImportError(file: file, "expected a JSON array of records") }
        array = a
    }
    return try array.enumerated().map { i, v in
        guard let o = v as? [String: Any] else {
            throw ImportError(file: file, location: "record \(i + 1)", "not a JSON object")
        }
        return Record(object: o, file: file, location: "record \(i + 1)")
    }
}

/// Reads a file's bytes or fails with a one-line error naming it.
func readWhole(_ path: String) throws -> Data {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw ImportError(file: path, "cannot read the file (missing or unreadable)")
    }
    return data
}

/// The first non-blank bytes of a file, for format detection without reading it whole.
func head(_ path: String, bytes: Int = 4096) throws -> [UInt8] {
    guard let handle = FileHandle(forReadingAtPath: path) else {
        throw ImportError(file: path, "cannot read the file (missing or unreadable)")
    }
    defer { try? handle.close() }
    let data = (try? handle.read(upToCount: bytes)) ?? Data()
    return Array(data)
}

/// Reads a text file line by line in fixed-size blocks: memory stays flat whatever the file's size.
struct LineReader {
    let path: String

    /// Calls `body` with each line (without its `\n` or `\r\n`) and its 1-based number.
    func forEach(_ body: (Substring, Int) throws -> Void) throws {
        try forEachBytes { bytes, number in
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw ImportError(file: path, location: "line \(number)", "not valid UTF-8")
            }
            try body(Substring(text), number)
        }
    }

    /// The same over raw bytes, for readers that parse numbers without making strings.
    func forEachBytes(_ body: (ArraySlice<UInt8>, Int) throws -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ImportError(file: path, "cannot read the file (missing or unreadable)")
        }
        defer { try? handle.close() }
        var pending: [UInt8] = []
        var number = 0
        func emit(_ bytes: ArraySlice<UInt8>) throws {
            number += 1
            var slice = bytes
            if slice.last == 0x0D { slice = slice.dropLast() }
            try body(slice, number)
        }
        while true {
            let block = (try? handle.read(upToCount: 1 << 20)) ?? Data()
            if block.isEmpty { break }
            pending.append(contentsOf: block)
            var start = pending.startIndex
            while let nl = pending[start...].firstIndex(of: 0x0A) {
                try emit(pending[start..<nl])
                start = nl + 1
            }
            pending.removeSubrange(..<start)
        }
        if !pending.isEmpty { try emit(pending[...]) }
    }
}
