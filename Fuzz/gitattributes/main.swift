// Fuzz target `gitattributes`: .gitattributes files through GitAttributes(files:) and flags(for:). The input
// is split at NUL bytes: the first part is the root .gitattributes, the second docs/.gitattributes, the rest
// paths to ask about. Property: parsing and lookups answer; a flag is set only by a line that names it
// (`binary` then `diff` legitimately leaves binary without -diff, as in git).
import HistoryParsing

func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let parts = UnsafeBufferPointer(start: data, count: size).split(separator: 0, omittingEmptySubsequences: false)
        .map { String(decoding: $0, as: UTF8.self) }
    guard let root = parts.first else { return 0 }
    var files = [(path: ".gitattributes", contents: root)]
    if parts.count > 1 { files.append((path: "docs/.gitattributes", contents: parts[1])) }
    let attributes = GitAttributes(files: files)
    let paths = parts.count > 2 ? Array(parts[2...]) : ["a.bin", "docs/x.md", "docs/sub/y.png"]
    // A flag can only come from a line that names it (`binary` sets -diff too; `diff` unsets it again).
    let text = files.map(\.contents).joined(separator: "\n")
    for path in paths {
        let flags = attributes.flags(for: path)
        if flags.contains(.linguistGenerated) { check(text.contains("linguist-generated"), "linguist-generated from nowhere for \(path)") }
        if flags.contains(.linguistVendored) { check(text.contains("linguist-vendored"), "linguist-vendored from nowhere for \(path)") }
        if flags.contains(.binary) { check(text.contains("binary"), "binary from nowhere for \(path)") }
        if flags.contains(.noDiff) { check(text.contains("binary") || text.contains("diff"), "-diff from nowhere for \(path)") }
    }
    return 0
}
