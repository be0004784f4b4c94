import CLzma
import Testing

/// A 7-Zip archive written by hand, for headers no writer produces: any coder properties (a
/// hostile dictionary size), a plain or a packed header. One folder per member.
struct HandMadeSevenZip {
    /// How a folder or the packed header is coded.
    enum Coder {
        /// Stored.
        case copy
        /// LZMA, compressed with a 64 KiB dictionary and declaring `dictionary` in its properties.
        case lzma(dictionary: UInt32)
        /// LZMA2 made of uncompressed chunks, declaring the dictionary of `propertyByte`.
        case lzma2Stored(propertyByte: UInt8)
        /// PPMd declaring `memory` (the data is stored as is: only a check that refuses it may read it).
        case ppmd(memory: UInt32)
    }

    var members: [(name: String, bytes: [UInt8])]
    var coder: Coder = .lzma2Stored(propertyByte: 16)
    /// nil for a plain header, else the coder of the packed header (`kEncodedHeader`).
    var headerCoder: Coder?
    /// An edit of the plain header database before it is packed and checksummed (for damage).
    var editHeader: (inout [UInt8]) -> Void = { _ in }

    /// The archive's bytes.
    func bytes() -> [UInt8] {
        var packed: [UInt8] = []
        var packSizes: [Int] = []
        var folders: [(coder: [UInt8], unpackSize: Int)] = []
        for member in members {
            let (data, coderRecord) = Self.encode(member.bytes, with: coder)
            packed += data
            packSizes.append(data.count)
            folders.append((coderRecord, member.bytes.count))
        }
        var header: [UInt8] = [0x01, 0x04]  // kHeader, kMainStreamsInfo
        header += Self.streamsInfo(packPosition: 0, packSizes: packSizes, folders: folders, folderCRCs: nil)
        // SubStreamsInfo: one stream per folder, with its CRC.
        header += [0x08, 0x0A, 0x01]
        for member in members { header += le32(crc32(member.bytes)) }
        header += [0x00]
        header += [0x00]  // end of MainStreamsInfo
        var names: [UInt8] = []
        for member in members {
            for unit in member.name.utf16 { names += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
            names += [0, 0]
        }
        // FilesInfo: the names (kName, size, not external), then the end of FilesInfo and of the header.
        header += [0x05] + number(members.count)
        header += [0x11] + number(names.count + 1) + [0x00] + names
        header += [0x00, 0x00]
        editHeader(&header)
        var next = header
        if let headerCoder {
            let (data, coderRecord) = Self.encode(header, with: headerCoder)
            next = [0x17]
                + Self.streamsInfo(
                    packPosition: packed.count, packSizes: [data.count], folders: [(coderRecord, header.count)],
                    folderCRCs: [crc32(header)]) + [0x00]
            packed += data
        }
        return Self.signatureHeader(nextHeaderOffset: packed.count, nextHeader: next) + packed + next
    }

    /// The 32-byte signature header for a header database of `nextHeader` at `nextHeaderOffset`.
    static func signatureHeader(nextHeaderOffset: Int, nextHeader: [UInt8]) -> [UInt8] {
        let startHeader = le64(UInt64(nextHeaderOffset)) + le64(UInt64(nextHeader.count)) + le32(crc32(nextHeader))
        return [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C, 0x00, 0x04] + le32(crc32(startHeader)) + startHeader
    }

    private static func streamsInfo(
        packPosition: Int, packSizes: [Int], folders: [(coder: [UInt8], unpackSize: Int)], folderCRCs: [UInt32]?
    ) -> [UInt8] {
        var bytes: [UInt8] = [0x06] + number(packPosition) + number(packSizes.count) + [0x09]
        bytes += packSizes.flatMap { number($0) } + [0x00]
        bytes += [0x07, 0x0B] + number(folders.count) + [0x00]
        for folder in folders { bytes += [0x01] + folder.coder }
        bytes += [0x0C] + folders.flatMap { number($0.unpackSize) }
        if let folderCRCs { bytes += [0x0A, 0x01] + folderCRCs.flatMap { le32($0) } }
        bytes += [0x00]
        return bytes
    }

    /// The coded data and the coder record (flags, method id, properties).
    private static func encode(_ bytes: [UInt8], with coder: Coder) -> (data: [UInt8], coder: [UInt8]) {
        switch coder {
        case .copy:
            return (bytes, [0x01, 0x00])
        case .lzma(let dictionary):
            return (lzma1Compress(bytes), [0x23, 0x03, 0x01, 0x01, 0x05, 0x5D] + le32(dictionary))
        case .lzma2Stored(let propertyByte):
            var data: [UInt8] = []
            var start = 0
            while start < bytes.count {
                let end = min(start + 65536, bytes.count)
                let size = end - start - 1
                data += [start == 0 ? 0x01 : 0x02, UInt8(size >> 8), UInt8(size & 0xFF)] + bytes[start..<end]
                start = end
            }
            return (data + [0x00], [0x21, 0x21, 0x01, propertyByte])
        case .ppmd(let memory):
            return (bytes, [0x23, 0x03, 0x04, 0x01, 0x05, 0x06] + le32(memory))
        }
    }
}

/// 7-Zip's variable-length number (the first byte's leading one bits count the bytes that follow).
func number(_ value: Int) -> [UInt8] {
    let value = UInt64(value)
    var first: UInt8 = 0
    var mask: UInt8 = 0x80
    var extra = 0
    while extra < 8 {
        if value < UInt64(1) << (7 * (extra + 1)) {
            first |= UInt8(truncatingIfNeeded: value >> (8 * extra))
            break
        }
        first |= mask
        mask >>= 1
        extra += 1
    }
    return [first] + (0..<extra).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
}

func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
func le64(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

/// Raw LZMA (the `.lzma`-less form 7-Zip stores) with lc=3 lp=0 pb=2 and a 64 KiB dictionary.
func lzma1Compress(_ bytes: [UInt8]) -> [UInt8] {
    var options = lzma_options_lzma()
    guard lzma_lzma_preset(&options, 6) == 0 else {
        Issue.record("liblzma refused preset 6: the archive cannot be built")
        return []
    }
    options.dict_size = 1 << 16
    var result: [UInt8] = []
    withUnsafeMutablePointer(to: &options) { optionsPointer in
        let filters = [
            lzma_filter(id: clzma_filter_lzma1(), options: UnsafeMutableRawPointer(optionsPointer)),
            lzma_filter(id: clzma_vli_unknown(), options: nil),
        ]
        var stream = lzma_stream()
        guard lzma_raw_encoder(&stream, filters) == LZMA_OK else {
            Issue.record("liblzma could not start a raw LZMA encoder: the archive cannot be built")
            return
        }
        defer { lzma_end(&stream) }
        var output = [UInt8](repeating: 0, count: bytes.count + bytes.count / 2 + 1024)
        bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = input.baseAddress
                stream.avail_in = input.count
                stream.next_out = out.baseAddress
                stream.avail_out = out.count
                while lzma_code(&stream, LZMA_FINISH) == LZMA_OK {}
            }
        }
        result = Array(output.prefix(Int(stream.total_out)))
    }
    return result
}
