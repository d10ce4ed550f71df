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
    /// Vendored trees left out by default, matched as any whole directory component: GitHub Linguist's
    /// vendor conventions (`lib/linguist/vendor.yml`: `(^|/)deps/`, `node_modules/`, `bower_components/`,
    /// `third[-_]?party/`, `3rd[-_]?party/`, `vendors?/`, `extern(al)?/`, `(^|/)[Vv]+endor/`, `(^|/)dist/`),
    /// docs/metrics.md "Exclusions".
    public static let defaultVendorDirectories: [String] = [
        "vendor", "third_party", "node_modules", "Vendor", "vendors", "third-party", "thirdparty", "3rdparty",
        "3rd_party", "3rd-party", "extern", "external", "deps", "bower_components", "dist",
    ]
    private static let vendorDirectoryNames = Set(defaultVendorDirectories)
    /// Vendored trees left out only at the repository's root (Linguist: `^[Dd]ependencies/`, `^Carthage/`,
    /// `^Pods/`) and two-level ones at any depth (`Godeps/_workspace/`, `gradle/wrapper/`).
    public static let defaultRootVendorDirectories: [String] = ["Dependencies", "dependencies", "Carthage", "Pods"]
    public static let defaultNestedVendorDirectories: [String] = ["Godeps/_workspace", "gradle/wrapper"]
    /// File-name endings left out by default: minified and IDE-generated JavaScript and CSS (Linguist:
    /// `(\.|-)min\.(js|css)$`, `-vsdoc\.js$`, `\.intellisense\.js$`).
    public static let defaultVendoredSuffixes: [String] = [
        ".min.js", ".min.css", "-min.js", "-min.css", "-vsdoc.js", ".intellisense.js",
    ]
    /// File names left out by default: autoconf's and Gradle's generated files (Linguist: `config.guess`,
    /// `config.sub`, `aclocal.m4`, `libtool.m4`, `lt*.m4`, `gradlew`).
    public static let defaultGeneratedFiles: [String] = [
        "config.guess", "config.sub", "aclocal.m4", "libtool.m4", "ltoptions.m4", "ltsugar.m4", "ltversion.m4",
        "lt~obsolete.m4", "gradlew", "gradlew.bat",
    ]
    private static let generatedFileNames = Set(defaultGeneratedFiles)

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
            // The lock-file check compares the file name's bytes first (it never misses what the Character-level
            // check finds); the vendored and generated defaults are matched per path component, once per
            // distinct path (PathClassifier remembers the answer).
            let name =
                path.utf8.lastIndex(of: UInt8(ascii: "/")).map { path.utf8[path.utf8.index(after: $0)...] }
                ?? path.utf8[...]
            if Self.lockFileNames.contains(String(decoding: name, as: UTF8.self)),
                let name = path.split(separator: "/").last, Self.defaultLockFiles.contains(String(name))
            {
                return "lock file"
            }
            if let rule = Self.defaultRule(path: path, name: name), !unvendored(path, rule: rule) {
                return rule.reason
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

extension ExclusionPolicy {
    /// A default rule that matched a path: the reason it gives, and whether it is a vendored or a generated
    /// rule (the `.gitattributes` attribute that can override it).
    struct DefaultRule {
        var reason: String
        var generated: Bool
    }

    /// The first default vendored or generated rule that matches `path` (whose file name is `name`).
    static func defaultRule(path: String, name: Substring.UTF8View) -> DefaultRule? {
        // Each rule below needs the bytes of one of its names in the path (its names are ASCII, without the
        // letters a canonically equivalent non-ASCII character stands for: `defaultRuleNeedles`): most paths
        // hold none, and are answered without splitting them into Strings (issue 11).
        guard ByteSearch.containsAnyLowercased(Substring(path), defaultRuleNeedles) else { return nil }
        return defaultRuleUnfiltered(path: path, name: name)
    }

    /// `defaultRule` without its byte pre-filter: the reference a test checks it against.
    static func defaultRuleUnfiltered(path: String, name: Substring.UTF8View) -> DefaultRule? {
        var components = path.split(separator: "/", omittingEmptySubsequences: false)
        let file = components.removeLast()
        if let dir = components.first(where: { vendorDirectoryNames.contains(String($0)) }) {
            return DefaultRule(reason: "vendored (\(dir)/)", generated: false)
        }
        if let root = components.first, defaultRootVendorDirectories.contains(String(root)) {
            return DefaultRule(reason: "vendored (\(root)/)", generated: false)
        }
        if components.count >= 2 {
            for nested in defaultNestedVendorDirectories where Glob.hasDirectory(path, nested) {
                return DefaultRule(reason: "vendored (\(nested)/)", generated: false)
            }
        }
        if let suffix = defaultVendoredSuffixes.first(where: { file.hasSuffix($0) && file.count > $0.count }) {
            return DefaultRule(reason: "vendored (*\(suffix))", generated: false)
        }
        if generatedFileNames.contains(String(decoding: name, as: UTF8.self)) {
            return DefaultRule(reason: "generated (\(file))", generated: true)
        }
        return nil
    }

    /// Every name the default rules match, lower-cased: a path whose bytes hold none of them (compared
    /// case-insensitively over ASCII) matches no default rule.
    static let defaultRuleNeedles = Array(
        Set(
            (defaultVendorDirectories + defaultRootVendorDirectories + defaultNestedVendorDirectories
                + defaultVendoredSuffixes + defaultGeneratedFiles).map { $0.lowercased() })
    ).sorted()

    /// Whether `.gitattributes` takes a default rule back for `path`, as Linguist reads it:
    /// `linguist-vendored=false` (or `-linguist-vendored`) for a vendored rule, `linguist-generated=false` for
    /// a generated one.
    func unvendored(_ path: String, rule: DefaultRule) -> Bool {
        let name =
            rule.generated
            ? GitAttributes.Flag.linguistGenerated.rawValue : GitAttributes.Flag.linguistVendored.rawValue
        switch attributes.attributes(for: path)[name] {
        case .unset, .value("false"), .value("0"): return true
        default: return false
        }
    }
}
