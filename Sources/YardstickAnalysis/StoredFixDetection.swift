package import HistoryMetrics
internal import HistoryMining
package import HistoryModel
internal import HistoryStoreCore
internal import Synchronization

/// What fix detection found for each landed change in an earlier run, kept by a store (ADR 0019 section 13).
/// `MessageRules.fixDetection` reads one change at a time: its landing commit's message with the change's title, its
/// branch's, group's or pull request's commits (messages, and the files of those whose messages say fix), and the
/// rules. So a change's answer — revert, fix, the commits SZZ traces and its branch's fix commits — is a function of
/// its kind, commits, title and pull-request commits (the `Key`), the records those ids name (the record context),
/// the rules (the state's context) and the analysis revision. A run takes the answers held for its changes' keys
/// and detects the others.
package final class KnownFixDetection: Sendable {
    /// A change as fix detection reads it: its landing commit, and an FNV-1a 64 digest of its kind, commits, title
    /// and pull-request commits.
    package struct Key: Hashable, Sendable {
        package var landing: ObjectID
        package var digest: UInt64

        package init(landing: ObjectID, digest: UInt64) {
            self.landing = landing
            self.digest = digest
        }
    }

    /// What fix detection found for one change (`MessageRules.fixDetection` of it alone).
    package struct Answer: Equatable, Sendable {
        package var revert: Bool
        package var fix: Bool
        package var traced: [ObjectID]
        package var branch: [ObjectID]

        package init(revert: Bool, fix: Bool, traced: [ObjectID], branch: [ObjectID]) {
            self.revert = revert
            self.fix = fix
            self.traced = traced
            self.branch = branch
        }
    }

    private let stored: [Key: Answer]
    private let used = Mutex<[Key: Answer]>([:])
    private let detectedCount = Atomic<Int>(0)

    package init(_ stored: [Key: Answer] = [:]) { self.stored = stored }

    /// How many changes this run detected because no answer was held.
    package var detected: Int { detectedCount.load(ordering: .relaxed) }

    package static func key(of change: LandedChange, pullRequestCommits: [ObjectID]?) -> Key {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(40 + 20 * (change.commits.count + (pullRequestCommits?.count ?? 0)))
        func add(_ id: ObjectID) {
            withUnsafeBytes(of: id.high.bigEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: id.middle.bigEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: id.low.bigEndian) { bytes.append(contentsOf: $0) }
        }
        bytes.append(contentsOf: change.kind.rawValue.utf8)
        bytes.append(0)
        withUnsafeBytes(of: UInt64(change.commits.count).littleEndian) { bytes.append(contentsOf: $0) }
        change.commits.forEach(add)
        bytes.append(contentsOf: change.title.utf8)
        bytes.append(0)
        if let pullRequestCommits {
            withUnsafeBytes(of: UInt64(pullRequestCommits.count).littleEndian) { bytes.append(contentsOf: $0) }
            pullRequestCommits.forEach(add)
        }
        return Key(landing: change.commit, digest: FNV1a.hash64(bytes))
    }

    /// The answer held for `key`, kept for the next run; nil when none is held.
    package func answer(for key: Key) -> Answer? {
        guard let held = stored[key] else { return nil }
        used.withLock { $0[key] = held }
        return held
    }

    /// Keeps what this run detected for the next run.
    package func keep(_ answer: Answer, for key: Key) {
        detectedCount.add(1, ordering: .relaxed)
        used.withLock { $0[key] = answer }
    }

    /// What the next run takes: the answers of this run's changes; nil when that is what was held already.
    package func next() -> [Key: Answer]? {
        let out = used.withLock { $0 }
        return out == stored ? nil : out
    }
}

extension KnownFixDetection {
    private static let magic = Array("YSF1".utf8)

    /// The form a store keeps: magic, the analysis revision, the count, then per change in key order its key, its
    /// flags (1: revert, 2: fix) and its traced and branch commits; 20-byte ids, little-endian integers, an FNV-1a
    /// 64 checksum; compressed (`Compression`).
    package static func encode(_ answers: [Key: Answer], revision: Int = Analysis.revision) -> [UInt8] {
        var out = SealedBlobWriter(magic: magic)
        out.int(revision)
        out.int(answers.count)
        for key in answers.keys.sorted(by: { ($0.landing, $0.digest) < ($1.landing, $1.digest) }) {
            let answer = answers[key]!
            out.id(key.landing)
            out.uint64(key.digest)
            out.byte((answer.revert ? 1 : 0) | (answer.fix ? 2 : 0))
            out.int(answer.traced.count)
            for id in answer.traced { out.id(id) }
            out.int(answer.branch.count)
            for id in answer.branch { out.id(id) }
        }
        return Compression.compress(out.sealed())
    }

    /// What `encode` wrote for `revision`; nil for anything else (another revision, a damaged blob).
    package static func decode(_ blob: [UInt8], revision: Int = Analysis.revision) -> [Key: Answer]? {
        guard let bytes = Compression.decompress(blob) else { return nil }
        return SealedBlobReader.open(bytes, magic: magic) { blob -> [Key: Answer]? in
            guard blob.int() == revision, let n = blob.count(29) else { return nil }
            var out: [Key: Answer] = [:]
            out.reserveCapacity(n)
            func ids() -> [ObjectID]? {
                guard let count = blob.count(20) else { return nil }
                var ids: [ObjectID] = []
                ids.reserveCapacity(count)
                for _ in 0..<count {
                    guard let id = blob.id() else { return nil }
                    ids.append(id)
                }
                return ids
            }
            for _ in 0..<n {
                guard let landing = blob.id(), let digest = blob.uint64(), let flags = blob.byte(), flags < 4,
                    let traced = ids(), let branch = ids()
                else { return nil }
                out[Key(landing: landing, digest: digest)] = Answer(
                    revert: flags & 1 != 0, fix: flags & 2 != 0, traced: traced, branch: branch)
            }
            return out
        }
    }
}

extension StoreSession {
    /// The state name of this repository's fix-detection answers, and the version of what is kept under it: the
    /// rules (`MessageRules.context`) and the record context, whose records the answers were read from.
    func fixDetectionState(_ delivery: DeliveryOptions) -> KeptState {
        KeptState(
            name: "fixDetection:" + repository.value,
            context: "fix-detection-v1\n" + DeliveryAnalyzer.MessageRules.context(delivery) + "\n"
                + state.recordContext)
    }

    /// The answers kept by the earlier runs with these rules (none when there are none or they cannot be read:
    /// every change is detected again).
    package func storedFixDetection(_ delivery: DeliveryOptions) throws -> KnownFixDetection {
        KnownFixDetection(try kept(fixDetectionState(delivery)).flatMap { KnownFixDetection.decode($0) } ?? [:])
    }

    /// Keeps this run's answers for the next run, when they changed.
    package func saveFixDetection(_ known: KnownFixDetection, delivery: DeliveryOptions) throws {
        guard let next = known.next() else { return }
        try keep(KnownFixDetection.encode(next), as: fixDetectionState(delivery))
    }
}
