import EventImport
import Foundation

/// What the user's error report leaves to judgement: a date that reads both ways (`06/12/26`:
/// 12 June or 6 December), and a report in a language whose labels are not known.
///
/// The codes (`0x904`, `0x7`) and the timestamp's shape are the same in every language, so a
/// report whose labels are unknown is still recognised by them: a block of lines `label: 0x…`
/// (the code, then the extended code), with a timestamp and perhaps an activity id nearby. No
/// label is translated.
enum ReportReading {
    /// A date that reads both ways.
    struct AmbiguousDate {
        /// As written.
        var written: String
        /// Read month first (`06/12/26` = 12 June), at the report's time of day.
        var monthFirst: EventTimestamp
        /// Read day first (`06/12/26` = 6 December).
        var dayFirst: EventTimestamp
        /// Whether the timestamp gives a 12-hour clock (AM/PM), as en-US writes it (month first).
        var twelveHour: Bool
    }

    /// The date of `report` as written in `document`, when it reads both ways.
    static func ambiguousDate(of report: ClientReport, in document: TextDocument) -> AmbiguousDate? {
        guard let time = report.time else { return nil }
        let lines = document.text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        let from = max(0, report.line - 1)
        for line in lines[min(from, lines.count)...].prefix(8) {
            for token in line.split(whereSeparator: { $0.isWhitespace }) {
                let parts = token.split(separator: "/")
                guard parts.count == 3, let first = Int(parts[0]), let second = Int(parts[1]), parts[2].allSatisfy(\.isNumber),
                    (1...12).contains(first), (1...12).contains(second), first != second
                else { continue }
                guard var year = Int(parts[2]) else { continue }
                if year < 100 { year += 2000 }
                let clock = time.iso8601(fractionDigits: 0).split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
                guard clock.count >= 6 else { return nil }
                let at = { (month: Int, day: Int) in
                    EventTimestamp(year: year, month: month, day: day, hour: clock[3], minute: clock[4], second: clock[5])
                }
                let upper = line.uppercased()
                guard let monthFirst = at(first, second), let dayFirst = at(second, first) else { return nil }
                return AmbiguousDate(
                    written: String(token), monthFirst: monthFirst, dayFirst: dayFirst,
                    twelveHour: upper.contains(" AM") || upper.contains(" PM"))
            }
        }
        return nil
    }

    /// A report recognised by its codes and timestamp alone (labels in a language not known).
    static func byShape(_ document: TextDocument) -> ClientReport? {
        let lines = document.text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        // "label: 0x904" then, within two lines, "label: 0x7".
        let coded = lines.indices.compactMap { index -> (Int, UInt32)? in
            guard let value = labelledValue(lines[index]), value.lowercased().hasPrefix("0x"),
                let code = UInt32(value.dropFirst(2), radix: 16)
            else { return nil }
            return (index, code)
        }
        guard let first = coded.first, let second = coded.dropFirst().first, second.0 - first.0 <= 2, first.1 >= 0x100 else { return nil }
        var report = ClientReport(
            source: document.source, code: first.1, extendedCode: second.1, time: nil, timeIsUTC: false, activityID: nil,
            remoteComputer: nil, clientComputer: nil, line: first.0 + 1)
        for line in lines[first.0...].prefix(8) {
            guard let value = labelledValue(line) else { continue }
            if report.time == nil, value.contains(":"), value.contains(where: { "/.-".contains($0) }), let time = ClientReport.parseReportTime(value) {
                report.time = time
                report.timeIsUTC = value.hasSuffix("Z") || line.uppercased().contains("UTC")
            } else if report.activityID == nil, isGUID(value) {
                report.activityID = normalizedGUID(value)
            }
        }
        return report
    }

    /// A user's note in prose that gives the error code and the time the dialog showed ("die Meldung
    /// mit den Codes 0x904 und 0x7 … Uhrzeit laut Meldung: 03.08.2026 10:43:18").
    ///
    /// The first hex code of a disconnect reason's size (0x100 or more) is the code, the next hex
    /// code on its line the extended code, as the dialog shows both; the note must hold both and
    /// exactly one date with a time of day, so a ticket's bare mention of the code, or a note with
    /// several times, stays a mention.
    static func byProse(_ document: TextDocument) -> ClientReport? {
        let lines = document.text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        var found: (line: Int, code: UInt32, extended: UInt32)?
        for (index, line) in lines.enumerated() where found == nil {
            let codes = line.split(whereSeparator: { !$0.isHexDigit && $0 != "x" && $0 != "X" }).compactMap { token -> UInt32? in
                let lower = token.lowercased()
                guard lower.hasPrefix("0x"), (3...10).contains(lower.count) else { return nil }
                return UInt32(lower.dropFirst(2), radix: 16)
            }
            guard let code = codes.first(where: { $0 >= 0x100 }), let position = codes.firstIndex(of: code),
                let extended = codes.dropFirst(position + 1).first
            else { continue }
            found = (index, code, extended)
        }
        let times = TicketTime.find(in: document).filter(\.hasClock)
        guard let found, times.count == 1, let time = times.first else { return nil }
        let isUTC = time.text.hasSuffix("Z")
        return ClientReport(
            source: document.source, code: found.code, extendedCode: found.extended, time: time.local, timeIsUTC: isUTC,
            activityID: nil, remoteComputer: nil, clientComputer: nil, line: found.line + 1)
    }

    /// The value of `label: value` (the label may be in any language; a time's colon is not a label's).
    private static func labelledValue(_ line: String) -> String? {
        guard let colon = line.firstIndex(where: { $0 == ":" || $0 == "：" }), line.startIndex < colon else { return nil }
        let label = line[..<colon]
        guard label.contains(where: \.isLetter), !(label.last?.isNumber ?? false) else { return nil }
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        return value.isEmpty ? nil : value
    }

    private static func isGUID(_ text: String) -> Bool {
        let bare = normalizedGUID(text)
        let groups = bare.split(separator: "-", omittingEmptySubsequences: false).map(\.count)
        return groups == [8, 4, 4, 4, 12] && bare.allSatisfy { $0.isHexDigit || $0 == "-" }
    }
}
