internal import Dispatch
internal import Foundation
public import ReportContract
internal import Synchronization

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

    /// Pull requests per part: at least `minimumPart`, else about `partsPerThread` parts per thread.
    static let minimumPart = 64
    static let partsPerThread = 4

    public func render(_ report: Report) -> String { renderWithMetrics(report).report }

    /// The report's text, and the text of the report without its pull requests (what `render` writes for it:
    /// the groups' metrics, which a store keeps for every run, ADR 0019), from one encoding of the rest.
    public func renderWithMetrics(_ report: Report) -> (report: String, metrics: String) {
        // The pull requests are most of the text (one entry per landed change). They are encoded by the same
        // encoder in parts, on as many threads, and spliced into the encoder's text of the rest of the report,
        // where their array stands empty. The rest, the longest single part, starts first. The encoder is
        // `JSONTextEncoder`, the one JSON writer (ADR 0013), which writes `JSONEncoder`'s bytes.
        let count = report.pullRequests.count
        guard count > 0 else {
            let whole = Self.whole(report)
            return (whole, whole)
        }
        // A few parts per thread, so that the threads finish together (one part each left a thread idle while
        // the other encoded the rest of the report as well as its half).
        let chunk = max(Self.minimumPart, (count + parts * Self.partsPerThread - 1) / (parts * Self.partsPerThread))
        let rest = {
            var r = report
            r.pullRequests = []
            return r
        }()
        let ranges = stride(from: 0, to: count, by: chunk).map { $0..<min($0 + chunk, count) }
        let tasks = ranges.count + 1
        let texts = Mutex<[Part?]>(Array(repeating: nil, count: tasks))
        // At most `parts` threads, each taking the next part until none is left; part 0 is the rest.
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: min(parts, tasks)) { _ in
            while true {
                let i = next.add(1, ordering: .relaxed).oldValue
                guard i < tasks else { return }
                let text =
                    i == 0
                    ? Self.encoded(rest).map { Part(bytes: $0, range: 0..<$0.count) }
                    : Self.encodedElements(report.pullRequests[ranges[i - 1]])
                texts.withLock { $0[i] = text }
            }
        }
        // The parts are moved out of the lock and each is released as soon as it is copied into the text,
        // which is written in place: the report is in memory about once, not three times (ADR 0010). The
        // encoder's bytes are spliced as it wrote them, never copied into arrays first.
        var values = texts.withLock { v in
            defer { v = [] }
            return v
        }
        let empty = Array("\n  \"pullRequests\" : [\n\n  ]".utf8)
        guard let head = values[0], let slot = Self.lastRange(of: empty, in: head.bytes),
            values.dropFirst().allSatisfy({ $0 != nil })
        else {
            return (Self.whole(report), Self.whole(rest))
        }
        values[0] = nil
        let metrics = String(decoding: head.bytes, as: UTF8.self) + "\n"
        let opening = Array("\n  \"pullRequests\" : [\n".utf8)
        let separator = Array(",\n".utf8)
        let closing = Array("\n  ]".utf8)
        let partBytes = values.reduce(0) { $0 + ($1?.range.count ?? 0) }
        let capacity =
            head.bytes.count - empty.count + opening.count + partBytes + separator.count * (values.count - 2)
            + closing.count + 1
        let text = String(unsafeUninitializedCapacity: capacity) { buffer in
            var at = 0
            func put(_ bytes: UnsafeRawBufferPointer) {
                guard let from = bytes.baseAddress, let to = buffer.baseAddress, !bytes.isEmpty else { return }
                precondition(at + bytes.count <= buffer.count, "JSON report larger than its capacity")
                UnsafeMutableRawPointer(to + at).copyMemory(from: from, byteCount: bytes.count)
                at += bytes.count
            }
            func put(_ bytes: [UInt8]) { bytes.withUnsafeBytes { put($0) } }
            func put(_ bytes: [UInt8], _ range: Range<Int>) {
                bytes.withUnsafeBytes { put(UnsafeRawBufferPointer(rebasing: $0[range])) }
            }
            put(head.bytes, 0..<slot.lowerBound)
            put(opening)
            for k in 1..<values.count {
                if k > 1 { put(separator) }
                if let part = values[k] { put(part.bytes, part.range) }
                values[k] = nil
            }
            put(closing)
            put(head.bytes, slot.upperBound..<head.bytes.count)
            put([UInt8(ascii: "\n")])
            return at
        }
        return (text, metrics)
    }

    /// The encoder's bytes and the range of them that goes into the report.
    struct Part {
        var bytes: [UInt8]
        var range: Range<Int>
    }

    /// The report as the encoder writes it in one piece: what the split rendering must equal, and the fallback.
    static func whole(_ report: Report) -> String {
        guard let bytes = encoded(report) else { return "{}\n" }
        return String(decoding: bytes, as: UTF8.self) + "\n"
    }

    /// The encoder's text.
    private static func encoded(_ value: some Encodable) -> [UInt8]? {
        try? JSONTextEncoder().encode(value)
    }

    /// The pull requests' own object, so that the encoder writes them at the report's nesting.
    private struct PullRequestsPart: Encodable {
        let pullRequests: ArraySlice<Report.PullRequest>

        enum Key: String, CodingKey { case pullRequests }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            var list = container.nestedUnkeyedContainer(forKey: .pullRequests)
            for pullRequest in pullRequests { try list.encode(pullRequest) }
        }
    }

    /// Pull requests as array elements at the report's nesting (four spaces), separated by `,\n`, as the
    /// encoder writes them inside the report: its text of `{"pullRequests": [...]}` without its first two lines
    /// and last two. Nil when the encoder refuses a value (a non-finite number).
    static func encodedElements(_ items: ArraySlice<Report.PullRequest>) -> Part? {
        guard let bytes = encoded(PullRequestsPart(pullRequests: items)) else { return nil }
        let opening = Array("{\n  \"pullRequests\" : [\n".utf8)
        let closing = Array("\n  ]\n}".utf8)
        guard bytes.count >= opening.count + closing.count, bytes.starts(with: opening),
            bytes.suffix(closing.count).elementsEqual(closing)
        else { return nil }
        return Part(bytes: bytes, range: opening.count..<(bytes.count - closing.count))
    }

    /// The last place `needle` occurs in `haystack` (the pull requests' key sorts near the end of the report).
    private static func lastRange(of needle: [UInt8], in haystack: [UInt8]) -> Range<Int>? {
        guard !needle.isEmpty, needle.count <= haystack.count else { return nil }
        return haystack.withUnsafeBytes { h in
            needle.withUnsafeBytes { n in
                var i = h.count - n.count
                while i >= 0 {
                    if h[i] == n[0] && memcmp(h.baseAddress! + i, n.baseAddress!, n.count) == 0 {
                        return i..<(i + n.count)
                    }
                    i -= 1
                }
                return nil
            }
        }
    }
}
