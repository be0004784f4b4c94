/// The value types of BinXml substitutions and value tokens (MS-EVEN6 §2.2.12, libyal's table).
enum BinXmlValueType {
    static let null: UInt8 = 0x00
    static let string: UInt8 = 0x01
    static let ansiString: UInt8 = 0x02
    static let int8: UInt8 = 0x03
    static let uint8: UInt8 = 0x04
    static let int16: UInt8 = 0x05
    static let uint16: UInt8 = 0x06
    static let int32: UInt8 = 0x07
    static let uint32: UInt8 = 0x08
    static let int64: UInt8 = 0x09
    static let uint64: UInt8 = 0x0A
    static let real32: UInt8 = 0x0B
    static let real64: UInt8 = 0x0C
    static let bool: UInt8 = 0x0D
    static let binary: UInt8 = 0x0E
    static let guid: UInt8 = 0x0F
    static let sizeT: UInt8 = 0x10
    static let fileTime: UInt8 = 0x11
    static let systemTime: UInt8 = 0x12
    static let sid: UInt8 = 0x13
    static let hexInt32: UInt8 = 0x14
    static let hexInt64: UInt8 = 0x15
    static let binXml: UInt8 = 0x21
    /// The flag that makes any type an array of it.
    static let arrayFlag: UInt8 = 0x80

    /// Whether values of `type` (or arrays of it) render as text from the file: strings and ANSI
    /// strings, which may hold control characters. Every other type renders as digits, letters
    /// and punctuation only, so its text never needs ``BinXmlText/repair(_:from:dropNUL:)``.
    @inline(__always)
    static func isText(_ type: UInt8) -> Bool {
        let item = type & ~arrayFlag
        return item == string || item == ansiString
    }

    /// The size of one item of a fixed-size type, or nil for variable-size types.
    @inline(__always)
    static func itemSize(_ type: UInt8) -> Int? {
        switch type {
        case int8, uint8: 1
        case int16, uint16: 2
        case int32, uint32, real32, bool, hexInt32: 4
        case int64, uint64, real64, fileTime, hexInt64: 8
        case guid, systemTime: 16
        default: nil
        }
    }
}
