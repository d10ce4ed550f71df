package import HistoryModel

/// The binary form of the state a store keeps besides records (ADR 0019: links, branch-fix traces): a magic, then
/// little-endian 64-bit integers, 20-byte ids (big-endian parts, as git writes them), strings as a length and
/// UTF-8, and at the end an FNV-1a 64 checksum of everything before it.
package struct SealedBlobWriter {
    package private(set) var bytes: [UInt8]

    package init(magic: [UInt8], capacity: Int = 0) {
        bytes = magic
        bytes.reserveCapacity(capacity)
    }

    package mutating func uint64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }

    package mutating func int(_ v: Int) { uint64(UInt64(bitPattern: Int64(v))) }

    package mutating func byte(_ v: UInt8) { bytes.append(v) }

    package mutating func id(_ v: ObjectID) {
        withUnsafeBytes(of: v.high.bigEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: v.middle.bigEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: v.low.bigEndian) { bytes.append(contentsOf: $0) }
    }

    package mutating func string(_ s: String) {
        int(s.utf8.count)
        bytes.append(contentsOf: s.utf8)
    }

    /// The bytes with their checksum.
    package func sealed() -> [UInt8] {
        var out = bytes
        withUnsafeBytes(of: FNV1a.hash64(bytes).littleEndian) { out.append(contentsOf: $0) }
        return out
    }
}

/// Reads what a `SealedBlobWriter` wrote, each read nil when too few bytes are left. Counts are checked against
/// the bytes left, so a damaged count cannot ask for a huge allocation.
package struct SealedBlobReader: ~Copyable {
    private let raw: UnsafeRawBufferPointer
    package private(set) var at: Int
    private let end: Int

    /// The contents of `bytes` after `magic` and before the checksum, when both hold: nil for another version or
    /// a damaged blob. `read` gets a reader over them.
    package static func open<T>(
        _ bytes: [UInt8], magic: [UInt8], _ read: (inout SealedBlobReader) -> T?
    ) -> T? {
        guard bytes.count >= magic.count + 8, bytes.starts(with: magic) else { return nil }
        let end = bytes.count - 8
        var sum: UInt64 = 0
        for i in 0..<8 { sum |= UInt64(bytes[end + i]) << UInt64(8 * i) }
        guard FNV1a.hash64(bytes[..<end]) == sum else { return nil }
        return bytes.withUnsafeBytes { raw in
            var reader = SealedBlobReader(raw: raw, at: magic.count, end: end)
            return read(&reader)
        }
    }

    private init(raw: UnsafeRawBufferPointer, at: Int, end: Int) {
        (self.raw, self.at, self.end) = (raw, at, end)
    }

    /// Whether every byte was read.
    package var atEnd: Bool { at == end }

    package mutating func uint64() -> UInt64? {
        guard end - at >= 8 else { return nil }
        defer { at += 8 }
        return UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self))
    }

    package mutating func int() -> Int? { uint64().map { Int(Int64(bitPattern: $0)) } }

    package mutating func byte() -> UInt8? {
        guard at < end else { return nil }
        defer { at += 1 }
        return raw[at]
    }

    /// A count of items that take at least `each` bytes: nil when negative or more than the bytes left hold.
    package mutating func count(_ each: Int) -> Int? {
        guard let n = int(), n >= 0, n <= (end - at) / each else { return nil }
        return n
    }

    package mutating func id() -> ObjectID? {
        guard end - at >= 20 else { return nil }
        defer { at += 20 }
        return ObjectID(
            high: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)),
            middle: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: at + 8, as: UInt64.self)),
            low: UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: at + 16, as: UInt32.self)))
    }

    package mutating func string() -> String? {
        guard let n = count(1) else { return nil }
        defer { at += n }
        return String(decoding: raw[at..<(at + n)], as: UTF8.self)
    }
}
