import Foundation
import HistoryMetrics
import ReportContract
import Testing

@testable import MetricsReporting

struct HTMLReporterTests {
    @Test func snapshot() throws {
        try Snapshot.check(ReportFormat.html.render(Fixture.report()), named: "report.html")
    }

    /// A report whose every repository-supplied string is hostile: markup, entities, quotes, ANSI escapes and
    /// bidirectional overrides, in group and author names, e-mails, subjects and paths.
    static func hostileReport() -> Report {
        var report = Fixture.report()
        report.repository.path = "/tmp/<i>repo</i>"
        report.groups[0].name = "<b>core</b>"
        report.groups[0].authors[0].name = "Eve \u{1B}[31mRed\u{1B}[0m <img src=x onerror=alert(1)>"
        report.groups[0].authors[0].email = "eve\"onmouseover=\"alert(2)@evil.example"
        report.pullRequests[0].title = "<script>alert(1)</script> &lt;b&gt; \u{202E}exe.txt"
        report.pullRequests[0].author = "Mallory\u{2066}<svg onload=alert(3)>"
        report.pullRequests[0].groups = ["<b>core</b>"]
        report.pullRequests[0].excludedFiles[0].path = "a/<iframe src=javascript:alert(4)>.lock"
        report.notes.append("note with </section><script>x</script>")
        return report
    }

    @Test func hostileTextIsInert() {
        let html = HTMLReporter().render(Self.hostileReport())
        // Shown as text, escaped.
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp;lt;b&amp;gt; [U+202E]exe.txt"))
        #expect(html.contains("Eve [U+001B][31mRed[U+001B][0m &lt;img src=x onerror=alert(1)&gt;"))
        #expect(html.contains("eve\"onmouseover=\"alert(2)@evil.example"))
        #expect(html.contains("Mallory[U+2066]&lt;svg onload=alert(3)&gt;"))
        #expect(html.contains("a/&lt;iframe src=javascript:alert(4)&gt;.lock ("))
        #expect(html.contains("<h2>Group: &lt;b&gt;core&lt;/b&gt;</h2>"))
        #expect(html.contains("<title>Yardstick report: /tmp/&lt;i&gt;repo&lt;/i&gt;</title>"))
        // Never markup, never a control or bidi character.
        for bad in ["<script", "<img", "<iframe", "<svg onload", "<b>", "<i>"] {
            #expect(!html.contains(bad), "\(bad)")
        }
        #expect(!html.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E || $0.value == 0x2066 })
        // No repository text inside any tag: every attribute value is the reporter's own.
        for tag in Self.tags(html) {
            for word in ["evil", "alert", "onmouseover", "onerror", "onload", "javascript"] {
                #expect(!tag.contains(word), "\(tag)")
            }
        }
    }

    @Test func selfContainedWithStrictPolicy() {
        let html = HTMLReporter().render(Fixture.report())
        #expect(
            html.contains(
                "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\"/>"
            ))
        #expect(!html.contains("<script"))
        #expect(!html.contains("<link"))
        #expect(!html.contains(" src="))
        // The only URL is the SVG namespace name, which is never fetched.
        let urls = html.components(separatedBy: "://").count - 1
        let namespaces = html.components(separatedBy: "xmlns=\"http://www.w3.org/2000/svg\"").count - 1
        #expect(urls == namespaces)
        #expect(namespaces > 0)
    }

    @Test func summaryMatrixCellsHoldValueBandAndSampleSize() {
        let html = HTMLReporter().render(Fixture.report())
        // core's PR size in the fixture: mean 132.33 over 3 changes (MarkdownAndTerminalTests' figures).
        #expect(html.contains("<div class=\"value\">"))
        #expect(html.contains("measured · n = 3"))
    }

    @Test func controlAndBidiMarks() {
        #expect(
            HTMLReporter.visible("a\u{1B}b\u{7}c\td\ne\u{202E}f\u{200F}g\u{85}")
                == "a[U+001B]b[U+0007]c\td\ne[U+202E]f[U+200F]g[U+0085]")
        #expect(HTMLReporter.visible("x & y", ampersands: true) == "x &amp; y")
    }

    static func tags(_ html: String) -> [String] {
        var out: [String] = []
        var current: String?
        for ch in html {
            if ch == "<" {
                current = ""
            } else if ch == ">", let c = current {
                out.append(c)
                current = nil
            } else {
                current?.append(ch)
            }
        }
        return out
    }
}
