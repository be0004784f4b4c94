import Correlation
import EventImport
import Foundation
import GoldenFiles
import SigmaKit
import Testing

/// The four forms of the `hunt` timeline over one minute of a SampleLogs case, against golden files.
struct TimelineGoldenTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let goldens = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// The rows `hunt SampleLogs/client-side --since 2026-07-08T03:15:00Z --until 2026-07-08T03:16:00Z` prints.
    static func rows() -> [TimelineRow] {
        let catalog = RuleLoader().load(paths: [repository.appendingPathComponent("Rules/sigma").path])
        let hunt = Hunt(catalog: catalog)
        let filter = TimelineFilter(
            minimumLevel: .informational, since: EventFilter.time("2026-07-08T03:15:00Z"),
            until: EventFilter.time("2026-07-08T03:16:00Z"), computers: [])
        var rows: [TimelineRow] = []
        let importer = EventImporter(
            handlers: ImportHandlers(onEvent: { event in
                hunt.process(event) { index in
                    let row = TimelineRow(rule: catalog.rules[index], event: event)
                    if filter.keeps(row) { rows.append(row) }
                }
            }))
        importer.importPaths([repository.appendingPathComponent("SampleLogs/client-side").path])
        rows += hunt.finish().map(TimelineRow.init(alert:)).filter(filter.keeps)
        return rows.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
    }

    @Test(arguments: TimelineFormat.allCases)
    func everyFormatMatchesItsGoldenFile(format: TimelineFormat) {
        let rows = Self.rows()
        #expect(rows.count > 3)
        // Origins relative to the repository, so that the files do not depend on where it is.
        let text = String(decoding: format.render(rows), as: UTF8.self).replacingOccurrences(of: Self.repository.path + "/", with: "")
        let name = "client-side-minute." + (format == .table ? "txt" : format == .csv ? "csv" : format.rawValue + ".jsonl")
        Golden.expect(text, named: name, in: Self.goldens, suite: "TimelineGoldenTests")
    }
}
