import Foundation
import Synchronization

/// The deterministic sample repositories that `Scripts/make-sample-repos.sh` builds, made once per test
/// process in a fresh temporary folder so tests never depend on the developer's `sample-repos/`.
public enum SampleRepositories {
    /// The package's root folder.
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The folder holding every sample repository.
    public static let root: String = {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("yardstick-samples-\(ProcessInfo.processInfo.processIdentifier)").path
        let result = Command.run("/bin/bash", [packageRoot + "/Scripts/make-sample-repos.sh", dir])
        precondition(result.status == 0, "make-sample-repos.sh failed: \(result.stderr)")
        return dir
    }()

    /// The path of one sample repository (`github-merge`, `squash`, `gerrit`, `rebase`, `forges`, …).
    public static func path(_ name: String) -> String { root + "/" + name }
}

/// Runs a program and captures its output.
public enum Command {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public static func run(_ executable: String, _ arguments: [String], cwd: String? = nil) -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return Result(status: -1, stdout: "", stderr: "\(error)")
        }
        // Read both pipes concurrently so a full pipe never blocks the child.
        let errData = LockedData()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData.set(err.fileHandleForReading.readDataToEndOfFile())
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData.get(), as: UTF8.self))
    }

    /// The built `yardstick` executable, next to the test bundle.
    public static let yardstick: String = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
                "yardstick"
            ).path,
            SampleRepositories.packageRoot + "/.build/debug/yardstick",
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[1]
    }()
}

private final class LockedData: Sendable {
    private let data = Mutex<Data>(Data())
    func set(_ d: Data) { data.withLock { $0 = d } }
    func get() -> Data { data.withLock { $0 } }
}
