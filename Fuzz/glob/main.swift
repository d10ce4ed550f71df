// Fuzz target `glob`: the glob compiler and matcher (`Glob`, used by exclusions, test patterns, bot and
// e-mail patterns and .gitattributes). The input is a pattern, a NUL byte, then a path.
// Properties: matching answers (within the time limit); the shapes Glob matches without its general
// matcher (`*.ext`, `dir/**`, `**/dir/**`, literals) answer as the general matcher does, for any path git can record.
@testable import HistoryParsing

func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let cut = bytes.firstIndex(of: 0) ?? bytes.count
    let pattern = String(decoding: bytes[..<cut], as: UTF8.self)
    let path = cut < bytes.count ? String(decoding: bytes[(cut + 1)...], as: UTF8.self) : ""
    let glob = Glob(pattern)
    let matches = glob.matches(path)
    _ = glob.matchesText(path)
    if !pattern.isEmpty { _ = Glob.hasDirectory(path, pattern) }

    // The general matcher's answer: a pattern with a slash (not only a trailing one) is anchored at the
    // base and matched against the whole path, else against the path's last component.
    var body = Array(pattern.utf8)[...]
    let leadingSlash = body.first == UInt8(ascii: "/")
    if leadingSlash { body = body.dropFirst() }
    let anchored = leadingSlash || body.dropLast(body.last == UInt8(ascii: "/") ? 1 : 0).contains(UInt8(ascii: "/"))
    let text = Array(path.utf8)[...]
    let name = anchored ? text : text.lastIndex(of: UInt8(ascii: "/")).map { text[($0 + 1)...] } ?? text
    let general = Glob.match(body, name)
    // Paths as git records them: not empty, no NUL, no empty component.
    let gitPath = !path.isEmpty && !path.contains("\0") && !path.hasPrefix("/") && !path.hasSuffix("/") && !path.contains("//")
    guard gitPath else { return 0 }
    check(matches == general, "Glob(\(pattern.debugDescription)).matches(\(path.debugDescription)) is \(matches), the general matcher says \(general)")
    return 0
}
