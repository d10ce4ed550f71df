import Foundation

/// Repositories a script under `Scripts/` builds into a fresh temporary folder, once per test process.
public struct ScriptBuiltRepositories: Sendable {
    /// The folder holding every repository the script built.
    public let root: String

    /// Runs `Scripts/<script> DIR` with DIR a new folder named after `label` and this process.
    public init(script: String, label: String) {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("yardstick-\(label)-\(ProcessInfo.processInfo.processIdentifier)").path
        let result = Command.run("/bin/bash", [SampleRepositories.packageRoot + "/Scripts/" + script, dir])
        precondition(result.status == 0, "\(script) failed: \(result.stderr)")
        root = dir
    }

    /// The path of one repository the script built.
    public func path(_ name: String) -> String { root + "/" + name }
}
