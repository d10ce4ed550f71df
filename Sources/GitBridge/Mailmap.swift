internal import CLibGit2
package import HistoryModel

/// A parsed `.mailmap` (`git_mailmap`), built from the file's contents at the analysed commit so that the
/// result never depends on a working tree.
package final class Mailmap {
    let handle: OpaquePointer?
    /// The names and addresses handed out so far: every commit by one person shares one copy of each.
    package let names = StringInterner()

    /// Parses `.mailmap` contents; nil or empty contents map nobody.
    /// The corresponding C function is `git_mailmap_from_buffer`.
    package init(contents: [UInt8]?) throws(GitError) {
        _ = LibGit2.initialized
        guard let contents, !contents.isEmpty else {
            handle = nil
            return
        }
        var raw: OpaquePointer?
        let rc = contents.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { git_mailmap_from_buffer(&raw, $0.baseAddress, $0.count) }
        }
        try check(rc, "git_mailmap_from_buffer")
        handle = raw
    }

    deinit { git_mailmap_free(handle) }

    /// The canonical name and e-mail for raw C strings from a signature.
    func resolve(name: UnsafePointer<CChar>, email: UnsafePointer<CChar>) -> (String, String) {
        var realName: UnsafePointer<CChar>?
        var realEmail: UnsafePointer<CChar>?
        guard let handle, git_mailmap_resolve(&realName, &realEmail, handle, name, email) == 0, let n = realName,
            let e = realEmail
        else { return (names.intern(String(cString: name)), names.intern(String(cString: email))) }
        return (names.intern(String(cString: n)), names.intern(String(cString: e)))
    }

    /// The canonical identity for a name and e-mail address.
    package func resolve(_ identity: Identity) -> Identity {
        let (n, e) = identity.name.withCString { name in identity.email.withCString { resolve(name: name, email: $0) } }
        return Identity(name: n, email: e)
    }
}

@available(*, unavailable)
extension Mailmap: Sendable {}
