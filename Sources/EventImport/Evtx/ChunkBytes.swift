/// Why a piece of an `.evtx` file could not be read: a sentence and the chunk-relative offset.
struct EvtxDamage: Error {
    /// What is wrong, for a diagnostic.
    var reason: String
    /// The offset inside the chunk where the problem was found.
    var offset: Int
}

/// Bounds-checked little-endian reads from one chunk's bytes (or a file header).
///
/// Every offset and length in an `.evtx` file comes from the file, so every read goes through
/// ``check(_:_:)``: a value that points outside the chunk throws ``EvtxDamage`` instead of trapping.
struct ChunkBytes {
    /// The bytes; valid while the owning reader holds the chunk.
    let bytes: UnsafeRawBufferPointer

    /// The number of bytes.
    var count: Int { bytes.count }

    /// Throws unless `count` bytes starting at `offset` lie inside the chunk.
    @inline(__always)
    func check(_ offset: Int, _ length: Int, _ what: StaticString = "value") throws(EvtxDamage) {
        guard offset >= 0, length >= 0, offset <= bytes.count, length <= bytes.count - offset else {
            throw EvtxDamage(reason: "a \(what) of \(length) bytes at offset \(offset) lies outside the chunk", offset: offset)
        }
    }

    /// The byte at `offset`.
    @inline(__always)
    func u8(_ offset: Int) throws(EvtxDamage) -> UInt8 {
        try check(offset, 1, "token")
        return bytes.load(fromByteOffset: offset, as: UInt8.self)
    }

    /// The little-endian 16-bit value at `offset`.
    @inline(__always)
    func u16(_ offset: Int) throws(EvtxDamage) -> UInt16 {
        try check(offset, 2)
        return UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    /// The little-endian 32-bit value at `offset`.
    @inline(__always)
    func u32(_ offset: Int) throws(EvtxDamage) -> UInt32 {
        try check(offset, 4)
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    /// The little-endian 64-bit value at `offset`.
    @inline(__always)
    func u64(_ offset: Int) throws(EvtxDamage) -> UInt64 {
        try check(offset, 8)
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// `length` bytes from `offset`, checked.
    @inline(__always)
    func slice(_ offset: Int, _ length: Int) throws(EvtxDamage) -> UnsafeRawBufferPointer {
        try check(offset, length)
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)])
    }

    /// True when the bytes at `offset` equal `magic` (false when they lie outside the chunk).
    func matches(_ magic: StaticString, at offset: Int) -> Bool {
        let length = magic.utf8CodeUnitCount
        guard offset >= 0, length <= bytes.count - offset else { return false }
        let start = magic.utf8Start
        for index in 0..<length where bytes[offset + index] != start[index] { return false }
        return true
    }
}
