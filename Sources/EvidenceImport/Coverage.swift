internal import Foundation

#if canImport(FoundationXML)
    internal import FoundationXML
#endif

/// Line coverage of one source file as a report names it.
public struct FileCoverage: Sendable, Equatable {
    public var path: String
    /// Hits per instrumented line (1-based line number → execution count).
    public var lines: [Int: Int64]
    /// For reports without per-line data (llvm-cov's JSON export): instrumented and covered line counts.
    public var summary: (count: Int, covered: Int)?

    public init(path: String, lines: [Int: Int64] = [:], summary: (count: Int, covered: Int)? = nil) {
        self.path = path
        self.lines = lines
        self.summary = summary
    }

    public static func == (a: FileCoverage, b: FileCoverage) -> Bool {
        a.path == b.path && a.lines == b.lines && a.summary?.count == b.summary?.count
            && a.summary?.covered == b.summary?.covered
    }

    public var instrumented: Int { summary?.count ?? lines.count }
    public var covered: Int { summary?.covered ?? lines.values.filter { $0 > 0 }.count }
}

public enum CoverageFormat: String, Sendable, CaseIterable {
    case lcov, cobertura
    case llvmCov = "llvm-cov"
}

public enum CoverageImport {
    /// Reads one coverage report. Format from content unless `format` is given.
    public static func read(_ path: String, format: CoverageFormat? = nil) throws -> [FileCoverage] {
        let chosen: CoverageFormat
        if let format {
            chosen = format
        } else {
            let bytes = try head(path)
            let text = String(decoding: bytes, as: UTF8.self).drop { $0.isWhitespace || $0 == "\u{FEFF}" }
            if text.hasPrefix("<") {
                chosen = .cobertura
            } else if text.hasPrefix("{") {
                chosen = .llvmCov
            } else if text.isEmpty {
                throw ImportError(file: path, "empty file")
            } else {
                chosen = .lcov
            }
        }
        switch chosen {
        case .lcov: return try lcov(path)
        case .cobertura: return try cobertura(path)
        case .llvmCov: return try llvmCov(path)
        }
    }

    /// Merges reports: a file named twice (several reports, or an `SF` repeated) has its hits summed.
    public static func merge(_ reports: [[FileCoverage]]) -> [FileCoverage] {
        var byPath: [String: FileCoverage] = [:]
        var order: [String] = []
        for file in reports.joined() {
            if var existing = byPath[file.path] {
                for (line, hits) in file.lines { existing.lines[line, default: 0] &+= hits }
                if let s = file.summary {
                    existing.summary = (
                        max(existing.summary?.count ?? 0, s.count), max(existing.summary?.covered ?? 0, s.covered)
                    )
                }
                byPath[file.path] = existing
            } else {
                byPath[file.path] = file
                order.append(file.path)
            }
        }
        return order.sorted().compactMap { byPath[$0] }
    }

    /// lcov tracefile, streamed line by line. Only `SF`, `DA` and `end_of_record` carry line coverage; the
    /// other records (`TN`, `FN*`, `FNL`, `FNA`, `BR*`, `MCDC`, `LF`, `LH`, comments) are accepted and unused.
    /// A file named in several records (one per test, `TN:`) is one entry, its hits summed as they are read:
    /// memory holds one entry per instrumented line, however many times the file repeats it.
    static func lcov(_ path: String) throws -> [FileCoverage] {
        var out: [FileCoverage] = []
        var position: [String: Int] = [:]
        var current: Int?
        let endOfRecord = Array("end_of_record".utf8)
        func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
        /// A non-negative decimal integer, or nil.
        func integer(_ bytes: ArraySlice<UInt8>) -> Int64? {
            guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
            var v: Int64 = 0
            for b in bytes {
                guard b >= 48 && b <= 57 else { return nil }
                v = v * 10 + Int64(b - 48)
            }
            return v
        }
        try LineReader(path: path).forEachBytes { raw, number in
            var text = raw
            while let f = text.first, isBlank(f) { text = text.dropFirst() }
            while let l = text.last, isBlank(l) { text = text.dropLast() }
            func shown() -> String { String(decoding: text.prefix(40), as: UTF8.self) }
            func fail(_ m: String) -> ImportError { ImportError(file: path, location: "line \(number)", m) }
            if text.isEmpty || text.first == UInt8(ascii: "#") { return }
            if text.elementsEqual(endOfRecord) {
                guard current != nil else { throw fail("end_of_record without SF") }
                current = nil
                return
            }
            guard let colon = text.firstIndex(of: UInt8(ascii: ":")) else {
                throw fail("malformed lcov record \"\(shown())\"")
            }
            let key = text[..<colon]
            let value = text[(colon + 1)...]
            if key.elementsEqual("DA".utf8) {
                guard current != nil else { throw fail("DA outside a file record") }
                let valueText = { String(decoding: value, as: UTF8.self) }
                let comma = value.firstIndex(of: UInt8(ascii: ","))
                guard let comma, let n = integer(value[..<comma]), n > 0, n <= Int64(Int32.max) else {
                    throw fail("malformed DA \"\(valueText())\"")
                }
                var countBytes = value[(comma + 1)...]
                // a third field is a checksum
                if let second = countBytes.firstIndex(of: UInt8(ascii: ",")) { countBytes = countBytes[..<second] }
                let hits: Int64
                if let h = integer(countBytes) {
                    hits = h
                } else if countBytes.first == UInt8(ascii: "-") {
                    throw fail("negative count in DA \"\(valueText())\"")
                } else if let d = Double(String(decoding: countBytes, as: UTF8.self)), d.isFinite, d >= 0 {
                    hits = d >= 9.2e18 ? Int64.max : Int64(d)  // big counts in float form, or past 18 digits
                } else {
                    throw fail("malformed DA \"\(valueText())\"")
                }
                if let c = current { out[c].lines[Int(n), default: 0] &+= hits }
            } else if key.elementsEqual("SF".utf8) {
                if current != nil { throw fail("SF before the previous file's end_of_record") }
                guard !value.isEmpty else { throw fail("SF without a path") }
                guard let name = String(validating: value, as: UTF8.self) else {
                    throw fail("SF path is not valid UTF-8")
                }
                if let known = position[name] {
                    current = known
                } else {
                    position[name] = out.count
                    current = out.count
                    out.append(FileCoverage(path: name))
                }
            } else {
                guard
                    key.allSatisfy({
                        ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 95
                    })
                else {
                    throw fail("malformed lcov record \"\(shown())\"")
                }
            }
        }
        if current != nil { throw ImportError(file: path, "the last file record has no end_of_record (truncated?)") }
        return out
    }

    /// Cobertura XML, streamed with Foundation's SAX parser (`XMLParser` over an input stream). File paths
    /// are `<source>/<class filename>` with the first `<source>`, or the filename alone.
    static func cobertura(_ path: String) throws -> [FileCoverage] {
        guard let stream = InputStream(fileAtPath: path) else {
            throw ImportError(file: path, "cannot read the file (missing or unreadable)")
        }
        let delegate = CoberturaDelegate(file: path)
        let parser = XMLParser(stream: stream)
        parser.delegate = delegate
        let ok = parser.parse()
        if let e = delegate.error { throw e }
        if !ok {
            let code = parser.parserError.map { ($0 as NSError).code } ?? 0
            let reason: String
            switch code {
            case 4, 5: reason = "no document, or content after the root element"
            case 73: reason = "expected '>'"
            case 76: reason = "an end tag does not match its start tag"
            case 77: reason = "the document ends inside an element (truncated?)"
            case 9: reason = "not valid UTF-8"
            default: reason = "libxml2 error \(code)"
            }
            throw ImportError(file: path, location: "line \(parser.lineNumber)", "malformed XML (\(reason))")
        }
        if let open = delegate.open.last {
            // Foundation's stream parser can finish a truncated document without an error: check it closed.
            throw ImportError(
                file: path, location: "line \(parser.lineNumber)",
                "malformed XML (the document ends inside <\(open)> (truncated?))")
        }
        guard delegate.sawRoot else { throw ImportError(file: path, "not a Cobertura report (no <coverage> element)") }
        return delegate.files.map { f in
            var f = f
            if let base = delegate.sources.first, !base.isEmpty, !f.path.hasPrefix("/") {
                f.path = base.hasSuffix("/") ? base + f.path : base + "/" + f.path
            }
            return f
        }
    }

    /// llvm-cov's JSON export (`llvm-cov export -format=text`), read whole. Per file, the lines come from its
    /// `segments` by llvm-cov's own line rule (`lineCoverage`); a file exported without segments
    /// (`-summary-only`) gives only its `summary.lines` counts.
    static func llvmCov(_ path: String) throws -> [FileCoverage] {
        let value = try JSONInput.load(try readWhole(path), file: path)
        guard let top = value as? [String: Any], let type = top["type"] as? String,
            type.hasPrefix("llvm.coverage.json.export"),
            let data = top["data"] as? [Any]
        else {
            throw ImportError(
                file: path, "not an llvm-cov JSON export (no \"type\": \"llvm.coverage.json.export\" with \"data\")")
        }
        var out: [FileCoverage] = []
        for (i, export) in data.enumerated() {
            guard let e = export as? [String: Any] else {
                throw ImportError(file: path, location: "data[\(i)]", "not an object")
            }
            let r = Record(object: e, file: path, location: "data[\(i)]")
            for f in try r.records("files") {
                let name = try f.string("filename")
                if f.has("segments") {
                    let segments = try f.array("segments").enumerated().map { j, raw in
                        guard let s = LLVMSegment(raw) else {
                            throw f.fail(
                                "segments[\(j)] of \"\(name)\" is not [line, column, count, hasCount, isRegionEntry(, isGapRegion)]"
                            )
                        }
                        return s
                    }
                    guard let lines = LLVMSegment.lineCoverage(segments) else {
                        throw f.fail(
                            "the segments of \"\(name)\" are not in line order or span more than \(LLVMSegment.maxSpan) lines"
                        )
                    }
                    out.append(FileCoverage(path: name, lines: lines))
                    continue
                }
                guard let summary = try f.object("summary"), let lines = try summary.object("lines") else {
                    throw f.fail("file \"\(name)\" has neither segments nor summary.lines")
                }
                let count = try lines.int("count")
                let covered = try lines.int("covered")
                guard count >= 0, covered >= 0, covered <= count else {
                    throw f.fail("summary.lines of \"\(name)\" is inconsistent")
                }
                out.append(FileCoverage(path: name, summary: (Int(count), Int(covered))))
            }
        }
        return out
    }
}

/// One segment of llvm-cov's JSON export: `[line, column, count, hasCount, isRegionEntry, isGapRegion]`
/// (exports before version 2.0.1 have no `isGapRegion`).
public struct LLVMSegment: Sendable, Equatable {
    public var line: Int
    public var count: Int64
    public var hasCount: Bool
    public var isRegionEntry: Bool
    public var isGapRegion: Bool

    public init(line: Int, count: Int64, hasCount: Bool, isRegionEntry: Bool, isGapRegion: Bool = false) {
        self.line = line
        self.count = count
        self.hasCount = hasCount
        self.isRegionEntry = isRegionEntry
        self.isGapRegion = isGapRegion
    }

    /// A segment decoded by JSONSerialization, or nil when it is not one.
    init?(_ raw: Any) {
        guard let a = raw as? [Any], a.count == 5 || a.count == 6 else { return nil }
        // (Foundation on Linux says an NSNumber integer `is Bool`: no such test here.)
        func integer(_ v: Any) -> Int64? {
            guard let n = v as? NSNumber, let i = Int64(exactly: n.doubleValue) else { return nil }
            return i
        }
        guard let line = integer(a[0]), line >= 1, line <= Int64(Int32.max), integer(a[1]) != nil,
            let count = integer(a[2]), count >= 0,
            let hasCount = a[3] as? Bool, let entry = a[4] as? Bool
        else { return nil }
        var gap = false
        if a.count == 6 {
            guard let g = a[5] as? Bool else { return nil }
            gap = g
        }
        self.init(line: Int(line), count: count, hasCount: hasCount, isRegionEntry: entry, isGapRegion: gap)
    }

    /// A file whose segments would make more instrumented lines than this is rejected (a damaged export
    /// could otherwise ask for billions of lines).
    public static let maxSpan = 10_000_000

    /// Hits per line from a file's segments, by llvm-cov's own rule (`LineCoverageStats` and
    /// `LineCoverageIterator` in llvm/lib/ProfileData/Coverage/CoverageMapping.cpp, which its lcov export and
    /// its HTML and text views print): lines are visited from the first segment's line to the last's; on
    /// each, the *wrapped* segment is the last segment of the nearest earlier line that has segments. A line
    /// is instrumented unless its first segment opens a skipped region (no count, region entry), when the
    /// wrapped segment has a count or a counted, non-gap region starts on it, and always when some segment
    /// with a count starts a region on it. Its count is the wrapped segment's, raised to the largest count of
    /// the counted non-gap regions starting on it. Nil when the segments are not in line order or span more
    /// than `maxSpan` lines.
    public static func lineCoverage(_ segments: [LLVMSegment]) -> [Int: Int64]? {
        var out: [Int: Int64] = [:]
        guard let first = segments.first?.line, let last = segments.last?.line else { return out }
        guard last >= first, last - first < maxSpan else { return nil }
        var i = 0
        var wrapped: LLVMSegment?
        var line = first
        while i < segments.count {
            let start = i
            while i < segments.count && segments[i].line == line { i += 1 }
            if i < segments.count && segments[i].line < line { return nil }
            let here = segments[start..<i]
            func opensCountedRegion(_ s: LLVMSegment) -> Bool { !s.isGapRegion && s.hasCount && s.isRegionEntry }
            let regionsStarting = here.contains(where: opensCountedRegion)
            let startsSkipped = here.first.map { !$0.hasCount && $0.isRegionEntry } ?? false
            var mapped = !startsSkipped && ((wrapped?.hasCount ?? false) || regionsStarting)
            if here.contains(where: { $0.isRegionEntry && $0.hasCount }) { mapped = true }
            if mapped {
                var count = wrapped?.count ?? 0
                if regionsStarting {
                    for s in here where opensCountedRegion(s) { count = max(count, s.count) }
                }
                out[line] = count
            }
            if let l = here.last { wrapped = l }
            line += 1
        }
        return out
    }
}

final class CoberturaDelegate: NSObject, XMLParserDelegate {
    let file: String
    var files: [FileCoverage] = []
    private var position: [String: Int] = [:]
    var sources: [String] = []
    var error: ImportError?
    var sawRoot = false
    private var inSource = false
    private var sourceText = ""
    private var current: FileCoverage?
    private var depthInMethods = 0
    /// Elements opened and not yet closed.
    var open: [String] = []

    init(file: String) { self.file = file }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        open.append(name)
        switch name {
        case "coverage": sawRoot = true
        case "source":
            inSource = true
            sourceText = ""
        case "class":
            guard let filename = attributes["filename"], !filename.isEmpty else {
                fail(parser, "<class> without a filename")
                return
            }
            current = FileCoverage(path: filename)
        case "methods": depthInMethods += 1
        case "line":
            // Method bodies repeat the class's lines: count each line once, from the class's own <lines>.
            guard depthInMethods == 0, current != nil else { return }
            guard let n = attributes["number"].flatMap({ Int($0) }), n > 0 else {
                fail(parser, "<line> without a positive number")
                return
            }
            guard let hits = attributes["hits"].flatMap({ Int64($0) }), hits >= 0 else {
                fail(parser, "<line number=\"\(n)\"> without a valid hits count")
                return
            }
            current?.lines[n, default: 0] &+= hits
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inSource { sourceText += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if !open.isEmpty { open.removeLast() }
        switch name {
        case "source":
            inSource = false
            sources.append(sourceText.trimmingCharacters(in: .whitespacesAndNewlines))
        case "class":
            // A file named by several classes (nested classes, several runs) is one entry, hits summed.
            if let c = current {
                if let known = position[c.path] {
                    for (line, hits) in c.lines { files[known].lines[line, default: 0] &+= hits }
                } else {
                    position[c.path] = files.count
                    files.append(c)
                }
            }
            current = nil
        case "methods": depthInMethods -= 1
        default: break
        }
    }

    private func fail(_ parser: XMLParser, _ message: String) {
        if error == nil { error = ImportError(file: file, location: "line \(parser.lineNumber)", message) }
        parser.abortParsing()
    }
}
