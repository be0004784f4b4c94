public import Foundation

/// Checks that text meant for a terminal or a log holds nothing a terminal would act on.
///
/// Written independently of the sanitizer under test, from the list of what terminals interpret:
/// C0 controls other than tab and line feed (ESC starts CSI/OSC sequences, BEL ends OSC-8 links,
/// CR and backspace overwrite what was printed), DEL, C1 controls (U+0080–U+009F: CSI, OSC and ST
/// as single characters), and the bidirectional controls that reorder what is displayed.
public enum TerminalBytes {
    /// The Unicode bidirectional formatting characters (marks, embeddings, overrides, isolates).
    public static let bidiControls: Set<UInt32> = [
        0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069,
    ]

    /// Descriptions (`U+001B at byte 12`) of every character in `data` that a terminal would act
    /// on; empty when the output is safe. Tab and line feed are allowed (tables and lines).
    public static func unsafeCharacters(in data: Data) -> [String] {
        var found: [String] = []
        let text = String(decoding: data, as: UTF8.self)
        var offset = 0
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let isC0 = value < 0x20 && value != 0x09 && value != 0x0A
            if isC0 || value == 0x7F || (0x80...0x9F).contains(value) || bidiControls.contains(value) {
                found.append("U+\(String(value, radix: 16, uppercase: true)) at byte \(offset)")
            }
            offset += String(scalar).utf8.count
        }
        return found
    }
}
