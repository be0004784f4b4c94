public import Foundation

/// The three findings files of one case, ready to post, and the marker that makes posting idempotent.
public struct Findings: Sendable, Hashable {
    /// The case name (the findings folder name).
    public var caseName: String
    /// `findings.md`, posted as the comment body.
    public var markdown: Data
    /// `findings.json`, attached.
    public var json: Data
    /// `findings.html`, attached.
    public var html: Data
    /// A unique, stable token for this case's content (`rdpcause:` + the first 16 hex digits of the
    /// input's SHA-256). It goes into every comment, so a restarted delivery can look for it on the
    /// ticket before posting again.
    public var marker: String

    /// Creates findings from bytes.
    public init(caseName: String, markdown: Data, json: Data, html: Data, marker: String) {
        self.caseName = caseName
        self.markdown = markdown
        self.json = json
        self.html = html
        self.marker = marker
    }

    /// Reads `findings.md`, `findings.json` and `findings.html` from `directory`. Without an
    /// explicit marker, one is derived from the SHA-256 of the three files.
    public static func load(directory: String, marker: String? = nil) throws(TicketError) -> Findings {
        func read(_ name: String) throws(TicketError) -> Data {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw TicketError(request: "read \(path)", status: nil, message: "cannot read the file")
            }
            return data
        }
        let markdown = try read("findings.md")
        let json = try read("findings.json")
        let html = try read("findings.html")
        let name = (((directory as NSString).standardizingPath) as NSString).lastPathComponent
        var all = Data()
        all.append(markdown)
        all.append(json)
        all.append(html)
        let derived = "rdpcause:" + String(SHA256.hex(of: all).prefix(16))
        return Findings(caseName: name, markdown: markdown, json: json, html: html, marker: marker ?? derived)
    }

    /// The subject line of the comment (carries the marker).
    public var subject: String { "rdpcause findings for \(caseName) [\(marker)]" }

    /// The comment body as an HTML fragment (``CommentHTML``), with the marker as its last paragraph.
    public var htmlBodyWithMarker: String {
        CommentHTML.render(String(decoding: markdown, as: UTF8.self)) + "<p>[\(CommentHTML.escape(marker))]</p>\n"
    }

    /// The comment body as Jira wiki markup (``CommentWikiMarkup``), with the marker as its last
    /// paragraph between escaped brackets (so it is shown as text, not read as a link).
    public var wikiBodyWithMarker: String {
        CommentWikiMarkup.render(String(decoding: markdown, as: UTF8.self)) + "\n\\[\(marker)\\]\n"
    }

    /// The comment body for systems with a single text field: the Markdown plus a marker line.
    public var bodyWithMarker: String {
        var text = String(decoding: markdown, as: UTF8.self)
        if !text.hasSuffix("\n") { text += "\n" }
        return text + "\n[\(marker)]\n"
    }
}

/// What a ticket system answered when the findings were posted.
public struct DeliveryReceipt: Sendable, Hashable, Codable {
    /// The system (`rt`, `jira`, `zendesk`, `servicenow`, `webhook`).
    public var system: String
    /// The ticket as the system names it.
    public var ticket: String
    /// The system's id for the comment or note, when it gives one.
    public var reference: String
    /// `true` when the marker was already on the ticket, so nothing was posted again.
    public var alreadyPresent: Bool

    /// Creates a receipt.
    public init(system: String, ticket: String, reference: String, alreadyPresent: Bool) {
        self.system = system
        self.ticket = ticket
        self.reference = reference
        self.alreadyPresent = alreadyPresent
    }
}

/// A ticket system rdpcause can post findings to.
///
/// Implementations are blocking (see ``HTTPClient``) and idempotent: ``deliver(_:to:)`` first
/// looks for the findings' marker on the ticket and posts only when it is absent.
public protocol TicketClient: Sendable {
    /// The system's short name.
    var system: String { get }
    /// Posts `findings` to `ticket` unless its marker is already there.
    func deliver(_ findings: Findings, to ticket: TicketReference) throws(TicketError) -> DeliveryReceipt
    /// Authenticates, reads `ticket` and says what a delivery to it can and cannot do (read calls only).
    func check(_ ticket: TicketReference) -> TicketCheck
}
