import Foundation

private func jsonData(_ object: Any, _ what: String) throws(TicketError) -> Data {
    do {
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    } catch {
        throw TicketError(request: what, status: nil, message: "cannot encode JSON: \(error)")
    }
}

/// Jira (Server/Data Center and Cloud, REST API v2): both files in one
/// `POST /rest/api/2/issue/{key}/attachments` (multipart, parts named `file`, header
/// `X-Atlassian-Token: no-check`), then `POST /rest/api/2/issue/{key}/comment` with the findings as
/// Jira wiki markup (``CommentWikiMarkup``) and the marker. For a Jira Service Management project
/// (`serviceDesk`) the comment carries the property `sd.public.comment` = `{"internal": true}`, so
/// it is an internal note the customer never sees.
///
/// Idempotence: the comments are searched for the marker first; an attachment already on the issue
/// with the same name and size is not uploaded again (that covers a crash between the two calls).
public struct JiraClient: TicketClient {
    public var system: String { "jira" }
    let http: HTTPClient
    let retry: RetryPolicy
    /// `true` for a Jira Service Management project: comments are posted internal.
    let serviceDesk: Bool

    /// Creates a client; `authorization` is `Basic base64(email:api-token)` or `Bearer <PAT>`;
    /// `serviceDesk` posts the comments as Jira Service Management internal comments.
    public init(
        baseURL: String, authorization: String, serviceDesk: Bool = false, retry: RetryPolicy = RetryPolicy(), timeout: Double = 30,
        recorder: RequestRecorder? = nil
    ) {
        http = HTTPClient(baseURL: baseURL, authorization: authorization, timeout: timeout, recorder: recorder)
        self.retry = retry
        self.serviceDesk = serviceDesk
    }

    public func deliver(_ findings: Findings, to ticket: TicketReference) throws(TicketError) -> DeliveryReceipt {
        let key = queryEscaped(ticket.id)
        var startAt = 0
        while true {
            let response = try http.expectSuccess(
                "GET", "/rest/api/2/issue/\(key)/comment?startAt=\(startAt)&maxResults=100", retry: retry)
            let object = response.json as? [String: Any] ?? [:]
            let comments = object["comments"] as? [[String: Any]] ?? []
            for comment in comments where (comment["body"] as? String)?.contains(findings.marker) == true {
                return DeliveryReceipt(
                    system: system, ticket: ticket.id, reference: lenientString(comment["id"]) ?? "", alreadyPresent: true)
            }
            let total = Int(lenientString(object["total"]) ?? "0") ?? 0
            startAt += comments.count
            if comments.isEmpty || startAt >= total { break }
        }
        let issue = try http.expectSuccess("GET", "/rest/api/2/issue/\(key)?fields=attachment", retry: retry)
        let present = Set(
            (((issue.json as? [String: Any])?["fields"] as? [String: Any])?["attachment"] as? [[String: Any]] ?? []).map {
                "\(($0["filename"] as? String) ?? "")/\(lenientString($0["size"]) ?? "")"
            })
        var form = MultipartBody()
        for (name, type, data) in [
            ("findings.json", "application/json", findings.json), ("findings.html", "text/html", findings.html),
        ] where !present.contains("\(name)/\(data.count)") {
            form.add(name: "file", fileName: name, contentType: type, content: data)
        }
        if !form.data.isEmpty {
            _ = try http.expectSuccess(
                "POST", "/rest/api/2/issue/\(key)/attachments",
                headers: ["X-Atlassian-Token": "no-check", "Content-Type": form.contentType], body: form.finished,
                retry: retry)
        }
        var payload: [String: Any] = ["body": findings.wikiBodyWithMarker]
        if serviceDesk { payload["properties"] = [["key": "sd.public.comment", "value": ["internal": true]]] }
        let comment = try http.expectSuccess(
            "POST", "/rest/api/2/issue/\(key)/comment", headers: ["Content-Type": "application/json"],
            body: try jsonData(payload, "comment"), retry: retry)
        let id = lenientString((comment.json as? [String: Any])?["id"]) ?? ""
        return DeliveryReceipt(system: system, ticket: ticket.id, reference: id, alreadyPresent: false)
    }
}

/// Zendesk: each file goes to `POST /api/v2/uploads.json?filename=…` (raw bytes), which returns a
/// token; then `PUT /api/v2/tickets/{id}.json` adds a private comment (`html_body`: the Markdown
/// rendered as HTML by ``CommentHTML``, plus the marker)
/// with both upload tokens.
///
/// Idempotence: `GET /api/v2/tickets/{id}/comments.json` is searched for the marker first. Uploads
/// that were made but never referenced (a crash between the calls) expire on Zendesk's side.
public struct ZendeskClient: TicketClient {
    public var system: String { "zendesk" }
    let http: HTTPClient
    let retry: RetryPolicy

    /// Creates a client; `authorization` is `Basic base64(email/token:api-token)` or `Bearer <oauth>`.
    public init(baseURL: String, authorization: String, retry: RetryPolicy = RetryPolicy(), timeout: Double = 30, recorder: RequestRecorder? = nil) {
        http = HTTPClient(baseURL: baseURL, authorization: authorization, timeout: timeout, recorder: recorder)
        self.retry = retry
    }

    public func deliver(_ findings: Findings, to ticket: TicketReference) throws(TicketError) -> DeliveryReceipt {
        let id = queryEscaped(ticket.id)
        var path: String? = "/api/v2/tickets/\(id)/comments.json"
        while let current = path {
            let response = try http.expectSuccess("GET", current, retry: retry)
            let object = response.json as? [String: Any] ?? [:]
            for comment in object["comments"] as? [[String: Any]] ?? []
            where [comment["body"], comment["html_body"]].contains(where: { ($0 as? String)?.contains(findings.marker) == true }) {
                return DeliveryReceipt(
                    system: system, ticket: ticket.id, reference: lenientString(comment["id"]) ?? "", alreadyPresent: true)
            }
            // next_page is an absolute URL; keep only the path and query on our own base.
            path = (object["next_page"] as? String).flatMap(URL.init(string:)).map { url in
                url.path + (url.query.map { "?" + $0 } ?? "")
            }
        }
        var tokens: [String] = []
        for (name, type, data) in [
            ("findings.json", "application/json", findings.json), ("findings.html", "text/html", findings.html),
        ] {
            let upload = try http.expectSuccess(
                "POST", "/api/v2/uploads.json?filename=\(queryEscaped(name))", headers: ["Content-Type": type], body: data,
                retry: retry)
            guard let token = ((upload.json as? [String: Any])?["upload"] as? [String: Any])?["token"] as? String else {
                throw TicketError(request: "POST /api/v2/uploads.json", status: upload.status, message: "no upload token in the answer")
            }
            tokens.append(token)
        }
        let update: [String: Any] = [
            "ticket": ["comment": ["html_body": findings.htmlBodyWithMarker, "public": false, "uploads": tokens]]
        ]
        let answer = try http.expectSuccess(
            "PUT", "/api/v2/tickets/\(id).json", headers: ["Content-Type": "application/json"],
            body: try jsonData(update, "ticket update"), retry: retry)
        let audit = lenientString(((answer.json as? [String: Any])?["audit"] as? [String: Any])?["id"]) ?? ""
        return DeliveryReceipt(system: system, ticket: ticket.id, reference: audit, alreadyPresent: false)
    }
}

/// ServiceNow: the incident's `sys_id` is looked up by number (Table API), both files go to the
/// Attachment API (`POST /api/now/attachment/file?table_name=…&table_sys_id=…&file_name=…`, raw body
/// with its `Content-Type`), then the Markdown and the marker are added as a work note
/// (`PATCH /api/now/table/{table}/{sys_id}` with `work_notes`).
///
/// Idempotence: `sys_journal_field` is searched for a work note holding the marker; an attachment
/// with the same name and size already on the record is not uploaded again.
public struct ServiceNowClient: TicketClient {
    public var system: String { "servicenow" }
    let http: HTTPClient
    let retry: RetryPolicy
    let table: String

    /// Creates a client; `authorization` is `Basic base64(user:password)` or `Bearer <oauth>`.
    public init(
        baseURL: String, authorization: String, table: String = "incident", retry: RetryPolicy = RetryPolicy(),
        timeout: Double = 30, recorder: RequestRecorder? = nil
    ) {
        http = HTTPClient(baseURL: baseURL, authorization: authorization, timeout: timeout, recorder: recorder)
        self.retry = retry
        self.table = table
    }

    public func deliver(_ findings: Findings, to ticket: TicketReference) throws(TicketError) -> DeliveryReceipt {
        let json = ["Accept": "application/json"]
        let lookup = try http.expectSuccess(
            "GET",
            "/api/now/table/\(table)?sysparm_query=\(queryEscaped("number=\(ticket.id)"))&sysparm_fields=sys_id&sysparm_limit=1",
            headers: json, retry: retry)
        // A dry run has no answer to the lookup: the later requests name a placeholder sys_id.
        let placeholder = http.recorder == nil ? nil : "(sys_id of \(ticket.id))"
        guard
            let sysID = (((lookup.json as? [String: Any])?["result"] as? [[String: Any]])?.first?["sys_id"]) as? String
                ?? placeholder
        else {
            throw TicketError(request: "GET /api/now/table/\(table)", status: 404, message: "no \(table) numbered \(ticket.id)")
        }
        let notes = try http.expectSuccess(
            "GET",
            "/api/now/table/sys_journal_field?sysparm_query="
                + queryEscaped("element_id=\(sysID)^element=work_notes^valueLIKE\(findings.marker)")
                + "&sysparm_fields=sys_id&sysparm_limit=1",
            headers: json, retry: retry)
        if let note = ((notes.json as? [String: Any])?["result"] as? [[String: Any]])?.first {
            return DeliveryReceipt(
                system: system, ticket: ticket.id, reference: lenientString(note["sys_id"]) ?? "", alreadyPresent: true)
        }
        let existing = try http.expectSuccess(
            "GET",
            "/api/now/attachment?sysparm_query=\(queryEscaped("table_sys_id=\(sysID)"))&sysparm_fields=file_name,size_bytes",
            headers: json, retry: retry)
        let present = Set(
            ((existing.json as? [String: Any])?["result"] as? [[String: Any]] ?? []).map {
                "\(($0["file_name"] as? String) ?? "")/\(lenientString($0["size_bytes"]) ?? "")"
            })
        for (name, type, data) in [
            ("findings.json", "application/json", findings.json), ("findings.html", "text/html", findings.html),
        ] where !present.contains("\(name)/\(data.count)") {
            _ = try http.expectSuccess(
                "POST",
                "/api/now/attachment/file?table_name=\(queryEscaped(table))&table_sys_id=\(queryEscaped(sysID))&file_name=\(queryEscaped(name))",
                headers: ["Content-Type": type, "Accept": "application/json"], body: data, retry: retry)
        }
        _ = try http.expectSuccess(
            "PATCH", "/api/now/table/\(table)/\(queryEscaped(sysID))",
            headers: ["Content-Type": "application/json", "Accept": "application/json"],
            body: try jsonData(["work_notes": findings.bodyWithMarker], "work note"), retry: retry)
        return DeliveryReceipt(system: system, ticket: ticket.id, reference: sysID, alreadyPresent: false)
    }
}

/// A generic webhook: one JSON `POST` with the ticket, the case, the marker, the diagnosis document
/// and the Markdown and HTML reports, plus an `Idempotency-Key` header (the marker).
///
/// A webhook cannot be asked what it already received, so after a crash between the receiver's
/// answer and the ledger write the same payload may be sent again, with the same `Idempotency-Key`;
/// receivers dedupe on it.
public struct WebhookClient: TicketClient {
    public var system: String { "webhook" }
    let http: HTTPClient
    let retry: RetryPolicy

    /// Creates a client posting to `url`; `authorization` (optional) is sent as is.
    public init(url: String, authorization: String?, retry: RetryPolicy = RetryPolicy(), timeout: Double = 30, recorder: RequestRecorder? = nil) {
        http = HTTPClient(baseURL: url, authorization: authorization, timeout: timeout, recorder: recorder)
        self.retry = retry
    }

    public func deliver(_ findings: Findings, to ticket: TicketReference) throws(TicketError) -> DeliveryReceipt {
        let diagnosis = (try? JSONSerialization.jsonObject(with: findings.json)) ?? NSNull()
        let payload: [String: Any] = [
            "event": "rdpcause.findings", "ticket": ticket.id, "ticketReference": ticket.raw, "case": findings.caseName,
            "marker": findings.marker, "diagnosis": diagnosis,
            "markdown": String(decoding: findings.markdown, as: UTF8.self),
            "html": String(decoding: findings.html, as: UTF8.self),
        ]
        _ = try http.expectSuccess(
            "POST", "", headers: ["Content-Type": "application/json", "Idempotency-Key": findings.marker],
            body: try jsonData(payload, "webhook payload"), retry: retry)
        return DeliveryReceipt(system: system, ticket: ticket.id, reference: findings.marker, alreadyPresent: false)
    }
}
