import EventImport
import Foundation
import Testing

/// Each kind of damage gets a clear diagnostic, and everything readable is still delivered.
@Suite("Bad input")
struct BadInputTests {
    static let lines = Fixtures.wevtutil.components(separatedBy: "\r\n").filter { !$0.isEmpty }

    static func join(_ lines: [String]) -> [UInt8] { Array((lines.joined(separator: "\r\n") + "\r\n").utf8) }

    @Test(arguments: [1, 13, 1 << 20])
    func malformedRecordIsReportedWithPositionAndTheRestIsRead(chunkSize: Int) throws {
        var lines = Self.lines
        lines[2] = lines[2].replacingOccurrences(of: "<Data>10.20.30.40</Data>", with: "<Data>10.20.30.40 & more</Data>")
        let result = importBytes(Self.join(lines), source: "host/System.xml", chunkSize: chunkSize)
        let error = try #require(result.errors.first)
        #expect(result.errors.count == 1)
        #expect(error.kind == .malformedXML)
        #expect(error.source == "host/System.xml")
        #expect(error.line == 3)
        let column = try #require(error.column)
        let expectedColumn = try #require(Array(lines[2].utf8).firstIndex(of: UInt8(ascii: "&"))) + 1
        #expect(column == expectedColumn + 1, "expat points at the character that makes the token invalid")
        #expect(error.message.contains("not well-formed"))
        #expect(error.message.contains("record that starts at line 3"))
        #expect(result.events.map(\.eventID) == [1024, 1026, 21, 36870, 1025], "records before and after the damage")
        #expect(result.events[2].origin.line == 4, "lines stay right after resynchronizing")
    }

    @Test func truncatedFileKeepsEveryCompleteRecord() throws {
        let bytes = Self.join(Self.lines)
        let cut = Array(bytes.prefix(Self.join(Array(Self.lines.prefix(3))).count + 200))
        let result = importBytes(cut, source: "System.xml")
        #expect(result.events.map(\.eventID) == [1024, 1026, 56])
        let error = try #require(result.errors.first)
        #expect(error.kind == .truncated)
        #expect(error.line == 4)
        #expect(error.message.contains("ends inside the record that starts at line 4"))
    }

    @Test(arguments: [700, 650, 400])
    func recordCutShortInsideTheFileIsSkippedAndTheNextOneRead(cutAt: Int) throws {
        var lines = Self.lines
        lines[1] = String(lines[1].prefix(cutAt))  // cut mid-record, as a broken copy would be
        let result = importBytes(Self.join(lines), source: "RDPClient.xml")
        #expect(result.events.map(\.eventID) == [1024, 56, 21, 36870, 1025])
        let error = try #require(result.errors.first)
        #expect(result.errors.count == 1)
        #expect(error.message.contains("record that starts at line 2"))
        #expect(error.message.contains("skipped"))
    }

    @Test func recordCutBetweenElementsIsReportedAsTruncated() throws {
        var lines = Self.lines
        let text = lines[1]
        let cut = try #require(text.range(of: "<EventData>"))
        lines[1] = String(text[..<cut.lowerBound])  // ends cleanly after </System>
        let result = importBytes(Self.join(lines), source: "RDPClient.xml")
        #expect(result.events.map(\.eventID) == [1024, 56, 21, 36870, 1025])
        let error = try #require(result.errors.first)
        #expect(error.kind == .truncated)
        #expect(error.line == 2)
        #expect(error.message.contains("a new <Event> starts at line 3"))
    }

    @Test func truncatedEventsWrapperIsAWarningNotALoss() throws {
        let text = Fixtures.eventViewer.replacingOccurrences(of: "</Events>", with: "")
        let result = importBytes(Array(text.utf8))
        #expect(result.events.count == 2)
        #expect(result.errors.isEmpty)
        #expect(result.warnings.first?.kind == .truncated)
    }

    @Test(arguments: [
        "<?xml version=\"1.0\"?>\n<!DOCTYPE Events [<!ENTITY boom \"xxxxxxxxxx\">]>\n<Events>&boom;</Events>",
        "<!DOCTYPE Events SYSTEM \"file:///etc/passwd\">\n<Events></Events>",
        "<?xml version=\"1.0\"?><!DOCTYPE lol [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]><Events>&lol2;</Events>",
    ])
    func doctypeAndEntityDeclarationsAreRejected(text: String) throws {
        let result = importBytes(Array(text.utf8), source: "evil.xml")
        let error = try #require(result.errors.first)
        #expect(error.kind == .forbiddenDeclaration)
        #expect(error.message.contains("DOCTYPE"))
        #expect(result.events.isEmpty)
    }

    @Test func entityReferenceInsideEventsIsMalformedNotExpanded() throws {
        let text = Fixtures.wevtutil.replacingOccurrences(of: "Server Name", with: "&xxe;")
        let result = importBytes(Array(text.utf8))
        #expect(result.errors.first?.kind == .malformedXML)
        #expect(!result.events.contains { $0.fields.contains { $0.value.contains("root:") } })
        #expect(result.events.count == 5)
    }

    @Test func controlCharactersAreRepairedAndNamed() throws {
        let text = Fixtures.wevtutil.replacingOccurrences(of: "Server Name", with: "Server\u{01}Name\u{03}")
        let result = importBytes(Array(text.utf8), chunkSize: 5)
        #expect(result.errors.isEmpty)
        #expect(result.events.count == 6)
        #expect(result.events[0].field("Name") == "Server\u{FFFD}Name\u{FFFD}")
        let warning = try #require(result.warnings.first)
        #expect(warning.kind == .repairedCharacters)
        #expect(warning.message.contains("record 8812"))
        #expect(warning.message.contains("2 control character"))
        #expect(warning.line == 1)
    }

    @Test func corruptZstdKeepsWhatCameBefore() throws {
        var compressed = zstdCompress(Self.join(Self.lines), frameSize: 1500)
        for index in (compressed.count - 300)..<(compressed.count - 250) { compressed[index] ^= 0x5A }
        let result = importBytes(compressed, source: "System.xml.zst")
        let error = try #require(result.errors.first { $0.kind == .corruptArchive })
        #expect(error.message.contains("zstd"))
        #expect(error.source == "System.xml.zst")
        #expect(result.events.count >= 2)
        #expect(result.events.count < 6)
    }

    @Test func truncatedZstdIsReported() throws {
        let compressed = zstdCompress(Self.join(Self.lines))
        let result = importBytes(Array(compressed.prefix(compressed.count / 2)), source: "System.xml.zst")
        #expect(result.errors.contains { $0.kind == .truncated && $0.message.contains("zstd") })
    }

    @Test func decompressionBombIsStoppedByTheRatioLimit() throws {
        let bomb = zstdCompress([UInt8](repeating: 0x20, count: 8 << 20), level: 19)
        let limits = ImportLimits(maxExpansionRatio: 100, ratioGraceBytes: 1 << 20)
        let result = importBytes(bomb, source: "bomb.xml.zst", limits: limits)
        let error = try #require(result.errors.first)
        #expect(error.kind == .decompressionLimit)
        #expect(error.message.contains("decompression bomb"))
    }

    @Test func decompressionIsStoppedBySizeLimit() throws {
        let big = zstdCompress(Self.join(Array(repeating: Self.lines[0], count: 400)))
        let limits = ImportLimits(maxExpandedBytes: 64 << 10)
        let result = importBytes(big, source: "big.xml.zst", limits: limits)
        #expect(result.errors.contains { $0.kind == .decompressionLimit })
        #expect(result.events.count > 0 && result.events.count < 400)
    }

    static let unknownInputs: [(bytes: [UInt8], expected: String)] = [
        ([UInt8](repeating: 0x9C, count: 64) + [0, 1, 2, 0xFF, 0], "unknown binary")
    ]

    @Test(arguments: unknownInputs)
    func unknownTypesAreReportedNotGuessed(bytes: [UInt8], expected: String) throws {
        let result = importBytes(bytes, source: "mystery.bin")
        let error = try #require(result.errors.first)
        #expect(error.kind == .unsupportedType)
        #expect(error.source == "mystery.bin")
        #expect(error.message.contains(expected))
    }

    @Test func damagedTarHeaderIsReportedWithItsOffsetAndTheNextIntactMemberIsRead() throws {
        let members = ["a.xml", "b.xml", "c.xml"].map { ($0, Self.join(Self.lines)) }
        var tar = tarArchive(members)
        let second = 512 + (Self.join(Self.lines).count + 511) / 512 * 512
        tar[second + 150] ^= 0x01
        let result = importBytes(tar, source: "case.tar")
        #expect(result.events.count == 12)
        #expect(result.events.last?.origin.source == "case.tar!c.xml")
        let error = try #require(result.errors.first)
        #expect(result.errors.count == 1)
        #expect(error.kind == .corruptArchive)
        #expect(error.source == "case.tar")
        #expect(error.message.contains("byte \(second)"))
        #expect(error.message.contains("Damaged tar archive"), "libarchive's own message")
    }

    @Test func truncatedTarReportsTheCutMember() throws {
        let tar = tarArchive([("host/System.xml", Self.join(Self.lines))])
        let result = importBytes(Array(tar.prefix(512 + 1500)), source: "case.tar")
        #expect(result.errors.contains { $0.kind == .truncated && $0.source == "case.tar!host/System.xml" })
        #expect(result.events.count == 1)
    }

    @Test func truncatedGzipKeepsWhatCameBeforeAndReportsLibarchivesMessage() throws {
        let log = Self.join(Array(Array(repeating: Self.lines, count: 400).joined()))
        let gzip = writeArchive(.gzip, [("System.xml", log)])
        let result = importBytes(Array(gzip.prefix(gzip.count - 40)), source: "System.xml.gz")
        let error = try #require(result.errors.first)
        #expect(error.source == "System.xml.gz")
        #expect(error.message.contains("libarchive:"))
        #expect(result.events.count > 100 && result.events.count < 2400)
    }

    @Test func zipMembersAreStreamedAndADamagedMemberDoesNotStopTheOthers() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let zipURL = folder.appendingPathComponent("case.zip")
        let members: [(name: String, bytes: [UInt8])] = [
            ("client/RDPClient.xml", Self.join(Self.lines)),
            ("host/System.xml.zst", zstdCompress(Array(Fixtures.eventViewer.utf8))),
            ("report.txt", Array("Error code: 0x904".utf8)),
        ]
        try Data(writeArchive(.zip, members)).write(to: zipURL)
        let good = importPaths([zipURL.path])
        #expect(good.diagnostics.isEmpty, "\(good.diagnostics)")
        #expect(good.events.count == 8)
        #expect(good.events[0].origin.source == zipURL.path + "!client/RDPClient.xml")
        #expect(good.documents.map(\.text) == ["Error code: 0x904"])

        // Damage the first member's compressed bytes: its error is named, the others are read.
        var bytes = try [UInt8](Data(contentsOf: zipURL))
        for index in 200..<260 { bytes[index] ^= 0xA5 }
        try Data(bytes).write(to: zipURL)
        let damaged = importPaths([zipURL.path])
        let error = try #require(damaged.errors.first)
        #expect(error.source == zipURL.path + "!client/RDPClient.xml")
        #expect(damaged.events.filter { $0.origin.source.hasSuffix("System.xml.zst") }.count == 2)
    }

    @Test func folderWithAZipInsideIsReadRecursivelyInSortedOrder() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let zipURL = folder.appendingPathComponent("b-host.zip")
        try Data(writeArchive(.zip, [("System.xml", Array(Fixtures.eventViewer.utf8))])).write(to: zipURL)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("a-client"), withIntermediateDirectories: true)
        try Data(Self.join(Self.lines)).write(to: folder.appendingPathComponent("a-client/RDPClient.xml"))
        try Data("ignored".utf8).write(to: folder.appendingPathComponent(".DS_Store"))
        let result = importPaths([folder.path])
        #expect(result.diagnostics.isEmpty)
        #expect(result.events.count == 8)
        #expect(result.events.first?.eventID == 1024)
        #expect(result.events.last?.origin.source.hasSuffix("b-host.zip!System.xml") == true)
        #expect(result.statistics.inputs == 2)
    }

    @Test func missingPathIsAnError() {
        let result = importPaths(["/nonexistent/rdpcause/case"])
        #expect(result.errors.first?.kind == .unreadable)
        #expect(result.errors.first?.message == "no such file or folder")
    }

    @Test func xmlWithoutEventsIsNamed() {
        let result = importBytes(Array("<?xml version=\"1.0\"?><Events></Events>".utf8), source: "empty.xml")
        #expect(result.warnings.first?.kind == .noEvents)
        #expect(result.errors.isEmpty)
    }
}
