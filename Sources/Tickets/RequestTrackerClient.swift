import Foundation

/// Request Tracker 5 over REST2: one comment whose body is `findings.md` rendered as HTML
/// (`text/html`, ``CommentHTML``), with `findings.json` and `findings.html` attached (JSON body,
/// base64 attachments), and the marker in the subject.
///
/// Idempotence: before posting, the ticket's history is searched for a transaction whose `Data`
/// (the comment subject) holds the marker.
public struct RequestTrackerClient: TicketClient {
    public var system: String { "rt" }
    let http: HTTPClient
    let retry: RetryPolicy

    /// Creates a client for `baseURL` (e.g. `http://127.0.0.1:8080`; `/REST/2.0` is appended).
    /// `authorization` is `token …` or `Basic …`.
    public init(baseURL: String, authorization: String, retry: RetryPolicy = RetryPolicy(), timeout: Double = 30, recorder: RequestRecorder? = nil) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        if !base.hasSuffix("/REST/2.0") { base += "/REST/2.0" }
        http = HTTPClient(baseURL: base, authorization: authorization, timeout: timeout, recorder: recorder)
        self.retry = retry
    }

    public func deliver(_ findings: Findings, to ticket: TicketReference) throws(TicketError) -> DeliveryReceipt {
        let id = queryEscaped(ticket.id)
        if let existing = try transaction(withMarker: findings.marker, ticket: id) {
            return DeliveryReceipt(system: system, ticket: ticket.id, reference: existing, alreadyPresent: true)
        }
        let body: [String: Any] = [
            "Subject": findings.subject,
            "Content": findings.htmlBodyWithMarker,
            "ContentType": "text/html",
            "Attachments": [
                ["FileName": "findings.json", "FileType": "application/json", "FileContent": findings.json.base64EncodedString()],
                ["FileName": "findings.html", "FileType": "text/html", "FileContent": findings.html.base64EncodedString()],
            ],
        ]
        let data: Data
        do {
            data = try JSONSerialization.data(withJSONObject: body)
        } catch {
            throw TicketError(request: "encode comment", status: nil, message: "\(error)")
        }
        _ = try http.expectSuccess(
            "POST", "/ticket/\(id)/comment", headers: ["Content-Type": "application/json"], body: data, retry: retry)
        let reference = (try? transaction(withMarker: findings.marker, ticket: id)).flatMap { $0 } ?? ""
        return DeliveryReceipt(system: system, ticket: ticket.id, reference: reference, alreadyPresent: false)
    }

    /// Reads the ticket (`GET /ticket/{id}`): its subject and status, whether RT offers this user
    /// a `comment` link on it (the CommentOnTicket right), and whether its history can be read.
    public func check(_ ticket: TicketReference) -> TicketCheck {
        let id = queryEscaped(ticket.id)
        var report = TicketCheck(system: system, ticket: ticket.id)
        guard
            let answer = report.ask(
                "find the ticket", first: true, { () throws(TicketError) in try http.expectSuccess("GET", "/ticket/\(id)", retry: retry) })
        else { return report }
        let object = answer.json as? [String: Any] ?? [:]
        report.items.append(
            .init(
                capability: "find the ticket", answer: .yes,
                detail: "\"\(object["Subject"] as? String ?? "")\" (\(object["Status"] as? String ?? "status not shown"))"))
        let links = (object["_hyperlinks"] as? [[String: Any]] ?? []).compactMap { $0["ref"] as? String }
        let canComment = links.contains("comment")
        report.items.append(
            .init(
                capability: "comment on it", answer: canComment ? .yes : .no,
                detail: canComment ? "" : "RT offers this user no comment link on the ticket (right CommentOnTicket)"))
        if report.ask(
            "read its history (to find findings posted before)", first: false,
            { () throws(TicketError) in try http.expectSuccess("GET", "/ticket/\(id)/history?per_page=1", retry: retry) }) != nil
        {
            report.items.append(.init(capability: "read its history (to find findings posted before)", answer: .yes, detail: ""))
        }
        return report
    }

    /// The id of the ticket transaction whose data holds `marker`, walking every history page.
    func transaction(withMarker marker: String, ticket id: String) throws(TicketError) -> String? {
        var page = 1
        while true {
            let response = try http.expectSuccess(
                "GET", "/ticket/\(id)/history?per_page=100&page=\(page)&fields=Type,Data", retry: retry)
            guard let object = response.json as? [String: Any], let items = object["items"] as? [[String: Any]] else {
                throw TicketError(request: "GET /ticket/\(id)/history", status: response.status, message: "unexpected answer")
            }
            for item in items where (item["Data"] as? String)?.contains(marker) == true {
                return lenientString(item["id"]) ?? ""
            }
            let pages = Int(lenientString(object["pages"]) ?? "1") ?? 1
            if page >= pages || items.isEmpty { return nil }
            page += 1
        }
    }
}
