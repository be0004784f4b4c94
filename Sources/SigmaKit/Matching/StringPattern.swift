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
        var run = String.UnicodeScalarView()
        var ascii = true
        func flush() {
            guard !run.isEmpty else { return }
            let text = String(run)
            bytes.append(contentsOf: (caseSensitive ? text : text.lowercased()).utf8)
            run.removeAll()
        }
        for element in string.elements {
            switch element {
            case .scalar(let scalar):
                if !scalar.isASCII { ascii = false }
                run.append(scalar)
            case .anyString:
                flush()
                if bytes.last != Self.anyStringMarker { bytes.append(Self.anyStringMarker) }
            case .anyCharacter:
                flush()
                bytes.append(Self.anyCharacterMarker)
            }
        }
        flush()
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
        let fold = !caseSensitive
        let result = value.utf8.withContiguousStorageIfAvailable { match($0, foldASCII: fold) }
        if let result {
            if result || caseSensitive { return result }
            let hasNonASCII = value.utf8.withContiguousStorageIfAvailable { containsNonASCII($0) } ?? true
            if !hasNonASCII { return false }
        } else {
            let copy = Array(value.utf8)
            if copy.withUnsafeBufferPointer({ match($0, foldASCII: fold) }) { return true }
            if caseSensitive || !containsNonASCII(copy) { return false }
        }
        // Rare path: the value holds non-ASCII text; compare with full Unicode lower-casing.
        let lowered = value.lowercased()
        return Array(lowered.utf8).withUnsafeBufferPointer { match($0, foldASCII: false) }
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
