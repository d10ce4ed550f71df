import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

private func yardstick(_ arguments: [String], environment: [String: String] = [:]) -> Command.Result {
    guard !environment.isEmpty else { return Command.run(Command.yardstick, arguments) }
    let env = environment.map { "\($0.key)=\($0.value)" }
    return Command.run("/usr/bin/env", env + [Command.yardstick] + arguments)
}

/// A fresh folder for one test's lists, reports, stores and clones.
private func scratch(_ label: String) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
        "yardstick-fleet-\(label)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
    ).path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

private func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

private func jsonFile(_ path: String) throws -> [String: Any] {
    try json(String(contentsOfFile: path, encoding: .utf8))
}

/// Four sample repositories (one cloned from a file:// URL) and a folder that is not a repository.
private func writeList(in dir: String, broken: Bool = true) throws -> String {
    var text = """
        cache: cache
        repositories:
          - path: \(SampleRepositories.path("delivery"))
          - path: \(SampleRepositories.path("github-merge"))
          - path: \(SampleRepositories.path("squash"))
          - url: file://\(SampleRepositories.path("gerrit"))
            name: gerrit-clone

        """
    if broken { text += "  - path: \(SampleRepositories.path("not-a-repo"))\n" }
    let list = dir + "/repos.yml"
    try text.write(toFile: list, atomically: true, encoding: .utf8)
    return list
}

/// One fleet run over the list with a broken repository, shared by the tests that read its reports.
private let shared: (dir: String, list: String, result: Command.Result) = {
    let dir = (try? scratch("shared")) ?? "/nonexistent"
    let list = (try? writeList(in: dir)) ?? ""
    let r = yardstick([
        "fleet", list, "--reports", dir + "/out", "--store", dir + "/store.sqlite", "--summary", dir + "/summary.json",
    ])
    return (dir, list, r)
}()

/// `yardstick fleet` and `yardstick report` (issue 18, docs/fleet.md): a failed repository does not stop the
/// others and sets the exit status; the organisation report equals the sum of its parts for counts and is
/// recomputed for medians.
@Suite struct FleetCommandTests {
    @Test func brokenRepositoryIsReportedAndTheOthersFinish() throws {
        let (dir, _, r) = shared
        #expect(r.status == 4, "\(r.stderr)")
        // One line naming the repository and the error.
        let failures = r.stderr.split(separator: "\n").filter { $0.contains("FAILED") }
        #expect(
            failures == ["fleet: not-a-repo: FAILED: \(SampleRepositories.path("not-a-repo")): not a git repository"])
        #expect(r.stderr.hasSuffix("error: 1 of 5 repositories failed\n"))
        #expect(r.stdout.hasSuffix("4 ok, 1 failed\n"))
        let summary = try jsonFile(dir + "/summary.json")
        #expect(summary["ok"] as? Int == 4 && summary["failed"] as? Int == 1)
        let rows = try #require(summary["repositories"] as? [[String: Any]])
        #expect(
            rows.map { $0["name"] as? String } == ["delivery", "github-merge", "squash", "gerrit-clone", "not-a-repo"])
        #expect(rows.map { $0["status"] as? String } == ["ok", "ok", "ok", "ok", "failed"])
        // Each repository's report, equal to a run of analyze on it; the clone's analysed from the cache.
        let own = yardstick(["analyze", SampleRepositories.path("squash"), "--format", "json"])
        #expect(try String(contentsOfFile: "\(dir)/out/squash.json", encoding: .utf8) == own.stdout)
        #expect(FileManager.default.fileExists(atPath: dir + "/cache/gerrit-clone.git/HEAD"))
        #expect(rows[0]["changes"] as? Int == 32)
        // A second run (of the clone alone) fetches the existing clone instead of cloning again.
        try
            "cache: cache\nrepositories:\n  - url: file://\(SampleRepositories.path("gerrit"))\n    name: gerrit-clone\n"
            .write(toFile: dir + "/clone.yml", atomically: true, encoding: .utf8)
        let again = yardstick(["fleet", dir + "/clone.yml", "--reports", dir + "/again", "--format", "json"])
        #expect(again.status == 0)
        #expect(again.stderr.contains("fleet: gerrit-clone: fetching (pid "))
        #expect(!again.stderr.contains("fleet: gerrit-clone: cloning"))
    }

    @Test func everyRepositoryFailedIsStatus5() throws {
        let dir = try scratch("allfail")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
        repositories:
          - path: \(SampleRepositories.path("not-a-repo"))
          - path: \(SampleRepositories.path("corrupt"))
          - url: file://\(dir)/nothing.git

        """.write(toFile: dir + "/repos.yml", atomically: true, encoding: .utf8)
        let r = yardstick(["fleet", dir + "/repos.yml", "--reports", dir + "/out"])
        #expect(r.status == 5, "\(r.stderr)")
        #expect(r.stderr.contains("fleet: nothing: FAILED: "))
        // A damaged repository (a blob missing): analyze's one line.
        #expect(
            r.stderr.contains(
                "fleet: corrupt: FAILED: \(SampleRepositories.path("corrupt")): commit 522e3e90029459fbe1ce366b36aeca56e6000425: blob 2bdff12c35b30a98df4014519245974d9b429ceb ('src/session.c') is missing from the object store"
            ))
        #expect(r.stdout.hasSuffix("0 ok, 3 failed\n"))
        // A failed clone leaves nothing in the cache.
        #expect((try? FileManager.default.contentsOfDirectory(atPath: dir + "/.yardstick-cache")) == [])
    }

    @Test func organisationReportSumsCountsAndRecomputesMedians() throws {
        let dir = shared.dir
        let org = yardstick(["report", "--reports", dir + "/out", "--format", "json"])
        #expect(org.status == 0, "\(org.stderr)")
        let o = try json(org.stdout)
        #expect(o["kind"] as? String == "organisation" && o["schemaVersion"] as? Int == 1)
        let names = ["delivery", "gerrit-clone", "github-merge", "squash"]
        #expect((o["repositories"] as? [[String: Any]])?.map { $0["name"] as? String } == names)
        let reports = try names.map { try jsonFile("\(dir)/out/\($0).json") }
        let groups = try #require(o["groups"] as? [[String: Any]])
        var checked = 0
        for g in groups {
            let name = try #require(g["name"] as? String)
            let metrics = try #require(g["metrics"] as? [String: [String: Any]])
            guard let changes = metrics["landedChanges"]?["value"] as? Double else { continue }
            // Counts: the sum of the repositories' counts.
            var sum = 0.0
            var sizes: [Double] = []
            for r in reports {
                let rg = (r["groups"] as? [[String: Any]])?.first { $0["name"] as? String == name }
                sum += ((rg?["metrics"] as? [String: [String: Any]])?["landedChanges"]?["value"] as? Double) ?? 0
                for pr in r["pullRequests"] as? [[String: Any]] ?? []
                where (pr["groups"] as? [String])?.contains(name) == true && pr["kind"] as? String != "integration" {
                    sizes.append(Double((pr["countedAdditions"] as? Int ?? 0) + (pr["countedDeletions"] as? Int ?? 0)))
                }
            }
            #expect(changes == sum, "\(name)")
            // Medians: of every change's size, whichever repository it is in.
            sizes.sort()
            let median =
                sizes.count % 2 == 1
                ? sizes[sizes.count / 2] : (sizes[sizes.count / 2 - 1] + sizes[sizes.count / 2]) / 2
            let details = try #require(metrics["prSize"]?["details"] as? [String: Double])
            #expect(details["median"] == (median * 100).rounded() / 100, "\(name)")
            checked += 1
        }
        #expect(checked >= 3)
        // acme.com has 16 + 4 + 7 + 4 changes in delivery, gerrit-clone, github-merge and squash; the median of
        // all 31 sizes is 8, not the mean (29.25) nor the median (18.25) of the medians 6.5, 13.5, 23 and 74.
        let acme = try #require(groups.first { $0["name"] as? String == "acme.com" })
        let acmeMetrics = try #require(acme["metrics"] as? [String: [String: Any]])
        #expect(acmeMetrics["landedChanges"]?["value"] as? Double == 31)
        #expect((acmeMetrics["prSize"]?["details"] as? [String: Double])?["median"] == 8)
        // One repository alone: its groups' metrics exactly as its own report has them.
        let one = try json(
            yardstick(["report", "--reports", dir + "/out", "--repos", "delivery", "--format", "json"]).stdout)
        let own = reports[0]
        let ownGroups = (own["groups"] as? [[String: Any]] ?? []).filter {
            !(($0["metrics"] as? [String: Any]) ?? [:]).isEmpty
        }
        let oneGroups = one["groups"] as? [[String: Any]] ?? []
        #expect(ownGroups.count == oneGroups.count)
        for (a, b) in zip(ownGroups, oneGroups) {
            #expect(
                NSDictionary(dictionary: a["metrics"] as? [String: Any] ?? [:]).isEqual(
                    to: b["metrics"] as? [String: Any] ?? [:]))
        }
    }

    /// The store's newest runs give the same organisation report, byte for byte, as the JSON reports.
    @Test func reportFromTheStoreEqualsReportFromTheFiles() throws {
        for format in ["json", "table", "csv"] {
            let fromStore = yardstick(["report", "--store", shared.dir + "/store.sqlite", "--format", format])
            let fromFiles = yardstick(["report", "--reports", shared.dir + "/out", "--format", format])
            #expect(fromStore.status == 0, "\(fromStore.stderr)")
            #expect(fromStore.stdout == fromFiles.stdout, "\(format)")
        }
        let some = yardstick([
            "report", "--store", shared.dir + "/store.sqlite", "--repos", "squash,delivery", "--format", "json",
        ])
        let names = (try json(some.stdout)["repositories"] as? [[String: Any]])?.map { $0["name"] as? String }
        #expect(names == ["delivery", "squash"])
        let unknown = yardstick(["report", "--store", shared.dir + "/store.sqlite", "--repos", "nope"])
        #expect(unknown.status == 1)
        #expect(
            unknown.stderr == "error: \(shared.dir)/store.sqlite: holds no repository named 'nope' (4 repositories)\n")
    }

    @Test func everyFormatIsDeterministicAndSelectsRepositories() throws {
        let dir = try scratch("formats")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: shared.dir + "/out", toPath: dir + "/out")
        let list = try writeList(in: dir, broken: false)
        for format in ["table", "markdown", "json", "html", "csv", "openmetrics"] {
            let a = yardstick(["report", "--reports", dir + "/out", "--format", format, "--repos", "delivery,squash"])
            let b = yardstick(["report", "--reports", dir + "/out", "--format", format, "--repos-file", list])
            let c = yardstick(["report", "--reports", dir + "/out", "--format", format, "--repos-file", list])
            #expect(a.status == 0 && b.status == 0, "\(format): \(a.stderr) \(b.stderr)")
            #expect(b.stdout == c.stdout, "\(format)")
            #expect(a.stdout != b.stdout)
        }
        let csv = yardstick(["report", "--reports", dir + "/out", "--format", "csv", "--repos", "delivery,squash"])
            .stdout
        #expect(csv.hasPrefix("scope,repository,group,metric,"))
        #expect(csv.contains("\r\norganisation,,acme.com,landedChanges,Landed changes,20,"))
        #expect(csv.contains("\r\nrepository,delivery,acme.com,landedChanges,Landed changes,16,"))
        let om = yardstick(["report", "--reports", dir + "/out", "--format", "openmetrics", "--repos", "delivery"])
            .stdout
        #expect(
            om.contains("yardstick_landed_changes{group=\"acme.com\",scope=\"organisation\",source=\"measured\"} 16\n"))
        #expect(
            om.contains(
                "yardstick_landed_changes{group=\"acme.com\",scope=\"repository\",repository=\"delivery\",source=\"measured\"} 16\n"
            ))
        #expect(om.hasSuffix("# EOF\n"))
        let table = yardstick(["report", "--reports", dir + "/out", "--repos", "delivery,squash", "--width", "100"])
            .stdout
        #expect(table.hasPrefix("Yardstick 0.1.0 — organisation report over 2 repositories\n"))
        #expect(table.contains("Per repository (each repository's own values):"))
        // An unknown name, and a folder with something that is not a report: one line, status 1.
        let unknown = yardstick(["report", "--reports", dir + "/out", "--repos", "delivery,nope"])
        #expect(
            unknown.status == 1 && unknown.stderr == "error: \(dir)/out: no report of repository 'nope' (nope.json)\n")
        try "{}".write(toFile: dir + "/out/bad.json", atomically: true, encoding: .utf8)
        let bad = yardstick(["report", "--reports", dir + "/out"])
        #expect(
            bad.status == 1
                && bad.stderr
                    == "error: \(dir)/out/bad.json: not a Yardstick JSON report (analyze --format json writes one)\n"
        )
    }

    /// A repository name with control characters (a report file so named) reaches no human output raw.
    @Test func hostileRepositoryNamesAreEscaped() throws {
        let dir = try scratch("hostile")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: shared.dir + "/out/squash.json", toPath: dir + "/out/evil\u{1B}[31m|<b>\u{7}.json")
        for format in ["table", "markdown", "html", "csv", "openmetrics"] {
            let r = yardstick(["report", "--reports", dir + "/out", "--format", format])
            #expect(r.status == 0, "\(format): \(r.stderr)")
            #expect(!r.stdout.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{7}" }, "\(format)")
            if format == "html" { #expect(!r.stdout.contains("<b>")) }
        }
        let json = yardstick(["report", "--reports", dir + "/out", "--format", "json"])
        #expect(json.stdout.contains("evil\\u001b[31m|<b>\\u0007"))
    }

    @Test func shardsPartitionTheList() throws {
        let dir = try scratch("shard")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let list = try writeList(in: dir)
        var seen: [String] = []
        for k in 1...3 {
            let r = yardstick(["fleet", list, "--reports", "\(dir)/out\(k)", "--shard", "\(k)/3", "--format", "json"])
            let rows = try json(r.stdout)["repositories"] as? [[String: Any]] ?? []
            seen += rows.compactMap { $0["name"] as? String }
            #expect(try json(r.stdout)["shard"] as? String == "\(k)/3")
        }
        #expect(seen.sorted() == ["delivery", "gerrit-clone", "github-merge", "not-a-repo", "squash"])
        let bad = yardstick(["fleet", list, "--reports", dir + "/o", "--shard", "4/3"])
        #expect(bad.status == 64 && bad.stderr.contains("--shard '4/3' must be K/N"))
    }

    @Test func badListsAreOneLine() throws {
        let dir = try scratch("badlist")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cases: [(String, String)] = [
            (
                "repositories:\n  - path: a\n    url: file:///x\n",
                "repos.yml:2: repositories[0] needs exactly one of path: and url:"
            ),
            (
                "repositories:\n  - path: a\n  - path: b/a\n",
                "repos.yml:3: repositories[1]: the name 'a' is used by repositories[0] too"
            ),
            (
                "repositories:\n  - path: a\n    colour: red\n",
                "repos.yml:3: unknown key 'colour' in repositories[0] (expected one of: branch, config, name, path, url)"
            ),
            ("cache: c\n", "repos.yml: needs repositories: (a list of path: or url: entries)"),
        ]
        for (text, message) in cases {
            try text.write(toFile: dir + "/repos.yml", atomically: true, encoding: .utf8)
            let r = yardstick(["fleet", dir + "/repos.yml", "--reports", dir + "/out"])
            #expect(r.status == 1)
            #expect(r.stderr == "error: \(dir)/\(message)\n", "\(r.stderr)")
        }
        #expect(yardstick(["fleet", dir + "/repos.yml"]).status == 64)
    }

    /// A child killed mid-run is reported killed; its repository's store run is not half-written and the other
    /// repository finishes; a child past --timeout is stopped and reported.
    @Test func killedAndTimedOutChildren() throws {
        let dir = try scratch("kill")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
        repositories:
          - path: \(SampleRepositories.path("squash"))
          - path: \(SampleRepositories.path("github-merge"))

        """.write(toFile: dir + "/repos.yml", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Command.yardstick)
        process.arguments = [
            "fleet", dir + "/repos.yml", "--reports", dir + "/out", "--store", dir + "/s.sqlite", "--format", "json",
        ]
        var env = ProcessInfo.processInfo.environment
        env["YARDSTICK_TEST_STORE_PAUSE"] = "2"
        process.environment = env
        _ = FileManager.default.createFile(atPath: dir + "/err", contents: nil)
        process.standardError = FileHandle(forWritingAtPath: dir + "/err")
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        var pid: Int32?
        for _ in 0..<200 where pid == nil {
            usleep(50_000)
            let text = (try? String(contentsOfFile: dir + "/err", encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("fleet: squash: analysing (pid ") }) {
                pid = Int32(line.dropFirst("fleet: squash: analysing (pid ".count).dropLast())
            }
        }
        let child = try #require(pid)
        usleep(300_000)
        kill(child, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationStatus == 4)
        let err = try String(contentsOfFile: dir + "/err", encoding: .utf8)
        #expect(err.contains("fleet: squash: KILLED: analyze was killed by signal 9\n"), "\(err)")
        #expect(err.contains("fleet: github-merge: ok, "))
        #expect(FileManager.default.fileExists(atPath: dir + "/out/github-merge.json"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/out/squash.json"))
        let integrity = Command.run("/usr/bin/sqlite3", [dir + "/s.sqlite", "PRAGMA integrity_check"]).stdout
        #expect(integrity == "ok\n")
        // The killed run left nothing in the store; the other repository's run is there.
        let stored = yardstick(["report", "--store", dir + "/s.sqlite", "--format", "json"])
        #expect(
            (try json(stored.stdout)["repositories"] as? [[String: Any]])?.map { $0["name"] as? String } == [
                "github-merge"
            ])

        let slow = yardstick(
            [
                "fleet", dir + "/repos.yml", "--reports", dir + "/out2", "--store", dir + "/t.sqlite", "--timeout",
                "1.5", "--jobs", "2",
            ],
            environment: ["YARDSTICK_TEST_STORE_PAUSE": "30"])
        #expect(slow.status == 5)
        #expect(slow.stderr.contains("fleet: squash: TIMEOUT: analyze did not finish before --timeout; stopped\n"))
        #expect(Command.run("/usr/bin/sqlite3", [dir + "/t.sqlite", "SELECT count(*) FROM run"]).stdout == "0\n")
    }

    /// A fleet stopped with SIGTERM (a cancelled job, a stopped pod) stops its children before it exits.
    @Test func stoppedFleetStopsItsChildren() throws {
        let dir = try scratch("stop")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try
            "repositories:\n  - path: \(SampleRepositories.path("squash"))\n  - path: \(SampleRepositories.path("gerrit"))\n"
            .write(toFile: dir + "/repos.yml", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Command.yardstick)
        process.arguments = ["fleet", dir + "/repos.yml", "--reports", dir + "/out"]
        var env = ProcessInfo.processInfo.environment
        env["YARDSTICK_TEST_STORE_PAUSE"] = "30"
        process.arguments! += ["--store", dir + "/s.sqlite"]
        process.environment = env
        _ = FileManager.default.createFile(atPath: dir + "/err", contents: nil)
        process.standardError = FileHandle(forWritingAtPath: dir + "/err")
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        var pids: [Int32] = []
        for _ in 0..<200 where pids.count < 2 {
            usleep(50_000)
            let text = (try? String(contentsOfFile: dir + "/err", encoding: .utf8)) ?? ""
            pids = text.split(separator: "\n").filter { $0.contains(": analysing (pid ") }.compactMap {
                Int32($0.split(separator: "(pid ").last?.dropLast() ?? "")
            }
        }
        #expect(pids.count == 2)
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 128 + SIGTERM)
        // Each child ends (gone, or a zombie waiting for its new parent) well before its 30 s pause would.
        for pid in pids {
            var alive = true
            for _ in 0..<100 where alive {
                let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
                alive = !stat.isEmpty && !stat.contains(") Z ")
                if alive { usleep(50_000) }
            }
            #expect(!alive, "child \(pid) still runs")
        }
    }

    /// Two fleet runs on one store at once: both finish, and the store stays whole.
    @Test func twoFleetsOnOneStore() throws {
        let dir = try scratch("two")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let list = dir + "/repos.yml"
        try
            "repositories:\n  - path: \(SampleRepositories.path("squash"))\n  - path: \(SampleRepositories.path("gerrit"))\n"
            .write(toFile: list, atomically: true, encoding: .utf8)
        // The store made by a first run, then two runs at once.
        #expect(yardstick(["fleet", list, "--reports", dir + "/first", "--store", dir + "/s.sqlite"]).status == 0)
        let results = Mutex<[Command.Result]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let r = yardstick(["fleet", list, "--reports", "\(dir)/out\(i)", "--store", dir + "/s.sqlite"])
            results.withLock { $0.append(r) }
        }
        for r in results.withLock({ $0 }) { #expect(r.status == 0, "\(r.stderr)") }
        #expect(Command.run("/usr/bin/sqlite3", [dir + "/s.sqlite", "PRAGMA integrity_check"]).stdout == "ok\n")
        #expect(
            try String(contentsOfFile: dir + "/out0/squash.json", encoding: .utf8)
                == String(contentsOfFile: dir + "/out1/squash.json", encoding: .utf8))
    }
}
