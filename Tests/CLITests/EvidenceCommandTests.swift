import Foundation
import TestSupport
import Testing

/// `verify` (claims, reports, signatures), `sign`, `keygen` and the privacy options, end to end.
struct EvidenceCommandTests {
    static func yardstick(_ arguments: [String], cwd: String? = SampleRepositories.root, env: [String: String] = [:])
        -> Command.Result
    {
        if env.isEmpty { return Command.run(Command.yardstick, arguments, cwd: cwd) }
        return Command.run(
            "/usr/bin/env",
            env.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + [Command.yardstick] + arguments, cwd: cwd)
    }

    static func temporaryFolder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "yardstick-evidence-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    // MARK: - Reproducibility

    @Test func reportRecordsWindowAndConfigDigest() throws {
        let dir = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = "groups:\n  - name: acme\n    domains: [acme.com]\n"
        try config.write(toFile: dir + "/y.yml", atomically: true, encoding: .utf8)
        let r = Self.yardstick([
            "analyze", SampleRepositories.path("delivery"), "--format", "json", "--window", "quarter", "--config",
            dir + "/y.yml",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        // sha256sum of the three lines above.
        #expect(r.stdout.contains("\"configDigest\" : \"sha256:\(Self.sha256sum(config))\""))
        #expect(r.stdout.contains("\"window\" : \"quarter\""))
        #expect(r.stdout.contains("\"privacy\" : null"))
    }

    static func sha256sum(_ text: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID().uuidString)").path
        try? text.write(toFile: dir, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        return String(Command.run("/usr/bin/sha256sum", [dir]).stdout.prefix(64))
    }

    @Test func verifyReportConfirmsOrListsDifferences() throws {
        let dir = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let made = Self.yardstick([
            "analyze", "delivery", "--format", "json", "--window", "month", "--since", "2024-01-15", "-o",
            dir + "/r.json",
        ])
        #expect(made.status == 0, "\(made.stderr)")
        let ok = Self.yardstick(["verify", "--report", dir + "/r.json"])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.hasPrefix("\(dir)/r.json: every value recomputed identically from delivery at "))
        // Another repository path works too; the recorded path is an echo, not a number.
        let elsewhere = Self.yardstick(
            ["verify", "--report", dir + "/r.json", SampleRepositories.path("delivery")], cwd: dir)
        #expect(elsewhere.status == 0, "\(elsewhere.stdout)\(elsewhere.stderr)")

        let text = try String(contentsOfFile: dir + "/r.json", encoding: .utf8)
        let first = try #require(text.range(of: "\"additions\" : "))
        let line = text[first.upperBound...].prefix { $0 != "," }
        let end = text.index(first.upperBound, offsetBy: line.count)
        let tampered = text.replacingCharacters(in: first.upperBound..<end, with: "99999")
        try tampered.write(toFile: dir + "/t.json", atomically: true, encoding: .utf8)
        let bad = Self.yardstick(["verify", "--report", dir + "/t.json"])
        #expect(bad.status == 2)
        #expect(
            bad.stdout.contains(
                "1 value differs from a fresh analysis of delivery:\n  pullRequests[0].additions: report has 99999, recomputed \(line)\n"
            ), "\(bad.stdout)")

        try "{\"schemaVersion\": 1}".write(toFile: dir + "/x.json", atomically: true, encoding: .utf8)
        let notAReport = Self.yardstick(["verify", "--report", dir + "/x.json"])
        #expect(notAReport.status == 1)
        #expect(notAReport.stderr == "error: \(dir)/x.json: not a Yardstick JSON report: missing 'tool'\n")
    }

    // MARK: - Claims

    @Test func claimsPassFailAndNotProven() throws {
        let dir = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "claims:\n  - 'acme.com: prSize <= 250'\n".write(
            toFile: dir + "/pass.yml", atomically: true, encoding: .utf8)
        let pass = Self.yardstick(["verify", dir + "/pass.yml", "delivery"])
        #expect(pass.status == 0, "\(pass.stderr)")
        #expect(pass.stdout == "PASS        acme.com: prSize <= 250  measured 26.19  n = 16\n1 of 1 claim hold.\n")

        try "claims:\n  - 'vendorco.io: defectEscapeRate <= 3'\n  - 'gmail.com: prSize <= 250'\n".write(
            toFile: dir + "/fail.yml", atomically: true, encoding: .utf8)
        let fail = Self.yardstick(["verify", dir + "/fail.yml", "delivery"])
        #expect(fail.status == 2)
        #expect(
            fail.stdout == """
                FAIL        vendorco.io: defectEscapeRate <= 3  measured 25  n = 12
                NOT PROVEN  gmail.com: prSize <= 250  measured 34.75  n = 4  (too few samples: 4 landed change(s), at least 10 needed)
                0 of 2 claims hold.

                """)

        // Against a saved report: the same verdicts without analysing again.
        _ = Self.yardstick(["analyze", "delivery", "--format", "json", "-o", dir + "/r.json"])
        let saved = Self.yardstick(["verify", dir + "/fail.yml", "--against", dir + "/r.json"])
        #expect(saved.status == 2)
        #expect(saved.stdout == fail.stdout)

        try "claims:\n  - {group: a, metric: prSize, op: '=<', value: 1}\n".write(
            toFile: dir + "/bad.yml", atomically: true, encoding: .utf8)
        let bad = Self.yardstick(["verify", dir + "/bad.yml", "delivery"])
        #expect(bad.status == 1)
        #expect(
            bad.stderr
                == "error: \(dir)/bad.yml: claims[0]: op '=<' is not one of <=, <, >=, >, ==, within, at-least, better-than\n"
        )
        #expect(bad.stdout.isEmpty)

        let usage = Self.yardstick(["verify"])
        #expect(usage.status == 64)
    }

    // MARK: - Signatures

    @Test func signAndVerify() throws {
        let dir = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(Self.yardstick(["keygen", "--private", dir + "/k"]).status == 0)
        #expect(Self.yardstick(["keygen", "--private", dir + "/other"]).status == 0)
        let again = Self.yardstick(["keygen", "--private", dir + "/k"])
        #expect(again.status == 1)
        #expect(again.stderr == "error: \(dir)/k: already exists; keygen does not overwrite a key\n")
        let mode = try FileManager.default.attributesOfItem(atPath: dir + "/k")[.posixPermissions] as? Int
        #expect(mode == 0o600)

        #expect(Self.yardstick(["analyze", "squash", "--format", "markdown", "-o", dir + "/r.md"]).status == 0)
        let signed = Self.yardstick(["sign", dir + "/r.md", "--key", dir + "/k"])
        #expect(signed.status == 0, "\(signed.stderr)")
        let good = Self.yardstick([
            "verify", "--signature", dir + "/r.md.sig", "--public-key", dir + "/k.pub", dir + "/r.md",
        ])
        #expect(good.status == 0)
        #expect(good.stdout == "\(dir)/r.md: good signature (\(dir)/r.md.sig, key \(dir)/k.pub)\n")

        var bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/r.md"))
        bytes[bytes.count / 2] ^= 0x20
        try bytes.write(to: URL(fileURLWithPath: dir + "/changed.md"))
        let changed = Self.yardstick([
            "verify", "--signature", dir + "/r.md.sig", "--public-key", dir + "/k.pub", dir + "/changed.md",
        ])
        #expect(changed.status == 2)
        #expect(
            changed.stderr
                == "error: \(dir)/changed.md: the signature does not match: the report was changed after signing, or signed with another key\n"
        )

        let wrongKey = Self.yardstick([
            "verify", "--signature", dir + "/r.md.sig", "--public-key", dir + "/other.pub", dir + "/r.md",
        ])
        #expect(wrongKey.status == 2)

        try "not a key\n".write(toFile: dir + "/bad.pub", atomically: true, encoding: .utf8)
        let malformed = Self.yardstick([
            "verify", "--signature", dir + "/r.md.sig", "--public-key", dir + "/bad.pub", dir + "/r.md",
        ])
        #expect(malformed.status == 1)
        #expect(
            malformed.stderr
                == "error: \(dir)/bad.pub: not a yardstick ed25519 public key file (its first line must be 'yardstick ed25519 public key')\n"
        )
    }

    // MARK: - Privacy

    /// Every name and e-mail a plain JSON report of the sample holds.
    static func people(sample: String) throws -> [String] {
        let r = Self.yardstick(["analyze", sample, "--format", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        var out = Set<String>()
        func identity(_ s: String) {
            guard let open = s.lastIndex(of: "<") else { return }
            out.insert(s[..<open].trimmingCharacters(in: .whitespaces))
            out.insert(String(s[s.index(after: open)...].dropLast()))
        }
        for g in json["groups"] as? [[String: Any]] ?? [] {
            for a in g["authors"] as? [[String: Any]] ?? [] {
                out.insert(a["name"] as? String ?? "")
                out.insert(a["email"] as? String ?? "")
            }
        }
        for b in json["bots"] as? [[String: Any]] ?? [] {
            out.insert(b["name"] as? String ?? "")
            out.insert(b["email"] as? String ?? "")
        }
        for pr in json["pullRequests"] as? [[String: Any]] ?? [] {
            identity(pr["author"] as? String ?? "")
            for c in pr["coAuthors"] as? [String] ?? [] { identity(c) }
            for c in (pr["delivery"] as? [String: Any])?["reviewers"] as? [String] ?? [] { identity(c) }
        }
        out.remove("")
        return out.sorted()
    }

    @Test(arguments: ["github-merge", "delivery", "gerrit", "squash"])
    func pseudonymizedReportsHoldNoNameOrEmail(sample: String) throws {
        let people = try Self.people(sample: sample)
        #expect(people.count >= 3, "\(people)")
        let env = ["YARDSTICK_PSEUDONYM_KEY": "a test key of at least 16 bytes"]
        for format in ["table", "markdown", "json", "html"] {
            for privacy in [["--pseudonymize"], ["--privacy", "groups"]] {
                let r = Self.yardstick(["analyze", sample, "--format", format] + privacy, env: env)
                #expect(r.status == 0, "\(r.stderr)")
                #expect(r.stdout.count > 1000)
                for person in people {
                    #expect(!r.stdout.contains(person), "\(sample) \(format) \(privacy): \(person)")
                }
            }
        }
        // The same key gives the same bytes; the key is not in the report.
        let a = Self.yardstick(["analyze", sample, "--format", "json", "--pseudonymize"], env: env)
        let b = Self.yardstick(["analyze", sample, "--format", "json", "--pseudonymize", "--workers", "1"], env: env)
        #expect(a.stdout == b.stdout)
        #expect(!a.stdout.contains("a test key"))
        #expect(a.stdout.contains("\"privacy\" : \"pseudonyms\""))
    }

    @Test func pseudonymKeyErrors() throws {
        let noKey = Self.yardstick(["analyze", "squash", "--pseudonymize"], env: ["YARDSTICK_PSEUDONYM_KEY": ""])
        #expect(noKey.status == 1)
        #expect(
            noKey.stderr
                == "error: --pseudonymize needs a key: set YARDSTICK_PSEUDONYM_KEY or give --pseudonym-key-file\n")
        let missing = Self.yardstick(["analyze", "squash", "--pseudonymize", "--pseudonym-key-file", "nope.key"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "error: nope.key: cannot read the pseudonym key file (missing or unreadable)\n")
        let short = Self.yardstick(["analyze", "squash", "--pseudonymize"], env: ["YARDSTICK_PSEUDONYM_KEY": "short"])
        #expect(short.status == 1)
        #expect(
            short.stderr == "error: YARDSTICK_PSEUDONYM_KEY: the pseudonym key must be at least 16 bytes (it has 5)\n")
        let both = Self.yardstick(["analyze", "squash", "--pseudonymize", "--privacy", "groups"])
        #expect(both.status == 64)
    }
}
