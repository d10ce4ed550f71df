import Foundation
import TestSupport
import Testing

private let chromiumInstalled = ["/usr/bin/chromium", "/usr/local/bin/chromium"].contains {
    FileManager.default.isExecutableFile(atPath: $0)
}

/// The HTML report looked at by a real browser (Debian's chromium, headless) through `Scripts/screenshot.sh`:
/// no console message (no script error, no Content-Security-Policy violation), and hostile commit text shown as
/// text. Scripts/setup.sh installs chromium; these tests are skipped only where it is absent.
@Suite(
    .enabled(if: chromiumInstalled, "chromium is not installed (Scripts/setup.sh installs it); browser checks skipped"))
struct BrowserTests {
    static let script = SampleRepositories.packageRoot + "/Scripts/screenshot.sh"

    static func temporaryFolder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "yardstick-browser-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A one-commit repository whose author and subject carry markup, an ANSI escape and a bidi override.
    static func hostileRepository(in dir: String) throws -> String {
        let repo = dir + "/hostile"
        func git(_ args: [String]) throws {
            let env = [
                "GIT_CONFIG_NOSYSTEM=1", "HOME=\(dir)", "GIT_AUTHOR_NAME=Eve \u{1B}[31mRed",
                "GIT_AUTHOR_EMAIL=eve@evil.example",
                "GIT_COMMITTER_NAME=Eve", "GIT_COMMITTER_EMAIL=eve@evil.example",
                "GIT_AUTHOR_DATE=2024-01-02T08:00:00Z", "GIT_COMMITTER_DATE=2024-01-02T08:00:00Z",
            ]
            let r = Command.run("/usr/bin/env", env + ["git", "-C", repo] + args)
            if r.status != 0 { throw CocoaError(.fileWriteUnknown, userInfo: ["git": r.stderr]) }
        }
        try FileManager.default.createDirectory(atPath: repo, withIntermediateDirectories: true)
        try git(["init", "-q", "-b", "main"])
        try "hello\n".write(toFile: repo + "/a.txt", atomically: true, encoding: .utf8)
        try git(["add", "a.txt"])
        try git([
            "commit", "-q", "-m",
            "<script>document.title='pwned'</script> <img src=x onerror=alert(1)> \u{202E}txt.exe",
        ])
        return repo
    }

    @Test func hostileReportIsCleanAndInert() throws {
        let dir = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let repo = try Self.hostileRepository(in: dir)
        let report = Command.run(Command.yardstick, ["analyze", repo, "--format", "html", "-o", dir + "/report.html"])
        #expect(report.status == 0, "\(report.stderr)")
        let shot = Command.run(
            "/bin/bash", [Self.script, dir + "/report.html", dir + "/report.png", dir + "/dom.html"])
        #expect(shot.status == 0, "\(shot.stderr)")
        #expect(shot.stdout.contains("no console messages"))
        let png = try Data(contentsOf: URL(fileURLWithPath: dir + "/report.png"))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        let dom = try String(contentsOfFile: dir + "/dom.html", encoding: .utf8)
        // The browser built no script or image element from the subject: it is text.
        #expect(!dom.contains("<script"))
        #expect(!dom.contains("<img"))
        #expect(
            dom.contains(
                "&lt;script&gt;document.title='pwned'&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt; [U+202E]txt.exe"
            ))
        #expect(dom.contains("Eve [U+001B][31mRed"))
        #expect(dom.contains("<title>Yardstick report: \(repo)</title>"))
    }

    /// The check can fail: a page with an inline script and a remote image is refused by its policy, and the
    /// script reports the console messages.
    @Test func consoleMessagesFailTheCheck() throws {
        let dir = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let page = """
            <!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head>
            <body><script>console.log(1)</script><img src="http://example.invalid/x.png"></body></html>
            """
        try page.write(toFile: dir + "/bad.html", atomically: true, encoding: .utf8)
        let shot = Command.run("/bin/bash", [Self.script, dir + "/bad.html", dir + "/bad.png"])
        #expect(shot.status == 1)
        #expect(shot.stderr.contains("logged to the browser console"))
        #expect(shot.stderr.contains("violates the following Content Security Policy directive"))
    }
}
