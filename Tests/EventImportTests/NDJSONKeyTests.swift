import EventImport
import Foundation
import Testing

/// Every `data` key of an NDJSON event is unique, so no crafted field can shadow another.
@Suite("NDJSON data keys")
struct NDJSONKeyTests {
    /// The `data` object of the NDJSON line of a record holding these `Data` elements (nil name: unnamed).
    static func dataObject(_ fields: [(name: String?, value: String)]) throws -> (text: String, parsed: [String: String]) {
        let data = fields.map { field in
            field.name.map { "<Data Name='\($0)'>\(field.value)</Data>" } ?? "<Data>\(field.value)</Data>"
        }.joined()
        let record =
            "<Event xmlns='\(Fixtures.ns)'><System><Provider Name='P'/><EventID>1</EventID>"
            + "<TimeCreated SystemTime='2026-06-12T19:41:51Z'/></System><EventData>\(data)</EventData></Event>"
        let result = importBytes(Array(record.utf8))
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let event = try #require(result.events.first)
        #expect(event.fields.count == fields.count)
        let line = String(decoding: NDJSON.line(for: event), as: UTF8.self)
        let start = try #require(line.range(of: "\"data\":{"))
        let end = try #require(line[start.upperBound...].firstIndex(of: "}"))
        let text = String(line[start.lowerBound...end])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let parsed = try #require(object["data"] as? [String: String])
        #expect(parsed.count == fields.count, "one key per field: \(text)")
        return (text, parsed)
    }

    @Test func namedDataSpelledLikeAnUnnamedKeyDoesNotCollide() throws {
        let (text, _) = try Self.dataObject([("Data[1]", "named"), (nil, "unnamed")])
        #expect(text == "\"data\":{\"Data[1]\":\"named\",\"Data[1]#2\":\"unnamed\"}")
        let (reversed, _) = try Self.dataObject([(nil, "unnamed"), ("Data[1]", "named")])
        #expect(reversed == "\"data\":{\"Data[1]\":\"unnamed\",\"Data[1]#2\":\"named\"}")
    }

    @Test func nameSpelledLikeARepeatSuffixDoesNotCollide() throws {
        let (text, _) = try Self.dataObject([("A", "1"), ("A#2", "2"), ("A", "3")])
        #expect(text == "\"data\":{\"A\":\"1\",\"A#2\":\"2\",\"A#3\":\"3\"}")
        let (other, _) = try Self.dataObject([("A", "1"), ("A", "2"), ("A#2", "3"), ("A", "4")])
        #expect(other == "\"data\":{\"A\":\"1\",\"A#2\":\"2\",\"A#2#2\":\"3\",\"A#3\":\"4\"}")
    }

    @Test func usualRecordsKeepTheirKeys() throws {
        let (text, _) = try Self.dataObject([(nil, "a"), (nil, "b"), ("Name", "1"), ("Name", "2"), ("Other", "3")])
        #expect(text == "\"data\":{\"Data[1]\":\"a\",\"Data[2]\":\"b\",\"Name\":\"1\",\"Name#2\":\"2\",\"Other\":\"3\"}")
    }

    @Test func manyCollidingNamesStayUnique() throws {
        let fields: [(name: String?, value: String)] =
            (1...200).map { ("F#\($0)", "named \($0)") } + (1...200).map { _ in ("F", "plain") }
            + (1...50).map { _ in (nil, "unnamed") } + (1...50).map { ("Data[\($0)]", "spoof") }
        let (_, parsed) = try Self.dataObject(fields)
        #expect(parsed["F#2"] == "named 2")
        #expect(parsed["Data[1]"] == "unnamed")
    }
}
