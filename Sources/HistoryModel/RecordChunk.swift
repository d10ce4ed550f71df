/// Commit records as one self-contained byte string: the unit a persistent store keeps (ADR 0019). It uses the
/// encoding of `CommitStore` (varints, raw ids, strings numbered once per chunk), so a chunk of a few thousand
/// records costs about what those records cost in memory, and reading one back needs no parsing beyond it.
///
/// Layout: `YSC1`, the string table (count, then each string's length and UTF-8 bytes), the records (count,
/// then for each: the 20-byte id, a role byte, the encoded record's length and bytes), and an FNV-1a 64-bit
/// checksum of everything before it. A record's role is whether it was mined on the first-parent line (with
/// hunks) or off it (counts only): the same commit has a different record in each role.
public enum RecordChunk {
    /// A chunk that is not one this encoder wrote: wrong magic, checksum, or a count or length past its end.
    public struct Malformed: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) { self.description = description }
    }

    public static func encode(_ records: some Sequence<(record: CommitRecord, onMainline: Bool)>) -> [UInt8] {
        var numbers: [String: UInt32] = [:]
        var strings: [String] = []
        var body = Writer()
        var count = 0
        for (record, onMainline) in records {
            var writer = Writer()
            writer.record(record) { s in
                if let n = numbers[s] { return n }
                let n = UInt32(strings.count)
                strings.append(s)
                numbers[s] = n
                return n
            }
            body.id(record.id)
            body.bytes.append(onMainline ? 1 : 0)
            body.int(writer.bytes.count)
            body.bytes.append(contentsOf: writer.bytes)
            count += 1
        }
        var out = Writer()
        out.bytes = Array("YSC1".utf8)
        out.int(strings.count)
        for s in strings { out.text(s) }
        out.int(count)
        out.bytes.append(contentsOf: body.bytes)
        let sum = checksum(out.bytes[...])
        withUnsafeBytes(of: sum.bigEndian) { out.bytes.append(contentsOf: $0) }
        return out.bytes
    }

    /// Every record of a chunk, in the order encoded, with its role.
    public static func decode(_ bytes: [UInt8]) throws(Malformed) -> [(record: CommitRecord, onMainline: Bool)] {
        let chunk = try Indexed(bytes)
        return chunk.entries.indices.map { (chunk.record(at: $0), chunk.entries[$0].onMainline) }
    }

    /// A checked chunk with its string table read and each record located, decoded only when asked for: a store
    /// reads its chunks this way and decodes just the records a run takes.
    public struct Indexed: Sendable {
        public struct Entry: Sendable {
            public var id: ObjectID
            public var onMainline: Bool
            var range: Range<Int>
        }

        let bytes: [UInt8]
        let strings: [String]
        public let entries: [Entry]

        public init(_ bytes: [UInt8]) throws(Malformed) {
            guard bytes.count >= 12, bytes[0..<4].elementsEqual("YSC1".utf8) else {
                throw Malformed(description: "not a record chunk")
            }
            let end = bytes.count - 8
            var stored: UInt64 = 0
            for b in bytes[end...] { stored = stored << 8 | UInt64(b) }
            guard checksum(bytes[..<end]) == stored else {
                throw Malformed(description: "record chunk checksum mismatch")
            }
            (strings, entries) = try bytes.withUnsafeBufferPointer { buffer throws(Malformed) in
                var cursor = Cursor(bytes: UnsafeBufferPointer(rebasing: buffer[..<end]), position: 4)
                let stringCount = try cursor.int()
                var strings: [String] = []
                strings.reserveCapacity(min(stringCount, end))
                for _ in 0..<stringCount {
                    let n = try cursor.int()
                    let range = try cursor.take(n)
                    strings.append(String(decoding: UnsafeBufferPointer(rebasing: cursor.bytes[range]), as: UTF8.self))
                }
                let recordCount = try cursor.int()
                var entries: [Entry] = []
                entries.reserveCapacity(min(recordCount, end))
                for _ in 0..<recordCount {
                    let idRange = try cursor.take(20)
                    let id = ObjectID(rawPointer: UnsafeRawPointer(cursor.bytes.baseAddress! + idRange.lowerBound))
                    let role = try cursor.take(1)
                    let n = try cursor.int()
                    entries.append(
                        Entry(id: id, onMainline: cursor.bytes[role.lowerBound] == 1, range: try cursor.take(n)))
                }
                guard cursor.position == end else { throw Malformed(description: "record chunk has trailing bytes") }
                return (strings, entries)
            }
            self.bytes = bytes
        }

        /// The record of entry `i`, decoded.
        public func record(at i: Int) -> CommitRecord {
            let entry = entries[i]
            return bytes.withUnsafeBufferPointer { buffer in
                var reader = Reader(
                    bytes: UnsafeBufferPointer(rebasing: buffer[..<entry.range.upperBound]),
                    position: entry.range.lowerBound, strings: strings)
                return reader.record(id: entry.id)
            }
        }
    }

    /// FNV-1a, 64 bits: catches a damaged blob before the unchecked record reader sees it.
    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return h
    }

    /// Bounds-checked reading of the chunk's own framing.
    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var position: Int

        mutating func int() throws(Malformed) -> Int {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard position < bytes.count, shift < 63 else { throw Malformed(description: "record chunk truncated") }
                let b = bytes[position]
                position += 1
                result |= UInt64(b & 0x7F) << shift
                if b < 0x80 { break }
                shift += 7
            }
            guard result <= UInt64(bytes.count) else { throw Malformed(description: "record chunk count too large") }
            return Int(result)
        }

        mutating func take(_ n: Int) throws(Malformed) -> Range<Int> {
            guard n >= 0, position + n <= bytes.count else { throw Malformed(description: "record chunk truncated") }
            defer { position += n }
            return position..<(position + n)
        }
    }
}
