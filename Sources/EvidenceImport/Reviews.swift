internal import Foundation
public import HistoryModel

/// One review, approval or comment on a pull request.
public struct ReviewEvent: Sendable, Hashable {
    public enum Kind: String, Sendable { case review, comment }
    /// Identifies the event across files (the forge's id): exported twice, counted once.
    public var key: String
    public var author: String
    public var isBot: Bool
    /// Milliseconds since the epoch.
    public var at: Int64
    public var kind: Kind
    /// For reviews: `APPROVED`, `CHANGES_REQUESTED`, `COMMENTED`, `DISMISSED`.
    public var state: String?
    /// A review with a written body counts as a comment too.
    public var hasBody: Bool

    public init(
        key: String, author: String, isBot: Bool, at: Int64, kind: Kind, state: String? = nil, hasBody: Bool = false
    ) {
        self.key = key
        self.author = author
        self.isBot = isBot
        self.at = at
        self.kind = kind
        self.state = state
        self.hasBody = hasBody
    }
}

/// What review exports say about one pull request (merge request, Gerrit change). Several files may each
/// hold part of it (REST pulls, reviews and comments pages): records of one number are merged.
public struct PullRequestReview: Sendable, Equatable {
    public var number: Int
    public var author: String?
    /// When it was opened (or, where the export says, marked ready for review), ms since the epoch.
    public var openedAt: Int64?
    public var mergedAt: Int64?
    /// The commit that landed it: merge commit, squash commit, or Gerrit's submitted commit.
    public var landedCommits: [ObjectID]
    /// The branch head CI built (`headRefOid`, `head.sha`, GitLab `sha`).
    public var headCommit: ObjectID?
    /// The head branch's name (`headRefName`, `head.ref`).
    public var headBranch: String?
    public var events: [ReviewEvent]
    /// Counts an export gives without the events (Gerrit's `Comments-Total`, approvals from votes).
    public var commentCount: Int?
    public var approvers: [String]
    public var voters: [String]

    public init(
        number: Int, author: String? = nil, openedAt: Int64? = nil, mergedAt: Int64? = nil,
        landedCommits: [ObjectID] = [],
        headCommit: ObjectID? = nil, events: [ReviewEvent] = [], commentCount: Int? = nil, approvers: [String] = [],
        voters: [String] = []
    ) {
        self.number = number
        self.author = author
        self.openedAt = openedAt
        self.mergedAt = mergedAt
        self.landedCommits = landedCommits
        self.headCommit = headCommit
        self.events = events
        self.commentCount = commentCount
        self.approvers = approvers
        self.voters = voters
    }

    mutating func absorb(_ other: PullRequestReview) {
        author = author ?? other.author
        openedAt = openedAt ?? other.openedAt
        mergedAt = mergedAt ?? other.mergedAt
        for c in other.landedCommits where !landedCommits.contains(c) { landedCommits.append(c) }
        headCommit = headCommit ?? other.headCommit
        headBranch = headBranch ?? other.headBranch
        var seen = Set(events.map(\.key))
        for e in other.events where seen.insert(e.key).inserted { events.append(e) }
        commentCount = commentCount ?? other.commentCount
        for a in other.approvers where !approvers.contains(a) { approvers.append(a) }
        for v in other.voters where !voters.contains(v) { voters.append(v) }
    }
}

public enum ReviewFormat: String, Sendable, CaseIterable {
    /// `gh pr list --state merged --json number,author,createdAt,mergedAt,mergeCommit,reviews,comments,…`.
    case githubPRList = "github-pr-list"
    /// REST `GET /repos/{o}/{r}/pulls` pages.
    case githubPulls = "github-pulls"
    /// REST `…/pulls/{n}/reviews` pages.
    case githubReviews = "github-reviews"
    /// REST `…/pulls/{n}/comments` (inline) and `…/issues/{n}/comments` (conversation) pages.
    case githubComments = "github-comments"
    /// GitLab `GET /projects/:id/merge_requests`.
    case gitlabMergeRequests = "gitlab-merge-requests"
    /// GitLab `…/merge_requests/:iid/notes`.
    case gitlabNotes = "gitlab-notes"
}

public enum ReviewImport {
    /// Bot accounts: GitHub's `is_bot` or REST `type: "Bot"`, a login ending in `[bot]`, an `app/` login,
    /// and GitLab project/group bot users (`project_<id>_bot…`, `group_<id>_bot…`).
    public static func isBot(login: String, flag: Bool = false) -> Bool {
        if flag { return true }
        let l = login.lowercased()
        return l.hasSuffix("[bot]") || l.hasPrefix("app/")
            || ((l.hasPrefix("project_") || l.hasPrefix("group_")) && l.contains("_bot"))
    }

    /// Reads one review export. Format from content unless `format` is given.
    public static func read(_ path: String, format: ReviewFormat? = nil) throws -> [PullRequestReview] {
        try readWithFormat(path, format: format).records
    }

    /// Reads one review export and says which format it was (GitHub and GitLab numbers are merged apart).
    public static func readWithFormat(_ path: String, format: ReviewFormat? = nil) throws -> (
        format: ReviewFormat, records: [PullRequestReview]
    ) {
        // Streamed record by record (JSONRecordStream): a file of any size is never held whole; the format is
        // that of the first record unless forced.
        let unknown = ImportError(
            file: path,
            "not a known review export (expected gh pr list JSON, GitHub REST pulls/reviews/comments or GitLab merge requests/notes)"
        )
        var chosen = format
        var records: [PullRequestReview] = []
        let (top, _) = try JSONRecordStream(path: path).read { _, index, value in
            let location = "record \(index + 1)"
            guard let object = value as? [String: Any] else {
                throw ImportError(file: path, location: location, "not a JSON object")
            }
            if chosen == nil { chosen = detect(json: [object]) }
            guard let chosen else { throw unknown }
            if let pr = try parse(record: Record(object: object, file: path, location: location), format: chosen) {
                records.append(pr)
            }
        }
        guard top == .array else { throw unknown }
        return (chosen ?? .githubPRList, records)  // an empty array: no pull requests, in any format
    }

    public static func detect(json: Any) -> ReviewFormat? {
        guard let array = json as? [Any] else { return nil }
        guard let r = array.first as? [String: Any] else { return array.isEmpty ? .githubPRList : nil }
        if r["noteable_type"] != nil || r["noteable_iid"] != nil { return .gitlabNotes }
        if r["iid"] != nil
            && (r["merge_commit_sha"] != nil || r["squash_commit_sha"] != nil || r["target_branch"] != nil)
        {
            return .gitlabMergeRequests
        }
        if r["pull_request_url"] != nil && r["submitted_at"] != nil { return .githubReviews }
        if r["pull_request_url"] != nil || r["issue_url"] != nil { return .githubComments }
        if r["merge_commit_sha"] != nil || r["merged_at"] != nil { return .githubPulls }
        if r["number"] != nil
            && (r["mergeCommit"] != nil || r["mergedAt"] != nil || r["reviews"] != nil || r["createdAt"] != nil)
        {
            return .githubPRList
        }
        return nil
    }

    static func login(_ r: Record, _ key: String) throws -> (String, Bool)? {
        guard let user = try r.object(key) else { return nil }
        let name = try user.optionalString("login") ?? user.optionalString("username") ?? ""
        let flag = (user.object["is_bot"] as? Bool) == true || (user.object["type"] as? String) == "Bot"
        return (name, isBot(login: name, flag: flag))
    }

    /// The number at the end of a REST URL (`…/pulls/87`, `…/issues/87`).
    static func trailingNumber(_ url: String) -> Int? {
        Int(url.split(separator: "/").last ?? "")
    }

    /// One record of an export in `format`; nil for a record that holds no review fact (a pending review,
    /// a note on something other than a merge request, activity GitLab writes itself).
    static func parse(record r: Record, format: ReviewFormat) throws -> PullRequestReview? {
        switch format {
        case .githubPRList:
            do {
                let author = try login(r, "author")
                var pr = PullRequestReview(
                    number: Int(try r.int("number")), author: author?.0, openedAt: try r.optionalTime("createdAt"),
                    mergedAt: try r.optionalTime("mergedAt"), headCommit: try r.optionalCommit("headRefOid"))
                pr.headBranch = try r.optionalString("headRefName")
                if let merge = try r.object("mergeCommit") { pr.landedCommits = [try merge.commit("oid")] }
                for review in try r.records("reviews") {
                    guard let at = try review.optionalTime("submittedAt") else { continue }  // PENDING
                    let who = try login(review, "author") ?? ("", false)
                    let state = try review.optionalString("state")
                    if state == "PENDING" { continue }
                    pr.events.append(
                        ReviewEvent(
                            key: "github-review:\(try review.optionalString("id") ?? "\(pr.number):\(at):\(who.0)")",
                            author: who.0, isBot: who.1, at: at, kind: .review, state: state,
                            hasBody: !(try review.optionalString("body") ?? "").isEmpty))
                }
                for comment in try r.records("comments") {
                    let who = try login(comment, "author") ?? ("", false)
                    let at = try comment.time("createdAt")
                    pr.events.append(
                        ReviewEvent(
                            key: "github-comment:\(try comment.optionalString("id") ?? "\(pr.number):\(at):\(who.0)")",
                            author: who.0, isBot: who.1, at: at, kind: .comment))
                }
                return pr
            }
        case .githubPulls:
            do {
                let head = try r.object("head")
                var pr = PullRequestReview(
                    number: Int(try r.int("number")), author: try login(r, "user")?.0,
                    openedAt: try r.optionalTime("created_at"),
                    mergedAt: try r.optionalTime("merged_at"),
                    landedCommits: try r.optionalTime("merged_at") == nil
                        ? [] : (try r.optionalCommit("merge_commit_sha")).map { [$0] } ?? [],
                    headCommit: try head?.optionalCommit("sha"))
                pr.headBranch = try head?.optionalString("ref")
                return pr
            }
        case .githubReviews:
            do {
                guard let number = trailingNumber(try r.string("pull_request_url")) else {
                    throw r.fail("pull_request_url does not end in a number")
                }
                guard let at = try r.optionalTime("submitted_at") else { return nil }
                let state = try r.optionalString("state")
                if state == "PENDING" { return nil }
                let who = try login(r, "user") ?? ("", false)
                return PullRequestReview(
                    number: number,
                    events: [
                        ReviewEvent(
                            key: "github-review:\(try r.int("id"))", author: who.0, isBot: who.1, at: at, kind: .review,
                            state: state,
                            hasBody: !(try r.optionalString("body") ?? "").isEmpty)
                    ])
            }
        case .githubComments:
            do {
                let url = try r.optionalString("pull_request_url") ?? r.string("issue_url")
                guard let number = trailingNumber(url) else {
                    throw r.fail("pull_request_url/issue_url does not end in a number")
                }
                let who = try login(r, "user") ?? ("", false)
                let inline = r.has("pull_request_url")
                return PullRequestReview(
                    number: number,
                    events: [
                        ReviewEvent(
                            key: "github-\(inline ? "review-comment" : "issue-comment"):\(try r.int("id"))",
                            author: who.0, isBot: who.1,
                            at: try r.time("created_at"), kind: .comment)
                    ])
            }
        case .gitlabMergeRequests:
            do {
                var landed: [ObjectID] = []
                if let m = try r.optionalCommit("merge_commit_sha") { landed.append(m) }
                if let s = try r.optionalCommit("squash_commit_sha") { landed.append(s) }
                let head = try r.optionalCommit("sha")
                // A fast-forward merge without squash leaves both empty: the head itself landed (UNCONFIRMED).
                if landed.isEmpty, try r.optionalString("merged_at") != nil, let head { landed.append(head) }
                return PullRequestReview(
                    number: Int(try r.int("iid")), author: try login(r, "author")?.0,
                    openedAt: try r.optionalTime("created_at"),
                    mergedAt: try r.optionalTime("merged_at"), landedCommits: landed, headCommit: head)
            }
        case .gitlabNotes:
            do {
                guard (try r.optionalString("noteable_type")) ?? "MergeRequest" == "MergeRequest" else { return nil }
                let number = Int(try r.int("noteable_iid"))
                let who = try login(r, "author") ?? ("", false)
                let at = try r.time("created_at")
                let key = "gitlab-note:\(try r.int("id"))"
                if r.bool("system") {
                    let body = try r.optionalString("body") ?? ""
                    if body.hasPrefix("approved this merge request") {
                        return PullRequestReview(
                            number: number,
                            events: [
                                ReviewEvent(
                                    key: key, author: who.0, isBot: who.1, at: at, kind: .review, state: "APPROVED")
                            ])
                    }
                    // "marked this merge request as ready" (wording UNCONFIRMED): review starts here.
                    if body.hasPrefix("marked this merge request as ready")
                        || body.hasPrefix("marked this merge request as **ready**")
                    {
                        return PullRequestReview(number: number, openedAt: at)
                    }
                    return nil  // other activity GitLab writes itself
                }
                return PullRequestReview(
                    number: number, events: [ReviewEvent(key: key, author: who.0, isBot: who.1, at: at, kind: .comment)]
                )
            }
        }
    }

    /// Merges the records of several files by number (a GitLab iid and a GitHub number are kept apart by
    /// reading them from different files: merge per file kind first when a repository has both).
    public static func merge(_ files: [[PullRequestReview]]) -> [PullRequestReview] {
        var byNumber: [Int: PullRequestReview] = [:]
        for pr in files.joined() {
            if byNumber[pr.number] == nil {
                // A "ready" note's time replaces the opening time: it is when review could start.
                byNumber[pr.number] = pr
            } else {
                byNumber[pr.number]?.absorb(pr)
            }
        }
        return byNumber.keys.sorted().compactMap { byNumber[$0] }
    }

    /// Gerrit's `refs/notes/review` notes (one per submitted commit): votes, submitter, `Reviewed-on:`,
    /// `Comments-Total:`. A note without `Reviewed-on:` still counts, numbered 0 (joined by commit only).
    public static func gerritNotes(_ notes: [(commit: ObjectID, text: String)], ref: String) throws
        -> [PullRequestReview]
    {
        var out: [PullRequestReview] = []
        for (commit, text) in notes {
            var pr = PullRequestReview(number: 0, landedCommits: [commit])
            for line in text.split(separator: "\n") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let key = String(line[..<colon])
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                switch key {
                case "Submitted-at":
                    guard let t = ImportTime.parseRFC2822(value) else {
                        throw ImportError(
                            file: ref, location: "note on \(commit.hex)",
                            "Submitted-at is not an RFC 2822 time: \"\(value)\"")
                    }
                    pr.mergedAt = t
                case "Reviewed-on": pr.number = trailingNumber(value) ?? 0
                case "Comments-Total": pr.commentCount = Int(value)
                case "Submitted-by", "Project", "Branch", "Comments-Unresolved": break
                default:
                    // `<Label><+N|-N>: <Name> <email>`
                    guard let sign = key.lastIndex(where: { $0 == "+" || $0 == "-" }),
                        Int(key[key.index(after: sign)...]) != nil
                    else { continue }
                    let label = String(key[..<sign])
                    let vote = Int(key[sign...]) ?? 0
                    let person = value
                    let bot = person.lowercased().contains("bot")
                    if label == "Code-Review" && !bot && !pr.voters.contains(person) { pr.voters.append(person) }
                    if label == "Code-Review" && vote >= 2 && !bot && !pr.approvers.contains(person) {
                        pr.approvers.append(person)
                    }
                }
            }
            out.append(pr)
        }
        return out
    }
}
