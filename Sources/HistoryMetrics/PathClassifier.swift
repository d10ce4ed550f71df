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

    init(exclusions: ExclusionPolicy, delivery: DeliveryOptions) {
        self.exclusions = exclusions
        self.testPatterns = delivery.testPatterns
        self.adrDirectories = delivery.adrDirectories
    }

    func answer(_ path: String) -> Answer {
        if let a = answers[path] { return a }
        let flags = exclusions.attributes.flags(for: path)
        let name = path.split(separator: "/").last.map { $0.lowercased() } ?? ""
        // An ADR is a text document; READMEs, indexes and templates are not decisions.
        let documentExtensions = [".md", ".markdown", ".rst", ".adoc", ".txt", ".org"]
        let adrName =
            documentExtensions.contains { name.hasSuffix($0) } && !name.hasPrefix("readme") && !name.hasPrefix("index")
            && !name.contains("template")
        let a = Answer(
            exclusion: exclusions.reason(for: path),
            attributeBinary: flags.contains(.binary) || flags.contains(.noDiff),
            isTest: testPatterns.contains { $0.matches(path) },
            isADR: adrName && adrDirectories.contains { path.hasPrefix($0 + "/") || path.contains("/" + $0 + "/") })
        answers[path] = a
        return a
    }
}
