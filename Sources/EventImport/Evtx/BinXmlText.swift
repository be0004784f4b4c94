/// Text fix-ups that make values read from BinXml equal to what an XML parser reads from the
/// same log's XML export.
enum BinXmlText {
    /// Applies ``repairControls(_:from:dropNUL:)`` and then ``normalizeLineEnds(_:from:)`` to the
    /// bytes of `buffer` from `start` on. One scan finds most text needs neither (no byte below
    /// 0x20 but tab and LF), and it is left alone.
    @inline(__always)
    static func repair(_ buffer: inout ByteBuffer, from start: Int, dropNUL: Bool) {
        let held = buffer.bytes
        guard start < held.count, needsRepair(UnsafeBufferPointer(rebasing: held[start...])) else { return }
        var tail = Array(UnsafeBufferPointer(rebasing: held[start...]))
        repairControls(&tail, from: 0, dropNUL: dropNUL)
        normalizeLineEnds(&tail, from: 0)
        buffer.truncate(to: start)
        tail.withUnsafeBytes { buffer.append($0) }
    }

    /// Replaces C0 control characters that XML 1.0 forbids with U+FFFD, as the XML reader does
    /// for exported XML (so both forms give the same value); NUL is dropped from attribute values,
    /// which are NUL-terminated.
    static func repairControls(_ bytes: inout [UInt8], from start: Int, dropNUL: Bool) {
        let found = bytes.withUnsafeBufferPointer { firstForbiddenControl(UnsafeBufferPointer(rebasing: $0[start...])) }
        guard found >= 0 else { return }
        var repaired: [UInt8] = []
        repaired.reserveCapacity(bytes.count + 8)
        repaired.append(contentsOf: bytes[..<start])
        for byte in bytes[start...] {
            if byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D {
                if byte == 0 && dropNUL { continue }
                repaired.append(contentsOf: [0xEF, 0xBF, 0xBD])
            } else {
                repaired.append(byte)
            }
        }
        bytes = repaired
    }

    /// Turns CR LF and lone CR into LF, as an XML parser does with the text of an exported log
    /// (so both forms give the same value).
    static func normalizeLineEnds(_ bytes: inout [UInt8], from start: Int) {
        guard let first = bytes[start...].firstIndex(of: 0x0D) else { return }
        var write = first
        var read = first
        let count = bytes.count
        while read < count {
            let byte = bytes[read]
            read += 1
            if byte == 0x0D {
                bytes[write] = 0x0A
                if read < count && bytes[read] == 0x0A { read += 1 }
            } else {
                bytes[write] = byte
            }
            write += 1
        }
        bytes.removeSubrange(write...)
    }

    /// Whether `bytes` hold a byte that ``repair(_:from:dropNUL:)`` changes: one below 0x20 other
    /// than tab and LF (CR included, which becomes LF).
    ///
    /// Eight bytes at a time: `(w - 0x20…20) & ~w & 0x80…80` is non-zero exactly when a byte of
    /// `w` is below 0x20; only then are the bytes looked at one by one.
    @inline(__always)
    static func needsRepair(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let raw = UnsafeRawPointer(base)
        let count = bytes.count
        var index = 0
        while index + 8 <= count {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            if (word &- 0x2020_2020_2020_2020) & ~word & 0x8080_8080_8080_8080 != 0 { break }
            index += 8
        }
        while index < count {
            let byte = base[index]
            if byte < 0x20 && byte != 0x09 && byte != 0x0A { return true }
            index += 1
        }
        return false
    }

    /// The text of an entity reference: the five XML entities; others are kept as written.
    static func entity(_ name: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        switch String(decoding: name, as: UTF8.self) {
        case "amp": [UInt8(ascii: "&")]
        case "lt": [UInt8(ascii: "<")]
        case "gt": [UInt8(ascii: ">")]
        case "quot": [UInt8(ascii: "\"")]
        case "apos": [UInt8(ascii: "'")]
        default: [UInt8(ascii: "&")] + Array(name) + [UInt8(ascii: ";")]
        }
    }

}
