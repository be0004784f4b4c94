/// Builds compact JSON text into a byte buffer, escaping every string (event content is untrusted).
///
/// Writing is append-only and allocation-light: keys and values go straight into one growing
/// buffer (``WriteBuffer``, copied on write), strings are copied in runs of bytes that need no
/// escape (checked eight bytes at a time), and numbers and timestamps are formatted in place,
/// without building a `String` per value.
/// Callers are responsible for structure (`beginObject`/`endObject`, commas via `key`).
public struct JSONWriter: Sendable {
    /// The memory of the text, shared between copies of the writer until one of them writes.
    private var buffer: WriteBuffer
    /// How many bytes are written.
    public private(set) var count = 0
    /// Whether the innermost open container already holds a member or element.
    private var needsComma = false
    /// The `needsComma` of the enclosing containers, innermost in the lowest bit (64 levels).
    private var enclosingCommas: UInt64 = 0
    /// How many containers are open.
    private var depth = 0
    /// The `needsComma` of enclosing containers deeper than the 64 that `enclosingCommas` holds.
    private var deepCommas: [Bool] = []

    /// Creates an empty writer with room for `capacity` bytes before it grows.
    public init(capacity: Int = 1024) {
        buffer = WriteBuffer(capacity: capacity)
    }

    /// The JSON text written so far, as UTF-8 (a copy).
    public var bytes: [UInt8] { withBytes { Array($0) } }

    /// The JSON text written so far.
    public var text: String { withBytes { String(decoding: $0, as: UTF8.self) } }

    /// Calls `body` with the bytes written so far (no copy; valid only during the call).
    public func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try withExtendedLifetime(buffer) { try body(UnsafeBufferPointer(start: buffer.base, count: count)) }
    }

    /// Forgets the bytes written (keeping the memory unless another writer shares it), not where
    /// the structure stands.
    mutating func removeAllBytes() {
        count = 0
        if !isKnownUniquelyReferenced(&buffer) { buffer = WriteBuffer(capacity: buffer.capacity) }
    }

    /// Appends bytes that are already JSON text, or text between documents (such as a newline).
    mutating func appendRaw(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        reserve(bytes.count)
        copyBytes(from: source, count: bytes.count, to: buffer.base + count)
        count += bytes.count
    }

    /// Opens an object (as a value, or at top level).
    public mutating func beginObject() {
        appendByte(UInt8(ascii: "{"))
        openContainer()
    }

    /// Closes the innermost object.
    public mutating func endObject() {
        appendByte(UInt8(ascii: "}"))
        closeContainer()
    }

    /// Opens an array (as a value).
    public mutating func beginArray() {
        appendByte(UInt8(ascii: "["))
        openContainer()
    }

    /// Closes the innermost array.
    public mutating func endArray() {
        appendByte(UInt8(ascii: "]"))
        closeContainer()
    }

    /// Writes an object key (with the comma that separates it from the previous member).
    public mutating func key(_ name: String) {
        separate()
        writeString(name)
        appendByte(UInt8(ascii: ":"))
        needsComma = true
    }

    /// Writes an object key that is a literal of the program: ASCII that needs no escape, such as
    /// `"time"` (never event content, which goes through ``key(_:)``).
    public mutating func key(literal name: StaticString) {
        name.withUTF8Buffer { name in
            reserve(name.count + 4)
            let base = buffer.base
            var end = count
            if needsComma {
                base[end] = UInt8(ascii: ",")
                end += 1
            }
            base[end] = UInt8(ascii: "\"")
            end += 1
            if let source = name.baseAddress {
                copyBytes(from: source, count: name.count, to: base + end)
                end += name.count
            }
            base[end] = UInt8(ascii: "\"")
            base[end + 1] = UInt8(ascii: ":")
            count = end + 2
        }
        needsComma = true
    }

    /// Writes the comma before an array element when one is due.
    public mutating func element() {
        separate()
        needsComma = true
    }

    /// Writes a string value, escaped.
    public mutating func string(_ value: String) { writeString(value) }

    /// Writes an integer value.
    public mutating func number<Number: BinaryInteger>(_ value: Number) {
        if let unsigned = UInt64(exactly: value) {
            appendDecimal(unsigned)
        } else if let signed = Int64(exactly: value) {
            appendByte(UInt8(ascii: "-"))
            appendDecimal(signed.magnitude)
        } else {
            appendText(String(value))
        }
    }

    /// Writes a floating-point value (`null` for NaN and infinities, which JSON cannot hold).
    public mutating func number(_ value: Double) {
        if value.isFinite {
            appendText(String(value))
        } else {
            null()
        }
    }

    /// Writes a timestamp as a string: ISO 8601 in UTC with 7 fractional digits, the text of
    /// ``EventTimestamp/description``.
    public mutating func timestamp(_ time: EventTimestamp) {
        let (year, month, day, secondOfDay, fraction) = EventTimestamp.calendarParts(time.ticks)
        guard (0...9999).contains(year) else {
            // Outside four-digit years the text is rare and irregular: the description's own.
            writeString(time.description)
            return
        }
        // "YYYY-MM-DDTHH:MM:SS.FFFFFFFZ" in quotes: 30 bytes.
        reserve(30)
        let text = buffer.base + count
        func digits(_ value: Int64, _ count: Int, at end: Int) {
            var rest = value
            for index in stride(from: end - 1, through: end - count, by: -1) {
                text[index] = UInt8(truncatingIfNeeded: rest % 10) &+ UInt8(ascii: "0")
                rest /= 10
            }
        }
        text[0] = UInt8(ascii: "\"")
        digits(year, 4, at: 5)
        text[5] = UInt8(ascii: "-")
        digits(month, 2, at: 8)
        text[8] = UInt8(ascii: "-")
        digits(day, 2, at: 11)
        text[11] = UInt8(ascii: "T")
        digits(secondOfDay / 3600, 2, at: 14)
        text[14] = UInt8(ascii: ":")
        digits(secondOfDay / 60 % 60, 2, at: 17)
        text[17] = UInt8(ascii: ":")
        digits(secondOfDay % 60, 2, at: 20)
        text[20] = UInt8(ascii: ".")
        digits(fraction, 7, at: 28)
        text[28] = UInt8(ascii: "Z")
        text[29] = UInt8(ascii: "\"")
        count += 30
    }

    /// Writes `true` or `false`.
    public mutating func bool(_ value: Bool) {
        appendLiteral(value ? "true" : "false")
    }

    /// Writes `null`.
    public mutating func null() {
        appendLiteral("null")
    }

    /// Writes `"key": "value"`.
    public mutating func member(_ name: String, _ value: String) {
        key(name)
        writeString(value)
    }

    /// Writes `"key": "value"`, or `"key": null` for nil.
    public mutating func member(_ name: String, _ value: String?) {
        key(name)
        if let value { writeString(value) } else { null() }
    }

    /// Writes `"key": number`, or `"key": null` for nil.
    public mutating func member<Number: BinaryInteger>(_ name: String, _ value: Number?) {
        key(name)
        if let value { number(value) } else { null() }
    }

    /// Appends a newline (for NDJSON).
    public mutating func newline() {
        appendByte(0x0A)
    }

    // MARK: - Bytes

    /// Makes room for `extra` more bytes in a buffer no other writer shares (copy on write).
    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if buffer.capacity - count < extra || !isKnownUniquelyReferenced(&buffer) { regrow(extra) }
    }

    /// A new buffer with room for `extra` more bytes: twice the size while that is not enough.
    private mutating func regrow(_ extra: Int) {
        var capacity = buffer.capacity
        while capacity - count < extra { capacity *= 2 }
        buffer = WriteBuffer(capacity: capacity, copying: count, from: buffer.base)
    }

    private mutating func appendByte(_ byte: UInt8) {
        reserve(1)
        buffer.base[count] = byte
        count += 1
    }

    private mutating func appendLiteral(_ text: StaticString) {
        text.withUTF8Buffer { appendRaw($0) }
    }

    /// Appends text known to need no escape (a number's digits).
    private mutating func appendText(_ text: String) {
        var text = text
        text.withUTF8 { appendRaw($0) }
    }

    private mutating func separate() {
        if needsComma { appendByte(UInt8(ascii: ",")) }
    }

    private mutating func openContainer() {
        if depth < 64 {
            enclosingCommas = enclosingCommas << 1 | (needsComma ? 1 : 0)
        } else {
            deepCommas.append(needsComma)
        }
        depth += 1
        needsComma = false
    }

    private mutating func closeContainer() {
        guard depth > 0 else {
            needsComma = false
            return
        }
        depth -= 1
        if depth < 64 {
            needsComma = enclosingCommas & 1 != 0
            enclosingCommas >>= 1
        } else {
            needsComma = deepCommas.removeLast()
        }
    }

    /// The digits of `value`, without a sign.
    private mutating func appendDecimal(_ value: UInt64) {
        reserve(20)
        let start = buffer.base + count
        var rest = value
        var length = 0
        repeat {
            start[length] = UInt8(truncatingIfNeeded: rest % 10) &+ UInt8(ascii: "0")
            rest /= 10
            length += 1
        } while rest != 0
        // Written least significant first: reverse in place.
        var low = 0
        var high = length - 1
        while low < high {
            let swapped = start[low]
            start[low] = start[high]
            start[high] = swapped
            low += 1
            high -= 1
        }
        count += length
    }

    // MARK: - Strings

    private mutating func writeString(_ value: String) {
        let written: Void? = value.utf8.withContiguousStorageIfAvailable { appendEscaped($0) }
        if written == nil {
            var value = value
            value.withUTF8 { appendEscaped($0) }
        }
    }

    /// A quoted JSON string of valid UTF-8. Bytes that need nothing are copied eight at a time
    /// while a word holds none that needs a look (the usual case).
    private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        let length = utf8.count
        // Room for the quotes and every byte as it is; an escape makes more room for itself.
        reserve(length + 2)
        var base = buffer.base
        var end = count
        base[end] = UInt8(ascii: "\"")
        end += 1
        if let source = utf8.baseAddress {
            var index = 0
            if length >= 4 && length < 8 {
                // A short value (most are): two overlapping four-byte words, checked as one.
                let first = UnsafeRawPointer(source).loadUnaligned(as: UInt32.self)
                let last = UnsafeRawPointer(source + length - 4).loadUnaligned(as: UInt32.self)
                if !Self.mayNeedEscape(UInt64(first) | UInt64(last) << 32) {
                    UnsafeMutableRawPointer(base + end).storeBytes(of: first, as: UInt32.self)
                    UnsafeMutableRawPointer(base + end + length - 4).storeBytes(of: last, as: UInt32.self)
                    end += length
                    index = length
                }
            }
            // How many bytes just before `end` were copied as they are (an escape resets it): the
            // last word of a value may be copied overlapping them, since it rewrites the same bytes.
            var plainBefore = 0
            while index < length {
                let rest = length - index
                if rest >= 8 {
                    let word = UnsafeRawPointer(source + index).loadUnaligned(as: UInt64.self)
                    if !Self.mayNeedEscape(word) {
                        UnsafeMutableRawPointer(base + end).storeBytes(of: word, as: UInt64.self)
                        end += 8
                        index += 8
                        plainBefore += 8
                        continue
                    }
                } else if plainBefore >= 8 - rest {
                    let word = UnsafeRawPointer(source + length - 8).loadUnaligned(as: UInt64.self)
                    if !Self.mayNeedEscape(word) {
                        UnsafeMutableRawPointer(base + end - (8 - rest)).storeBytes(of: word, as: UInt64.self)
                        end += rest
                        index = length
                        continue
                    }
                }
                let byte = source[index]
                if Self.isPlain(byte) {
                    base[end] = byte
                    end += 1
                    index += 1
                    plainBefore += 1
                    continue
                }
                plainBefore = 0
                count = end
                index += escape(byte, at: index, in: utf8)
                reserve(length - index + 1)
                base = buffer.base
                end = count
            }
        }
        base[end] = UInt8(ascii: "\"")
        count = end + 1
    }

    /// Whether `byte` is written as it is: printable ASCII other than `"`, `\` and `<`, or a byte
    /// of a multi-byte character other than the lead bytes ``escape(_:at:in:)`` looks at.
    @inline(__always)
    private static func isPlain(_ byte: UInt8) -> Bool {
        if byte < 0x80 {
            return byte >= 0x20 && byte != 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\")
                && byte != UInt8(ascii: "<")
        }
        return byte != 0xC2 && byte != 0xD8 && byte != 0xE2 && byte != 0xEF
    }

    /// Whether any of the eight bytes of `word` is a control character, `"`, `\`, `<`, DEL or
    /// not ASCII (never misses one; a word it flags is looked at byte by byte).
    @inline(__always)
    private static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ value: UInt64) -> UInt64 { (value &- ones) & ~value & highs }
        let control = (word &- ones &* 0x20) & ~word & highs  // a byte below 0x20
        let quote = hasZeroByte(word ^ (ones &* 0x22))
        let backslash = hasZeroByte(word ^ (ones &* 0x5C))
        let less = hasZeroByte(word ^ (ones &* 0x3C))
        let delete = hasZeroByte(word ^ (ones &* 0x7F))
        return (control | quote | backslash | less | delete | (word & highs)) != 0
    }

    /// Writes what the byte at `index` (one that is not plain) becomes and returns how many bytes
    /// of `utf8` it consumed.
    private mutating func escape(_ byte: UInt8, at index: Int, in utf8: UnsafeBufferPointer<UInt8>) -> Int {
        switch byte {
        case UInt8(ascii: "\""): appendPair(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): appendPair(UInt8(ascii: "\\"))
        case 0x0A: appendPair(UInt8(ascii: "n"))
        case 0x0D: appendPair(UInt8(ascii: "r"))
        case 0x09: appendPair(UInt8(ascii: "t"))
        case 0..<0x20, 0x7F: appendEscape(UInt32(byte))
        case UInt8(ascii: "<"):
            // Keeps JSON embedded in HTML <script> blocks from closing them.
            appendEscape(0x3C)
        default:
            // 0xC2, 0xD8, 0xE2, 0xEF: lead bytes of the C1 controls, U+061C and the U+2000 and
            // U+FE00/FF00 blocks. The characters a terminal acts on or that reorder text are
            // written as \u escapes (the same string for a JSON reader), so NDJSON on a terminal
            // is safe too. The text is valid UTF-8 (a Swift string), so the sequence is complete.
            let expected = byte < 0xE0 ? 2 : 3
            let length = min(expected, utf8.count - index)
            var scalarValue = UInt32(byte & (byte < 0xE0 ? 0x1F : 0x0F))
            for offset in 1..<length {
                scalarValue = scalarValue << 6 | UInt32(utf8[index + offset] & 0x3F)
            }
            if length == expected, let scalar = Unicode.Scalar(scalarValue), TerminalSafe.isUnsafe(scalar) {
                appendEscape(scalarValue)
            } else {
                appendRaw(UnsafeBufferPointer(rebasing: utf8[index..<index + length]))
            }
            return length
        }
        return 1
    }

    /// `\` and one character.
    private mutating func appendPair(_ second: UInt8) {
        appendByte(UInt8(ascii: "\\"))
        appendByte(second)
    }

    /// `\uXXXX` for a character in the Basic Multilingual Plane.
    private mutating func appendEscape(_ value: UInt32) {
        func hex(_ shift: UInt32) -> UInt8 {
            let digit = UInt8(truncatingIfNeeded: (value >> shift) & 0xF)
            return digit < 10 ? UInt8(ascii: "0") &+ digit : UInt8(ascii: "a") &+ (digit &- 10)
        }
        reserve(6)
        let start = buffer.base + count
        start[0] = UInt8(ascii: "\\")
        start[1] = UInt8(ascii: "u")
        start[2] = hex(12)
        start[3] = hex(8)
        start[4] = hex(4)
        start[5] = hex(0)
        count += 6
    }
}
