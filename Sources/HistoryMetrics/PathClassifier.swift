internal import HistoryParsing

/// Answers the per-path questions metrics ask again and again (excluded? binary by attribute? a test? an
/// ADR?), remembering each answer: one analysis asks about the same few thousand paths hundreds of
/// thousands of times. Used within one computation, never shared.
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

    init(exclusions: ExclusionPolicy, delivery: DeliveryOptions) {
        self.exclusions = exclusions
        self.testPatterns = delivery.testPatterns
        self.adrDirectories = delivery.adrDirectories
    }

    func answer(_ path: String) -> Answer {
        // Consecutive questions are mostly about the same file (its runs, its hunks).
        if let last, last.path == path { return last.answer }
        if let a = answers[path] {
            last = (path, a)
            return a
        }
        let flags = exclusions.attributes.flags(for: path)
        let name = (path.lastIndex(of: "/").map { path[path.index(after: $0)...] } ?? path[...]).lowercased()
        // An ADR is a text document; READMEs, indexes and templates are not decisions.
        let documentExtensions = [".md", ".markdown", ".rst", ".adoc", ".txt", ".org"]
        let adrName =
            documentExtensions.contains { name.hasSuffix($0) } && !name.hasPrefix("readme") && !name.hasPrefix("index")
            && !name.contains("template")
        let a = Answer(
            exclusion: exclusions.reason(for: path, flags: flags),
            attributeBinary: flags.contains(.binary) || flags.contains(.noDiff),
            isTest: testPatterns.contains { $0.matches(path) },
            isADR: adrName && adrDirectories.contains { Glob.hasDirectory(path, $0) })
        answers[path] = a
        last = (path, a)
        return a
    }
}
