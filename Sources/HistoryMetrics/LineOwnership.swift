public import HistoryModel

/// Which first-parent commit last wrote each line of each file, maintained incrementally along the
/// first-parent history in one pass (no per-commit blame), as hercules' burndown does. Renames are followed
/// as the diffs pair them. Origins are indexes into the caller's list of first-parent commits; `unknown`
/// marks lines that predate the history given (a window, or a shallow clone).
public struct LineOwnership: Sendable {
    /// `count` consecutive lines written by `origin`.
    public struct Run: Equatable, Sendable {
        public var count: Int
        public var origin: Int32

        public init(count: Int, origin: Int32) {
            self.count = count
            self.origin = origin
        }
    }

    /// The origin of lines whose history was not given.
    public static let unknown: Int32 = -1
    /// Length of a file first seen modified (its earlier history was not given): long enough for any edit.
    static let unknownLength = Int(Int32.max)

    private var files: [String: [Run]] = [:]

    public init() {}

    /// The runs of a file, top to bottom; nil when the file is not tracked.
    public func runs(of path: String) -> [Run]? { files[path] }

    /// The origins of the given old-side line ranges (1-based start, count) of `path`, before the commit that
    /// changes them is applied: SZZ's "who last wrote the lines this fix touches".
    public func origins(of path: String, ranges: [(start: Int, count: Int)]) -> [Run] {
        let runs = files[path] ?? [Run(count: Self.unknownLength, origin: Self.unknown)]
        var out: [Run] = []
        for range in ranges where range.count > 0 {
            var skip = range.start - 1
            var want = range.count
            for run in runs {
                if want == 0 { break }
                if skip >= run.count {
                    skip -= run.count
                    continue
                }
                let take = min(run.count - skip, want)
                out.append(Run(count: take, origin: run.origin))
                want -= take
                skip = 0
            }
        }
        return Self.merged(out)
    }

    /// Applies one first-parent commit's diff against its first parent. Lines it adds get `origin`; every
    /// deleted line is reported to `deleted` with the path and the origin that wrote it.
    public mutating func apply(_ changes: [FileChange], origin: Int32, deleted: (String, Run) -> Void = { _, _ in }) {
        // Take every source first, so that a rename a→b next to a new file a works in any order.
        var sources: [String: [Run]] = [:]
        var before: [String: [Run]] = [:]  // sources as they were, for identical copies
        for change in changes {
            let source = change.oldPath ?? change.path
            if change.status == .added { continue }
            if let runs = files[source] { before[source] = runs }
            if let runs = files.removeValue(forKey: source) {
                sources[source] = runs
            } else if sources[source] == nil {
                sources[source] = [Run(count: Self.unknownLength, origin: Self.unknown)]
            }
        }
        for change in changes {
            let source = change.oldPath ?? change.path
            if change.status == .added, let from = change.copiedFrom, let runs = before[from] {
                // git blame follows an identical file to its source: the lines keep their origins.
                files[change.path] = runs
                continue
            }
            let old: [Run] = change.status == .added ? [] : (sources[source] ?? [])
            if change.isBinary {
                // Binary content has no lines; its text history ends here.
                if change.status == .deleted || change.status == .renamed || change.status == .modified
                    || change.status == .typeChanged
                {
                    for run in old where run.origin != Self.unknown { deleted(source, run) }
                }
                continue
            }
            if change.status == .deleted {
                for run in old { deleted(source, run) }
                continue
            }
            files[change.path] = Self.edit(old, hunks: change.hunks, origin: origin) { deleted(source, $0) }
        }
    }

    /// Applies zero-context hunks to runs.
    static func edit(_ old: [Run], hunks: [Hunk], origin: Int32, deleted: (Run) -> Void) -> [Run] {
        var out: [Run] = []
        out.reserveCapacity(old.count + hunks.count * 2)
        var index = 0  // run index in old
        var offset = 0  // lines of old[index] already consumed
        var position = 0  // old lines consumed so far

        func copy(_ n: Int, into out: inout [Run], keep: Bool) {
            var n = n
            while n > 0 && index < old.count {
                let available = old[index].count - offset
                let take = min(available, n)
                let piece = Run(count: take, origin: old[index].origin)
                if keep { append(piece, to: &out) } else { deleted(piece) }
                n -= take
                offset += take
                if offset == old[index].count {
                    index += 1
                    offset = 0
                }
            }
        }

        for hunk in hunks {
            let oldCount = Int(hunk.oldCount)
            let unchangedEnd = oldCount > 0 ? Int(hunk.oldStart) - 1 : Int(hunk.oldStart)
            if unchangedEnd > position {
                copy(unchangedEnd - position, into: &out, keep: true)
                position = unchangedEnd
            }
            if oldCount > 0 {
                copy(oldCount, into: &out, keep: false)
                position += oldCount
            }
            if hunk.newCount > 0 { append(Run(count: Int(hunk.newCount), origin: origin), to: &out) }
        }
        // The rest of the file, unchanged (an unknown-length tail stays as long as it was).
        while index < old.count {
            append(Run(count: old[index].count - offset, origin: old[index].origin), to: &out)
            index += 1
            offset = 0
        }
        return out
    }

    private static func append(_ run: Run, to out: inout [Run]) {
        guard run.count > 0 else { return }
        if let last = out.last, last.origin == run.origin {
            out[out.count - 1].count += run.count
        } else {
            out.append(run)
        }
    }

    private static func merged(_ runs: [Run]) -> [Run] {
        var out: [Run] = []
        for r in runs { append(r, to: &out) }
        return out
    }
}

extension LineOwnership {
    /// Builds ownership by applying every first-parent commit, oldest first. `mainline` is newest first, as
    /// the miner returns it; the origin of a line is an index into the returned `order` (oldest first).
    public static func build(mainline: [ObjectID], commits: some HistoryStore) -> (LineOwnership, order: [ObjectID]) {
        var ownership = LineOwnership()
        let order = Array(mainline.reversed())
        for (i, id) in order.enumerated() {
            guard let record = commits[id] else { continue }
            ownership.apply(record.files, origin: Int32(i))
        }
        return (ownership, order)
    }

    /// The origin of every line of `path`, top to bottom; nil when the file is not tracked.
    public func lineOrigins(of path: String) -> [Int32]? {
        guard let runs = files[path] else { return nil }
        var out: [Int32] = []
        for run in runs {
            guard run.count < Self.unknownLength / 2 else { return nil }
            out.append(contentsOf: repeatElement(run.origin, count: run.count))
        }
        return out
    }
}
