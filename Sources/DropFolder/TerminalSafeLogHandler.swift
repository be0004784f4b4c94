import EventImport
public import Logging

/// A log handler that makes each message and metadata value safe for a terminal or a log file
/// before handing it to another handler (usually swift-log's `StreamLogHandler` on standard error).
///
/// Log lines carry input names, case names, quarantine reasons and ticket-system answers, all of
/// which come from outside. Every string goes through ``TerminalSafe/line(_:lineBreaks:)``:
/// escape sequences, C1 controls and bidirectional overrides are shown as visible escapes, and a
/// newline in a file name is shown as `\n`, so it can never start a forged log line. Metadata from
/// a metadata provider and an attached error are folded in and made safe too.
public struct TerminalSafeLogHandler: LogHandler {
    private var inner: any LogHandler

    /// The provider whose metadata is added to each line (made safe like the rest).
    public var metadataProvider: Logger.MetadataProvider?

    /// Wraps `inner`; its metadata provider moves here, so that what it provides is made safe as well.
    public init(_ inner: any LogHandler) {
        self.inner = inner
        metadataProvider = inner.metadataProvider
        self.inner.metadataProvider = nil
        self.inner.metadata = Self.safe(inner.metadata)
    }

    /// Returns `logger` with its handler wrapped (unchanged when it is wrapped already).
    public static func wrapping(_ logger: Logger) -> Logger {
        guard !(logger.handler is TerminalSafeLogHandler) else { return logger }
        return Logger(label: logger.label) { _ in TerminalSafeLogHandler(logger.handler) }
    }

    public func log(event: LogEvent) {
        var metadata = metadataProvider?.get() ?? [:]
        if let explicit = event.metadata { metadata.merge(explicit) { _, new in new } }
        if let error = event.error { metadata["error"] = .string("\(error)") }
        var safe = event
        safe.message = Logger.Message(stringLiteral: TerminalSafe.line(event.message.description))
        safe.metadata = metadata.isEmpty ? nil : Self.safe(metadata)
        safe.error = nil
        inner.log(event: safe)
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: TerminalSafe.line(key)] }
        set { inner[metadataKey: TerminalSafe.line(key)] = newValue.map(Self.safe) }
    }

    public var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = Self.safe(newValue) }
    }

    public var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    private static func safe(_ metadata: Logger.Metadata) -> Logger.Metadata {
        var result: Logger.Metadata = [:]
        for (key, value) in metadata { result[TerminalSafe.line(key)] = safe(value) }
        return result
    }

    private static func safe(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): .string(TerminalSafe.line(text))
        case .stringConvertible(let item): .string(TerminalSafe.line(item.description))
        case .dictionary(let metadata): .dictionary(safe(metadata))
        case .array(let values): .array(values.map { safe($0) })
        }
    }
}
