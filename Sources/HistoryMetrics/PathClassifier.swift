internal import HistoryParsing
internal import Synchronization

/// Answers the per-path questions metrics ask again and again (excluded? binary by attribute? a test? an
/// ADR?), remembering each answer: one analysis asks about the same few thousand paths hundreds of
/// thousands of times. One per thread: a `sibling()` on another thread shares the answers already computed.
final class PathClassifier {
    struct Answer {
        var exclusion: String?
        var attributeBinary: Bool
        var isTest: Bool
        var isADR: Bool
    }

    let exclusions: ExclusionPolicy
    let testPatterns: [Glob]
    let adrDirectories: [String]
    private var answers: [String: Answer] = [:]
    private var last: (path: String, answer: Answer)?
    /// Answers computed by this classifier and its siblings on other threads: a path is classified once per
    /// analysis, not once per pass (issue 11: on libgit2/libgit2, 26,000 paths, each asked by the ownership pass
    /// and the per-change facts side by side).
    private let shared: Shared

    final class Shared: Sendable {
        let answers = Mutex<[String: Answer]>([:])
    }

    init(exclusions: ExclusionPolicy, delivery: DeliveryOptions) {
        self.exclusions = exclusions
        self.testPatterns = delivery.testPatterns
        self.adrDirectories = delivery.adrDirectories
        self.shared = Shared()
    }

    private init(sibling of: PathClassifier) {
        (exclusions, testPatterns, adrDirectories, shared) = (
            of.exclusions, of.testPatterns, of.adrDirectories, of.shared
        )
    }

    /// A classifier for another thread that shares this one's answers (a classifier itself is not thread-safe).
    func sibling() -> PathClassifier { PathClassifier(sibling: self) }

    func answer(_ path: String) -> Answer {
        // Consecutive questions are mostly about the same file (its runs, its hunks).
        if let last, last.path == path { return last.answer }
        if let a = answers[path] {
            last = (path, a)
            return a
        }
        if let a = shared.answers.withLock({ $0[path] }) {
            answers[path] = a
            last = (path, a)
            return a
        }
        let flags = exclusions.attributes.flags(for: path)
        // An ADR is a text document in an ADR folder; READMEs, indexes and templates are not decisions. The
        // folder is a byte search; the name, a Character-level one, is read only for a path in such a folder.
        func adrName() -> Bool {
            let name = (path.lastIndex(of: "/").map { path[path.index(after: $0)...] } ?? path[...]).lowercased()
            let documentExtensions = [".md", ".markdown", ".rst", ".adoc", ".txt", ".org"]
            return documentExtensions.contains { name.hasSuffix($0) } && !name.hasPrefix("readme")
                && !name.hasPrefix("index") && !name.contains("template")
        }
        let a = Answer(
            exclusion: exclusions.reason(for: path, flags: flags),
            attributeBinary: flags.contains(.binary) || flags.contains(.noDiff),
            isTest: testPatterns.contains { $0.matches(path) },
            isADR: adrDirectories.contains { Glob.hasDirectory(path, $0) } && adrName())
        answers[path] = a
        shared.answers.withLock { $0[path] = a }
        last = (path, a)
        return a
    }
}
