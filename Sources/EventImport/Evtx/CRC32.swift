internal import CRC32Fold

/// The CRC-32 (ISO-HDLC, as zlib) that `.evtx` headers and chunks and 7-Zip headers carry.
///
/// Runs of 64 bytes or more are folded with carry-less multiplication where the CPU has it
/// (`CRC32Fold`, x86-64 with PCLMULQDQ: about 0.2 instructions per byte instead of 4); the rest,
/// and every byte on other CPUs, goes through the tables (slicing by 8).
public enum CRC32 {
    /// Whether `crc32_fold_clmul` can run on this CPU (asked once).
    private static let canFold = crc32_fold_available() != 0

    /// Eight 256-entry tables, one after another, for slicing by eight bytes: table `k` gives the
    /// CRC of a byte followed by `k` zero bytes.
    private static let tables: [UInt32] = {
        var tables = [UInt32](repeating: 0, count: 8 * 256)
        for index in 0..<256 {
            var value = UInt32(index)
            for _ in 0..<8 { value = value & 1 != 0 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
            tables[index] = value
        }
        for level in 1..<8 {
            for index in 0..<256 {
                let previous = tables[(level - 1) * 256 + index]
                tables[level * 256 + index] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
            }
        }
        return tables
    }()

    /// The checksum of `bytes`, continuing from `crc` (the checksum of the bytes before them).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        var register = ~crc
        var start = 0
        if bytes.count >= 64, canFold, let base = bytes.baseAddress {
            // A multiple of 16 bytes, at least 64, all inside `bytes`: what crc32_fold_clmul needs.
            start = bytes.count & ~15
            register = crc32_fold_clmul(register, base, start)
        }
        return ~tableRegister(register, UnsafeRawBufferPointer(rebasing: bytes[start...]))
    }

    /// The checksum of `bytes` through the tables alone, continuing from `crc` (what ``checksum(_:continuing:)``
    /// computes on a CPU that cannot fold).
    static func tableChecksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        ~tableRegister(~crc, bytes)
    }

    /// The CRC register (the checksum inverted) after `bytes`, starting from `register`, by the tables.
    private static func tableRegister(_ register: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        tables.withUnsafeBufferPointer { table in
            var value = register
            var index = 0
            let count = bytes.count
            while index + 8 <= count {
                let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                let low = value ^ UInt32(truncatingIfNeeded: word)
                let high = UInt32(truncatingIfNeeded: word >> 32)
                value =
                    table[7 * 256 + Int(low & 0xFF)] ^ table[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ table[5 * 256 + Int((low >> 16) & 0xFF)] ^ table[4 * 256 + Int(low >> 24)]
                    ^ table[3 * 256 + Int(high & 0xFF)] ^ table[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ table[256 + Int((high >> 16) & 0xFF)] ^ table[Int(high >> 24)]
                index += 8
            }
            while index < count {
                value = table[Int((value ^ UInt32(bytes[index])) & 0xFF)] ^ (value >> 8)
                index += 1
            }
            return value
        }
    }
}
