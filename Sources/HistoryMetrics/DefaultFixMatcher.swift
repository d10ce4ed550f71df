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
    /// - The last two patterns open with `(?i)^(fixes|closes|resolves|fixed|closed|resolved)` and `(?i)^fixes:`:
    ///   an ASCII line that opens with none of `fixe`, `close`, `resolve` in any case cannot match them, and they
    ///   are not run on it (most lines a fix word passes to the first expression and that it refuses).
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
            guard Self.restMayMatch(line) else { return false }
            return rest.contains { (try? $0.firstMatch(in: line)) != nil }
        }

        /// Line openings of the last two default patterns, lower-cased: each of their words starts with one.
        static let restOpenings: [[UInt8]] = ["fixe", "close", "resolve"].map { Array($0.utf8) }

        /// Whether the last two default patterns could match `line`: false only for an ASCII line that opens
        /// with none of `restOpenings` in any case.
        static func restMayMatch(_ line: Substring) -> Bool {
            let bytes = line.utf8
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return true }
            return restOpenings.contains { opening in
                bytes.count >= opening.count
                    && zip(bytes, opening).allSatisfy { b, o in (b >= 0x41 && b <= 0x5A ? b | 0x20 : b) == o }
            }
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
