internal import CZlib
internal import CZstd

/// The store's blob codec: record chunks are mostly commit messages and reports are JSON, so both shrink several
/// times at little cost (ADR 0019).
///
/// A blob is written as one Zstandard frame (level 1, with the original length and an XXH64 checksum of the
/// content in the frame; Debian `libzstd-dev`). Stores written before kept zlib (level 1) behind the original
/// length in 8 big-endian bytes; such blobs are still read. The two are told apart by their first bytes: a zstd
/// frame opens with its magic number (`28 B5 2F FD`), an old blob's length with a zero byte.
///
/// Zstandard replaced zlib because the nightly run's costs were the codec's: on git/git's 54.8 MB report, zlib
/// level 1 took 0.29 s to compress (8.1 MB) and 0.15 s to decompress, zstd level 1 0.06 s (5.5 MB) and 0.02 s.
public enum Compression {
    /// The zstd frame's magic number, as its first four bytes.
    static let zstdMagic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]

    /// The zstd level written: 1, the fastest of the standard levels (level 3 compressed git/git's report 3% more
    /// at 60% of the speed).
    static let level: Int32 = 1

    public static func compress(_ bytes: [UInt8]) -> [UInt8] {
        guard let context = ZSTD_createCCtx() else { fatalError("zstd: no memory for a compression context") }
        defer { ZSTD_freeCCtx(context) }
        // Both parameters are in range for every zstd release this builds with: failing is a programming error.
        for (parameter, value) in [(ZSTD_c_compressionLevel, level), (ZSTD_c_checksumFlag, 1)] {
            let status = ZSTD_CCtx_setParameter(context, parameter, value)
            precondition(ZSTD_isError(status) == 0, "zstd: \(String(cString: ZSTD_getErrorName(status)))")
        }
        let bound = ZSTD_compressBound(bytes.count)
        var written = 0
        let out = [UInt8](unsafeUninitializedCapacity: bound) { o, initialized in
            written = bytes.withUnsafeBufferPointer { i in
                ZSTD_compress2(context, o.baseAddress, bound, i.baseAddress, i.count)
            }
            initialized = ZSTD_isError(written) == 0 ? written : 0
        }
        precondition(ZSTD_isError(written) == 0, "zstd compression failed with a bound-sized buffer")
        return out
    }

    /// The original bytes; nil for a blob that is not one `compress` wrote (or one an earlier version wrote with
    /// zlib), or that is damaged.
    public static func decompress(_ blob: [UInt8]) -> [UInt8]? {
        if blob.count >= 4, blob[0..<4].elementsEqual(zstdMagic) { return decompressZstd(blob) }
        return decompressZlib(blob)
    }

    /// A claimed length above this many bytes per byte of blob (plus 64 KiB) is not allocated up front: the frame
    /// is then decompressed in steps, so a damaged header cannot make the reader allocate what it claims. zlib
    /// expands at most about 1032:1; zstd can expand runs of one byte much further.
    static let upFrontRatio = 1100

    static func decompressZstd(_ blob: [UInt8]) -> [UInt8]? {
        blob.withUnsafeBufferPointer { i -> [UInt8]? in
            // One frame, and nothing after it.
            guard ZSTD_findFrameCompressedSize(i.baseAddress, i.count) == i.count else { return nil }
            let claimed = ZSTD_getFrameContentSize(i.baseAddress, i.count)
            // The frame records its length (`compress` always writes it): unknown or an error is not ours.
            guard claimed != ZSTD_CONTENTSIZE_UNKNOWN, claimed != ZSTD_CONTENTSIZE_ERROR, claimed <= UInt64(Int.max)
            else { return nil }
            let length = Int(claimed)
            if length == 0 {
                return ZSTD_isError(ZSTD_decompress(nil, 0, i.baseAddress, i.count)) == 0 ? [] : nil
            }
            guard length <= i.count * upFrontRatio + 65536 else { return stepwise(i, claimed: length) }
            var status = 0
            // Not zeroed first: zstd writes every byte kept (a 55 MB report is written once, not twice).
            let out = [UInt8](unsafeUninitializedCapacity: length) { o, initialized in
                status = ZSTD_decompress(o.baseAddress, length, i.baseAddress, i.count)
                initialized = ZSTD_isError(status) == 0 && status == length ? length : 0
            }
            return ZSTD_isError(status) == 0 && status == length ? out : nil
        }
    }

    /// A frame whose claimed length is far above what its size suggests, decompressed 1 MiB at a time: the output
    /// grows only as far as the frame really expands, and must end at the claimed length.
    static func stepwise(_ input: UnsafeBufferPointer<UInt8>, claimed: Int) -> [UInt8]? {
        guard let stream = ZSTD_createDStream() else { return nil }
        defer { ZSTD_freeDStream(stream) }
        var out: [UInt8] = []
        var step = [UInt8](repeating: 0, count: 1 << 20)
        var source = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        while true {
            var produced = 0
            let status = step.withUnsafeMutableBufferPointer { s in
                var sink = ZSTD_outBuffer(dst: s.baseAddress, size: s.count, pos: 0)
                defer { produced = sink.pos }
                return ZSTD_decompressStream(stream, &sink, &source)
            }
            if ZSTD_isError(status) != 0 { return nil }
            guard out.count + produced <= claimed else { return nil }
            out.append(contentsOf: step[0..<produced])
            // 0: the frame is complete (its checksum checked).
            if status == 0 { return out.count == claimed && source.pos == source.size ? out : nil }
            if produced == 0 && source.pos == source.size { return nil }  // truncated
        }
    }

    /// A blob an earlier version wrote: the original length (8 bytes, big-endian), then zlib's stream.
    static func decompressZlib(_ blob: [UInt8]) -> [UInt8]? {
        guard blob.count >= 8 else { return nil }
        var length: UInt64 = 0
        for b in blob[0..<8] { length = length << 8 | UInt64(b) }
        // zlib expands at most about 1032:1; a larger claim is a damaged header.
        guard length <= UInt64(blob.count) * 1100 + 64 else { return nil }
        if length == 0 { return blob.count == 8 ? nil : [] }
        var size = uLong(length)
        var status = Z_OK
        // Not zeroed first: zlib writes every byte kept.
        let out = [UInt8](unsafeUninitializedCapacity: Int(length)) { o, initialized in
            status = blob.withUnsafeBufferPointer { i in
                uncompress(o.baseAddress, &size, i.baseAddress! + 8, uLong(blob.count - 8))
            }
            initialized = status == Z_OK && size == uLong(length) ? Int(length) : 0
        }
        guard status == Z_OK, size == uLong(length) else { return nil }
        return out
    }

    /// An earlier version's zlib blob of `bytes` (for the tests that read stores it wrote).
    package static func zlibBlob(_ bytes: [UInt8]) -> [UInt8] {
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
}
