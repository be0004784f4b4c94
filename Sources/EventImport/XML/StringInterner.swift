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
        let hash = Self.hash(UnsafeRawBufferPointer(bytes)) | 1  // 0 marks an empty slot
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

    /// Hashes eight bytes at a time (a byte-at-a-time FNV-1a was 1–2% of an import's
    /// instructions), then mixes with MurmurHash3's 64-bit finalizer so that the low bits that
    /// pick the slot depend on every input byte.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        guard let raw = bytes.baseAddress else { return 0 }
        let count = bytes.count
        var hash = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: count)
        var index = 0
        while index + 8 <= count {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            hash = (hash ^ word) &* 0x0000_0100_0000_01B3
            hash ^= hash >> 29
            index += 8
        }
        var tail: UInt64 = 0
        if index < count && count >= 8 {
            // The last eight bytes, overlapping bytes already hashed: one load, not a byte loop.
            tail = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
        } else {
            var shift: UInt64 = 0
            while index < count {
                tail |= UInt64(bytes[index]) << shift
                shift += 8
                index += 1
            }
        }
        hash = (hash ^ tail) &* 0x0000_0100_0000_01B3
        hash ^= hash >> 33
        hash = hash &* 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        return hash
    }
}

/// The normalized forms of recently seen raw spellings (GUIDs as exports write them).
///
/// Direct-mapped by ``StringInterner/hash(_:)``: a colliding spelling replaces the entry, so
/// memory stays bounded. A one-entry cache missed on most records of interleaved logs.
struct NormalizedCache {
    private var raws: [[UInt8]]
    private var values: [String]
    private static let slots = 64

    init() {
        raws = Array(repeating: [], count: Self.slots)
        values = Array(repeating: "", count: Self.slots)
    }

    /// The slot that `raw` maps to.
    static func slot(for raw: UnsafeRawBufferPointer) -> Int {
        Int(truncatingIfNeeded: StringInterner.hash(raw)) & (slots - 1)
    }

    /// The value stored for `raw` in `slot`, or `nil` when the slot holds another spelling.
    func value(for raw: UnsafeRawBufferPointer, in slot: Int) -> String? {
        let matches = raws[slot].withUnsafeBytes { stored in
            guard stored.count == raw.count, let left = stored.baseAddress, let right = raw.baseAddress else {
                return false
            }
            return memcmp(left, right, raw.count) == 0
        }
        return matches ? values[slot] : nil
    }

    /// Remembers `value` for `raw` in `slot`, replacing what the slot held.
    mutating func store(_ value: String, for raw: UnsafeRawBufferPointer, in slot: Int) {
        raws[slot] = Array(raw)
        values[slot] = value
    }
}
