import Foundation
import TestSupport
import Testing

@testable import Tickets

private let fast = RetryPolicy(maxAttempts: 2, initialDelay: 0.01, maxDelay: 0.02)

/// `tickets check` against fake ticket systems: read calls only, the system's own error text on a refusal.
struct TicketCheckTests {
    /// A fake RT 5: ticket 7 exists (with or without the comment link), everything else is 404;
    /// a token other than `good` is refused with RT's 401 body.
    func fakeRT(commentLink: Bool) throws -> LocalHTTPServer {
        try LocalHTTPServer { request in
            guard request.headers["authorization"] == "token good" else { return (401, jsonBody(["message": "Unauthorized"])) }
            switch request.path {
            case "/REST/2.0/ticket/7":
                let links: [[String: Any]] = [["ref": "self"], ["ref": "history"]] + (commentLink ? [["ref": "comment"]] : [])
                return (200, jsonBody(["id": 7, "Subject": "Cannot connect", "Status": "open", "_hyperlinks": links]))
            case "/REST/2.0/ticket/7/history": return (200, jsonBody(["items": [], "pages": 1]))
            default: return (404, jsonBody(["message": "Resource does not exist"]))
            }
        }
    }

    @Test func rtTicketWithTheCommentLinkPasses() throws {
        let server = try fakeRT(commentLink: true)
        let report = RequestTrackerClient(baseURL: server.url, authorization: "token good", retry: fast)
            .check(TicketReference(raw: "RT-7", id: "7"))
        #expect(report.passed, "\(report.lines)")
        #expect(report.items.map(\.answer) == [.yes, .yes, .yes], "\(report.lines)")
        #expect(report.items.first?.detail == "\"Cannot connect\" (open)")
        #expect(server.requests.allSatisfy { $0.method == "GET" }, "a check only reads")
    }

    @Test func rtTicketWithoutTheCommentRightSaysNo() throws {
        let server = try fakeRT(commentLink: false)
        let report = RequestTrackerClient(baseURL: server.url, authorization: "token good", retry: fast)
            .check(TicketReference(raw: "RT-7", id: "7"))
        #expect(!report.passed && report.unavailable == nil)
        #expect(report.items.first { $0.capability == "comment on it" }?.answer == .no, "\(report.lines)")
    }

    @Test func rtMissingTicketQuotesRT() throws {
        let server = try fakeRT(commentLink: true)
        let report = RequestTrackerClient(baseURL: server.url, authorization: "token good", retry: fast)
            .check(TicketReference(raw: "RT-8", id: "8"))
        #expect(report.unavailable == nil)
        let found = try #require(report.items.first, "\(report.lines)")
        #expect(found.answer == .no)
        #expect(found.detail.contains("HTTP 404") && found.detail.contains("Resource does not exist"), "\(found.detail)")
    }

    @Test func rtRefusedTokenIsUnavailableAndNotEchoed() throws {
        let server = try fakeRT(commentLink: true)
        let report = RequestTrackerClient(baseURL: server.url, authorization: "token wrong-secret", retry: fast)
            .check(TicketReference(raw: "RT-7", id: "7"))
        #expect(report.unavailable?.status == 401, "\(report.lines)")
        #expect(report.lines.joined().contains("Unauthorized"))
        #expect(!report.lines.joined().contains("wrong-secret"))
    }

    @Test func jiraPermissionsAreAskedFor() throws {
        let server = try LocalHTTPServer { request in
            switch request.path {
            case "/rest/api/2/issue/OPS-7":
                return (200, jsonBody(["key": "OPS-7", "fields": ["summary": "RDP fails", "status": ["name": "Open"]]]))
            case "/rest/api/2/mypermissions":
                return (
                    200,
                    jsonBody([
                        "permissions": ["ADD_COMMENTS": ["havePermission": true], "CREATE_ATTACHMENTS": ["havePermission": false]]
                    ])
                )
            default: return (404, jsonBody(["errorMessages": ["Issue does not exist or you do not have permission to see it."]]))
            }
        }
        let client = JiraClient(baseURL: server.url, authorization: "Bearer x", retry: fast)
        let report = client.check(TicketReference(raw: "OPS-7", id: "OPS-7"))
        #expect(report.items.map(\.capability) == ["find the ticket", "comment on it", "attach files to it"], "\(report.lines)")
        #expect(report.items.map(\.answer) == [.yes, .yes, .no], "\(report.lines)")
        #expect(server.requests.contains { $0.query.contains("issueKey=OPS-7") && $0.query.contains("ADD_COMMENTS") })
        let missing = client.check(TicketReference(raw: "OPS-8", id: "OPS-8"))
        #expect(missing.items.first?.detail.contains("Issue does not exist") == true, "\(missing.lines)")
    }

    @Test func unreachableSystemIsUnavailable() {
        let report = ZendeskClient(baseURL: "http://127.0.0.1:9", authorization: "Bearer x", retry: fast, timeout: 2)
            .check(TicketReference(raw: "42", id: "42"))
        #expect(report.unavailable != nil && report.unavailable?.status == nil, "\(report.lines)")
    }
}
