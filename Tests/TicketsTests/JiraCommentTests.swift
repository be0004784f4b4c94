import Foundation
import Synchronization
import TestSupport
import Testing
import Tickets

/// Jira's comment body is wiki markup rendered from findings.md, with nothing from a case able to
/// become markup or a link; a Jira Service Management project gets internal comments.
struct JiraCommentTests {
    /// Jira wiki markup with every escape (`\X`) and backslash entity removed: what is left is the
    /// markup the renderer wrote itself.
    private static func unescaped(_ wiki: String) -> String {
        var output = ""
        var escaped = false
        for character in wiki.replacingOccurrences(of: "&#92;", with: "") {
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                output.append(character)
            }
        }
        return output
    }

    @Test func markdownBecomesWikiMarkupWithContentEscaped() {
        let wiki = CommentWikiMarkup.render(CommentBodyTests.markdown)
        #expect(wiki.hasPrefix("h2. RDP failure diagnosis: RT\\-7 — cause found\n\nh3. Failure 1 — RDSH\\-01: TLS mismatch — likely\n\n"), "\(wiki)")
        #expect(wiki.contains("\n*WKS\\-1 → RDSH\\-01* at {{2026\\-03\\-24T21:12:40Z}}, *0x904/0x7*\n"), "\(wiki)")
        #expect(wiki.contains("\nHow the host was found\n\n* the user's note said <script>alert\\(1\\)</script> \\*not bold\\* and a \\[link\\]\\(http://evil.example\\)\n* a path C:&#92;Windows&#92;System32 and 5 & 6\n"), "\(wiki)")
        #expect(wiki.contains("\n# Enable TLS 1.2: {{reg add \"HKLM&#92;x\" /v Enabled}}\n# Restart\n"), "\(wiki)")
        #expect(wiki.contains("\n||Cause||Meaning||\n|tls\\-mismatch|a \\| pipe in a cell|\n"), "\(wiki)")
        #expect(wiki.contains("\n{noformat}\nwevtutil qe System /f:xml > <file>.xml\n{noformat}\n"), "\(wiki)")
        #expect(wiki.contains("\nReferences: [https://learn.microsoft.com/x?a=1&b=2]\n"), "\(wiki)")
        #expect(!wiki.contains("**") && !wiki.contains("```") && !wiki.contains("<details>") && !wiki.contains("## "), "no raw Markdown is left: \(wiki)")
    }

    /// Link, macro and table syntax written by a user in a note, log or host name stays text,
    /// wherever in the findings it lands.
    @Test(arguments: [
        "[click|http://evil]",
        "{code}alert(1){code}",
        "|| a || b ||",
        "[~admin] !http://evil/x.png! {color:red}x{color} ??cite?? -strike- +under+ ^sup^ ~sub~ (x) @admin",
        "a\\\\b ends with \\",
    ])
    func hostileTextNeverBecomesMarkup(text: String) {
        for markdown in ["x " + text, "## " + text, "- " + text, "1. " + text, "| h |\n|---|\n| " + text.replacingOccurrences(of: "|", with: "\\|") + " |"] {
            let wiki = CommentWikiMarkup.render(markdown)
            let left = Self.unescaped(wiki)
            let structure = left.filter { "{}[]|*_-+^~!#?()@".contains($0) }
            let expected = markdown.hasPrefix("- ") ? "*" : markdown.hasPrefix("1. ") ? "#" : markdown.hasPrefix("|") ? "||||||" : ""
            #expect(structure == expected, "\(markdown.debugDescription) → \(wiki.debugDescription)")
        }
        let span = CommentWikiMarkup.render("`" + text + "`")
        #expect(Self.unescaped(span).filter { "{}[]|".contains($0) } == "{{}}", "\(span.debugDescription)")
    }

    /// A paragraph beginning like a heading or quotation macro stays a paragraph.
    @Test(arguments: [("h1. Owned", "&#104;1. Owned\n"), ("bq. quoted", "&#98;q. quoted\n"), ("h7. not a heading", "h7. not a heading\n")])
    func aParagraphCannotBecomeAHeadingOrQuote(markdown: String, wiki: String) {
        #expect(CommentWikiMarkup.render(markdown) == wiki)
    }

    @Test func aCodeBlockCannotCloseItsNoformat() {
        let wiki = CommentWikiMarkup.render("```\nbefore\n{noformat}\n[click|http://evil]\n```\n")
        #expect(wiki == "{noformat}\nbefore\n\\{noformat\\}\n[click|http://evil]\n{noformat}\n", "\(wiki.debugDescription)")
    }

    @Test func anAutolinkCannotLeaveItsBrackets() {
        let wiki = CommentWikiMarkup.render("see <https://a.example/x]|[evil|http://evil>")
        #expect(wiki == "see [https://a.example/x%5D%7C%5Bevil%7Chttp://evil]\n", "\(wiki.debugDescription)")
    }

    // MARK: - Requests

    /// A Jira answering the delivery's requests for issue OPS-7 and keeping the comment request bodies.
    private final class CommentCatcher: Sendable {
        let bodies = Mutex<[Data]>([])
        func handle(_ request: RecordedRequest) -> (Int, Data) {
            switch (request.method, request.path + "?" + request.query) {
            case ("GET", "/rest/api/2/issue/OPS-7/comment?startAt=0&maxResults=100"):
                return (200, jsonBody(["startAt": 0, "maxResults": 100, "total": 0, "comments": []]))
            case ("GET", "/rest/api/2/issue/OPS-7?fields=attachment"):
                return (200, jsonBody(["key": "OPS-7", "fields": ["attachment": []]]))
            case ("POST", "/rest/api/2/issue/OPS-7/attachments?"):
                return (200, jsonBody([]))
            case ("POST", "/rest/api/2/issue/OPS-7/comment?"):
                bodies.withLock { $0.append(request.body) }
                return (201, jsonBody(["id": "10001"]))
            default:
                return (404, jsonBody(["errorMessages": ["unexpected \(request.method) \(request.path)"]]))
            }
        }
    }

    /// Delivers through a configuration file with `extra` lines, and returns the comment request body.
    private func postedComment(extra: String) throws -> (findings: Findings, body: Data) {
        let catcher = CommentCatcher()
        let server = try LocalHTTPServer { catcher.handle($0) }
        let folder = try temporaryFolder("jira-comment")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/tickets.yaml"
        try "system: jira\nurl: \(server.url)\ntoken: t\n\(extra)".write(toFile: file, atomically: true, encoding: .utf8)
        let configuration = try #require(try TicketingConfiguration.load(file: file, environment: [:]))
        let findings = Findings(
            caseName: "OPS-7", markdown: Data(CommentBodyTests.markdown.utf8), json: Data("{}".utf8), html: Data("<html></html>".utf8),
            marker: "rdpcause:0123456789abcdef")
        let receipt = try configuration.makeClient().deliver(findings, to: TicketReference(raw: "OPS-7", id: "OPS-7"))
        #expect(receipt.reference == "10001" && !receipt.alreadyPresent)
        let bodies = catcher.bodies.withLock { $0 }
        #expect(bodies.count == 1)
        return (findings, try #require(bodies.first))
    }

    @Test func aJiraCommentIsWikiMarkupWithTheMarker() throws {
        let (findings, body) = try postedComment(extra: "")
        let comment = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        #expect(Array(comment.keys) == ["body"], "a plain Jira comment has no properties: \(comment)")
        let text = try #require(comment["body"] as? String)
        #expect(text == CommentWikiMarkup.render(CommentBodyTests.markdown) + "\n\\[rdpcause:0123456789abcdef\\]\n")
        #expect(text == findings.wikiBodyWithMarker && text.contains(findings.marker))
        #expect(text.hasPrefix("h2. RDP failure diagnosis") && !text.contains("**"), "\(text)")
    }

    @Test func aServiceDeskCommentIsInternal() throws {
        let (findings, body) = try postedComment(extra: "jiraServiceDesk: true\n")
        // The body is encoded with sorted keys: the property must be exactly Jira Service
        // Management's, with a JSON boolean (not 1 or "true").
        let json = String(decoding: body, as: UTF8.self)
        #expect(json.contains(#""properties":[{"key":"sd.public.comment","value":{"internal":true}}]"#), "\(json)")
        let comment = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        #expect(Set(comment.keys) == ["body", "properties"])
        #expect(comment["body"] as? String == findings.wikiBodyWithMarker)
    }

    @Test func theServiceDeskKeyTakesOnlyABoolean() throws {
        let folder = try temporaryFolder("jira-config")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/tickets.yaml"
        try "system: jira\nurl: http://127.0.0.1:1\ntoken: t\njiraServiceDesk: maybe\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect {
            try TicketingConfiguration.load(file: file, environment: [:])
        } throws: { error in
            "\(error)".contains("\(file):4:") && "\(error)".contains("`jiraServiceDesk` must be true or false")
        }
        try "system: jira\nurl: http://127.0.0.1:1\ntoken: t\njiraServiceDesk: false\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try TicketingConfiguration.load(file: file, environment: [:])?.jiraServiceDesk == false)
    }
}
