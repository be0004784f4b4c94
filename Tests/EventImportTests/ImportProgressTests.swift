import EventImport
import Foundation
import Testing
import TestSupport

/// Progress is reported while a long input is read, not only when it ends, and the reports add up
/// to the import's counters.
@Suite("Import progress")
struct ImportProgressTests {
    /// About 5 MiB of wevtutil XML, one event per line.
    static func bigLog() -> [UInt8] {
        Array(SyntheticSystemLog.text(records: 12_000, binaryUnits: 64).utf8)
    }

    static func importWithProgress(_ run: (EventImporter) -> Void) -> (reports: [ImportProgress], statistics: ImportStatistics) {
        var reports: [ImportProgress] = []
        let importer = EventImporter(handlers: ImportHandlers(onEvent: { _ in }, onProgress: { reports.append($0) }))
        run(importer)
        return (reports, importer.statistics)
    }

    @Test func aLongFileReportsProgressAsItIsRead() throws {
        let log = Self.bigLog()
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("System.xml").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(log)))
        let (reports, statistics) = Self.importWithProgress { $0.importPaths([path]) }
        #expect(statistics.events == 12_000)
        // One report per step of input while reading, and the rest at the end of the path.
        #expect(reports.count >= log.count / ImportProgress.step)
        #expect(reports.dropLast().allSatisfy { $0.bytes >= ImportProgress.step })
        #expect(reports.reduce(0) { $0 + $1.bytes } == statistics.bytesRead)
        #expect(reports.reduce(0) { $0 + $1.events } == statistics.events)
        // Events are counted as they come: the first report already has some.
        #expect((reports.first?.events ?? 0) > 0)
    }

    @Test func compressedInputCountsItsOwnBytes() {
        let compressed = zstdCompress(Self.bigLog(), level: 1)
        let (reports, statistics) = Self.importWithProgress { $0.importData(compressed, source: "System.xml.zst", chunkSize: 1 << 16) }
        #expect(statistics.bytesRead == compressed.count)
        #expect(reports.reduce(0) { $0 + $1.bytes } == compressed.count)
        #expect(reports.reduce(0) { $0 + $1.events } == 12_000)
    }

}
