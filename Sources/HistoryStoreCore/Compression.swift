internal import CZlib

/// zlib (level 1) for the store's blobs: record chunks are mostly commit messages and reports are JSON, so both
/// shrink several times at little cost. A blob is the original length (8 bytes, big-endian) then zlib's stream.
public enum Compression {
    public static func compress(_ bytes: [UInt8]) -> [UInt8] {
        var bound = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: 8 + Int(bound))
        withUnsafeBytes(of: UInt64(bytes.count).bigEndian) { out.replaceSubrange(0..<8, with: $0) }
        let status = out.withUnsafeMutableBufferPointer { o in
            bytes.withUnsafeBufferPointer { i in
                compress2(o.baseAddress! + 8, &bound, i.baseAddress, uLong(bytes.count), 1)
            }
        }
        precondition(status == Z_OK, "zlib compress2 failed (\(status)) with a bound-sized buffer")
        out.removeLast(out.count - 8 - Int(bound))
        return out
    }

    /// The original bytes; nil for a blob that is not one `compress` wrote.
    public static func decompress(_ blob: [UInt8]) -> [UInt8]? {
        guard blob.count >= 8 else { return nil }
        var length: UInt64 = 0
        for b in blob[0..<8] { length = length << 8 | UInt64(b) }
        // zlib expands at most about 1032:1; a larger claim is a damaged header.
        guard length <= UInt64(blob.count) * 1100 + 64 else { return nil }
        if length == 0 { return blob.count == 8 ? nil : [] }
        var size = uLong(length)
        var status = Z_OK
        // Not zeroed first: zlib writes every byte kept (a 53 MB report is written once, not twice).
        let out = [UInt8](unsafeUninitializedCapacity: Int(length)) { o, initialized in
            status = blob.withUnsafeBufferPointer { i in
                uncompress(o.baseAddress, &size, i.baseAddress! + 8, uLong(blob.count - 8))
            }
            initialized = status == Z_OK && size == uLong(length) ? Int(length) : 0
        }
        guard status == Z_OK, size == uLong(length) else { return nil }
        return out
    }
}
