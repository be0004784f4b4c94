public import EventImport
import Foundation

/// A client error report as users paste it: the mstsc dialog, the Windows App / Remote Desktop
/// client "details" block, or rdpcause's small JSON form.
///
/// mstsc prints `Timestamp: 06/12/26 09:41:53 PM` in the client's **local** time with no zone;
/// the Windows App prints `Timestamp (UTC): …`. Which one was given is kept in ``timeIsUTC``.
public struct ClientReport: Sendable, Hashable {
    /// The file (or archive member) the report came from.
    public var source: String
    /// `Error code: 0x904`.
    public var code: UInt32?
    /// `Extended error code: 0x7`.
    public var extendedCode: UInt32?
    /// The report's timestamp, as if UTC when ``timeIsUTC`` is false (a wall-clock reading).
    public var time: EventTimestamp?
    /// Whether ``time`` is really UTC (`Timestamp (UTC)`, a `Z` suffix, or the JSON form says so).
    public var timeIsUTC: Bool
    /// `Activity ID: {…}`, upper case without braces.
    public var activityID: String?
    /// The remote computer the report names, when it names one.
    public var remoteComputer: String?
    /// The client computer the report names (JSON form), when it names one.
    public var clientComputer: String?
    /// The line of the report that holds the error code (for evidence).
    public var line: Int

    /// Parses every report found in a text document (a document may hold none).
    public static func parse(_ document: TextDocument) -> [ClientReport] {
        let text = document.text
        if let json = parseJSON(text, source: document.source) { return [json] }
        var reports: [ClientReport] = []
        var current: ClientReport?
        // "\r\n" is one Character in Swift, so CRLF counts as one line break, not two.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (index, rawLine) in lines.enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let (key, value) = keyAndValue(line) else { continue }
            switch key {
            case "error code", "code d’erreur", "code d'erreur", "fehlercode":
                if let existing = current { reports.append(existing) }
                current = ClientReport(
                    source: document.source, code: parseCode(value), extendedCode: nil, time: nil, timeIsUTC: false,
                    activityID: nil, remoteComputer: nil, clientComputer: nil, line: index + 1)
            case "extended error code", "code d’erreur étendu", "code d'erreur étendu", "erweiterter fehlercode":
                current?.extendedCode = parseCode(value)
            case "timestamp", "horodatage", "zeitstempel":
                current?.time = parseReportTime(value)
                current?.timeIsUTC = value.hasSuffix("Z")
            case "timestamp (utc)":
                current?.time = parseReportTime(value)
                current?.timeIsUTC = true
            case "activity id", "id d’activité", "id d'activité", "aktivitäts-id":
                current?.activityID = normalizedGUID(value)
            case "remote computer", "computer", "server", "remote pc":
                if !value.isEmpty { current?.remoteComputer = value }
            default:
                continue
            }
        }
        if let existing = current { reports.append(existing) }
        return reports.filter { $0.code != nil }
    }

    /// Splits `Key: value` (also `Key = value` and, for the error-code lines, `Error code 0x904`
    /// pasted without its colon) into a lower-cased key and the value.
    static func keyAndValue(_ line: String) -> (String, String)? {
        if let colon = line.firstIndex(where: { $0 == ":" || $0 == "=" }) {
            let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            if !key.isEmpty, key.count <= 40 {
                return (key, line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
        }
        let lower = line.lowercased()
        for key in ["extended error code", "error code"] where lower.hasPrefix(key) {
            let rest = line.dropFirst(key.count).trimmingCharacters(in: .whitespaces)
            if rest.lowercased().hasPrefix("0x") { return (key, rest) }
        }
        return nil
    }

    /// The JSON form: `{"code":"0x904","extendedCode":"0x7","timestamp":"…","timestampIsUtc":true,
    /// "client":"…","host":"…","activityId":"{…}"}`.
    static func parseJSON(_ text: String, source: String) -> ClientReport? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("{"), let data = trimmed.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        func string(_ key: String) -> String? {
            if let value = object[key] as? String { return value }
            if let value = object[key] as? NSNumber { return value.stringValue }
            return nil
        }
        guard let code = string("code").flatMap(parseCode) else { return nil }
        let timeText = string("timestamp")
        let isUTC = (object["timestampIsUtc"] as? Bool) ?? (timeText?.hasSuffix("Z") ?? false)
        return ClientReport(
            source: source, code: code, extendedCode: string("extendedCode").flatMap(parseCode),
            time: timeText.flatMap(parseReportTime), timeIsUTC: isUTC, activityID: string("activityId").map(normalizedGUID),
            remoteComputer: string("host"), clientComputer: string("client"), line: 1)
    }

    /// `0x904`, `904` (hex as dialogs print it) or `2308` written as decimal with a `d` hint are all accepted.
    static func parseCode(_ text: String) -> UInt32? {
        let value = text.trimmingCharacters(in: .whitespaces).lowercased()
        if value.hasPrefix("0x") { return UInt32(value.dropFirst(2), radix: 16) }
        return UInt32(value, radix: 16)
    }

    /// Reads the timestamp forms clients print: ISO 8601, `MM/dd/yy hh:mm:ss AM`, `dd.MM.yyyy HH:mm:ss`.
    static func parseReportTime(_ text: String) -> EventTimestamp? {
        var value = text.trimmingCharacters(in: .whitespaces)
        if let iso = EventTimestamp(iso8601: value) { return iso }
        if value.hasSuffix("Z") { value.removeLast() }
        if let iso = EventTimestamp(iso8601: value) { return iso }
        let upper = value.uppercased()
        var pm: Bool?
        if upper.hasSuffix("PM") { pm = true } else if upper.hasSuffix("AM") { pm = false }
        if pm != nil { value = String(value.dropLast(2)).trimmingCharacters(in: .whitespaces) }
        let parts = value.split(whereSeparator: { $0 == " " || $0 == "T" })
        guard parts.count >= 2 else { return nil }
        let dateParts = parts[0].split(whereSeparator: { $0 == "/" || $0 == "." || $0 == "-" }).compactMap { Int($0) }
        let timeParts = parts[1].split(separator: ":").compactMap { Int(Double($0) ?? -1) }
        guard dateParts.count == 3, timeParts.count >= 2 else { return nil }
        var year: Int
        var month: Int
        var day: Int
        if dateParts[0] > 31 {
            (year, month, day) = (dateParts[0], dateParts[1], dateParts[2])
        } else if parts[0].contains(".") || dateParts[0] > 12 {
            (day, month, year) = (dateParts[0], dateParts[1], dateParts[2])
        } else {
            (month, day, year) = (dateParts[0], dateParts[1], dateParts[2])
        }
        if year < 100 { year += 2000 }
        var hour = timeParts[0]
        if let pm {
            if pm && hour < 12 { hour += 12 }
            if !pm && hour == 12 { hour = 0 }
        }
        let second = timeParts.count > 2 ? timeParts[2] : 0
        guard (1...12).contains(month), (1...31).contains(day), (0..<24).contains(hour), (0..<60).contains(timeParts[1]) else {
            return nil
        }
        return EventTimestamp(year: year, month: month, day: day, hour: hour, minute: timeParts[1], second: second)
    }
}

func normalizedGUID(_ text: String) -> String {
    text.trimmingCharacters(in: CharacterSet(charactersIn: "{} \t")).uppercased()
}
