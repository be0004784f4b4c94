import Foundation
import TestSupport
import Testing

/// `attach --dry-run` prints the requests it would send, with credentials masked, and sends nothing.
@Suite(.enabled(if: RDPCauseCommand.path != nil, "the rdpcause executable is not built next to the tests"))
struct DeliveryDryRunTests {
    /// A findings folder with small, known files.
    func findingsFolder(in work: String) throws -> String {
        let folder = work + "/RT-42"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data("# Findings\n\nThe host was asleep.\n".utf8).write(to: URL(fileURLWithPath: folder + "/findings.md"))
        try Data(#"{"verdict":"host-asleep"}"#.utf8).write(to: URL(fileURLWithPath: folder + "/findings.json"))
        try Data("<html><body>asleep</body></html>".utf8).write(to: URL(fileURLWithPath: folder + "/findings.html"))
        return folder
    }

    @Test(arguments: [
        ("rt", ["RDPCAUSE_RT_TOKEN": "1-14-sekrit-token-value"], "token ***"),
        ("jira", ["RDPCAUSE_JIRA_USER": "ann@example.org", "RDPCAUSE_JIRA_TOKEN": "sekrit-token-value"], "Basic ***"),
        ("zendesk", ["RDPCAUSE_ZENDESK_TOKEN": "sekrit-token-value"], "Bearer ***"),
        ("servicenow", ["RDPCAUSE_SERVICENOW_USER": "ann", "RDPCAUSE_SERVICENOW_PASSWORD": "sekrit-token-value"], "Basic ***"),
        ("webhook", ["RDPCAUSE_WEBHOOK_TOKEN": "sekrit-token-value"], "Bearer ***"),
    ])
    func attachDryRunSendsNothingAndMasksTheCredentials(system: String, credentials: [String: String], authorization: String)
        throws
    {
        let work = try temporaryFolder("dry-run")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let folder = try findingsFolder(in: work)
        let server = try LocalHTTPServer { _ in (200, Data("{}".utf8)) }
        let prefix = "RDPCAUSE_\(system.uppercased())_"
        let environment = credentials.merging([
            "RDPCAUSE_TICKET_SYSTEM": system, prefix + "URL": "http://ann:url-sekrit-password@127.0.0.1:\(server.port)",
        ]) { mine, _ in mine }
        let ticket = system == "servicenow" ? "INC0012345" : system == "jira" ? "OPS-7" : "42"
        let run = try RDPCauseCommand.run(
            ["attach", "--dry-run", "--ticket", ticket, folder], environment: environment, timeout: 60)
        #expect(run.status == 0, "\(run.outputText) \(run.errorText)")
        #expect(server.requests.isEmpty, "a dry run sent \(server.requests.map { "\($0.method) \($0.path)" })")
        let all = run.outputText + run.errorText
        for secret in ["sekrit-token-value", "url-sekrit-password", "ann:url"] {
            #expect(!all.contains(secret), "\(system): the output shows \(secret): \(all)")
        }
        #expect(all.contains("Authorization: \(authorization)"), "\(all)")
        #expect(all.contains("http://***@127.0.0.1:\(server.port)"), "\(all)")
        #expect(all.contains("requests to \(system) ticket \(ticket) not sent"), "\(all)")
        if system != "webhook" {
            // The attachments are named with their sizes (findings.json is 25 bytes).
            #expect(all.contains("findings.json"), "\(all)")
            #expect(all.contains("25 bytes"), "\(all)")
        }
    }

    @Test func attachDryRunToAClosedPortStillSucceeds() throws {
        let work = try temporaryFolder("dry-run-closed")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let folder = try findingsFolder(in: work)
        // Port 9 (discard) on the loopback: nothing listens there; a real attach fails with 69.
        let environment = ["RDPCAUSE_RT_URL": "http://127.0.0.1:9", "RDPCAUSE_RT_TOKEN": "1-14-sekrit-token-value"]
        let dry = try RDPCauseCommand.run(["attach", "--dry-run", "--ticket", "RT-42", folder], environment: environment)
        #expect(dry.status == 0, "\(dry.outputText) \(dry.errorText)")
        #expect(dry.outputText.contains("POST http://127.0.0.1:9/REST/2.0/ticket/42/comment"), "\(dry.outputText)")
        let real = try RDPCauseCommand.run(
            ["attach", "--ticket", "RT-42", folder], environment: environment)
        #expect(real.status == 69, "\(real.outputText) \(real.errorText)")
    }
}

/// `watch --dry-run` logs the requests each delivery would send and sends nothing; the case stays
/// waiting in the ledger, so the next real run delivers it.
@Suite(.enabled(if: RDPCauseCommand.path != nil, "the rdpcause executable is not built next to the tests"))
struct WatchDryRunTests {
    @Test func watchDryRunSendsNothingAndTheNextRunDelivers() throws {
        let work = try temporaryFolder("watch-dry-run")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let drop = work + "/drop"
        try FileManager.default.createDirectory(atPath: drop, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: RDPCauseCommand.repository + "/SampleLogs/tls-mismatch.zip", toPath: drop + "/RT-42.zip")
        let server = try LocalHTTPServer { request in
            request.method == "GET" ? (200, Data(#"{"items":[],"pages":1}"#.utf8)) : (201, Data("[\"ok\"]".utf8))
        }
        let environment = ["RDPCAUSE_RT_URL": server.url, "RDPCAUSE_RT_TOKEN": "1-14-sekrit-token-value"]
        let arguments = ["watch", "--once", "--log-format", "json", drop, "--output", work + "/out"]
        let dry = try RDPCauseCommand.run(arguments + ["--dry-run"], environment: environment)
        #expect(dry.status == 0, "\(dry.errorText)")
        #expect(server.requests.isEmpty, "a dry run sent \(server.requests.map { "\($0.method) \($0.path)" })")
        #expect(!dry.errorText.contains("sekrit-token-value"), "\(dry.errorText)")
        let records = dry.errorText.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
        let post = records.first { $0["msg"] as? String == "dry run: request not sent" && $0["method"] as? String == "POST" }
        #expect(post?["url"] as? String == server.url + "/REST/2.0/ticket/42/comment", "\(dry.errorText)")
        #expect((post?["headers"] as? String)?.contains("Authorization: token ***") == true, "\(dry.errorText)")
        #expect((post?["body"] as? String)?.contains("findings.json") == true, "\(dry.errorText)")
        #expect(!records.contains { $0["msg"] as? String == "findings delivered" }, "\(dry.errorText)")

        let real = try RDPCauseCommand.run(arguments, environment: environment)
        #expect(real.status == 0, "\(real.errorText)")
        #expect(
            server.requests.contains { $0.method == "POST" && $0.path == "/REST/2.0/ticket/42/comment" },
            "the case was not delivered after the dry run: \(real.errorText)")
    }
}

/// `tickets check` as a process: exit 0 when a delivery can go through, 1 when the ticket is
/// missing (RT's own words shown), 69 when the credentials are refused, 78 without configuration.
@Suite(.enabled(if: RDPCauseCommand.path != nil, "the rdpcause executable is not built next to the tests"))
struct TicketsCheckCommandTests {
    @Test func exitStatusFollowsTheAnswers() throws {
        let server = try LocalHTTPServer { request in
            guard request.headers["authorization"] == "token good-token" else { return (401, jsonBody(["message": "Unauthorized"])) }
            switch request.path {
            case "/REST/2.0/ticket/7":
                return (200, jsonBody(["id": 7, "Subject": "Cannot\u{1B}[2J connect", "Status": "open", "_hyperlinks": [["ref": "comment"]]]))
            case "/REST/2.0/ticket/7/history": return (200, jsonBody(["items": [], "pages": 1]))
            default: return (404, jsonBody(["message": "Resource does not exist"]))
            }
        }
        func check(_ ticket: String, token: String) throws -> RDPCauseCommand.Run {
            try RDPCauseCommand.run(
                ["tickets", "check", "--ticket", ticket], environment: ["RDPCAUSE_RT_URL": server.url, "RDPCAUSE_RT_TOKEN": token])
        }
        let good = try check("RT-7", token: "good-token")
        #expect(good.status == 0, "\(good.outputText) \(good.errorText)")
        #expect(good.outputText.contains("yes      comment on it"), "\(good.outputText)")
        #expect(!good.output.contains(0x1B), "the subject reached the terminal unescaped")
        let missing = try check("RT-8", token: "good-token")
        #expect(missing.status == 1, "\(missing.outputText) \(missing.errorText)")
        #expect(missing.outputText.contains("Resource does not exist"), "\(missing.outputText)")
        let refused = try check("RT-7", token: "bad-token")
        #expect(refused.status == 69, "\(refused.outputText) \(refused.errorText)")
        #expect(!(refused.outputText + refused.errorText).contains("bad-token"))
        let unconfigured = try RDPCauseCommand.run(["tickets", "check", "--ticket", "RT-7"])
        #expect(unconfigured.status == 78, "\(unconfigured.errorText)")
    }
}
