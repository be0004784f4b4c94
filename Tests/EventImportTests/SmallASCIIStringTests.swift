import Testing

@testable import EventImport

/// Short ASCII values built straight in the small-string form are the strings
/// `String(decoding:as:)` makes, bit for bit; anything else is left to it. And records whose field
/// counts rise and fall (the builder overwrites the previous record's fields in place) each keep
/// exactly their own fields, also when the handler keeps every event.
@Suite("Small ASCII strings and reused fields")
struct SmallASCIIStringTests {
    static func made(_ bytes: [UInt8]) -> String? {
        bytes.withUnsafeBufferPointer { SmallASCIIString.make($0) }
    }

    static func bits(_ string: String) -> [UInt64] {
        let words = unsafeBitCast(string, to: (UInt64, UInt64).self)
        return [words.0, words.1]
    }

    @Test("the small-string form holds on this platform, so the importer uses it")
    func layoutHolds() {
        #expect(SmallASCIIString.isAvailable)
    }

    @Test("every length up to 15, every ASCII byte: the same bits, text, hash and count as String(decoding:)")
    func sameAsDecoding() throws {
        var generator = SystemRandomNumberGenerator()
        for count in 0...15 {
            var samples: [[UInt8]] = (0..<300).map { _ in (0..<count).map { _ in UInt8.random(in: 0...0x7F, using: &generator) } }
            samples.append([UInt8](repeating: 0x7F, count: count))
            samples.append([UInt8](repeating: 0x00, count: count))
            for bytes in samples {
                let expected = String(decoding: bytes, as: UTF8.self)
                let built = try #require(Self.made(bytes), "no string for \(bytes)")
                #expect(Self.bits(built) == Self.bits(expected), "bits differ for \(bytes)")
                #expect(built == expected)
                #expect(built.hashValue == expected.hashValue)
                #expect(Array(built.utf8) == bytes)
                #expect(built.utf8.count == count)
            }
        }
    }

    @Test("a byte of 0x80 or above anywhere, or more than 15 bytes: no string, so the caller decodes")
    func refusesOthers() {
        for count in 1...15 {
            for position in 0..<count {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: count)
                for high: UInt8 in [0x80, 0xC3, 0xFF] {
                    bytes[position] = high
                    #expect(Self.made(bytes) == nil, "\(bytes)")
                }
            }
        }
        for count in [16, 17, 64] {
            #expect(Self.made([UInt8](repeating: UInt8(ascii: "a"), count: count)) == nil)
        }
    }

    @Test("a string outlives the bytes it was made from")
    func independentOfSource() throws {
        var bytes = Array("TargetUserName".utf8)
        let built = try #require(Self.made(bytes))
        for index in bytes.indices { bytes[index] = UInt8(ascii: "x") }
        #expect(built == "TargetUserName")
        #expect(built + "!" == "TargetUserName!")
    }

    /// Records of 5, 2, 0, 3 and 6 fields, with short, long and non-ASCII values and names.
    static let records: [[(name: String, value: String)]] = [
        [("param1", "Windows Event Log"), ("param2", "stopped"), ("TargetUserName", "alice"),
         ("LongerThanFifteenName", "a value that is longer than fifteen bytes"), ("x", "")],
        [("param1", "Zoë"), ("IpAddress", "10.0.0.7")],
        [],
        [("a", "1"), ("b", "ümlaut and more than fifteen"), ("c", "exactly15bytes!")],
        [("f1", "v1"), ("f2", "v2"), ("f3", "v3"), ("f4", "v4"), ("f5", "v5"), ("f6", "sixteen bytes..!")],
    ]

    static var document: [UInt8] {
        var xml = ""
        for (index, fields) in records.enumerated() {
            xml += "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
            xml += "<EventID>\(index + 1)</EventID><TimeCreated SystemTime='2024-01-01T00:00:0\(index)Z'/>"
            xml += "<Computer>HOST</Computer></System><EventData>"
            for field in fields { xml += "<Data Name='\(field.name)'>\(field.value)</Data>" }
            xml += "</EventData></Event>\n"
        }
        return Array(xml.utf8)
    }

    @Test("records with fewer fields than the one before keep exactly their own fields, kept or streamed")
    func fieldCountsRiseAndFall() {
        // Kept: the collector holds every event, so each overwrite copies the shared fields first.
        let kept = importBytes(Self.document)
        #expect(kept.diagnostics.isEmpty)
        #expect(kept.events.map { $0.fields.map { [$0.name, $0.value] } } == Self.records.map { $0.map { [$0.name, $0.value] } })
        // Streamed: the handler reads each event and keeps nothing, so the fields are reused in place.
        var seen: [[[String]]] = []
        let importer = EventImporter(
            handlers: ImportHandlers(
                onEvent: { event in seen.append(event.fields.map { [$0.name, $0.value] }) }, onDiagnostic: { _ in }))
        importer.importData(Self.document, source: "streamed.xml", chunkSize: 1 << 20)
        #expect(seen == Self.records.map { $0.map { [$0.name, $0.value] } })
    }
}
