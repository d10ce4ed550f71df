public import HistoryParsing

/// Decides which files a PR's counted size leaves out, and says why.
public struct ExclusionPolicy: Sendable {
    /// Lock files left out by default (matched by file name).
    public static let defaultLockFiles: [String] = [
        "Package.resolved", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lockb",
        "Cargo.lock", "go.sum", "Gemfile.lock", "poetry.lock", "Pipfile.lock", "uv.lock", "composer.lock",
        "mix.lock", "pubspec.lock", "Podfile.lock", "Cartfile.resolved", "flake.lock", "packages.lock.json",
        "gradle.lockfile", "conan.lock",
    ]
    private static let lockFileNames = Set(defaultLockFiles)
    /// Vendored trees left out by default (matched as any directory component).
    public static let defaultVendorDirectories: [String] = ["vendor", "third_party", "node_modules"]

    public var useDefaults: Bool
    /// Extra patterns (gitignore syntax) to leave out.
    public var extraPatterns: [Glob]
    /// Patterns to count even when a default or an attribute would leave them out.
    public var includePatterns: [Glob]
    public var attributes: GitAttributes

    public init(
        useDefaults: Bool = true, extraPatterns: [Glob] = [], includePatterns: [Glob] = [],
        attributes: GitAttributes = GitAttributes()
    ) {
        self.useDefaults = useDefaults
        self.extraPatterns = extraPatterns
        self.includePatterns = includePatterns
        self.attributes = attributes
    }

    /// Why `path` is left out of counted sizes, or nil when it counts.
    public func reason(for path: String) -> String? {
        reason(for: path, flags: nil)
    }

    /// `reason(for:)` with the path's attribute flags already known.
    func reason(for path: String, flags known: Set<GitAttributes.Flag>?) -> String? {
        if includePatterns.contains(where: { $0.matches(path) }) { return nil }
        if useDefaults {
            // Byte searches first (they never miss what the Character-level checks find): most paths are
            // neither lock files nor under a vendored directory.
            let name =
                path.utf8.lastIndex(of: UInt8(ascii: "/")).map { path.utf8[path.utf8.index(after: $0)...] }
                ?? path.utf8[...]
            if Self.lockFileNames.contains(String(decoding: name, as: UTF8.self)),
                let name = path.split(separator: "/").last, Self.defaultLockFiles.contains(String(name))
            {
                return "lock file"
            }
            if Self.defaultVendorDirectories.contains(where: { Glob.hasDirectory(path, $0) }),
                let dir = path.split(separator: "/").dropLast().first(where: {
                    Self.defaultVendorDirectories.contains(String($0))
                })
            {
                return "vendored (\(dir)/)"
            }
        }
        if let glob = extraPatterns.first(where: { $0.matches(path) }) { return "excluded by config (\(glob.pattern))" }
        let flags = known ?? attributes.flags(for: path)
        for flag in GitAttributes.Flag.allCases where flags.contains(flag) {
            return ".gitattributes \(flag.rawValue)"
        }
        return nil
    }
}
