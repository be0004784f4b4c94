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

    /// Creates handlers; documents and diagnostics are ignored unless handlers are given.
    public init(
        onEvent: @escaping (WinEvent) -> Void,
        onDiagnostic: @escaping (ImportDiagnostic) -> Void = { _ in },
        onDocument: @escaping (TextDocument) -> Void = { _ in }
    ) {
        self.onEvent = onEvent
        self.onDiagnostic = onDiagnostic
        self.onDocument = onDocument
    }
}

/// Shared state of one import run: handlers, limits and counters. Owned by ``EventImporter``.
final class ImportContext {
    let handlers: ImportHandlers
    let limits: ImportLimits
    var statistics = ImportStatistics()

    init(handlers: ImportHandlers, limits: ImportLimits) {
        self.handlers = handlers
        self.limits = limits
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
