/// Why a 7-Zip header could not be parsed: the offset in the header bytes and the reason.
struct SevenZipHeaderError: Error, Equatable {
    /// The 0-based offset in the header bytes where parsing stopped.
    var offset: Int
    /// What was wrong there.
    var reason: String
    /// True when the header ended before the structure did (rather than holding a wrong value).
    var isTruncation = false
    /// True when a count passed ``SevenZipCursor/maxEntries`` (a limit, not damage).
    var isLimit = false
}

/// Reads a 7-Zip header database: bytes, 7-Zip's variable-length numbers and counts, each checked
/// against the bytes left, so that no value read from the file can make it read past the end,
/// allocate more than the header's size or loop longer than the header is long.
struct SevenZipCursor {
    private let bytes: [UInt8]
    /// The offset of the next byte to read.
    private(set) var position = 0
    /// The largest number of packed streams, folders, unpacked streams or files accepted
    /// (``ImportLimits/maxSevenZipEntries``): libarchive allocates per entry what these counts say.
    let maxEntries: Int

    init(_ bytes: [UInt8], maxEntries: Int) {
        self.bytes = bytes
        self.maxEntries = max(maxEntries, 0)
    }

    /// Bytes not yet read.
    var remaining: Int { bytes.count - position }

    /// The next byte.
    mutating func byte() throws(SevenZipHeaderError) -> UInt8 {
        guard position < bytes.count else { throw truncated() }
        defer { position += 1 }
        return bytes[position]
    }

    /// The next byte, which must be `expected` (a property id).
    mutating func expect(_ expected: UInt8, _ what: String) throws(SevenZipHeaderError) {
        let start = position
        let found = try byte()
        guard found == expected else { throw failure("expected \(what), found property id \(found)", at: start) }
    }

    /// 7-Zip's variable-length UINT64: the number of leading one bits of the first byte says how
    /// many little-endian bytes follow; the rest of the first byte holds the highest bits.
    mutating func number() throws(SevenZipHeaderError) -> UInt64 {
        let first = try byte()
        var mask: UInt8 = 0x80
        var value: UInt64 = 0
        for index in 0..<8 {
            guard first & mask != 0 else {
                return value | (UInt64(first & (mask &- 1)) << (8 * index))
            }
            value |= UInt64(try byte()) << (8 * index)
            mask >>= 1
        }
        return value
    }

    /// A number that is a count or size of something in the header: at most `limit`, else an error
    /// naming `what`.
    mutating func count(atMost limit: Int, _ what: String) throws(SevenZipHeaderError) -> Int {
        let start = position
        let value = try number()
        guard value <= UInt64(max(limit, 0)) else { throw failure("\(what) is \(value), more than \(limit)", at: start) }
        return Int(value)
    }

    /// A count of entries libarchive allocates for (packed streams, folders, unpacked streams,
    /// files): at most ``maxEntries`` (a limit) and, when `boundedByHeader`, at most the bytes left
    /// in the header (when each entry takes at least one byte of it).
    mutating func entries(_ what: String, boundedByHeader: Bool = true) throws(SevenZipHeaderError) -> Int {
        let start = position
        let value = try number()
        guard value <= UInt64(maxEntries) else {
            throw SevenZipHeaderError(
                offset: start, reason: "\(what) is \(value), more than the \(maxEntries) rdpcause reads from one 7-Zip archive",
                isLimit: true)
        }
        guard !boundedByHeader || value <= UInt64(remaining) else { throw failure("\(what) is \(value), more than the header can hold", at: start) }
        return Int(value)
    }

    /// A number that is a size or position in the file: at most `Int64.max`.
    mutating func size(_ what: String) throws(SevenZipHeaderError) -> UInt64 {
        let start = position
        let value = try number()
        guard value <= UInt64(Int64.max) else { throw failure("\(what) \(value) is out of range", at: start) }
        return value
    }

    /// A little-endian 32-bit value (a CRC).
    mutating func uint32() throws(SevenZipHeaderError) -> UInt32 {
        let slice = try take(4)
        return slice.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// The next `count` bytes.
    mutating func take(_ count: Int) throws(SevenZipHeaderError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else { throw truncated() }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    /// Passes over `count` bytes.
    mutating func skip(_ count: UInt64) throws(SevenZipHeaderError) {
        guard count <= UInt64(remaining) else { throw truncated() }
        position += Int(count)
    }

    /// An error at `offset` (default: the current position).
    func failure(_ reason: String, at offset: Int? = nil) -> SevenZipHeaderError {
        SevenZipHeaderError(offset: offset ?? position, reason: reason)
    }

    private func truncated() -> SevenZipHeaderError {
        SevenZipHeaderError(offset: bytes.count, reason: "the header ends in the middle of a field", isTruncation: true)
    }
}
