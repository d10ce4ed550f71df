import Foundation
import TestSupport
import Testing

private func yardstick(_ arguments: [String], environment: [String: String] = [:]) -> Command.Result {
    guard !environment.isEmpty else { return Command.run(Command.yardstick, arguments) }
    let env = environment.map { "\($0.key)=\($0.value)" }
    return Command.run("/usr/bin/env", env + [Command.yardstick] + arguments)
}

private func git(_ arguments: [String], in dir: String) -> Command.Result {
    Command.run("/usr/bin/git", ["-C", dir] + arguments)
}

/// A fresh folder for one test's stores and clones.
private func scratch(_ label: String) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
        "yardstick-store-\(label)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
    ).path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// A clone of the sample repository `name` at `dir/clone`, for a test that adds commits or rewrites history.
private func cloneSample(_ name: String, into dir: String) -> String {
    let clone = dir + "/clone"
    #expect(Command.run("/usr/bin/git", ["clone", "-q", SampleRepositories.path(name), clone]).status == 0)
    return clone
}

private func sqlite(_ database: String, _ sql: String) -> String {
    Command.run("/usr/bin/sqlite3", [database, sql]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
}

/// `analyze --store` (ADR 0019): the incremental report equals the report of a run without a store, byte for
/// byte; the store survives interrupted runs and refuses what it cannot use with one line.
@Suite struct StoreCommandTests {
    /// An older tip with the store, then the tip: same JSON as without the store, and the second run mined only
    /// the records the first did not hold.
    @Test(arguments: ["github-merge", "delivery", "rebase"])
    func incrementalReportEqualsFromScratch(sample: String) throws {
        let dir = try scratch("incremental")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let repo = SampleRepositories.path(sample)
        let store = dir + "/s.sqlite"
        let fresh = yardstick(["analyze", repo, "--format", "json"])
        #expect(fresh.status == 0, "\(fresh.stderr)")
        let count = Int(git(["rev-list", "--first-parent", "--count", "HEAD"], in: repo).stdout.trimmed) ?? 0
        let back = min(4, count - 1)
        let old = yardstick(["analyze", repo, "--branch", "HEAD~\(back)", "--format", "json", "--store", store])
        #expect(old.status == 0, "\(old.stderr)")
        let oldFresh = yardstick(["analyze", repo, "--branch", "HEAD~\(back)", "--format", "json"])
        #expect(old.stdout == oldFresh.stdout)
        let incremental = yardstick(
            ["analyze", repo, "--format", "json", "--store", store], environment: ["YARDSTICK_TIMINGS": "1"])
        #expect(incremental.status == 0, "\(incremental.stderr)")
        #expect(incremental.stdout == fresh.stdout)
        // The links and merges of the older tip came from the store: only the new commits were read, only the new
        // first-parent merges painted.
        let steps = timings(incremental.stderr)
        #expect(steps.read == Int(git(["rev-list", "--count", "HEAD~\(back)..HEAD"], in: repo).stdout.trimmed))
        #expect(steps.walked == Int(git(["rev-list", "--count", "HEAD"], in: repo).stdout.trimmed))
        #expect(
            steps.painted
                == Int(
                    git(["rev-list", "--first-parent", "--merges", "--count", "HEAD~\(back)..HEAD"], in: repo).stdout
                        .trimmed))
        let counts = sqlite(store, "SELECT recordsMined, recordsReused FROM run ORDER BY id").split(separator: "\n")
        #expect(counts.count == 2)
        // The second run reused every record of the first, and mined at least the `back` new first-parent ones.
        let first = counts[0].split(separator: "|").compactMap { Int($0) }
        let second = counts[1].split(separator: "|").compactMap { Int($0) }
        #expect(first.count == 2 && first[1] == 0)
        #expect(second.count == 2 && second[1] == first[0] && second[0] >= back)
        // Nothing new: the stored report, in every format equal to a run without the store.
        for format in sample == "github-merge" ? ["json", "table", "markdown"] : ["json"] {
            let again = yardstick(["analyze", repo, "--format", format, "--store", store])
            let plain = yardstick(["analyze", repo, "--format", format])
            #expect(again.status == 0, "\(again.stderr)")
            #expect(again.stdout == plain.stdout, "format \(format)")
        }
        #expect(sqlite(store, "SELECT count(*) FROM run") == (sample == "github-merge" ? "5" : "3"))
        #expect(sqlite(store, "SELECT count(*) FROM run WHERE report IS NOT NULL") == "1")
        #expect(sqlite(store, "PRAGMA integrity_check") == "ok")
    }

    /// A rewritten branch (the last commits replaced, as a force-push does): the records of the commits that
    /// stay are reused, the new ones mined, those no longer reachable dropped, and the report equals a run
    /// without the store.
    @Test func rewrittenHistoryIsDetected() throws {
        let dir = try scratch("rewrite")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let clone = cloneSample("delivery", into: dir)
        let store = dir + "/s.sqlite"
        #expect(yardstick(["analyze", clone, "--format", "json", "--store", store]).status == 0)
        let before = Int(sqlite(store, "SELECT sum(records) FROM chunk")) ?? 0
        #expect(git(["reset", "-q", "--hard", "HEAD~2"], in: clone).status == 0)
        try "rewritten\n".write(toFile: clone + "/REWRITTEN.md", atomically: true, encoding: .utf8)
        #expect(git(["add", "REWRITTEN.md"], in: clone).status == 0)
        let commit = Command.run(
            "/usr/bin/env",
            [
                "GIT_AUTHOR_NAME=Re Writer", "GIT_AUTHOR_EMAIL=re@acme.com", "GIT_COMMITTER_NAME=Re Writer",
                "GIT_COMMITTER_EMAIL=re@acme.com", "GIT_AUTHOR_DATE=2030-01-01T00:00:00Z",
                "GIT_COMMITTER_DATE=2030-01-01T00:00:00Z", "/usr/bin/git", "-C", clone, "commit", "-q", "-m",
                "Rewrite the tip",
            ])
        #expect(commit.status == 0, "\(commit.stderr)")
        let incremental = yardstick(
            ["analyze", clone, "--format", "json", "--store", store], environment: ["YARDSTICK_TIMINGS": "1"])
        let fresh = yardstick(["analyze", clone, "--format", "json"])
        #expect(incremental.status == 0, "\(incremental.stderr)")
        #expect(incremental.stdout == fresh.stdout)
        // Only the new commit was read; a run after it (another window) reads none.
        let steps = timings(incremental.stderr)
        #expect(steps.read == 1 && steps.walked == Int(git(["rev-list", "--count", "HEAD"], in: clone).stdout.trimmed))
        let last = sqlite(store, "SELECT recordsMined, recordsReused FROM run ORDER BY id DESC LIMIT 1")
            .split(separator: "|").compactMap { Int($0) }
        #expect(last.count == 2 && last[0] >= 1 && last[1] < before)
        // The stored set is this run's records: the two dropped commits' records are gone.
        #expect(Int(sqlite(store, "SELECT sum(records) FROM chunk")) == last[0] + last[1])
        let again = yardstick(
            ["analyze", clone, "--format", "json", "--store", store, "--since", "2000-01-01"],
            environment: ["YARDSTICK_TIMINGS": "1"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout == yardstick(["analyze", clone, "--format", "json", "--since", "2000-01-01"]).stdout)
        #expect(timings(again.stderr).read == 0 && timings(again.stderr).walked == steps.walked)
    }

    /// A configuration change keeps the records (they depend on git only) and recomputes the metrics.
    @Test func configurationChangeRecomputesMetricsOnly() throws {
        let dir = try scratch("config")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let repo = SampleRepositories.path("github-merge")
        let store = dir + "/s.sqlite"
        let config = dir + "/yardstick.yml"
        try "version: 1\ngroups:\n  - name: Vendor\n    domains: [vendorco.io]\n".write(
            toFile: config, atomically: true, encoding: .utf8)
        #expect(yardstick(["analyze", repo, "--format", "json", "--store", store]).status == 0)
        let configured = yardstick(["analyze", repo, "--format", "json", "--store", store, "--config", config])
        #expect(configured.status == 0, "\(configured.stderr)")
        #expect(configured.stdout == yardstick(["analyze", repo, "--format", "json", "--config", config]).stdout)
        #expect(sqlite(store, "SELECT recordsMined FROM run ORDER BY id DESC LIMIT 1") == "0")
        #expect(configured.stdout.contains("\"Vendor\""))
    }

    /// The links, painted merges, fix diffs and fix-detection answers a run keeps are read by the next instead of
    /// computed (ADR 0019): a run with another configuration (the same rules) reads no commit, paints no merge,
    /// diffs no fix and detects no change, and writes the bytes of a run without the store; with the kept state
    /// damaged, everything is computed again, with the same bytes.
    @Test func storedLinksAndFixDiffsAreReadAgain() throws {
        let dir = try scratch("links")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let repo = SampleRepositories.path("delivery")
        let store = dir + "/s.sqlite"
        let env = ["YARDSTICK_TIMINGS": "1"]
        let first = yardstick(["analyze", repo, "--format", "json", "--store", store], environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        let all = Int(git(["rev-list", "--count", "HEAD"], in: repo).stdout.trimmed)
        let merges = Int(git(["rev-list", "--first-parent", "--merges", "--count", "HEAD"], in: repo).stdout.trimmed)
        let steps = timings(first.stderr)
        #expect(steps.walked == all && steps.read == all && steps.painted == merges)
        #expect(steps.fixDiffs > 0)
        // A new store: every landed change is detected.
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        let changes = try #require(report["pullRequests"] as? [Any]).count
        #expect(changes > 0 && detected(first.stderr) == changes)
        #expect(sqlite(store, "SELECT count(*) FROM state WHERE name LIKE 'links:%' OR name LIKE 'fixDiffs:%'") == "2")
        #expect(sqlite(store, "SELECT count(*) FROM state WHERE name LIKE 'fixDetection:%'") == "1")

        for (n, config) in ["version: 1\n", "version: 1\ngroups:\n  - name: Vendor\n    domains: [vendorco.io]\n"]
            .enumerated()
        {
            let path = dir + "/yardstick\(n).yml"
            try config.write(toFile: path, atomically: true, encoding: .utf8)
            if n == 1 {
                // Damaged state is not used: the next run computes everything again, and keeps it anew (links, fix
                // diffs, the trace of the branch fix commit of the fix-titled merge of #29, ADR 0025's second
                // addendum, and the fix-detection answers).
                #expect(
                    sqlite(store, "UPDATE state SET data = X'00' WHERE name NOT LIKE 'packChecks%'; SELECT changes()")
                        == "4")
            }
            let run = yardstick(
                ["analyze", repo, "--format", "json", "--store", store, "--config", path], environment: env)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout == yardstick(["analyze", repo, "--format", "json", "--config", path]).stdout)
            let again = timings(run.stderr)
            #expect(again.walked == all)
            #expect(again.read == (n == 0 ? 0 : all) && again.painted == (n == 0 ? 0 : merges), "config \(n)")
            #expect(again.fixDiffs == (n == 0 ? 0 : steps.fixDiffs), "config \(n)")
            #expect(detected(run.stderr) == (n == 0 ? 0 : changes), "config \(n)")
        }
        #expect(sqlite(store, "SELECT min(length(data)) > 1 FROM state WHERE name NOT LIKE 'packChecks%'") == "1")
    }

    /// The group diffs a run keeps (ADR 0019 section 12: one diff per multi-commit rebase or applied group) are
    /// taken by the next run instead of diffed; with the kept state damaged, every group is diffed again. Each
    /// report is the bytes of a run without the store.
    @Test(arguments: ["rebase", "applied"])
    func storedGroupDiffsAreTakenAgain(sample: String) throws {
        let dir = try scratch("groups-" + sample)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let repo = SampleRepositories.path(sample)
        let store = dir + "/s.sqlite"
        func groups(_ stderr: String) -> [Int] {
            let prefix = "timing: classification ("
            guard let line = stderr.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else { return [] }
            return line.dropFirst(prefix.count).split(whereSeparator: { !$0.isNumber }).prefix(3).compactMap { Int($0) }
        }
        for (n, config) in ["version: 1\n", "version: 1\nminimumSample: 3\n", "version: 1\nminimumSample: 4\n"]
            .enumerated()
        {
            let path = dir + "/yardstick\(n).yml"
            try config.write(toFile: path, atomically: true, encoding: .utf8)
            if n == 2 {
                #expect(
                    sqlite(store, "UPDATE state SET data = X'00' WHERE name LIKE 'groupDiffs:%'; SELECT changes()")
                        == "1")
            }
            let run = yardstick(
                ["analyze", repo, "--format", "json", "--store", store, "--config", path],
                environment: ["YARDSTICK_TIMINGS": "1"])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout == yardstick(["analyze", repo, "--format", "json", "--config", path]).stdout)
            // Changes, group diffs, diffs computed: the two samples have two multi-commit groups each.
            let counts = groups(run.stderr)
            #expect(counts.count == 3 && counts[1] == 2, "run \(n): \(counts)")
            #expect(counts.last == (n == 1 ? 0 : 2), "run \(n): \(counts)")
        }
        #expect(sqlite(store, "SELECT length(data) > 1 FROM state WHERE name LIKE 'groupDiffs:%'") == "1")
    }

    /// The branch-fix traces a run keeps (ADR 0019 section 10) are taken by the next: after a new commit, after the
    /// merge that brought the fixes in is made again (a rewritten first-parent line, the same branch commits); not
    /// when the merge their walks end at is made again too, nor with another configuration (another add-only
    /// context); each report is the bytes of a run without the store.
    @Test func storedBranchFixTracesAreTakenAgain() throws {
        let dir = try scratch("traces")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let clone = cloneSample("branchfix", into: dir)
        let store = dir + "/s.sqlite"
        let env = ["YARDSTICK_TIMINGS": "1"]
        func traces(_ stderr: String) -> [Int] {
            let prefix = "timing: store: links, fix diffs and branch-fix traces ("
            guard let line = stderr.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else { return [] }
            return line.dropFirst(prefix.count).split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
        }
        func commit(_ arguments: [String], date: String) -> Command.Result {
            Command.run(
                "/usr/bin/env",
                [
                    "GIT_AUTHOR_NAME=Alice", "GIT_AUTHOR_EMAIL=alice@acme.com", "GIT_COMMITTER_NAME=Alice",
                    "GIT_COMMITTER_EMAIL=alice@acme.com", "GIT_AUTHOR_DATE=\(date)", "GIT_COMMITTER_DATE=\(date)",
                    "/usr/bin/git", "-C", clone,
                ] + arguments)
        }
        func check(_ label: String, _ extra: [String] = [], expect counts: [Int]) {
            let run = yardstick(["analyze", clone, "--format", "json", "--store", store] + extra, environment: env)
            #expect(run.status == 0, "\(label): \(run.stderr)")
            #expect(run.stdout == yardstick(["analyze", clone, "--format", "json"] + extra).stdout, "\(label)")
            #expect(traces(run.stderr) == counts, "\(label)")
        }
        check("first run", expect: [0, 4])
        #expect(sqlite(store, "SELECT count(*) FROM state WHERE name LIKE 'branchFixTraces:%'") == "1")

        try "notes\n".write(toFile: clone + "/NOTES.md", atomically: true, encoding: .utf8)
        #expect(git(["add", "NOTES.md"], in: clone).status == 0)
        #expect(commit(["commit", "-q", "-m", "Add notes"], date: "2024-06-11T09:00:00Z").status == 0)
        check("a new commit", expect: [4, 0])

        // The merge of topic/eviction and the commit after it made again: a new merge commit, the same fixes.
        let branch = git(["rev-parse", "HEAD~1^2"], in: clone).stdout.trimmed
        #expect(git(["reset", "-q", "--hard", "HEAD~2"], in: clone).status == 0)
        let merge = commit(
            ["merge", "-q", "--no-ff", "-m", "Merge branch 'topic/eviction'", branch], date: "2024-06-12T09:00:00Z")
        #expect(merge.status == 0, "\(merge.stderr)")
        check("a rewritten merge", expect: [4, 0])

        // Both merges made again: the walk of every fix ends in topic/stats, landed by a new merge commit, so each
        // fix has a new target and is traced again.
        let (stats, eviction) = (
            git(["rev-parse", "HEAD~1^2"], in: clone).stdout.trimmed,
            git(["rev-parse", "HEAD^2"], in: clone).stdout.trimmed
        )
        #expect(git(["reset", "-q", "--hard", "HEAD~2"], in: clone).status == 0)
        for (name, tip) in [("topic/stats", stats), ("topic/eviction", eviction)] {
            let made = commit(
                ["merge", "-q", "--no-ff", "-m", "Merge branch '\(name)'", tip], date: "2024-06-13T09:00:00Z")
            #expect(made.status == 0, "\(made.stderr)")
        }
        check("both merges made again", expect: [0, 4])

        let config = dir + "/yardstick.yml"
        try "version: 1\ndelivery:\n  addOnlyFixContext: 2\n".write(toFile: config, atomically: true, encoding: .utf8)
        check("another add-only context", ["--config", config], expect: [0, 4])
        check("the same again", ["--config", config, "--since", "2000-01-01"], expect: [4, 0])
    }

    /// The counts in a run's step timings (`YARDSTICK_TIMINGS=1`): commits walked and read, merges painted, fixes
    /// diffed; -1 for a step not found.
    /// The changes whose fixes a run detected rather than took from the store (`… fix detection (N detected) saved`).
    private func detected(_ stderr: String) -> Int {
        guard let line = stderr.split(separator: "\n").first(where: { $0.contains("detected) saved") }),
            let open = line.range(of: "fix detection (")
        else { return -1 }
        return Int(line[open.upperBound...].prefix { $0.isNumber }) ?? -1
    }

    private func timings(_ stderr: String) -> (walked: Int, read: Int, painted: Int, fixDiffs: Int) {
        func numbers(_ prefix: String) -> [Int] {
            guard let line = stderr.split(separator: "\n").first(where: { $0.hasPrefix("timing: " + prefix) }) else {
                return []
            }
            return line.dropFirst(8 + prefix.count).split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        }
        let links = numbers("links (")
        let painted = numbers("merge bases and branches (")
        let fixes = numbers("fix diffs (")
        return (
            links.count > 1 ? links[0] : -1, links.count > 1 ? links[1] : -1, painted.first ?? -1, fixes.first ?? -1
        )
    }

    /// `yardstick history`: one column (table), value (JSON) or row (CSV) per stored run.
    /// A reused report rendered as CSV or OpenMetrics (from the run's metrics, without its pull requests) is the
    /// text of a run without the store.
    @Test(arguments: ["csv", "openmetrics"]) func machineFormatsOfAReusedReport(format: String) throws {
        let dir = try scratch("machine")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let repo = SampleRepositories.path("delivery")
        let store = dir + "/s.sqlite"
        let fresh = yardstick(["analyze", repo, "--format", format])
        #expect(fresh.status == 0, "\(fresh.stderr)")
        let first = yardstick(["analyze", repo, "--format", format, "--store", store])
        #expect(first.status == 0, "\(first.stderr)")
        let reused = yardstick(
            ["analyze", repo, "--format", format, "--store", store], environment: ["YARDSTICK_TIMINGS": "1"])
        #expect(reused.status == 0, "\(reused.stderr)")
        #expect(reused.stderr.contains("store: report reused"))
        #expect(first.stdout == fresh.stdout)
        #expect(reused.stdout == fresh.stdout)
        #expect(!fresh.stdout.isEmpty)
    }

    @Test func historyListsEveryRun() throws {
        let dir = try scratch("history")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let repo = SampleRepositories.path("github-merge")
        let store = dir + "/s.sqlite"
        #expect(yardstick(["analyze", repo, "--branch", "HEAD~3", "--store", store, "-o", dir + "/a"]).status == 0)
        #expect(yardstick(["analyze", repo, "--store", store, "-o", dir + "/b"]).status == 0)
        let json = yardstick(["history", "--store", store, "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let runs = try #require(object["runs"] as? [[String: Any]])
        #expect(runs.map { $0["branch"] as? String } == ["HEAD~3", "main"])
        let groups = try #require(object["groups"] as? [[String: Any]])
        let vendor = try #require(groups.first { $0["name"] as? String == "vendorco.io" })
        let prSize = try #require((vendor["metrics"] as? [String: Any])?["prSize"] as? [String: Any])
        let values = try #require(prSize["values"] as? [Any])
        #expect(values.count == 2)
        // The newest run's value is the report's: 111.25 (CLITests.jsonReportOnTheMergeSample).
        #expect(values.last as? Double == 111.25)
        let csv = yardstick(["history", "--store", store, "--format", "csv"])
        #expect(csv.status == 0)
        let lines = csv.stdout.split(separator: "\r\n")
        #expect(lines.first == "run,time,head,branch,group,metric,value,unit,source")
        #expect(lines.contains { $0.hasPrefix("2,") && $0.contains(",main,vendorco.io,prSize,111.25,") })
        let table = yardstick(["history", "--store", store])
        #expect(table.status == 0)
        #expect(table.stdout.contains("Group vendorco.io"))
        #expect(table.stdout.contains("#1") && table.stdout.contains("#2"))
        let missing = yardstick(["history", "--store", dir + "/none.sqlite"])
        #expect(missing.status == 1)
        #expect(
            missing.stderr
                == "error: \(dir)/none.sqlite: no store here (analyze --store \(dir)/none.sqlite makes one)\n")
    }

    /// Two repositories in one store (ADR 0023): each keeps its own runs and records under its key, `history`
    /// asks which one when the store holds several, and `--repository-name` names one.
    @Test func oneStoreHoldsManyRepositories() throws {
        let dir = try scratch("repositories")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = dir + "/s.sqlite"
        let merge = SampleRepositories.path("github-merge")
        let delivery = SampleRepositories.path("delivery")
        for (repo, name) in [(merge, ["--repository-name", "acme/merge"]), (delivery, [])] {
            let first = yardstick(["analyze", repo, "--format", "json", "--store", store] + name)
            let plain = yardstick(["analyze", repo, "--format", "json"])
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout == plain.stdout)
        }
        let realDelivery = URL(fileURLWithPath: delivery).resolvingSymlinksInPath().path
        #expect(sqlite(store, "SELECT key FROM repository ORDER BY key") == "\(realDelivery)\nacme/merge")
        #expect(sqlite(store, "SELECT count(DISTINCT repository) FROM chunk") == "2")
        let ambiguous = yardstick(["history", dir, "--store", store])
        #expect(ambiguous.status == 1)
        #expect(
            ambiguous.stderr
                == "error: \(store): holds 2 repositories; name one with --repository-name or give its path\n")
        let named = yardstick(["history", "--store", store, "--repository-name", "acme/merge", "--format", "csv"])
        #expect(named.status == 0, "\(named.stderr)")
        #expect(named.stdout.contains(",main,vendorco.io,prSize,111.25,"))
        let byPath = yardstick(["history", delivery, "--store", store, "--format", "json"])
        #expect(byPath.status == 0, "\(byPath.stderr)")
        let runs = try #require(
            (try JSONSerialization.jsonObject(with: Data(byPath.stdout.utf8)) as? [String: Any])?["runs"] as? [Any])
        #expect(runs.count == 1)
        let unknown = yardstick(["history", "--store", store, "--repository-name", "acme/none"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "error: \(store): holds no repository named 'acme/none' (2 repositories)\n")
    }

    /// SIGKILL, SIGTERM or SIGINT inside the save transaction: the store is as before the run, and the next run
    /// completes it.
    @Test(arguments: [SIGKILL, SIGTERM, SIGINT]) func killedRunLeavesTheStoreConsistent(signal: Int32) throws {
        let dir = try scratch("kill")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let repo = SampleRepositories.path("delivery")
        let store = dir + "/s.sqlite"
        #expect(yardstick(["analyze", repo, "--branch", "HEAD~3", "--store", store, "-o", dir + "/a"]).status == 0)
        // Wait until the run is inside its transaction (its rows written, not committed), then kill it.
        var env = ProcessInfo.processInfo.environment
        env["YARDSTICK_TEST_STORE_PAUSE"] = "30"
        let (process, _, reachedPause) = try Command.pausedStoreRun(
            ["analyze", repo, "--store", store, "-o", dir + "/b"], environment: env)
        #expect(reachedPause)
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        #expect(
            (process.terminationReason == .uncaughtSignal && process.terminationStatus == signal)
                || (process.terminationReason == .exit && process.terminationStatus == 128 + signal))
        #expect(!FileManager.default.fileExists(atPath: dir + "/b"))
        #expect(sqlite(store, "PRAGMA integrity_check") == "ok")
        #expect(sqlite(store, "SELECT count(*) FROM run") == "1")
        let next = yardstick(["analyze", repo, "--format", "json", "--store", store])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stdout == yardstick(["analyze", repo, "--format", "json"]).stdout)
        #expect(sqlite(store, "SELECT count(*) FROM run") == "2")
    }

    /// A second run while the first holds the store waits for it, up to the busy timeout, then refuses.
    @Test func concurrentRunWaitsThenRefuses() throws {
        let dir = try scratch("busy")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let repo = SampleRepositories.path("github-merge")
        let store = dir + "/s.sqlite"
        #expect(yardstick(["analyze", repo, "--branch", "HEAD~2", "--store", store, "-o", dir + "/a"]).status == 0)
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        holder.arguments = [store]
        let input = Pipe()
        holder.standardInput = input
        holder.standardOutput = FileHandle.nullDevice
        try holder.run()
        input.fileHandleForWriting.write(Data("BEGIN IMMEDIATE;\nSELECT 1;\n".utf8))
        Thread.sleep(forTimeInterval: 0.5)
        let refused = yardstick(
            ["analyze", repo, "--store", store, "-o", dir + "/b"], environment: ["YARDSTICK_STORE_BUSY_TIMEOUT": "1"])
        #expect(refused.status == 1)
        #expect(
            refused.stderr
                == "error: \(store): is in use by another run (waited 1 s); nothing from this run was stored, try again when it ends\n"
        )
        #expect(!FileManager.default.fileExists(atPath: dir + "/b"))
        input.fileHandleForWriting.write(Data("ROLLBACK;\n.quit\n".utf8))
        try input.fileHandleForWriting.close()
        holder.waitUntilExit()
        // Two runs at once: both finish, both are stored.
        let a = Process()
        a.executableURL = URL(fileURLWithPath: Command.yardstick)
        a.arguments = ["analyze", repo, "--store", store, "-o", dir + "/c"]
        a.standardError = FileHandle.nullDevice
        try a.run()
        let b = yardstick(["analyze", repo, "--store", store, "--branch", "HEAD~1", "-o", dir + "/d"])
        a.waitUntilExit()
        #expect(a.terminationStatus == 0 && b.status == 0, "\(b.stderr)")
        #expect(sqlite(store, "SELECT count(*) FROM run") == "3")
        #expect(sqlite(store, "PRAGMA integrity_check") == "ok")
    }

    /// Runs that open one new store at once (nightly jobs started by one timer) all finish and all are stored:
    /// the one that loses the race to apply a schema migration starts again from what the other applied (it
    /// failed with `table "info" already exists` or `no such table: grdb_migrations` in about one run of four).
    /// The race is made likely, not certain: four processes started together, on each of three new stores.
    @Test func runsOpeningANewStoreAtOnceAllFinish() throws {
        let dir = try scratch("race")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let repo = SampleRepositories.path("rebase")
        for round in 0..<3 {
            let store = dir + "/s\(round).sqlite"
            let runs = (0..<4).map { k -> Process in
                let p = Process()
                p.executableURL = URL(fileURLWithPath: Command.yardstick)
                p.arguments = ["analyze", repo, "--store", store, "-o", dir + "/r\(round)-\(k).json"]
                _ = FileManager.default.createFile(atPath: dir + "/e\(round)-\(k)", contents: nil)
                p.standardError = FileHandle(forWritingAtPath: dir + "/e\(round)-\(k)")
                return p
            }
            for p in runs { try p.run() }
            for p in runs { p.waitUntilExit() }
            let errors = try (0..<4).map { try String(contentsOfFile: dir + "/e\(round)-\($0)", encoding: .utf8) }
            #expect(runs.map(\.terminationStatus) == [0, 0, 0, 0], "round \(round): \(errors)")
            #expect(sqlite(store, "SELECT count(*) FROM run") == "4")
            #expect(sqlite(store, "PRAGMA integrity_check") == "ok")
        }
    }

    /// A file that is not a store: one line naming it and the way out; `--rebuild-store` starts anew.
    @Test func corruptForeignAndTruncatedStores() throws {
        let dir = try scratch("corrupt")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let repo = SampleRepositories.path("github-merge")
        let garbage = dir + "/garbage.sqlite"
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: garbage))
        let g = yardstick(["analyze", repo, "--store", garbage])
        #expect(g.status == 1)
        #expect(g.stderr.hasPrefix("error: \(garbage): is not a Yardstick store or is damaged ("))
        #expect(g.stderr.hasSuffix("); delete the file or use --rebuild-store to start a new one\n"))
        #expect(g.stderr.split(separator: "\n").count == 1)

        let foreign = dir + "/foreign.sqlite"
        _ = sqlite(foreign, "CREATE TABLE t(x); INSERT INTO t VALUES (1);")
        let f = yardstick(["analyze", repo, "--store", foreign])
        #expect(f.status == 1)
        #expect(
            f.stderr
                == "error: \(foreign): is not a Yardstick store (another SQLite database); name another file, or delete it or use --rebuild-store to replace it\n"
        )
        #expect(sqlite(foreign, "SELECT x FROM t") == "1")

        let truncated = dir + "/truncated.sqlite"
        #expect(yardstick(["analyze", repo, "--store", truncated, "-o", dir + "/a"]).status == 0)
        _ = sqlite(truncated, "PRAGMA wal_checkpoint(TRUNCATE);")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: truncated)[.size] as? Int)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: truncated))
        try handle.truncate(atOffset: UInt64(size / 2))
        try handle.close()
        let t = yardstick(["analyze", repo, "--store", truncated, "--branch", "HEAD~1"])
        #expect(t.status == 1)
        #expect(t.stderr.hasPrefix("error: \(truncated): "))
        #expect(t.stderr.contains("--rebuild-store"))
        let rebuilt = yardstick(["analyze", repo, "--store", truncated, "--rebuild-store", "--format", "json"])
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        #expect(rebuilt.stdout == yardstick(["analyze", repo, "--format", "json"]).stdout)
        #expect(sqlite(truncated, "PRAGMA integrity_check") == "ok")
        let usage = yardstick(["analyze", repo, "--rebuild-store"])
        #expect(usage.status == 64)
        #expect(usage.stderr == "error: --rebuild-store needs --store; see 'yardstick analyze --help'\n")
    }

    /// A full disk (a 1 MiB tmpfs, as root) or a read-only store: one line, exit 1, no report, and the store as
    /// it was.
    @Test func fullDiskAndReadOnlyStore() throws {
        guard getuid() == 0 else {
            print("skipped: mounting a small tmpfs needs root")
            return
        }
        let dir = try scratch("full")
        defer {
            _ = Command.run("/bin/umount", [dir + "/mnt"])
            try? FileManager.default.removeItem(atPath: dir)
        }
        let mount = dir + "/mnt"
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
        let mounted = Command.run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mount])
        guard mounted.status == 0 else {
            print("skipped: cannot mount a tmpfs here (\(mounted.stderr))")
            return
        }
        let repo = SampleRepositories.path("delivery")
        let store = mount + "/s.sqlite"
        #expect(yardstick(["analyze", repo, "--branch", "HEAD~8", "--store", store, "-o", dir + "/a"]).status == 0)
        // Fill what is left of the tmpfs.
        _ = Command.run("/bin/dd", ["if=/dev/zero", "of=\(mount)/fill", "bs=4096"])
        let full = yardstick(["analyze", repo, "--store", store, "-o", dir + "/b"])
        #expect(full.status == 1)
        #expect(full.stderr.hasPrefix("error: \(store): "))
        #expect(full.stderr.hasSuffix("nothing from this run was stored\n"), "\(full.stderr)")
        #expect(full.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: dir + "/b"))
        try FileManager.default.removeItem(atPath: mount + "/fill")
        #expect(sqlite(store, "PRAGMA integrity_check") == "ok")
        #expect(sqlite(store, "SELECT count(*) FROM run") == "1")

        // Read-only: the tmpfs remounted read-only.
        #expect(Command.run("/bin/mount", ["-o", "remount,ro", mount]).status == 0)
        let readOnly = yardstick(["analyze", repo, "--store", store, "-o", dir + "/c"])
        #expect(readOnly.status == 1)
        #expect(readOnly.stderr.hasPrefix("error: \(store): "))
        #expect(readOnly.stderr.hasSuffix("nothing from this run was stored\n"), "\(readOnly.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/c"))
    }
}

extension String {
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
