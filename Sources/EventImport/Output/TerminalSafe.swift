/// Makes untrusted text safe to print on a terminal or to write into a log line.
///
/// Event content, file and archive member names, rule titles and ticket-system answers come from
/// strangers, and a terminal acts on some characters instead of showing them: ESC starts CSI and
/// OSC sequences (colours, cursor moves, window titles, OSC-8 hyperlinks), BEL ends an OSC, CR and
/// backspace overwrite what was printed, the C1 controls (U+0080–U+009F) are one-character CSI, OSC
/// and ST on many terminals, bidirectional formatting characters reorder what is displayed (so
/// `report‮fdp.exe` reads as `reportexe.pdf`), and invisible format characters hide text. Every
/// such character is shown as a visible escape such as `\u{1b}`.
///
/// Every human-readable output goes through ``line(_:lineBreaks:)``: the text report, the hunt
/// table, diagnostics, log lines, summaries and quarantine reasons. (HTML, Markdown and JSON
/// escape for their own syntax and use the same character set.)
public enum TerminalSafe {
    /// What becomes of line feed, carriage return, tab and the Unicode line separators.
    public enum LineBreaks: Sendable {
        /// Shown as `\n`, `\r`, `\t` (and `\u{85}`, `\u{2028}`, `\u{2029}`), so that a name holding a
        /// newline cannot start a forged line of its own.
        case escaped
        /// Replaced by a space (for prose in reports, where the text is then re-flowed).
        case spaces
    }

    /// `text` as one line with every character a terminal would act on shown as a visible escape.
    /// Text that needs nothing (the usual case) is returned as is, without copying.
    public static func line(_ text: String, lineBreaks: LineBreaks = .escaped) -> String {
        guard needsWork(text) else { return text }
        var output = ""
        output.unicodeScalars.reserveCapacity(text.unicodeScalars.count + 16)
        for scalar in text.unicodeScalars {
            if isLineBreak(scalar) {
                switch (lineBreaks, scalar) {
                case (.spaces, _): output.unicodeScalars.append(" ")
                case (.escaped, "\n"): output += "\\n"
                case (.escaped, "\r"): output += "\\r"
                case (.escaped, "\t"): output += "\\t"
                case (.escaped, _): output += escape(scalar)
                }
            } else if isUnsafe(scalar) {
                output += escape(scalar)
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    /// Whether a terminal acts on `scalar` or hides it: C0 controls (including line breaks and
    /// tab), DEL, C1 controls, bidirectional formatting characters and invisible format characters
    /// (zero-width space and joiners, word joiner and invisible operators, BOM, interlinear
    /// annotation controls).
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00..<0x20, 0x7F, 0x80..<0xA0: true
        case 0x061C, 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x2064, 0x2066...0x206F: true
        case 0xFEFF, 0xFFF9...0xFFFB: true
        default: false
        }
    }

    private static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }

    private static func escape(_ scalar: Unicode.Scalar) -> String {
        "\\u{\(String(scalar.value, radix: 16))}"
    }

    /// Whether any character must be replaced; printable ASCII is checked byte by byte.
    private static func needsWork(_ text: String) -> Bool {
        var ascii = true
        for byte in text.utf8 {
            if byte < 0x20 || byte == 0x7F { return true }
            if byte >= 0x80 { ascii = false }
        }
        return !ascii && text.unicodeScalars.contains(where: isUnsafe)
    }
}
