import Testing
import TestSupport

@testable import Reports

/// Text with nothing to escape is returned as it is, without the scalar-by-scalar pass: the
/// shortcut must give exactly what that pass gives, for any text.
@Suite struct PlainTextShortcutTests {
    /// Pieces that exercise every rule: what is always escaped, what is escaped only in context
    /// (`_` inside or outside a word, `://`, `www.`, block markers at the start of a line), and
    /// non-ASCII letters (the Kelvin sign lower-cases to `k`).
    static let pieces = [
        "a", "Z", "7", " ", ".", ":", "/", "_", "\\", "<", ">", "&", "\"", "'", "`", "*", "[", "]", "#", "|", "~", "$",
        "-", "+", "=", "1.", "2)", "www", "WwW", "w", "é", "ẇ", "\u{212A}", "日本", "://", "http", "rdp_client", "C:\\Users",
    ]

    static func texts(count: Int) -> [String] {
        var generator = SplitMix64(seed: 0x5EED_0F_7E47)
        return (0..<count).map { _ in
            let length = Int.random(in: 0...8, using: &generator)
            return (0..<length).map { _ in pieces.randomElement(using: &generator) ?? "" }.joined()
        }
    }

    @Test func markdownShortcutGivesWhatEscapingGives() {
        var plain = 0
        for text in Self.texts(count: 20_000) {
            for atLineStart in [true, false] {
                let escaped = MarkdownText.escapeScalars(text, atLineStart: atLineStart)
                if MarkdownText.needsNoEscape(text, atLineStart: atLineStart) {
                    plain += 1
                    #expect(escaped == text, "\(text.debugDescription) at line start: \(atLineStart)")
                }
                let clean = Sanitizer.clean(text)
                #expect(
                    MarkdownText.escape(text, atLineStart: atLineStart) == MarkdownText.escapeScalars(clean, atLineStart: atLineStart))
            }
        }
        // Both paths are exercised.
        #expect(plain > 1_000)
        #expect(plain < 39_000)
    }

    @Test func sentencesAndPathsTakeTheShortcutOnlyWhenNothingNeedsEscaping() {
        #expect(MarkdownText.needsNoEscape("Collect the host's System log (wevtutil epl System).", atLineStart: true))
        #expect(MarkdownText.needsNoEscape("Déjà vu, 3389/tcp: blocked.", atLineStart: true))
        #expect(!MarkdownText.needsNoEscape("see www.example.com", atLineStart: false))
        #expect(!MarkdownText.needsNoEscape("https://example.com", atLineStart: false))
        #expect(!MarkdownText.needsNoEscape("1. first", atLineStart: true))
        #expect(MarkdownText.needsNoEscape("1. first", atLineStart: false))
        #expect(!MarkdownText.needsNoEscape("C:\\Windows", atLineStart: false))
    }

    @Test func htmlShortcutGivesWhatEscapingGives() {
        var plain = 0
        for text in Self.texts(count: 5_000) {
            let escaped = HTMLText.escapeScalars(text)
            if escaped == text { plain += 1 }
            #expect(HTMLText.escapeClean(text) == escaped, "\(text.debugDescription)")
        }
        #expect(HTMLText.escapeScalars("a<b & 'c' \"d\">") == "a&lt;b &amp; &#39;c&#39; &quot;d&quot;&gt;")
        #expect(plain > 100)
    }
}
