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

    /// Moves past a run of text and says whether it holds anything but whitespace. Eight bytes
    /// are taken at a time when they are spaces (a padded prolog is made of them), or ASCII
    /// without a line break once the run is known to hold content (text skipped after damage).
    mutating func advance(overText run: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = run.baseAddress else { return false }
        let raw = UnsafeRawPointer(base)
        let spaces: UInt64 = 0x2020_2020_2020_2020
        var content = false
        var index = 0
        while index < run.count {
            if index + 8 <= run.count {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if word == spaces || (content && Self.isASCIIWithoutLineBreak(word)) {
                    afterCarriageReturn = false
                    column += 8
                    index += 8
                    continue
                }
            }
            let byte = run[index]
            if !isXMLWhitespace(byte) { content = true }
            advance(over: byte)
            index += 1
        }
        return content
    }

    /// True when none of the eight bytes of `word` has its high bit set or is a CR or LF.
    @inline(__always)
    private static func isASCIIWithoutLineBreak(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        // A byte of `x` is zero exactly when `(x - ones) & ~x & highBits` has its high bit.
        func hasZeroByte(_ x: UInt64) -> Bool { (x &- ones) & ~x & highBits != 0 }
        return word & highBits == 0 && !hasZeroByte(word ^ (ones &* 0x0A)) && !hasZeroByte(word ^ (ones &* 0x0D))
    }

    /// Moves past each byte of `bytes`.
    mutating func advance<Bytes: Sequence<UInt8>>(over bytes: Bytes) {
        for byte in bytes { advance(over: byte) }
    }
}
