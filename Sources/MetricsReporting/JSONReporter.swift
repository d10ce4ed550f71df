internal import Dispatch
internal import Foundation
internal import Synchronization
public import ReportContract

/// The JSON contract (`docs/json-report.md`): sorted keys, two-space indentation, a final newline.
public struct JSONReporter: Sendable {
    /// Pull requests encoded per part, on as many threads; the parts are spliced into the report's text.
    let parts: Int

    public init() {
        self.init(parts: ProcessInfo.processInfo.activeProcessorCount)
    }

    /// At most `parts` threads encode the report.
    public init(parts: Int) {
        self.parts = max(1, parts)
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public func render(_ report: Report) -> String {
        // The pull requests are most of the text (one entry per landed change). They are written by
        // `PullRequestJSON`, in parts on as many threads, and spliced into the encoder's text of the rest of the
        // report, where their array stands empty. The rest, the longest single part, starts first.
        let count = report.pullRequests.count
        guard count > 0 else { return Self.whole(report) }
        let chunk = count >= 64 ? (count + parts - 1) / parts : count
        let rest = { var r = report; r.pullRequests = []; return r }()
        let ranges = stride(from: 0, to: count, by: chunk).map { $0..<min($0 + chunk, count) }
        let texts = Mutex<[[UInt8]?]>(Array(repeating: nil, count: ranges.count + 1))
        DispatchQueue.concurrentPerform(iterations: ranges.count + 1) { i in
            let text = i == 0 ? Self.encoded(rest) : PullRequestJSON.elements(report.pullRequests[ranges[i - 1]])
            texts.withLock { $0[i] = text }
        }
        // The parts are moved out of the lock and each is released as soon as it is copied into the text,
        // which is written in place: the report is in memory about once, not three times (ADR 0010).
        var values = texts.withLock { v in
            defer { v = [] }
            return v
        }
        let empty = Array("\n  \"pullRequests\" : [\n\n  ]".utf8)
        guard let head = values[0], let slot = Self.lastRange(of: empty, in: head),
            values.dropFirst().allSatisfy({ $0 != nil })
        else {
            return Self.whole(report)
        }
        values[0] = nil
        let opening = Array("\n  \"pullRequests\" : [\n".utf8)
        let separator = Array(",\n".utf8)
        let closing = Array("\n  ]".utf8)
        let partBytes = values.reduce(0) { $0 + ($1?.count ?? 0) }
        let capacity =
            head.count - empty.count + opening.count + partBytes + separator.count * (values.count - 2) + closing.count + 1
        return String(unsafeUninitializedCapacity: capacity) { buffer in
            var at = 0
            func put(_ bytes: some Collection<UInt8>) { at = buffer[at...].initialize(from: bytes).index }
            put(head[..<slot.lowerBound])
            put(opening)
            for k in 1..<values.count {
                if k > 1 { put(separator) }
                if let part = values[k] { put(part) }
                values[k] = nil
            }
            put(closing)
            put(head[slot.upperBound...])
            put(CollectionOfOne(UInt8(ascii: "\n")))
            return at
        }
    }

    /// The report as the encoder alone writes it: the contract's reference, and the fallback.
    static func whole(_ report: Report) -> String {
        guard let bytes = encoded(report) else { return "{}\n" }
        return String(decoding: bytes, as: UTF8.self) + "\n"
    }

    private static func encoded(_ report: Report) -> [UInt8]? {
        (try? encoder().encode(report)).map { [UInt8]($0) }
    }

    /// The last place `needle` occurs in `haystack` (the pull requests' key sorts near the end of the report).
    private static func lastRange(of needle: [UInt8], in haystack: [UInt8]) -> Range<Int>? {
        guard !needle.isEmpty, needle.count <= haystack.count else { return nil }
        return haystack.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in
                var i = h.count - n.count
                while i >= 0 {
                    if h[i] == n[0] && memcmp(h.baseAddress! + i, n.baseAddress!, n.count) == 0 { return i..<(i + n.count) }
                    i -= 1
                }
                return nil
            }
        }
    }
}
