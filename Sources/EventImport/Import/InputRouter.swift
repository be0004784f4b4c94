#if canImport(Glibc)
    import Glibc
#endif

/// Reads one input as a tree of sources: decides what each source is from its first bytes,
/// then decompresses it (zstd), unpacks it (libarchive: zip, 7-Zip, tar, gzip, bzip2, xz) and
/// reads each member the same way, one level deeper, or parses it (event XML, text).
///
/// Every level shares the input's ``ExpansionBudget``; nesting deeper than
/// ``ImportLimits/maxNestingDepth`` is reported and not opened.
final class InputRouter {
    /// How often a damaged member's archive is reopened to read the members after it.
    private static let maxReopenings = 32

    private let context: ImportContext
    private let chunkSize: Int
    private let scratch: UnsafeMutableRawBufferPointer

    init(context: ImportContext, chunkSize: Int) {
        self.context = context
        self.chunkSize = chunkSize
        scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
    }

    deinit {
        scratch.deallocate()
    }

    /// Reads `source`, named `name` in events and diagnostics, wrapped in `depth` archives or
    /// compressed streams.
    func importSource(_ source: any ByteSource, name: String, depth: Int, budget: ExpansionBudget) {
        let head = source.readHead(InputKind.sniffLength)
        switch InputKind.detect(head) {
        case .xml:
            context.statistics.inputs += 1
            pump(source, head: head, into: EventXMLReader(source: name, context: context))
        case .evtx:
            context.statistics.inputs += 1
            pump(source, head: head, into: EvtxReader(source: name, context: context))
        case .text:
            if let export = EventViewerExport.detect(head) {
                context.report(EventViewerExport.diagnostic(export, source: name))
                return
            }
            context.statistics.inputs += 1
            pump(source, head: head, into: TextDocumentCollector(source: name, context: context))
        case .empty:
            // A source cut off by damage has said so already: it is not an empty file.
            if !source.endedEarly {
                context.report(ImportDiagnostic(.warning, .noEvents, source: name, message: "the file is empty"))
            }
        case .emptyZip:
            context.report(ImportDiagnostic(.warning, .noEvents, source: name, message: "the archive holds no files"))
        case .unsupported(let message):
            context.report(ImportDiagnostic(.error, .unsupportedType, source: name, message: message))
        case .zstd:
            guard canOpen(name, depth: depth, budget: budget) else { return }
            let zstd = ZstdSource(
                inner: rewound(source, head: head), name: name, context: context, budget: budget, chunkSize: chunkSize)
            importSource(zstd, name: name, depth: depth + 1, budget: budget)
        case .archive(let layout):
            guard canOpen(name, depth: depth, budget: budget) else { return }
            readArchive(layout, source: rewound(source, head: head), name: name, depth: depth, budget: budget)
        }
    }

    // MARK: - Leaves

    /// Feeds the head, then the rest of the source, to a parser; plain input is read straight
    /// into the parser's own buffer when it offers one.
    private func pump(_ source: any ByteSource, head: [UInt8], into sink: some StreamSink) {
        head.withUnsafeBytes { sink.consume($0) }
        while !sink.isDone {
            if let direct = sink.directBuffer(capacity: chunkSize) {
                let count = source.read(into: direct)
                if count == 0 { break }
                sink.consumeDirect(count)
            } else {
                let count = source.read(into: scratch)
                if count == 0 { break }
                sink.consume(UnsafeRawBufferPointer(rebasing: scratch[..<count]))
            }
        }
        sink.finish()
    }

    // MARK: - Containers

    /// False (and reported) when a container at `depth` may not be opened.
    private func canOpen(_ name: String, depth: Int, budget: ExpansionBudget) -> Bool {
        let limit = context.limits.maxNestingDepth
        if depth >= limit {
            context.report(
                ImportDiagnostic(
                    .error, .nestingLimit, source: name,
                    message:
                        "skipped: archives and compressed streams are read \(limit) levels deep, and this one is "
                        + "inside \(depth); extract it and add its files to the case"))
            return false
        }
        if budget.isExhausted {
            budget.reportExhausted(at: name, context: context)
            return false
        }
        return true
    }

    /// The source from its first byte again: rewound when it can seek, else replayed.
    private func rewound(_ source: any ByteSource, head: [UInt8]) -> any ByteSource {
        if source.isSeekable, source.seek(to: 0, whence: SEEK_SET) == 0 { return source }
        return ReplaySource(head: head, rest: source)
    }

    /// Reads an archive's members. A zip or 7-Zip archive that is not in a seekable source is
    /// held in memory when small enough; a larger zip is read from its local headers.
    private func readArchive(
        _ layout: ArchiveLayout, source: any ByteSource, name: String, depth: Int, budget: ExpansionBudget
    ) {
        guard layout == .zipCentralDirectory || layout == .sevenZip, !source.isSeekable else {
            readMembers(layout, source: source, name: name, depth: depth, budget: budget)
            return
        }
        let limit = context.limits.maxBufferedArchiveBytes
        var bytes: [UInt8] = []
        var complete = false
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        chunk.withUnsafeMutableBytes { buffer in
            while bytes.count <= limit {
                let count = source.read(into: buffer)
                if count == 0 {
                    complete = true
                    break
                }
                bytes.append(contentsOf: buffer[..<count])
            }
        }
        if complete {
            bytes.withUnsafeBytes { memory in
                let buffered = MemorySource(bytes: memory, chunkSize: chunkSize)
                readMembers(layout, source: buffered, name: name, depth: depth, budget: budget)
            }
        } else if layout == .zipCentralDirectory {
            let rest = ReplaySource(head: bytes, rest: source)
            readMembers(.zipLocalHeaders, source: rest, name: name, depth: depth, budget: budget)
        } else {
            context.report(
                ImportDiagnostic(
                    .error, .unsupportedType, source: name,
                    message:
                        "a 7-Zip archive inside another archive or compressed stream is read only up to "
                        + "\(limit) bytes (it needs random access), and this one is larger; extract it and add it to the case"))
        }
    }

    /// Reads the members with libarchive. A zip whose central directory is damaged is read again
    /// from its local headers; an archive whose member is damaged is reopened after that member.
    /// A 7-Zip archive is first checked by ``SevenZipPreflight`` and refused when it declares more
    /// decoder memory than the limit (libarchive would allocate it).
    private func readMembers(
        _ initialLayout: ArchiveLayout, source: any ByteSource, name: String, depth: Int, budget: ExpansionBudget
    ) {
        var sevenZipDataStreams: Int?
        if initialLayout == .sevenZip {
            switch SevenZipPreflight(source: source, name: name, limits: context.limits, budget: budget).check() {
            case .accepted(let dataStreams):
                sevenZipDataStreams = dataStreams
            case .refused(let refusal):
                context.report(refusal)
                return
            case .budgetExhausted:
                budget.reportExhausted(at: name, context: context)
                return
            }
            guard source.seek(to: 0, whence: SEEK_SET) == 0 else {
                context.report(
                    ImportDiagnostic(.error, .unreadable, source: name, message: "the 7-Zip archive cannot be read again from its start"))
                return
            }
        }
        var layout = initialLayout
        var resumeAfter = 0
        var skipping: Set<String> = []
        var reopenings = 0
        var dataOrdinals: Set<Int> = []
        while true {
            guard
                let reader = ArchiveReader(
                    layout: layout, source: source, name: name, context: context, budget: budget)
            else {
                context.report(
                    ImportDiagnostic(.error, .unreadable, source: name, message: "libarchive could not be started (out of memory)"))
                return
            }
            let outcome = reader.readMembers(resumeAfter: resumeAfter, skipping: skipping) { member, data in
                importSource(data, name: member, depth: depth + 1, budget: budget)
            }
            let reached = reader.lastOrdinal >= 0 || resumeAfter > 0 || !skipping.isEmpty
            skipping.formUnion(reader.reachedPaths)
            dataOrdinals.formUnion(reader.dataOrdinals)
            switch outcome {
            case .complete:
                if let expected = sevenZipDataStreams, dataOrdinals.count < expected {
                    reportUnnamedSevenZipData(name, streams: expected, named: dataOrdinals.count)
                } else if reader.lastOrdinal < 0 && resumeAfter == 0 && skipping.isEmpty {
                    context.report(ImportDiagnostic(.warning, .noEvents, source: name, message: "the archive holds no files"))
                }
                return
            case .budgetExhausted:
                return
            case .cannotResume:
                reportStuckAtDamagedMember(name)
                return
            case .damaged(let message):
                if layout == .zipCentralDirectory, source.seek(to: 0, whence: SEEK_SET) == 0 {
                    context.report(
                        ImportDiagnostic(
                            .error, .corruptArchive, source: name,
                            message:
                                "the zip cannot be read through its central directory (its table of contents) "
                                + "(libarchive: \(message)); "
                                + (reached ? "the members not yet read were" : "the members were")
                                + " read from their local headers instead"))
                    resumeAfter = 0
                    layout = .zipLocalHeaders
                    continue
                }
                let consequence = reached ? "the members after this point were not read" : "nothing in it was read"
                context.report(
                    ImportDiagnostic(
                        .error, message.lowercased().contains("truncated") ? .truncated : .corruptArchive, source: name,
                        message: "the archive is damaged (libarchive: \(message)); \(consequence)"))
                return
            case .memberDamaged:
                guard reopenings < Self.maxReopenings, source.seek(to: 0, whence: SEEK_SET) == 0 else {
                    reportStuckAtDamagedMember(name)
                    return
                }
                reopenings += 1
                resumeAfter = reader.lastOrdinal + 1
            }
        }
    }

    /// A 7-Zip file list that names fewer files with data than the archive holds data streams:
    /// libarchive reads the files it names and ends, so the rest of the data has no member.
    private func reportUnnamedSevenZipData(_ name: String, streams: Int, named: Int) {
        let missing = streams - named
        context.report(
            ImportDiagnostic(
                .error, .corruptArchive, source: name,
                message:
                    "the archive's header describes \(streams) data streams, but its file list names only \(named) "
                    + "\(named == 1 ? "member" : "members") with data: the file list is damaged, and the other \(missing) "
                    + "\(missing == 1 ? "stream was" : "streams were") not read; re-create the archive from the original files"))
    }

    private func reportStuckAtDamagedMember(_ name: String) {
        context.report(
            ImportDiagnostic(
                .error, .corruptArchive, source: name,
                message: "the archive cannot be read past its damaged member; the members after it were not read"))
    }
}
