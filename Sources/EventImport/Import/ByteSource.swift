#if canImport(Glibc)
    import Glibc
#endif

/// A pull-based stream of bytes: a file, bytes in memory, an archive member, or the output of a
/// decompressor. Each input is read as a chain of sources, so that a member of a tar inside a
/// zstd stream inside a zip is read without anything being extracted.
///
/// A source reports its own damage (a read error, a corrupt frame) as a diagnostic and then
/// ends; readers only see fewer bytes.
protocol ByteSource: AnyObject {
    /// Reads up to `buffer.count` bytes into `buffer`: the count, or 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int
    /// Moves the read position as `lseek(2)` does and returns the new position; nil when the
    /// source cannot seek.
    func seek(to offset: Int64, whence: Int32) -> Int64?
    /// True when ``seek(to:whence:)`` works: files and bytes in memory, not streams.
    var isSeekable: Bool { get }
    /// True when the source ended early because of damage or a limit, which it reported.
    var endedEarly: Bool { get }
}

extension ByteSource {
    func seek(to offset: Int64, whence: Int32) -> Int64? { nil }
    var isSeekable: Bool { false }
    var endedEarly: Bool { false }

    /// Reads until `count` bytes are in hand or the source ends.
    func readHead(_ count: Int) -> [UInt8] {
        var head = [UInt8](repeating: 0, count: count)
        let filled = head.withUnsafeMutableBytes { readFully(into: $0) }
        head.removeSubrange(filled...)
        return head
    }

    /// Reads until `buffer` is full or the source ends: the count read.
    func readFully(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        var filled = 0
        while filled < buffer.count {
            let got = read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if got <= 0 { break }
            filled += got
        }
        return filled
    }
}

/// Bytes already read from a source (the sniffed head) followed by the rest of that source.
final class ReplaySource: ByteSource {
    private let head: [UInt8]
    private var position = 0
    private let rest: any ByteSource

    init(head: [UInt8], rest: any ByteSource) {
        self.head = head
        self.rest = rest
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard position < head.count else { return rest.read(into: buffer) }
        let count = min(buffer.count, head.count - position)
        head.withUnsafeBytes { bytes in
            if let target = buffer.baseAddress, let base = bytes.baseAddress {
                target.copyMemory(from: base + position, byteCount: count)
            }
        }
        position += count
        return count
    }
}

/// Bytes in memory, handed out at most `chunkSize` at a time (as a producer would deliver
/// them). Seekable. The memory must stay valid while the source is used.
final class MemorySource: ByteSource {
    private let bytes: UnsafeRawBufferPointer
    private let chunkSize: Int
    private let budget: ExpansionBudget?
    private let context: ImportContext?
    private var position = 0
    private var highWater = 0

    /// Creates a source; `budget` and `context`, when given, count the bytes as the input's own.
    init(bytes: UnsafeRawBufferPointer, chunkSize: Int, budget: ExpansionBudget? = nil, context: ImportContext? = nil) {
        self.bytes = bytes
        self.chunkSize = max(1, chunkSize)
        self.budget = budget
        self.context = context
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard position < bytes.count, let target = buffer.baseAddress, let base = bytes.baseAddress else { return 0 }
        let count = min(buffer.count, chunkSize, bytes.count - position)
        target.copyMemory(from: base + position, byteCount: count)
        position += count
        if position > highWater {
            budget?.countRaw(position - highWater)
            context?.countBytesRead(position - highWater)
            highWater = position
        }
        return count
    }

    func seek(to offset: Int64, whence: Int32) -> Int64? {
        let origin: Int
        switch whence {
        case SEEK_SET: origin = 0
        case SEEK_CUR: origin = position
        case SEEK_END: origin = bytes.count
        default: return nil
        }
        guard let delta = Int(exactly: offset) else { return nil }
        let (target, overflow) = origin.addingReportingOverflow(delta)
        guard !overflow, target >= 0 else { return nil }
        position = target
        return Int64(position)
    }

    var isSeekable: Bool { true }
}
