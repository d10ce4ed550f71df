import Foundation

/// The repositories `Scripts/make-hostile-repos.sh` builds (text hostile to terminals and Markdown), made
/// once per test process in a fresh temporary folder.
public enum HostileRepositories {
    private static let built = ScriptBuiltRepositories(script: "make-hostile-repos.sh", label: "hostile")

    /// The folder holding every hostile repository.
    public static var root: String { built.root }

    /// The path of one hostile repository (`hostile`).
    public static func path(_ name: String) -> String { built.path(name) }
}
