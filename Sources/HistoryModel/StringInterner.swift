/// Hands out one shared copy of each distinct string: the same people appear in thousands of commits (as
/// author, committer and in trailers), and a record that holds the shared copy costs no memory of its own for
/// them. Strings of up to 15 UTF-8 bytes are stored inline by Swift and are returned as they are.
/// Not thread-safe: one per thread (each miner worker has its own).
public final class StringInterner {
    private var strings = Set<String>()

    public init() {}

    /// Distinct strings held.
    public var count: Int { strings.count }

    /// `string`, or the equal copy handed out before.
    public func intern(_ string: String) -> String {
        guard string.utf8.count > 15 else { return string }
        return strings.insert(string).memberAfterInsert
    }
}

@available(*, unavailable)
extension StringInterner: Sendable {}
