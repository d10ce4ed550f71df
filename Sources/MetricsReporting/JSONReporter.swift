internal import Dispatch
internal import Foundation
internal import Synchronization
public import HistoryMetrics

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
        // The pull requests are most of the text (one entry per landed change). Encoded alone, an array of
        // them is the same text as inside the report, one level (two spaces) less indented: JSON strings
        // hold no raw line breaks, so every line is structure and can be re-indented as a whole.
        let count = report.pullRequests.count
        guard parts > 1, count >= 64 else { return Self.whole(report) }
        let chunk = (count + parts - 1) / parts
        let rest = { var r = report; r.pullRequests = []; return r }()
        let ranges = stride(from: 0, to: count, by: chunk).map { $0..<min($0 + chunk, count) }
        let texts = Mutex<[[UInt8]?]>(Array(repeating: nil, count: ranges.count + 1))
        DispatchQueue.concurrentPerform(iterations: ranges.count + 1) { i in
            let text = i == ranges.count ? Self.encoded(rest) : Self.elements(Array(report.pullRequests[ranges[i]]))
            texts.withLock { $0[i] = text }
        }
        let values = texts.withLock { $0 }
        let empty = Array("\n  \"pullRequests\" : [\n\n  ]".utf8)
        guard let head = values[ranges.count], let slot = Self.firstRange(of: empty, in: head) else {
            return Self.whole(report)
        }
        var out: [UInt8] = []
        out.reserveCapacity(head.count + values.reduce(0) { $0 + ($1?.count ?? 0) } + 64)
        out.append(contentsOf: head[..<slot.lowerBound])
        out.append(contentsOf: Array("\n  \"pullRequests\" : [\n".utf8))
        for (k, part) in values.dropLast().enumerated() {
            guard let part else { return Self.whole(report) }
            if k > 0 { out.append(contentsOf: Array(",\n".utf8)) }
            out.append(contentsOf: part)
        }
        out.append(contentsOf: Array("\n  ]".utf8))
        out.append(contentsOf: head[slot.upperBound...])
        out.append(UInt8(ascii: "\n"))
        return String(decoding: out, as: UTF8.self)
    }

    private static func encoded(_ report: Report) -> [UInt8]? {
        (try? encoder().encode(report)).map { [UInt8]($0) }
    }

    private static func whole(_ report: Report) -> String {
        guard let bytes = encoded(report) else { return "{}\n" }
        return String(decoding: bytes, as: UTF8.self) + "\n"
    }

    /// The elements of an encoded array, without its brackets, indented one level deeper (blank lines stay
    /// blank, as the encoder writes them).
    private static func elements(_ items: [Report.PullRequest]) -> [UInt8]? {
        guard let data = try? encoder().encode(items) else { return nil }
        let text = [UInt8](data)
        let newline = UInt8(ascii: "\n")
        let space = UInt8(ascii: " ")
        guard text.count >= 4, text[0] == UInt8(ascii: "["), text[1] == newline, text[text.count - 2] == newline,
            text[text.count - 1] == UInt8(ascii: "]")
        else { return nil }
        let inner = text[2..<(text.count - 2)]
        var out: [UInt8] = []
        out.reserveCapacity(inner.count + inner.count / 8)
        var lineStart = true
        for byte in inner {
            if lineStart && byte != newline {
                out.append(space)
                out.append(space)
            }
            out.append(byte)
            lineStart = byte == newline
        }
        return out
    }

    private static func firstRange(of needle: [UInt8], in haystack: [UInt8]) -> Range<Int>? {
        guard needle.count <= haystack.count else { return nil }
        var i = 0
        while i + needle.count <= haystack.count {
            if haystack[i] == needle[0] && haystack[i..<(i + needle.count)].elementsEqual(needle) {
                return i..<(i + needle.count)
            }
            i += 1
        }
        return nil
    }
}
