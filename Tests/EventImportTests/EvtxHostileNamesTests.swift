import EventImport
import Foundation
import Testing

/// A hostile chunk whose elements name thousands of overlapping long "names" is stopped at the
/// per-chunk cap on decoded names, with a diagnostic, instead of decoding hundreds of MiB.
@Suite("EVTX hostile names")
struct EvtxHostileNamesTests {
    /// One chunk with one record: `elements` empty elements, each naming a different even offset
    /// inside a block of 0x3FFF units, so every name claims 16,383 characters (48 KiB as UTF-8).
    static func hostileLog(elements: Int) -> [UInt8] {
        func put<T: FixedWidthInteger>(_ value: T, at offset: Int, in bytes: inout [UInt8]) {
            withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(offset..<(offset + MemoryLayout<T>.size), with: $0) }
        }
        let recordStart = 512
        let tokensStart = recordStart + 24 + 4  // record header, fragment header
        let blockStart = tokensStart + elements * 10 + 1
        let blockBytes = 32_774 + elements * 2
        let recordSize = blockStart + blockBytes + 4 - recordStart
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
        chunk.replaceSubrange((recordStart + 24)..<(recordStart + 28), with: [0x0F, 0x01, 0x01, 0x00])
        for index in 0..<elements {
            let token = tokensStart + index * 10
            chunk[token] = 0x01
            put(UInt32(0), at: token + 1, in: &chunk)
            put(UInt32(blockStart + index * 2), at: token + 5, in: &chunk)
            chunk[token + 9] = 0x03
        }
        chunk[blockStart - 1] = 0x00  // end of the record's XML; the block follows it
        for offset in stride(from: blockStart, to: blockStart + blockBytes, by: 2) {
            put(UInt16(0x3FFF), at: offset, in: &chunk)
        }
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

    @Test func overlappingLongNamesStopAtTheCapWithADiagnostic() throws {
        let result = importBytes(Self.hostileLog(elements: 2_500), source: "hostile.evtx")
        let error = try #require(result.errors.first { $0.message.contains("names take more than 1 MiB") })
        #expect(error.source == "hostile.evtx")
        #expect(result.events.isEmpty)
    }

    @Test func aFewLongNamesAreStillRead() {
        // Below the cap the same shape is read without a word about names (no event: no <Event>).
        let result = importBytes(Self.hostileLog(elements: 10), source: "few.evtx")
        #expect(!result.diagnostics.contains { $0.message.contains("names take more") }, "\(result.diagnostics.map(\.description))")
    }
}
