/// A Sigma value modifier (specification v2.1, appendix "Modifiers").
enum Modifier: String, Sendable, Hashable, CaseIterable {
    // Generic.
    case all, startswith, endswith, contains, exists, cased, neq
    // String.
    case windash, re, i, m, s
    case base64, base64offset, utf16le, utf16be, utf16, wide
    // Numeric.
    case lt, lte, gt, gte
    // Time.
    case minute, hour, day, week, month, year
    // IP.
    case cidr
    // Specific.
    case expand, fieldref

    /// A hint for names that other tools use or that are easy to mistype.
    static func hint(for name: String) -> String? {
        let lowered = name.lowercased()
        if lowered != name, Modifier(rawValue: lowered) != nil {
            return "modifiers are lower-case: write '\(lowered)'"
        }
        switch lowered {
        case "equalsfield": return "this is a Hayabusa extension; Sigma writes 'fieldref'"
        case "endswithfield": return "this is a Hayabusa extension; Sigma writes 'fieldref|endswith'"
        case "startswithfield": return "this is a Hayabusa extension; Sigma writes 'fieldref|startswith'"
        case "contain", "includes": return "did you mean 'contains'?"
        case "startwith", "beginswith": return "did you mean 'startswith'?"
        case "endwith": return "did you mean 'endswith'?"
        case "regex": return "did you mean 're'?"
        case "base64offsets": return "did you mean 'base64offset'?"
        case "ignorecase", "nocase": return "Sigma matching is case-insensitive by default ('cased' turns it off)"
        default: return nil
        }
    }

    var isPositional: Bool { self == .contains || self == .startswith || self == .endswith }
    var isComparison: Bool { self == .gt || self == .gte || self == .lt || self == .lte }
    var isTimeComponent: Bool { TimeComponent(rawValue: rawValue) != nil }
    var isRegexFlag: Bool { self == .i || self == .m || self == .s }
    var isEncoding: Bool { self == .utf16le || self == .utf16be || self == .utf16 || self == .wide }
}

/// Encodings used by the `base64`, `base64offset` and UTF-16 modifiers.
enum ValueEncoding {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Standard Base64 with `=` padding.
    static func base64(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            output.append(alphabet[Int(chunk >> 18 & 63)])
            output.append(alphabet[Int(chunk >> 12 & 63)])
            output.append(alphabet[Int(chunk >> 6 & 63)])
            output.append(alphabet[Int(chunk & 63)])
            index += 3
        }
        let remaining = bytes.count - index
        if remaining == 1 {
            let chunk = UInt32(bytes[index]) << 16
            output.append(alphabet[Int(chunk >> 18 & 63)])
            output.append(alphabet[Int(chunk >> 12 & 63)])
            output.append(contentsOf: "==".utf8)
        } else if remaining == 2 {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            output.append(alphabet[Int(chunk >> 18 & 63)])
            output.append(alphabet[Int(chunk >> 12 & 63)])
            output.append(alphabet[Int(chunk >> 6 & 63)])
            output.append(UInt8(ascii: "="))
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The three Base64 forms of `bytes` at offsets 0, 1 and 2 of an enclosing string, each cut to
    /// the characters that do not depend on the surrounding bytes (as pySigma's `base64offset`).
    static func base64Offsets(_ bytes: [UInt8]) -> [String] {
        let startOffsets = [0, 2, 3]
        let endTrims = [0, 3, 2]
        var variants: [String] = []
        for shift in 0..<3 {
            let encoded = Array(base64(Array(repeating: 0x20, count: shift) + bytes).utf8)
            let start = startOffsets[shift]
            let end = encoded.count - endTrims[(bytes.count + shift) % 3]
            guard start < end else { continue }
            variants.append(String(decoding: encoded[start..<end], as: UTF8.self))
        }
        return variants
    }

    /// UTF-16 encodings of `text`: little-endian, big-endian, or little-endian with a byte order mark.
    static func utf16(_ text: String, modifier: Modifier) -> [UInt8] {
        var bytes: [UInt8] = modifier == .utf16 ? [0xFF, 0xFE] : []
        for unit in text.utf16 {
            if modifier == .utf16be {
                bytes.append(UInt8(unit >> 8))
                bytes.append(UInt8(unit & 0xFF))
            } else {
                bytes.append(UInt8(unit & 0xFF))
                bytes.append(UInt8(unit >> 8))
            }
        }
        return bytes
    }

    /// The most `windash` variants one value may expand to (six dashes: 5^6).
    static let maxWindashVariants = 15_625

    /// The `windash` variants: each `-` or `/` that starts a word (preceded by a non-word character or
    /// the start, followed by a word character) becomes each of `-`, `/`, en dash, em dash and
    /// horizontal bar, in every combination. Returns `nil` past ``maxWindashVariants``.
    static func windashVariants(_ string: SigmaString) -> [SigmaString]? {
        let positions = windashPositions(string)
        guard windashVariantCount(positions: positions.count) != nil else { return nil }
        var variants: [SigmaString] = [string]
        for position in positions {
            var next: [SigmaString] = []
            next.reserveCapacity(variants.count * windashes.count)
            for variant in variants {
                for dash in windashes {
                    var copy = variant.elements
                    copy[position] = .scalar(dash)
                    next.append(SigmaString(elements: copy))
                }
            }
            variants = next
        }
        return variants
    }

    /// How many variants ``windashVariants(_:)`` makes of `string`, or `nil` past ``maxWindashVariants``.
    static func windashVariantCount(_ string: SigmaString) -> Int? {
        windashVariantCount(positions: windashPositions(string).count)
    }

    private static func windashVariantCount(positions: Int) -> Int? {
        var total = 1
        for _ in 0..<positions {
            total *= windashes.count
            if total > maxWindashVariants { return nil }
        }
        return total
    }

    /// The dashes `windash` puts at each position.
    private static let windashes: [Unicode.Scalar] = ["-", "/", "\u{2013}", "\u{2014}", "\u{2015}"]

    /// The positions of the dashes and slashes that start a word.
    private static func windashPositions(_ string: SigmaString) -> [Int] {
        func isWord(_ element: SigmaString.Element) -> Bool {
            guard case .scalar(let scalar) = element else { return false }
            return scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
        }
        let elements = string.elements
        var positions: [Int] = []
        for (index, element) in elements.enumerated() {
            guard case .scalar(let scalar) = element, scalar == "-" || scalar == "/" else { continue }
            let previousIsWord = index > 0 && isWord(elements[index - 1])
            let nextIsWord = index + 1 < elements.count && isWord(elements[index + 1])
            if !previousIsWord && nextIsWord { positions.append(index) }
        }
        return positions
    }
}
