/// Recognises event logs saved in a form that has no event data fields: Event Viewer's "Save All
/// Events As" CSV (comma separated) or TXT (tab delimited), and PowerShell's `Export-Csv` of
/// `Get-WinEvent` or `Get-EventLog`. They hold the rendered message only, not the `EventData`
/// fields every rule reads, so they are named and refused instead of being read as a note.
enum EventViewerExport {
    /// The export formats recognised.
    enum Format: Equatable {
        /// Event Viewer's comma-separated export.
        case eventViewerCSV
        /// Event Viewer's tab-delimited text export.
        case eventViewerText
        /// PowerShell `Export-Csv` of event records.
        case powerShellCSV

        /// What the file is, for the diagnostic.
        var description: String {
            switch self {
            case .eventViewerCSV: "an Event Viewer CSV export"
            case .eventViewerText: "an Event Viewer text (tab-delimited) export"
            case .powerShellCSV: "a PowerShell Export-Csv of event records"
            }
        }
    }

    /// The columns Event Viewer writes first, in English and German (other languages are read by
    /// their `Event ID` column's neighbours: the separator-delimited header with both ids).
    private static let eventViewerHeaders = [
        ["level", "date and time", "source", "event id", "task category"],
        ["ebene", "datum und uhrzeit", "quelle", "ereignis-id", "aufgabenkategorie"],
    ]

    /// The format of a text input from its leading bytes, or `nil` when it is not such an export.
    static func detect(_ head: [UInt8]) -> Format? {
        guard let preview = InputKind.textPreview(head) else { return nil }
        let firstLine = preview.prefix { $0 != 0x0A && $0 != 0x0D }
        let line = String(decoding: firstLine, as: UTF8.self).lowercased()
        if line.hasPrefix("#type system.diagnostics.eventing.reader.eventlogrecord") || line.hasPrefix("#type system.diagnostics.eventlogentry") {
            return .powerShellCSV
        }
        for separator in [",", "\t"] {
            let columns = line.split(separator: Character(separator), omittingEmptySubsequences: false).map(unquoted)
            if eventViewerHeaders.contains(where: { columns.starts(with: $0) }) {
                return separator == "," ? .eventViewerCSV : .eventViewerText
            }
            if separator == ",", ["id", "providername", "timecreated"].allSatisfy(columns.contains) {
                return .powerShellCSV
            }
        }
        return nil
    }

    /// A column name without surrounding quotes and spaces.
    private static func unquoted(_ column: Substring) -> String {
        var text = column
        while let first = text.first, first == "\"" || first == " " { text.removeFirst() }
        while let last = text.last, last == "\"" || last == " " { text.removeLast() }
        return String(text)
    }

    /// The diagnostic for an export found at `source`: what it is and how to export instead.
    static func diagnostic(_ format: Format, source: String) -> ImportDiagnostic {
        ImportDiagnostic(
            .error, .unsupportedType, source: source,
            message:
                "\(format.description) has no event data fields: export as XML or .evtx, e.g. "
                + "`wevtutil epl System C:\\case\\System.evtx` or `wevtutil qe System /f:xml /e:Events > System.xml`; it was not read")
    }
}
