internal import Foundation

/// The one place this module asks Foundation about the machine.
enum ProcessInfoShim {
    static var activeProcessorCount: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// The resident set now, in MiB (Linux `/proc/self/statm`), so that the phase timings show what each phase
    /// leaves in memory (the frontend decides whether they are printed); nil where there is no such file.
    static var residentMiB: Int? {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
            let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return nil }
        return (pages * Int(sysconf(Int32(_SC_PAGESIZE)))) >> 20
    }
}
