import Diagnosis
import EventImport
import Synchronization
import Testing

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
