import PropertyBased
import Testing

@testable import SigmaKit

/// The shortcuts of the matching engine's hot path give the answers of the plain comparisons they
/// stand in for, on random names and patterns drawn from characters chosen to trip them: spaces,
/// case, non-ASCII letters, the Kelvin sign (canonically equivalent to `K`), and a decomposed `é`.
struct MatchingShortcutTests {
    static let nameCharacters: [Character] = [
        "a", "A", "k", "K", "\u{212A}", " ", "e", "é", "e\u{301}", "É", "İ", "i", "_", "1",
    ]
    /// Names as indices into ``nameCharacters`` (turned into text by ``text(_:_:)``).
    static let names = Gen.int(in: 0...(nameCharacters.count - 1)).array(of: 0...5)

    /// The string of the characters of `alphabet` at `indices`.
    static func text(_ indices: [Int], _ alphabet: [Character]) -> String {
        String(indices.map { alphabet[$0] })
    }

    @Test func payloadNameEqualsAgreesWithStringEquality() async {
        await propertyCheck(count: 3000, input: Self.names, Self.names) { rule, event in
            let ruleName = Self.text(rule, Self.nameCharacters)
            let eventName = Self.text(event, Self.nameCharacters)
            #expect(PayloadName(ruleName).equals(eventName) == (ruleName == eventName), "\(ruleName) vs \(eventName)")
        }
    }

    @Test func payloadNameLooseComparisonAgreesWithFoldingBothSides() async {
        await propertyCheck(count: 3000, input: Self.names, Self.names) { rule, event in
            let ruleName = Self.text(rule, Self.nameCharacters)
            let eventName = Self.text(event, Self.nameCharacters)
            func folded(_ text: String) -> [UInt8] {
                text.utf8.filter { $0 != 0x20 }.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
            }
            let expected = folded(ruleName) == folded(eventName)
            #expect(PayloadName(ruleName).looselyEquals(eventName) == expected, "\(ruleName) vs \(eventName)")
        }
    }

    @Test func thePairsTheShortcutsMustNotSplitAreStillEqual() {
        // A first-byte or length shortcut on bytes alone would call these different.
        #expect(PayloadName("K").equals("\u{212A}"))
        #expect(PayloadName("\u{212A}").equals("K"))
        #expect(PayloadName("é").equals("e\u{301}"))
        #expect(PayloadName("Threat Name").looselyEquals("ThreatName"))
        #expect(PayloadName("ThreatName").looselyEquals("Threat Name"))
        #expect(!PayloadName("ThreatName").looselyEquals("ThreatNam"))
    }

    static let patternCharacters: [Character] = ["a", "Z", " ", "*", "?", "\\", "é", "É", "İ", "\u{212A}", "ß", "Σ", "x"]

    @Test func patternBytesAreTheRunLoweredTextOfTheirString() async {
        let texts = Gen.int(in: 0...(Self.patternCharacters.count - 1)).array(of: 0...8)
        await propertyCheck(count: 2000, input: texts, Gen.bool) { indices, caseSensitive in
            let text = Self.text(indices, Self.patternCharacters)
            let string = SigmaString(parsing: text)
            let pattern = StringPattern(string, caseSensitive: caseSensitive)
            // The former construction: each run of scalars lowered as one string.
            var expected: [UInt8] = []
            var run = String.UnicodeScalarView()
            // Appends the pending run of scalars, lowered unless case-sensitive (nothing when empty).
            func flush() {
                if !run.isEmpty {
                    expected += (caseSensitive ? String(run) : unicodeLowered(String(run))).utf8
                    run.removeAll()
                }
            }
            for element in string.elements {
                switch element {
                case .scalar(let scalar): run.append(scalar)
                case .anyString:
                    flush()
                    if expected.last != StringPattern.anyStringMarker { expected.append(StringPattern.anyStringMarker) }
                case .anyCharacter:
                    flush()
                    expected.append(StringPattern.anyCharacterMarker)
                }
            }
            flush()
            let stored = pattern.bytes
            // The stored bytes drop the wildcards that the shape stands for.
            switch pattern.shape {
            case .exact, .glob: #expect(stored == expected, "\(text)")
            case .prefix: #expect(stored + [StringPattern.anyStringMarker] == expected, "\(text)")
            case .suffix: #expect([StringPattern.anyStringMarker] + stored == expected, "\(text)")
            case .contains:
                #expect([StringPattern.anyStringMarker] + stored + [StringPattern.anyStringMarker] == expected, "\(text)")
            case .anything: #expect(expected == [StringPattern.anyStringMarker], "\(text)")
            }
        }
    }
}
