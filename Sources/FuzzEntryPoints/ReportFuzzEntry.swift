import Diagnosis
import EventImport

/// Client error reports (the mstsc and Windows App text forms and the JSON form) and ticket notes.
public enum ReportFuzzEntry {
    /// Runs one input: the bytes as UTF-8 text, read as a report and as ticket hints.
    public static func run(_ input: [UInt8]) {
        let document = TextDocument(source: "fuzz.txt", text: String(decoding: input, as: UTF8.self))
        for report in ClientReport.parse(document) {
            _ = report.time?.description
        }
        var hints = TicketHints()
        hints.read(document)
    }
}
