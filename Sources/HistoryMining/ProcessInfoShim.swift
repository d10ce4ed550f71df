internal import Foundation

/// The one place this module asks Foundation about the machine.
package enum ProcessInfoShim {
    package static var activeProcessorCount: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// The resident set now, in MiB (Linux `/proc/self/statm`), so that the phase timings show what each phase
    /// leaves in memory (the frontend decides whether they are printed); nil where there is no such file.
    package static var residentMiB: Int? {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
            let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return nil }
        return (pages * Int(sysconf(Int32(_SC_PAGESIZE)))) >> 20
    }

    /// The largest resident set so far, in MiB (`VmHWM` in `/proc/self/status`); nil where there is none.
    package static var peakResidentMiB: Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kB = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap({ Int($0) })
        else { return nil }
        return kB >> 10
    }

    /// ", then N MiB resident (peak M)", for a step's timing line; empty where the figures are unknown.
    package static var residentNote: String {
        guard let now = residentMiB else { return "" }
        return ", then \(now) MiB resident" + (peakResidentMiB.map { " (peak \($0))" } ?? "")
    }
}
