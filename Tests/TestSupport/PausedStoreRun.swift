public import Foundation

extension Command {
    /// Starts `yardstick ARGUMENTS` with `environment` (which sets `YARDSTICK_TEST_STORE_PAUSE`) and returns once
    /// the run is inside its save transaction (its rows written, not committed), for the tests that kill a run or
    /// race a second one there. The run gets SIGINT and SIGTERM's default actions even when the test runner hands
    /// its children them ignored. Its standard error is read up to the pause line; the pipe stays open.
    public static func pausedStoreRun(_ arguments: [String], environment: [String: String]) throws -> (
        process: Process, stderr: Pipe, reachedPause: Bool
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["--default-signal=INT,TERM"] + [Command.yardstick] + arguments
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        let stderr = Pipe()
        process.standardError = stderr
        try process.run()
        let line = "test pause inside the store transaction"
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains(line) {
            let chunk = stderr.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
        }
        return (process, stderr, String(decoding: seen, as: UTF8.self).contains(line))
    }
}
