public import HistoryParsing

/// Settings for the review, rework, defect and delivery metrics (the `delivery:` section of yardstick.yml).
public struct DeliveryOptions: Sendable {
    /// Lines rewritten or deleted within this many days of landing count as rework.
    public var reworkWindowDays: Int = 21
    /// A landed change needs major rework when at least this share of its added lines is rewritten.
    public var majorReworkThreshold: Double = 0.5
    /// A change counts as an escaped defect when a fix blames it, or a revert undoes it, within this many days.
    public var defectWindowDays: Int = 90
    /// Fixes touching more files than this are not traced to the changes they blame (SZZ), as large
    /// sweeping commits blame too much.
    public var maxFixFiles: Int = 20
    /// A fix whose white-space-insensitive diff deletes or replaces no line (it only adds) blames the lines
    /// this many on each side of every insertion point; 0 blames nothing (classic SZZ).
    public var addOnlyFixContext: Int = 1
    /// A fix's hunk that deletes or replaces lines also blames the newest writer of this many lines above and
    /// below it that is newer than every writer of the hunk's own lines and landed within `defectWindowDays`
    /// before the fix; 0 blames only the hunk's lines (classic SZZ).
    public var newerNeighbourLines: Int = 1
    /// Spans longer than this (in hours) are reported as absurd and left out of turnaround figures.
    public var absurdHours: Double = 365 * 24
    /// Messages of fix commits: matched against the subject (a merge's PR title instead of its subject) and
    /// the message lines that start with Fixes, Closes or Resolves.
    public var fixPatterns: [RegexPattern] = DeliveryOptions.defaultFixPatterns
    /// Subjects (a merge's title) under which the fix lines of the body (`Fixes #12`, `Fixes a crash`) do not make
    /// the change a fix, unless they name the commit they fix (`Fixes: <id>`): a closed issue of documentation,
    /// tests or CI, or what a warning change says it "fixed", is not a defect.
    public var issueLineExclusions: [RegexPattern] = DeliveryOptions.defaultIssueLineExclusions
    /// Whether a body line that only names issues (`Fixes #12`, `Fixes: owner/repo#12, #13`, `Fixes golang/go#12`,
    /// `Fixed https://…/issues/12`) makes a change a fix, under a subject `issueLineExclusions` lets through. Off by
    /// default: projects close feature requests, performance work and refactorings with such lines as often as
    /// defects (analysis revision 9, docs/validation/fix-detection.md). A line that says what it fixes (`Fixes a
    /// crash on empty input`) and a `Fixes: <id>` line are read either way.
    public var issueLinesMakeFixes = false
    /// Subjects of fix-up commits on a branch (review rounds).
    public var fixupPatterns: [RegexPattern] = DeliveryOptions.defaultFixupPatterns
    /// Test files.
    public var testPatterns: [Glob] = DeliveryOptions.defaultTestPatterns
    /// Documentation files: a commit that changes only these, test and CI files is not a fix.
    public var documentationPatterns: [Glob] = DeliveryOptions.defaultDocumentationPatterns
    /// Continuous-integration configuration and scripts: a commit that changes only these, test and documentation
    /// files is not a fix (analysis revision 12).
    public var ciPatterns: [Glob] = DeliveryOptions.defaultCIPatterns
    /// Folders that hold architecture decision records.
    public var adrDirectories: [String] = [
        "docs/adr", "doc/adr", "docs/decisions", "docs/architecture/decisions", "adr",
    ]
    /// Working hours for the business-hours clock; nil switches that clock off.
    public var businessHours: BusinessHours?

    public init() {}

    /// What is not a defect, on the same line as a fix word (decided on labelled samples,
    /// docs/validation/fix-detection.md): an area prefix (`notADefectAreas`), or a word for warnings, typos,
    /// documentation, comments, change logs, READMEs, examples, CI, style and formatting, a compiler warning's flag
    /// (`-Wshadow`), `fix up`, and a fix of tests (`fix the tests`); or a line that opens (after an area prefix) by
    /// updating something to a version (`dependencyUpdate`).
    static let notADefect = notADefectArea + notADefectWords
    /// Areas that are not the product's code, as a subject's prefix: CI, tests (also numbered ones), translations,
    /// change logs, READMEs, a documentation file, a dependency update (`ci:`, `t4013:`, `i18n:`, `git-log.txt:`,
    /// Renovate's `fix(deps):`).
    static let notADefectAreas =
        #"ci|tests?|test\d+|t\d{4}|travis|appveyor|azure|readme|changelog|i18n|l10n|[^\s:]+\.(txt|md|adoc|rst)|"#
        + #"\w+\(deps(-dev)?\)!?"#
    /// The area-prefix half of `notADefect`.
    static let notADefectArea = #"(?!("# + notADefectAreas + #")\s*:)"#
    /// The word half of `notADefect`: each word holds one of `notADefectStems` (`fix … up` and `fix … tests` hold
    /// `fix` and ` up` or `test`; a compiler warning flag, `-Wshadow`, holds `-w`), so a line with none of them
    /// passes it (`MessageRules.DefaultFixMatcher`).
    static let notADefectWords =
        #"(?!.*\b(warnings?|typos?|typofix|docfix|docs?|documentation|comments?|spell(ed|ing)?|grammar|white ?space|"#
        + #"changelog|readme|examples?|ci|"#
        + #"indentation|styl(e|ing)|formatting|lint|translations?|fix(es|ed|ing)? up|"#
        + #"fix(es|ed|ing)? (\S+ ){0,2}tests?)\b"#
        + #"|(.*[\s(])?(?-i:-W[a-z][a-z0-9=-]*)(?!,)|"# + dependencyUpdate + ")"
    /// A line that opens, after an optional area prefix, by updating, upgrading or bumping something to a version
    /// before any comma or semicolon (`Update to crossbeam-utils 0.5.0, fix imports`, `deps: bump zlib to 1.3.1 to
    /// fix the build`): what such a change fixes is the update's fallout or the dependency's own defect, not one
    /// of the product's code (analysis revision 8, docs/validation/fix-detection.md).
    static let dependencyUpdate =
        #"(\S+:\s*)?(updat(e[sd]?|ing)|upgrad(e[sd]?|ing)|bump(s|ed|ing)?)\b[^,;]*?\bv?\d+\.\d+"#
    static let notADefectStems = [
        "warning", "typo", "doc", "comment", "spell", "grammar", "white", "indentation", "styl", "formatting",
        "lint", "translation", "changelog", "readme", "example", "-w", "updat", "upgrad", "bump", "ci",
    ]
    /// The two halves of the first two default patterns after their shared `(?i)^` and `notADefect`.
    static let fixPrefixed = #"(fix|bugfix|hotfix)(\(.+\))?!?:"#
    static let fixWord = #".*\b(fix(es|ed|ing)?|bug ?fix|hotfix|bug)\b"#

    // The defaults below are fixed, valid expressions.
    public static let defaultFixPatterns: [RegexPattern] = [
        #"(?i)^"# + notADefect + fixPrefixed,
        #"(?i)^"# + notADefect + fixWord,
        #"(?i)^(fixes|fixed):?\s+\S*#\d+"#,
        #"(?i)^fixes:\s+[0-9a-f]{7,40}\b"#,
    ].compactMap { try? RegexPattern($0) }

    /// An area of tests, CI, documentation or translations, or a word for them (CI too), warnings, typos, style or
    /// examples, anywhere in the subject, or a subject that opens by updating something to a version
    /// (docs/validation/fix-detection.md, "Issue lines").
    public static let defaultIssueLineExclusions: [RegexPattern] = [
        #"(?i)^("# + notADefectAreas + #")\s*:"#,
        #"(?i)\b(tests?|testing|examples?|benchmarks?|warnings?|typos?|docs?|documentation|comments?|spell(ed|ing)?|"#
            + #"grammar|white ?space|indentation|styl(e|ing)|formatting|lint|translations?|changelog|readme|ci)\b"#,
        #"(?i)^"# + dependencyUpdate,
    ].compactMap { try? RegexPattern($0) }

    public static let defaultFixupPatterns: [RegexPattern] = [
        #"^(fixup|squash|amend)! "#,
        #"(?i)\baddress(ed|es|ing)? (the )?(code )?review\b"#,
        #"(?i)\breview (comments|feedback|fixes|remarks)\b"#,
        #"(?i)^apply suggestions? from code review"#,
    ].compactMap { try? RegexPattern($0) }

    public static let defaultTestPatterns: [Glob] = [
        "**/test/**", "**/tests/**", "**/Tests/**", "**/spec/**", "**/specs/**", "**/__tests__/**", "**/testing/**",
        "t/**",
        "*_test.go", "*_test.py", "test_*.py", "*Tests.swift", "*Test.swift", "*Test.java", "*Tests.java",
        "*Test.kt", "*.spec.ts", "*.test.ts", "*.spec.js", "*.test.js", "*.spec.tsx", "*.test.tsx", "*_spec.rb",
        "*_test.rb", "*_test.c", "*_test.cc", "*_test.cpp", "*Tests.cs", "*Test.cs",
    ].map(Glob.init)

    /// Documentation folders, document formats and the usual top-level texts (change logs, READMEs, release
    /// notes, known-bug lists). Not `*.txt`: `CMakeLists.txt` and `requirements.txt` are build files.
    public static let defaultDocumentationPatterns: [Glob] = [
        "**/Documentation/**", "**/doc/**", "**/docs/**", "**/man/**",
        "*.md", "*.markdown", "*.rst", "*.adoc", "*.asciidoc",
        "README", "README.*", "CHANGES", "CHANGES.*", "CHANGELOG", "CHANGELOG.*", "ChangeLog", "NEWS", "NEWS.*",
        "RELEASE-NOTES", "RELEASE-NOTES.*", "RelNotes", "KNOWN_BUGS", "TODO", "AUTHORS", "THANKS",
    ].map(Glob.init)

    /// The configuration and scripts of the usual CI services (GitHub Actions, Travis CI, AppVeyor, GitLab CI, Azure
    /// Pipelines, CircleCI, Jenkins, Cirrus CI, Drone, Buildkite, Codecov) and a top-level `ci/` or `.ci/` folder:
    /// what they build and run is the project's checking, not what its users run.
    public static let defaultCIPatterns: [Glob] = [
        ".github/workflows/**", ".github/actions/**", ".travis.yml", "appveyor.yml", ".appveyor.yml", ".gitlab-ci.yml",
        "azure-pipelines.yml", ".azure-pipelines/**", ".circleci/**", "Jenkinsfile", ".cirrus.yml", ".drone.yml",
        ".buildkite/**", "codecov.yml", ".codecov.yml", "ci/**", ".ci/**",
    ].map(Glob.init)
}

/// Working hours on working days (Monday to Friday), in each group's own time zone.
public struct BusinessHours: Sendable, Equatable {
    /// Whether a group's `timezone` is understood: an IANA name (`Asia/Kolkata`) or `±HH:MM`.
    public static func isValidTimeZone(_ name: String) -> Bool { BusinessClock.isValid(name) }

    /// First working hour (0–23).
    public var start: Int
    /// End of the working day (1–24), exclusive.
    public var end: Int

    public init(start: Int = 9, end: Int = 17) {
        self.start = start
        self.end = end
    }
}
