#if canImport(Glibc)
    import Glibc
#endif

/// A fixed-size cache that turns repeated byte sequences (field names, channels, providers,
/// computer names) into one shared `String`, so that building an event does not allocate for
/// the strings every record repeats.
///
/// Open addressing over a power-of-two table; a full neighbourhood falls back to a fresh string,
/// so memory stays bounded whatever the input.
struct StringInterner {
    private var hashes: [UInt64]
    private var values: [String]
    private let mask: Int
    private static let probeLimit = 8
    /// Longest byte sequence worth caching; longer ones are built directly.
    static let maxLength = 256

    /// Creates a table with `capacity` slots (rounded up to a power of two).
    init(capacity: Int = 4096) {
        var size = 16
        while size < capacity { size <<= 1 }
        hashes = Array(repeating: 0, count: size)
        values = Array(repeating: "", count: size)
        mask = size - 1
    }

    /// Returns the shared string for `bytes` (decoded as UTF-8, invalid sequences repaired).
    mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if bytes.isEmpty { return "" }
        if bytes.count > Self.maxLength { return String(decoding: bytes, as: UTF8.self) }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        hash |= 1  // 0 marks an empty slot
        var slot = Int(truncatingIfNeeded: hash) & mask
        for _ in 0..<Self.probeLimit {
            let stored = hashes[slot]
            if stored == 0 {
                let value = String(decoding: bytes, as: UTF8.self)
                hashes[slot] = hash
                values[slot] = value
                return value
            }
            if stored == hash {
                var candidate = values[slot]
                let equal = candidate.withUTF8 { stored in
                    guard stored.count == bytes.count, let left = stored.baseAddress, let right = bytes.baseAddress else {
                        return stored.count == bytes.count && bytes.isEmpty
                    }
                    return memcmp(left, right, bytes.count) == 0
                }
                if equal { return candidate }
            }
            slot = (slot + 1) & mask
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
