internal import Foundation

/// The one place this module asks Foundation about the machine.
enum ProcessInfoShim {
    static var activeProcessorCount: Int { ProcessInfo.processInfo.activeProcessorCount }
}
