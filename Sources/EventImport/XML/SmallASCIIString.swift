/// Builds short ASCII strings straight in Swift's small-string form, without `String(decoding:)`.
///
/// A `String` of at most 15 UTF-8 bytes is stored inline in its two words: the bytes in order
/// (little-endian), then a top byte of flags and count (`0xE0 | count` for ASCII: immortal, ASCII,
/// small). Most names and values in an event record are that short (`param1`, `System`,
/// `stopped`, `4624`): in the benchmark's input, three values in four and most names.
/// `String(decoding:as:)` spends about 180 instructions on each (validation, the repair check,
/// forming the small string), `String(unsafeUninitializedCapacity:initializingUTF8With:)` about
/// 110, an interner lookup about 110; this about 40. The form is the standard library's
/// (`StringObject.swift`, frozen on Apple platforms and the same on Linux), and it is checked once
/// per process before it is used (``isAvailable``): where it does not hold, every string goes
/// through `String(decoding:as:)` and the interner as before.
enum SmallASCIIString {
    /// The longest text a small string holds.
    static let capacity = 15

    /// True when a string built here has the same bits as `String(decoding:as:)`'s for every
    /// length, checked once per process; false disables the fast path.
    static let isAvailable: Bool = {
        guard MemoryLayout<String>.size == 16 else { return false }
        let sample = Array("abcdefghijklmno".utf8)
        for count in 0...capacity {
            // The words are compared before any `String` is made of them: where the form differs,
            // such a string could not even be released safely.
            let expected = unsafeBitCast(String(decoding: sample[0..<count], as: UTF8.self), to: (UInt64, UInt64).self)
            let built = sample.withUnsafeBufferPointer { words(UnsafeBufferPointer(rebasing: $0[0..<count])) }
            guard let built, built == expected else { return false }
        }
        return true
    }()

    /// The string for `bytes` when they are at most ``capacity`` ASCII bytes (nil otherwise).
    /// Callers test ``isAvailable`` first (once, not per string).
    @inline(__always)
    static func make(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard var words = words(bytes) else { return nil }
        // Moved out, not copied: a copy would retain it (a call into the runtime, which does
        // nothing for a small string); a small string holds no reference that needs one.
        return withUnsafeMutablePointer(to: &words) { $0.withMemoryRebound(to: String.self, capacity: 1) { $0.move() } }
    }

    /// The two words of the small string holding `bytes`, when they are at most ``capacity``
    /// ASCII bytes (nil otherwise).
    @inline(__always)
    static func words(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64)? {
        let count = bytes.count
        guard count <= capacity else { return nil }
        guard let base = bytes.baseAddress else { return (0, 0xE0 << 56) }
        let raw = UnsafeRawPointer(base)
        var low: UInt64 = 0
        var high: UInt64 = 0
        // Every byte loaded lies inside `bytes`: loads that overlap put the same byte in the same place.
        if count > 8 {
            low = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
            high = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)) >> UInt64(8 * (16 - count))
        } else if count >= 4 {
            let first = UInt64(UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self)))
            let last = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)))
            low = first | last << UInt64(8 * (count - 4))
        } else {
            for index in 0..<count { low |= UInt64(bytes[index]) << UInt64(8 * index) }
        }
        guard (low | high) & 0x8080_8080_8080_8080 == 0 else { return nil }
        return (low, high | UInt64(0xE0 | count) << 56)
    }
}
