/// Appends UTF-16LE text from an `.evtx` chunk to a UTF-8 buffer.
enum UTF16Text {
    /// Appends `units` UTF-16LE code units from `bytes` as UTF-8; stops at a NUL when
    /// `stopAtNUL` is set (substitution strings carry their terminator). A lone surrogate becomes
    /// U+FFFD, as Windows' own conversion does.
    ///
    /// Writes straight into the buffer after one capacity check: a code unit takes at most three
    /// UTF-8 bytes (a surrogate pair, two units, takes four).
    @inline(__always)
    static func append(_ bytes: UnsafeRawBufferPointer, units: Int, stopAtNUL: Bool, to output: inout ByteBuffer) {
        let count = min(units, bytes.count / 2)
        guard count > 0, let base = bytes.baseAddress else { return }
        output.append(upTo: count * 3) { out in
            var written = 0
            var index = 0
            // ASCII, by far the most common text, one unit at a time without branching on ranges.
            while index < count {
                let unit = UInt16(littleEndian: base.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self))
                guard unit < 0x80, unit != 0 else { break }
                out[written] = UInt8(truncatingIfNeeded: unit)
                written += 1
                index += 1
            }
            guard index < count else { return written }
            return encodeRest(base, from: index, count: count, stopAtNUL: stopAtNUL, out, written)
        }
    }

    /// The general case of ``append(_:units:stopAtNUL:to:)`` from unit `index` on; returns the
    /// number of bytes in `out` afterwards.
    private static func encodeRest(
        _ base: UnsafeRawPointer, from start: Int, count: Int, stopAtNUL: Bool, _ out: UnsafeMutablePointer<UInt8>, _ already: Int
    ) -> Int {
        var written = already
        var index = start
        while index < count {
            let unit = UInt16(littleEndian: base.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self))
            index += 1
            if unit < 0x80 {
                if unit == 0 && stopAtNUL { return written }
                out[written] = UInt8(truncatingIfNeeded: unit)
                written += 1
            } else if unit < 0x800 {
                out[written] = UInt8(truncatingIfNeeded: 0xC0 | (unit >> 6))
                out[written + 1] = UInt8(truncatingIfNeeded: 0x80 | (unit & 0x3F))
                written += 2
            } else if unit >= 0xD800 && unit < 0xDC00 {
                if index < count {
                    let low = UInt16(littleEndian: base.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self))
                    if low >= 0xDC00 && low < 0xE000 {
                        index += 1
                        let scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                        out[written] = UInt8(truncatingIfNeeded: 0xF0 | (scalar >> 18))
                        out[written + 1] = UInt8(truncatingIfNeeded: 0x80 | ((scalar >> 12) & 0x3F))
                        out[written + 2] = UInt8(truncatingIfNeeded: 0x80 | ((scalar >> 6) & 0x3F))
                        out[written + 3] = UInt8(truncatingIfNeeded: 0x80 | (scalar & 0x3F))
                        written += 4
                        continue
                    }
                }
                written = writeReplacement(out, written)
            } else if unit >= 0xDC00 && unit < 0xE000 {
                written = writeReplacement(out, written)
            } else {
                out[written] = UInt8(truncatingIfNeeded: 0xE0 | (unit >> 12))
                out[written + 1] = UInt8(truncatingIfNeeded: 0x80 | ((unit >> 6) & 0x3F))
                out[written + 2] = UInt8(truncatingIfNeeded: 0x80 | (unit & 0x3F))
                written += 3
            }
        }
        return written
    }

    /// Appends code page 1252 text (Windows' ANSI code page for Western locales) as UTF-8,
    /// stopping at the first NUL.
    static func appendANSI(_ bytes: UnsafeRawBufferPointer, to output: inout ByteBuffer) {
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

    /// Writes U+FFFD at `written`; returns the new count.
    private static func writeReplacement(_ out: UnsafeMutablePointer<UInt8>, _ written: Int) -> Int {
        out[written] = 0xEF
        out[written + 1] = 0xBF
        out[written + 2] = 0xBD
        return written + 3
    }

    /// Code page 1252 at 0x80–0x9F (the five undefined bytes map to their C1 code points).
    private static let windows1252High: [UInt16] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D,
        0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
        0x0153, 0x009D, 0x017E, 0x0178,
    ]
}
