/// The callbacks an import delivers to.
///
/// Handlers are called synchronously, in input order, on the importing thread.
public struct ImportHandlers {
    /// Receives each event as soon as its `</Event>` is read.
    public var onEvent: (WinEvent) -> Void
    /// Receives each problem as it is found.
    public var onDiagnostic: (ImportDiagnostic) -> Void
    /// Receives each text document (client error report, note) found among the inputs.
    public var onDocument: (TextDocument) -> Void
    /// Receives the work done since its last call, about every ``ImportProgress/step`` bytes of
    /// input and at the end of each path, so a long input shows progress before it ends.
    public var onProgress: ((ImportProgress) -> Void)?

    /// Creates handlers; documents, diagnostics and progress are ignored unless handlers are given.
    public init(
        onEvent: @escaping (WinEvent) -> Void,
        onDiagnostic: @escaping (ImportDiagnostic) -> Void = { _ in },
        onDocument: @escaping (TextDocument) -> Void = { _ in },
        onProgress: ((ImportProgress) -> Void)? = nil
    ) {
        self.onEvent = onEvent
        self.onDiagnostic = onDiagnostic
        self.onDocument = onDocument
        self.onProgress = onProgress
    }
}

/// Work done by an import since the previous report: deltas, so reports from several importers
/// (the files of a case read in parallel, several cases) add up.
public struct ImportProgress: Sendable, Hashable {
    /// Bytes of input read (compressed size for compressed input), as ``ImportStatistics/bytesRead``.
    public var bytes: Int
    /// Events delivered.
    public var events: Int

    /// About how many input bytes pass between two reports.
    public static let step = 1 << 20

    /// Creates a report.
    public init(bytes: Int, events: Int) {
        self.bytes = bytes
        self.events = events
    }
}

/// Shared state of one import run: handlers, limits and counters. Owned by ``EventImporter``.
final class ImportContext {
    let handlers: ImportHandlers
    let limits: ImportLimits
    var statistics = ImportStatistics()
    /// The counters as of the last progress report.
    private var reported = ImportStatistics()

    init(handlers: ImportHandlers, limits: ImportLimits) {
        self.handlers = handlers
        self.limits = limits
    }

    /// Counts input bytes read, and reports progress once a ``ImportProgress/step`` has passed.
    @inline(__always)
    func countBytesRead(_ count: Int) {
        statistics.bytesRead += count
        if statistics.bytesRead - reported.bytesRead >= ImportProgress.step { reportProgress() }
    }

    /// Reports the work done since the last report, if any (and if anyone listens).
    func reportProgress() {
        guard let onProgress = handlers.onProgress else { return }
        let progress = ImportProgress(
            bytes: statistics.bytesRead - reported.bytesRead, events: statistics.events - reported.events)
        guard progress.bytes != 0 || progress.events != 0 else { return }
        reported = statistics
        onProgress(progress)
    }

    func emit(_ event: WinEvent) {
        statistics.events += 1
        handlers.onEvent(event)
    }

    func report(_ diagnostic: ImportDiagnostic) {
        switch diagnostic.severity {
        case .warning: statistics.warnings += 1
        case .error: statistics.errors += 1
        }
        handlers.onDiagnostic(diagnostic)
    }

    func document(_ document: TextDocument) {
        handlers.onDocument(document)
    }
}

/// A stage of the streaming pipeline: it receives bytes in order, then one `finish()`.
///
/// Stages never throw: a stage that meets damage reports a diagnostic through the
/// ``ImportContext``, keeps what it could deliver, and ignores the rest of its input
/// (``isDone`` tells the producer it may stop reading).
protocol StreamSink: AnyObject {
    /// Consumes the next chunk; the buffer is only valid during the call.
    func consume(_ chunk: UnsafeRawBufferPointer)
    /// Signals the end of input.
    func finish()
    /// True once the stage will ignore further input.
    var isDone: Bool { get }
    /// A buffer the producer may read the next chunk straight into, saving a copy; `nil` when the
    /// stage needs the bytes handed over through ``consume(_:)``. The buffer is valid until the
    /// next call on the stage.
    func directBuffer(capacity: Int) -> UnsafeMutableRawBufferPointer?
    /// Consumes the first `count` bytes of the buffer the last ``directBuffer(capacity:)`` gave.
    func consumeDirect(_ count: Int)
}

extension StreamSink {
    /// Stages take their input through ``consume(_:)`` unless they say otherwise.
    func directBuffer(capacity: Int) -> UnsafeMutableRawBufferPointer? { nil }

    /// Never called for stages that give no direct buffer.
    func consumeDirect(_ count: Int) {}
}
