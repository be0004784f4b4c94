/// Streams a binary `.evtx` log into ``WinEvent`` values through the same ``EventBuilder`` the
/// XML reader uses, so both forms of one log give the same events.
///
/// Reads chunk by chunk from any byte stream (a file, a zstd stream, an archive member): it holds
/// one 64 KiB chunk and that chunk's name cache, never the file. Each event's ``EventOrigin``
/// has the file as `source`, the record number as `line` and the record's file offset as
/// `byteOffset`; diagnostics name the chunk, its file offset and the record.
///
/// Damage is reported and read around: a chunk without its signature is skipped; a chunk whose
/// checksums do not match is read with each record checked on its own; bytes that are no whole
/// record are skipped up to the next record; a record whose XML is damaged is skipped; a file cut
/// short gives the complete records of its last chunk. Nothing is made up from damaged bytes.
final class EvtxReader: StreamSink {
    private let source: String
    private let context: ImportContext
    private let state: UnsafeMutablePointer<EventBuilder>
    private let walker: UnsafeMutablePointer<BinXmlWalker>
    private let buffer: UnsafeMutableRawBufferPointer
    private var filled = 0
    private var headerRead = false
    private var chunkIndex = 0
    /// Whole records found in free space, and in how many chunks.
    private var leftoverRecords = 0
    private var leftoverChunks = 0
    /// The chunks in use according to the file header.
    private var declaredChunks = 0
    private(set) var isDone = false

    init(source: String, context: ImportContext) {
        self.source = source
        self.context = context
        state = UnsafeMutablePointer<EventBuilder>.allocate(capacity: 1)
        state.initialize(to: EventBuilder(source: source, context: context))
        walker = UnsafeMutablePointer<BinXmlWalker>.allocate(capacity: 1)
        walker.initialize(to: BinXmlWalker(builder: state))
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: EvtxChunkHeader.chunkSize, alignment: 16)
    }

    deinit {
        walker.deinitialize(count: 1)
        walker.deallocate()
        state.deinitialize(count: 1)
        state.deallocate()
        buffer.deallocate()
    }

    /// The bytes needed before the next block (the file header, then each chunk) can be read.
    private var blockSize: Int { headerRead ? EvtxChunkHeader.chunkSize : EvtxFileHeader.size }

    // MARK: - StreamSink

    func consume(_ chunk: UnsafeRawBufferPointer) {
        var rest = chunk
        while !rest.isEmpty && !isDone {
            let take = min(rest.count, blockSize - filled)
            if let target = buffer.baseAddress, let from = rest.baseAddress {
                (target + filled).copyMemory(from: from, byteCount: take)
            }
            filled += take
            rest = UnsafeRawBufferPointer(rebasing: rest[take...])
            if filled == blockSize { readBlock() }
        }
    }

    func directBuffer(capacity: Int) -> UnsafeMutableRawBufferPointer? {
        guard !isDone else { return nil }
        let end = min(blockSize, filled + max(1, capacity))
        return UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<end])
    }

    func consumeDirect(_ count: Int) {
        filled += max(0, min(count, blockSize - filled))
        if filled == blockSize { readBlock() }
    }

    func finish() {
        guard !isDone else { return }
        isDone = true
        if !headerRead {
            report(.error, .truncated, message: "the file ends inside its 4096-byte header (\(filled) bytes); no records were read")
            return
        }
        if filled > 0 {
            readChunk(count: filled)
        }
        if leftoverRecords > 0 {
            report(
                .warning, .damagedLog,
                message:
                    "the free space of \(leftoverChunks) chunk(s) holds \(leftoverRecords) record(s) that are not part of the "
                    + "log (left from an earlier use of the chunks: a log cleared or wrapped, or an export); they were not read")
        }
        if state.pointee.eventsEmitted == 0 && state.pointee.diagnosticsReported == 0 {
            report(.warning, .noEvents, message: "the log holds no event records")
        }
    }

    // MARK: - Blocks

    private func readBlock() {
        let count = filled
        filled = 0
        if headerRead {
            readChunk(count: count)
        } else {
            headerRead = true
            let header = EvtxFileHeader(bytes(count))
            declaredChunks = header.declaredChunks
            for problem in header.problems { report(.warning, .damagedLog, message: "\(problem); the chunks were read regardless") }
        }
    }

    private func bytes(_ count: Int) -> ChunkBytes {
        ChunkBytes(bytes: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
    }

    /// Reads one chunk of `count` bytes (fewer than 64 KiB only at the end of a cut-short file).
    private func readChunk(count: Int) {
        let index = chunkIndex
        chunkIndex += 1
        let chunk = bytes(count)
        let place = "chunk \(index) (file offset \(chunkOffset(index)))"
        let complete = count == EvtxChunkHeader.chunkSize
        if EvtxChunkHeader.isUnused(chunk) {
            if !complete {
                report(.error, .truncated, message: "the file ends \(count) bytes into \(place), which holds only zeros")
            } else if index < declaredChunks {
                report(
                    .error, .damagedLog,
                    message: "\(place) holds only zeros, though the file header counts \(declaredChunks) chunks in use; it was skipped")
            }
            return
        }
        guard let header = EvtxChunkHeader(chunk) else {
            if complete {
                report(.error, .damagedLog, message: "\(place) has no ElfChnk signature (a damaged or overwritten chunk); its records were not read")
            } else {
                report(.error, .truncated, message: "the file ends \(count) bytes into \(place), before its header; its records were not read")
            }
            return
        }
        if !complete {
            report(
                .error, .truncated,
                message: "the file ends \(count) bytes into \(place) (a chunk is 65536 bytes); the complete records before the cut were read")
        }
        for warning in header.warnings { report(.warning, .damagedLog, message: "\(place): \(warning)") }
        walker.pointee.beginChunk(chunk)
        readRecords(chunk, header: header, index: index, place: place)
    }

    private func readRecords(_ chunk: ChunkBytes, header: EvtxChunkHeader, index: Int, place: String) {
        let end = header.recordsEnd
        var position = EvtxChunkHeader.recordsStart
        var damagedStart: Int?
        while position < end {
            guard let frame = EvtxRecordFrame(chunk, at: position, end: end) else {
                if damagedStart == nil { damagedStart = position }
                position += 1
                continue
            }
            if let start = damagedStart {
                reportDamagedBytes(chunk, start..<position, place: place)
                damagedStart = nil
            }
            let fileOffset = chunkOffset(index) + position
            let origin = EventOrigin(source: source, line: Int(clamping: frame.recordNumber), byteOffset: fileOffset)
            let range = frame.binXmlRange
            do throws(EvtxDamage) {
                let emitted = try walker.pointee.readRecord(from: position + range.start, to: position + range.end, origin: origin)
                if !emitted {
                    report(
                        .error, .damagedLog, line: origin.line,
                        message: "\(place), record \(frame.recordNumber) at file offset \(fileOffset) holds no <Event> element; it was skipped")
                }
            } catch {
                report(
                    .error, .damagedLog, line: origin.line,
                    message:
                        "\(place), record \(frame.recordNumber) at file offset \(fileOffset) is damaged (\(error.reason), "
                        + "at file offset \(chunkOffset(index) + error.offset)); it was skipped")
            }
            position += frame.size
            if frame.recordNumber == header.lastRecordID {
                reportLeftovers(chunk, position..<end, place: place, lastRecord: frame.recordNumber)
                reportRecordsInFreeSpace(chunk, end..<chunk.count, place: place)
                return
            }
        }
        if let start = damagedStart { reportDamagedBytes(chunk, start..<end, place: place) }
        reportRecordsInFreeSpace(chunk, end..<chunk.count, place: place)
    }

    /// Counts whole records in the chunk's free space: left from before the log was cleared or
    /// wrapped, they are no longer part of the log and are not read as its events; ``finish()``
    /// reports them once for the file.
    private func reportRecordsInFreeSpace(_ chunk: ChunkBytes, _ range: Range<Int>, place: String) {
        guard !range.isEmpty else { return }
        let (count, _) = EvtxChunkHeader.leftoverRecords(chunk, in: range)
        guard count > 0 else { return }
        leftoverRecords += count
        leftoverChunks += 1
    }

    /// Reports bytes in the record area that form no whole record.
    private func reportDamagedBytes(_ chunk: ChunkBytes, _ range: Range<Int>, place: String) {
        let start = chunkOffset(chunkIndex - 1) + range.lowerBound
        let looksLikeRecord = chunk.matches("**\0\0", at: range.lowerBound)
        let what =
            looksLikeRecord
            ? "a record that is cut short or half-written (its size fields do not match)"
            : "no whole record"
        report(
            .error, .damagedLog,
            message:
                "\(place): \(range.count) bytes at file offset \(start) hold \(what); they were skipped and reading went on "
                + "at the next record")
    }

    /// Reports bytes between the chunk's last record and its free space that are not zero: records
    /// left from an earlier use of the chunk, which Windows no longer counts as part of the log.
    private func reportLeftovers(_ chunk: ChunkBytes, _ range: Range<Int>, place: String, lastRecord: UInt64) {
        guard !range.isEmpty, !EvtxChunkHeader.isUnused(ChunkBytes(bytes: UnsafeRawBufferPointer(rebasing: chunk.bytes[range])))
        else { return }
        report(
            .warning, .damagedLog,
            message:
                "\(place): \(range.count) bytes after its last record (\(lastRecord)), at file offset "
                + "\(chunkOffset(chunkIndex - 1) + range.lowerBound), are left from an earlier use of the chunk and were not read")
    }

    private func chunkOffset(_ index: Int) -> Int {
        EvtxFileHeader.size + index * EvtxChunkHeader.chunkSize
    }

    private func report(_ severity: ImportDiagnostic.Severity, _ kind: ImportDiagnostic.Kind, line: Int? = nil, message: String) {
        state.pointee.report(severity, kind, line: line, message: message)
    }
}
