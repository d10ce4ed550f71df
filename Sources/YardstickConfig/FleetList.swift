internal import Yams

/// `REPOS.yml`, the list `yardstick fleet` analyses (docs/fleet.md):
///
/// ```yaml
/// cache: cache            # where url: entries are cloned (relative to this file); default .yardstick-cache
/// repositories:
///   - path: ../libgit2     # a working tree or a bare git folder (relative to this file)
///     name: libgit2        # optional: the last path component without .git
///     branch: main         # optional: analyze --branch
///     config: libgit2.yml  # optional: analyze --config (relative to this file)
///   - url: https://github.com/org/tool.git   # cloned bare into cache/<name>.git, fetched when there
/// ```
public struct FleetList: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// The name reports and the store use: letters, digits, `.`, `_`, `-`; unique in the list.
        public var name: String
        /// A local repository (resolved against the list's folder), or nil for a clone.
        public var path: String?
        /// A clone URL, or nil for a local repository.
        public var url: String?
        public var branch: String?
        /// A yardstick.yml for this repository (resolved against the list's folder).
        public var config: String?

        public init(name: String, path: String? = nil, url: String? = nil, branch: String? = nil, config: String? = nil)
        {
            self.name = name
            self.path = path
            self.url = url
            self.branch = branch
            self.config = config
        }
    }

    /// Where `url:` entries are cloned (resolved against the list's folder).
    public var cache: String
    public var repositories: [Entry]

    public init(cache: String, repositories: [Entry]) {
        self.cache = cache
        self.repositories = repositories
    }

    /// The default cache folder, beside the list.
    public static let defaultCache = ".yardstick-cache"

    /// Parses the list. `file` names it in errors; `folder` is what relative paths are resolved against.
    /// - Throws: `ConfigError` naming the line and what is wrong.
    public static func parse(_ text: String, file: String, folder: String) throws(ConfigError) -> FleetList {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            let first = "\(error)".split(separator: "\n").first.map(String.init) ?? "unreadable"
            throw ConfigError(file: file, line: nil, message: "not valid YAML: \(first)")
        }
        let reader = NodeReader(file: file)
        guard let root else { throw ConfigError(file: file, line: nil, message: "is empty; it needs repositories:") }
        let top = try reader.mapping(root, path: "the list", allowed: ["cache", "repositories"])
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : (folder.isEmpty ? p : folder + "/" + p) }
        let cache = resolve(
            try top["cache"].map { n throws(ConfigError) in try reader.string(n, path: "cache") } ?? defaultCache)
        guard let list = top["repositories"] else {
            throw ConfigError(file: file, line: nil, message: "needs repositories: (a list of path: or url: entries)")
        }
        var entries: [Entry] = []
        var names: [String: Int] = [:]
        for (i, node) in try reader.sequence(list, path: "repositories").enumerated() {
            let at = "repositories[\(i)]"
            let f = try reader.mapping(node, path: at, allowed: ["name", "path", "url", "branch", "config"])
            func text(_ key: String) throws(ConfigError) -> String? {
                guard let n = f[key] else { return nil }
                let s = try reader.string(n, path: "\(at).\(key)")
                guard !s.isEmpty else { throw reader.fail(n, "\(at).\(key) is empty") }
                return s
            }
            let path = try text("path")
            let url = try text("url")
            guard (path == nil) != (url == nil) else {
                throw reader.fail(node, "\(at) needs exactly one of path: and url:")
            }
            if let url, !url.contains("://"), !url.contains(":") {
                throw reader.fail(
                    f["url"], "\(at).url '\(url)' is not a clone URL (file://, https://, ssh://, or host:path)")
            }
            let name = try text("name") ?? Self.name(from: path ?? url ?? "")
            guard Self.isValidName(name) else {
                throw reader.fail(
                    f["name"] ?? node,
                    "\(at): the name '\(name)' must be letters, digits, '.', '_' or '-' (give one with name:)")
            }
            if let first = names[name] {
                throw reader.fail(f["name"] ?? node, "\(at): the name '\(name)' is used by repositories[\(first)] too")
            }
            names[name] = i
            entries.append(
                Entry(
                    name: name, path: path.map(resolve), url: url, branch: try text("branch"),
                    config: try text("config").map(resolve)))
        }
        guard !entries.isEmpty else { throw reader.fail(list, "repositories is empty") }
        return FleetList(cache: cache, repositories: entries)
    }

    /// The last path component, without a trailing `/` or `.git`.
    static func name(from location: String) -> String {
        var s = Substring(location)
        while s.hasSuffix("/") { s = s.dropLast() }
        if s.hasSuffix(".git") { s = s.dropLast(4) }
        while s.hasSuffix("/") { s = s.dropLast() }
        if let slash = s.lastIndex(where: { $0 == "/" || $0 == ":" }) { s = s[s.index(after: slash)...] }
        return String(s)
    }

    /// A name that is safe as a file name and a label: `[A-Za-z0-9._-]+`, not `.` or `..`, at most 100 characters.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 100 && name != "." && name != ".."
            && name.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "."
                    || $0 == "_" || $0 == "-"
            }
    }

    /// The shard (1-based, of `count`) a repository belongs to: FNV-1a 64 of its name, modulo `count`, plus 1.
    /// Stable across machines and runs, so one pod or CI job per shard analyses a fixed part of the list.
    public static func shard(of name: String, count: Int) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in name.utf8 {
            hash ^= UInt64(b)
            hash = hash &* 0x100_0000_01b3
        }
        return Int(hash % UInt64(max(1, count))) + 1
    }
}
