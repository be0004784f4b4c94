/// The frame of one event record: signature, size, record number, and the size repeated at its end.
struct EvtxRecordFrame {
    /// `**\0\0`, little-endian.
    static let signature: UInt32 = 0x0000_2A2A
    /// Signature, size, record number and written time.
    static let headerSize = 24
    /// The header, at least the end-of-fragment token, and the trailing size.
    static let minimumSize = headerSize + 4 + 1

    /// The record's size in bytes, header and trailing size included.
    var size: Int
    /// The record number (`EventRecordID`).
    var recordNumber: UInt64

    /// The record at `offset` when its frame is whole and lies before `end`; nil otherwise.
    init?(_ chunk: ChunkBytes, at offset: Int, end: Int) {
        guard offset >= 0, end - offset >= Self.minimumSize, let signature = try? chunk.u32(offset), signature == Self.signature,
            let size = try? chunk.u32(offset + 4)
        else { return nil }
        let length = Int(size)
        guard length >= Self.minimumSize, length <= end - offset, let copy = try? chunk.u32(offset + length - 4), copy == size,
            let number = try? chunk.u64(offset + 8)
        else { return nil }
        self.size = length
        recordNumber = number
    }

    /// The BinXml of the record: after the header, before the trailing size.
    var binXmlRange: (start: Int, end: Int) { (Self.headerSize, size - 4) }
}
