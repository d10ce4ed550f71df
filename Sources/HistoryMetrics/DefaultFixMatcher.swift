extension DeliveryAnalyzer.MessageRules {
    /// The default fix patterns (`DeliveryOptions.defaultFixPatterns`), matched as they match and in a third of
    /// the time (issue 11: on libgit2/libgit2 the regular expressions took most of fix detection once the
    /// commits of merged branches are read too).
    ///
    /// - The first two patterns share `(?i)^` and `notADefect`, both zero-width at the start of the line: a line
    ///   matches either exactly when it matches the one expression with their two tails as alternatives, so the
    ///   look-aheads run once instead of twice.
    /// - The word look-ahead of `notADefect` can only refuse a line that holds one of its stems
    ///   (`notADefectStems`, or `fix` with ` up` or `test`) in some case; an ASCII line without any of them (a
    ///   byte search) is matched by the expression without that look-ahead. A line with any other byte, where
    ///   case folding reaches beyond ASCII, always takes the whole expression.
    ///
    /// A test matches both ways on every message of the sample repositories, the labelled set, and lines made
    /// to sit on each boundary.
    struct DefaultFixMatcher {
        let whole: Regex<AnyRegexOutput>
        let withoutWords: Regex<AnyRegexOutput>
        /// The last two default patterns, as they are.
        let rest: [Regex<AnyRegexOutput>]

        init?(_ patterns: [RegexPattern]) {
            guard patterns.map(\.source) == DeliveryOptions.defaultFixPatterns.map(\.source) else { return nil }
            let tails = "(?:" + DeliveryOptions.fixPrefixed + "|" + DeliveryOptions.fixWord + ")"
            guard
                let whole = try? Regex(
                    #"(?i)^"# + DeliveryOptions.notADefectArea + DeliveryOptions.notADefectWords + tails),
                let withoutWords = try? Regex(#"(?i)^"# + DeliveryOptions.notADefectArea + tails)
            else { return nil }
            let rest = patterns.dropFirst(2).compactMap { try? Regex($0.source) }
            guard rest.count == patterns.count - 2 else { return nil }
            (self.whole, self.withoutWords, self.rest) = (whole, withoutWords, rest)
        }

        func matches(_ line: Substring) -> Bool {
            let first = Self.wordsMayRefuse(line) ? whole : withoutWords
            if (try? first.firstMatch(in: line)) != nil { return true }
            return rest.contains { (try? $0.firstMatch(in: line)) != nil }
        }

        /// Whether the word look-ahead of `notADefect` could refuse `line`: false only for an ASCII line that holds
        /// none of the words' stems in any case.
        static func wordsMayRefuse(_ line: Substring) -> Bool {
            guard line.utf8.allSatisfy({ $0 < 0x80 }) else { return true }
            if ByteSearch.containsAnyLowercased(line, DeliveryOptions.notADefectStems) { return true }
            return ByteSearch.containsAnyLowercased(line, ["fix"])
                && ByteSearch.containsAnyLowercased(line, [" up", "test"])
        }
    }
}
