/// Text from the input as it may appear inside a diagnostic message: input is untrusted and
/// diagnostics go to terminals and logs, so only printable ASCII is kept as is and the length is bounded.
enum DiagnosticText {
    /// `text` with every character outside printable ASCII written as `\u{…}`, cut to
    /// `maxCharacters` characters (with `…` when cut).
    static func printable(_ text: String, maxCharacters: Int = 64) -> String {
        var result = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == maxCharacters {
                result += "…"
                break
            }
            if scalar.value >= 0x20 && scalar.value < 0x7F {
                result.unicodeScalars.append(scalar)
            } else {
                result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            }
            count += 1
        }
        return result
    }

    /// The bytes as UTF-8 text, made printable as ``printable(_:maxCharacters:)`` does.
    static func printable<Bytes: Collection<UInt8>>(bytes: Bytes, maxCharacters: Int = 64) -> String {
        printable(String(decoding: bytes.prefix(4 * maxCharacters), as: UTF8.self), maxCharacters: maxCharacters)
    }
}

/// `bytes.count` cut to at most `maxCount`, and further so that it does not end inside a UTF-8
/// sequence: text cut at a byte limit stays valid UTF-8.
func utf8CutLength(_ bytes: UnsafeBufferPointer<UInt8>, maxCount: Int) -> Int {
    let count = min(bytes.count, maxCount)
    var start = count
    // The last character starts at the last byte that is not a continuation byte (10xxxxxx).
    while start > 0 && count - start < 4 {
        start -= 1
        let byte = bytes[start]
        guard byte & 0xC0 == 0x80 else {
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            return count - start >= length ? count : start
        }
    }
    return count
}
