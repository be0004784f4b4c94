/// Renders BinXml values as Windows' XML rendering shows them (`EvtRender`), appended as UTF-8.
///
/// Hex integers are `0x` and lower-case digits without padding (`0x3e7`); GUIDs are braced upper
/// case; SIDs are `S-1-5-…`; binary is upper-case hex; FILETIME and SYSTEMTIME are ISO 8601 UTC
/// with 100 ns (7-digit) precision; signed integers are two's complement; arrays are their items
/// separated by commas.
enum ValueRenderer {
    /// Appends the text of a value of `type` held in `bytes`; returns false when the bytes do not
    /// fit the type (a value is then not rendered).
    static func append(type: UInt8, _ bytes: UnsafeRawBufferPointer, to output: inout ByteBuffer) -> Bool {
        if type & BinXmlValueType.arrayFlag != 0 {
            return appendArray(itemType: type & ~BinXmlValueType.arrayFlag, bytes, to: &output)
        }
        switch type {
        case BinXmlValueType.null:
            return true
        case BinXmlValueType.string:
            UTF16Text.append(bytes, units: bytes.count / 2, stopAtNUL: true, to: &output)
            return true
        case BinXmlValueType.ansiString:
            UTF16Text.appendANSI(bytes, to: &output)
            return true
        case BinXmlValueType.binary:
            appendHex(bytes, to: &output)
            return true
        case BinXmlValueType.sid:
            return appendSID(bytes, to: &output)
        case BinXmlValueType.sizeT:
            switch bytes.count {
            case 4: appendHexNumber(UInt64(load(UInt32.self, bytes, 0)), to: &output)
            case 8: appendHexNumber(load(UInt64.self, bytes, 0), to: &output)
            default: return false
            }
            return true
        case BinXmlValueType.binXml:
            return bytes.isEmpty
        default:
            guard let size = BinXmlValueType.itemSize(type), bytes.count == size else { return false }
            return appendFixed(type: type, bytes, 0, to: &output)
        }
    }

    /// Appends one item of fixed-size `type` at `offset` (the caller checked the size).
    private static func appendFixed(type: UInt8, _ bytes: UnsafeRawBufferPointer, _ offset: Int, to output: inout ByteBuffer) -> Bool {
        switch type {
        case BinXmlValueType.int8: appendSigned(Int64(Int8(bitPattern: bytes[offset])), to: &output)
        case BinXmlValueType.uint8: appendDecimal(UInt64(bytes[offset]), to: &output)
        case BinXmlValueType.int16: appendSigned(Int64(Int16(bitPattern: load(UInt16.self, bytes, offset))), to: &output)
        case BinXmlValueType.uint16: appendDecimal(UInt64(load(UInt16.self, bytes, offset)), to: &output)
        case BinXmlValueType.int32: appendSigned(Int64(Int32(bitPattern: load(UInt32.self, bytes, offset))), to: &output)
        case BinXmlValueType.uint32: appendDecimal(UInt64(load(UInt32.self, bytes, offset)), to: &output)
        case BinXmlValueType.int64: appendSigned(Int64(bitPattern: load(UInt64.self, bytes, offset)), to: &output)
        case BinXmlValueType.uint64: appendDecimal(load(UInt64.self, bytes, offset), to: &output)
        case BinXmlValueType.real32:
            appendText(Float(bitPattern: load(UInt32.self, bytes, offset)).description, to: &output)
        case BinXmlValueType.real64:
            appendText(Double(bitPattern: load(UInt64.self, bytes, offset)).description, to: &output)
        case BinXmlValueType.bool:
            appendText(load(UInt32.self, bytes, offset) != 0 ? "true" : "false", to: &output)
        case BinXmlValueType.hexInt32: appendHexNumber(UInt64(load(UInt32.self, bytes, offset)), to: &output)
        case BinXmlValueType.hexInt64: appendHexNumber(load(UInt64.self, bytes, offset), to: &output)
        case BinXmlValueType.guid: appendGUID(bytes, offset, to: &output)
        case BinXmlValueType.fileTime:
            guard let ticks = unixTicks(fileTime: load(UInt64.self, bytes, offset)) else { return false }
            appendTimestamp(ticks, to: &output)
        case BinXmlValueType.systemTime:
            guard let ticks = unixTicks(systemTime: bytes, offset) else { return false }
            appendTimestamp(ticks, to: &output)
        default: return false
        }
        return true
    }

    /// Arrays: strings are NUL-separated, fixed-size items follow one another.
    private static func appendArray(itemType: UInt8, _ bytes: UnsafeRawBufferPointer, to output: inout ByteBuffer) -> Bool {
        if itemType == BinXmlValueType.string {
            let units = bytes.count / 2
            var start = 0
            var first = true
            for index in 0...units {
                let atEnd = index == units
                if atEnd || load(UInt16.self, bytes, index * 2) == 0 {
                    if atEnd && start == units { break }
                    if !first { output.append(UInt8(ascii: ",")) }
                    first = false
                    let part = UnsafeRawBufferPointer(rebasing: bytes[(start * 2)..<(index * 2)])
                    UTF16Text.append(part, units: index - start, stopAtNUL: false, to: &output)
                    start = index + 1
                }
            }
            return true
        }
        guard let size = BinXmlValueType.itemSize(itemType), bytes.count % size == 0 else { return false }
        var offset = 0
        while offset < bytes.count {
            if offset > 0 { output.append(UInt8(ascii: ",")) }
            guard appendFixed(type: itemType, bytes, offset, to: &output) else { return false }
            offset += size
        }
        return true
    }

    // MARK: - Numbers

    @inline(__always)
    static func load<T: FixedWidthInteger>(_ type: T.Type, _ bytes: UnsafeRawBufferPointer, _ offset: Int) -> T {
        T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    /// Appends the UTF-8 bytes of `text`.
    private static func appendText(_ text: String, to output: inout ByteBuffer) {
        var text = text
        text.withUTF8 { output.append(UnsafeRawBufferPointer($0)) }
    }

    /// Appends `value` in decimal: digits written from the end into the buffer's spare room.
    static func appendDecimal(_ value: UInt64, to output: inout ByteBuffer) {
        if value < 10 {
            output.append(UInt8(truncatingIfNeeded: value) + 0x30)
            return
        }
        var digits = 1
        var scale: UInt64 = 10
        while digits < 20 && value >= scale {
            digits += 1
            scale = scale &* 10
        }
        output.append(upTo: digits) { out in
            // Two digits per division, from the end; `digitPairs` holds "00" to "99".
            let pairs = digitPairs.utf8Start
            var rest = value
            var index = digits
            while index >= 2 {
                let pair = Int(truncatingIfNeeded: rest % 100) * 2
                rest /= 100
                index -= 2
                out[index] = pairs[pair]
                out[index + 1] = pairs[pair + 1]
            }
            if index == 1 { out[0] = UInt8(truncatingIfNeeded: rest) + 0x30 }
            return digits
        }
    }

    /// "00", "01", … "99", one after another.
    private static let digitPairs: StaticString = """
        00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899
        """

    /// Appends a signed value in decimal.
    static func appendSigned(_ value: Int64, to output: inout ByteBuffer) {
        if value < 0 {
            output.append(UInt8(ascii: "-"))
            appendDecimal(value.magnitude, to: &output)
        } else {
            appendDecimal(UInt64(value), to: &output)
        }
    }

    private static let lowerHex: StaticString = "0123456789abcdef"
    private static let upperHex: StaticString = "0123456789ABCDEF"

    /// Appends `0x` and the lower-case hex digits of `value`, not padded.
    static func appendHexNumber(_ value: UInt64, to output: inout ByteBuffer) {
        let digits = lowerHex.utf8Start
        var shift = 60
        while shift > 0 && (value >> UInt64(shift)) & 0xF == 0 { shift -= 4 }
        let count = shift / 4 + 3
        output.append(upTo: count) { out in
            out[0] = UInt8(ascii: "0")
            out[1] = UInt8(ascii: "x")
            var index = 2
            while shift >= 0 {
                out[index] = digits[Int((value >> UInt64(shift)) & 0xF)]
                index += 1
                shift -= 4
            }
            return count
        }
    }

    /// Appends bytes as upper-case hex.
    static func appendHex(_ bytes: UnsafeRawBufferPointer, to output: inout ByteBuffer) {
        let digits = upperHex.utf8Start
        output.append(upTo: bytes.count * 2) { out in
            var index = 0
            for byte in bytes {
                out[index] = digits[Int(byte >> 4)]
                out[index + 1] = digits[Int(byte & 0xF)]
                index += 2
            }
            return index
        }
    }

    /// `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`; the first three groups are little-endian.
    /// The caller checked that 16 bytes lie at `offset`.
    private static func appendGUID(_ bytes: UnsafeRawBufferPointer, _ offset: Int, to output: inout ByteBuffer) {
        let data1 = load(UInt32.self, bytes, offset)
        let data2 = load(UInt16.self, bytes, offset + 4)
        let data3 = load(UInt16.self, bytes, offset + 6)
        let data4 = UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt16.self))
        let node = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset + 10, as: UInt32.self))
        let nodeEnd = UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: offset + 14, as: UInt16.self))
        output.append(upTo: 38) { out in
            let raw = UnsafeMutableRawPointer(out)
            raw.storeBytes(of: UInt8(ascii: "{"), as: UInt8.self)
            raw.storeBytes(of: hexDigits(data1), toByteOffset: 1, as: UInt64.self)
            raw.storeBytes(of: UInt8(ascii: "-"), toByteOffset: 9, as: UInt8.self)
            raw.storeBytes(of: hexDigits(data2), toByteOffset: 10, as: UInt32.self)
            raw.storeBytes(of: UInt8(ascii: "-"), toByteOffset: 14, as: UInt8.self)
            raw.storeBytes(of: hexDigits(data3), toByteOffset: 15, as: UInt32.self)
            raw.storeBytes(of: UInt8(ascii: "-"), toByteOffset: 19, as: UInt8.self)
            raw.storeBytes(of: hexDigits(data4), toByteOffset: 20, as: UInt32.self)
            raw.storeBytes(of: UInt8(ascii: "-"), toByteOffset: 24, as: UInt8.self)
            raw.storeBytes(of: hexDigits(node), toByteOffset: 25, as: UInt64.self)
            raw.storeBytes(of: hexDigits(nodeEnd), toByteOffset: 33, as: UInt32.self)
            raw.storeBytes(of: UInt8(ascii: "}"), toByteOffset: 37, as: UInt8.self)
            return 38
        }
    }

    /// The eight upper-case hex digits of `value`, most significant first, as the bytes of the
    /// returned word in memory order: each nibble spread into a byte of its own, then turned into
    /// `0`–`9` or `A`–`F` in every byte at once.
    @inline(__always)
    static func hexDigits(_ value: UInt32) -> UInt64 {
        var spread = UInt64(value)
        spread = (spread | (spread << 16)) & 0x0000_FFFF_0000_FFFF
        spread = (spread | (spread << 8)) & 0x00FF_00FF_00FF_00FF
        spread = (spread | (spread << 4)) & 0x0F0F_0F0F_0F0F_0F0F
        // Byte i now holds nibble i (the least significant first); show the most significant first.
        spread = spread.byteSwapped
        let letters = ((spread &+ 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101
        return (spread &+ 0x3030_3030_3030_3030 &+ letters &* 7).littleEndian
    }

    /// The four upper-case hex digits of `value`, most significant first, in memory order.
    @inline(__always)
    static func hexDigits(_ value: UInt16) -> UInt32 {
        UInt32(truncatingIfNeeded: UInt64(littleEndian: hexDigits(UInt32(value))) >> 32).littleEndian
    }

    /// `S-revision-authority-sub1-…`; false when the bytes are not a whole SID.
    private static func appendSID(_ bytes: UnsafeRawBufferPointer, to output: inout ByteBuffer) -> Bool {
        guard bytes.count >= 8 else { return false }
        let subCount = Int(bytes[1])
        guard bytes.count >= 8 + subCount * 4 else { return false }
        var authority: UInt64 = 0
        for index in 2..<8 { authority = authority << 8 | UInt64(bytes[index]) }
        output.append(UInt8(ascii: "S"))
        output.append(UInt8(ascii: "-"))
        appendDecimal(UInt64(bytes[0]), to: &output)
        output.append(UInt8(ascii: "-"))
        appendDecimal(authority, to: &output)
        for index in 0..<subCount {
            output.append(UInt8(ascii: "-"))
            appendDecimal(UInt64(load(UInt32.self, bytes, 8 + index * 4)), to: &output)
        }
        return true
    }

    // MARK: - Times

    /// 100 ns ticks between 1601-01-01 and 1970-01-01.
    static let fileTimeEpochOffset: UInt64 = 116_444_736_000_000_000

    /// Unix-epoch ticks of a FILETIME, or nil past year 9999.
    static func unixTicks(fileTime: UInt64) -> Int64? {
        // 9999-12-31T23:59:59.9999999Z as a FILETIME.
        guard fileTime <= 2_650_467_743_999_999_999 else { return nil }
        return Int64(fileTime) - Int64(fileTimeEpochOffset)
    }

    /// Unix-epoch ticks of a SYSTEMTIME (eight 16-bit fields), or nil when a field is out of range.
    private static func unixTicks(systemTime bytes: UnsafeRawBufferPointer, _ offset: Int) -> Int64? {
        func field(_ index: Int) -> Int64 { Int64(load(UInt16.self, bytes, offset + index * 2)) }
        let year = field(0), month = field(1), day = field(3)
        let hour = field(4), minute = field(5), second = field(6), millisecond = field(7)
        guard (1601...9999).contains(year), (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60,
            second < 60, millisecond < 1000
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return ((days * 86_400 + hour * 3600 + minute * 60 + second) * 1000 + millisecond) * 10_000
    }

    /// Appends `YYYY-MM-DDTHH:MM:SS.fffffffZ` for Unix-epoch ticks.
    static func appendTimestamp(_ ticks: Int64, to output: inout ByteBuffer) {
        let (year, month, day, secondOfDay, fraction) = EventTimestamp.calendarParts(ticks)
        output.append(upTo: 28) { out in
            writePadded(year, 4, out, 0)
            out[4] = UInt8(ascii: "-")
            writePadded(month, 2, out, 5)
            out[7] = UInt8(ascii: "-")
            writePadded(day, 2, out, 8)
            out[10] = UInt8(ascii: "T")
            writePadded(secondOfDay / 3600, 2, out, 11)
            out[13] = UInt8(ascii: ":")
            writePadded(secondOfDay / 60 % 60, 2, out, 14)
            out[16] = UInt8(ascii: ":")
            writePadded(secondOfDay % 60, 2, out, 17)
            out[19] = UInt8(ascii: ".")
            writePadded(fraction, 7, out, 20)
            out[27] = UInt8(ascii: "Z")
            return 28
        }
    }

    /// Writes a non-negative value as exactly `width` decimal digits at `out + at` (the lowest
    /// `width` digits of a larger value).
    @inline(__always)
    private static func writePadded(_ value: Int64, _ width: Int, _ out: UnsafeMutablePointer<UInt8>, _ at: Int) {
        var rest = value
        var index = at + width
        while index > at {
            index -= 1
            out[index] = UInt8(truncatingIfNeeded: rest % 10) + 0x30
            rest /= 10
        }
    }
}
