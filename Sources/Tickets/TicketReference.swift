import Foundation

/// A ticket a case belongs to.
public struct TicketReference: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The ticket as written (`RT-1234`, `#1234`, `INC0012345`, `OPS-12`).
    public var raw: String
    /// The identifier the ticket system's API takes (`1234`, `INC0012345`, `OPS-12`).
    public var id: String

    /// Creates a reference.
    public init(raw: String, id: String) {
        self.raw = raw
        self.id = id
    }

    public var description: String { raw }
}

/// Finds the ticket of a case: in its name, or in a `ticket.json` / `ticket.txt` inside it.
///
/// Each pattern is a regular expression; the first capture group, when there is one, is the id the
/// API takes, else the whole match. The defaults recognise `RT-1234` / `RT1234` (id `1234`),
/// `INC0012345` (ServiceNow, kept whole), `#1234` and `ticket 1234` (id `1234`).
public struct TicketFinder: Sendable {
    /// The patterns, tried in order.
    public let patterns: [String]

    /// The default patterns.
    public static let defaultPatterns = [
        #"(?i)\bRT-?(\d+)\b"#, #"\b(INC\d{7,})\b"#, #"#(\d+)\b"#, #"(?i)\bticket\s*(?:no\.?|number|id)?\s*[:#]?\s*(\d+)\b"#,
    ]

    /// Creates a finder; throws when a pattern is not a valid regular expression.
    public init(patterns: [String] = TicketFinder.defaultPatterns) throws(TicketError) {
        for pattern in patterns {
            do {
                _ = try NSRegularExpression(pattern: pattern)
            } catch {
                throw TicketError(request: "ticket pattern", status: nil, message: "invalid regular expression \(pattern)")
            }
        }
        self.patterns = patterns
    }

    /// The first ticket mentioned in `text`, trying patterns in order.
    public func find(in text: String) -> TicketReference? {
        let range = NSRange(text.startIndex..., in: text)
        for pattern in patterns {
            guard let expression = try? NSRegularExpression(pattern: pattern),
                let match = expression.firstMatch(in: text, range: range),
                let whole = Range(match.range, in: text)
            else { continue }
            var id = String(text[whole])
            if match.numberOfRanges > 1, let group = Range(match.range(at: 1), in: text) { id = String(text[group]) }
            return TicketReference(raw: String(text[whole]), id: id)
        }
        return nil
    }

    /// The ticket of a case: `ticket.json` (`{"ticket": "RT-1234"}` or `{"id": "1234"}`) first, then
    /// `ticket.txt` (the first match of the patterns), then the case name.
    ///
    /// - Parameters:
    ///   - caseName: the case's name (file or folder name).
    ///   - documents: text files of the case as (path, text); only those named `ticket.json` /
    ///     `ticket.txt` (also as archive members, `…!dir/ticket.txt`) are read.
    public func find(caseName: String, documents: [(path: String, text: String)]) -> TicketReference? {
        func named(_ name: String) -> [String] {
            documents.filter { document in
                let last = document.path.split(whereSeparator: { $0 == "/" || $0 == "!" }).last.map(String.init) ?? ""
                return last.lowercased() == name
            }.map(\.text)
        }
        for text in named("ticket.json") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { continue }
            if let raw = lenientString(object["ticket"]) {
                return find(in: raw) ?? TicketReference(raw: raw, id: raw)
            }
            if let id = lenientString(object["id"]) { return TicketReference(raw: id, id: id) }
        }
        for text in named("ticket.txt") {
            if let found = find(in: text) { return found }
        }
        return find(in: caseName)
    }
}
