import Testing

@testable import HistoryMetrics
@testable import HistoryParsing

struct GitAttributesTests {
    private func attributes(_ files: [(String, String)]) -> GitAttributes {
        GitAttributes(files: files.map { (path: $0.0, contents: $0.1) })
    }

    @Test func emptyAttributesSetNothing() {
        #expect(GitAttributes().flags(for: "a.txt") == [])
        #expect(attributes([(".gitattributes", "")]).flags(for: "a.txt") == [])
    }

    @Test func linguistGenerated() {
        let a = attributes([(".gitattributes", "*.pb.go linguist-generated\n")])
        #expect(a.flags(for: "api/v1/service.pb.go") == [.linguistGenerated])
        #expect(a.flags(for: "service.pb.go") == [.linguistGenerated])
        #expect(a.flags(for: "service.go") == [])
    }

    @Test(arguments: ["linguist-generated", "linguist-generated=true", "linguist-generated=1"])
    func generatedSpellings(attr: String) {
        let a = attributes([(".gitattributes", "Generated/** \(attr)\n")])
        #expect(a.flags(for: "Generated/Model.swift") == [.linguistGenerated])
        #expect(a.flags(for: "Sources/Model.swift") == [])
    }

    @Test(arguments: ["-linguist-generated", "!linguist-generated", "linguist-generated=false", "linguist-generated=0"])
    func laterLineUnsets(attr: String) {
        let a = attributes([(".gitattributes", "*.js linguist-generated\nsrc/app.js \(attr)\n")])
        #expect(a.flags(for: "src/app.js") == [])
        #expect(a.flags(for: "dist/bundle.js") == [.linguistGenerated])
    }

    @Test func laterLineSetsAgain() {
        let a = attributes([(".gitattributes", "*.js -linguist-generated\n*.js linguist-generated\n")])
        #expect(a.flags(for: "x.js") == [.linguistGenerated])
    }

    @Test func linguistVendored() {
        let a = attributes([(".gitattributes", "deps/** linguist-vendored\n")])
        #expect(a.flags(for: "deps/lib/x.c") == [.linguistVendored])
    }

    @Test func binaryImpliesNoDiff() {
        let a = attributes([(".gitattributes", "*.png binary\n")])
        #expect(a.flags(for: "assets/logo.png") == [.binary, .noDiff])
    }

    /// `diff=false` names a diff driver called `false`, which git does not know: the file is diffed as text.
    @Test func noDiffAlone() {
        let a = attributes([(".gitattributes", "*.dat -diff\n*.bin diff=false\n")])
        #expect(a.flags(for: "x.dat") == [.noDiff])
        #expect(a.flags(for: "x.bin") == [])
        #expect(a.flags(for: "x.txt") == [])
    }

    /// A later `diff` overrides the `binary` macro's `-diff`: git diffs the file as text.
    @Test func diffUnsetsNoDiff() {
        let a = attributes([(".gitattributes", "*.png binary\nreadable.png diff\n")])
        #expect(a.flags(for: "readable.png") == [])
        #expect(a.flags(for: "other.png") == [.binary, .noDiff])
    }

    @Test func severalAttributesOnOneLine() {
        let a = attributes([(".gitattributes", "gen/*.js\tlinguist-generated  -diff text eol=lf\n")])
        #expect(a.flags(for: "gen/a.js") == [.linguistGenerated, .noDiff])
    }

    @Test func commentsMacrosQuotedAndUnknownAttributesAreIgnored() {
        let contents = """
            # *.txt linguist-generated
            [attr]gen linguist-generated
            "quoted name.txt" linguist-generated
            *.md text eol=lf
            *.txt

            """
        let a = attributes([(".gitattributes", contents)])
        #expect(a.flags(for: "a.txt") == [])
        #expect(a.flags(for: "quoted name.txt") == [])
        #expect(a.flags(for: "README.md") == [])
    }

    @Test func crlfContents() {
        let a = attributes([(".gitattributes", "*.pb.go linguist-generated\r\n*.png binary\r\n")])
        #expect(a.flags(for: "x.pb.go") == [.linguistGenerated])
        #expect(a.flags(for: "x.png") == [.binary, .noDiff])
    }

    @Test func nestedFileIsScopedToItsDirectory() {
        let a = attributes([("sub/.gitattributes", "*.txt linguist-generated\ngen/*.c linguist-generated\n")])
        #expect(a.flags(for: "sub/a.txt") == [.linguistGenerated])
        #expect(a.flags(for: "sub/deep/a.txt") == [.linguistGenerated])
        #expect(a.flags(for: "a.txt") == [])
        #expect(a.flags(for: "other/sub/a.txt") == [])
        #expect(a.flags(for: "subway/a.txt") == [])
        // Anchored patterns are relative to the file's directory.
        #expect(a.flags(for: "sub/gen/x.c") == [.linguistGenerated])
        #expect(a.flags(for: "gen/x.c") == [])
        #expect(a.flags(for: "sub/deep/gen/x.c") == [])
    }

    @Test(arguments: [false, true])
    func deeperFileOverridesShallower(deeperFirst: Bool) {
        var files = [
            (".gitattributes", "*.txt linguist-generated\n*.png binary\n"),
            ("sub/.gitattributes", "*.txt -linguist-generated\n"),
            ("sub/deeper/.gitattributes", "*.txt linguist-generated\n"),
        ]
        if deeperFirst { files.reverse() }
        let a = attributes(files)
        #expect(a.flags(for: "a.txt") == [.linguistGenerated])
        #expect(a.flags(for: "sub/a.txt") == [])
        #expect(a.flags(for: "sub/deeper/a.txt") == [.linguistGenerated])
        #expect(a.flags(for: "sub/deeper/x/a.txt") == [.linguistGenerated])
        #expect(a.flags(for: "sub/logo.png") == [.binary, .noDiff])
    }

    @Test func deeperFileOverridesEvenWhenShallowerUnsets() {
        let a = attributes([
            ("lib/.gitattributes", "*.js linguist-generated\n"),
            (".gitattributes", "*.js -linguist-generated\n"),
        ])
        #expect(a.flags(for: "lib/x.js") == [.linguistGenerated])
        #expect(a.flags(for: "x.js") == [])
    }

    /// In git, a leading `/` anchors a `.gitattributes` pattern to the file's directory.
    @Test func leadingSlashAnchorsToTheAttributesDirectory() {
        let a = attributes([(".gitattributes", "/Package.resolved linguist-generated\n")])
        #expect(a.flags(for: "Package.resolved") == [.linguistGenerated])
        #expect(a.flags(for: "Tools/Package.resolved") == [])
    }
}
