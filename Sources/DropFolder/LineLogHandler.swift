import EventImport
import Foundation
public import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// A log handler that writes each record as exactly one line on standard error, in logfmt or in
/// JSON, for journald, log shippers and grep: `--log-format logfmt|json` of `rdpcause watch`.
///
/// Every value is made single-line and terminal-safe first (``TerminalSafe``: a newline in a
/// quarantine reason or a file name becomes a visible `\n`), then quoted for its format, so a
/// record can never continue on a second line.
///
/// logfmt: `time=2026-12-06T18:00:00Z level=info logger=rdpcause.watch msg="case analysed" case=RT-42`
/// JSON: `{"time":"2026-12-06T18:00:00Z","level":"info","logger":"rdpcause.watch","msg":"case analysed","case":"RT-42"}`
public struct LineLogHandler: LogHandler {
    /// The line formats.
    public enum Format: String, Sendable, CaseIterable {
        /// `key=value` pairs; values with spaces, quotes or `=` are double-quoted.
        case logfmt
        /// One JSON object per line.
        case json
    }

    private let format: Format
    private let label: String
    private let write: @Sendable (String) -> Void

    /// The provider whose metadata is added to each line.
    public var metadataProvider: Logger.MetadataProvider?
    /// Metadata on every line.
    public var metadata: Logger.Metadata = [:]
    /// The lowest level written.
    public var logLevel: Logger.Level = .info

    /// A handler for `label` writing `format` lines to standard error (or to `write`, for tests).
    public init(label: String, format: Format, write: (@Sendable (String) -> Void)? = nil) {
        self.label = label
        self.format = format
        self.write = write ?? Self.standardError
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadataProvider?.get() ?? [:]
        all.merge(metadata) { _, new in new }
        if let explicit = event.metadata { all.merge(explicit) { _, new in new } }
        if let error = event.error { all["error"] = .string("\(error)") }
        var fields: [(String, String)] = [
            ("time", ISO8601DateFormatter().string(from: Date())), ("level", event.level.rawValue), ("logger", label),
            ("msg", event.message.description),
        ]
        fields += all.keys.sorted().compactMap { key in all[key].map { (key, Self.flatten($0)) } }
        write(line(fields.map { (TerminalSafe.line($0.0), TerminalSafe.line($0.1)) }) + "\n")
    }

    /// One line of the handler's format from single-line keys and values.
    func line(_ fields: [(String, String)]) -> String {
        switch format {
        case .json:
            var json = JSONWriter()
            json.beginObject()
            for (key, value) in fields { json.member(key, value) }
            json.endObject()
            return json.text
        case .logfmt:
            return fields.map { key, value in "\(Self.logfmtKey(key))=\(Self.logfmtValue(value))" }.joined(separator: " ")
        }
    }

    /// A key with nothing logfmt would split on (spaces, `=`, quotes become `_`).
    static func logfmtKey(_ key: String) -> String {
        let safe = String(key.map { $0 == " " || $0 == "=" || $0 == "\"" ? "_" : $0 })
        return safe.isEmpty ? "_" : safe
    }

    /// A value, double-quoted (with `\` and `"` escaped) when it is empty or holds a space, `=` or `"`.
    static func logfmtValue(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "\\" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// A metadata value as text (lists and dictionaries in brackets).
    private static func flatten(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): text
        case .stringConvertible(let item): item.description
        case .array(let values): "[" + values.map(flatten).joined(separator: ", ") + "]"
        case .dictionary(let entries): "[" + entries.keys.sorted().map { "\($0): \(entries[$0].map(flatten) ?? "")" }.joined(separator: ", ") + "]"
        }
    }

    /// Writes a whole line with one `write(2)`, so lines from several threads never interleave.
    private static let standardError: @Sendable (String) -> Void = { line in
        let bytes = Array(line.utf8)
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count, let base = buffer.baseAddress {
                let written = Glibc.write(2, base + offset, buffer.count - offset)
                if written <= 0 { break }
                offset += written
            }
        }
    }
}
