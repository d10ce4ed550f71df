import HistoryParsing
import Testing

@testable import HistoryMetrics

struct ExclusionPolicyTests {
    static let lockFiles = [
        "Package.resolved", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lockb",
        "Cargo.lock", "go.sum", "Gemfile.lock", "poetry.lock", "Pipfile.lock", "uv.lock", "composer.lock",
        "mix.lock", "pubspec.lock", "Podfile.lock", "Cartfile.resolved", "flake.lock", "packages.lock.json",
        "gradle.lockfile", "conan.lock",
    ]

    @Test func defaultLockFileList() {
        #expect(ExclusionPolicy.defaultLockFiles == Self.lockFiles)
        #expect(
            ExclusionPolicy.defaultVendorDirectories == [
                "vendor", "third_party", "node_modules", "Vendor", "vendors", "third-party", "thirdparty", "3rdparty",
                "3rd_party", "3rd-party", "extern", "external", "deps", "bower_components", "dist",
            ])
    }

    @Test(arguments: lockFiles)
    func lockFilesAreExcludedAtAnyDepth(name: String) {
        let policy = ExclusionPolicy()
        #expect(policy.reason(for: name) == "lock file")
        #expect(policy.reason(for: "apps/web/\(name)") == "lock file")
        #expect(policy.reason(for: name + ".bak") == nil)
        #expect(policy.reason(for: "docs/\(name).md") == nil)
    }

    @Test func lockFileNamesAreCaseSensitive() {
        #expect(ExclusionPolicy().reason(for: "YARN.LOCK") == nil)
    }

    @Test(arguments: [
        ("vendor/github.com/x/y.go", "vendored (vendor/)"),
        ("third_party/zlib/inflate.c", "vendored (third_party/)"),
        ("node_modules/left-pad/index.js", "vendored (node_modules/)"),
        ("web/app/node_modules/left-pad/index.js", "vendored (node_modules/)"),
        ("a/b/c/vendor/d.rb", "vendored (vendor/)"),
        ("vendor/third_party/x.c", "vendored (vendor/)"),
    ])
    func vendoredDirectoriesAtAnyDepth(path: String, reason: String) {
        #expect(ExclusionPolicy().reason(for: path) == reason)
    }

    @Test(arguments: ["src/vendor", "myvendors/x.go", "my_vendor/x.go", "src/vendor.go", "node_modules", "README.md"])
    func similarPathsAreCounted(path: String) {
        #expect(ExclusionPolicy().reason(for: path) == nil)
    }

    @Test func lockFileReasonWinsOverVendoredDirectory() {
        #expect(ExclusionPolicy().reason(for: "vendor/yarn.lock") == "lock file")
    }

    @Test func configExtraPatterns() {
        let policy = ExclusionPolicy(extraPatterns: [Glob("*.generated.swift"), Glob("docs/**")])
        #expect(policy.reason(for: "Sources/App/Model.generated.swift") == "excluded by config (*.generated.swift)")
        #expect(policy.reason(for: "docs/guide/intro.md") == "excluded by config (docs/**)")
        #expect(policy.reason(for: "src/docs/intro.md") == nil)
        #expect(policy.reason(for: "Sources/App/Model.swift") == nil)
        // Defaults still apply alongside.
        #expect(policy.reason(for: "Cargo.lock") == "lock file")
    }

    @Test func firstMatchingExtraPatternIsNamed() {
        let policy = ExclusionPolicy(extraPatterns: [Glob("gen/**"), Glob("*.pb.go")])
        #expect(policy.reason(for: "gen/api.pb.go") == "excluded by config (gen/**)")
    }

    @Test func includePatternsOverrideEverything() {
        let attributes = GitAttributes(files: [(path: ".gitattributes", contents: "*.pb.go linguist-generated\n")])
        let policy = ExclusionPolicy(
            extraPatterns: [Glob("docs/**")],
            includePatterns: [Glob("vendor/ours/**"), Glob("yarn.lock"), Glob("docs/keep.md"), Glob("api/*.pb.go")],
            attributes: attributes)
        #expect(policy.reason(for: "vendor/ours/a.go") == nil)
        #expect(policy.reason(for: "vendor/theirs/a.go") == "vendored (vendor/)")
        #expect(policy.reason(for: "web/yarn.lock") == nil)
        #expect(policy.reason(for: "Cargo.lock") == "lock file")
        #expect(policy.reason(for: "docs/keep.md") == nil)
        #expect(policy.reason(for: "docs/other.md") == "excluded by config (docs/**)")
        #expect(policy.reason(for: "api/service.pb.go") == nil)
        #expect(policy.reason(for: "internal/service.pb.go") == ".gitattributes linguist-generated")
    }

    @Test func useDefaultsFalse() {
        let attributes = GitAttributes(files: [(path: ".gitattributes", contents: "*.png binary\n")])
        let policy = ExclusionPolicy(useDefaults: false, extraPatterns: [Glob("*.snap")], attributes: attributes)
        #expect(policy.reason(for: "yarn.lock") == nil)
        #expect(policy.reason(for: "Package.resolved") == nil)
        #expect(policy.reason(for: "vendor/x.go") == nil)
        #expect(policy.reason(for: "node_modules/x/index.js") == nil)
        #expect(policy.reason(for: "tests/__snapshots__/a.snap") == "excluded by config (*.snap)")
        #expect(policy.reason(for: "logo.png") == ".gitattributes binary")
    }

    @Test func attributeReasonsInFlagOrder() {
        let contents =
            "gen/** linguist-generated\nlibs/** linguist-vendored\n*.png binary\n*.dat -diff\ngen/*.png binary\n"
        let policy = ExclusionPolicy(attributes: GitAttributes(files: [(path: ".gitattributes", contents: contents)]))
        #expect(policy.reason(for: "gen/model.swift") == ".gitattributes linguist-generated")
        #expect(policy.reason(for: "libs/lib.c") == ".gitattributes linguist-vendored")
        #expect(policy.reason(for: "logo.png") == ".gitattributes binary")
        #expect(policy.reason(for: "data/x.dat") == ".gitattributes -diff")
        #expect(policy.reason(for: "gen/logo.png") == ".gitattributes linguist-generated")
        #expect(policy.reason(for: "src/main.c") == nil)
    }

    /// docs/configuration.md: "To cover a whole directory, write `dir/**`. A pattern ending in `/`, such as
    /// `docs/`, matches nothing." A pattern without a slash matches file names only.
    @Test func directoryPatterns() {
        let policy = ExclusionPolicy(extraPatterns: [Glob("generated/"), Glob("fixtures"), Glob("assets/**")])
        #expect(policy.reason(for: "generated/a.swift") == nil)
        #expect(policy.reason(for: "generated") == nil)
        #expect(policy.reason(for: "Tests/fixtures/big.json") == nil)
        #expect(policy.reason(for: "src/fixtures") == "excluded by config (fixtures)")
        #expect(policy.reason(for: "assets/img/a.svg") == "excluded by config (assets/**)")
    }
}

/// The default vendored and generated rules taken from GitHub Linguist's vendor.yml (docs/metrics.md).
struct LinguistDefaultTests {
    @Test(arguments: [
        ("deps/pcre/pcre.c", "vendored (deps/)"),
        ("src/deps/x.c", "vendored (deps/)"),
        ("external/zlib/inflate.c", "vendored (external/)"),
        ("extern/glfw/x.c", "vendored (extern/)"),
        ("3rdparty/lib.c", "vendored (3rdparty/)"),
        ("third-party/lib.c", "vendored (third-party/)"),
        ("thirdparty/lib.c", "vendored (thirdparty/)"),
        ("Vendor/lib.m", "vendored (Vendor/)"),
        ("vendors/x.go", "vendored (vendors/)"),
        ("web/bower_components/a.js", "vendored (bower_components/)"),
        ("dist/app.js", "vendored (dist/)"),
        ("Pods/Alamofire/x.swift", "vendored (Pods/)"),
        ("Carthage/Checkouts/x.swift", "vendored (Carthage/)"),
        ("Godeps/_workspace/src/x.go", "vendored (Godeps/_workspace/)"),
        ("android/gradle/wrapper/gradle-wrapper.properties", "vendored (gradle/wrapper/)"),
        ("web/app.min.js", "vendored (*.min.js)"),
        ("css/site.min.css", "vendored (*.min.css)"),
        ("js/jquery-min.js", "vendored (*-min.js)"),
        ("Scripts/jquery-1.4.1-vsdoc.js", "vendored (*-vsdoc.js)"),
        ("Scripts/app.intellisense.js", "vendored (*.intellisense.js)"),
        ("config.guess", "generated (config.guess)"),
        ("build/aclocal.m4", "generated (aclocal.m4)"),
        ("gradlew", "generated (gradlew)"),
    ])
    func excluded(path: String, reason: String) {
        #expect(ExclusionPolicy().reason(for: path) == reason)
    }

    /// Linguist's root-only rules stay at the root; names that only contain a vendored word count.
    @Test(arguments: [
        "src/Pods/x.swift", "lib/Carthage/x.swift", "depsx/a.c", "src/dependencies.c", "app.min.jsx", ".min.js",
        "src/cache/lru.c", "tools/gen.py", "configure", "src/distance.c",
    ])
    func counted(path: String) {
        #expect(ExclusionPolicy().reason(for: path) == nil)
    }

    /// `linguist-vendored=false` (or `-linguist-vendored`) takes a default vendored rule back, as Linguist
    /// reads it; `linguist-generated=false` a generated one. Other attributes still apply.
    @Test func attributesTakeDefaultsBack() {
        let contents =
            "deps/zlib/* linguist-vendored=false\nexternal/** -linguist-vendored\naclocal.m4 linguist-generated=false\n"
            + "deps/keep/*.png binary\n"
        let policy = ExclusionPolicy(attributes: GitAttributes(files: [(path: ".gitattributes", contents: contents)]))
        #expect(policy.reason(for: "deps/zlib/zlib.c") == nil)
        #expect(policy.reason(for: "deps/pcre/pcre.c") == "vendored (deps/)")
        #expect(policy.reason(for: "external/a/b.c") == nil)
        #expect(policy.reason(for: "aclocal.m4") == nil)
        #expect(policy.reason(for: "deps/keep/logo.png") == "vendored (deps/)")
        #expect(ExclusionPolicy(useDefaults: false).reason(for: "deps/pcre/pcre.c") == nil)
    }

    /// The default rules' byte pre-filter answers as the rules do: their names are ASCII without the three
    /// ASCII characters a non-ASCII character is canonically equivalent to (K for the Kelvin sign, `;` for the
    /// Greek question mark, a backtick for the Greek varia), and a corpus of paths on every rule's edges gets
    /// the same rule with and without it.
    @Test func theDefaultRulesPreFilterChangesNoAnswer() {
        let names =
            ExclusionPolicy.defaultVendorDirectories + ExclusionPolicy.defaultRootVendorDirectories
            + ExclusionPolicy.defaultNestedVendorDirectories + ExclusionPolicy.defaultVendoredSuffixes
            + ExclusionPolicy.defaultGeneratedFiles
        #expect(names.allSatisfy { name in name.utf8.allSatisfy { $0 < 0x80 } })
        #expect(!names.contains { $0.contains("K") || $0.contains(";") || $0.contains("`") })
        var paths = ["src/main.c", "README.md", "", "/", "a//b", "src/libgit2/diff.c", "tests/resources/x.txt"]
        for name in names {
            for form in [name, name.uppercased(), name.lowercased(), name.prefix(1).uppercased() + name.dropFirst()] {
                paths += [
                    form, "\(form)/x.c", "src/\(form)/x.c", "src/\(form)", "x\(form)", "\(form)x/y", "src/app\(form)",
                    "src/\(form)\u{301}/x.c", "src/\(form)/\u{301}x.c", "\(form)/", "a/\(form).c", "a/b\(form)",
                ]
            }
        }
        paths += ["\u{212A}ernel/vendor/x", "vendor\u{301}/x", "café/vendor/x.min.js", "x.min.js\u{301}"]
        var differing: [String] = []
        var matched = 0
        for path in paths {
            let name =
                path.utf8.lastIndex(of: UInt8(ascii: "/")).map { path.utf8[path.utf8.index(after: $0)...] }
                ?? path.utf8[...]
            let fast = ExclusionPolicy.defaultRule(path: path, name: name)
            let reference = ExclusionPolicy.defaultRuleUnfiltered(path: path, name: name)
            if fast != nil { matched += 1 }
            if fast?.reason != reference?.reason || fast?.generated != reference?.generated { differing.append(path) }
        }
        #expect(differing.isEmpty, "\(differing.prefix(5))")
        #expect(paths.count == 1_787)
        #expect(matched == 237)
    }
}
