internal import HistoryMetrics

/// Writes pull requests — most of a report's text, one entry per landed change — as the JSON contract's
/// encoder does (`JSONEncoder` with pretty printing, sorted keys and unescaped slashes), byte for byte, without
/// its generic machinery: on git.git's history that encoder took 2 CPU seconds. Keys are written in the
/// encoder's sorted order; a test compares both writers on every sample report and on random contents, so a
/// field added to `Report.PullRequest` and not here fails it.
struct PullRequestJSON {
    private(set) var bytes: [UInt8] = []

    /// The pull requests as array elements at the report's nesting (four spaces), separated by `,\n`.
    /// Nil when a value has no JSON form (a non-finite number); the caller then leaves the whole report to
    /// the encoder, which refuses it as before (an empty object).
    static func elements(_ items: ArraySlice<Report.PullRequest>) -> [UInt8]? {
        var w = PullRequestJSON()
        w.bytes.reserveCapacity(items.count * 1400)
        for (k, pr) in items.enumerated() {
            if k > 0 { w.raw(",\n") }
            guard w.pullRequest(pr, indent: 4) else { return nil }
        }
        return w.bytes
    }

    private mutating func pullRequest(_ p: Report.PullRequest, indent: Int) -> Bool {
        let inner = indent + 2
        pad(indent)
        raw("{\n")
        key("additions", inner); int(p.additions); raw(",\n")
        key("author", inner); string(p.author); raw(",\n")
        key("authoredAt", inner); string(p.authoredAt); raw(",\n")
        key("binaryFiles", inner); int(p.binaryFiles); raw(",\n")
        key("coAuthors", inner); strings(p.coAuthors, inner); raw(",\n")
        key("commit", inner); string(p.commit); raw(",\n")
        key("commits", inner); strings(p.commits, inner); raw(",\n")
        key("countedAdditions", inner); int(p.countedAdditions); raw(",\n")
        key("countedDeletions", inner); int(p.countedDeletions); raw(",\n")
        key("deletions", inner); int(p.deletions); raw(",\n")
        key("delivery", inner)
        if let d = p.delivery {
            guard delivery(d, indent: inner) else { return false }
        } else {
            raw("null")
        }
        raw(",\n")
        key("excludedFiles", inner)
        array(p.excludedFiles, inner) { w, f, at in
            w.object(at) { w, at in
                w.key("additions", at); w.int(f.additions); w.raw(",\n")
                w.key("deletions", at); w.int(f.deletions); w.raw(",\n")
                w.key("path", at); w.string(f.path); w.raw(",\n")
                w.key("reason", at); w.string(f.reason)
            }
        }
        raw(",\n")
        key("group", inner); string(p.group); raw(",\n")
        key("groups", inner); strings(p.groups, inner); raw(",\n")
        key("kind", inner); string(p.kind); raw(",\n")
        key("landedAt", inner); string(p.landedAt); raw(",\n")
        key("number", inner); optionalInt(p.number); raw(",\n")
        key("reviewedDiffs", inner)
        array(p.reviewedDiffs, inner) { w, r, at in
            w.object(at) { w, at in
                w.key("base", at); w.optionalString(r.base); w.raw(",\n")
                w.key("tip", at); w.string(r.tip)
            }
        }
        raw(",\n")
        key("title", inner); string(p.title); raw("\n")
        pad(indent)
        raw("}")
        return true
    }

    private mutating func delivery(_ d: Report.ChangeDelivery, indent: Int) -> Bool {
        let inner = indent + 2
        raw("{\n")
        key("addedLines", inner); int(d.addedLines); raw(",\n")
        key("adrsAdded", inner); strings(d.adrsAdded, inner); raw(",\n")
        key("blamedBy", inner); strings(d.blamedBy, inner); raw(",\n")
        key("blames", inner)
        array(d.blames, inner) { w, b, at in
            w.object(at) { w, at in
                w.key("commit", at); w.string(b.commit); w.raw(",\n")
                w.key("lines", at); w.int(b.lines)
            }
        }
        raw(",\n")
        key("branchCommits", inner); optionalInt(d.branchCommits); raw(",\n")
        key("changedLines", inner); int(d.changedLines); raw(",\n")
        key("codeLines", inner); int(d.codeLines); raw(",\n")
        key("cycleNote", inner); optionalString(d.cycleNote); raw(",\n")
        key("cycleTimeHours", inner)
        guard optionalDouble(d.cycleTimeHours) else { return false }
        raw(",\n")
        key("discardedOnBranch", inner); optionalInt(d.discardedOnBranch); raw(",\n")
        key("escapedDefect", inner); bool(d.escapedDefect); raw(",\n")
        key("fixupCommits", inner); optionalInt(d.fixupCommits); raw(",\n")
        key("isFix", inner); bool(d.isFix); raw(",\n")
        key("isRevert", inner); bool(d.isRevert); raw(",\n")
        key("majorRework", inner); bool(d.majorRework); raw(",\n")
        key("revertedBy", inner); optionalString(d.revertedBy); raw(",\n")
        key("revertedInWindow", inner); bool(d.revertedInWindow); raw(",\n")
        key("reviewTurnaroundBusinessHours", inner)
        guard optionalDouble(d.reviewTurnaroundBusinessHours) else { return false }
        raw(",\n")
        key("reviewTurnaroundHours", inner)
        guard optionalDouble(d.reviewTurnaroundHours) else { return false }
        raw(",\n")
        key("reviewers", inner); strings(d.reviewers, inner); raw(",\n")
        key("reworkOthersLines", inner); int(d.reworkOthersLines); raw(",\n")
        key("reworkOwnLines", inner); int(d.reworkOwnLines); raw(",\n")
        key("rewrittenAfterLanding", inner); int(d.rewrittenAfterLanding); raw(",\n")
        key("testLines", inner); int(d.testLines); raw(",\n")
        key("touchesTests", inner); bool(d.touchesTests); raw(",\n")
        key("turnaroundNote", inner); optionalString(d.turnaroundNote); raw(",\n")
        key("unreviewed", inner); bool(d.unreviewed); raw("\n")
        pad(indent)
        raw("}")
        return true
    }

    // MARK: - Values, as the encoder writes them

    private mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func pad(_ n: Int) {
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: n))
    }

    private mutating func key(_ name: StaticString, _ indent: Int) {
        pad(indent)
        bytes.append(UInt8(ascii: "\""))
        raw(name)
        raw("\" : ")
    }

    private mutating func int(_ v: Int) {
        bytes.append(contentsOf: String(v).utf8)
    }

    private mutating func bool(_ v: Bool) {
        if v { raw("true") } else { raw("false") }
    }

    private mutating func optionalInt(_ v: Int?) {
        if let v { int(v) } else { raw("null") }
    }

    private mutating func optionalString(_ v: String?) {
        if let v { string(v) } else { raw("null") }
    }

    /// A finite double as `description` without a trailing `.0` (`72.08`, `3`, `1e-07`); false for NaN and
    /// infinities, which the encoder refuses.
    private mutating func optionalDouble(_ v: Double?) -> Bool {
        guard let v else {
            raw("null")
            return true
        }
        guard v.isFinite else { return false }
        var text = v.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
        return true
    }

    /// Quotes and escapes: `"` and `\` with a backslash; \b \t \n \f \r by name; other bytes below 0x20 as
    /// `\u00xx` (lower-case hex); everything else, `/` and non-ASCII included, as is.
    private mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            var start = 0
            for (i, c) in utf8.enumerated() where c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") {
                bytes.append(contentsOf: utf8[start..<i])
                start = i + 1
                switch c {
                case UInt8(ascii: "\""): raw("\\\"")
                case UInt8(ascii: "\\"): raw("\\\\")
                case 0x08: raw("\\b")
                case 0x09: raw("\\t")
                case 0x0A: raw("\\n")
                case 0x0C: raw("\\f")
                case 0x0D: raw("\\r")
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    raw("\\u00")
                    bytes.append(hex[Int(c >> 4)])
                    bytes.append(hex[Int(c & 15)])
                }
            }
            bytes.append(contentsOf: utf8[start...])
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func strings(_ values: [String], _ indent: Int) {
        array(values, indent) { w, s, at in
            w.pad(at)
            w.string(s)
        }
    }

    /// An array element that is an object: `{` at `indent`, the fields `fields` writes two spaces deeper (the
    /// last without its line break), `}`.
    private mutating func object(_ indent: Int, _ fields: (inout PullRequestJSON, Int) -> Void) {
        pad(indent)
        raw("{\n")
        fields(&self, indent + 2)
        raw("\n")
        pad(indent)
        raw("}")
    }

    /// `[`, the elements one per line two spaces deeper, `]`; an empty array as `[`, a blank line, `]`.
    private mutating func array<T>(_ values: [T], _ indent: Int, _ element: (inout PullRequestJSON, T, Int) -> Void) {
        raw("[\n")
        if values.isEmpty {
            raw("\n")
        } else {
            for (k, v) in values.enumerated() {
                if k > 0 { raw(",\n") }
                element(&self, v, indent + 2)
            }
            raw("\n")
        }
        pad(indent)
        raw("]")
    }
}
