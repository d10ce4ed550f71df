/// The `.gitattributes` rules Yardstick reads: which paths are generated, vendored or not to be diffed.
public struct GitAttributes: Sendable {
    /// An attribute that takes a path out of counted sizes.
    public enum Flag: String, Sendable, CaseIterable {
        case linguistGenerated = "linguist-generated"
        case linguistVendored = "linguist-vendored"
        case binary = "binary"
        case noDiff = "-diff"
    }

    struct Rule: Sendable {
        var glob: Glob
        var set: [Flag: Bool]
    }

    /// Rules by the directory of their file ("" for the root, else "dir/sub/"), in file order.
    private var rulesByDirectory: [String: [Rule]] = [:]
    /// `rulesByDirectory`'s keys, shallowest first.
    private var orderedDirectories: [String] = []

    public init() {}

    /// Parses `.gitattributes` files (path of the file, contents). Deeper files override shallower ones, and
    /// later lines earlier ones, as in git. Macros other than `binary` and quoted patterns are ignored.
    public init(files: [(path: String, contents: String)]) {
        let ordered = files.sorted { a, b in
            let da = a.path.split(separator: "/").count
            let db = b.path.split(separator: "/").count
            return da != db ? da < db : a.path < b.path
        }
        for file in ordered {
            let directory = file.path.split(separator: "/").dropLast().map { $0 + "/" }.joined()
            for line in file.contents.split(whereSeparator: \.isNewline) {
                let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard let pattern = fields.first, !pattern.hasPrefix("#"), !pattern.hasPrefix("\""),
                    !pattern.hasPrefix("[attr]")
                else { continue }
                var set: [Flag: Bool] = [:]
                for attr in fields.dropFirst() { Self.apply(String(attr), to: &set) }
                if !set.isEmpty {
                    rulesByDirectory[directory, default: []].append(Rule(glob: Glob(String(pattern)), set: set))
                }
            }
        }
        orderedDirectories = rulesByDirectory.keys.sorted { a, b in
            let da = a.utf8.count(where: { $0 == UInt8(ascii: "/") })
            let db = b.utf8.count(where: { $0 == UInt8(ascii: "/") })
            return da != db ? da < db : a < b
        }
    }

    private static func apply(_ attr: String, to set: inout [Flag: Bool]) {
        func value(_ name: String) -> Bool? {
            if attr == name || attr == name + "=true" || attr == name + "=1" { return true }
            if attr == "-" + name || attr == "!" + name || attr == name + "=false" || attr == name + "=0" { return false }
            return nil
        }
        if let v = value("linguist-generated") { set[.linguistGenerated] = v }
        if let v = value("linguist-vendored") { set[.linguistVendored] = v }
        if attr == "binary" {
            set[.binary] = true
            set[.noDiff] = true
        }
        if attr == "-diff" || attr == "diff=false" { set[.noDiff] = true }
        if attr == "diff" { set[.noDiff] = false }
    }

    /// The flags set for `path` after every rule has been applied.
    public func flags(for path: String) -> Set<Flag> {
        guard !rulesByDirectory.isEmpty else { return [] }
        var state: [Flag: Bool] = [:]
        // Only the .gitattributes files of the path's own directories apply: root first, deepest last. A
        // directory is the path's own when the path starts with it (only one of each depth can).
        for dir in orderedDirectories where path.utf8.starts(with: dir.utf8) && path.utf8.count > dir.utf8.count {
            guard let dirRules = rulesByDirectory[dir] else { continue }
            let relative = String(decoding: path.utf8.dropFirst(dir.utf8.count), as: UTF8.self)
            for rule in dirRules where rule.glob.matches(relative) {
                for (k, v) in rule.set { state[k] = v }
            }
        }
        return Set(state.filter(\.value).keys)
    }
}
