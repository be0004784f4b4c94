/// What the first bytes of an input say it is (never its name).
enum InputKind: Equatable {
    /// A zstd stream (read with libzstd).
    case zstd
    /// An archive or a gzip, bzip2 or xz stream (read with libarchive).
    case archive(ArchiveLayout)
    /// Event XML in any encoding.
    case xml
    /// A binary Windows event log (`.evtx`, signature `ElfFile`).
    case evtx
    /// A text document: a client error report, a ticket note.
    case text
    /// No bytes at all.
    case empty
    /// A zip archive with no members (only its end record).
    case emptyZip
    /// Something rdpcause does not read; the message says what and what to do.
    case unsupported(String)

    /// How many leading bytes ``detect(_:)`` looks at.
    static let sniffLength = 4096

    /// Decides from up to ``sniffLength`` leading bytes. A zip is read through its central
    /// directory; the caller switches to local headers when its source cannot seek.
    static func detect(_ head: [UInt8]) -> InputKind {
        if head.isEmpty { return .empty }
        func starts(_ magic: [UInt8]) -> Bool { head.count >= magic.count && head.prefix(magic.count).elementsEqual(magic) }
        if starts([0x28, 0xB5, 0x2F, 0xFD]) { return .zstd }
        if head.count >= 4 && head[0] & 0xF0 == 0x50 && head[1] == 0x2A && head[2] == 0x4D && head[3] == 0x18 {
            return .zstd  // skippable frame
        }
        if starts([0x50, 0x4B, 0x03, 0x04]) { return .archive(.zipCentralDirectory) }
        if starts([0x50, 0x4B, 0x05, 0x06]) { return .emptyZip }
        if starts([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) { return .archive(.sevenZip) }
        if starts([0x1F, 0x8B, 0x08]) || starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) || isBzip2(head) {
            return .archive(.compressedStream)
        }
        if isTarHeader(head) { return .archive(.tar) }
        if starts(Array("ElfFile\0".utf8)) { return .evtx }
        guard let preview = textPreview(head) else {
            return .unsupported("unknown binary file type (first bytes \(hexPrefix(head))); it was not read")
        }
        let trimmed = preview.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        // XML starts with `<`; a copy from an old Event Viewer XML view starts with `- <Event`.
        // Text that merely mentions `<Event` (a ticket note, a README) stays text.
        if trimmed.first == UInt8(ascii: "<") || trimmed.starts(with: Array("- <Event".utf8)) {
            return .xml
        }
        return .text
    }

    /// The head as ASCII-compatible bytes (BOM removed, UTF-16 NULs dropped), or nil if binary:
    /// more than one byte in twenty a control character. A stray NUL in UTF-8 text counts as one
    /// control character, not as proof of a binary file (the XML reader repairs and reports it).
    static func textPreview(_ head: [UInt8]) -> [UInt8]? {
        var bytes = head[...]
        var utf16 = false
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            bytes = bytes.dropFirst(3)
        } else if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            bytes = bytes.dropFirst(2)
            utf16 = true
        } else if bytes.count >= 2 && (bytes[bytes.startIndex] == 0) != (bytes[bytes.startIndex + 1] == 0) {
            utf16 = true
        }
        var preview: [UInt8] = []
        preview.reserveCapacity(bytes.count)
        var controls = 0
        for byte in bytes {
            if byte == 0 && utf16 { continue }
            if byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D && byte != 0x0C { controls += 1 }
            preview.append(byte)
        }
        return controls * 20 > max(preview.count, 1) ? nil : preview
    }

    /// A bzip2 stream: `BZh`, a block size digit, then a block or end-of-stream magic.
    static func isBzip2(_ head: [UInt8]) -> Bool {
        guard head.count >= 10, head.starts(with: [0x42, 0x5A, 0x68]), (0x31...0x39).contains(head[3]) else { return false }
        let magic = head[4..<10]
        return magic.elementsEqual([0x31, 0x41, 0x59, 0x26, 0x53, 0x59]) || magic.elementsEqual([0x17, 0x72, 0x45, 0x38, 0x50, 0x90])
    }

    /// A tar header: the `ustar` magic, or an old (v7) header whose octal checksum matches.
    static func isTarHeader(_ head: [UInt8]) -> Bool {
        guard head.count >= 512 else { return false }
        if head[257..<262].elementsEqual("ustar".utf8) { return true }
        var stored = 0
        var digits = 0
        for byte in head[148..<156] {
            if byte >= 0x30 && byte <= 0x37 {
                stored = stored * 8 + Int(byte - 0x30)
                digits += 1
            } else if byte != 0 && byte != 0x20 {
                return false
            }
        }
        guard digits > 0 else { return false }
        var sum = 0
        for (index, byte) in head.prefix(512).enumerated() {
            sum += (148..<156).contains(index) ? 0x20 : Int(byte)
        }
        return sum == stored
    }

    private static func hexPrefix(_ head: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return head.prefix(8).map { byte in
            String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]], as: UTF8.self)
        }.joined(separator: " ")
    }
}
