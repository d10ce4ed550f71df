/// A person and a moment, as git records them for an author or committer (after `.mailmap`).
public struct Signature: Hashable, Sendable {
    /// Display name; bytes that are not valid UTF-8 are repaired to U+FFFD.
    public var name: String
    /// E-mail address as recorded (case preserved).
    public var email: String
    /// Seconds since the Unix epoch (UTC).
    public var time: Int64
    /// The signer's time-zone offset from UTC, in minutes.
    public var offsetMinutes: Int

    public init(name: String, email: String, time: Int64, offsetMinutes: Int) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }

    /// The identity part, without the time.
    public var identity: Identity { Identity(name: name, email: email) }
}

/// A person as named in history: a name and an e-mail address.
public struct Identity: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var name: String
    public var email: String

    public init(name: String, email: String) {
        self.name = name
        self.email = email
    }

    /// The e-mail address lower-cased, the key that groups and de-duplicates people.
    public var key: String { email.lowercased() }

    /// `Name <email>`, as git prints it.
    public var description: String { "\(name) <\(email)>" }

    public static func < (a: Identity, b: Identity) -> Bool {
        (a.key, a.name) < (b.key, b.name)
    }
}
