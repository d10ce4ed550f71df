/// Escaping for text that comes from the analysed repository or the configuration (author names and
/// e-mails, titles, branch and group names, paths) before it reaches a terminal or a Markdown document.
///
/// The rules (docs/configuration.md, "Hostile text"):
/// - a *control character* is a C0 control (U+0000–U+001F), DEL (U+007F), a C1 control (U+0080–U+009F) or a
///   bidirectional embedding, override or isolate (U+202A–U+202E, U+2066–U+2069). It is never written as
///   is: a terminal would obey it. It is shown as `\xHH` below U+0080 and `\uHHHH` above (hex, upper case),
///   so ESC is `\x1B`, a newline `\x0A` and a right-to-left override `\u202E`;
/// - in Markdown, a tab, newline or carriage return is a space (Markdown renders them as one), and the
///   characters that could start markup are escaped: `&`, `<`, `>` as entities, `\`, `` ` ``, `*`, `_`,
///   `[`, `]`, `|` with a backslash, and a leading `#` with a backslash;
/// - paths printed one per line (`yardstick blame`) are C-quoted when they hold a control character, `"`
///   or `\`, as git does with `core.quotePath`.
public enum TextEscaping {
    /// Whether `scalar` is a control character that must not reach a terminal or a Markdown document.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }

    /// The visible form of a control character: `\x1B`, `\u202E`.
    static func visible(_ scalar: Unicode.Scalar) -> String {
        let v = scalar.value
        let digits = String(v, radix: 16, uppercase: true)
        let width = v < 0x80 ? 2 : 4
        return (v < 0x80 ? "\\x" : "\\u") + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// `text` for a terminal: every control character shown in its visible form (tabs kept when asked, for
    /// file contents), everything else as is.
    public static func terminal(_ text: String, keepingTabs: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) && !(keepingTabs && $0 == "\t") }) else {
            return text
        }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isControl(scalar) && !(keepingTabs && scalar == "\t") {
                out.append(contentsOf: visible(scalar).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// `text` for Markdown (running text, a heading or a table cell): control characters in their visible
    /// form, markup characters escaped, so it renders as exactly these characters and nothing else.
    public static func markdown(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for (i, scalar) in zip(0..., text.unicodeScalars) {
            switch scalar {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\\", "`", "*", "_", "[", "]", "|":
                out.append("\\")
                out.append(scalar)
            case "#" where i == 0:
                out.append(contentsOf: "\\#".unicodeScalars)
            case "\t", "\n", "\r":
                out.append(" ")
            default:
                if isControl(scalar) {
                    out.append(contentsOf: visible(scalar).unicodeScalars)
                } else {
                    out.append(scalar)
                }
            }
        }
        return String(out)
    }

    /// `text` as a Markdown code span: fenced by one backtick more than its longest run of backticks (padded
    /// with a space when it starts or ends with one), control characters in their visible form.
    public static func markdownCode(_ text: String) -> String {
        let body = terminal(text)
        var longest = 0
        var run = 0
        for scalar in body.unicodeScalars {
            run = scalar == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: longest + 1)
        let pad = body.hasPrefix("`") || body.hasSuffix("`") ? " " : ""
        return fence + pad + body + pad + fence
    }

    /// `Name <e-mail>` (how a landed change names its author) for Markdown: the name escaped, the address as
    /// `markdownEmail` shows it; any other text escaped whole.
    public static func markdownIdentity(_ identity: String) -> String {
        let scalars = identity.unicodeScalars
        guard scalars.last == ">",
            let open = scalars.indices.last(where: { i in
                scalars[i] == "<" && i > scalars.startIndex && scalars[scalars.index(before: i)] == " "
            })
        else { return markdown(identity) }
        let name = String(scalars[..<scalars.index(before: open)])
        let email = String(scalars[scalars.index(after: open)..<scalars.index(before: scalars.endIndex)])
        return markdown(name) + " " + markdownEmail(email)
    }

    /// An e-mail address between angle brackets for Markdown: an autolink when it is a plain address
    /// (CommonMark's e-mail autolink form, which can hold no markup), else its escaped text between `&lt;`
    /// and `&gt;`.
    public static func markdownEmail(_ email: String) -> String {
        isAutolinkEmail(email) ? "<" + email + ">" : "&lt;" + markdown(email) + "&gt;"
    }

    /// CommonMark's e-mail autolink: `[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@` then dot-separated labels of
    /// letters, digits and inner hyphens, at most 63 characters each.
    static func isAutolinkEmail(_ email: String) -> Bool {
        let bytes = Array(email.utf8)
        guard let at = bytes.firstIndex(of: UInt8(ascii: "@")), at > 0 else { return false }
        func alnum(_ b: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(b)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
        }
        let localPunctuation = Set(".!#$%&'*+/=?^_`{|}~-".utf8)
        guard bytes[..<at].allSatisfy({ alnum($0) || localPunctuation.contains($0) }) else { return false }
        let labels = bytes[(at + 1)...].split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            guard let first = label.first, let last = label.last, label.count <= 63 else { return false }
            return alnum(first) && alnum(last) && label.allSatisfy { alnum($0) || $0 == UInt8(ascii: "-") }
        }
    }

    /// A path for a line-oriented listing: as is when it holds no control character, `"` or `\`; else
    /// between double quotes with C escapes, as git quotes paths (`\a \b \t \n \v \f \r \" \\`, any other
    /// byte of a control character in octal, `\033` for ESC and `\342\200\256` for U+202E).
    public static func quotedPath(_ path: String) -> String {
        guard path.unicodeScalars.contains(where: { isControl($0) || $0 == "\"" || $0 == "\\" }) else { return path }
        var out = "\""
        for scalar in path.unicodeScalars {
            switch scalar {
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\u{0B}": out += "\\v"
            case "\u{0C}": out += "\\f"
            case "\r": out += "\\r"
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if isControl(scalar) {
                    for byte in String(scalar).utf8 {
                        let octal = String(byte, radix: 8)
                        out += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
                    }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
