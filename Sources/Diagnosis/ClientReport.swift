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
    /// When the report gives a timestamp that cannot be used (out of range, not a number), a
    /// warning naming the file, the line and the reason; ``time`` is then `nil`.
    public var timeProblem: String?

    /// The most reports read from one document; more are counted and reported, not kept.
    ///
    /// A case is one connection failure, perhaps with a few retries: 100 is far above any real
    /// report, and bounds what a hostile document (60,000 pasted error blocks) costs to diagnose.
    public static let maxReportsPerDocument = 100
    /// The most reports read from all the documents of a case together.
    public static let maxReportsPerCase = 100

    /// Parses every report found in a text document (a document may hold none), at most
    /// ``maxReportsPerDocument``; `read(_:)` also says what was not used.
    public static func parse(_ document: TextDocument) -> [ClientReport] {
        read(document).reports
    }

    /// Reads the reports of several documents (a case), at most ``maxReportsPerDocument`` per
    /// document and ``maxReportsPerCase`` in all, with a warning for every problem.
    public static func read(_ documents: [TextDocument]) -> (reports: [ClientReport], problems: [String]) {
        var reports: [ClientReport] = []
        var problems: [String] = []
        var ignored = 0
        for document in documents {
            let found = read(document)
            problems += found.problems
            let room = maxReportsPerCase - reports.count
            reports += found.reports.prefix(room)
            ignored += max(0, found.reports.count - room)
        }
        if ignored > 0 {
            problems.append(
                "the case holds \(ignored) more error report(s) past the first \(maxReportsPerCase); they are not diagnosed")
        }
        return (reports, problems)
    }

    /// Reads every report of a text document, with a warning (`file:line: warning: …`) for each
    /// unusable timestamp and for reports past ``maxReportsPerDocument``.
    public static func read(_ document: TextDocument) -> (reports: [ClientReport], problems: [String]) {
        let text = document.text
        if let json = parseJSON(text, source: document.source) {
            return ([json], json.timeProblem.map { [$0] } ?? [])
        }
        var reports: [ClientReport] = []
        var ignored = 0
        var current: ClientReport?
        func close() {
            guard let report = current, report.code != nil else { return }
            if reports.count < maxReportsPerDocument { reports.append(report) } else { ignored += 1 }
        }
        // "\r\n" is one Character in Swift, so CRLF counts as one line break, not two.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (index, rawLine) in lines.enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let (key, value) = keyAndValue(line), let field = ReportLabels.fields[key] else { continue }
            switch field {
            case .code:
                close()
                current = ClientReport(
                    source: document.source, code: parseCode(value), extendedCode: nil, time: nil, timeIsUTC: false,
                    activityID: nil, remoteComputer: nil, clientComputer: nil, line: index + 1)
            case .extendedCode:
                current?.extendedCode = parseCode(value)
            case .timestamp:
                current?.setTime(value, isUTC: value.hasSuffix("Z"), line: index + 1)
            case .timestampUTC:
                current?.setTime(value, isUTC: true, line: index + 1)
            case .activityID:
                current?.activityID = normalizedGUID(value)
            case .remoteComputer:
                if !value.isEmpty { current?.remoteComputer = value }
            }
        }
        close()
        var problems = reports.compactMap(\.timeProblem)
        if ignored > 0 {
            problems.append(
                "\(document.source): warning: \(ignored) more error report(s) past the first \(maxReportsPerDocument) of this document are not diagnosed")
        }
        return (reports, problems)
    }

    /// Sets the report's time from its timestamp text, or says why the text cannot be used.
    private mutating func setTime(_ text: String, isUTC: Bool, line: Int) {
        timeIsUTC = isUTC
        switch Self.readReportTime(text) {
        case .success(let parsed):
            time = parsed
            timeProblem = nil
        case .failure(let problem):
            time = nil
            timeProblem =
                "\(sourceLocation(source, line: line, column: nil)): warning: the timestamp '\(Self.quoted(text))' cannot be used: "
                + "\(problem.reason); the failure's time is unknown"
        }
    }

    /// Untrusted text for a message: control characters made visible, cut to 60 characters.
    static func quoted(_ text: String) -> String {
        let visible = TerminalSafe.line(text)
        return visible.count <= 60 ? visible : String(visible.prefix(60)) + "…"
    }

    /// Splits `Key: value` (also `Key = value`, `键：值` with a full-width colon and, for the
    /// error-code lines, `Error code 0x904` pasted without its colon) into a lower-cased key and the value.
    static func keyAndValue(_ line: String) -> (String, String)? {
        if let colon = line.firstIndex(where: ReportLabels.isSeparator) {
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
        var report = ClientReport(
            source: source, code: code, extendedCode: string("extendedCode").flatMap(parseCode),
            time: nil, timeIsUTC: isUTC, activityID: string("activityId").map(normalizedGUID),
            remoteComputer: string("host"), clientComputer: string("client"), line: 1)
        if let timeText { report.setTime(timeText, isUTC: isUTC, line: 1) }
        return report
    }

    /// `0x904`, `904` (hex as dialogs print it) or `2308` written as decimal with a `d` hint are all accepted.
    static func parseCode(_ text: String) -> UInt32? {
        let value = text.trimmingCharacters(in: .whitespaces).lowercased()
        if value.hasPrefix("0x") { return UInt32(value.dropFirst(2), radix: 16) }
        return UInt32(value, radix: 16)
    }

    /// Reads the timestamp forms clients print: ISO 8601, `MM/dd/yy hh:mm:ss AM`, `dd.MM.yyyy HH:mm:ss`.
    /// Returns `nil` for anything else, including dates and times out of range.
    static func parseReportTime(_ text: String) -> EventTimestamp? {
        try? readReportTime(text).get()
    }

    /// Why a report's timestamp could not be used.
    struct TimeProblem: Error, Hashable {
        /// A sentence fragment, e.g. `year 99999 is outside 1–9999`.
        var reason: String
    }

    /// Reads the timestamp forms clients print (see ``parseReportTime(_:)``), saying why when the
    /// text is not one. Every number is range-checked before any arithmetic: the text is untrusted.
    static func readReportTime(_ text: String) -> Result<EventTimestamp, TimeProblem> {
        var value = text.trimmingCharacters(in: .whitespaces)
        if let iso = EventTimestamp(iso8601: value) { return .success(iso) }
        if value.hasSuffix("Z") { value.removeLast() }
        if let iso = EventTimestamp(iso8601: value) { return .success(iso) }
        let upper = value.uppercased()
        var pm: Bool?
        if upper.hasSuffix("PM") { pm = true } else if upper.hasSuffix("AM") { pm = false }
        if pm != nil { value = String(value.dropLast(2)).trimmingCharacters(in: .whitespaces) }
        var parts = value.split(whereSeparator: { $0 == " " || $0 == "T" })
        // Korean, Japanese and Chinese clocks write the morning/afternoon word as its own word,
        // before the time by default (`2026-09-06 오후 11:36:36`).
        if pm == nil, let position = parts.firstIndex(where: { Self.dayHalves[String($0)] != nil }) {
            pm = Self.dayHalves[String(parts[position])]
            parts.remove(at: position)
        }
        guard parts.count >= 2 else { return .failure(TimeProblem(reason: "it is not a date and a time of day")) }
        let dateTexts = parts[0].split(whereSeparator: { $0 == "/" || $0 == "." || $0 == "-" })
        guard dateTexts.count == 3 else { return .failure(TimeProblem(reason: "'\(parts[0])' is not a date of three numbers")) }
        var dateParts: [Int] = []
        for piece in dateTexts {
            guard let number = decimalInteger(piece) else {
                return .failure(TimeProblem(reason: "'\(piece)' in the date is not a whole number of at most nine digits"))
            }
            dateParts.append(number)
        }
        let timeTexts = parts[1].split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(timeTexts.count) else {
            return .failure(TimeProblem(reason: "'\(parts[1])' is not a time of day (hours:minutes[:seconds])"))
        }
        var timeParts: [Int] = []
        for (position, piece) in timeTexts.enumerated() {
            // Seconds may carry a fraction (`53.25`); it is dropped, as the reports' clocks are not that exact.
            let whole = position == 2 ? piece.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false) : [piece]
            guard let number = decimalInteger(whole[0]), whole.count == 1 || whole[1].allSatisfy(isDigit) else {
                return .failure(TimeProblem(reason: "'\(piece)' in the time of day is not a whole number of at most nine digits"))
            }
            timeParts.append(number)
        }
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
            guard (1...12).contains(hour) else { return .failure(TimeProblem(reason: "hour \(hour) is outside 1–12 before AM/PM")) }
            if pm && hour < 12 { hour += 12 }
            if !pm && hour == 12 { hour = 0 }
        }
        let second = timeParts.count > 2 ? timeParts[2] : 0
        if let problem = EventTimestamp.rangeProblem(
            year: year, month: month, day: day, hour: hour, minute: timeParts[1], second: second)
        {
            return .failure(TimeProblem(reason: problem))
        }
        guard let time = EventTimestamp(year: year, month: month, day: day, hour: hour, minute: timeParts[1], second: second) else {
            return .failure(TimeProblem(reason: "it is not a valid date and time"))
        }
        return .success(time)
    }

    /// The words for morning (false) and afternoon (true) of the ko-KR, ja-JP and zh-CN clocks.
    private static let dayHalves: [String: Bool] = ["오전": false, "오후": true, "午前": false, "午後": true, "上午": false, "下午": true]

    /// A non-negative decimal integer of at most nine digits (so it always fits and never overflows
    /// later arithmetic), or `nil`: no sign, no exponent, no `nan` or `inf`.
    private static func decimalInteger(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 9, text.allSatisfy(isDigit) else { return nil }
        return Int(text)
    }

    private static func isDigit(_ character: Character) -> Bool { character.isASCII && character.isNumber }
}

func normalizedGUID(_ text: String) -> String {
    text.trimmingCharacters(in: CharacterSet(charactersIn: "{} \t")).uppercased()
}
