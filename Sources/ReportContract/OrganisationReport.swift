/// Several repositories' reports taken together (`yardstick report --store`, issue 18): each group's metrics
/// over all its changes everywhere, and per repository. Its JSON form is a contract of its own, versioned
/// apart from `Report` (docs/json-report.md, "Organisation report").
public struct OrganisationReport: Codable, Sendable, Equatable {
    public static let currentSchemaVersion = 1
    /// The `kind` an organisation report carries, so that a reader tells it from a repository's report.
    public static let kindName = "organisation"

    public var schemaVersion: Int
    public var kind: String
    public var tool: Report.Tool
    /// The repositories taken together, by name.
    public var repositories: [Repository]
    /// Each group over all its changes in every repository: counts summed, medians, percentiles and rates
    /// recomputed from the per-change rows, coverage and build rates from summed counts. Report order.
    public var groups: [Report.Group]
    /// Bot identities across the repositories, changes summed.
    public var bots: [Report.Author]
    /// Each repository's own metrics for each group, as its report holds them (repository order).
    public var perRepository: [RepositoryGroups]
    /// The groups × benchmark matrix over the groups above, with the same rules as a repository's summary.
    public var summary: Report.Summary
    /// Caveats: the repositories without delivery history, mixed sources, metrics not recomputable.
    public var notes: [String]

    public struct Repository: Codable, Sendable, Equatable {
        public var name: String
        /// The path as the repository's run was given it.
        public var path: String
        public var head: String
        public var branch: String
        public var shallow: Bool
        /// Landed changes in the repository's report.
        public var changes: Int
        @NullEncoded public var period: Report.Period?

        public init(
            name: String, path: String, head: String, branch: String, shallow: Bool, changes: Int,
            period: Report.Period?
        ) {
            self.name = name
            self.path = path
            self.head = head
            self.branch = branch
            self.shallow = shallow
            self.changes = changes
            self.period = period
        }
    }

    public struct RepositoryGroups: Codable, Sendable, Equatable {
        public var repository: String
        /// The repository's groups with at least one landed change, with their metrics, in its report's order.
        public var groups: [Report.Group]

        public init(repository: String, groups: [Report.Group]) {
            self.repository = repository
            self.groups = groups
        }
    }

    public init(
        tool: Report.Tool, repositories: [Repository], groups: [Report.Group], bots: [Report.Author],
        perRepository: [RepositoryGroups], summary: Report.Summary, notes: [String]
    ) {
        self.schemaVersion = Self.currentSchemaVersion
        self.kind = Self.kindName
        self.tool = tool
        self.repositories = repositories
        self.groups = groups
        self.bots = bots
        self.perRepository = perRepository
        self.summary = summary
        self.notes = notes
    }

    /// The organisation report as a `Report` the repository reporters render: the repository line names how
    /// many repositories, the groups and summary are the organisation's, and there are no pull requests (each
    /// repository's report keeps its own).
    public var asReport: Report {
        let names = repositories.map(\.name)
        let froms = repositories.compactMap { $0.period?.from }.sorted()
        let tos = repositories.compactMap { $0.period?.to }.sorted()
        var report = Report(
            schemaVersion: Report.currentSchemaVersion, tool: tool,
            repository: Report.Repository(
                path:
                    "organisation: \(names.count) repositor\(names.count == 1 ? "y" : "ies") (\(names.joined(separator: ", ")))",
                head: "", branch: "", shallow: repositories.contains(where: \.shallow)),
            options: Report.Options(),
            period: froms.first.flatMap { from in tos.last.map { Report.Period(from: from, to: $0) } },
            groups: groups, bots: bots, pullRequests: [], notes: notes, summary: summary)
        report.exclusions = nil
        return report
    }
}
