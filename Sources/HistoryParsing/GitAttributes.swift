/// The `.gitattributes` files of a tree, resolved as git resolves them (`git check-attr`, attr.c): which
/// paths are generated, vendored or not to be diffed.
///
/// - Deeper files override shallower ones, later lines earlier ones, and later attributes on a line earlier
///   ones on it.
/// - Macros: `[attr]name attr…` lines of the root file define `name` (git allows them nowhere else, and
///   ignores them in deeper files); `binary` is built in as `-diff -merge -text`. Setting a macro sets the
///   macro itself and then what it stands for, in its place: an attribute given after it (on a later line, or
///   later on the same line) overrides its expansion, one given before does not. As in git, a macro
///   overridden by a later `-name` or `!name` is not expanded at all.
/// - Values: `attr` sets, `-attr` unsets, `attr=value` gives a value, `!attr` returns an attribute to
///   unspecified (a later match decides, not an earlier one).
/// - Not read: quoted patterns, and negative patterns (`!pattern`, which git refuses as well).
public struct GitAttributes: Sendable {
    /// An attribute that takes a path out of counted sizes.
    public enum Flag: String, Sendable, CaseIterable {
        case linguistGenerated = "linguist-generated"
        case linguistVendored = "linguist-vendored"
        /// The `binary` macro in effect: `binary` set and `diff` unset.
        case binary = "binary"
        /// `diff` unset: git shows the file as binary.
        case noDiff = "-diff"
    }

    /// An attribute's state for a path, as `git check-attr` prints it (unspecified attributes are absent).
    public enum Value: Hashable, Sendable, CustomStringConvertible {
        case set
        case unset
        case value(String)

        public var description: String {
            switch self {
            case .set: return "set"
            case .unset: return "unset"
            case .value(let v): return v
            }
        }
    }

    /// One attribute of a line: nil `value` for `!attr` (unspecified).
    struct Assignment: Sendable {
        var name: String
        var value: Value?
    }

    struct Rule: Sendable {
        var glob: Glob
        var assignments: [Assignment]
    }

    /// Rules by the directory of their file ("" for the root, else "dir/sub/"), in file order.
    private var rulesByDirectory: [String: [Rule]] = [:]
    /// `rulesByDirectory`'s keys, shallowest first.
    private var orderedDirectories: [String] = []
    /// The rules that can set a flag (`flags(for:)`), by directory; their directories, shallowest first.
    private var flagRulesByDirectory: [String: [Rule]] = [:]
    private var flagOrderedDirectories: [String] = []
    /// Macro definitions: the built-in `binary`, replaced by the root file's last definition of a name.
    private var macros: [String: [Assignment]] = ["binary": Self.builtinBinary]

    static let builtinBinary = [
        Assignment(name: "diff", value: .unset), Assignment(name: "merge", value: .unset),
        Assignment(name: "text", value: .unset),
    ]

    public init() {}

    /// Parses `.gitattributes` files (path of the file, contents).
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
                    !pattern.hasPrefix("!")
                else { continue }
                let assignments = fields.dropFirst().compactMap { Self.assignment(String($0)) }
                if pattern.hasPrefix("[attr]") {
                    // git reads macro definitions from the top-level file only.
                    let name = String(pattern.dropFirst("[attr]".count))
                    if directory.isEmpty && !name.isEmpty && Self.isValidName(name) { macros[name] = assignments }
                    continue
                }
                if !assignments.isEmpty {
                    rulesByDirectory[directory, default: []].append(
                        Rule(glob: Glob(String(pattern)), assignments: assignments))
                }
            }
        }
        orderedDirectories = Self.ordered(rulesByDirectory.keys)
        // The rules that can give a flag its value: those that name an attribute a flag reads, or a macro that
        // stands for one (through other macros too). The others never fill such an attribute, nor expand into
        // one, so leaving them out changes no flag.
        var relevant = Set(Self.flagAttributes)
        var grew = true
        while grew {
            grew = false
            for (name, expansion) in macros where !relevant.contains(name) {
                if expansion.contains(where: { relevant.contains($0.name) }) {
                    (relevant, grew) = (relevant.union([name]), true)
                }
            }
        }
        for (dir, rules) in rulesByDirectory {
            let kept = rules.filter { rule in rule.assignments.contains { relevant.contains($0.name) } }
            if !kept.isEmpty { flagRulesByDirectory[dir] = kept }
        }
        flagOrderedDirectories = Self.ordered(flagRulesByDirectory.keys)
    }

    /// The attributes `flags(for:)` reads.
    static let flagAttributes = [
        Flag.linguistGenerated.rawValue, Flag.linguistVendored.rawValue, "diff", Flag.binary.rawValue,
    ]

    /// Directories shallowest first, then by name.
    private static func ordered(_ directories: some Collection<String>) -> [String] {
        directories.sorted { a, b in
            let da = a.utf8.count(where: { $0 == UInt8(ascii: "/") })
            let db = b.utf8.count(where: { $0 == UInt8(ascii: "/") })
            return da != db ? da < db : a < b
        }
    }

    /// `attr`, `-attr`, `!attr`, `attr=value`; nil for a name git would refuse.
    private static func assignment(_ field: String) -> Assignment? {
        var name = Substring(field)
        var value: Value? = .set
        if name.hasPrefix("-") {
            value = .unset
            name = name.dropFirst()
        } else if name.hasPrefix("!") {
            value = nil
            name = name.dropFirst()
        } else if let eq = name.firstIndex(of: "=") {
            value = .value(String(name[name.index(after: eq)...]))
            name = name[..<eq]
        }
        guard isValidName(name) else { return nil }
        return Assignment(name: String(name), value: value)
    }

    /// git's attr_name_valid: letters, digits, `-`, `_`, `.`, not starting with `-`.
    private static func isValidName(_ name: some StringProtocol) -> Bool {
        guard let first = name.utf8.first, first != UInt8(ascii: "-") else { return false }
        return name.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x5F
                || c == 0x2E
        }
    }

    /// Every attribute specified for `path`, as `git check-attr -a` lists them.
    public func attributes(for path: String) -> [String: Value] {
        attributes(for: path, rules: rulesByDirectory, directories: orderedDirectories)
    }

    private func attributes(for path: String, rules: [String: [Rule]], directories: [String]) -> [String: Value] {
        guard !rules.isEmpty else { return [:] }
        // git's fill(): from the deepest file to the root, each file's lines last to first, each line's
        // attributes last to first; the first value an attribute gets is its value (unspecified included).
        var filled: [String: Value?] = [:]
        for dir in directories.reversed()
        where path.utf8.starts(with: dir.utf8) && path.utf8.count > dir.utf8.count {
            guard let dirRules = rules[dir] else { continue }
            let relative = String(decoding: path.utf8.dropFirst(dir.utf8.count), as: UTF8.self)
            for rule in dirRules.reversed() where rule.glob.matches(relative) {
                fill(rule.assignments, into: &filled)
            }
        }
        return filled.compactMapValues { $0 }
    }

    /// git's fill_one and macroexpand_one.
    private func fill(_ assignments: [Assignment], into filled: inout [String: Value?]) {
        for a in assignments.reversed() where filled[a.name] == nil {
            filled[a.name] = .some(a.value)
            // A macro set here stands for its definition, filled in at this point. Each call fills an attribute
            // first, so a definition that names itself (or a cycle of them) ends.
            if a.value == .set, let expansion = macros[a.name] { fill(expansion, into: &filled) }
        }
    }

    /// The flags set for `path` after every rule has been applied.
    public func flags(for path: String) -> Set<Flag> {
        flags(from: attributes(for: path, rules: flagRulesByDirectory, directories: flagOrderedDirectories))
    }

    /// Whether `diff` is set for `path` (not unset, not a driver's name): git then diffs the file as text whatever
    /// its content, its NUL bytes included (`diff_filespec_is_binary`: the set `diff` attribute's driver has
    /// `binary = 0`).
    public func forcesText(_ path: String) -> Bool {
        attributes(for: path, rules: flagRulesByDirectory, directories: flagOrderedDirectories)["diff"] == .set
    }

    /// Whether some rule sets `diff`, directly or through a macro: without one, `forcesText` is false everywhere.
    public var setsDiff: Bool {
        func sets(_ name: String, _ seen: Set<String>) -> Bool {
            if name == "diff" { return true }
            guard !seen.contains(name), let expansion = macros[name] else { return false }
            return expansion.contains { $0.value == .set && sets($0.name, seen.union([name])) }
        }
        return rulesByDirectory.values.contains { rules in
            rules.contains { rule in rule.assignments.contains { $0.value == .set && sets($0.name, []) } }
        }
    }

    /// `flags(for:)` read from every rule: the reference a test checks it against.
    package func flagsFromEveryRule(for path: String) -> Set<Flag> {
        flags(from: attributes(for: path))
    }

    private func flags(from attributes: [String: Value]) -> Set<Flag> {
        guard !attributes.isEmpty else { return [] }
        var flags: Set<Flag> = []
        func linguist(_ name: String) -> Bool {
            switch attributes[name] {
            case .set, .value("true"), .value("1"): return true
            default: return false
            }
        }
        if linguist(Flag.linguistGenerated.rawValue) { flags.insert(.linguistGenerated) }
        if linguist(Flag.linguistVendored.rawValue) { flags.insert(.linguistVendored) }
        if attributes["diff"] == .unset {
            flags.insert(.noDiff)
            if attributes["binary"] == .set { flags.insert(.binary) }
        }
        return flags
    }
}
