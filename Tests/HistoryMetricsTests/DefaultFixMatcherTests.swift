import Testing

@testable import HistoryMetrics
@testable import HistoryModel

/// `DefaultFixMatcher` against its reference, the default fix patterns matched one by one as configured.
struct DefaultFixMatcherTests {
    /// Lines built to sit on each edge: every word of `notADefect` and every fix word, in several cases, at the
    /// start and inside, with area prefixes, punctuation that moves word boundaries, and non-ASCII letters that
    /// fold to ASCII ones (long s, the Kelvin sign) or not.
    static func edgeLines() -> [String] {
        let openings = [
            "", "ci: ", "tests: ", "Test: ", "README: ", "docs/foo.md: ", "foo.txt : ", "i18n: ", "core: ", "net:",
            "fix(deps): ", "fix(deps-dev)!: ", "fix(depsx): ", "t4013: ", "t401: ", "test1521: ", "testx: ",
            "CHANGELOG: ",
            // Updates to a version (analysis revision 8), and lines that come near them.
            "Update to foo 1.2, ", "deps: bump zlib to v1.3 to ", "Upgrading bar 2.0 ", "updated 3.4; ", "Update, 1.2 ",
            "Updater 1.2 ", "pre-update to 1.2 ", "upgrade to 12 ",
            "Merge pull request #12 from a/", "Revert ", "Fixes: ", "closes ", "RESOLVED: ",
            // The last two patterns' openings, and lines that come near them.
            "fixes #7 ", "Closes: #3 ", "resolved gh#4 ", "FIXED #5: ", "Fixes: 1234567 ", "fixes:abcdef0 ",
            " fixes #7 ", "fixe #7 ", "closing #3 ", "Resolve #2 ", "ﬁxes #7 ", "ﬁxes: 1234567 ",
        ]
        let fixes = [
            "fix", "Fix", "FIX", "fixes", "fixed", "fixing", "bugfix", "bug fix", "hotfix", "bug", "Bug", "fix:",
            "fix(core)!:", "fix(x):", "fix!:", "fix:foo", "fix.c", "fix_foo", "prefix", "fixture", "debug", "fixes #12",
            "fixes: 1234567abc", "closes #3", "resolves gh#4", "ﬁx", "fıx",
        ]
        let middles = [
            "", " the crash", " a warning", " warnings in foo", " typo", " typos", " typofix", " docfix", " doc",
            " docs", " documentation", " comment", " comments", " spelling", " grammar", " whitespace",
            " white space", " indentation", " style", " formatting", " lint", " translation", " translations",
            " up", " up the build", " the tests", " two flaky tests", " test", " a b c tests", " in testing",
            " ſtyle", " \u{212A}elvin", " café", " WARNING", " Doc", " upstream", " update", "\ttabbed", "  up",
            " the ci: thing", " stylesheet", " undocumented", " lintian", " changelog", " README", " example",
            " examples", " spelled", " spell", " exampled", " styling", " -Wshadow", " (-Wsign-compare)", " -Wl,x",
            " -w", " -W", " x-Wfoo", " i18n", " (i18n)", " l10n", " untranslated", " translated", " i18nx",
            " after the update to 1.2", " bump", " upgrade",
            // The word CI (analysis revision 10), and words that hold its letters.
            " CI", " the CI job", " ci-job", " circle", " decimal", " [ci skip]",
        ]
        // Every fix word with every middle, at the start and at the end; every opening with every fix word.
        var lines: [String] = []
        for f in fixes {
            for m in middles {
                lines.append(f + m)
                lines.append("Something" + m + " " + f)
            }
            for o in openings {
                lines.append(o + f + " the crash")
                lines.append(o + f + " typo")
            }
        }
        return lines
    }

    @Test func matchesAsThePatternsDoOneByOne() throws {
        let rules = DeliveryAnalyzer.MessageRules(DeliveryOptions())
        #expect(rules.defaultFix != nil)
        var lines = Self.edgeLines()
        for l in try FixDetectionTests.labelled() {
            lines.append(l.title)
            lines += l.message.split(whereSeparator: \.isNewline).map(String.init)
        }
        var differing: [String] = []
        var matched = 0
        for line in lines {
            let fast = rules.matchesFix(Substring(line))
            if fast { matched += 1 }
            if fast != rules.matchesFixPatternByPattern(Substring(line)) { differing.append(line) }
        }
        #expect(differing.isEmpty, "\(differing.prefix(5))")
        // Both answers occur, often: the corpus exercises the matcher.
        #expect(lines.count == 7_289)
        #expect(matched == 1_948)
    }

    @Test func otherPatternsAreMatchedAsConfigured() throws {
        var options = DeliveryOptions()
        options.fixPatterns = [try RegexPattern(#"(?i)\bdefect\b"#)]
        let rules = DeliveryAnalyzer.MessageRules(options)
        #expect(rules.defaultFix == nil)
        #expect(rules.matchesFix("a defect here"))
        #expect(!rules.matchesFix("fix the crash"))
    }

    @Test func theWordLookAheadIsSkippedOnlyWhereItCannotRefuse() {
        typealias M = DeliveryAnalyzer.MessageRules.DefaultFixMatcher
        #expect(!M.wordsMayRefuse("fix the crash in the parser"))
        #expect(M.wordsMayRefuse("fix a Warning"))
        #expect(M.wordsMayRefuse("fix up the parser"))
        #expect(M.wordsMayRefuse("fix the Tests"))
        #expect(M.wordsMayRefuse("fix the crash in the café"))
        #expect(!M.wordsMayRefuse("refresh the parser"))
        #expect(M.wordsMayRefuse("Update to crossbeam-utils 0.5.0, fix imports"))
    }

    @Test func theLastTwoPatternsAreSkippedOnlyWhereTheyCannotMatch() {
        typealias M = DeliveryAnalyzer.MessageRules.DefaultFixMatcher
        #expect(M.restMayMatch("Fixes: 1234567"))
        #expect(M.restMayMatch("CLOSES #3"))
        #expect(M.restMayMatch("resolved gh#4"))
        #expect(M.restMayMatch("ﬁxes #7"))
        #expect(!M.restMayMatch("fix the crash #7"))
        #expect(!M.restMayMatch(" fixes #7"))
        #expect(!M.restMayMatch("fix"))
    }
}
