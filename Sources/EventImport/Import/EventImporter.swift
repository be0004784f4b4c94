#if canImport(Glibc)
    import Glibc
#endif

/// Streams everything a support engineer collected into normalized events.
///
/// Inputs are files, folders (recursive, in sorted order) and archives (zip, 7-Zip, tar,
/// zstd, gzip, bzip2, xz, nested up to ``ImportLimits/maxNestingDepth``), recognised by content
/// rather than by name. Nothing is extracted to disk and no file is loaded whole: each byte
/// passes once through a chain of stages (decompression, archive, decoding, XML) that hands
/// each event to ``ImportHandlers/onEvent`` as soon as it is complete.
///
/// ```swift
/// let importer = EventImporter(handlers: ImportHandlers(onEvent: { print($0.eventID) }))
/// importer.importPaths(["case-1234.zip"])
/// print(importer.statistics.events, importer.statistics.errors)
/// ```
///
/// Every problem becomes an ``ImportDiagnostic`` naming file, member and position; the rest of
/// the input is still read.
public final class EventImporter {
    let context: ImportContext
    private let chunkSize: Int
    private let router: InputRouter

    /// Creates an importer.
    ///
    /// - Parameters:
    ///   - handlers: Where events, diagnostics and text documents go.
    ///   - limits: Protection against hostile input.
    ///   - chunkSize: Bytes read from disk at a time.
    public init(handlers: ImportHandlers, limits: ImportLimits = ImportLimits(), chunkSize: Int = 1 << 20) {
        context = ImportContext(handlers: handlers, limits: limits)
        self.chunkSize = max(1, chunkSize)
        router = InputRouter(context: context, chunkSize: self.chunkSize)
    }

    /// Counters for everything imported so far.
    public var statistics: ImportStatistics { context.statistics }

    /// Imports each path: a file, a folder (recursively) or an archive; each is one input for
    /// the decompression limits.
    public func importPaths(_ paths: [String]) {
        for path in paths { importPath(path) }
    }

    /// The path that stands for standard input: a case piped in (a tar or zip stream, or one log).
    public static let standardInputPath = "-"

    /// The name standard input has in events and diagnostics.
    public static let standardInputName = "stdin"

    /// Imports one path: a file, a folder (recursively) or an archive; ``standardInputPath``
    /// reads standard input. The path itself may be a symbolic link; links inside a folder are
    /// followed only to places inside it.
    public func importPath(_ path: String) {
        defer { context.reportProgress() }
        for unit in units(of: path) { importUnit(unit) }
    }

    /// Imports bytes held in memory (for tests and for callers that receive data from
    /// elsewhere), handed to the readers `chunkSize` bytes at a time. Every format is read from
    /// memory, zip and 7-Zip included.
    public func importData(_ data: [UInt8], source: String, chunkSize: Int? = nil) {
        defer { context.reportProgress() }
        let budget = ExpansionBudget(input: source, limits: context.limits)
        data.withUnsafeBytes { bytes in
            let memory = MemorySource(bytes: bytes, chunkSize: chunkSize ?? self.chunkSize, budget: budget, context: context)
            router.importSource(memory, name: source, depth: 0, budget: budget)
        }
    }

    /// Reads standard input as one input: a pipe or a redirected file. A terminal is refused
    /// (nobody types a case), so a forgotten redirection does not wait forever.
    func importStandardInput(budget: ExpansionBudget) {
        let name = Self.standardInputName
        guard isatty(0) == 0 else {
            context.report(
                ImportDiagnostic(
                    .error, .unreadable, source: name,
                    message: "standard input is a terminal: pipe a case into it, e.g. `tar -cf - case | rdpcause analyze -`"))
            return
        }
        let file = FileSource(descriptor: 0, name: name, context: context, budget: budget)
        router.importSource(file, name: name, depth: 0, budget: budget)
    }

    /// Opens a file without blocking and without following a final symbolic link found in a
    /// folder, checks that it is the regular file that was listed, and reads it.
    func importFile(_ path: String, displayName: String, expected: FileIdentity?, budget: ExpansionBudget) {
        // O_NONBLOCK: a FIFO that appeared since the listing opens at once instead of waiting
        // for a writer, and is then refused below.
        let flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | (expected == nil ? 0 : O_NOFOLLOW)
        let descriptor = open(path, flags)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            context.report(ImportDiagnostic(.error, .unreadable, source: displayName, message: "cannot open: \(reason)"))
            return
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            context.report(ImportDiagnostic(.error, .unreadable, source: displayName, message: "cannot be examined: \(reason)"))
            return
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            context.report(
                ImportDiagnostic(
                    .warning, .unsupportedType, source: displayName,
                    message: "skipped: \(FileIdentity.typeName(info.st_mode)) is not a regular file; it was not read"))
            return
        }
        if let expected, expected != FileIdentity(info) {
            context.report(
                ImportDiagnostic(
                    .error, .unreadable, source: displayName,
                    message: "skipped: the file was replaced while the folder was being read"))
            return
        }
        let file = FileSource(descriptor: descriptor, name: displayName, context: context, budget: budget)
        router.importSource(file, name: displayName, depth: 0, budget: budget)
    }
}
