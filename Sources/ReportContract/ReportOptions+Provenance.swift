extension Report.Options {
    /// One imported file as the report records it (`options.imports`).
    public struct ImportedFile: Codable, Sendable, Equatable {
        /// `builds`, `coverage` or `reviews`.
        public var kind: String
        /// The path as it was read (relative paths relative to the folder yardstick ran in).
        public var path: String
        /// `sha256:<hex>` of the file's bytes.
        public var sha256: String

        public init(kind: String, path: String, sha256: String) {
            self.kind = kind
            self.path = path
            self.sha256 = sha256
        }
    }

    /// The import options that shape the numbers besides the files (`options.importSettings`).
    public struct ImportSettings: Codable, Sendable, Equatable {
        @NullEncoded public var buildsFormat: String?
        @NullEncoded public var coverageFormat: String?
        @NullEncoded public var reviewsFormat: String?
        @NullEncoded public var buildNotes: String?
        public var buildTrailers: Bool
        public var reviewNotes: Bool
        public var coverageStripPrefixes: [String]

        public init(
            buildsFormat: String? = nil, coverageFormat: String? = nil, reviewsFormat: String? = nil,
            buildNotes: String? = nil, buildTrailers: Bool = false, reviewNotes: Bool = false,
            coverageStripPrefixes: [String] = []
        ) {
            self.buildsFormat = buildsFormat
            self.coverageFormat = coverageFormat
            self.reviewsFormat = reviewsFormat
            self.buildNotes = buildNotes
            self.buildTrailers = buildTrailers
            self.reviewNotes = reviewNotes
            self.coverageStripPrefixes = coverageStripPrefixes
        }

        /// True when every setting has its default (the report then records `null`).
        public var isDefault: Bool { self == ImportSettings() }
    }
}

/// A list field added to the contract after reports were written without it: written always (`[]` when
/// empty), read as empty when the key is missing, so older reports still decode.
@propertyWrapper
public struct EmptyDefault<Element: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var wrappedValue: [Element]

    public init(wrappedValue: [Element]) {
        self.wrappedValue = wrappedValue
    }

    public init(from decoder: any Decoder) throws {
        wrappedValue = try decoder.singleValueContainer().decode([Element].self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wrappedValue)
    }
}

extension KeyedDecodingContainer {
    /// A missing key decodes as an empty list for `EmptyDefault` properties.
    public func decode<Element>(_ type: EmptyDefault<Element>.Type, forKey key: Key) throws -> EmptyDefault<Element> {
        EmptyDefault(wrappedValue: try decodeIfPresent([Element].self, forKey: key) ?? [])
    }
}
