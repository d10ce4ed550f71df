internal import CLibGit2
internal import Foundation
package import HistoryModel

/// A parsed `.mailmap` (`git_mailmap`), built from the file's contents at the analysed commit so that the
/// result never depends on a working tree.
package final class Mailmap {
    let handle: OpaquePointer?
    /// The names and addresses handed out so far: every commit by one person shares one copy of each.
    package let names = StringInterner()

    /// Entries whose old address is empty (`Proper Name <proper@example.com> Commit Name <>`): git maps commits
    /// recorded with an empty address by them, and libgit2 refuses the whole file for one of them
    /// (`git_mailmap_from_buffer`: `replace_email && *replace_email`). They are read here, as git's `mailmap.c`
    /// reads them, and left out of what libgit2 parses.
    let emptyAddress: EmptyAddressEntries

    /// Parses `.mailmap` contents; nil or empty contents map nobody.
    /// The corresponding C function is `git_mailmap_from_buffer`.
    package init(contents: [UInt8]?) throws(GitError) {
        _ = LibGit2.initialized
        guard let contents, !contents.isEmpty else {
            handle = nil
            emptyAddress = EmptyAddressEntries()
            return
        }
        let (rest, empty) = EmptyAddressEntries.split(contents)
        emptyAddress = empty
        var raw: OpaquePointer?
        let rc = rest.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { git_mailmap_from_buffer(&raw, $0.baseAddress, $0.count) }
        }
        try check(rc, "git_mailmap_from_buffer")
        handle = raw
    }

    deinit { git_mailmap_free(handle) }

    /// How a `.mailmap` is read, for a stored report's key: `git-2` since old names and addresses match in any
    /// ASCII case and lines with an empty old address are read (ADR 0004).
    package static let rules = "git-2"

    /// The canonical name and e-mail for raw C strings from a signature.
    func resolve(name: UnsafePointer<CChar>, email: UnsafePointer<CChar>) -> (String, String) {
        if email.pointee == 0, let mapped = emptyAddress.resolve(name: String(cString: name)) {
            return (names.intern(mapped.name), names.intern(mapped.email))
        }
        // git compares old names and addresses without regard to ASCII case (`strcasecmp`), libgit2 exactly: the
        // old parts of every line were lower-cased for libgit2 (`EmptyAddressEntries.split`), and so is what is
        // looked up. A field libgit2 leaves alone comes back as the pointer it was given: the commit's own then.
        guard let handle else { return (names.intern(String(cString: name)), names.intern(String(cString: email))) }
        let lowerName = Self.asciiLowercased(name)
        let lowerEmail = Self.asciiLowercased(email)
        return lowerName.withUnsafeBufferPointer { ln in
            lowerEmail.withUnsafeBufferPointer { le in
                var realName: UnsafePointer<CChar>?
                var realEmail: UnsafePointer<CChar>?
                let found = git_mailmap_resolve(&realName, &realEmail, handle, ln.baseAddress, le.baseAddress) == 0
                let n = found && realName != nil && realName != ln.baseAddress ? realName! : name
                let e = found && realEmail != nil && realEmail != le.baseAddress ? realEmail! : email
                return (names.intern(String(cString: n)), names.intern(String(cString: e)))
            }
        }
    }

    /// A C string with A–Z made a–z, NUL-terminated.
    static func asciiLowercased(_ s: UnsafePointer<CChar>) -> [CChar] {
        var out: [CChar] = []
        var p = s
        while p.pointee != 0 {
            let c = p.pointee
            out.append(c >= 65 && c <= 90 ? c + 32 : c)
            p += 1
        }
        out.append(0)
        return out
    }

    /// The canonical identity for a name and e-mail address.
    package func resolve(_ identity: Identity) -> Identity {
        let (n, e) = identity.name.withCString { name in identity.email.withCString { resolve(name: name, email: $0) } }
        return Identity(name: n, email: e)
    }
}

@available(*, unavailable)
extension Mailmap: Sendable {}

/// The `.mailmap` lines whose old address is empty, as git reads them (`read_mailmap_line`, `add_mapping`,
/// `map_user`): keyed by the old name (compared without regard to case), or by none (a line without an old name).
struct EmptyAddressEntries {
    struct Replacement {
        var name: String?
        var email: String?
    }

    /// The entry without an old name.
    var simple: Replacement?
    /// By old name, lower-cased.
    var byName: [String: Replacement] = [:]

    /// `contents` without the lines whose second address is `<>` (read here) or whose first is (git ignores
    /// them; libgit2 would refuse the file).
    static func split(_ contents: [UInt8]) -> ([UInt8], EmptyAddressEntries) {
        var entries = EmptyAddressEntries()
        var rest: [UInt8] = []
        rest.reserveCapacity(contents.count)
        for line in contents.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            switch parse(line) {
            case .other:
                rest.append(contentsOf: lowercasedKey(line))
            case .ignored:
                break
            case .entry(let replacement, let oldName?):
                // A later line for the same name replaces an earlier one, as in git.
                entries.byName[oldName.lowercased()] = replacement
            case .entry(let replacement, nil):
                entries.simple = Replacement(
                    name: replacement.name ?? entries.simple?.name, email: replacement.email ?? entries.simple?.email)
            }
            rest.append(UInt8(ascii: "\n"))
        }
        if contents.last != UInt8(ascii: "\n") { rest.removeLast() }
        return (rest, entries)
    }

    /// The line with its old name and address (what a commit's identity is looked up by) in ASCII lower case:
    /// everything after the first address when there is a second, else the one address.
    static func lowercasedKey(_ line: ArraySlice<UInt8>) -> [UInt8] {
        var out = Array(line)
        guard let (open1, close1) = firstAddress(out[...]) else { return out }
        let hasSecond = out[(close1 + 1)...].contains(UInt8(ascii: "<"))
        for i in (hasSecond ? (close1 + 1)..<out.count : (open1 + 1)..<close1) where (65...90).contains(out[i]) {
            out[i] += 32
        }
        return out
    }

    /// The `<` and `>` of a line's first address; nil for a comment or a line without one.
    static func firstAddress(_ line: ArraySlice<UInt8>) -> (open: Int, close: Int)? {
        guard line.first != UInt8(ascii: "#"), let open = line.firstIndex(of: UInt8(ascii: "<")),
            let close = line[(open + 1)...].firstIndex(of: UInt8(ascii: ">"))
        else { return nil }
        return (open, close)
    }

    enum Line {
        /// `Proper Name <proper> [Old Name] <>`.
        case entry(Replacement, oldName: String?)
        /// A first address that is empty: git ignores the line.
        case ignored
        /// Anything else, for libgit2.
        case other
    }

    static func parse(_ line: ArraySlice<UInt8>) -> Line {
        guard let (open1, close1) = firstAddress(line) else { return .other }
        if close1 == open1 + 1 { return .ignored }
        guard let open2 = line[(close1 + 1)...].firstIndex(of: UInt8(ascii: "<")),
            line.index(after: open2) < line.endIndex, line[line.index(after: open2)] == UInt8(ascii: ">")
        else { return .other }
        func text(_ bytes: ArraySlice<UInt8>) -> String? {
            let trimmed = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty ? nil : trimmed
        }
        return .entry(
            Replacement(name: text(line[line.startIndex..<open1]), email: text(line[(open1 + 1)..<close1])),
            oldName: text(line[(close1 + 1)..<open2]))
    }

    /// git's `map_user` for an empty address: the entry for this name, else the one without a name.
    func resolve(name: String) -> (name: String, email: String)? {
        guard let r = byName[name.lowercased()] ?? simple, r.name != nil || r.email != nil else { return nil }
        return (r.name ?? name, r.email ?? "")
    }
}
