// Fuzz target `commit-message`: the commit message parsers of HistoryModel (subject, trailer block,
// `Name <email>` identities, 40-digit object ids). Commit headers are parsed by libgit2, not by Yardstick.
// Property: every parser answers; trailer keys are non-empty letters, digits and dashes; a subject has no newline.
import HistoryModel

func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let message = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let subject = Message.subject(of: message)
    check(!subject.contains("\n"), "a subject with a line break: \(subject.debugDescription)")
    for trailer in Trailer.parse(message: message) {
        check(!trailer.key.isEmpty, "a trailer with an empty key")
        check(
            trailer.key.utf8.allSatisfy { $0 == UInt8(ascii: "-") || ($0 < 128 && Character(UnicodeScalar($0)).isLetter) || ($0 >= 48 && $0 <= 57) },
            "a trailer key with other characters: \(trailer.key.debugDescription)")
        if let identity = Message.identity(trailer.value) {
            check(!identity.email.isEmpty, "an identity without an e-mail address")
            _ = identity.key
        }
    }
    _ = Message.identity(message)
    if let id = ObjectID(hex: message) {
        check(id.description == message.lowercased(), "an object id that does not print back: \(message)")
    }
    return 0
}
