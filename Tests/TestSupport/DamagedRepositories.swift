import Foundation

/// The deliberately damaged repositories that `Scripts/make-damaged-repos.sh` builds (issue 12, ADR 0011),
/// made once per test process in a fresh temporary folder.
public enum DamagedRepositories {
    /// The folder holding every damaged repository.
    public static let root: String = {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("yardstick-damaged-\(ProcessInfo.processInfo.processIdentifier)").path
        let result = Command.run("/bin/bash", [SampleRepositories.packageRoot + "/Scripts/make-damaged-repos.sh", dir])
        precondition(result.status == 0, "make-damaged-repos.sh failed: \(result.stderr)")
        return dir
    }()

    /// The path of one damaged repository (`truncated-pack`, `tree-cycle`, …; see the script's header).
    public static func path(_ name: String) -> String { root + "/" + name }

    /// The file names in a repository's `objects/pack` ending in `suffix`, sorted.
    public static func packFiles(_ name: String, suffix: String) -> [String] {
        let dir = path(name) + "/objects/pack"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(suffix) }.sorted().map { dir + "/" + $0 }
    }
}
