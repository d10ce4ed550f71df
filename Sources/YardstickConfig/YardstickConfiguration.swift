public import HistoryMetrics
internal import HistoryParsing
public import ReportContract
internal import Yams

/// The contents of `yardstick.yml` (format: `docs/configuration.md`, ADR 0005).
public struct YardstickConfiguration: Sendable {
    public var groups: AuthorGroups
    public var exclusions: ExclusionPolicy
    /// E-mail addresses (lower-case) of forges that commit rebase merges on users' behalf.
    public var forgeCommitterEmails: Set<String>
    /// Review, rework, defect and delivery settings.
    public var delivery = DeliveryOptions()
    /// Build, coverage and review exports to read (`imports:`; docs/imports.md).
    public var imports = ImportSettings()
    /// `minimumSample` and `summaryGroups`: the summary matrix's settings (ADR 0017).
    public var summary = SummarySettings()

    /// The `imports:` keys. Paths are as written; the command resolves them against the file's folder.
    public struct ImportSettings: Sendable, Equatable {
        public var builds: [String] = []
        public var coverage: [String] = []
        public var reviews: [String] = []
        public var buildNotes: String?
        public var buildTrailers = false
        public var reviewNotes = false
        public var coverageStripPrefixes: [String] = []
        public init() {}
    }

    public init(
        groups: AuthorGroups = AuthorGroups(), exclusions: ExclusionPolicy = ExclusionPolicy(),
        forgeCommitterEmails: Set<String> = ["noreply@github.com"]
    ) {
        self.groups = groups
        self.exclusions = exclusions
        self.forgeCommitterEmails = forgeCommitterEmails
    }

    /// Parses configuration text. `file` names the file in errors.
    /// - Throws: `ConfigError` naming the line and what is wrong.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> YardstickConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw Self.error(from: error, file: file)
        } catch {
            throw ConfigError(file: file, line: nil, message: "not valid YAML: \(error)")
        }
        var config = YardstickConfiguration()
        guard let root else { return config }
        if case .scalar(let scalar) = root, scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null" {
            return config  // an empty document (`---` alone) is an empty configuration
        }
        let reader = NodeReader(file: file)
        let top = try reader.mapping(
            root, path: "configuration",
            allowed: [
                "version", "groups", "bots", "exclude", "forges", "delivery", "imports", "minimumSample",
                "summaryGroups",
            ])
        if let v = top["version"] {
            let version = try reader.string(v, path: "version")
            guard version == "1" else {
                throw ConfigError(file: file, line: v.mark?.line, message: "version must be 1 (found '\(version)')")
            }
        }
        for (key, keyPath) in [("minimumSample", \SummarySettings.minimumSample), ("summaryGroups", \.maxGroups)] {
            guard let n = top[key] else { continue }
            let text = try reader.string(n, path: key)
            guard let v = Int(text), v >= 1, v <= 1_000_000 else {
                throw reader.fail(n, "\(key) must be a whole number from 1 to 1000000 (found '\(text)')")
            }
            config.summary[keyPath: keyPath] = v
        }
        if let groupsNode = top["groups"] {
            var groups: [AuthorGroups.Group] = []
            var names = Set<String>()  // a set, not a search of `groups`: a configuration may name 100,000s of groups
            for (i, g) in try reader.sequence(groupsNode, path: "groups").enumerated() {
                let path = "groups[\(i)]"
                let fields = try reader.mapping(
                    g, path: path, allowed: ["name", "domains", "emails", "names", "patterns", "regex", "timezone"])
                guard let nameNode = fields["name"] else {
                    throw ConfigError(file: file, line: g.mark?.line, message: "\(path) needs a name")
                }
                let name = try reader.string(nameNode, path: "\(path).name")
                guard !name.isEmpty, name != AuthorGroups.unassigned, name != "bots" else {
                    throw ConfigError(
                        file: file, line: nameNode.mark?.line, message: "\(path).name '\(name)' is empty or reserved")
                }
                guard names.insert(name).inserted else {
                    throw ConfigError(
                        file: file, line: nameNode.mark?.line, message: "group '\(name)' is defined twice")
                }
                var regexes: [RegexPattern] = []
                if let r = fields["regex"] {
                    for (j, item) in try reader.sequence(r, path: "\(path).regex").enumerated() {
                        let source = try reader.string(item, path: "\(path).regex[\(j)]")
                        do {
                            regexes.append(try RegexPattern(source))
                        } catch {
                            throw ConfigError(
                                file: file, line: item.mark?.line,
                                message: "\(path).regex[\(j)] is not a valid regular expression: \(source)")
                        }
                    }
                }
                groups.append(
                    AuthorGroups.Group(
                        name: name,
                        emails: try reader.strings(fields["emails"], path: "\(path).emails"),
                        names: try reader.strings(fields["names"], path: "\(path).names"),
                        domains: try reader.strings(fields["domains"], path: "\(path).domains"),
                        emailGlobs: try reader.strings(fields["patterns"], path: "\(path).patterns").map(Glob.init),
                        regexes: regexes,
                        timeZone: try fields["timezone"].map { n throws(ConfigError) in
                            let zone = try reader.string(n, path: "\(path).timezone")
                            guard BusinessHours.isValidTimeZone(zone) else {
                                throw reader.fail(
                                    n,
                                    "\(path).timezone '\(zone)' is not a time zone (an IANA name like Asia/Kolkata, or ±HH:MM)"
                                )
                            }
                            return zone
                        }
                    )
                )
            }
            config.groups.groups = groups
        }
        if let botsNode = top["bots"] {
            let fields = try reader.mapping(
                botsNode, path: "bots", allowed: ["patterns", "replaceDefaults", "include"])
            let patterns = try reader.strings(fields["patterns"], path: "bots.patterns").map(Glob.init)
            let replace =
                try fields["replaceDefaults"].map { n throws(ConfigError) in
                    try reader.bool(n, path: "bots.replaceDefaults")
                } ?? false
            config.groups.botPatterns = (replace ? [] : AuthorGroups.defaultBotPatterns) + patterns
            config.groups.includeBots =
                try fields["include"].map { n throws(ConfigError) in try reader.bool(n, path: "bots.include") } ?? false
        }
        if let ex = top["exclude"] {
            let fields = try reader.mapping(ex, path: "exclude", allowed: ["defaults", "paths", "include"])
            config.exclusions.useDefaults =
                try fields["defaults"].map { n throws(ConfigError) in try reader.bool(n, path: "exclude.defaults") }
                ?? true
            config.exclusions.extraPatterns = try reader.strings(fields["paths"], path: "exclude.paths").map(Glob.init)
            config.exclusions.includePatterns = try reader.strings(fields["include"], path: "exclude.include").map(
                Glob.init)
        }
        if let forges = top["forges"] {
            let fields = try reader.mapping(forges, path: "forges", allowed: ["committers"])
            let emails = try reader.strings(fields["committers"], path: "forges.committers")
            config.forgeCommitterEmails = Set(emails.map { $0.lowercased() })
        }
        if let node = top["delivery"] {
            config.delivery = try parseDelivery(node, reader: reader)
        }
        if let node = top["imports"] {
            let fields = try reader.mapping(
                node, path: "imports",
                allowed: [
                    "builds", "coverage", "reviews", "buildNotes", "buildTrailers", "reviewNotes",
                    "coverageStripPrefixes",
                ])
            config.imports.builds = try reader.strings(fields["builds"], path: "imports.builds")
            config.imports.coverage = try reader.strings(fields["coverage"], path: "imports.coverage")
            config.imports.reviews = try reader.strings(fields["reviews"], path: "imports.reviews")
            config.imports.buildNotes = try fields["buildNotes"].map { n throws(ConfigError) in
                try reader.string(n, path: "imports.buildNotes")
            }
            config.imports.buildTrailers =
                try fields["buildTrailers"].map { n throws(ConfigError) in
                    try reader.bool(n, path: "imports.buildTrailers")
                } ?? false
            config.imports.reviewNotes =
                try fields["reviewNotes"].map { n throws(ConfigError) in try reader.bool(n, path: "imports.reviewNotes")
                } ?? false
            config.imports.coverageStripPrefixes = try reader.strings(
                fields["coverageStripPrefixes"], path: "imports.coverageStripPrefixes")
        }
        return config
    }

    private static func parseDelivery(_ node: Node, reader: NodeReader) throws(ConfigError) -> DeliveryOptions {
        var d = DeliveryOptions()
        let fields = try reader.mapping(
            node, path: "delivery",
            allowed: [
                "reworkWindowDays", "majorReworkThreshold", "defectWindowDays", "maxFixFiles", "addOnlyFixContext",
                "newerNeighbourLines",
                "absurdHours",
                "fixPatterns", "issueLineExclusions", "issueLinesMakeFixes", "fixupPatterns", "testPatterns",
                "documentationPatterns", "ciPatterns",
                "adrDirectories",
                "businessHours",
            ])
        func number(_ key: String, min: Double, max: Double) throws(ConfigError) -> Double? {
            guard let n = fields[key] else { return nil }
            let text = try reader.string(n, path: "delivery.\(key)")
            guard let v = Double(text), v >= min, v <= max else {
                throw reader.fail(
                    n,
                    "delivery.\(key) must be a number from \(Band.format(min)) to \(Band.format(max)) (found '\(text)')"
                )
            }
            return v
        }
        func regexes(_ key: String) throws(ConfigError) -> [RegexPattern]? {
            guard let n = fields[key] else { return nil }
            var out: [RegexPattern] = []
            for (i, item) in try reader.sequence(n, path: "delivery.\(key)").enumerated() {
                let source = try reader.string(item, path: "delivery.\(key)[\(i)]")
                do {
                    out.append(try RegexPattern(source))
                } catch {
                    throw reader.fail(item, "delivery.\(key)[\(i)] is not a valid regular expression: \(source)")
                }
            }
            return out
        }
        func whole(_ key: String, min: Double, max: Double) throws(ConfigError) -> Int? {
            guard let v = try number(key, min: min, max: max) else { return nil }
            guard v == v.rounded() else {
                throw reader.fail(fields[key], "delivery.\(key) must be a whole number (found \(v))")
            }
            return Int(v)
        }
        if let v = try whole("reworkWindowDays", min: 1, max: 3650) { d.reworkWindowDays = v }
        if let v = try number("majorReworkThreshold", min: 0.01, max: 1) { d.majorReworkThreshold = v }
        if let v = try whole("defectWindowDays", min: 1, max: 3650) { d.defectWindowDays = v }
        if let v = try whole("maxFixFiles", min: 1, max: 100_000) { d.maxFixFiles = v }
        if let v = try whole("addOnlyFixContext", min: 0, max: 100) { d.addOnlyFixContext = v }
        if let v = try whole("newerNeighbourLines", min: 0, max: 100) { d.newerNeighbourLines = v }
        if let v = try number("absurdHours", min: 1, max: 1_000_000) { d.absurdHours = v }
        if let r = try regexes("fixPatterns") { d.fixPatterns = r }
        if let r = try regexes("issueLineExclusions") { d.issueLineExclusions = r }
        if let n = fields["issueLinesMakeFixes"] {
            d.issueLinesMakeFixes = try reader.bool(n, path: "delivery.issueLinesMakeFixes")
        }
        if let r = try regexes("fixupPatterns") { d.fixupPatterns = r }
        if fields["testPatterns"] != nil {
            d.testPatterns = try reader.strings(fields["testPatterns"], path: "delivery.testPatterns").map(Glob.init)
        }
        if fields["documentationPatterns"] != nil {
            d.documentationPatterns = try reader.strings(
                fields["documentationPatterns"], path: "delivery.documentationPatterns"
            ).map(Glob.init)
        }
        if fields["ciPatterns"] != nil {
            d.ciPatterns = try reader.strings(fields["ciPatterns"], path: "delivery.ciPatterns").map(Glob.init)
        }
        if fields["adrDirectories"] != nil {
            d.adrDirectories = try reader.strings(fields["adrDirectories"], path: "delivery.adrDirectories").map {
                $0.hasSuffix("/") ? String($0.dropLast()) : $0
            }
        }
        if let bh = fields["businessHours"] {
            let f = try reader.mapping(bh, path: "delivery.businessHours", allowed: ["start", "end"])
            var hours = BusinessHours()
            for (key, node) in f {
                let text = try reader.string(node, path: "delivery.businessHours.\(key)")
                guard let v = Int(text), (0...24).contains(v) else {
                    throw reader.fail(
                        node, "delivery.businessHours.\(key) must be an hour from 0 to 24 (found '\(text)')")
                }
                if key == "start" { hours.start = v } else { hours.end = v }
            }
            guard hours.start < hours.end else {
                throw reader.fail(bh, "delivery.businessHours.start must be before end")
            }
            d.businessHours = hours
        }
        return d
    }

    private static func error(from error: YamlError, file: String) -> ConfigError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return ConfigError(file: file, line: mark.line, message: "not valid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, _):
            return ConfigError(
                file: file, line: nil, message: "duplicated keys: \(duplicates.sorted().joined(separator: ", "))")
        default:
            let first = "\(error)".split(separator: "\n").first.map(String.init) ?? "unreadable"
            return ConfigError(file: file, line: nil, message: "not valid YAML: \(first)")
        }
    }
}

/// Reads typed values out of YAML nodes, failing with the node's line.
struct NodeReader {
    let file: String

    func fail(_ node: Node?, _ message: String) -> ConfigError {
        ConfigError(file: file, line: node?.mark?.line, message: message)
    }

    func mapping(_ node: Node, path: String, allowed: Set<String>) throws(ConfigError) -> [String: Node] {
        guard case .mapping(let m) = node else { throw fail(node, "\(path) must be a mapping of keys to values") }
        var out: [String: Node] = [:]
        for (k, v) in m {
            guard case .scalar(let s) = k else { throw fail(k, "\(path) has a key that is not text") }
            guard allowed.contains(s.string) else {
                throw fail(
                    k,
                    "unknown key '\(s.string)' in \(path) (expected one of: \(allowed.sorted().joined(separator: ", ")))"
                )
            }
            guard out[s.string] == nil else { throw fail(k, "key '\(s.string)' appears twice in \(path)") }
            out[s.string] = v
        }
        return out
    }

    func sequence(_ node: Node, path: String) throws(ConfigError) -> [Node] {
        guard case .sequence(let s) = node else { throw fail(node, "\(path) must be a list") }
        return Array(s)
    }

    func string(_ node: Node, path: String) throws(ConfigError) -> String {
        guard case .scalar(let s) = node else { throw fail(node, "\(path) must be text") }
        return s.string
    }

    func strings(_ node: Node?, path: String) throws(ConfigError) -> [String] {
        guard let node else { return [] }
        var out: [String] = []
        for (i, item) in try sequence(node, path: path).enumerated() {
            out.append(try string(item, path: "\(path)[\(i)]"))
        }
        return out
    }

    func bool(_ node: Node, path: String) throws(ConfigError) -> Bool {
        guard case .scalar(let s) = node else { throw fail(node, "\(path) must be true or false") }
        switch s.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw fail(node, "\(path) must be true or false (found '\(s.string)')")
        }
    }
}
