/// A 7-Zip coder method, as far as the importer cares: the ones whose decoder allocates what the
/// archive declares (LZMA and LZMA2 a dictionary, PPMd its model), the ones that can unpack a
/// header here, and encryption. BZip2, Deflate, zstd and the branch filters use bounded memory.
enum SevenZipMethod: Equatable {
    case copy, lzma, lzma2, ppmd, aes
    /// Any other method, by its id in hex.
    case other(String)

    init(id: [UInt8]) {
        switch id {
        case [0x00]: self = .copy
        case [0x03, 0x01, 0x01]: self = .lzma
        case [0x21]: self = .lzma2
        case [0x03, 0x04, 0x01]: self = .ppmd
        case [0x06, 0xF1, 0x07, 0x01]: self = .aes
        default: self = .other(id.map { String($0, radix: 16, uppercase: true).leftPadded(to: 2) }.joined())
        }
    }

    /// The method's name for messages.
    var name: String {
        switch self {
        case .copy: "Copy"
        case .lzma: "LZMA"
        case .lzma2: "LZMA2"
        case .ppmd: "PPMd"
        case .aes: "AES-256 encryption"
        case .other(let id): "method \(id)"
        }
    }

    /// The memory the decoder allocates for a coder with these properties, as the properties declare
    /// it: the LZMA/LZMA2 dictionary or the PPMd model size; nil for other methods, and for
    /// properties no decoder accepts (they fail before allocating anything).
    func declaredMemory(properties: [UInt8]) -> UInt64? {
        switch self {
        case .lzma, .ppmd:
            // LZMA: the lc/lp/pb byte, then the dictionary size; PPMd: the order, then the model size.
            guard properties.count >= 5 else { return nil }
            return properties[1...4].reversed().reduce(0) { $0 << 8 | UInt64($1) }
        case .lzma2:
            // One byte: 40 means 4 GiB - 1, larger is invalid, else (2 | b & 1) << (b / 2 + 11).
            guard let byte = properties.first, byte <= 40 else { return nil }
            if byte == 40 { return 0xFFFF_FFFF }
            return UInt64(2 | (byte & 1)) << (UInt64(byte) / 2 + 11)
        case .copy, .aes, .other:
            return nil
        }
    }

    /// What the declared memory is called in messages.
    var memoryName: String {
        self == .ppmd ? "model memory" : "dictionary"
    }
}

extension String {
    /// The string with leading zeros up to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}

/// `n bytes`, `n KiB`, `n MiB` or `n.n GiB`, for messages about sizes.
func readableByteCount(_ bytes: UInt64) -> String {
    if bytes >= 1 << 30 {
        let tenths = bytes / ((1 << 30) / 10)
        return "\(tenths / 10).\(tenths % 10) GiB"
    }
    if bytes >= 1 << 20 { return "\(bytes >> 20) MiB" }
    if bytes >= 1 << 10 { return "\(bytes >> 10) KiB" }
    return "\(bytes) bytes"
}
