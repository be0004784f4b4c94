#if canImport(Glibc)
    import Glibc
#endif

/// Recognizes the start of a record's tag in raw text, where reading resumes after damage:
/// `<Event` or `<Events` followed by whitespace, `>` or `/`, with or without a namespace prefix
/// (`<e:Event`).
enum EventStartTag {
    /// Whether the bytes at an index start such a tag.
    enum Match: Equatable {
        case match, noMatch
        /// The bytes end before the answer is known.
        case needMore
    }

    /// Longest prefix looked at; a longer one is not taken for a record's prefix.
    static let maxPrefixLength = 64

    /// Whether `bytes[index...]`, which starts with `<`, starts an event tag.
    static func match(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Match {
        let end = bytes.count
        var cursor = index + 1
        // An optional prefix: name characters, then a colon.
        var probe = cursor
        while probe < end && probe - cursor < maxPrefixLength && isPrefixByte(bytes[probe]) { probe += 1 }
        if probe == end { return .needMore }
        if bytes[probe] == UInt8(ascii: ":") && probe > cursor { cursor = probe + 1 }
        for expected in "Event".utf8 {
            if cursor == end { return .needMore }
            if bytes[cursor] != expected { return .noMatch }
            cursor += 1
        }
        if cursor == end { return .needMore }
        if bytes[cursor] == UInt8(ascii: "s") {
            cursor += 1
            if cursor == end { return .needMore }
        }
        let after = bytes[cursor]
        return after == UInt8(ascii: ">") || after == UInt8(ascii: "/") || isXMLWhitespace(after) ? .match : .noMatch
    }

    /// The index of the next `<` in `bytes` at or after `start` (one `memchr`), or `bytes.count`.
    static func nextOpening(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = bytes.baseAddress, start < bytes.count,
            let found = memchr(base + start, Int32(UInt8(ascii: "<")), bytes.count - start)
        else { return bytes.count }
        return UnsafeRawPointer(found) - UnsafeRawPointer(base)
    }

    /// ASCII letters, digits, `-`, `_` and `.`: what real namespace prefixes are made of.
    private static func isPrefixByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }
}
