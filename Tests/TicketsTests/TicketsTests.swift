import Foundation
import Synchronization
import TestSupport
import Testing

@testable import Tickets

private func sampleFindings(_ marker: String = "rdpcause:test-\(UUID().uuidString.prefix(8))") -> Findings {
    Findings(
        caseName: "RT-7", markdown: Data("# Findings\n\n- cause: **tls-mismatch** é✓\r\n".utf8),
        json: Data(#"{"verdict":"cause-found","n":1}"#.utf8), html: Data("<html><body><h1>x</h1></body></html>\n".utf8),
        marker: marker)
}

private let fast = RetryPolicy(maxAttempts: 3, initialDelay: 0.01, maxDelay: 0.02)

struct TicketFinderTests {
    @Test func findsDefaultPatternsInNamesAndTicketFiles() throws {
        let finder = try TicketFinder()
        #expect(finder.find(in: "RT-1234.zip")?.id == "1234")
        #expect(finder.find(in: "case-INC0012345.tar.zst")?.id == "INC0012345")
        #expect(finder.find(in: "customer #77 logs")?.id == "77")
        #expect(finder.find(in: "case-without-ticket.zip") == nil)
        let fromText = finder.find(caseName: "logs.zip", documents: [("/x/logs.zip!c/ticket.txt", "Tokyo office - ticket 4471 (JST)")])
        #expect(fromText?.id == "4471")
        let fromJSON = finder.find(caseName: "RT-1.zip", documents: [("/x/ticket.json", #"{"ticket": "RT-99"}"#)])
        #expect(fromJSON?.id == "99")
        let custom = try TicketFinder(patterns: [#"\b(OPS-\d+)\b"#])
        #expect(custom.find(in: "OPS-12 laptop")?.id == "OPS-12")
        #expect(throws: TicketError.self) { try TicketFinder(patterns: ["(unclosed"]) }
    }

    @Test func sha256MatchesKnownVectors() {
        #expect(SHA256.hex(of: Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hex(of: long) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        var split = SHA256()
        split.update(Array(long[0..<63]))
        split.update(Array(long[63...]))
        #expect(split.finalizeHex() == SHA256.hex(of: long))
    }
}

struct ConfigurationTests {
    @Test func credentialsComeFromEnvironmentAndAreNeverPrinted() throws {
        let environment = ["RDPCAUSE_RT_URL": "http://127.0.0.1:1", "RDPCAUSE_RT_TOKEN": "1-14-secret-token"]
        let configuration = try #require(try TicketingConfiguration.load(file: nil, environment: environment))
        #expect(configuration.system == "rt")
        #expect(!configuration.description.contains("secret"))
        #expect(try TicketingConfiguration.load(file: nil, environment: [:]) == nil)
        #expect(throws: TicketError.self) {
            try TicketingConfiguration.load(file: nil, environment: ["RDPCAUSE_TICKET_SYSTEM": "bugzilla"])
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rdpcause-\(UUID()).yaml").path
        try "system: jira\nurl: http://127.0.0.1:2\nuser: a@b.c\ntoken: t0k\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let fromFile = try #require(try TicketingConfiguration.load(file: file, environment: [:]))
        #expect(fromFile.system == "jira" && fromFile.user == "a@b.c" && fromFile.token == "t0k")
        #expect(try fromFile.makeClient().system == "jira")
    }
}

struct RetryTests {
    @Test func retriesServerErrorsButNotClientErrors() throws {
        let calls = Mutex(0)
        let server = try LocalHTTPServer { request in
            let n = calls.withLock { count -> Int in
                count += 1
                return count
            }
            if request.path == "/flaky" { return n < 3 ? (503, jsonBody(["e": "busy"])) : (200, jsonBody(["ok": true])) }
            return (404, jsonBody(["e": "missing"]))
        }
        let client = HTTPClient(baseURL: server.url, authorization: "Bearer x")
        let answer = try client.expectSuccess("GET", "/flaky", retry: fast)
        #expect(answer.status == 200)
        #expect(calls.withLock { $0 } == 3)
        calls.withLock { $0 = 0 }
        #expect(throws: TicketError.self) { try client.expectSuccess("GET", "/gone", retry: fast) }
        #expect(calls.withLock { $0 } == 1)
        // A refused connection is a transport failure: retried, then reported as retryable.
        let dead = HTTPClient(baseURL: "http://127.0.0.1:9", authorization: nil, timeout: 2)
        do {
            _ = try dead.expectSuccess("GET", "/", retry: fast)
            Issue.record("a refused connection must fail")
        } catch {
            #expect(error.isRetryable && error.status == nil)
        }
    }
}

struct LocalServerClientTests {
    @Test func jiraAttachesWithNoCheckHeaderThenCommentsOnce() throws {
        let jira = FakeJira()
        let server = try LocalHTTPServer { jira.handle($0) }
        let client = JiraClient(baseURL: server.url, authorization: "Basic eDp5", retry: fast)
        let findings = sampleFindings()
        let first = try client.deliver(findings, to: TicketReference(raw: "OPS-7", id: "OPS-7"))
        #expect(!first.alreadyPresent)
        let second = try client.deliver(findings, to: TicketReference(raw: "OPS-7", id: "OPS-7"))
        #expect(second.alreadyPresent)
        let issue = try #require(jira.issues.withLock { $0["OPS-7"] })
        #expect(issue.comments.count == 1)
        #expect(issue.comments[0] == findings.wikiBodyWithMarker)
        #expect(issue.comments[0].contains(findings.marker))
        #expect(issue.attachments.map(\.name).sorted() == ["findings.html", "findings.json"])
        #expect(issue.attachments.first { $0.name == "findings.json" }?.data == findings.json)
        #expect(issue.attachments.first { $0.name == "findings.html" }?.data == findings.html)
        #expect(jira.violations.withLock { $0 }.isEmpty, "\(jira.violations.withLock { $0 })")
        // Crash between attachments and comment: attachments already there are not uploaded again.
        let other = Findings(caseName: "x", markdown: findings.markdown, json: findings.json, html: findings.html, marker: "rdpcause:other")
        _ = try client.deliver(other, to: TicketReference(raw: "OPS-7", id: "OPS-7"))
        #expect(jira.issues.withLock { $0["OPS-7"]?.attachments.count } == 2)
        #expect(jira.issues.withLock { $0["OPS-7"]?.comments.count } == 2)
    }

    @Test func zendeskUploadsThenCommentsWithTokens() throws {
        let comments = Mutex<[(body: String, isPublic: Bool?)]>([])
        let uploads = Mutex<[String: Data]>([:])
        let problems = Mutex<[String]>([])
        let server = try LocalHTTPServer { request in
            switch (request.method, request.path) {
            case ("GET", "/api/v2/tickets/42/comments.json"):
                let list = comments.withLock { $0.map { ["id": 1, "body": $0.body] } }
                return (200, jsonBody(["comments": list, "next_page": NSNull()]))
            case ("POST", "/api/v2/uploads.json"):
                guard request.query.hasPrefix("filename=findings."), request.headers["content-type"] != nil else {
                    problems.withLock { $0.append("upload without filename or type: \(request.query)") }
                    return (400, jsonBody([:]))
                }
                let token = "tok-\(request.query.dropFirst("filename=".count))"
                uploads.withLock { $0[token] = request.body }
                return (201, jsonBody(["upload": ["token": token]]))
            case ("PUT", "/api/v2/tickets/42.json"):
                guard let comment = (request.json?["ticket"] as? [String: Any])?["comment"] as? [String: Any],
                    let body = comment["html_body"] as? String, comment["body"] == nil, (comment["uploads"] as? [String])?.count == 2
                else {
                    problems.withLock { $0.append("bad ticket update") }
                    return (422, jsonBody([:]))
                }
                let isPublic = comment["public"] as? Bool
                comments.withLock { $0.append((body, isPublic)) }
                return (200, jsonBody(["audit": ["id": 9001]]))
            default:
                problems.withLock { $0.append("unexpected \(request.method) \(request.path)") }
                return (404, jsonBody([:]))
            }
        }
        let client = ZendeskClient(baseURL: server.url, authorization: "Basic eDp5", retry: fast)
        let findings = sampleFindings()
        let receipt = try client.deliver(findings, to: TicketReference(raw: "#42", id: "42"))
        #expect(receipt.reference == "9001" && !receipt.alreadyPresent)
        #expect(try client.deliver(findings, to: TicketReference(raw: "#42", id: "42")).alreadyPresent)
        #expect(comments.withLock { $0.count } == 1)
        #expect(comments.withLock { $0.first?.isPublic } == false)
        let html = comments.withLock { $0.first?.body } ?? ""
        #expect(html.hasPrefix("<h1>Findings</h1>") && html.contains("[\(findings.marker)]</p>"), "\(html)")
        #expect(uploads.withLock { $0["tok-findings.json"] } == findings.json)
        #expect(uploads.withLock { $0["tok-findings.html"] } == findings.html)
        #expect(problems.withLock { $0 }.isEmpty, "\(problems.withLock { $0 })")
    }

    @Test func serviceNowUsesAttachmentAPIAndWorkNotes() throws {
        let notes = Mutex<[String]>([])
        let files = Mutex<[String: Data]>([:])
        let problems = Mutex<[String]>([])
        let server = try LocalHTTPServer { request in
            switch (request.method, request.path) {
            case ("GET", "/api/now/table/incident"):
                guard request.query.contains("number=INC0012345") else { return (200, jsonBody(["result": []])) }
                return (200, jsonBody(["result": [["sys_id": "abc123"]]]))
            case ("GET", "/api/now/table/sys_journal_field"):
                let marker = request.query.components(separatedBy: "valueLIKE").last?.components(separatedBy: "&").first ?? "?"
                let found = notes.withLock { $0.contains { $0.contains(marker) } }
                return (200, jsonBody(["result": found ? [["sys_id": "j1"]] : []]))
            case ("GET", "/api/now/attachment"):
                let list = files.withLock { $0.map { ["file_name": $0.key, "size_bytes": "\($0.value.count)"] } }
                return (200, jsonBody(["result": list]))
            case ("POST", "/api/now/attachment/file"):
                guard request.query.contains("table_name=incident"), request.query.contains("table_sys_id=abc123"),
                    let name = request.query.components(separatedBy: "file_name=").last, request.headers["content-type"] != nil
                else {
                    problems.withLock { $0.append("bad attachment query \(request.query)") }
                    return (400, jsonBody([:]))
                }
                files.withLock { $0[name] = request.body }
                return (201, jsonBody(["result": ["sys_id": "att"]]))
            case ("PATCH", "/api/now/table/incident/abc123"):
                guard let note = request.json?["work_notes"] as? String else {
                    problems.withLock { $0.append("PATCH without work_notes") }
                    return (400, jsonBody([:]))
                }
                notes.withLock { $0.append(note) }
                return (200, jsonBody(["result": ["sys_id": "abc123"]]))
            default:
                problems.withLock { $0.append("unexpected \(request.method) \(request.path)") }
                return (404, jsonBody([:]))
            }
        }
        let client = ServiceNowClient(baseURL: server.url, authorization: "Basic eDp5", retry: fast)
        let findings = sampleFindings()
        let reference = TicketReference(raw: "INC0012345", id: "INC0012345")
        #expect(try !client.deliver(findings, to: reference).alreadyPresent)
        #expect(try client.deliver(findings, to: reference).alreadyPresent)
        #expect(notes.withLock { $0.count } == 1)
        #expect(files.withLock { $0["findings.json"] } == findings.json)
        #expect(files.withLock { $0["findings.html"] } == findings.html)
        #expect(problems.withLock { $0 }.isEmpty, "\(problems.withLock { $0 })")
        #expect(throws: TicketError.self) { try client.deliver(findings, to: TicketReference(raw: "INC9", id: "INC9")) }
    }

    @Test func webhookPostsJSONWithIdempotencyKey() throws {
        let server = try LocalHTTPServer { _ in (202, jsonBody(["ok": true])) }
        let client = WebhookClient(url: server.url + "/hook", authorization: "Bearer s3cret", retry: fast)
        let findings = sampleFindings()
        _ = try client.deliver(findings, to: TicketReference(raw: "RT-7", id: "7"))
        let request = try #require(server.requests.first)
        #expect(request.method == "POST" && request.path == "/hook")
        #expect(request.headers["idempotency-key"] == findings.marker)
        #expect(request.headers["authorization"] == "Bearer s3cret")
        let payload = try #require(request.json)
        #expect(payload["ticket"] as? String == "7" && payload["marker"] as? String == findings.marker)
        #expect((payload["diagnosis"] as? [String: Any])?["verdict"] as? String == "cause-found")
        #expect(payload["markdown"] as? String == String(decoding: findings.markdown, as: UTF8.self))
    }
}

@Suite(.enabled(if: RTEnvironment.isAvailable, "needs RT5 from scripts/rt5-up.sh (see /var/lib/rt5-up/env)"))
struct RequestTrackerTests {
    @Test func commentCarriesRenderedHTMLAndBothAttachmentsByteForByte() throws {
        let rt = try #require(RTEnvironment.current)
        let ticket = try rt.createTicket(subject: "TicketsTests \(UUID())")
        let client = RequestTrackerClient(baseURL: rt.url, authorization: "token \(rt.token)", retry: fast)
        let findings = sampleFindings()
        let receipt = try client.deliver(findings, to: TicketReference(raw: "RT-\(ticket)", id: ticket))
        #expect(!receipt.alreadyPresent && !receipt.reference.isEmpty)
        #expect(try client.deliver(findings, to: TicketReference(raw: "RT-\(ticket)", id: ticket)).alreadyPresent)
        let comments = try rt.comments(ticket: ticket, marker: findings.marker)
        #expect(comments.count == 1)
        let attachments = try rt.attachments(transaction: try #require(comments.first))
        #expect(attachments.first { $0.name == "findings.json" }?.data == findings.json)
        #expect(attachments.first { $0.name == "findings.html" }?.data == findings.html)
        // RT stores the comment body as an HTML part (rendered from findings.md, so the ticket shows
        // headings, lists and tables, not raw Markdown); it normalises line ends, so compare lines.
        func lines(_ data: Data) -> [Substring] {
            String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n")
        }
        let body = try #require(attachments.first { $0.name.isEmpty && $0.type == "text/html" }, "\(attachments.map(\.type))")
        #expect(lines(body.data) == lines(Data(findings.htmlBodyWithMarker.utf8)))
        #expect(String(decoding: body.data, as: UTF8.self).contains("<h"), "the Markdown headings arrive as HTML headings")
        // A ticket that does not exist is a 4xx: not retried, reported as permanent.
        do {
            _ = try client.deliver(findings, to: TicketReference(raw: "RT-999999", id: "999999"))
            Issue.record("delivery to a missing ticket must fail")
        } catch {
            #expect(!error.isRetryable)
        }
    }

    @Test func attachCommandPostsAFindingsFolder() throws {
        let rt = try #require(RTEnvironment.current)
        let ticket = try rt.createTicket(subject: "attach \(UUID())")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rdpcause-attach-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let findings = sampleFindings()
        try findings.markdown.write(to: URL(fileURLWithPath: folder + "/findings.md"))
        try findings.json.write(to: URL(fileURLWithPath: folder + "/findings.json"))
        try findings.html.write(to: URL(fileURLWithPath: folder + "/findings.html"))
        for expected in ["posted to rt ticket \(ticket)", "already on rt ticket \(ticket)"] {
            let run = try RDPCauseCommand.run(
                ["attach", "--ticket", "RT-\(ticket)", folder], environment: ["RDPCAUSE_RT_URL": rt.url, "RDPCAUSE_RT_TOKEN": rt.token])
            #expect(run.status == 0)
            #expect(run.outputText.contains(expected), "\(run.outputText)")
            #expect(!run.outputText.contains(rt.token) && !run.errorText.contains(rt.token))
        }
        let marker = try Findings.load(directory: folder).marker
        #expect(try rt.comments(ticket: ticket, marker: marker).count == 1)
    }
}

struct CredentialSafetyTests {
    private func configuration(_ text: String) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rdpcause-\(UUID()).yaml").path
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// YAML errors quote the offending line; the configuration's errors must name the file, line
    /// and column and the reason, but never echo a line (the line may hold the token). The line
    /// expected is where the construct in error starts (libyaml's context), the problem's own
    /// position follows in the message.
    @Test(arguments: [
        ("system: rt\nurl: http://127.0.0.1:1\ntoken: \"1-14-S3CRET-T0KEN\n", 3),  // unterminated quote
        ("system: rt\nurl: http://127.0.0.1:1\ntoken: 1-14-S3CRET: T0KEN\n", 3),  // a colon in a plain scalar
        ("system: rt\nurl: http://127.0.0.1:1\ntoken: [1-14-S3CRET-T0KEN\n", 3),  // unclosed flow sequence
        ("system: rt\nurl: http://127.0.0.1:1\n\ttoken: 1-14-S3CRET-T0KEN\n", 2),  // a tab continuing line 2's scalar
        ("system: rt\nurl: http://127.0.0.1:1\ntoken: {1-14-S3CRET-T0KEN: x}\n", 3),  // not a string
        ("system: rt\nurl: http://127.0.0.1:1\ntoken: 1-14-S3CRET-T0KEN\ntoken: 1-14-S3CRET-T0KEN\n", 3),  // given twice
        ("system: rt\nurl: http://127.0.0.1:1\ntimeout: 1-14-S3CRET-T0KEN\n", 3),  // not a number
    ])
    func configurationErrorsNameThePlaceButNeverEchoTheLine(text: String, line: Int) throws {
        let file = try configuration(text)
        defer { try? FileManager.default.removeItem(atPath: file) }
        do {
            _ = try TicketingConfiguration.load(file: file, environment: [:])
            Issue.record("the configuration was accepted")
        } catch {
            #expect(!error.description.contains("S3CRET") && !error.description.contains("T0KEN"), "\(error)")
            #expect(error.description.contains("\(file):\(line):"), "\(error)")
        }
    }

    /// A key rdpcause does not know (a typo such as `tokne:`) is an error with its place, not ignored.
    @Test func unknownKeysAreReported() throws {
        let file = try configuration("system: rt\nurl: http://127.0.0.1:1\ntokne: 1-14-S3CRET\n")
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(throws: TicketError.self) { try TicketingConfiguration.load(file: file, environment: [:]) }
    }

    /// A misspelt key names the known key nearest to it, and never echoes its own line.
    @Test(arguments: [("servicenow_table: change_request\n", "servicenowTable"), ("tokne: 1-14-S3CRET\n", "token"), ("ticket_patterns: []\n", "ticketPatterns"), ("timout: 5\n", "timeout"), ("jira_service_desk: true\n", "jiraServiceDesk")])
    func anUnknownKeyNamesTheNearestKnownOne(line: String, nearest: String) throws {
        let file = try configuration("system: servicenow\nurl: http://127.0.0.1:1\n" + line)
        defer { try? FileManager.default.removeItem(atPath: file) }
        do {
            _ = try TicketingConfiguration.load(file: file, environment: [:])
            Issue.record("the configuration was accepted")
        } catch {
            #expect(error.description.contains("\(file):3:"), "\(error)")
            #expect(error.description.contains("unknown key; did you mean `\(nearest)`?"), "\(error)")
            #expect(!error.description.contains("S3CRET") && !error.description.contains("change_request"), "\(error)")
        }
    }

    /// User information in a URL is masked wherever the configuration is described.
    @Test func describedURLsHaveTheirUserInformationMasked() throws {
        let configuration = TicketingConfiguration(system: "rt", url: "https://alice:hunter2@rt.example:8443/rt?x=1", token: "t")
        #expect(!configuration.description.contains("hunter2") && !configuration.description.contains("alice"))
        #expect(configuration.description.contains("https://") && configuration.description.contains("@rt.example:8443/rt"))
        #expect(RedactedURL("https://alice:hunter2@rt.example:8443/rt").description == "https://***@rt.example:8443/rt")
        #expect(RedactedURL("http://rt.example/a@b").description == "http://rt.example/a@b")
        #expect(RedactedURL("not a url at all").description == "not a url at all")
    }

    /// A server that echoes the request (as some error pages do) must not put the credentials
    /// into the error message, which is logged and written to the ledger.
    @Test func errorsNeverCarryTheAuthorization() throws {
        let server = try LocalHTTPServer { request in
            (401, Data("denied for \(request.headers["authorization"] ?? "")".utf8))
        }
        for authorization in ["token 1-14-S3CRET", "Bearer S3CRET", "Basic " + Data("bob:S3CRET".utf8).base64EncodedString()] {
            let client = HTTPClient(baseURL: server.url, authorization: authorization)
            do {
                _ = try client.expectSuccess("GET", "/x", retry: fast)
                Issue.record("a 401 must fail")
            } catch {
                #expect(error.status == 401)
                #expect(!error.description.contains("S3CRET") && !error.description.contains(authorization), "\(error)")
            }
        }
    }
}

/// The hashes behind RDPClient 1029 (the user name a client connects with): FIPS 180 test vectors.
@Suite("SHA-1 and SHA-256 digests")
struct DigestTests {
    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    @Test(arguments: [
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
    ])
    func sha1(text: String, expected: String) {
        #expect(Self.hex(SHA1.digest(of: Array(text.utf8))) == expected)
    }

    @Test func sha1OfAMillionAs() {
        #expect(Self.hex(SHA1.digest(of: [UInt8](repeating: 0x61, count: 1_000_000))) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    @Test(arguments: ["", "abc", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"])
    func sha256DigestIsItsHex(text: String) {
        #expect(Self.hex(SHA256.digest(of: Array(text.utf8))) == SHA256.hex(of: Array(text.utf8)))
    }
}
