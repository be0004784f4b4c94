/// Appends UTF-16LE text from an `.evtx` chunk to a UTF-8 buffer.
enum UTF16Text {
    /// Appends `units` UTF-16LE code units from `bytes` as UTF-8; stops at a NUL when
    /// `stopAtNUL` is set (substitution strings carry their terminator). A lone surrogate becomes
    /// U+FFFD, as Windows' own conversion does.
    static func append(_ bytes: UnsafeRawBufferPointer, units: Int, stopAtNUL: Bool, to output: inout [UInt8]) {
        let count = min(units, bytes.count / 2)
        var index = 0
        while index < count {
            let unit = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self))
            index += 1
            if unit < 0x80 {
                if unit == 0 && stopAtNUL { return }
                output.append(UInt8(unit))
            } else if unit < 0x800 {
                output.append(UInt8(0xC0 | (unit >> 6)))
                output.append(UInt8(0x80 | (unit & 0x3F)))
            } else if unit >= 0xD800 && unit < 0xDC00 {
                if index < count {
                    let low = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self))
                    if low >= 0xDC00 && low < 0xE000 {
                        index += 1
                        let scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                        output.append(UInt8(0xF0 | (scalar >> 18)))
                        output.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
                        output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
                        output.append(UInt8(0x80 | (scalar & 0x3F)))
                        continue
                    }
                }
                appendReplacement(&output)
            } else if unit >= 0xDC00 && unit < 0xE000 {
                appendReplacement(&output)
            } else {
                output.append(UInt8(0xE0 | (unit >> 12)))
                output.append(UInt8(0x80 | ((unit >> 6) & 0x3F)))
                output.append(UInt8(0x80 | (unit & 0x3F)))
            }
        }
    }

    /// Appends code page 1252 text (Windows' ANSI code page for Western locales) as UTF-8,
    /// stopping at the first NUL.
    static func appendANSI(_ bytes: UnsafeRawBufferPointer, to output: inout [UInt8]) {
        for byte in bytes {
            if byte == 0 { return }
            if byte < 0x80 {
                output.append(byte)
                continue
            }
            let scalar: UInt32 = byte < 0xA0 ? UInt32(windows1252High[Int(byte - 0x80)]) : UInt32(byte)
            if scalar < 0x800 {
                output.append(UInt8(0xC0 | (scalar >> 6)))
                output.append(UInt8(0x80 | (scalar & 0x3F)))
            } else {
                output.append(UInt8(0xE0 | (scalar >> 12)))
                output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
                output.append(UInt8(0x80 | (scalar & 0x3F)))
            }
        }
    }

    private static func appendReplacement(_ output: inout [UInt8]) {
        output.append(0xEF)
        output.append(0xBF)
        output.append(0xBD)
    }

    /// Code page 1252 at 0x80–0x9F (the five undefined bytes map to their C1 code points).
    private static let windows1252High: [UInt16] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D,
        0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
        0x0153, 0x009D, 0x017E, 0x0178,
    ]
}
