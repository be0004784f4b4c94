import Foundation
import Synchronization

/// One request a dry run would have sent, with every credential masked.
public struct PlannedRequest: Sendable, Hashable {
    /// The method, e.g. `POST`.
    public var method: String
    /// The full URL, user information masked (``RedactedURL``) and the client's secrets replaced by `***`.
    public var url: String
    /// The headers as `Name: value`, sorted by name; `Authorization` shows only its scheme (`token ***`).
    public var headers: [String]
    /// A summary of the body: JSON with long strings and file contents shortened to their size,
    /// the parts of a multipart form, or the byte count of a raw upload; empty without a body.
    public var body: String

    /// The request as text lines: `METHOD URL`, one indented line per header, then the body summary.
    public var lines: [String] {
        ["\(method) \(url)"] + headers.map { "  " + $0 } + (body.isEmpty ? [] : ["  body: \(body)"])
    }
}

/// Collects the requests a ticket client would send, instead of sending them (`--dry-run`).
///
/// A client built with a recorder (``TicketingConfiguration/makeClient(recorder:)``) opens no
/// connection: every request is recorded and answered with ``placeholderAnswer``, which every
/// client reads as "the ticket exists, the findings are not on it yet", so the whole delivery is
/// planned: reads, uploads and the comment.
public final class RequestRecorder: Sendable {
    private let planned = Mutex<[PlannedRequest]>([])

    /// Creates an empty recorder.
    public init() {}

    /// The requests recorded so far, in order.
    public var requests: [PlannedRequest] { planned.withLock { $0 } }

    /// Records one request.
    func record(_ request: PlannedRequest) {
        planned.withLock { $0.append(request) }
    }

    /// The answer to every recorded request: empty lists for the searches (RT history, Jira and
    /// Zendesk comments, ServiceNow notes and attachments) and a placeholder upload token.
    static let placeholderAnswer = Data(
        #"{"items":[],"pages":1,"comments":[],"total":0,"result":[],"upload":{"token":"dry-run"}}"#.utf8)

    /// A summary of `body` sent with `contentType` (see ``PlannedRequest/body``).
    static func summary(of body: Data?, contentType: String?) -> String {
        guard let body, !body.isEmpty else { return "" }
        let type = contentType ?? ""
        if type.hasPrefix("application/json"), let object = try? JSONSerialization.jsonObject(with: body) {
            let shortened = shorten(object, key: nil)
            if let data = try? JSONSerialization.data(withJSONObject: shortened, options: [.sortedKeys, .withoutEscapingSlashes]) {
                return "\(body.count) bytes of JSON: " + String(decoding: data, as: UTF8.self)
            }
        }
        if type.hasPrefix("multipart/form-data") {
            return "multipart form, \(body.count) bytes: " + multipartParts(body, contentType: type).joined(separator: ", ")
        }
        return "\(body.count) bytes (\(type.isEmpty ? "no content type" : type))"
    }

    /// `object` with file contents (`FileContent`, base64) and strings over 200 characters replaced by their size.
    private static func shorten(_ object: Any, key: String?) -> Any {
        switch object {
        case let dictionary as [String: Any]:
            return dictionary.reduce(into: [String: Any]()) { $0[$1.key] = shorten($1.value, key: $1.key) }
        case let array as [Any]:
            return array.map { shorten($0, key: key) }
        case let string as String where key == "FileContent":
            return "(\(Data(base64Encoded: string)?.count ?? string.utf8.count) bytes)"
        case let string as String where string.count > 200:
            return "(\(string.utf8.count) bytes of text)"
        default:
            return object
        }
    }

    /// `name` (`filename`, N bytes) for each part of a multipart body.
    private static func multipartParts(_ body: Data, contentType: String) -> [String] {
        guard let range = contentType.range(of: "boundary=") else { return [] }
        let boundary = Data(("--" + contentType[range.upperBound...]).utf8)
        var parts: [String] = []
        var rest = body[...]
        var chunks: [Data] = []
        while let found = rest.range(of: boundary) {
            chunks.append(Data(rest[rest.startIndex..<found.lowerBound]))
            rest = rest[found.upperBound...]
        }
        for chunk in chunks.dropFirst() {
            guard let split = chunk.range(of: Data("\r\n\r\n".utf8)) else { continue }
            let head = String(decoding: chunk[chunk.startIndex..<split.lowerBound], as: UTF8.self)
            let size = max(0, chunk.count - (split.upperBound - chunk.startIndex) - 2)
            let name = head.range(of: "filename=\"").map { String(head[$0.upperBound...].prefix { $0 != "\"" }) }
            parts.append("\(name ?? "field") (\(size) bytes)")
        }
        return parts
    }
}
