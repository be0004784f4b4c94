import EventImport
import Foundation
import Testing

/// Every archive and compression format the README lists, from a file and from memory, and
/// archives inside archives.
@Suite("Archive formats")
struct ArchiveFormatTests {
    static let log = BadInputTests.join(BadInputTests.lines)
    static let members: [(name: String, bytes: [UInt8])] = [
        ("client/RDPClient.xml", log),
        ("host/System.xml", Array(Fixtures.eventViewer.utf8)),
        ("notes/ticket.txt", Array("Error code: 0x904\r\nExtended error code: 0x7\r\n".utf8)),
        (".DS_Store", [0, 0, 0, 1, 0x42, 0x75, 0x64, 0x31]),
        ("__MACOSX/client/._RDPClient.xml", [0, 5, 22, 7, 0, 2, 0, 0]),
    ]

    static func expectWholeCase(_ result: ImportResult, named name: String) {
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.events.count == 8)
        #expect(result.events.first?.origin.source == name + "!client/RDPClient.xml")
        #expect(result.events.last?.origin.source == name + "!host/System.xml")
        #expect(result.documents.map(\.source) == [name + "!notes/ticket.txt"])
        #expect(result.statistics.inputs == 3)
    }

    @Test(arguments: [ArchiveKind.zip, .sevenZip, .tar, .tarGzip, .tarBzip2, .tarXz])
    func archiveIsReadFromMemory(kind: ArchiveKind) {
        let archive = writeArchive(kind, Self.members)
        Self.expectWholeCase(importBytes(archive, source: "case.bin"), named: "case.bin")
    }

    @Test(arguments: [ArchiveKind.zip, .sevenZip, .tarXz])
    func archiveIsReadFromAFile(kind: ArchiveKind) throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("case.bin").path
        try Data(writeArchive(kind, Self.members)).write(to: URL(fileURLWithPath: path))
        Self.expectWholeCase(importPaths([path]), named: path)
    }

    @Test(arguments: [ArchiveKind.gzip, .bzip2, .xz])
    func singleCompressedLogKeepsItsOwnName(kind: ArchiveKind) {
        let compressed = writeArchive(kind, [("System.xml", Self.log)])
        let result = importBytes(compressed, source: "System.xml.gz", chunkSize: 97)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(fingerprint(result.events) == fingerprint(importBytes(Self.log).events))
        #expect(result.events.allSatisfy { $0.origin.source == "System.xml.gz" })
    }

    @Test(arguments: [1, 7, 4096])
    func zipFromMemoryAtAnyChunkSize(chunkSize: Int) {
        let archive = writeArchive(.zip, Self.members)
        Self.expectWholeCase(importBytes(archive, source: "case.zip", chunkSize: chunkSize), named: "case.zip")
    }

    @Test func archivesInsideArchivesAreReadWithTheirPath() throws {
        let sevenZip = writeArchive(.sevenZip, [("System.xml", Array(Fixtures.eventViewer.utf8))])
        let zip = writeArchive(.zip, [("host.7z", sevenZip), ("client/RDPClient.xml.zst", zstdCompress(Self.log))])
        let outer = zstdCompress(tarArchive([("case/bundle.zip", zip)]))
        let result = importBytes(outer, source: "case.tar.zst")
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(
            Set(result.events.map(\.origin.source)) == [
                "case.tar.zst!case/bundle.zip!host.7z!System.xml",
                "case.tar.zst!case/bundle.zip!client/RDPClient.xml.zst",
            ])
        #expect(result.events.count == 8)
    }

    @Test func nestedZipLargerThanTheMemoryLimitIsReadFromItsLocalHeaders() throws {
        let zip = writeArchive(.zip, Self.members)
        let limits = ImportLimits(maxBufferedArchiveBytes: 1024)
        let result = importBytes(tarArchive([("bundle.zip", zip)]), source: "case.tar", limits: limits)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.events.count == 8)
    }

    @Test func nestedSevenZipLargerThanTheMemoryLimitIsReported() throws {
        let sevenZip = writeArchive(.sevenZip, Self.members)
        let limits = ImportLimits(maxBufferedArchiveBytes: 256)
        let result = importBytes(tarArchive([("bundle.7z", sevenZip), ("System.xml", Self.log)]), source: "case.tar", limits: limits)
        #expect(result.events.count == 6)
        let error = try #require(result.errors.first)
        #expect(error.source == "case.tar!bundle.7z")
        #expect(error.message.contains("7-Zip"))
    }

    @Test func damagedStoredSevenZipMemberIsReportedAndTheOthersAreRead() throws {
        // Stored members (no compression): the damage stays inside one member, caught by its CRC.
        var archive = writeArchive(
            .sevenZip, [("a.xml", Self.log), ("b.xml", Self.log), ("c.xml", Self.log)], options: "7zip:compression=store")
        let start = try #require(archive.indices.first { archive[$0...].starts(with: Array("<Event".utf8)) })
        archive[start + 300] ^= 0x55
        let result = importBytes(archive, source: "case.7z")
        let error = try #require(result.errors.first)
        #expect(result.errors.count == 1)
        #expect(error.source == "case.7z!a.xml")
        #expect(error.message.contains("CRC"))
        #expect(result.events.filter { $0.origin.source != "case.7z!a.xml" }.count == 12)
    }

    @Test func damagedSolidSevenZipIsReportedOnceAndNotRetriedForever() throws {
        var archive = writeArchive(.sevenZip, [("a.xml", Self.log), ("b.xml", Self.log), ("c.xml", Self.log)])
        archive[100] ^= 0x55
        let result = importBytes(archive, source: "case.7z")
        #expect(result.errors.filter { $0.source == "case.7z!a.xml" }.count == 1)
        #expect(result.errors.contains { $0.source == "case.7z" && $0.message.contains("not read") })
        #expect(result.errors.count <= 3)
    }

    @Test func membersUnderDotSlashAreReadAndDotFilesUnderThemSkipped() {
        let tar = tarArchive([("./host/System.xml", Self.log), ("./host/.hidden.xml", Self.log), ("./._System.xml", Self.log)])
        let result = importBytes(tar, source: "case.tar")
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.events.count == 6)
        #expect(result.events.first?.origin.source == "case.tar!./host/System.xml")
    }

    @Test func emptyZipIsAWarning() {
        let result = importBytes(writeArchive(.zip, []), source: "empty.zip")
        #expect(result.errors.isEmpty)
        #expect(result.warnings.map(\.message) == ["the archive holds no files"])
    }
}
