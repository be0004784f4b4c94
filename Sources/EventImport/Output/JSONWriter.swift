/// Builds compact JSON text into a byte buffer, escaping every string (event content is untrusted).
///
/// Writing is append-only and allocation-light: keys and values go straight into one `[UInt8]`.
/// Callers are responsible for structure (`beginObject`/`endObject`, commas via `key`).
public struct JSONWriter: Sendable {
    /// The JSON text written so far, as UTF-8.
    public private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = [false]

    /// Creates an empty writer.
    public init() {
        bytes.reserveCapacity(1024)
    }

    /// The JSON text written so far.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Opens an object (as a value, or at top level).
    public mutating func beginObject() {
        bytes.append(UInt8(ascii: "{"))
        needsComma.append(false)
    }

    /// Closes the innermost object.
    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma.removeLast()
    }

    /// Opens an array (as a value).
    public mutating func beginArray() {
        bytes.append(UInt8(ascii: "["))
        needsComma.append(false)
    }

    /// Closes the innermost array.
    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma.removeLast()
    }

    /// Writes an object key (with the comma that separates it from the previous member).
    public mutating func key(_ name: String) {
        separate()
        writeString(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma[needsComma.count - 1] = true
    }

    /// Writes the comma before an array element when one is due.
    public mutating func element() {
        separate()
        needsComma[needsComma.count - 1] = true
    }

    /// Writes a string value, escaped.
    public mutating func string(_ value: String) { writeString(value) }

    /// Writes an integer value.
    public mutating func number<Number: BinaryInteger>(_ value: Number) {
        bytes.append(contentsOf: String(value).utf8)
    }

    /// Writes a floating-point value (`null` for NaN and infinities, which JSON cannot hold).
    public mutating func number(_ value: Double) {
        if value.isFinite {
            bytes.append(contentsOf: String(value).utf8)
        } else {
            null()
        }
    }

    /// Writes `true` or `false`.
    public mutating func bool(_ value: Bool) {
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// Writes `null`.
    public mutating func null() {
        bytes.append(contentsOf: "null".utf8)
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
        bytes.append(0x0A)
    }

    private mutating func separate() {
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func writeString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        let utf8 = value.utf8
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20, 0x7F: appendEscape(UInt32(byte))
            case UInt8(ascii: "<"):
                // Keeps JSON embedded in HTML <script> blocks from closing them.
                bytes.append(contentsOf: Array("\\u003c".utf8))
            case 0xC2, 0xD8, 0xE2, 0xEF:
                // Lead bytes of the C1 controls, U+061C and the U+2000 and U+FE00/FF00 blocks: the
                // characters a terminal acts on or that reorder text are written as \u escapes
                // (the same string for a JSON reader), so NDJSON on a terminal is safe too.
                let scalarEnd = utf8.index(index, offsetBy: byte < 0xE0 ? 2 : 3, limitedBy: utf8.endIndex) ?? utf8.endIndex
                let scalar = value.unicodeScalars[index]
                if TerminalSafe.isUnsafe(scalar) {
                    appendEscape(scalar.value)
                } else {
                    bytes.append(contentsOf: utf8[index..<scalarEnd])
                }
                index = scalarEnd
                continue
            default: bytes.append(byte)
            }
            index = utf8.index(after: index)
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `\uXXXX` for a character in the Basic Multilingual Plane.
    private mutating func appendEscape(_ value: UInt32) {
        let hex = Array("0123456789abcdef".utf8)
        bytes.append(contentsOf: [0x5C, UInt8(ascii: "u")])
        for shift in stride(from: 12, through: 0, by: -4) { bytes.append(hex[Int((value >> UInt32(shift)) & 0xF)]) }
    }
}
