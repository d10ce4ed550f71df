/// FNV-1a with 64 bits: the one non-cryptographic hash of the store's kept state (the checksums of its binary
/// blobs), the default store's file name and PostgreSQL's advisory-lock keys. Its values are kept on disk and in
/// names, so it never changes.
public enum FNV1a {
    @inlinable
    public static func hash64(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            hash ^= UInt64(b)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
