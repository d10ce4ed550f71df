internal import Foundation
public import HistoryModel
internal import SwiftCSV

/// How a build ended. Only `success` and `failure` enter the success rate; the others are counted apart.
public enum BuildOutcome: String, Sendable, CaseIterable, Comparable {
    case success, failure, cancelled, skipped
    /// Not finished when exported (queued, running, …).
    case pending
    /// Finished with a result that is neither (GitHub `neutral`, `action_required`, `stale`, GitLab `manual`, …).
    case other

    public static func < (a: BuildOutcome, b: BuildOutcome) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One CI run of one commit (or pull request), from any source.
public struct BuildRecord: Sendable, Hashable {
    /// Identifies the run across files: the same run exported twice is counted once.
    public var key: String
    public var commit: ObjectID?
    public var pullRequest: Int?
    /// The workflow, pipeline or job name ("" when the source has none): re-runs are attempts of one
    /// pipeline on one commit.
    public var pipeline: String
    /// 1 for a first attempt; nil when the source has no attempt counter.
    public var attempt: Int?
    public var outcome: BuildOutcome
    /// When the run was created or scheduled, in milliseconds since the epoch; orders attempts without a counter.
    public var startedAt: Int64?
    /// For a GitHub run of a `pull_request…` event, the pull request's head branch (`headBranch`,
    /// `head_branch`): a run of a commit the history no longer holds can join its PR by branch and time.
    public var pullRequestBranch: String?

    public init(
        key: String, commit: ObjectID?, pullRequest: Int? = nil, pipeline: String = "", attempt: Int? = nil,
        outcome: BuildOutcome, startedAt: Int64? = nil, pullRequestBranch: String? = nil
    ) {
        self.key = key
        self.commit = commit
        self.pullRequest = pullRequest
        self.pipeline = pipeline
        self.attempt = attempt
        self.outcome = outcome
        self.startedAt = startedAt
        self.pullRequestBranch = pullRequestBranch
    }
}

/// The build export formats, recognised from a file's content (`BuildImport.read`); `--builds-format` forces one.
public enum BuildFormat: String, Sendable, CaseIterable {
    /// `gh run list --json …`: an array of runs with `headSha`.
    case githubRuns = "github-runs"
    /// REST `GET /repos/{o}/{r}/actions/runs` pages: `{"workflow_runs": [...]}`.
    case githubRest = "github-rest"
    /// GitLab `GET /projects/:id/pipelines`: an array with `sha` and `status`.
    case gitlab
    /// Jenkins `/api/json` with `builds[…]` (or `allBuilds`).
    case jenkins
    /// `sha,status,started_at,finished_at[,pipeline]`.
    case csv
}

public enum BuildImport {
    /// Reads one build export. Format from content unless `format` is given. JSON exports are streamed
    /// record by record (`JSONRecordStream`), the CSV line by line: a file of any size is never held whole.
    public static func read(_ path: String, format: BuildFormat? = nil) throws -> [BuildRecord] {
        var out: [BuildRecord] = []
        try read(path, format: format) { out.append($0) }
        return out
    }

    /// The same, handing each record over as it is read (a Jenkins job's builds at the end of the file, since
    /// the job's name may follow them).
    public static func read(_ path: String, format: BuildFormat? = nil, each: (BuildRecord) throws -> Void) throws {
        let first = try head(path).first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }
        if format == .csv || (format == nil && first != UInt8(ascii: "[") && first != UInt8(ascii: "{")) {
            if first == nil { throw ImportError(file: path, "empty file") }
            return try csv(path, each: each)
        }
        try json(path, format: format, each: each)
    }

    static let unknownExport =
        "not a known build export (expected gh run list JSON, GitHub workflow_runs, GitLab pipelines or Jenkins builds)"

    /// The JSON exports, streamed: the format is that of the array the records are in (`workflow_runs`,
    /// `builds`/`allBuilds`) or, for a top-level array, of its first record (`headSha`; `sha` and `status`).
    static func json(_ path: String, format forced: BuildFormat?, each: (BuildRecord) throws -> Void) throws {
        var format = forced
        var jenkins: [BuildRecord] = []
        // Jenkins builds without a URL are keyed by the job, which the object may name after its builds.
        var unnamed: [(index: Int, number: Int64)] = []
        let stream = JSONRecordStream(path: path, arrayKeys: ["workflow_runs", "builds", "allBuilds"])
        let (top, members) = try stream.read { key, index, value in
            let location = "record \(index + 1)"
            guard let object = value as? [String: Any] else {
                throw ImportError(file: path, location: location, "not a JSON object")
            }
            if format == nil {
                switch key {
                case "workflow_runs": format = .githubRest
                case nil:
                    if object["headSha"] != nil {
                        format = .githubRuns
                    } else if object["sha"] != nil && object["status"] != nil {
                        format = .gitlab
                    } else {
                        throw ImportError(file: path, unknownExport)
                    }
                default: format = .jenkins
                }
            }
            let expected: String?
            switch format {
            case .githubRest: expected = "workflow_runs"
            case .jenkins: expected = key == "allBuilds" ? "allBuilds" : "builds"
            default: expected = nil
            }
            // A forced format whose array is not this one: the other arrays' records are not builds here.
            guard key == expected else { return }
            let r = Record(object: object, file: path, location: location)
            let record = try self.record(r, format: format ?? .githubRuns)
            guard format == .jenkins else { return try each(record) }
            if record.key.isEmpty { unnamed.append((jenkins.count, try r.int("number"))) }
            jenkins.append(record)
        }
        switch (format ?? forced, top) {
        case (nil, .array): return  // an empty array: no runs
        case (nil, .object): throw ImportError(file: path, unknownExport)
        case (.githubRuns, .object), (.gitlab, .object):
            throw ImportError(file: path, "expected a JSON array of records")
        case (.githubRest, _) where members["workflow_runs"] as? [Any] == nil:
            throw ImportError(file: path, "expected an object with a \"workflow_runs\" array")
        case (.jenkins, _) where members["builds"] as? [Any] == nil && members["allBuilds"] as? [Any] == nil:
            throw ImportError(file: path, "expected a Jenkins job object with \"builds\"")
        default: break
        }
        if format == .jenkins {
            let job =
                (members["url"] as? String) ?? (members["fullName"] as? String) ?? (members["name"] as? String) ?? ""
            for i in jenkins.indices { jenkins[i].pipeline = job }
            for (i, number) in unnamed { jenkins[i].key = "jenkins:\(job)#\(number)" }
            for record in jenkins { try each(record) }
        }
    }

    /// One record of a JSON export. A Jenkins build without a URL gets an empty key (the caller names it
    /// by its job) and an empty pipeline (the job, set by the caller).
    static func record(_ r: Record, format: BuildFormat) throws -> BuildRecord {
        switch format {
        case .githubRuns:
            let status = try r.string("status")
            let conclusion = try r.optionalString("conclusion") ?? ""
            let attempt = try r.optionalInt("attempt").map(Int.init)
            let id = try r.int("databaseId")
            return BuildRecord(
                key: "github:\(id):\(attempt ?? 0)", commit: try r.commit("headSha"),
                pipeline: try r.optionalString("workflowName") ?? r.optionalString("name") ?? "",
                attempt: attempt, outcome: github(status: status, conclusion: conclusion),
                startedAt: try r.optionalTime("createdAt") ?? r.optionalTime("startedAt"),
                pullRequestBranch: try pullRequestBranch(r, event: "event", branch: "headBranch"))
        case .githubRest:
            let status = try r.optionalString("status") ?? ""
            let conclusion = try r.optionalString("conclusion") ?? ""
            let attempt = try r.optionalInt("run_attempt").map(Int.init)
            let id = try r.int("id")
            let prs = try r.records("pull_requests")
            let workflow: String
            if let name = try r.optionalString("name") {
                workflow = name
            } else {
                workflow = try r.optionalInt("workflow_id").map { "\($0)" } ?? ""
            }
            return BuildRecord(
                key: "github:\(id):\(attempt ?? 0)", commit: try r.commit("head_sha"),
                pullRequest: try prs.first.map { Int(try $0.int("number")) }, pipeline: workflow, attempt: attempt,
                outcome: github(status: status, conclusion: conclusion), startedAt: try r.optionalTime("created_at"),
                pullRequestBranch: try pullRequestBranch(r, event: "event", branch: "head_branch"))
        case .gitlab:
            let ref = try r.optionalString("ref") ?? ""
            var number: Int?
            if ref.hasPrefix("refs/merge-requests/") {
                number = Int(ref.dropFirst("refs/merge-requests/".count).prefix { $0.isNumber })
            }
            return BuildRecord(
                key: "gitlab:\(try r.int("id"))", commit: try r.commit("sha"), pullRequest: number,
                pipeline: try r.optionalString("name") ?? "", attempt: nil, outcome: gitlab(try r.string("status")),
                startedAt: try r.optionalTime("created_at"))
        case .jenkins:
            _ = try r.int("number")
            var commit: ObjectID?
            for action in try r.array("actions") {
                guard let a = action as? [String: Any], let revision = a["lastBuiltRevision"] as? [String: Any]
                else { continue }
                guard let sha = revision["SHA1"] as? String, let id = ObjectID(hex: sha) else {
                    throw r.fail("lastBuiltRevision.SHA1 is not a 40-digit commit id")
                }
                commit = id
                break
            }
            let result = try r.optionalString("result")
            let outcome: BuildOutcome = r.bool("building") || result == nil ? .pending : jenkins(result ?? "")
            return BuildRecord(
                key: try r.optionalString("url").map { "jenkins:\($0)" } ?? "", commit: commit, pipeline: "",
                attempt: nil, outcome: outcome, startedAt: try r.optionalInt("timestamp"))
        case .csv:
            throw r.fail("CSV is not JSON")
        }
    }

    /// The head branch of a run triggered by a pull request (`pull_request`, `pull_request_target`,
    /// `pull_request_review`, …); nil for other events.
    static func pullRequestBranch(_ r: Record, event: String, branch: String) throws -> String? {
        guard let e = try r.optionalString(event), e.hasPrefix("pull_request") else { return nil }
        guard let b = try r.optionalString(branch), !b.isEmpty else { return nil }
        return b
    }

    static func github(status: String, conclusion: String) -> BuildOutcome {
        guard status == "completed" || (status.isEmpty && !conclusion.isEmpty) else { return .pending }
        switch conclusion {
        case "success": return .success
        case "failure", "timed_out", "startup_failure": return .failure
        case "cancelled": return .cancelled
        case "skipped": return .skipped
        default: return .other
        }
    }

    static func gitlab(_ status: String) -> BuildOutcome {
        switch status {
        case "success": return .success
        case "failed": return .failure
        case "canceled", "canceling", "cancelled": return .cancelled
        case "skipped": return .skipped
        case "created", "waiting_for_resource", "preparing", "pending", "running", "scheduled", "waiting_for_callback":
            return .pending
        default: return .other
        }
    }

    static func jenkins(_ result: String) -> BuildOutcome {
        switch result {
        case "SUCCESS": return .success
        case "FAILURE", "UNSTABLE": return .failure
        case "ABORTED": return .cancelled
        case "NOT_BUILT": return .skipped
        default: return .other
        }
    }

    /// The words of the plain CSV's `status` column (case-insensitive).
    static func plain(_ status: String) -> BuildOutcome {
        switch status.lowercased() {
        case "success", "succeeded", "passed", "pass", "ok": return .success
        case "failure", "failed", "fail", "error", "errored": return .failure
        case "cancelled", "canceled", "aborted": return .cancelled
        case "skipped": return .skipped
        case "pending", "queued", "running", "in_progress": return .pending
        default: return .other
        }
    }

    /// The plain CSV, streamed line by line, so a large file is never held whole. A line with quotes is
    /// parsed by SwiftCSV (RFC 4180 quoting); a line without any is split at its commas, which is what
    /// SwiftCSV would give for it, without its per-character cost. Quoted fields may not span lines in
    /// this format (none of its columns needs it); a line with unbalanced quotes is reported.
    static func csv(_ path: String, each: (BuildRecord) throws -> Void) throws {
        var header: String?
        var columns = 0
        func record(_ row: [String], line: Int, text: String) throws {
            func fail(_ m: String) -> ImportError { ImportError(file: path, location: "line \(line)", m) }
            // Columns: sha, status, started_at, finished_at[, pipeline] (the header was checked).
            let sha = row[0]
            guard let commit = ObjectID(hex: sha) ?? ObjectID(hex: sha.trimmingCharacters(in: .whitespaces)) else {
                throw fail("sha is not a 40-digit commit id: \"\(sha)\"")
            }
            let status = row[1]
            guard !status.isEmpty else { throw fail("missing status") }
            var started: Int64?
            if !row[2].isEmpty {
                guard let t = ImportTime.parse(row[2]) else {
                    throw fail("started_at is not an ISO 8601 time: \"\(row[2])\"")
                }
                started = t
            }
            if !row[3].isEmpty, ImportTime.parse(row[3]) == nil {
                throw fail("finished_at is not an ISO 8601 time: \"\(row[3])\"")
            }
            // The same row twice is the same build: the row itself is its key.
            try each(
                BuildRecord(
                    key: "csv:" + text, commit: commit, pipeline: row.count > 4 ? row[4] : "", attempt: nil,
                    outcome: plain(status),
                    startedAt: started))
        }
        // LineReader's own streaming `forEach` (not a Sequence's): it throws and numbers the lines.
        // swift-format-ignore: ReplaceForEachWithForLoop
        try LineReader(path: path).forEach { line, number in
            guard let header else {
                let names = line.split(separator: ",", omittingEmptySubsequences: false).map {
                    $0.trimmingCharacters(in: .whitespaces).lowercased()
                }
                guard names.count >= 4, Array(names.prefix(4)) == ["sha", "status", "started_at", "finished_at"],
                    names.count == 4 || (names.count == 5 && names[4] == "pipeline")
                else {
                    throw ImportError(
                        file: path, location: "line 1",
                        "expected the header sha,status,started_at,finished_at[,pipeline]")
                }
                columns = names.count
                header = names.joined(separator: ",")
                return
            }
            if line.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
            let (fields, balanced) = CSVFields.count(line)
            if !balanced {
                throw ImportError(file: path, location: "line \(number)", "malformed CSV: unbalanced quote")
            }
            if fields != columns {
                throw ImportError(
                    file: path, location: "line \(number)", "malformed CSV: \(fields) fields, the header has \(columns)"
                )
            }
            let text = String(line)
            if !line.utf8.contains(UInt8(ascii: "\"")) {
                try record(
                    line.split(separator: ",", omittingEmptySubsequences: false).map(String.init), line: number,
                    text: text)
                return
            }
            let parsed: CSV<Enumerated>
            do {
                parsed = try CSV<Enumerated>(string: header + "\n" + text, delimiter: .comma, loadColumns: false)
            } catch {
                throw ImportError(file: path, location: "line \(number)", "malformed CSV (\(error))")
            }
            guard let row = parsed.rows.first, row.count == columns else {
                throw ImportError(
                    file: path, location: "line \(number)",
                    "malformed CSV: quoted fields do not give \(columns) columns")
            }
            try record(row, line: number, text: text)
        }
        guard header != nil else { throw ImportError(file: path, "empty file") }
    }
}

/// Field counting for one CSV line (quotes respected), so that a short or long row is reported by line.
enum CSVFields {
    /// The number of fields, and whether the quotes are balanced.
    static func count(_ line: Substring) -> (fields: Int, balanced: Bool) {
        var n = 1
        var quoted = false
        for c in line.utf8 {
            if c == UInt8(ascii: "\"") { quoted.toggle() } else if c == UInt8(ascii: ","), !quoted { n += 1 }
        }
        return (n, !quoted)
    }
}

/// Build results recorded in git itself.
public enum GitBuildEvidence {
    /// The trailer keys read as build results (case-insensitive).
    public static let trailerKeys = ["trybot-result", "luci-trybot-result"]

    /// Results from trailers such as `TryBot-Result: +1` / `LUCI-TryBot-Result: -1` (Gerrit/LUCI votes: a
    /// positive vote is a success, a negative one a failure, 0 `other`).
    public static func trailers(_ commits: [(id: ObjectID, trailers: [Trailer])]) -> [BuildRecord] {
        var out: [BuildRecord] = []
        for (id, trailers) in commits {
            for (i, t) in trailers.enumerated() where trailerKeys.contains(t.key.lowercased()) {
                let v = t.value.trimmingCharacters(in: .whitespaces)
                let outcome: BuildOutcome =
                    v.hasPrefix("+") && v != "+0" ? .success : v.hasPrefix("-") ? .failure : .other
                out.append(BuildRecord(key: "trailer:\(id.hex):\(i)", commit: id, pipeline: t.key, outcome: outcome))
            }
        }
        return out
    }

    /// Results from git notes (e.g. `refs/notes/ci`): each note holds lines `Result: <status>` (or
    /// `Status:`), optionally `Pipeline: <name>` before it; statuses as in the plain CSV. Lines with other
    /// keys are ignored; a note with no result line is an error naming the commit.
    public static func notes(_ notes: [(commit: ObjectID, text: String)], ref: String) throws -> [BuildRecord] {
        var out: [BuildRecord] = []
        for (commit, text) in notes {
            var pipeline = ""
            var found = false
            for (i, line) in text.split(separator: "\n").enumerated() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                if key == "pipeline" { pipeline = value }
                if key == "result" || key == "status" {
                    found = true
                    out.append(
                        BuildRecord(
                            key: "note:\(commit.hex):\(i)", commit: commit, pipeline: pipeline,
                            outcome: BuildImport.plain(value)))
                }
            }
            if !found { throw ImportError(file: ref, location: "note on \(commit.hex)", "no \"Result:\" line") }
        }
        return out
    }
}
