internal import Synchronization

/// How objects are read, process-wide: which pack reader serves them and whether every object is hashed.
/// Libraries never decide this from the environment: the program that runs them passes it in once, before
/// the first repository is opened (the CLI reads `--verify-objects`, `YARDSTICK_VERIFY=all` and
/// `YARDSTICK_PACK_READER=libgit2`). Without a call: Yardstick's pack reader, packs and loose objects
/// checked, packed objects not hashed one by one (ADR 0009, ADR 0011).
package enum ObjectReading {
    package enum PackReader: Sendable, Equatable {
        /// Yardstick's pack reader with its shared delta-base cache (ADR 0009).
        case yardstick
        /// libgit2's own pack reader: the reference the differential tests compare with.
        case libgit2
    }

    private static let libgit2Reader = Atomic<Bool>(false)

    /// The pack reader repositories opened from now on use.
    package static var packReader: PackReader {
        libgit2Reader.load(ordering: .sequentiallyConsistent) ? .libgit2 : .yardstick
    }

    /// Sets the pack reader and, when `verifyEveryObject`, switches on hashing of every object read (it is
    /// never switched off again in a process: a run that asked for it must not lose it to another).
    package static func configure(packReader: PackReader, verifyEveryObject: Bool) {
        libgit2Reader.store(packReader == .libgit2, ordering: .sequentiallyConsistent)
        if verifyEveryObject { ObjectVerification.everyObject = true }
    }
}
