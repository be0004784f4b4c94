import EventImport

/// Hand-made `.evtx` files for tests of damage the corpus does not hold: a file header and one chunk
/// with one record whose BinXml the test gives, with valid checksums.
enum EvtxSynthetic {
    /// The chunk offset of the record.
    static let recordStart = 512
    /// The chunk offset where the record's BinXml starts (after the 24-byte record header).
    static let binXmlStart = recordStart + 24

    /// Writes `value` little-endian at `offset` of `bytes`.
    static func put<T: FixedWidthInteger>(_ value: T, at offset: Int, in bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(offset..<(offset + MemoryLayout<T>.size), with: $0) }
    }

    /// A file of one chunk holding one record (number 1) whose BinXml is `binXml`, placed at chunk
    /// offset ``binXmlStart``.
    static func file(binXml: [UInt8]) -> [UInt8] {
        let recordSize = 24 + binXml.count + 4
        var chunk = [UInt8](repeating: 0, count: 65_536)
        chunk.replaceSubrange(0..<8, with: Array("ElfChnk\0".utf8))
        for field in [8, 16, 24, 32] { put(UInt64(1), at: field, in: &chunk) }
        put(UInt32(128), at: 40, in: &chunk)
        put(UInt32(recordStart), at: 44, in: &chunk)
        put(UInt32(recordStart + recordSize), at: 48, in: &chunk)
        chunk.replaceSubrange(recordStart..<(recordStart + 4), with: [0x2A, 0x2A, 0, 0])
        put(UInt32(recordSize), at: recordStart + 4, in: &chunk)
        put(UInt64(1), at: recordStart + 8, in: &chunk)
        put(UInt64(133_600_000_000_000_000), at: recordStart + 16, in: &chunk)
        chunk.replaceSubrange(binXmlStart..<(binXmlStart + binXml.count), with: binXml)
        put(UInt32(recordSize), at: recordStart + recordSize - 4, in: &chunk)
        let records = chunk[512..<(recordStart + recordSize)].withUnsafeBytes { CRC32.checksum($0) }
        put(records, at: 52, in: &chunk)
        let header = (Array(chunk[0..<120]) + Array(chunk[128..<512])).withUnsafeBytes { CRC32.checksum($0) }
        put(header, at: 124, in: &chunk)

        var file = [UInt8](repeating: 0, count: 4096)
        file.replaceSubrange(0..<8, with: Array("ElfFile\0".utf8))
        put(UInt64(2), at: 24, in: &file)
        put(UInt32(128), at: 32, in: &file)
        put(UInt16(1), at: 36, in: &file)
        put(UInt16(3), at: 38, in: &file)
        put(UInt16(4096), at: 40, in: &file)
        put(UInt16(1), at: 42, in: &file)
        put(file[0..<120].withUnsafeBytes { CRC32.checksum($0) }, at: 124, in: &file)
        return file + chunk
    }
}
