import Testing
import YardstickConfig

@Suite struct ImportSettingsTests {
    @Test func importsKeys() throws {
        let config = try YardstickConfiguration.parse(
            """
            imports:
              builds: [ci/runs.json, ci/jenkins.json]
              coverage: [coverage.info]
              reviews: [prs.json]
              buildNotes: refs/notes/ci
              buildTrailers: yes
              reviewNotes: true
              coverageStripPrefixes: [/home/ci/build/]
            """, file: "y.yml")
        var expected = YardstickConfiguration.ImportSettings()
        expected.builds = ["ci/runs.json", "ci/jenkins.json"]
        expected.coverage = ["coverage.info"]
        expected.reviews = ["prs.json"]
        expected.buildNotes = "refs/notes/ci"
        expected.buildTrailers = true
        expected.reviewNotes = true
        expected.coverageStripPrefixes = ["/home/ci/build/"]
        #expect(config.imports == expected)
        #expect(
            try YardstickConfiguration.parse("version: 1\n", file: "y.yml").imports
                == YardstickConfiguration.ImportSettings())
    }

    func error(_ text: String) -> String? {
        do {
            _ = try YardstickConfiguration.parse(text, file: "y.yml")
            return nil
        } catch {
            return error.description
        }
    }

    @Test func badImportsKeysNameTheLine() {
        #expect(
            error("version: 1\nimports:\n  build: [a.json]\n")
                == "y.yml:3: unknown key 'build' in imports (expected one of: buildNotes, buildTrailers, builds, coverage, coverageStripPrefixes, reviewNotes, reviews)"
        )
        #expect(error("imports:\n  coverage: a.info\n") == "y.yml:2: imports.coverage must be a list")
        #expect(
            error("imports:\n  reviewNotes: maybe\n")
                == "y.yml:2: imports.reviewNotes must be true or false (found 'maybe')")
    }
}
