import EventImport

/// How `hunt` prints its timeline.
public enum TimelineFormat: String, Sendable, CaseIterable {
    /// Aligned columns for a terminal.
    case table
    /// One JSON object per row.
    case ndjson
    /// Comma-separated values with one header line, safe to open in a spreadsheet.
    case csv
    /// JSON lines in Timesketch's import format (`message`, `datetime`, `timestamp_desc`).
    case timesketch

    /// The column names of `table` and `csv`.
    static let columns = ["Timestamp", "Level", "Rule", "Computer", "Channel", "EventID", "RecordID", "Details", "Origin"]

    /// The text of `rows` (already sorted and filtered) in this format.
    public func render(_ rows: [TimelineRow]) -> [UInt8] {
        switch self {
        case .table: Array(TimelineTable.render(rows).utf8)
        case .csv: Array(TimelineCSV.render(rows).utf8)
        case .ndjson: rows.flatMap(TimelineJSON.line)
        case .timesketch: rows.flatMap(TimelineJSON.timesketchLine)
        }
    }

    /// The cells of a row, in ``columns`` order.
    static func cells(_ row: TimelineRow) -> [String] {
        var rule = row.title
        if case .correlation(let alert) = row.kind { rule += " [\(alert.type)]" }
        return [
            row.time.iso8601(fractionDigits: 3), row.level ?? "-", rule, row.computer, row.channel,
            row.eventID.map(String.init) ?? "", row.recordID.map(String.init) ?? "", row.details,
            row.origin?.description ?? "",
        ]
    }
}

/// The aligned `table` form. Every cell comes from a rule or an event, so each is made
/// terminal-safe (``TerminalSafe``) before the widths are measured.
enum TimelineTable {
    static func render(_ rows: [TimelineRow]) -> String {
        guard !rows.isEmpty else { return "no matches\n" }
        let header = TimelineFormat.columns.map { $0.uppercased() }
        let body = rows.map { TimelineFormat.cells($0).map { TerminalSafe.line($0) } }
        var widths = header.map(\.count)
        for row in body {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        return line(header, widths: widths) + body.map { line($0, widths: widths) }.joined()
    }

    /// One line of the table: each cell but the last padded to its column's width plus two spaces.
    static func line(_ cells: [String], widths: [Int]) -> String {
        var text = ""
        for (index, cell) in cells.enumerated() {
            let width = index < widths.count ? widths[index] : cell.count
            text += index == cells.count - 1 ? cell : cell + String(repeating: " ", count: max(0, width - cell.count) + 2)
        }
        return text + "\n"
    }
}

/// The `csv` form (RFC 4180), safe against formula injection: a cell that a spreadsheet would
/// read as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return) is prefixed with
/// `'` and quoted, and every cell with a comma, quote or line break is quoted.
enum TimelineCSV {
    static func render(_ rows: [TimelineRow]) -> String {
        var text = header
        for row in rows { text += line(row) }
        return text
    }

    /// The header line: the column names.
    static let header = TimelineFormat.columns.joined(separator: ",") + "\r\n"

    /// The line of one row.
    static func line(_ row: TimelineRow) -> String {
        TimelineFormat.cells(row).map(cell).joined(separator: ",") + "\r\n"
    }

    static func cell(_ value: String) -> String {
        var value = value
        var quote = false
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) {
            value = "'" + value
            quote = true
        }
        if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) { quote = true }
        return quote ? "\"" + value.replacingAll("\"", with: "\"\"") + "\"" : value
    }
}

extension String {
    /// The text with every `target` character replaced by `replacement`.
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        result.reserveCapacity(utf8.count)
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
