/// A compiled Sigma string pattern, matched against UTF-8 bytes without allocating.
///
/// Patterns are classified once: a literal, a prefix (`abc*`), a suffix (`*abc`), a substring
/// (`*abc*`), "anything" (`*`) or a general wildcard pattern. Case-insensitive patterns are stored
/// pre-lowered and compared by folding the value's ASCII bytes on the fly; only when the value holds
/// non-ASCII bytes and the ASCII pass fails is the value lowered with full Unicode case mapping.
struct StringPattern: Sendable, Hashable {
    /// The shape of the pattern, which picks the comparison.
    enum Shape: Sendable, Hashable {
        case exact
        case prefix
        case suffix
        case contains
        case anything
        case glob
    }

    /// In ``bytes`` of a glob: `*`. Never a byte of valid UTF-8.
    static let anyStringMarker: UInt8 = 0xFF
    /// In ``bytes`` of a glob: `?`. Never a byte of valid UTF-8.
    static let anyCharacterMarker: UInt8 = 0xFE

    let shape: Shape
    /// The literal (exact, prefix, suffix, contains) or the whole pattern with markers (glob);
    /// lowered unless ``caseSensitive``.
    let bytes: [UInt8]
    let caseSensitive: Bool
    /// Whether the pattern is pure ASCII.
    let isASCII: Bool

    init(_ string: SigmaString, caseSensitive: Bool) {
        self.caseSensitive = caseSensitive
        var bytes: [UInt8] = []
        bytes.reserveCapacity(string.elements.count)
        var ascii = true
        // Scalar by scalar, as ``unicodeLowered(_:)`` lowers (ASCII letters folded, others by their
        // lower-case mapping), without building a string per run of scalars.
        for element in string.elements {
            switch element {
            case .scalar(let scalar):
                if scalar.isASCII {
                    bytes.append(foldByte(UInt8(scalar.value), !caseSensitive))
                } else {
                    ascii = false
                    if caseSensitive {
                        bytes.append(contentsOf: String(scalar).utf8)
                    } else {
                        bytes.append(contentsOf: scalar.properties.lowercaseMapping.utf8)
                    }
                }
            case .anyString:
                if bytes.last != Self.anyStringMarker { bytes.append(Self.anyStringMarker) }
            case .anyCharacter:
                bytes.append(Self.anyCharacterMarker)
            }
        }
        isASCII = ascii
        let stars = bytes.lazy.filter { $0 == Self.anyStringMarker }.count
        let questions = bytes.contains(Self.anyCharacterMarker)
        let leading = bytes.first == Self.anyStringMarker
        let trailing = bytes.last == Self.anyStringMarker
        if questions {
            shape = .glob
            self.bytes = bytes
        } else if stars == 0 {
            shape = .exact
            self.bytes = bytes
        } else if bytes.count == 1 {
            shape = .anything
            self.bytes = []
        } else if stars == 1 && trailing {
            shape = .prefix
            self.bytes = Array(bytes.dropLast())
        } else if stars == 1 && leading {
            shape = .suffix
            self.bytes = Array(bytes.dropFirst())
        } else if stars == 2 && leading && trailing {
            shape = .contains
            self.bytes = Array(bytes.dropFirst().dropLast())
        } else {
            shape = .glob
            self.bytes = bytes
        }
    }

    /// Whether `value` matches the pattern.
    @inline(__always)
    func matches(_ value: String) -> Bool {
        if shape == .anything { return true }
        if let result = value.utf8.withContiguousStorageIfAvailable({ matches(bytes: $0) }) { return result }
        var copy = value
        copy.makeContiguousUTF8()
        return copy.utf8.withContiguousStorageIfAvailable { matches(bytes: $0) } ?? false
    }

    /// Whether the UTF-8 bytes of a value match the pattern, without allocating.
    ///
    /// The first pass folds only ASCII letters. Full Unicode lower-casing can change the result only
    /// when the pattern is not ASCII and the value is not ASCII, or when an ASCII pattern meets one
    /// of the two characters that lower-case into ASCII (U+0130 İ and U+212A Kelvin sign); only then
    /// is the value lowered, scalar by scalar, into a temporary (stack) buffer and compared again.
    func matches(bytes value: UnsafeBufferPointer<UInt8>) -> Bool {
        if match(value, foldASCII: !caseSensitive) { return true }
        if caseSensitive { return false }
        if isASCII {
            guard containsASCIILowercasingScalar(value) else { return false }
        } else {
            guard containsNonASCII(value) else { return false }
        }
        return withUnicodeLowered(value) { match($0, foldASCII: false) }
    }

    /// Matches raw bytes; `foldASCII` lowers the value's ASCII letters while comparing.
    func match(_ value: UnsafeBufferPointer<UInt8>, foldASCII: Bool) -> Bool {
        bytes.withUnsafeBufferPointer { pattern in
            switch shape {
            case .anything:
                return true
            case .exact:
                return value.count == pattern.count && equalBytes(value, 0, pattern, foldASCII)
            case .prefix:
                return value.count >= pattern.count && equalBytes(value, 0, pattern, foldASCII)
            case .suffix:
                return value.count >= pattern.count
                    && equalBytes(value, value.count - pattern.count, pattern, foldASCII)
            case .contains:
                return findBytes(value, pattern, foldASCII)
            case .glob:
                return globMatch(value, pattern, foldASCII)
            }
        }
    }
}

// MARK: - Byte comparison

@inline(__always)
func foldByte(_ byte: UInt8, _ fold: Bool) -> UInt8 {
    fold && byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
}

/// Compares `pattern` with `value` starting at `offset` (the caller checks the length).
@inline(__always)
func equalBytes(
    _ value: UnsafeBufferPointer<UInt8>, _ offset: Int, _ pattern: UnsafeBufferPointer<UInt8>, _ fold: Bool
) -> Bool {
    var index = 0
    while index < pattern.count {
        if foldByte(value[offset + index], fold) != pattern[index] { return false }
        index += 1
    }
    return true
}

/// Whether `pattern` occurs in `value`.
func findBytes(_ value: UnsafeBufferPointer<UInt8>, _ pattern: UnsafeBufferPointer<UInt8>, _ fold: Bool) -> Bool {
    let count = pattern.count
    if count == 0 { return true }
    if value.count < count { return false }
    let first = pattern[0]
    let last = value.count - count
    var start = 0
    while start <= last {
        if foldByte(value[start], fold) == first && equalBytes(value, start, pattern, fold) { return true }
        start += 1
    }
    return false
}

/// The length of the UTF-8 sequence that starts with `lead` (1 for stray continuation bytes).
@inline(__always)
func utf8SequenceLength(_ lead: UInt8) -> Int {
    if lead < 0xC0 { return 1 }
    if lead < 0xE0 { return 2 }
    if lead < 0xF0 { return 3 }
    return 4
}

/// Wildcard matching with one remembered `*` (linear for patterns with one star, and without
/// allocation in all cases). `?` consumes one whole UTF-8 sequence.
func globMatch(_ value: UnsafeBufferPointer<UInt8>, _ pattern: UnsafeBufferPointer<UInt8>, _ fold: Bool) -> Bool {
    var p = 0
    var v = 0
    var starPattern = -1
    var starValue = 0
    while v < value.count {
        if p < pattern.count {
            let token = pattern[p]
            if token == StringPattern.anyStringMarker {
                starPattern = p
                starValue = v
                p += 1
                continue
            }
            if token == StringPattern.anyCharacterMarker {
                v += utf8SequenceLength(value[v])
                p += 1
                continue
            }
            if foldByte(value[v], fold) == token {
                p += 1
                v += 1
                continue
            }
        }
        guard starPattern >= 0 else { return false }
        starValue += utf8SequenceLength(value[starValue])
        p = starPattern + 1
        v = starValue
    }
    if v > value.count { return false }
    while p < pattern.count && pattern[p] == StringPattern.anyStringMarker { p += 1 }
    return p == pattern.count
}

/// Whether any byte is outside ASCII, eight bytes at a time.
func containsNonASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = bytes.baseAddress else { return false }
    let raw = UnsafeRawPointer(base)
    var index = 0
    while index + 8 <= bytes.count {
        if raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return true }
        index += 8
    }
    while index < bytes.count {
        if bytes[index] >= 0x80 { return true }
        index += 1
    }
    return false
}

/// Whether any byte is outside ASCII.
func containsNonASCII(_ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBufferPointer { containsNonASCII($0) }
}

/// Lower-cases text scalar by scalar (the same mapping ``withUnicodeLowered(_:_:)`` applies to values).
func unicodeLowered(_ text: String) -> String {
    var result = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
        if scalar.isASCII {
            result.append(Unicode.Scalar(foldByte(UInt8(scalar.value), true)))
        } else {
            result.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
        }
    }
    return String(result)
}

/// Calls `body` with the value lowered scalar by scalar, in a temporary buffer (on the stack for
/// ordinary sizes). Lower-casing adds at most one UTF-8 byte per scalar, so twice the size suffices.
func withUnicodeLowered<Result>(
    _ value: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Result
) -> Result {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: value.count * 2 + 1) { buffer in
        var count = 0
        var iterator = value.makeIterator()
        var decoder = UTF8()
        decoding: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar.isASCII {
                    buffer[count] = foldByte(UInt8(scalar.value), true)
                    count += 1
                } else {
                    for byte in scalar.properties.lowercaseMapping.utf8 where count < buffer.count {
                        buffer[count] = byte
                        count += 1
                    }
                }
            case .emptyInput:
                break decoding
            case .error:
                for byte in "\u{FFFD}".utf8 where count < buffer.count {
                    buffer[count] = byte
                    count += 1
                }
            }
        }
        return body(UnsafeBufferPointer(rebasing: buffer[0..<count]))
    }
}

/// Whether the bytes hold U+0130 (C4 B0) or U+212A (E2 84 AA), the only characters whose lower case
/// contains ASCII letters.
func containsASCIILowercasingScalar(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard containsNonASCII(bytes) else { return false }
    var index = 0
    while index + 1 < bytes.count {
        if bytes[index] == 0xC4 && bytes[index + 1] == 0xB0 { return true }
        if bytes[index] == 0xE2 && index + 2 < bytes.count && bytes[index + 1] == 0x84 && bytes[index + 2] == 0xAA {
            return true
        }
        index += 1
    }
    return false
}
