public import EventImport

#if canImport(Glibc)
    import Glibc
#endif

/// The rows of a `hunt` timeline, kept as their rendered text until the end and then written in
/// event time, with memory bounded however many rows there are.
///
/// A row is rendered when it is added (its JSON line, CSV line or table cells), so the event it
/// came from is not kept. Rendered rows gather in memory up to ``memoryLimit`` bytes; past that,
/// the rows held are sorted by (time, order added) and written to an unlinked temporary file as
/// one sorted run. ``write(to:)`` merges the runs and what is still in memory, so the output is
/// the same as sorting every row at once. The `table` form also keeps each column's widest cell,
/// measured as rows come in, to align the columns.
public final class TimelineSpool {
    /// A row's place in the order and where its text is.
    private struct Record {
        var ticks: Int64
        var sequence: Int
        var offset: Int
        var length: Int
    }

    /// What went wrong with a temporary file.
    public struct SpoolError: Error, CustomStringConvertible {
        /// The reason, with the folder or the system's message.
        public var description: String
    }

    /// The form rows are rendered in.
    public let format: TimelineFormat
    /// Bytes of rendered rows held in memory before they are written out as a sorted run.
    public let memoryLimit: Int
    private let directory: String
    private var records: [Record] = []
    private var text: [UInt8] = []
    private var runs: [Int32] = []
    private var widths = TimelineFormat.columns.map { $0.uppercased().count }
    /// The number of rows added.
    public private(set) var count = 0
    /// Bytes allocated for rendered rows in memory (what the memory limit bounds).
    var heldCapacity: Int { text.capacity }

    /// A spool for rows rendered as `format`, holding up to `memoryLimit` bytes of them in memory,
    /// writing sorted runs into `directory` (`TMPDIR`, else `/tmp`) past that.
    public init(format: TimelineFormat, memoryLimit: Int = 16 << 20, directory: String? = nil) {
        self.format = format
        self.memoryLimit = max(1, memoryLimit)
        self.directory = directory ?? TimelineSpool.temporaryDirectory
    }

    deinit {
        for descriptor in runs { close(descriptor) }
    }

    private static var temporaryDirectory: String {
        guard let value = getenv("TMPDIR"), value.pointee != 0 else { return "/tmp" }
        return String(cString: value)
    }

    /// Renders `row` and keeps its text; a sorted run is written out when the memory limit is reached.
    public func add(_ row: TimelineRow) throws(SpoolError) {
        switch format {
        case .ndjson: try keep(TimelineJSON.line(row), of: row)
        case .timesketch: try keep(TimelineJSON.timesketchLine(row), of: row)
        case .csv: try keep(Array(TimelineCSV.line(row).utf8), of: row)
        case .table:
            let cells = TimelineFormat.cells(row).map { TerminalSafe.line($0) }
            var joined: [UInt8] = []
            for (index, cell) in cells.enumerated() {
                widths[index] = max(widths[index], cell.count)
                if index > 0 { joined.append(0) }  // TerminalSafe leaves no NUL in a cell
                joined.append(contentsOf: cell.utf8)
            }
            try keep(joined, of: row)
        }
    }

    /// Keeps one rendered row. The rows held are written out first when this one would take the
    /// text past ``memoryLimit``, so the text never grows past its first allocation of that size:
    /// growing an array allocates a block twice as large and copies the text into it, holding both
    /// for a moment.
    private func keep(_ rendered: [UInt8], of row: TimelineRow) throws(SpoolError) {
        if !records.isEmpty && text.count + rendered.count > memoryLimit { try spill() }
        if text.capacity == 0 { text.reserveCapacity(max(memoryLimit, rendered.count)) }
        let offset = text.count
        text.append(contentsOf: rendered)
        records.append(Record(ticks: row.time.ticks, sequence: count, offset: offset, length: rendered.count))
        count += 1
        // A row larger than the limit on its own is written out at once.
        if text.count >= memoryLimit { try spill() }
    }

    /// Writes every row added, in (time, order added) order, in the spool's format.
    public func write(to output: BufferedOutput) throws(SpoolError) {
        switch format {
        case .table:
            if count == 0 {
                output.write("no matches\n")
                return
            }
            output.write(TimelineTable.line(TimelineFormat.columns.map { $0.uppercased() }, widths: widths))
        case .csv:
            output.write(TimelineCSV.header)
        case .ndjson, .timesketch:
            break
        }
        sortRecords()
        if runs.isEmpty {
            for record in records { emit(text[record.offset..<(record.offset + record.length)], to: output) }
            return
        }
        try spill()
        try merge(to: output)
    }

    // MARK: - Runs

    private func sortRecords() {
        records.sort { ($0.ticks, $0.sequence) < ($1.ticks, $1.sequence) }
    }

    /// Writes the rows in memory, sorted, to a new unlinked temporary file: per row its ticks,
    /// sequence and length (8 bytes each), then its text.
    private func spill() throws(SpoolError) {
        guard !records.isEmpty else { return }
        sortRecords()
        var template = Array((directory + "/rdpcause-hunt-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { name in name.baseAddress.map { mkstemp($0) } ?? -1 }
        guard descriptor >= 0 else {
            throw SpoolError(description: "cannot create a temporary file in \(directory): \(Self.systemMessage())")
        }
        // Unlinked at once: the file goes away with the descriptor, however the process ends.
        template.withUnsafeBufferPointer { name in if let path = name.baseAddress { _ = unlink(path) } }
        runs.append(descriptor)
        var block: [UInt8] = []
        block.reserveCapacity(1 << 20)
        for record in records {
            Self.appendWord(UInt64(bitPattern: record.ticks), to: &block)
            Self.appendWord(UInt64(record.sequence), to: &block)
            Self.appendWord(UInt64(record.length), to: &block)
            block.append(contentsOf: text[record.offset..<(record.offset + record.length)])
            if block.count >= 1 << 20 {
                try writeAll(block, to: descriptor)
                block.removeAll(keepingCapacity: true)
            }
        }
        try writeAll(block, to: descriptor)
        records.removeAll(keepingCapacity: true)
        text.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: [UInt8], to descriptor: Int32) throws(SpoolError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress.map { $0 + offset }, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw SpoolError(description: "cannot write a temporary file in \(directory): \(Self.systemMessage())")
            }
            offset += written
        }
    }

    /// Merges the sorted runs, always writing the row that comes first.
    private func merge(to output: BufferedOutput) throws(SpoolError) {
        var readers = runs.map { RunReader(descriptor: $0) }
        var heads: [(ticks: Int64, sequence: Int, text: [UInt8])?] = []
        for index in readers.indices { heads.append(try readers[index].next(directory: directory)) }
        while true {
            var best = -1
            for index in heads.indices {
                guard let head = heads[index] else { continue }
                if best < 0 { best = index; continue }
                if let current = heads[best], (head.ticks, head.sequence) < (current.ticks, current.sequence) { best = index }
            }
            guard best >= 0, let head = heads[best] else { return }
            emit(head.text[...], to: output)
            heads[best] = try readers[best].next(directory: directory)
        }
    }

    /// Writes one row's text: as it is, or, for `table`, its cells padded to the columns' widths.
    private func emit(_ row: ArraySlice<UInt8>, to output: BufferedOutput) {
        guard format == .table else {
            row.withUnsafeBufferPointer { output.write($0) }
            return
        }
        let cells = row.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        output.write(TimelineTable.line(cells, widths: widths))
    }

    private static func appendWord(_ word: UInt64, to block: inout [UInt8]) {
        withUnsafeBytes(of: word.littleEndian) { block.append(contentsOf: $0) }
    }

    fileprivate static func systemMessage() -> String {
        String(cString: strerror(errno))
    }
}

/// Reads one sorted run back from the start of its file, in blocks.
private struct RunReader {
    let descriptor: Int32
    var position: off_t = 0
    var buffer: [UInt8] = []
    var start = 0
    var atEnd = false

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// The next row of the run, or nil at its end.
    mutating func next(directory: String) throws(TimelineSpool.SpoolError) -> (ticks: Int64, sequence: Int, text: [UInt8])? {
        guard let header = try take(24, directory: directory) else { return nil }
        let words = header.withUnsafeBytes { raw in
            (0..<3).map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) }
        }
        guard let length = Int(exactly: words[2]), let sequence = Int(exactly: words[1]),
            let text = try take(length, directory: directory)
        else {
            throw TimelineSpool.SpoolError(description: "a temporary file in \(directory) was cut short")
        }
        return (Int64(bitPattern: words[0]), sequence, text)
    }

    /// The next `count` bytes, or nil when the run ended exactly here.
    private mutating func take(_ count: Int, directory: String) throws(TimelineSpool.SpoolError) -> [UInt8]? {
        if count == 0 { return [] }
        while buffer.count - start < count && !atEnd {
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            let wanted = max(count - (buffer.count - start), 64 << 10)
            let old = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: wanted))
            let read = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress.map { $0 + old }, wanted, position) }
            if read < 0 {
                buffer.removeLast(wanted)
                if errno == EINTR { continue }
                throw TimelineSpool.SpoolError(
                    description: "cannot read a temporary file in \(directory): \(TimelineSpool.systemMessage())")
            }
            buffer.removeLast(wanted - read)
            position += off_t(read)
            if read == 0 { atEnd = true }
        }
        if buffer.count - start < count {
            if buffer.count == start { return nil }
            throw TimelineSpool.SpoolError(description: "a temporary file in \(directory) was cut short")
        }
        let slice = Array(buffer[start..<(start + count)])
        start += count
        return slice
    }
}
