/// A problem found while importing: unreadable input, damaged records, repaired content.
///
/// Every diagnostic names the file (and archive member), and where known the line and column,
/// so that a user can open the exact spot. Import continues after every diagnostic: the events
/// read before the damage, and the other files, are still delivered.
public struct ImportDiagnostic: Sendable, Hashable, Error, CustomStringConvertible {
    /// How bad the problem is.
    public enum Severity: String, Sendable, Hashable, Comparable {
        /// Input was repaired or is unusual, and nothing was lost.
        case warning
        /// Part of the input could not be read.
        case error

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            lhs == .warning && rhs == .error
        }
    }

    /// What kind of problem this is, for programs that react to it.
    public enum Kind: String, Sendable, Hashable {
        /// XML that is not well-formed (the reason says how).
        case malformedXML = "malformed-xml"
        /// The input ends in the middle of a record or a compressed frame.
        case truncated
        /// A DOCTYPE or entity declaration, rejected for safety.
        case forbiddenDeclaration = "forbidden-declaration"
        /// Characters XML 1.0 forbids were replaced so that the record could be read.
        case repairedCharacters = "repaired-characters"
        /// A damaged compressed stream or archive member.
        case corruptArchive = "corrupt-archive"
        /// Decompression stopped by the size or ratio limit.
        case decompressionLimit = "decompression-limit"
        /// An archive or compressed stream nested deeper than the limit, which was not opened.
        case nestingLimit = "nesting-limit"
        /// A file whose type is not one rdpcause reads.
        case unsupportedType = "unsupported-type"
        /// A file or folder that could not be opened or read.
        case unreadable
        /// XML that holds no `<Event>` records.
        case noEvents = "no-events"
        /// A record whose System part lacks a field rules depend on.
        case incompleteRecord = "incomplete-record"
        /// A value or tag longer than ``ImportLimits/maxFieldBytes``: a value is cut, a tag's record skipped.
        case fieldLimit = "field-limit"
        /// An `Event` element of another namespace, which is not read as a record.
        case foreignEvent = "foreign-event"
        /// A damaged part of a binary `.evtx` log: a chunk, a record or bytes that are neither.
        case damagedLog = "damaged-log"
    }

    /// How bad the problem is.
    public var severity: Severity
    /// What kind of problem this is.
    public var kind: Kind
    /// The file, with archive members after `!`.
    public var source: String
    /// The 1-based line, when the problem has a position.
    public var line: Int?
    /// The 1-based column, when the problem has a position.
    public var column: Int?
    /// A sentence saying what is wrong and what happened to the input.
    public var message: String

    /// Creates a diagnostic.
    public init(
        _ severity: Severity, _ kind: Kind, source: String, line: Int? = nil, column: Int? = nil, message: String
    ) {
        self.severity = severity
        self.kind = kind
        self.source = source
        self.line = line
        self.column = column
        self.message = message
    }

    /// `source:line:column: severity: message`, the form compilers use, so editors can jump to it.
    ///
    /// One line, safe for a terminal or a log: file and member names and quoted content come from
    /// the input, so control characters, bidirectional overrides and newlines in them are shown as
    /// visible escapes (``TerminalSafe``) and cannot forge a line of their own.
    public var description: String {
        TerminalSafe.line("\(sourceLocation(source, line: line, column: column)): \(severity.rawValue): \(message)")
    }
}

/// `file`, `file:line` or `file:line:column`: the location prefix compilers print, so editors can jump to it.
public func sourceLocation(_ source: String, line: Int?, column: Int?) -> String {
    guard let line else { return source }
    return column.map { "\(source):\(line):\($0)" } ?? "\(source):\(line)"
}

/// Counters describing one import run.
public struct ImportStatistics: Sendable, Hashable {
    /// Files and archive members read as event XML, binary `.evtx` logs or text documents.
    public var inputs: Int = 0
    /// Bytes of the inputs themselves read (compressed size for compressed input).
    public var bytesRead: Int = 0
    /// Bytes of XML text parsed (after decompression and decoding).
    public var xmlBytes: Int = 0
    /// Events delivered.
    public var events: Int = 0
    /// Warnings reported.
    public var warnings: Int = 0
    /// Errors reported.
    public var errors: Int = 0

    /// Creates zeroed counters.
    public init() {}
}

/// Limits that protect the importer from hostile or broken input.
///
/// The decompression limits hold per input: a path given to ``EventImporter/importPath(_:)``
/// (a file, or a whole folder) or the bytes given to
/// ``EventImporter/importData(_:source:chunkSize:)``, summed over every compressed stream and
/// archive member inside it at every nesting level.
public struct ImportLimits: Sendable, Hashable {
    /// Largest number of bytes all decompression inside one input may produce.
    public var maxExpandedBytes: Int
    /// Largest expansion ratio (bytes produced by decompression ÷ the input's own bytes) accepted
    /// once the output exceeds ``ratioGraceBytes``.
    public var maxExpansionRatio: Int
    /// Output size below which the ratio is not checked (small, highly repetitive files are normal).
    public var ratioGraceBytes: Int
    /// Largest text document (client error report, ticket note) kept in memory.
    public var maxDocumentBytes: Int
    /// Diagnostics of one kind reported per input before they are summarized.
    public var maxDiagnosticsPerInput: Int
    /// How many archives and compressed streams may wrap one another: a `.xml.zst` inside a
    /// `.tar.zst` inside a `.zip` is 4 deep (zip, zstd, tar, zstd). Deeper ones are reported and
    /// not opened.
    public var maxNestingDepth: Int
    /// Largest zip or 7-Zip archive found inside another archive or compressed stream that is
    /// held in memory to be read through its directory. A larger zip is read from its local
    /// headers; a larger 7-Zip archive (which cannot be read that way) is reported.
    public var maxBufferedArchiveBytes: Int
    /// Largest value kept for one field of a record (element text, `Data`, an attribute value);
    /// longer text is cut at this size with a warning, and a tag, comment or processing
    /// instruction still open past it is reported as damage, so one field never costs more memory
    /// (values under 4 KiB are raised to 4 KiB).
    public var maxFieldBytes: Int
    /// Largest dictionary (LZMA, LZMA2) or model memory (PPMd) a 7-Zip archive's coder may declare.
    /// libarchive allocates what the archive declares, up to 4 GiB, before decoding a byte, so an
    /// archive declaring more is refused before libarchive opens it. 64 MiB is what 7-Zip itself uses
    /// at its highest level (`-mx9`; the default `-mx5` uses 16 MiB).
    public var maxDecoderMemoryBytes: Int
    /// Largest header database of a 7-Zip archive (its file list and folder descriptions), packed
    /// and unpacked, which is read and checked in memory before libarchive opens the archive; a
    /// larger one is refused. About 100 bytes per file: 64 MiB lists more than half a million files.
    public var maxSevenZipHeaderBytes: Int
    /// Largest number of files, folders or packed streams a 7-Zip archive's header may declare.
    /// libarchive allocates about 100 bytes per entry as soon as it reads a count, before the entries
    /// themselves (a 200-byte header can claim 100 million files, 8 GiB), so a larger count is refused.
    public var maxSevenZipEntries: Int

    /// Creates limits; the defaults suit event-log archives of many gigabytes.
    public init(
        maxExpandedBytes: Int = 64 << 30,
        maxExpansionRatio: Int = 1000,
        ratioGraceBytes: Int = 64 << 20,
        maxDocumentBytes: Int = 4 << 20,
        maxDiagnosticsPerInput: Int = 50,
        maxNestingDepth: Int = 5,
        maxBufferedArchiveBytes: Int = 64 << 20,
        maxFieldBytes: Int = 1 << 20,
        maxDecoderMemoryBytes: Int = 64 << 20,
        maxSevenZipHeaderBytes: Int = 64 << 20,
        maxSevenZipEntries: Int = 1 << 20
    ) {
        self.maxExpandedBytes = maxExpandedBytes
        self.maxExpansionRatio = maxExpansionRatio
        self.ratioGraceBytes = ratioGraceBytes
        self.maxDocumentBytes = maxDocumentBytes
        self.maxDiagnosticsPerInput = maxDiagnosticsPerInput
        self.maxNestingDepth = maxNestingDepth
        self.maxBufferedArchiveBytes = maxBufferedArchiveBytes
        self.maxFieldBytes = maxFieldBytes
        self.maxDecoderMemoryBytes = maxDecoderMemoryBytes
        self.maxSevenZipHeaderBytes = maxSevenZipHeaderBytes
        self.maxSevenZipEntries = maxSevenZipEntries
    }
}

/// A text file found in the input that is not an event log: a pasted client error report, a
/// ticket note or an e-mail. Later stages read failures and hints from it.
public struct TextDocument: Sendable, Hashable {
    /// The file, with archive members after `!`.
    public var source: String
    /// The decoded text (UTF-8, UTF-16 with or without BOM).
    public var text: String

    /// Creates a document.
    public init(source: String, text: String) {
        self.source = source
        self.text = text
    }
}
