import Testing

@testable import HistoryModel

struct SignatureTests {
    @Test func identityDropsTime() {
        let s = Signature(name: "Ada Lovelace", email: "Ada@Example.COM", time: 1_700_000_000, offsetMinutes: -300)
        #expect(s.identity == Identity(name: "Ada Lovelace", email: "Ada@Example.COM"))
        #expect(s.identity.key == "ada@example.com")
        #expect(s.time == 1_700_000_000)
        #expect(s.offsetMinutes == -300)
    }

    @Test(arguments: [
        ("Ada@Example.COM", "ada@example.com"),
        ("ada@example.com", "ada@example.com"),
        ("BOB.SMITH+GIT@CORP.IO", "bob.smith+git@corp.io"),
        ("", ""),
        ("no-at-sign", "no-at-sign"),
    ])
    func keyLowercasesEmail(email: String, key: String) {
        #expect(Identity(name: "Someone", email: email).key == key)
    }

    @Test func keyIgnoresName() {
        let a = Identity(name: "Ada", email: "ADA@example.com")
        let b = Identity(name: "Ada L.", email: "ada@Example.com")
        #expect(a.key == b.key)
        #expect(a != b)
    }

    @Test func descriptionIsGitStyle() {
        #expect(
            Identity(name: "Ada Lovelace", email: "ada@example.com").description == "Ada Lovelace <ada@example.com>")
    }

    @Test func orderingIsByKeyThenName() {
        let a = Identity(name: "Zed", email: "A@x.org")
        let b = Identity(name: "Amy", email: "b@x.org")
        let c = Identity(name: "Amy", email: "c@x.org")
        let c2 = Identity(name: "Bea", email: "C@X.org")
        #expect(a < b)
        #expect(b < c)
        #expect(c < c2)
        #expect([c2, c, b, a].sorted() == [a, b, c, c2])
    }
}

@Suite struct StringInternerTests {
    private func storage(_ s: String) -> UnsafePointer<UInt8>? {
        // The address of the string's own UTF-8 storage (native strings of over 15 bytes have one).
        s.utf8.withContiguousStorageIfAvailable { $0.baseAddress } ?? nil
    }

    @Test func equalLongStringsShareOneCopy() {
        let interner = StringInterner()
        let first = interner.intern(String(repeating: "a", count: 20) + "@example.com")
        let second = interner.intern(String(repeating: "a", count: 20) + "@example.com")
        #expect(first == second)
        #expect(storage(first) == storage(second))
        #expect(interner.count == 1)
        let other = interner.intern(String(repeating: "b", count: 20) + "@example.com")
        #expect(other != first)
        #expect(interner.count == 2)
    }

    @Test func shortStringsAreNotHeld() {
        let interner = StringInterner()
        #expect(interner.intern("ann@example.com") == "ann@example.com")  // 15 bytes: inline
        #expect(interner.count == 0)
    }
}
