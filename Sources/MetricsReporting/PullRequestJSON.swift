internal import ReportContract

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
        field("additions", inner, p.additions)
        field("author", inner, p.author)
        field("authoredAt", inner, p.authoredAt)
        field("binaryFiles", inner, p.binaryFiles)
        field("coAuthors", inner, p.coAuthors)
        field("commit", inner, p.commit)
        field("commits", inner, p.commits)
        field("countedAdditions", inner, p.countedAdditions)
        field("countedDeletions", inner, p.countedDeletions)
        field("deletions", inner, p.deletions)
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
                w.field("additions", at, f.additions)
                w.field("deletions", at, f.deletions)
                w.field("path", at, f.path)
                w.key("reason", at); w.string(f.reason)
            }
        }
        raw(",\n")
        field("group", inner, p.group)
        field("groups", inner, p.groups)
        field("kind", inner, p.kind)
        field("landedAt", inner, p.landedAt)
        field("number", inner, p.number)
        key("reviewedDiffs", inner)
        array(p.reviewedDiffs, inner) { w, r, at in
            w.object(at) { w, at in
                w.field("base", at, r.base)
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
        field("addedLines", inner, d.addedLines)
        field("adrsAdded", inner, d.adrsAdded)
        field("blamedBy", inner, d.blamedBy)
        key("blames", inner)
        array(d.blames, inner) { w, b, at in
            w.object(at) { w, at in
                w.field("commit", at, b.commit)
                w.key("lines", at); w.int(b.lines)
            }
        }
        raw(",\n")
        field("branchCommits", inner, d.branchCommits)
        field("changedLines", inner, d.changedLines)
        field("codeLines", inner, d.codeLines)
        field("cycleNote", inner, d.cycleNote)
        key("cycleTimeHours", inner)
        guard optionalDouble(d.cycleTimeHours) else { return false }
        raw(",\n")
        field("discardedOnBranch", inner, d.discardedOnBranch)
        field("escapedDefect", inner, d.escapedDefect)
        field("fixupCommits", inner, d.fixupCommits)
        field("isFix", inner, d.isFix)
        field("isRevert", inner, d.isRevert)
        field("majorRework", inner, d.majorRework)
        field("revertedBy", inner, d.revertedBy)
        field("revertedInWindow", inner, d.revertedInWindow)
        key("reviewTurnaroundBusinessHours", inner)
        guard optionalDouble(d.reviewTurnaroundBusinessHours) else { return false }
        raw(",\n")
        key("reviewTurnaroundHours", inner)
        guard optionalDouble(d.reviewTurnaroundHours) else { return false }
        raw(",\n")
        field("reviewers", inner, d.reviewers)
        field("reworkOthersLines", inner, d.reworkOthersLines)
        field("reworkOwnLines", inner, d.reworkOwnLines)
        field("rewrittenAfterLanding", inner, d.rewrittenAfterLanding)
        field("testLines", inner, d.testLines)
        field("touchesTests", inner, d.touchesTests)
        field("turnaroundNote", inner, d.turnaroundNote)
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

    // A field and the `,\n` after it: every field of an object but its last.

    private mutating func field(_ name: StaticString, _ indent: Int, _ v: Int) {
        key(name, indent); int(v); raw(",\n")
    }

    private mutating func field(_ name: StaticString, _ indent: Int, _ v: Int?) {
        key(name, indent); optionalInt(v); raw(",\n")
    }

    private mutating func field(_ name: StaticString, _ indent: Int, _ v: String) {
        key(name, indent); string(v); raw(",\n")
    }

    private mutating func field(_ name: StaticString, _ indent: Int, _ v: String?) {
        key(name, indent); optionalString(v); raw(",\n")
    }

    private mutating func field(_ name: StaticString, _ indent: Int, _ v: Bool) {
        key(name, indent); bool(v); raw(",\n")
    }

    private mutating func field(_ name: StaticString, _ indent: Int, _ v: [String]) {
        key(name, indent); strings(v, indent); raw(",\n")
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
