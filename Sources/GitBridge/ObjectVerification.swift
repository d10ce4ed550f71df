internal import CGitPack
internal import CLibGit2
internal import Foundation
internal import Synchronization

/// What Yardstick checks of the objects it reads, so that a damaged repository gives an error, never a
/// different number (ADR 0011).
///
/// - Always, before the first object is read:
///   - every pack and its index: the index's own SHA-1 trailer, the pack checksum it records, and the SHA-1
///     of the whole pack against its trailer (one sequential read of each, once per process for each file);
///     a handle opened with `deferPackChecks` runs these on a thread of their own instead, and its caller
///     must use nothing it read before `awaitPackChecks` returns (the miner's walk, ADR 0008);
///   - no FIFO, socket, device or folder where a pack or index is expected (opening one could block);
///   - not a partial clone (objects left on the server would only be found missing deep into mining).
/// - Every loose object read is hashed and compared with its id (`yardstick_loose_backend_new`).
/// - With `everyObject` (`YARDSTICK_VERIFY=all`), every packed object read is hashed as well
///   (`yardstick_verifying_backend_new`): this also catches a pack rewritten together with its checksums.
package enum ObjectVerification {
    /// Whether every object read is hashed, packed ones included. Off unless the program switches it on
    /// (`ObjectReading.configure`, from `--verify-objects` or `YARDSTICK_VERIFY=all` in the executable) before
    /// a run opens its first repository (handles opened earlier keep what they had). libgit2's own strict hash verification stays off: it is process-wide and would also
    /// refuse the made-up ids of the span database that diffs byte spans (`shim.h`).
    package static var everyObject: Bool {
        get {
            _ = LibGit2.initialized
            return strictState.load(ordering: .sequentiallyConsistent)
        }
        set {
            _ = LibGit2.initialized
            strictState.store(newValue, ordering: .sequentiallyConsistent)
        }
    }

    static let strictState = Atomic<Bool>(false)

    /// The checks of packs (by path, size and modification time of the pack and its index) in this process:
    /// each pack is read once, however many handles open it. A failed check stays until it is reported.
    private static let packChecks = Mutex<[String: PackCheck]>([:])

    /// Pack checks that passed in an earlier process, by key (`passedPackChecks`): a pack whose key is here is
    /// taken as checked. A persistent store (ADR 0019) keeps them so that a rerun does not hash the packs again.
    private static let trustedPackChecks = Mutex<Set<String>>([])

    /// Takes the packs with these keys (from `passedPackChecks` of an earlier process) as checked. A key names
    /// the pack and its index by path, device, inode, size, modification and status-change time, and holds the
    /// checksums both record in their trailers: rewriting either file in place changes its status-change time
    /// (which no program can set back), replacing it changes its inode, so a damaged or other pack is checked
    /// again. Call it before opening the repository.
    package static func trustPackChecks(_ keys: some Sequence<String>) {
        trustedPackChecks.withLock { $0.formUnion(keys) }
    }

    /// The keys of the packs in the pack folder `directory` whose checks passed in this process (or were
    /// trusted), sorted: what a later process may `trustPackChecks`.
    static func passedPackChecks(in directory: String) -> [String] {
        packChecks.withLock { table in
            table.compactMap { key, check in
                guard check.directory == directory, case .passed = check.state else { return nil }
                return key
            }
        }.sorted()
    }

    private struct PackCheck {
        /// The pack folder, for `awaitPackChecks`.
        var directory: String
        var state: State
        enum State {
            case running(DispatchGroup)
            case passed
            case failed(GitError)
        }
    }

    /// The error thrown by these checks; `MiningError` shows its message after the repository's path.
    static func failure(_ message: String) -> GitError {
        GitError(code: -1, errorClass: GitError.repositoryCheckClass, message: message, function: "object verification")
    }

    /// Runs the checks above on the object store of `repository`; throws the first problem found. With
    /// `deferPackChecks`, the checksums of packs not checked yet are computed on a thread of their own, and
    /// `awaitPackChecks` reports them.
    static func checkObjectStore(of repository: OpaquePointer, gitDirectory: String, deferPackChecks: Bool = false)
        throws(GitError)
    {
        guard let directory = packDirectory(of: repository) else { return }
        try checkPartialClone(repository, gitDirectory: gitDirectory, objects: String(directory.dropLast(5)))
        try checkPacks(in: directory, deferred: deferPackChecks)
    }

    /// Whether `directory` (a pack folder) holds a `.promisor` file: git's mark that objects the pack refers to
    /// may be absent, promised by a remote (a partial copy, ADR 0011's addendum).
    static func hasPromisorPack(in directory: String) -> Bool {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return false }
        return names.contains { $0.hasPrefix("pack-") && $0.hasSuffix(".promisor") }
    }

    /// The pack folder of `repository` (`objects/pack/` of its common directory).
    static func packDirectory(of repository: OpaquePointer) -> String? {
        git_repository_commondir(repository).map { String(cString: $0) + "objects/pack/" }
    }

    /// Waits for the deferred checks of the packs in `directory` and throws the first failure, in pack order
    /// (a pack none has checked yet is checked now).
    static func awaitPackChecks(in directory: String) throws(GitError) {
        try checkPacks(in: directory, deferred: false)
    }

    private static func checkPartialClone(_ repository: OpaquePointer, gitDirectory: String, objects: String)
        throws(GitError)
    {
        var remote: String?
        var config: OpaquePointer?
        if git_repository_config_snapshot(&config, repository) == 0, let config {
            defer { git_config_free(config) }
            var value: UnsafePointer<CChar>?
            if git_config_get_string(&value, config, "extensions.partialclone") == 0, let value {
                remote = String(cString: value)
            }
            var iterator: OpaquePointer?
            if remote == nil, git_config_iterator_glob_new(&iterator, config, "^remote\\..*\\.promisor$") == 0 {
                defer { git_config_iterator_free(iterator) }
                var entry: UnsafeMutablePointer<git_config_entry>?
                while remote == nil, git_config_next(&entry, iterator) == 0, let e = entry?.pointee {
                    var on: Int32 = 0
                    if git_config_parse_bool(&on, e.value) == 0, on != 0 {
                        let name = String(cString: e.name)  // remote.<name>.promisor
                        remote = String(name.dropFirst("remote.".count).dropLast(".promisor".count))
                    }
                }
            }
        }
        // A `.promisor` pack alone is not a partial clone: git fetches nothing for it without a promisor remote,
        // and copies of a full history can keep one (the libgit2/libgit2 copy used for measuring does).
        guard let remote else { return }
        let what = "its objects are promised by remote '\(remote)'"
        throw failure(
            "partial clone (\(what)): objects it lacks would be found missing only during mining, and Yardstick never fetches; clone the repository again without --filter"
        )
    }

    private static func checkPacks(in directory: String, deferred: Bool) throws(GitError) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names.sorted() where name.hasPrefix("pack-") && (name.hasSuffix(".idx") || name.hasSuffix(".pack"))
        {
            if yardstick_path_is_irregular(directory + name) != 0 {
                throw failure(
                    "\(directory)\(name) is not a regular file (a FIFO, socket, device or folder named like a pack)")
            }
        }
        for name in names.sorted() where name.hasPrefix("pack-") && name.hasSuffix(".idx") {
            let idx = directory + name
            let pack = directory + name.dropLast(4) + ".pack"
            let key = packKey(idx: idx, pack: pack)
            // The first handle to meet a pack checks it (here, or on a thread of its own when deferred); the others
            // wait for that check, unless deferred themselves, and see its outcome, which is kept: the key
            // changes with the files.
            enum Step {
                case done
                case check(DispatchGroup)
                case wait(DispatchGroup)
                case fail(GitError)
            }
            while true {
                let step = packChecks.withLock { table -> Step in
                    switch table[key]?.state {
                    case .passed: return .done
                    case .running(let group): return deferred ? .done : .wait(group)
                    case .failed(let error): return deferred ? .done : .fail(error)
                    case nil where trustedPackChecks.withLock({ $0.contains(key) }):
                        table[key] = PackCheck(directory: directory, state: .passed)
                        return .done
                    case nil:
                        let group = DispatchGroup()
                        group.enter()
                        table[key] = PackCheck(directory: directory, state: .running(group))
                        return .check(group)
                    }
                }
                switch step {
                case .done:
                    break
                case .fail(let error):
                    throw error
                case .wait(let group):
                    group.wait()
                    continue
                case .check(let group):
                    let finish: @Sendable () -> GitError? = {
                        let error = packFailure(idx: idx, pack: pack)
                        packChecks.withLock { $0[key]?.state = error.map { .failed($0) } ?? .passed }
                        group.leave()
                        return error
                    }
                    if deferred {
                        DispatchQueue.global().async { _ = finish() }
                    } else if let error = finish() {
                        throw error
                    }
                }
                break
            }
        }
    }

    /// Checks one pack and its index (`yardstick_pack_verify`): nil when they hold, or when the pack is missing
    /// (an index without its pack: git and libgit2 ignore it too); else the error that names what is wrong.
    private static func packFailure(idx: String, pack: String) -> GitError? {
        var found = [UInt8](repeating: 0, count: 20)
        var recorded = [UInt8](repeating: 0, count: 20)
        let rc = Int(yardstick_pack_verify(idx, pack, &found, &recorded))
        let openError = errno
        let hexFound = found.map { String(format: "%02x", $0) }.joined()
        let hexRecorded = recorded.map { String(format: "%02x", $0) }.joined()
        switch rc {
        case YARDSTICK_VERIFY_OK, YARDSTICK_VERIFY_PACK_MISSING:
            return nil
        case YARDSTICK_VERIFY_IDX_UNREADABLE:
            return failure("\(idx) cannot be opened (\(String(cString: strerror(openError))))")
        case YARDSTICK_VERIFY_IDX_FORMAT:
            return failure("\(idx) is damaged: not a pack index (too short or wrong signature)")
        case YARDSTICK_VERIFY_IDX_CHECKSUM:
            return failure(
                "\(idx) is damaged: its content hashes to \(hexFound), its trailer records \(hexRecorded)")
        case YARDSTICK_VERIFY_PACK_FORMAT:
            return failure("\(pack) is damaged: not a pack (too short or wrong signature)")
        case YARDSTICK_VERIFY_IDX_OTHER_PACK:
            return failure(
                "\(idx) indexes another pack: it records checksum \(hexRecorded), the pack's trailer is \(hexFound)"
            )
        case YARDSTICK_VERIFY_PACK_CHECKSUM:
            return failure(
                "\(pack) is damaged: its content hashes to \(hexFound), its trailer records \(hexRecorded)")
        default:
            return failure("\(idx) or its pack cannot be read")
        }
    }

    /// A pack's key: both files' `fileKey`, then the trailers (the index's last 40 bytes: the pack's checksum it
    /// records and its own; the pack's last 20: its checksum).
    static func packKey(idx: String, pack: String) -> String {
        "\(fileKey(idx))|\(fileKey(pack))|\(trailer(idx, 40))|\(trailer(pack, 20))"
    }

    /// Path, device, inode, size, modification and status-change time: a pack replaced, rewritten or touched is
    /// checked again.
    private static func fileKey(_ path: String) -> String {
        var st = stat()
        guard stat(path, &st) == 0 else { return path }
        return
            "\(path):\(st.st_dev):\(st.st_ino):\(st.st_size):\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec):\(st.st_ctim.tv_sec).\(st.st_ctim.tv_nsec)"
    }

    /// The last `count` bytes of the file at `path`, in hexadecimal; empty when it cannot be read.
    private static func trailer(_ path: String, _ count: Int) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_size >= count else { return "" }
        var bytes = [UInt8](repeating: 0, count: count)
        let read = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(st.st_size) - off_t(count)) }
        guard read == count else { return "" }
        return bytes.map { String(format: "%02x", $0) }.joined()
    }
}
