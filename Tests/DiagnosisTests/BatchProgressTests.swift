import Diagnosis
import EventImport
import Synchronization
import Foundation
import Testing
import TestSupport

/// The progress line of a batch moves while cases are read, and is not repeated faster than asked.
@Suite("Batch progress")
struct BatchProgressTests {
    /// A clock the test moves by hand.
    final class ManualClock: Sendable {
        let now = Mutex(0.0)
        func advance(_ seconds: Double) { now.withLock { $0 += seconds } }
        var read: @Sendable () -> Double { { [self] in now.withLock { $0 } } }
    }

    @Test func theLineMovesWithinACaseAndGivesTheTimeLeft() throws {
        let clock = ManualClock()
        let progress = BatchProgress(totalBytes: 40 << 20, cases: 2, clock: clock.read)
        clock.advance(2)
        progress.imported(ImportProgress(bytes: 10 << 20, events: 20_000))
        let first = try #require(progress.line(every: 0.5))
        #expect(first == "[0/2 cases] 0 files, 10.0 MB of 40.0 MB, 10000 events/s, ETA 0:06")
        // Reports from several threads add up.
        clock.advance(2)
        progress.imported(ImportProgress(bytes: 5 << 20, events: 4_000))
        progress.imported(ImportProgress(bytes: 5 << 20, events: 4_000))
        progress.caseFinished(files: 7)
        let second = try #require(progress.line(every: 0.5))
        #expect(second == "[1/2 cases] 7 files, 20.0 MB of 40.0 MB, 7000 events/s, ETA 0:04")
    }

    @Test func linesAreRateLimitedUnlessForced() {
        let clock = ManualClock()
        let progress = BatchProgress(totalBytes: 1 << 20, cases: 1, clock: clock.read)
        #expect(progress.line(every: 1) != nil)
        clock.advance(0.4)
        #expect(progress.line(every: 1) == nil)
        #expect(progress.line(every: 1, force: true) != nil)
        clock.advance(1.5)
        #expect(progress.line(every: 1) != nil)
    }

    @Test func nothingReadYetHasNoTimeLeft() throws {
        let clock = ManualClock()
        let progress = BatchProgress(totalBytes: 1 << 20, cases: 3, clock: clock.read)
        let line = try #require(progress.line(every: 0))
        #expect(line.hasSuffix("ETA -"))
        #expect(line.hasPrefix("[0/3 cases] 0 files, 0.0 MB of 1.0 MB"))
    }
}

/// `CaseRunner` reports progress while a case is read, from every thread that reads its files.
@Suite("Progress within a case")
struct CaseProgressTests {
    @Test func aLargeCaseReportsProgressBeforeItEndsAndTheReportsAddUp() throws {
        // A case of three ~2 MiB System logs (one record repeated), read by up to two threads.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rdpcause-progress-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = SyntheticSystemLog.text(records: 4_000, binaryUnits: 100)
        for name in ["a", "b", "c"] {
            try Data(log.utf8).write(to: folder.appendingPathComponent("\(name)-System.xml"))
        }
        let reports = Mutex<[ImportProgress]>([])
        let completedAfter = Mutex(-1)
        let results = CaseRunner(pack: rulePack, parallelism: 2).analyze(
            [folder.path], progress: { report in reports.withLock { $0.append(report) } },
            completed: { _ in completedAfter.withLock { $0 = reports.withLock(\.count) } })
        let result = try #require(results.first)
        let received = reports.withLock { $0 }
        // Each file reports about every MiB while it is read, so the case moved before it ended.
        #expect(received.count >= 3 * (log.utf8.count / ImportProgress.step))
        #expect(completedAfter.withLock { $0 } == received.count)
        #expect(received.reduce(0) { $0 + $1.bytes } == result.statistics.bytesRead)
        #expect(received.reduce(0) { $0 + $1.events } == 12_000)
    }
}
