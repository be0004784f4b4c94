/// The CRC-32 (ISO-HDLC, as zlib) that `.evtx` headers and chunks and 7-Zip headers carry, table-driven
/// (slicing by 4).
public enum CRC32 {
    /// Four 256-entry tables for slicing by four bytes.
    private static let tables: [[UInt32]] = {
        var first = [UInt32](repeating: 0, count: 256)
        for index in 0..<256 {
            var value = UInt32(index)
            for _ in 0..<8 { value = value & 1 != 0 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
            first[index] = value
        }
        var tables = [first]
        for level in 1..<4 {
            var table = [UInt32](repeating: 0, count: 256)
            for index in 0..<256 {
                let previous = tables[level - 1][index]
                table[index] = (previous >> 8) ^ first[Int(previous & 0xFF)]
            }
            tables.append(table)
        }
        return tables
    }()

    /// The checksum of `bytes`, continuing from `crc` (the checksum of the bytes before them).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        let t0 = tables[0], t1 = tables[1], t2 = tables[2], t3 = tables[3]
        var value = ~crc
        var index = 0
        let count = bytes.count
        while index + 4 <= count {
            value ^= UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt32.self))
            value =
                t3[Int(value & 0xFF)] ^ t2[Int((value >> 8) & 0xFF)] ^ t1[Int((value >> 16) & 0xFF)]
                ^ t0[Int(value >> 24)]
            index += 4
        }
        while index < count {
            value = t0[Int((value ^ UInt32(bytes[index])) & 0xFF)] ^ (value >> 8)
            index += 1
        }
        return ~value
    }
}
