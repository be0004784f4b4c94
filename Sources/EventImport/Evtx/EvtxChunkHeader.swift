/// The 512-byte header of one 64 KiB chunk: record range, free-space offset and checksums.
struct EvtxChunkHeader {
    /// The chunk size.
    static let chunkSize = 65536
    /// Where the first record starts.
    static let recordsStart = 512
    /// The chunk signature.
    static let signature: StaticString = "ElfChnk\0"

    /// The first and last record numbers the header declares.
    var firstRecord: UInt64 = 0
    var lastRecord: UInt64 = 0
    /// The identifier of the chunk's last record: records after it are left from an earlier
    /// use of the chunk and are not part of the log.
    var lastRecordID: UInt64 = 0
    /// The end of the record area (the offset where free space starts), clamped to the bytes held.
    var recordsEnd = recordsStart
    /// Problems that do not stop the chunk from being read (checksums, free-space offset).
    var warnings: [String] = []

    /// Reads the header of a chunk with `bytes.count` bytes held (less than 64 KiB when the file
    /// is cut short); nil when the chunk has no signature (``missingSignature``).
    init?(_ bytes: ChunkBytes) {
        guard bytes.count >= Self.recordsStart, bytes.matches(Self.signature, at: 0) else { return nil }
        firstRecord = (try? bytes.u64(8)) ?? 0
        lastRecord = (try? bytes.u64(16)) ?? 0
        lastRecordID = (try? bytes.u64(32)) ?? 0
        let freeSpace = Int((try? bytes.u32(48)) ?? 0)
        if freeSpace < Self.recordsStart || freeSpace > Self.chunkSize {
            warnings.append("its header gives free space at offset \(freeSpace), outside the chunk; records were looked for in the whole chunk")
            recordsEnd = bytes.count
        } else {
            recordsEnd = min(freeSpace, bytes.count)
        }
        // Flag 0x4: the chunk was written without checksums (the stored values are zero).
        let flags = (try? bytes.u32(120)) ?? 0
        guard flags & 0x4 == 0 else { return }
        let storedHeader = (try? bytes.u32(124)) ?? 0
        let computedHeader = CRC32.checksum(
            UnsafeRawBufferPointer(rebasing: bytes.bytes[128..<512]),
            continuing: CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes.bytes[0..<120])))
        if storedHeader != computedHeader {
            warnings.append("its header checksum does not match (stored 0x\(String(storedHeader, radix: 16)), computed 0x\(String(computedHeader, radix: 16))); each record was checked on its own")
        }
        let storedData = (try? bytes.u32(52)) ?? 0
        if freeSpace == recordsEnd {
            let computedData = CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes.bytes[Self.recordsStart..<recordsEnd]))
            if storedData != computedData {
                warnings.append("its records' checksum does not match (stored 0x\(String(storedData, radix: 16)), computed 0x\(String(computedData, radix: 16))); each record was checked on its own")
            }
        }
    }

    /// The record frames whole in `range` (free space): records left from an earlier use of the
    /// chunk, found by their signature. Returns their count and lowest and highest numbers.
    static func leftoverRecords(_ bytes: ChunkBytes, in range: Range<Int>) -> (count: Int, numbers: ClosedRange<UInt64>?) {
        var count = 0
        var lowest = UInt64.max
        var highest = UInt64.min
        var position = range.lowerBound
        while position + EvtxRecordFrame.minimumSize <= range.upperBound {
            if bytes.bytes[position] == 0x2A, let frame = EvtxRecordFrame(bytes, at: position, end: range.upperBound) {
                count += 1
                lowest = min(lowest, frame.recordNumber)
                highest = max(highest, frame.recordNumber)
                position += frame.size
            } else {
                position += 1
            }
        }
        return (count, count > 0 ? lowest...highest : nil)
    }

    /// True when every byte of the chunk is zero: space Windows allocated and never used.
    static func isUnused(_ bytes: ChunkBytes) -> Bool {
        var index = 0
        while index + 8 <= bytes.count {
            if bytes.bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) != 0 { return false }
            index += 8
        }
        while index < bytes.count {
            if bytes.bytes[index] != 0 { return false }
            index += 1
        }
        return true
    }
}
