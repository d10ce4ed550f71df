import Foundation

/// The deliberately damaged repositories that `Scripts/make-damaged-repos.sh` builds (issue 12, ADR 0011),
/// made once per test process in a fresh temporary folder.
public enum DamagedRepositories {
    private static let built = ScriptBuiltRepositories(script: "make-damaged-repos.sh", label: "damaged")

    /// The folder holding every damaged repository.
    public static var root: String { built.root }

    /// The path of one damaged repository (`truncated-pack`, `tree-cycle`, …; see the script's header).
    public static func path(_ name: String) -> String { built.path(name) }

    /// The file names in a repository's `objects/pack` ending in `suffix`, sorted.
    public static func packFiles(_ name: String, suffix: String) -> [String] {
        let dir = path(name) + "/objects/pack"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(suffix) }.sorted().map { dir + "/" + $0 }
    }
}
