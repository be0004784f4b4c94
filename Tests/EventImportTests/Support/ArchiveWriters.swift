import CArchive

/// Archive formats the tests write with libarchive's own writer, so that no other tool is needed.
enum ArchiveKind {
    case zip, sevenZip, tar, tarGzip, tarBzip2, tarXz
    /// One compressed file, no archive around it (takes a single member).
    case gzip, bzip2, xz
}

/// An archive of the given members written by libarchive; `options` are libarchive write
/// options (e.g. `zip:encryption=zipcrypt`, which also sets the passphrase `secret`).
func writeArchive(_ kind: ArchiveKind, _ members: [(name: String, bytes: [UInt8])], options: String? = nil) -> [UInt8] {
    guard let archive = archive_write_new() else { return [] }
    defer { archive_write_free(archive) }
    switch kind {
    case .zip: archive_write_set_format_zip(archive)
    case .sevenZip: archive_write_set_format_7zip(archive)
    case .tar: archive_write_set_format_pax_restricted(archive)
    case .tarGzip:
        archive_write_set_format_pax_restricted(archive)
        archive_write_add_filter_gzip(archive)
    case .tarBzip2:
        archive_write_set_format_pax_restricted(archive)
        archive_write_add_filter_bzip2(archive)
    case .tarXz:
        archive_write_set_format_pax_restricted(archive)
        archive_write_add_filter_xz(archive)
    case .gzip, .bzip2, .xz:
        archive_write_set_format_raw(archive)
        switch kind {
        case .gzip: archive_write_add_filter_gzip(archive)
        case .bzip2: archive_write_add_filter_bzip2(archive)
        default: archive_write_add_filter_xz(archive)
        }
    }
    if let options {
        archive_write_set_options(archive, options)
        archive_write_set_passphrase(archive, "secret")
    }
    let capacity = members.reduce(1 << 16) { $0 + $1.bytes.count * 2 + 1024 }
    var output = [UInt8](repeating: 0, count: capacity)
    var used = 0
    output.withUnsafeMutableBytes { buffer in
        archive_write_open_memory(archive, buffer.baseAddress, capacity, &used)
        for member in members {
            guard let entry = archive_entry_new() else { continue }
            archive_entry_set_pathname(entry, member.name)
            archive_entry_set_size(entry, la_int64_t(member.bytes.count))
            archive_entry_set_filetype(entry, 0o100000)
            archive_entry_set_perm(entry, 0o644)
            archive_entry_set_mtime(entry, 1_781_000_000, 0)
            archive_write_header(archive, entry)
            member.bytes.withUnsafeBytes { _ = archive_write_data(archive, $0.baseAddress, $0.count) }
            archive_entry_free(entry)
        }
        archive_write_close(archive)
    }
    return Array(output.prefix(used))
}

/// A zip member written by hand, for damage libarchive's writer would never produce.
struct HandMadeZipMember {
    var name: String
    /// The member's data as stored (compressed, encrypted or plain).
    var payload: [UInt8]
    /// 0 stored, 8 deflate.
    var method: UInt16 = 0
    /// General-purpose flags; bit 0 marks the member encrypted.
    var flags: UInt16 = 0
    /// CRC-32 and size of the uncompressed data.
    var crc: UInt32
    var size: Int

    /// A stored member holding `bytes`.
    static func stored(_ name: String, _ bytes: [UInt8]) -> HandMadeZipMember {
        HandMadeZipMember(name: name, payload: bytes, crc: crc32(bytes), size: bytes.count)
    }

    /// A deflate member whose stream is made of stored deflate blocks (no compressor needed).
    static func deflateStored(_ name: String, _ bytes: [UInt8]) -> HandMadeZipMember {
        let length = UInt16(bytes.count)
        let header: [UInt8] = [0x01, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
        return HandMadeZipMember(name: name, payload: header + bytes, method: 8, crc: crc32(bytes), size: bytes.count)
    }
}

/// A zip archive of hand-made members: local headers, central directory, end record.
func handMadeZip(_ members: [HandMadeZipMember]) -> [UInt8] {
    func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }
    var body: [UInt8] = []
    var directory: [UInt8] = []
    for member in members {
        let name = Array(member.name.utf8)
        let offset = UInt32(body.count)
        let common =
            le16(20) + le16(member.flags) + le16(member.method) + le16(0) + le16(0x21) + le32(member.crc)
            + le32(UInt32(member.payload.count)) + le32(UInt32(member.size)) + le16(UInt16(name.count)) + le16(0)
        body += le32(0x0403_4B50) + common + name + member.payload
        directory += le32(0x0201_4B50) + le16(20) + common + le16(0) + le16(0) + le16(0) + le32(0) + le32(offset) + name
    }
    let count = UInt16(members.count)
    let end =
        le32(0x0605_4B50) + le16(0) + le16(0) + le16(count) + le16(count) + le32(UInt32(directory.count))
        + le32(UInt32(body.count)) + le16(0)
    return body + directory + end
}

/// The offset of the zip end record's central-directory offset field.
func zipDirectoryOffsetField(_ zip: [UInt8]) -> Int? {
    guard zip.count >= 22 else { return nil }
    for start in stride(from: zip.count - 22, through: 0, by: -1)
    where zip[start] == 0x50 && zip[start + 1] == 0x4B && zip[start + 2] == 0x05 && zip[start + 3] == 0x06 {
        return start + 16
    }
    return nil
}

/// CRC-32 (IEEE), as zip stores it.
func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

/// Replaces the size field (bytes 124..<136) of the tar header at `offset` and fixes its checksum.
func rewriteTarSize(_ tar: inout [UInt8], headerAt offset: Int, field: [UInt8]) {
    for (index, byte) in field.prefix(12).enumerated() { tar[offset + 124 + index] = byte }
    for index in 148..<156 { tar[offset + index] = 0x20 }
    let sum = tar[offset..<(offset + 512)].reduce(0) { $0 + Int($1) }
    let digits = Array(String(sum, radix: 8).utf8)
    let checksum = [UInt8](repeating: 0x30, count: 6 - digits.count) + digits + [0, 0x20]
    for (index, byte) in checksum.enumerated() { tar[offset + 148 + index] = byte }
}
