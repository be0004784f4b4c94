@testable import EventImport
import Foundation
import Testing

/// Hostile or broken XML costs bounded work and memory, is reported with its position, and never
/// hides the records around it (issue 12).
@Suite("Hostile XML input")
struct XMLHostileInputTests {
    static let lines = BadInputTests.lines
    static let limit = ImportLimits().maxFieldBytes

    // MARK: - Prolog

    @Test func whitespaceBeforeTheFirstElementIsScannedOnceInBoundedMemory() throws {
        let reader = ReaderHarness()
        let declaration = Array("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n".utf8)
        reader.feed(declaration)
        let blankLine = [UInt8](repeating: 0x20, count: 4095) + [0x0A]
        let lineCount = (50 << 20) / blankLine.count
        for _ in 0..<lineCount {
            reader.feed(blankLine)
            try #require(reader.reader.prologBytesHeld <= 16, "the prolog stage holds \(reader.reader.prologBytesHeld) bytes")
        }
        let prologLength = declaration.count + lineCount * blankLine.count
        reader.feed(Array((Self.lines[0] + "\r\n").utf8))
        reader.finish()
        #expect(reader.reader.prologBytesExamined <= prologLength + 2, "each prolog byte is examined once")
        #expect(reader.collected.result.diagnostics.isEmpty, "\(reader.collected.result.diagnostics)")
        let event = try #require(reader.collected.result.events.first)
        #expect(reader.collected.result.events.count == 1)
        #expect(event.eventID == 1024)
        #expect(event.origin.line == 2 + lineCount)
        #expect(event.origin.byteOffset == prologLength)
    }

    @Test func longUnclosedCommentBeforeTheFirstElementIsCutAtTheLimitAndTheRecordsAfterItAreRead() throws {
        let reader = ReaderHarness()
        reader.feed(Array("<?xml version=\"1.0\"?>\n<!-- a note that is never closed\n".utf8))
        let noteLine = Array((String(repeating: "note text, ", count: 372) + "\n").utf8)
        let chunk = 4096
        var fed = 0
        while fed < 3 * Self.limit {
            reader.feed(noteLine)
            fed += noteLine.count
            try #require(
                reader.reader.prologBytesHeld <= Self.limit + chunk,
                "the prolog stage holds \(reader.reader.prologBytesHeld) bytes")
        }
        reader.feed(BadInputTests.join(Array(Self.lines[3...])), chunk: chunk)
        reader.finish()
        #expect(reader.collected.result.events.map(\.eventID) == [21, 36870, 1025])
        let error = try #require(reader.collected.result.errors.first)
        #expect(reader.collected.result.errors.count == 1)
        #expect(error.line == 2)
        #expect(error.column == 1)
        #expect(error.message.contains("comment"))
        #expect(error.message.contains("\(Self.limit)"))
    }

    @Test(arguments: [1, 13, 1 << 20])
    func unclosedCommentBeforeTheFirstElementIsReportedAndTheRecordsInsideItAreRead(chunkSize: Int) throws {
        let text = "<?xml version=\"1.0\"?>\r\n<!-- exported by a tool\r\n" + Fixtures.wevtutil
        let result = importBytes(Array(text.utf8), source: "host/System.xml", chunkSize: chunkSize)
        #expect(result.events.map(\.eventID) == [1024, 1026, 56, 21, 36870, 1025])
        #expect(result.events.first?.origin.line == 3)
        let error = try #require(result.errors.first)
        #expect(result.errors.count == 1)
        #expect(error.source == "host/System.xml")
        #expect(error.line == 2)
        #expect(error.column == 1)
        #expect(error.message.contains("comment"))
    }

    // MARK: - Comments and processing instructions inside records

    static let unclosedMarkup: [(markup: String, name: String)] = [
        ("<!-- note left open", "comment"),
        ("<?note left open", "processing instruction"),
    ]

    @Test(arguments: unclosedMarkup, [1, 13, 1 << 20])
    func unclosedMarkupInsideARecordSkipsOnlyThatRecord(markup: (markup: String, name: String), chunkSize: Int) throws {
        var lines = Self.lines
        let range = try #require(lines[1].range(of: "<EventData>"))
        lines[1].replaceSubrange(range, with: "<EventData>" + markup.markup)
        let result = importBytes(BadInputTests.join(lines), source: "RDPClient.xml", chunkSize: chunkSize)
        try #require(result.events.map(\.eventID) == [1024, 56, 21, 36870, 1025])
        #expect(result.events[1].origin.line == 3, "lines stay right after resuming")
        let error = try #require(result.errors.first)
        #expect(result.errors.count == 1)
        #expect(error.source == "RDPClient.xml")
        #expect(error.line == 2)
        let column = try #require(lines[1].range(of: markup.markup)).lowerBound.utf16Offset(in: lines[1]) + 1
        #expect(error.column == column)
        #expect(error.message.contains(markup.name))
        #expect(error.message.contains("record that starts at line 2"))
    }

    @Test func longUnclosedCommentInsideARecordIsCutAtTheLimitWhileReading() throws {
        var lines = Self.lines
        let range = try #require(lines[1].range(of: "<EventData>"))
        lines[1].replaceSubrange(range, with: "<EventData><!-- note left open")
        let later = Array(repeating: Self.lines[2], count: 3 * Self.limit / Self.lines[2].utf8.count)
        let input = BadInputTests.join(Array(lines[0...1]) + later)
        let commentStart = try #require(lines[1].range(of: "<!--")).lowerBound.utf16Offset(in: lines[1])
        let commentOffset = lines[0].utf8.count + 2 + commentStart
        let recorder = ImportRecorder(chunkSize: 1 << 16)
        recorder.importer.importData(input, source: "RDPClient.xml", chunkSize: 1 << 16)
        #expect(recorder.eventIDs == [1024] + Array(repeating: 56, count: later.count))
        let error = try #require(recorder.diagnostics.first)
        #expect(recorder.diagnostics.count == 1)
        #expect(error.kind == .fieldLimit)
        #expect(error.line == 2)
        #expect(error.message.contains("comment"))
        let readWhenReported = try #require(recorder.xmlBytesAtFirstDiagnostic)
        #expect(readWhenReported <= commentOffset + 2 * Self.limit + 2 * (1 << 16), "reported while reading, not at the end")
    }

    // MARK: - Field size limit

    @Test func textLongerThanTheLimitIsCutWithAWarningNamingFileLineRecordAndField() throws {
        var lines = Self.lines
        let long = String(repeating: "x", count: 3 * Self.limit)
        lines[0] = lines[0].replacingOccurrences(of: "Server Name", with: long)
        let result = importBytes(BadInputTests.join(lines), source: "host/RDPClient.xml")
        try #require(result.events.map(\.eventID) == [1024, 1026, 56, 21, 36870, 1025])
        #expect(result.events[0].field("Name")?.utf8.count == Self.limit)
        #expect(result.events[0].field("Value") == "RDSH-01.corp.example", "the rest of the record is read")
        let warning = try #require(result.warnings.first)
        #expect(result.diagnostics.count == 1)
        #expect(warning.kind == .fieldLimit)
        #expect(warning.source == "host/RDPClient.xml")
        #expect(warning.line == 1)
        #expect(warning.message.contains("record 8812"))
        #expect(warning.message.contains("Name"))
        #expect(warning.message.contains("\(3 * Self.limit)"))
    }

    @Test func textIsCutAtACharacterBoundary() throws {
        var lines = Self.lines
        let long = "x" + String(repeating: "é", count: Self.limit)
        lines[0] = lines[0].replacingOccurrences(of: "Server Name", with: long)
        let result = importBytes(BadInputTests.join(lines), chunkSize: 4099)
        let value = try #require(result.events.first?.field("Name"))
        #expect(value.utf8.count == Self.limit - 1)
        #expect(!value.contains("\u{FFFD}"))
    }

    @Test func attributeLongerThanTheLimitInOneReadIsCutWithAWarning() throws {
        var lines = Self.lines
        let long = String(repeating: "n", count: Self.limit + Self.limit / 2)
        lines[0] = lines[0].replacingOccurrences(of: "Data Name='Value'", with: "Data Name='\(long)'")
        let result = importBytes(BadInputTests.join(lines), source: "RDPClient.xml", chunkSize: 4 << 20)
        #expect(result.events.count == 6)
        let field = try #require(result.events.first?.fields.first { $0.value == "RDSH-01.corp.example" })
        #expect(field.name.utf8.count == Self.limit)
        let warning = try #require(result.warnings.first)
        #expect(warning.kind == .fieldLimit)
        #expect(warning.line == 1)
        #expect(warning.message.contains("record 8812"))
        #expect(warning.message.contains("Name attribute of <Data>"))
    }

    @Test func tagLongerThanTheLimitAcrossReadsSkipsItsRecordWhileReading() throws {
        var lines = Self.lines
        let long = String(repeating: "n", count: 6 * Self.limit)
        lines[1] = lines[1].replacingOccurrences(of: "Data Name='Value'", with: "Data Name='\(long)'")
        let input = BadInputTests.join(lines)
        let tagStart = try #require(lines[1].range(of: "<Data Name='nnn")).lowerBound.utf16Offset(in: lines[1])
        let tagOffset = lines[0].utf8.count + 2 + tagStart
        let recorder = ImportRecorder(chunkSize: 1 << 16)
        recorder.importer.importData(input, source: "RDPClient.xml", chunkSize: 1 << 16)
        #expect(recorder.eventIDs == [1024, 56, 21, 36870, 1025])
        let error = try #require(recorder.diagnostics.first)
        #expect(recorder.diagnostics.count == 1)
        #expect(error.kind == .fieldLimit)
        #expect(error.severity == .error)
        #expect(error.line == 2)
        #expect(error.message.contains("<Data"))
        #expect(error.message.contains("record 8815"))
        let readWhenReported = try #require(recorder.xmlBytesAtFirstDiagnostic)
        #expect(readWhenReported <= tagOffset + 2 * Self.limit + 2 * (1 << 16), "reported while reading, not at the end")
    }

    // MARK: - Namespace prefixes

    static let eventSchemaElements = [
        "Event", "System", "Provider", "EventID", "Version", "Level", "Task", "Opcode", "Keywords", "TimeCreated",
        "EventRecordID", "Correlation", "Execution", "Channel", "Computer", "Security", "EventData", "Data", "Binary",
        "UserData", "RenderingInfo", "Message", "Keyword",
    ]

    /// The same records with `prefix:` on every element of the event schema, the prefix declared
    /// on each `<Event>` (or nowhere, when a wrapper declares it).
    static func prefixed(_ text: String, _ prefix: String, declareOnEvents: Bool = true) -> String {
        var result = text
        for name in eventSchemaElements {
            for closing in ["", "/"] {
                for after in [">", " ", "/"] {
                    result = result.replacingOccurrences(of: "<\(closing)\(name)\(after)", with: "<\(closing)\(prefix):\(name)\(after)")
                }
            }
        }
        let declaration = declareOnEvents ? "xmlns:\(prefix)='\(Fixtures.ns)'" : ""
        return result.replacingOccurrences(of: "xmlns='\(Fixtures.ns)'", with: declaration)
    }

    @Test(arguments: [1, 7, 1 << 20])
    func prefixedRecordsAreReadLikeUnprefixedOnes(chunkSize: Int) throws {
        for (fixture, prefix) in [(Fixtures.wevtutil, "e"), (Fixtures.eventViewer, "evt")] {
            let plain = importBytes(Array(fixture.utf8))
            let text = Self.prefixed(fixture, prefix)
            #expect(text.contains("<\(prefix):Event xmlns:\(prefix)=") && text.contains("</\(prefix):System>"))
            let result = importBytes(Array(text.utf8), chunkSize: chunkSize)
            #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
            #expect(!plain.events.isEmpty)
            #expect(contentFingerprint(result.events) == contentFingerprint(plain.events))
            #expect(result.events.map(\.origin.line) == plain.events.map(\.origin.line))
        }
    }

    @Test func prefixDeclaredOnTheWrapperOnlyIsFollowedAfterDamage() throws {
        var lines = Self.lines.map { Self.prefixed($0, "e", declareOnEvents: false) }
        lines[2] = lines[2].replacingOccurrences(of: "<e:Data>10.20.30.40</e:Data>", with: "<e:Data>10 & 40</e:Data>")
        let text = "<?xml version='1.0'?>\r\n<e:Events xmlns:e='\(Fixtures.ns)'>\r\n" + lines.joined(separator: "\r\n") + "\r\n</e:Events>\r\n"
        let result = importBytes(Array(text.utf8), source: "System.xml", chunkSize: 509)
        try #require(result.events.map(\.eventID) == [1024, 1026, 21, 36870, 1025])
        #expect(result.events[2].fields.map(\.name) == ["User", "SessionID", "Address"])
        #expect(result.events[2].origin.line == 6)
        let error = try #require(result.errors.first)
        #expect(result.errors.count == 1)
        #expect(error.line == 5)
        #expect(error.message.contains("not well-formed"))
    }

    @Test func eventElementOfAnotherNamespaceIsReportedNotDropped() throws {
        let other = Self.lines[0]
            .replacingOccurrences(of: "<Event xmlns='\(Fixtures.ns)'>", with: "<x:Event xmlns:x='urn:example:other'>")
            .replacingOccurrences(of: "</Event>", with: "</x:Event>")
        let result = importBytes(BadInputTests.join([other, Self.lines[1]]), source: "mixed.xml")
        #expect(result.events.map(\.eventID) == [1026])
        let warning = try #require(result.warnings.first)
        #expect(result.diagnostics.count == 1)
        #expect(warning.line == 1)
        #expect(warning.message.contains("<x:Event>"))
        #expect(warning.message.contains("namespace"))
    }
}

/// Feeds a reader directly, so that tests can look at its internal state between chunks.
final class ReaderHarness {
    let collected = Collector()
    let reader: EventXMLReader

    init(limits: ImportLimits = ImportLimits()) {
        let collected = collected
        let context = ImportContext(
            handlers: ImportHandlers(
                onEvent: { collected.result.events.append($0) },
                onDiagnostic: { collected.result.diagnostics.append($0) }),
            limits: limits)
        reader = EventXMLReader(source: "input.xml", context: context)
    }

    /// Consumes `bytes` as one chunk.
    func feed(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { reader.consume($0) }
    }

    /// Consumes `bytes` in chunks of `chunk` bytes.
    func feed(_ bytes: [UInt8], chunk: Int) {
        var start = 0
        while start < bytes.count {
            let end = min(start + chunk, bytes.count)
            feed(Array(bytes[start..<end]))
            start = end
        }
    }

    func finish() {
        reader.finish()
    }
}

/// Records what an import delivers, and how much XML it had read when the first problem was reported.
final class ImportRecorder {
    var eventIDs: [UInt32] = []
    var diagnostics: [ImportDiagnostic] = []
    var xmlBytesAtFirstDiagnostic: Int?
    private let chunkSize: Int

    lazy var importer: EventImporter = EventImporter(
        handlers: ImportHandlers(
            onEvent: { [unowned self] in self.eventIDs.append($0.eventID) },
            onDiagnostic: { [unowned self] diagnostic in
                if self.diagnostics.isEmpty { self.xmlBytesAtFirstDiagnostic = self.importer.statistics.xmlBytes }
                self.diagnostics.append(diagnostic)
            }),
        chunkSize: chunkSize)

    init(chunkSize: Int) {
        self.chunkSize = chunkSize
    }
}
