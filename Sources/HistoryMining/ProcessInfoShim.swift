internal import Foundation

/// The one place this module asks Foundation about the machine.
enum ProcessInfoShim {
    static var activeProcessorCount: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// With `YARDSTICK_TIMINGS` set: the resident set now, in MiB (Linux `/proc/self/statm`), so that the
    /// timings show what each phase leaves in memory; nil otherwise.
    static var residentMiB: Int? {
        guard ProcessInfo.processInfo.environment["YARDSTICK_TIMINGS"] != nil,
            let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
            let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return nil }
        return (pages * Int(sysconf(Int32(_SC_PAGESIZE)))) >> 20
    }
}
