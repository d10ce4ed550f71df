internal import GitBridge

/// The process-wide object-reading set-up (GitBridge's `ObjectReading`), for the program to pass in once at
/// start: the executable maps its flags and environment onto it; nothing below reads the environment.
package enum ObjectReadingSetup {
    /// - Parameters:
    ///   - libgit2PackReader: read packs with libgit2's reader instead of Yardstick's (ADR 0009).
    ///   - verifyEveryObject: hash every object read, packed ones too (ADR 0011).
    package static func configure(libgit2PackReader: Bool, verifyEveryObject: Bool) {
        ObjectReading.configure(
            packReader: libgit2PackReader ? .libgit2 : .yardstick, verifyEveryObject: verifyEveryObject)
    }
}
