/// A line and column in decoded text, counted as expat counts them, for the bytes the reader
/// scans itself (the prolog, and the text skipped after damage): a line break is LF, CR or CR LF,
/// and a column is one character, however many UTF-8 bytes it takes.
struct TextPosition: Equatable {
    /// The 1-based line.
    private(set) var line: Int
    /// The 1-based column of the next character.
    private(set) var column: Int
    /// True right after a CR, whose LF belongs to the same line break.
    private var afterCarriageReturn = false

    init(line: Int = 1, column: Int = 1) {
        self.line = line
        self.column = column
    }

    /// Moves past one byte.
    @inline(__always)
    mutating func advance(over byte: UInt8) {
        switch byte {
        case 0x0A:
            if !afterCarriageReturn {
                line += 1
                column = 1
            }
            afterCarriageReturn = false
        case 0x0D:
            line += 1
            column = 1
            afterCarriageReturn = true
        default:
            afterCarriageReturn = false
            // UTF-8 continuation bytes (10xxxxxx) continue the character already counted.
            if byte & 0xC0 != 0x80 { column += 1 }
        }
    }

    /// Moves past a run of text and says whether it holds anything but whitespace. Runs of
    /// spaces (a padded prolog is made of them) are taken eight bytes at a time.
    mutating func advance(overText run: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = run.baseAddress else { return false }
        let raw = UnsafeRawPointer(base)
        let spaces: UInt64 = 0x2020_2020_2020_2020
        var content = false
        var index = 0
        while index < run.count {
            if index + 8 <= run.count && raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) == spaces {
                afterCarriageReturn = false
                column += 8
                index += 8
                continue
            }
            let byte = run[index]
            if !isXMLWhitespace(byte) { content = true }
            advance(over: byte)
            index += 1
        }
        return content
    }

    /// Moves past each byte of `bytes`.
    mutating func advance<Bytes: Sequence<UInt8>>(over bytes: Bytes) {
        for byte in bytes { advance(over: byte) }
    }
}
