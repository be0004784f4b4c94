@testable import EventImport
import Foundation
import TestSupport
import Testing

/// The NDJSON writer writes straight into bytes; these tests hold it to the text of the writer it
/// replaced, which built the same JSON through `Array` appends and `String` values (commit 9a7c1c9):
/// the expected texts below were printed by that implementation.
@Suite("NDJSON output bytes")
struct NDJSONOutputTests {
    /// Hard values and the JSON string the previous writer made of each.
    static let strings: [(value: String, json: String)] = [
        ("",
         "\"\""),
        ("plain ASCII text",
         "\"plain ASCII text\""),
        ("He said \"hi\" \\ bye",
         "\"He said \\\"hi\\\" \\\\ bye\""),
        (String(decoding: (0..<0x20).map { UInt8($0) } + [0x7F], as: UTF8.self),
         "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\u0008\\t\\n\\u000b\\u000c\\r\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\\u007f\""),
        ("line\nfeed\r\ncarriage\ttab",
         "\"line\\nfeed\\r\\ncarriage\\ttab\""),
        ("<script>alert(1)</script><!-- -->",
         "\"\\u003cscript>alert(1)\\u003c/script>\\u003c!-- -->\""),
        ("\u{80}\u{85}\u{9B}\u{9F}\u{A0}\u{BF}\u{C0}",
         "\"\\u0080\\u0085\\u009b\\u009f\u{A0}\u{BF}\u{C0}\""),
        ("\u{600}\u{61B}\u{61C}\u{61D}\u{63F}\u{640}",
         "\"\u{600}\u{61B}\\u061c\u{61D}\u{63F}\u{640}\""),
        ("\u{2000}\u{200A}\u{200B}\u{200C}\u{200D}\u{200E}\u{200F}\u{2010}\u{2027}\u{2028}\u{2029}\u{202A}\u{202B}\u{202C}\u{202D}\u{202E}\u{202F}",
         "\"\u{2000}\u{200A}\\u200b\\u200c\\u200d\\u200e\\u200f\u{2010}\u{2027}\\u2028\\u2029\\u202a\\u202b\\u202c\\u202d\\u202e\u{202F}\""),
        ("\u{205F}\u{2060}\u{2061}\u{2062}\u{2063}\u{2064}\u{2065}\u{2066}\u{2067}\u{2068}\u{2069}\u{206A}\u{206F}\u{2070}\u{20AC}\u{212A}\u{2FFF}",
         "\"\u{205F}\\u2060\\u2061\\u2062\\u2063\\u2064\u{2065}\\u2066\\u2067\\u2068\\u2069\\u206a\\u206f\u{2070}\u{20AC}\u{212A}\u{2FFF}\""),
        ("\u{F000}\u{FE0F}\u{FEFE}\u{FEFF}\u{FF00}\u{FF21}\u{FFF8}\u{FFF9}\u{FFFA}\u{FFFB}\u{FFFC}\u{FFFD}\u{FFFF}",
         "\"\u{F000}\u{FE0F}\u{FEFE}\\ufeff\u{FF00}\u{FF21}\u{FFF8}\\ufff9\\ufffa\\ufffb\u{FFFC}\u{FFFD}\u{FFFF}\""),
        ("\u{1F600} \u{10000} \u{E0001} \u{10FFFF} \u{1D11E}",
         "\"\u{1F600} \u{10000} \u{E0001} \u{10FFFF} \u{1D11E}\""),
        (String(decoding: [0x41, 0xFF, 0xC3, 0x28, 0xED, 0xA0, 0x80, 0xF0, 0x9F, 0x98, 0x42, 0xC2], as: UTF8.self),
         "\"A\u{FFFD}\u{FFFD}(\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}B\u{FFFD}\""),
        ("\u{1B}]8;;http://evil.example/\u{07}click\u{1B}]8;;\u{07}\u{1B}[2J\u{1B}[31mred\u{9B}0m",
         "\"\\u001b]8;;http://evil.example/\\u0007click\\u001b]8;;\\u0007\\u001b[2J\\u001b[31mred\\u009b0m\""),
        ("report\u{202E}fdp.exe",
         "\"report\\u202efdp.exe\""),
        ("e\u{301} \u{E9} caf\u{E9} \u{3B1}\u{3B2}\u{3B3} \u{FC}n\u{EF}c\u{F6}d\u{E9} \u{4E2D}\u{6587} \u{5E2}\u{5D1}\u{5E8}\u{5D9}\u{5EA}",
         "\"e\u{301} \u{E9} caf\u{E9} \u{3B1}\u{3B2}\u{3B3} \u{FC}n\u{EF}c\u{F6}d\u{E9} \u{4E2D}\u{6587} \u{5E2}\u{5D1}\u{5E8}\u{5D9}\u{5EA}\""),
        ("1234567",
         "\"1234567\""),
        ("12345678",
         "\"12345678\""),
        ("123456789",
         "\"123456789\""),
        ("1234567\"",
         "\"1234567\\\"\""),
        ("12345678\\",
         "\"12345678\\\\\""),
        ("abcdefgh<ijklmnop\u{7F}qrstuvwx\u{1F}yz",
         "\"abcdefgh\\u003cijklmnop\\u007fqrstuvwx\\u001fyz\""),
        ("abcdefghijklmno\u{85}pqrstuvwxyz0123\u{2028}456789ABCDEFGHIJ\u{FEFF}",
         "\"abcdefghijklmno\\u0085pqrstuvwxyz0123\\u2028456789ABCDEFGHIJ\\ufeff\""),
        (String(repeating: "0123456789abcdef", count: 20) + "\"" + String(repeating: "x", count: 63) + "\u{1}",
         "\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\\\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\\u0001\""),
        ("C:\\Windows\\System32\\svchost.exe -k netsvcs -p -s TermService",
         "\"C:\\\\Windows\\\\System32\\\\svchost.exe -k netsvcs -p -s TermService\""),
        ("{\"json\":[1,2,{\"in\":\"a value\"}]}",
         "\"{\\\"json\\\":[1,2,{\\\"in\\\":\\\"a value\\\"}]}\""),
        ("\u{0}",
         "\"\\u0000\""),
        ("\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}",
         "\"\\u007f\\u007f\\u007f\\u007f\\u007f\\u007f\\u007f\\u007f\\u007f\""),
    ]

    @Test func hardStringsAreWrittenAsBefore() {
        for (value, expected) in Self.strings {
            var json = JSONWriter()
            json.string(value)
            #expect(json.text == expected, "value \(value.unicodeScalars.map { String($0.value, radix: 16) })")
            let decoded = try? JSONSerialization.jsonObject(with: Data(json.bytes), options: .fragmentsAllowed) as? String
            #expect(decoded == value, "the JSON reads back as the value")
        }
    }

    @Test func eventWithHardValuesIsWrittenAsBefore() {
        let expected = "{\"time\":\"2026-06-12T03:22:47.8901234Z\",\"computer\":\"\\u001b]8;;http://evil.example/\\u0007click\\u001b]8;;\\u0007\\u001b[2J\\u001b[31mred\\u009b0m\",\"channel\":\"report\\u202efdp.exe\",\"provider\":\"\\u003cscript>alert(1)\\u003c/script>\\u003c!-- -->\",\"eventId\":4294967295,\"recordId\":18446744073709551615,\"level\":0,\"qualifiers\":65535,\"version\":255,\"task\":12544,\"opcode\":0,\"keywords\":\"0x8020000000000000\",\"activityId\":\"\u{600}\u{61B}\\u061c\u{61D}\u{63F}\u{640}\",\"processId\":0,\"threadId\":4294967295,\"userId\":\"S-1-5-18\",\"providerGuid\":\"{54849625-5478-4994-A5BA-3E3B0328C30D}\",\"eventSourceName\":\"\\u0080\\u0085\\u009b\\u009f\u{A0}\u{BF}\u{C0}\",\"eventDataName\":\"1234567\",\"data\":{\"Data[1]\":\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\u0008\\t\\n\\u000b\\u000c\\r\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\\u007f\",\"Data[1]#2\":\"\u{2000}\u{200A}\\u200b\\u200c\\u200d\\u200e\\u200f\u{2010}\u{2027}\\u2028\\u2029\\u202a\\u202b\\u202c\\u202d\\u202e\u{202F}\",\"Data[2]\":\"A\u{FFFD}\u{FFFD}(\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}B\u{FFFD}\",\"Na\\u202eme\\\"\\u003c\":\"\u{1F600} \u{10000} \u{E0001} \u{10FFFF} \u{1D11E}\",\"Na\\u202eme\\\"\\u003c#2\":\"\u{205F}\\u2060\\u2061\\u2062\\u2063\\u2064\u{2065}\\u2066\\u2067\\u2068\\u2069\\u206a\\u206f\u{2070}\u{20AC}\u{212A}\u{2FFF}\",\"A#2\":\"\",\"A\":\"\u{F000}\u{FE0F}\u{FEFE}\\ufeff\u{FF00}\u{FF21}\u{FFF8}\\ufff9\\ufffa\\ufffb\u{FFFC}\u{FFFD}\u{FFFF}\",\"A#3\":\"e\u{301} \u{E9} caf\u{E9} \u{3B1}\u{3B2}\u{3B3} \u{FC}n\u{EF}c\u{F6}d\u{E9} \u{4E2D}\u{6587} \u{5E2}\u{5D1}\u{5E8}\u{5D9}\u{5EA}\",\"A#4\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\\\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\\u0001\"},\"binary\":\"00FF\\u0000\",\"rendering\":{\"culture\":\"en-US\",\"message\":\"\\u001b]8;;http://evil.example/\\u0007click\\u001b]8;;\\u0007\\u001b[2J\\u001b[31mred\\u009b0mabcdefgh\\u003cijklmnop\\u007fqrstuvwx\\u001fyz\",\"level\":\"line\\nfeed\\r\\ncarriage\\ttab\",\"task\":\"\",\"opcode\":\"\",\"channel\":\"\",\"provider\":\"\",\"keywords\":[\"\",\"abcdefghijklmno\\u0085pqrstuvwxyz0123\\u2028456789ABCDEFGHIJ\\ufeff\",\"\u{1F600} \u{10000} \u{E0001} \u{10FFFF} \u{1D11E}\"]},\"origin\":{\"source\":\"dir\\u001b[31m/\\u2028file \\\"x\\\".xml\",\"line\":9223372036854775807,\"offset\":-1}}\u{A}"
        #expect(String(decoding: NDJSON.line(for: Self.trickyEvent()), as: UTF8.self) == expected)
        // The streaming path of `rdpcause events`, through a buffer that starts small and grows.
        var json = JSONWriter(capacity: 16)
        NDJSON.write(Self.trickyEvent(), to: &json)
        json.newline()
        #expect(json.text == expected)
    }

    /// Every string of scalars drawn from the characters the writer treats specially, against the
    /// rule the previous writer followed scalar by scalar.
    @Test func randomStringsFollowTheEscapingRule() {
        let alphabet: [Unicode.Scalar] = [
            "a", "Z", "0", " ", "\"", "\\", "<", ">", "/", "\n", "\r", "\t", "\u{0}", "\u{1B}", "\u{1F}", "\u{7F}",
            "\u{80}", "\u{9F}", "\u{A0}", "\u{BF}", "\u{E9}", "\u{600}", "\u{61C}", "\u{63F}", "\u{200B}", "\u{200E}",
            "\u{2010}", "\u{2028}", "\u{202E}", "\u{2060}", "\u{2065}", "\u{206F}", "\u{20AC}", "\u{212A}", "\u{F000}",
            "\u{FEFF}", "\u{FFF9}", "\u{FFFB}", "\u{FFFD}", "\u{1F600}", "\u{10FFFF}", "\u{4E2D}",
        ]
        var generator = SplitMix64(seed: 19)
        for _ in 0..<3000 {
            var value = ""
            for _ in 0..<Int(generator.next() % 40) {
                value.unicodeScalars.append(alphabet[Int(generator.next() % UInt64(alphabet.count))])
            }
            var json = JSONWriter(capacity: 1)
            json.string(value)
            #expect(json.text == Self.referenceEscaped(value), "value \(value.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    @Test func numbersAreWrittenAsTheirDecimalText() {
        var json = JSONWriter()
        let values: [Int64] = [0, 1, 9, 10, 99, 100, -1, -9, -10, 1_234_567_890, .max, .min]
        for value in values {
            json.removeAllBytes()
            json.number(value)
            #expect(json.text == String(value))
        }
        for value: UInt64 in [0, 7, 10, .max, .max - 1] {
            json.removeAllBytes()
            json.number(value)
            #expect(json.text == String(value))
        }
        for value: Int8 in [.min, -1, 0, .max] {
            json.removeAllBytes()
            json.number(value)
            #expect(json.text == String(value))
        }
    }

    /// Times the fast path writes (years 0–9999) and the ones it leaves to the description.
    @Test func timestampsAreWrittenAsTheirDescription() {
        var ticks: [Int64] = [0, 1, -1, .max, .min, 9_999_999, 10_000_000, 17_812_345_678_901_234]
        ticks.append(EventTimestamp(year: 1, month: 1, day: 1)?.ticks ?? 0)
        ticks.append((EventTimestamp(year: 9999, month: 12, day: 31, hour: 23, minute: 59, second: 59)?.ticks ?? 0) + 9_999_999)
        ticks.append((EventTimestamp(year: 9999, month: 12, day: 31, hour: 23, minute: 59, second: 59)?.ticks ?? 0) + 10_000_000)
        ticks.append((EventTimestamp(year: 1, month: 1, day: 1)?.ticks ?? 0) - 1)
        var generator = SplitMix64(seed: 7)
        for _ in 0..<2000 { ticks.append(Int64(bitPattern: generator.next()) / Int64(1 + generator.next() % 1000)) }
        for value in ticks {
            let time = EventTimestamp(ticks: value)
            var json = JSONWriter()
            json.timestamp(time)
            #expect(json.text == "\"\(time.description)\"", "ticks \(value)")
        }
    }

    /// The data keys of events with up to 200 fields drawn from a few names (repeats, crafted
    /// `#n` and `Data[n]` names, canonically equal spellings) and, in half the rounds, from 300
    /// plain ones, against the set-based rule.
    @Test func dataKeysFollowTheSetBasedRule() {
        let names = ["", "A", "A#2", "A#3", "Data[1]", "Data[2]", "Data[1]#2", "K", "\u{212A}", "e\u{301}", "\u{E9}", "B", "Name"]
        var generator = SplitMix64(seed: 11)
        for round in 0..<400 {
            let count = round < 300 ? Int(generator.next() % 30) : Int(generator.next() % 200)
            // Half the rounds also draw from 300 plain names, so that long runs of distinct ASCII
            // keys come before the first repeat.
            let fields = (0..<count).map { _ in
                round % 2 == 1 && generator.next() % 4 != 0
                    ? "N\(generator.next() % 300)" : names[Int(generator.next() % UInt64(names.count))]
            }
            var keys = DataKeys(fields.map { EventField($0, "") })
            var reference = ReferenceDataKeys()
            for name in fields {
                let key = keys.next()?.key
                let expected = reference.next(for: name)
                #expect(key?.utf8.elementsEqual(expected.utf8) == true, "fields \(fields)")
            }
            #expect(keys.next() == nil)
        }
    }

    /// The JSON string the previous writer made of `value`: scalar by scalar, `"`, `\`, line feed,
    /// carriage return and tab as two-character escapes, other C0 controls, DEL, `<` and the
    /// characters a terminal acts on as `\uXXXX`, everything else as it is.
    static func referenceEscaped(_ value: String) -> String {
        var text = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar == "<" || TerminalSafe.isUnsafe(scalar):
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }

    /// An event with every member present and hard values in each (fields with repeated and
    /// crafted names, a path with escapes, extreme numbers).
    static func trickyEvent() -> WinEvent {
        let values = strings.map(\.value)
        var event = WinEvent(
            time: EventTimestamp(ticks: 17_812_345_678_901_234), computer: values[13], channel: values[14],
            provider: values[5], eventID: 4_294_967_295,
            fields: [
                EventField("", values[3]), EventField("Data[1]", values[8]), EventField("", values[12]),
                EventField("Na\u{202E}me\"<", values[11]), EventField("Na\u{202E}me\"<", values[9]), EventField("A#2", ""),
                EventField("A", values[10]), EventField("A", values[15]), EventField("A", values[23]),
            ],
            origin: EventOrigin(source: "dir\u{1B}[31m/\u{2028}file \"x\".xml", line: Int.max, byteOffset: -1))
        event.providerGUID = "{54849625-5478-4994-A5BA-3E3B0328C30D}"
        event.eventSourceName = values[6]
        event.qualifiers = 65_535
        event.version = 255
        event.level = 0
        event.task = 12_544
        event.opcode = 0
        event.keywords = "0x8020000000000000"
        event.recordID = UInt64.max
        event.activityID = values[7]
        event.processID = 0
        event.threadID = 4_294_967_295
        event.userID = "S-1-5-18"
        event.eventDataName = values[16]
        event.binary = "00FF\u{0}"
        var rendering = RenderingInfo()
        rendering.culture = "en-US"
        rendering.message = values[13] + values[21]
        rendering.level = values[4]
        rendering.keywords = [values[0], values[22], values[11]]
        event.rendering = rendering
        return event
    }
}

/// The keys of the `data` object as the previous writer chose them, with a set of strings.
private struct ReferenceDataKeys {
    private var used: Set<String> = []
    private var nextSuffix: [String: Int] = [:]
    private var unnamed = 0

    mutating func next(for name: String) -> String {
        var base = name
        if base.isEmpty {
            unnamed += 1
            base = "Data[\(unnamed)]"
        }
        if used.insert(base).inserted { return base }
        var suffix = nextSuffix[base, default: 2]
        while !used.insert("\(base)#\(suffix)").inserted { suffix += 1 }
        nextSuffix[base] = suffix + 1
        return "\(base)#\(suffix)"
    }
}
