@testable import Correlation
import EventImport
import Foundation
import Testing

/// `hunt` keeps its rows rendered (and past a memory limit, in sorted runs on disk) until it
/// prints them in event time: the text must be what sorting every row at once gives.
struct TimelineSpoolTests {
    /// The golden minute's rows in an order that is not event time (reversed, then rotated), so
    /// the spool has to sort them, and rows of the same time keep the order they came in.
    static func shuffledRows() -> [TimelineRow] {
        let rows = Array(TimelineGoldenTests.rows().reversed())
        let cut = rows.count / 3
        return Array(rows[cut...] + rows[..<cut])
    }

    /// What the spool writes for `rows`, with `memoryLimit` bytes held in memory.
    static func spooled(_ rows: [TimelineRow], format: TimelineFormat, memoryLimit: Int) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UUID().uuidString)").path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        #expect(descriptor >= 0)
        defer { unlink(path) }
        let spool = TimelineSpool(format: format, memoryLimit: memoryLimit)
        for row in rows { try spool.add(row) }
        #expect(spool.count == rows.count)
        let output = BufferedOutput(descriptor: descriptor)
        try spool.write(to: output)
        output.flush()
        close(descriptor)
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    @Test(arguments: TimelineFormat.allCases)
    func sortedRunsOnDiskGiveTheTextOfOneSort(format: TimelineFormat) throws {
        let rows = Self.shuffledRows()
        #expect(rows.count > 3)
        #expect(zip(rows, rows.dropFirst()).contains { $0.time > $1.time })
        let sorted = rows.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
        let expected = String(decoding: format.render(sorted), as: UTF8.self)
        // All in memory; a run every few rows; a run per row.
        for limit in [64 << 20, 700, 1] {
            #expect(try Self.spooled(rows, format: format, memoryLimit: limit) == expected, "memory limit \(limit)")
        }
    }

    @Test(arguments: TimelineFormat.allCases)
    func theTextHeldInMemoryStaysWithinTheLimit(format: TimelineFormat) throws {
        let rows = Self.shuffledRows()
        let largest = rows.map { format.render([$0]).count }.max() ?? 0
        // A few rows fit, so runs are written out as the rows come.
        let limit = 3 * largest
        #expect(rows.count > 6)
        let spool = TimelineSpool(format: format, memoryLimit: limit)
        for row in rows {
            try spool.add(row)
            // Growing the text past its first block would double it (and copy it).
            #expect(spool.heldCapacity <= limit + 64, "after row \(spool.count)")
        }
    }

    @Test(arguments: TimelineFormat.allCases)
    func noRowsGiveTheTextOfNoRows(format: TimelineFormat) throws {
        #expect(try Self.spooled([], format: format, memoryLimit: 1) == String(decoding: format.render([]), as: UTF8.self))
    }

    @Test func anUnwritableFolderIsAnErrorThatNamesIt() throws {
        let spool = TimelineSpool(format: .ndjson, memoryLimit: 1, directory: "/nonexistent-rdpcause-folder")
        let row = try #require(TimelineGoldenTests.rows().first)
        let error = #expect(throws: TimelineSpool.SpoolError.self) { try spool.add(row) }
        #expect(error?.description.contains("/nonexistent-rdpcause-folder") == true)
    }
}
