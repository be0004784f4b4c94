/// A fixed-size cache that turns repeated byte sequences (field names, channels, providers,
/// computer names) into one shared `String`, so that building an event does not allocate for
/// the strings every record repeats.
///
/// Open addressing over a power-of-two table; a full neighbourhood (or a full key store) falls
/// back to a fresh string, so memory stays bounded whatever the input. The table, the keys' bytes
/// and the strings live in memory of their own (not arrays): a lookup is a hash, a probe that
/// compares hash and length, and one comparison of the bytes eight at a time, with no `String`
/// built or read, no uniqueness check and no call to `memcmp`.
struct StringInterner: ~Copyable {
    /// One slot: the hash of its key (0: empty) and where the key's bytes are in `keys`.
    private struct Slot {
        var hash: UInt64 = 0
        var offset: Int32 = 0
        var length: Int32 = 0
    }

    private let slots: UnsafeMutablePointer<Slot>
    private let values: UnsafeMutablePointer<String>
    private let keys: UnsafeMutablePointer<UInt8>
    private var keysUsed = 0
    private let keyCapacity: Int
    private let size: Int
    private let mask: Int
    private static let probeLimit = 8
    /// Longest byte sequence worth caching; longer ones are built directly.
    static let maxLength = 256

    /// Creates a table with `capacity` slots (rounded up to a power of two), and room for their
    /// keys' bytes at 64 bytes a key on average.
    init(capacity: Int = 4096) {
        var size = 16
        while size < capacity { size <<= 1 }
        self.size = size
        mask = size - 1
        slots = UnsafeMutablePointer<Slot>.allocate(capacity: size)
        slots.initialize(repeating: Slot(), count: size)
        values = UnsafeMutablePointer<String>.allocate(capacity: size)
        values.initialize(repeating: "", count: size)
        keyCapacity = size * 64
        keys = UnsafeMutablePointer<UInt8>.allocate(capacity: keyCapacity)
    }

    deinit {
        values.deinitialize(count: size)
        values.deallocate()
        slots.deallocate()
        keys.deallocate()
    }

    /// Returns the shared string for `bytes` (decoded as UTF-8, invalid sequences repaired).
    mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        intern(bytes) { String(decoding: $0, as: UTF8.self) }
    }

    /// Returns the string stored for `bytes`, made by `makeValue` the first time `bytes` are seen
    /// (and every time when the table has no room for them): a cache of any function of the bytes.
    @inline(__always)
    mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>, _ makeValue: (UnsafeBufferPointer<UInt8>) -> String) -> String {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return makeValue(bytes) }
        let count = bytes.count
        if count > Self.maxLength { return makeValue(bytes) }
        let hash = Self.hash(UnsafeRawBufferPointer(bytes)) | 1  // 0 marks an empty slot
        var slot = Int(truncatingIfNeeded: hash) & mask
        for _ in 0..<Self.probeLimit {
            let stored = slots[slot]
            if stored.hash == 0 {
                let value = makeValue(bytes)
                guard keysUsed + count <= keyCapacity else { return value }
                (keys + keysUsed).update(from: base, count: count)
                slots[slot] = Slot(hash: hash, offset: Int32(keysUsed), length: Int32(count))
                keysUsed += count
                values[slot] = value
                return value
            }
            if stored.hash == hash && Int(stored.length) == count
                && sameBytes(UnsafeRawPointer(keys + Int(stored.offset)), UnsafeRawPointer(base), count)
            {
                return values[slot]
            }
            slot = (slot + 1) & mask
        }
        return makeValue(bytes)
    }

    /// Hashes eight bytes at a time (a byte-at-a-time FNV-1a was 1–2% of an import's
    /// instructions), then mixes with MurmurHash3's 64-bit finalizer so that the low bits that
    /// pick the slot depend on every input byte. Keys of at most 16 bytes (most names and short
    /// values) take two loads that overlap as needed and no loop: together they cover every byte,
    /// and the length is part of the seed.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        guard let raw = bytes.baseAddress else { return 0 }
        let count = bytes.count
        var hash = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: count)
        if count <= 16 {
            let first: UInt64
            let last: UInt64
            if count >= 8 {
                first = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
                last = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
            } else if count >= 4 {
                first = UInt64(UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self)))
                last = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)))
            } else if count > 0 {
                first =
                    UInt64(raw.load(as: UInt8.self)) | UInt64(raw.load(fromByteOffset: count >> 1, as: UInt8.self)) << 8
                    | UInt64(raw.load(fromByteOffset: count - 1, as: UInt8.self)) << 16
                last = 0
            } else {
                first = 0
                last = 0
            }
            hash = (hash ^ first) &* 0x0000_0100_0000_01B3
            hash ^= hash >> 29
            hash = (hash ^ last) &* 0x0000_0100_0000_01B3
            return finalized(hash)
        }
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
        return finalized(hash)
    }

    /// MurmurHash3's 64-bit finalizer (its first half), which spreads every bit to the low ones.
    @inline(__always)
    private static func finalized(_ value: UInt64) -> UInt64 {
        var hash = value ^ (value >> 33)
        hash = hash &* 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        return hash
    }
}

/// True when the `count` bytes at `left` and at `right` are the same: eight at a time (the
/// last eight overlapping), four at a time below eight, one at a time below four.
@inline(__always)
func sameBytes(_ left: UnsafeRawPointer, _ right: UnsafeRawPointer, _ count: Int) -> Bool {
    if count >= 8 {
        var index = 0
        while index + 8 < count {
            if left.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                != right.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            {
                return false
            }
            index += 8
        }
        return left.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            == right.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
    }
    if count >= 4 {
        return left.loadUnaligned(as: UInt32.self) == right.loadUnaligned(as: UInt32.self)
            && left.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
                == right.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
    }
    for index in 0..<count
    where left.load(fromByteOffset: index, as: UInt8.self) != right.load(fromByteOffset: index, as: UInt8.self) {
        return false
    }
    return true
}
