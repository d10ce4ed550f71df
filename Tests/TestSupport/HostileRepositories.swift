import Foundation

/// The repositories `Scripts/make-hostile-repos.sh` builds (text hostile to terminals and Markdown), made
/// once per test process in a fresh temporary folder.
public enum HostileRepositories {
    /// The folder holding every hostile repository.
    public static let root: String = {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("yardstick-hostile-\(ProcessInfo.processInfo.processIdentifier)").path
        let result = Command.run("/bin/bash", [SampleRepositories.packageRoot + "/Scripts/make-hostile-repos.sh", dir])
        precondition(result.status == 0, "make-hostile-repos.sh failed: \(result.stderr)")
        return dir
    }()

    /// The path of one hostile repository (`hostile`).
    public static func path(_ name: String) -> String { root + "/" + name }
}
