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
    /// ``find(in:)``'s. A time is `disowned` when the writer sets it aside ("09:48, ignore that
    /// one", "at 09:50 … that is not this ticket"): see ``disowns(_:)``.
    static func clocksWithoutDate(in document: TextDocument) -> [TicketClock] {
        var found: [TicketClock] = []
        // The clocks of the latest clause that gave any: a clause that disowns without giving a
        // time ("ignore that one") speaks of them.
        var latestClocks = 0..<0
        var previous: String?
        for clause in clauses(of: document.text) {
            let tokens = words(of: clause)
            let first = found.count
            for (position, token) in tokens.enumerated() {
                defer { previous = token }
                guard isClock(token), !(previous.map(isDate) ?? false) else { continue }
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
                found.append(TicketClock(seconds: hour * 3600 + parts[1] * 60 + (parts.count > 2 ? parts[2] : 0), text: text))
            }
            if found.count > first { latestClocks = first..<found.count }
            if disowns(clause) {
                for index in latestClocks { found[index].disowned = true }
            }
        }
        return found
    }

    /// Words by which a ticket's writer sets a time aside, lower case, in the languages the
    /// client reports are read in. Whole words only: "not this morning" and "ignored the
    /// warning" set nothing aside.
    static let disowningWords = [
        "ignore", "disregard", "not this one", "not this ticket", "not this issue", "not this problem",
        "not the one", "unrelated", "not related", "different issue", "different problem", "separate issue",
        "another issue", "nevermind", "never mind", "ignorieren", "nicht relevant", "anderes problem",
        "ignorer", "sans rapport", "ignorar", "no es este",
    ]

    /// Whether a clause sets a time aside: the clause's own times when it gives any, else those of
    /// the latest clause before it that did.
    static func disowns(_ clause: Substring) -> Bool {
        let lowered = clause.lowercased()
        return disowningWords.contains { containsWords(lowered, $0) }
    }

    /// Whether `phrase` occurs in `text` with no letter right before or after it.
    private static func containsWords(_ text: String, _ phrase: String) -> Bool {
        var searchStart = text.startIndex
        while let found = text.range(of: phrase, range: searchStart..<text.endIndex) {
            let before = found.lowerBound == text.startIndex ? nil : text[text.index(before: found.lowerBound)]
            let after = found.upperBound == text.endIndex ? nil : text[found.upperBound]
            if !(before?.isLetter ?? false) && !(after?.isLetter ?? false) { return true }
            searchStart = text.index(after: found.lowerBound)
        }
        return false
    }

    /// The document's clauses: split at line ends, and at `.`, `!`, `?`, `;` and `,` before a blank
    /// or the end (not inside `12.06.2026` or `1,5`).
    static func clauses(of text: String) -> [Substring] {
        var clauses: [Substring] = []
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            if character.isNewline || (".!?;,".contains(character) && (next == text.endIndex || text[next].isWhitespace)) {
                clauses.append(text[start..<index])
                start = next
            }
            index = next
        }
        clauses.append(text[start..<text.endIndex])
        return clauses
    }

    /// The document's words (``words(of:)-(Substring)``).
    private static func words(of document: TextDocument) -> [String] {
        words(of: Substring(document.text))
    }

    /// Words, split at blanks, punctuation that ends a word, brackets and quotes; a sentence's
    /// closing `.`, `!`, `?` or `:` is not part of its last word (`at 21:40.`, `on 12.06.2026.`).
    private static func words(of text: Substring) -> [String] {
        text.split(whereSeparator: { $0.isWhitespace || ",;()[]<>\"'".contains($0) }).compactMap { word in
            var word = word
            while let last = word.last, ".!?:".contains(last) { word = word.dropLast() }
            return word.isEmpty ? nil : String(word)
        }
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

/// A time of day a ticket gives without a date (``TicketTime/clocksWithoutDate(in:)``).
struct TicketClock: Equatable {
    /// Seconds after midnight on the writer's clock.
    var seconds: Int
    /// The words as written (`09:28`, `2:15 PM`).
    var text: String
    /// Whether the writer set this time aside ("ignore that one").
    var disowned = false
}
