public import EventImport
import Synchronization

/// How far a batch of cases has got: cases done, files, bytes and events read so far (also
/// within cases still running), the reading rate and the time left, for a progress line.
///
/// Safe to update from any thread: the files of a case and several cases are read in parallel,
/// and each reports its ``EventImport/ImportProgress`` as it reads.
public final class BatchProgress: Sendable {
    /// The counters, and when a line was last due.
    private struct State {
        var casesDone = 0
        var files = 0
        var bytes = 0
        var events = 0
        var lastLine: Double = -.infinity
    }

    private let state = Mutex(State())
    private let totalBytes: Int
    private let cases: Int
    private let clock: @Sendable () -> Double
    private let start: Double

    /// Starts counting a batch of `cases` cases holding `totalBytes` bytes of input; `clock`
    /// gives seconds (monotonic), and is replaced in tests.
    public init(totalBytes: Int, cases: Int, clock: @escaping @Sendable () -> Double) {
        self.totalBytes = max(totalBytes, 1)
        self.cases = cases
        self.clock = clock
        start = clock()
    }

    /// Counts what an importer read since its last report.
    public func imported(_ progress: ImportProgress) {
        state.withLock {
            $0.bytes += progress.bytes
            $0.events += progress.events
        }
    }

    /// Counts a finished case and its files (its bytes and events came through ``imported(_:)``).
    public func caseFinished(files: Int) {
        state.withLock {
            $0.casesDone += 1
            $0.files += files
        }
    }

    /// The progress line, or nil when the last one was given less than `interval` seconds ago
    /// (so that a terminal is not flooded by a fast batch). `force` gives it in any case.
    public func line(every interval: Double, force: Bool = false) -> String? {
        let now = clock()
        let snapshot: State? = state.withLock {
            guard force || now - $0.lastLine >= interval else { return nil }
            $0.lastLine = now
            return $0
        }
        guard let snapshot else { return nil }
        return Self.format(snapshot, cases: cases, totalBytes: totalBytes, elapsed: max(now - start, 0.001))
    }

    /// `[1/3 cases] 12 files, 35.2 MB of 120.0 MB, 118000 events/s, ETA 0:14`.
    private static func format(_ state: State, cases: Int, totalBytes: Int, elapsed: Double) -> String {
        let bytes = min(state.bytes, totalBytes)
        let rate = Double(bytes) / elapsed
        let remaining = rate > 0 ? Int((Double(totalBytes - bytes) / rate).rounded(.up)) : nil
        let megabytes = { (count: Int) -> String in
            let tenths = (count * 10 + 524_288) / 1_048_576  // tenths of a MiB, rounded
            return "\(tenths / 10).\(tenths % 10)"
        }
        let eta = remaining.map { "\($0 / 60):" + (($0 % 60) < 10 ? "0" : "") + "\($0 % 60)" } ?? "-"
        return "[\(state.casesDone)/\(cases) cases] \(state.files) files, \(megabytes(bytes)) MB of \(megabytes(totalBytes)) MB, "
            + "\(Int(Double(state.events) / elapsed)) events/s, ETA \(eta)"
    }
}
