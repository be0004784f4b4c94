import Foundation
import Synchronization
import TestSupport
import Testing
import Tickets

/// The comment body each ticket system renders: HTML for RT and Zendesk, never raw Markdown, and
/// never a tag or link from the findings' content.
struct CommentBodyTests {
    /// Markdown as `MarkdownReport` writes it: content escaped with backslashes and entities.
    static let markdown = """
        ## RDP failure diagnosis: RT-7 — cause found

        ### Failure 1 — RDSH-01: TLS mismatch — likely

        **WKS-1 → RDSH-01** at `2026-03-24T21:12:40Z`, **0x904/0x7**

        <details><summary>How the host was found</summary>

        - the user's note said &lt;script&gt;alert(1)&lt;/script&gt; \\*not bold\\* and a \\[link\\](http\\://evil.example)
        - a path C:\\Windows\\System32 and 5 &amp; 6

        </details>

        1. Enable TLS 1.2: `reg add "HKLM\\x" /v Enabled`
        2. Restart

        | Cause | Meaning |
        |---|---|
        | tls-mismatch | a \\| pipe in a cell |

        ```
        wevtutil qe System /f:xml > <file>.xml
        ```

        References: <https://learn.microsoft.com/x?a=1&b=2>
        """

    @Test func markdownBecomesHTMLWithContentLeftAsText() {
        let html = CommentHTML.render(Self.markdown)
        #expect(html.hasPrefix("<h2>RDP failure diagnosis: RT-7 — cause found</h2>\n<h3>"), "\(html)")
        #expect(html.contains("<p><strong>WKS-1 → RDSH-01</strong> at <code>2026-03-24T21:12:40Z</code>, <strong>0x904/0x7</strong></p>"), "\(html)")
        #expect(html.contains("<details><summary>How the host was found</summary>\n<ul>\n<li>the user's note"), "\(html)")
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; *not bold* and a [link](http://evil.example)"), "\(html)")
        #expect(html.contains("C:\\Windows\\System32 and 5 &amp; 6"), "\(html)")
        #expect(html.contains("<ol>\n<li>Enable TLS 1.2: <code>reg add &quot;HKLM\\x&quot; /v Enabled</code></li>\n<li>Restart</li>\n</ol>"), "\(html)")
        #expect(html.contains("<table>\n<tr><th>Cause</th><th>Meaning</th></tr>\n<tr><td>tls-mismatch</td><td>a | pipe in a cell</td></tr>\n</table>"), "\(html)")
        #expect(html.contains("<pre><code>wevtutil qe System /f:xml &gt; &lt;file&gt;.xml</code></pre>"), "\(html)")
        #expect(html.contains("<a href=\"https://learn.microsoft.com/x?a=1&amp;b=2\">https://learn.microsoft.com/x?a=1&amp;b=2</a>"), "\(html)")
        #expect(!html.contains("<script") && !html.contains("href=\"http://evil"), "\(html)")
        #expect(!html.contains("**") && !html.contains("```"), "no raw Markdown is left: \(html)")
    }

    @Test func requestTrackerGetsAnHTMLComment() throws {
        let posted = Mutex<[Data]>([])
        let server = try LocalHTTPServer { request in
            switch (request.method, request.path) {
            case ("GET", "/REST/2.0/ticket/7/history"):
                return (200, jsonBody(["items": [], "pages": 1]))
            case ("POST", "/REST/2.0/ticket/7/comment"):
                posted.withLock { $0.append(request.body) }
                return (201, jsonBody(["ok": true]))
            default:
                return (404, jsonBody([:]))
            }
        }
        let client = RequestTrackerClient(baseURL: server.url, authorization: "token t", retry: RetryPolicy(maxAttempts: 1))
        let findings = Findings(
            caseName: "RT-7", markdown: Data(Self.markdown.utf8), json: Data("{}".utf8), html: Data("<html></html>".utf8), marker: "rdpcause:abc")
        _ = try client.deliver(findings, to: TicketReference(raw: "RT-7", id: "7"))
        let body = try #require(posted.withLock { $0.first })
        let comment = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        #expect(comment["ContentType"] as? String == "text/html")
        let content = try #require(comment["Content"] as? String)
        #expect(content.hasPrefix("<h2>RDP failure diagnosis") && content.hasSuffix("<p>[rdpcause:abc]</p>\n"), "\(content)")
        #expect((comment["Attachments"] as? [[String: Any]])?.map { $0["FileName"] as? String ?? "" } == ["findings.json", "findings.html"])
    }
}
