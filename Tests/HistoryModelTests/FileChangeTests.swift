import Testing

@testable import HistoryModel

struct FileChangeTests {
    static let files = [
        FileChange(path: "Sources/a.swift", status: .modified, additions: 10, deletions: 4, isBinary: false),
        FileChange(path: "logo.png", status: .added, additions: 7, deletions: 3, isBinary: true),
        FileChange(path: "README.md", oldPath: "README", status: .renamed, additions: 2, deletions: 1, isBinary: false),
        FileChange(path: "old.txt", status: .deleted, additions: 0, deletions: 20, isBinary: false),
    ]

    @Test func totalsSkipBinaryFiles() {
        #expect(Self.files.totalAdditions == 12)
        #expect(Self.files.totalDeletions == 25)
    }

    @Test func totalsOfNothingAreZero() {
        #expect([FileChange]().totalAdditions == 0)
        #expect([FileChange]().totalDeletions == 0)
    }

    @Test func totalsOfOnlyBinaryFilesAreZero() {
        let files = [FileChange(path: "a.bin", status: .modified, additions: 99, deletions: 98, isBinary: true)]
        #expect(files.totalAdditions == 0)
        #expect(files.totalDeletions == 0)
    }

    @Test func initDefaults() {
        let f = FileChange(path: "a", status: .added, additions: 1, deletions: 0, isBinary: false)
        #expect(f.oldPath == nil)
        #expect(f.hunks == [])
    }

    @Test func landedChangeSizesAreTextTotals() throws {
        let tip = try #require(ObjectID(hex: "1111111111111111111111111111111111111111"))
        let change = LandedChange(
            kind: .squash, number: 7, commit: tip, commits: [tip], author: Identity(name: "A", email: "a@x.org"),
            coAuthors: [], title: "T (#7)", authoredAt: 0, landedAt: 10,
            reviewedDiffs: [DiffRange(base: nil, tip: tip)], files: Self.files)
        #expect(change.additions == 12)
        #expect(change.deletions == 25)
    }

    @Test func changeKindOrderIsDeclarationOrder() {
        #expect(ChangeKind.allCases.sorted() == [.merge, .squash, .gerrit, .rebase, .applied, .direct, .integration])
        #expect(ChangeKind.merge < ChangeKind.direct)
        #expect(!(ChangeKind.rebase < ChangeKind.gerrit))
        #expect(ChangeKind.allCases.map(\.rank) == [0, 1, 2, 3, 4, 5, 6])
        #expect(
            ChangeKind.allCases.map(\.rawValue) == [
                "merge", "squash", "gerrit", "rebase", "applied", "direct", "integration",
            ])
    }
}
