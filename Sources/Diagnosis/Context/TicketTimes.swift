import EventImport
import Foundation

/// A date, or date and time, that a ticket or e-mail mentions ("12.06.2026 21:40", "2026-06-12"):
/// where to look for a failure the case does not locate otherwise.
struct TicketTime {
    /// The wall-clock reading, as if UTC (midnight for a date alone).
    var local: EventTimestamp
    /// Whether a time of day was given.
    var hasClock: Bool
    /// The words as written.
    var text: String
    /// The document.
    var source: String

    /// The UTC span the mention can mean: two hours either side of a time of day in a known zone,
    /// and up to fourteen hours more either way when the zone is not known; the whole day (in any
    /// zone) for a date alone.
    func span(utcOffset: Int?) -> ClosedRange<EventTimestamp> {
        let hour = 3600 * EventTimestamp.ticksPerSecond
        if hasClock, let utcOffset {
            let utc = local.ticks - Int64(utcOffset) * EventTimestamp.ticksPerSecond
            return EventTimestamp(ticks: utc - 2 * hour)...EventTimestamp(ticks: utc + 2 * hour)
        }
        if hasClock { return EventTimestamp(ticks: local.ticks - 16 * hour)...EventTimestamp(ticks: local.ticks + 14 * hour) }
        return EventTimestamp(ticks: local.ticks - 14 * hour)...EventTimestamp(ticks: local.ticks + 36 * hour)
    }

    /// Every date a document mentions, with the time of day that follows it.
    static func find(in document: TextDocument) -> [TicketTime] {
        let tokens = words(of: document)
        var found: [TicketTime] = []
        var position = 0
        while position < tokens.count {
            let token = tokens[position]
            guard isDate(token) else {
                position += 1
                continue
            }
            var clock: [String] = []
            if token.contains("T"), token.contains(":") {
                clock = [""]
            } else if position + 1 < tokens.count, isClock(tokens[position + 1]) {
                clock = [tokens[position + 1]]
                if position + 2 < tokens.count, ["AM", "PM"].contains(tokens[position + 2].uppercased()) { clock.append(tokens[position + 2]) }
            }
            let text = ([token] + clock).filter { !$0.isEmpty }.joined(separator: " ")
            let parsed = clock.isEmpty ? ClientReport.parseReportTime(token + " 00:00:00") : ClientReport.parseReportTime(text)
            if let parsed {
                found.append(TicketTime(local: parsed, hasClock: !clock.isEmpty, text: text, source: document.source))
            }
            position += 1 + clock.filter { !$0.isEmpty }.count
        }
        return found
    }

    /// The times of day a document gives without a date before them (`at 09:28 CET`, `around
    /// 2:15 PM`), as seconds after midnight on its writer's clock; a time after a date is
    /// ``find(in:)``'s.
    static func clocksWithoutDate(in document: TextDocument) -> [(seconds: Int, text: String)] {
        let tokens = words(of: document)
        var found: [(seconds: Int, text: String)] = []
        for (position, token) in tokens.enumerated() where isClock(token) && (position == 0 || !isDate(tokens[position - 1])) {
            // At most two digits each (isClock): no overflow.
            let parts = token.split(separator: ":").compactMap { Int($0) }
            guard parts.count >= 2, parts[0] < 24, parts[1] < 60, parts.count < 3 || parts[2] < 60 else { continue }
            var hour = parts[0]
            var text = token
            if position + 1 < tokens.count, ["AM", "PM"].contains(tokens[position + 1].uppercased()), (1...12).contains(hour) {
                let afternoon = tokens[position + 1].uppercased() == "PM"
                hour = hour % 12 + (afternoon ? 12 : 0)
                text += " " + tokens[position + 1]
            }
            found.append((hour * 3600 + parts[1] * 60 + (parts.count > 2 ? parts[2] : 0), text))
        }
        return found
    }

    /// The document's words, split at blanks, punctuation that ends a word, brackets and quotes.
    private static func words(of document: TextDocument) -> [String] {
        document.text.split(whereSeparator: { $0.isWhitespace || ",;()[]<>\"'".contains($0) }).map(String.init)
    }

    /// `2026-06-12`, `12.06.2026`, `06/12/26` (and ISO date-times): three numbers, one of them a year.
    private static func isDate(_ token: String) -> Bool {
        let date = token.split(separator: "T").first.map(String.init) ?? token
        let parts = date.split(whereSeparator: { $0 == "-" || $0 == "." || $0 == "/" })
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(\.isNumber) }) else { return false }
        return parts.contains { $0.count == 4 } || (parts.allSatisfy { $0.count <= 2 } && (date.contains("/") || date.contains(".")))
    }

    /// `21:40`, `9:41:53`.
    private static func isClock(_ token: String) -> Bool {
        let parts = token.split(separator: ":")
        return (2...3).contains(parts.count) && parts.allSatisfy { !$0.isEmpty && $0.count <= 2 && $0.allSatisfy(\.isNumber) }
    }
}
