import EventImport
import Foundation
import Testing

/// Archives built to crash, hang, exhaust or fool the importer (issue 12): each is reported and
/// costs bounded work, and everything readable around it is still read.
@Suite("Hostile archives")
struct ArchiveHostileInputTests {
    static let log = BadInputTests.join(BadInputTests.lines)

    // MARK: - tar

    @Test(arguments: [
        [UInt8](repeating: 0xFF, count: 12),  // base-256, all ones: -1
        [0x80] + [UInt8](repeating: 0xFF, count: 11),  // base-256, more than 64 bits
    ])
    func tarSizeFieldThatOverflowsIsReportedNotACrash(field: [UInt8]) throws {
        var tar = tarArchive([("a.xml", Self.log), ("b.xml", Self.log), ("c.xml", Self.log)])
        let second = 512 + (Self.log.count + 511) / 512 * 512
        rewriteTarSize(&tar, headerAt: second, field: field)
        let result = importBytes(tar, source: "case.tar")
        #expect(result.events.count == 6, "the member before the damage")
        #expect(result.events.allSatisfy { $0.origin.source == "case.tar!a.xml" })
        let error = try #require(result.errors.first)
        #expect(error.source == "case.tar")
        #expect(error.message.contains("libarchive:"))
    }

    // MARK: - zip

    /// A zip whose one member has a single flipped bit in its deflate data (bit 6 of byte 232),
    /// which made the old reader loop forever at the end of the file.
    static let flippedBitZip = Array(
        Data(
            base64Encoded:
                "UEsDBBQAAAAIAAAAIQCribB/7AAAAHEBAAAKAAAAU3lzdGVtLnhtbE2PT2uEMBDF7/0U3jzpJNGVVsZcTKGFUsqup7KXoLMobMwSU9t++/qnyl5m3rzh/YbB55F6H/yYaz8UYev9LQcY6paMHmLT1c4O9uLj2hr47noQjKXAHoHm1LC2UOLpd/BkJH44O3YNueBdGyrCipxRKgSJy5VXJQ8ZwqbxbYpfpUBYBVadodKR9tQEK3F2ilAwkUUsi7io+FOe8vwgPnfokWrrmgnHBUsS/o/fXSxb3fcTfQUibDOW1ty+PDl5VKeXiE3J3UHYHlpgSnstcalnRWNX03n+rGkQ7lacxYLFCYtTtvlwF1/1fPgDUEsBAhQAFAAAAAgAAAAhAKuJsH/sAAAAcQEAAAoAAAAAAAAAAAAAAAAAAAAAAFN5c3RlbS54bWxQSwUGAAAAAAEAAQA4AAAAFAEAAAAA"
        ) ?? Data())

    @Test func flippedBitInDeflateDataIsReportedWithoutHanging() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("flip.zip").path
        try Data(Self.flippedBitZip).write(to: URL(fileURLWithPath: path))
        let finished = withinDeadline(seconds: 30) { importPaths([path]) }
        let result = try #require(finished, "the import did not finish within 30 s")
        let error = try #require(result.errors.first)
        #expect(error.source == path + "!System.xml")
        #expect(error.message.contains("libarchive:"))
    }

    @Test func deflateDataClaimingMoreThanTheFileHoldsYieldsOnlyTheFilesBytes() throws {
        // A stored deflate block that promises 60,000 bytes, of which the member holds 4,200:
        // nothing beyond them may come out (the old reader handed inflate memory it had not read).
        let text = Array(String(repeating: "Error code: 0x904, extended 0x7. ", count: 127).utf8)
        var member = HandMadeZipMember.deflateStored("note.txt", text)
        member.payload[1] = 0x60
        member.payload[2] = 0xEA
        member.payload[3] = ~0x60
        member.payload[4] = ~0xEA
        member.size = 60_000
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let big = folder.appendingPathComponent("a-big.xml")
        try Data(BadInputTests.join(Array(Array(repeating: BadInputTests.lines, count: 200).joined()))).write(to: big)
        let zip = folder.appendingPathComponent("b-crafted.zip")
        try Data(handMadeZip([member])).write(to: zip)
        let result = importPaths([big.path, zip.path])
        let documents = result.documents.filter { $0.source.hasSuffix("!note.txt") }
        #expect(documents.allSatisfy { $0.text.utf8.count <= text.count })
        #expect(!result.events.contains { $0.origin.source.hasPrefix(zip.path) })
        #expect(result.errors.contains { $0.source == zip.path + "!note.txt" })
    }

    @Test func encryptedMemberIsReportedByNameAndTheOthersAreRead() throws {
        var secret = HandMadeZipMember.stored("host/secret.xml", [UInt8](repeating: 0xA7, count: 12) + Self.log)
        secret.flags = 1
        let zip = handMadeZip([
            .stored("client/RDPClient.xml", Self.log),
            secret,
            .stored("notes/ticket.txt", Array("Error code: 0x904".utf8)),
        ])
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("case.zip").path
        try Data(zip).write(to: URL(fileURLWithPath: path))
        let result = importPaths([path])
        #expect(result.events.count == 6)
        #expect(result.documents.map(\.source) == [path + "!notes/ticket.txt"])
        let error = try #require(result.errors.first)
        #expect(result.errors.count == 1)
        #expect(error.source == path + "!host/secret.xml")
        #expect(error.message.contains("encrypted"))
    }

    @Test func zipEncryptedThroughoutNamesEveryMember() throws {
        let zip = writeArchive(
            .zip, [("a.xml", Self.log), ("b.xml", Self.log)], options: "zip:encryption=zipcrypt")
        let result = importBytes(zip, source: "locked.zip")
        #expect(result.events.isEmpty)
        #expect(result.errors.map(\.source) == ["locked.zip!a.xml", "locked.zip!b.xml"])
        #expect(result.errors.allSatisfy { $0.message.contains("encrypted") })
    }

    @Test(arguments: [7, 0x7FFF_FF00])
    func zipWithABadCentralDirectoryOffsetIsReadFromItsLocalHeaders(shift: Int) throws {
        var zip = writeArchive(.zip, [("client/RDPClient.xml", Self.log), ("host/System.xml", Array(Fixtures.eventViewer.utf8))])
        let field = try #require(zipDirectoryOffsetField(zip))
        let offset = Int(zip[field]) | Int(zip[field + 1]) << 8 | Int(zip[field + 2]) << 16 | Int(zip[field + 3]) << 24
        let damaged = UInt32(truncatingIfNeeded: offset + shift)
        for index in 0..<4 { zip[field + index] = UInt8((damaged >> (8 * UInt32(index))) & 0xFF) }
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("case.zip").path
        try Data(zip).write(to: URL(fileURLWithPath: path))
        let result = importPaths([path])
        #expect(result.events.count == 8)
        let error = try #require(result.errors.first)
        #expect(result.errors.count == 1)
        #expect(error.source == path)
        #expect(error.kind == .corruptArchive)
        #expect(error.message.contains("central directory"))
        #expect(error.message.contains("libarchive:"))
    }

    // MARK: - Budget per input

    @Test func manySmallBombsInOneTarShareOneBudget() throws {
        // 100 members of 600 KB of spaces each: every stream is under the grace size, but the
        // input as a whole expands far past its ratio.
        let member = zstdCompress([UInt8](repeating: 0x20, count: 600 << 10), level: 19)
        let tar = tarArchive((0..<100).map { ("note-\($0).txt.zst", member) })
        let input = zstdCompress(tar, level: 19)
        let limits = ImportLimits(maxExpansionRatio: 100, ratioGraceBytes: 4 << 20)
        let result = importBytes(input, source: "bombs.tar.zst", limits: limits)
        let error = try #require(result.errors.first { $0.kind == .decompressionLimit })
        #expect(error.source.hasPrefix("bombs.tar.zst!note-"))
        #expect(error.message.contains("bombs.tar.zst"))
        #expect(result.documents.count < 20, "decompression stopped soon after the budget ran out")
        #expect(result.errors.count == 1, "reported once, not once per member")
    }

    @Test func issueScenarioSmallTarZstOfAThousandBombsStopsAtTheDefaultLimits() throws {
        // The case from issue 12: a few kilobytes that expanded to 64 GB, 64 MiB per member.
        let member = zstdCompress([UInt8](repeating: 0x20, count: 64 << 20), level: 1)
        let input = zstdCompress(tarArchive((0..<1000).map { ("note-\($0).txt.zst", member) }), level: 19)
        #expect(input.count < 64 << 10)
        let finished = withinDeadline(seconds: 60) { importBytes(input, source: "bombs.tar.zst") }
        let result = try #require(finished, "decompression did not stop")
        #expect(result.errors.map(\.kind) == [.decompressionLimit])
        #expect(result.documents.count <= 2)
    }

    @Test func manyDeflatedMembersInOneZipShareOneBudget() throws {
        let spaces = [UInt8](repeating: 0x20, count: 1 << 20)
        let zip = writeArchive(.zip, (0..<40).map { ("note-\($0).txt", spaces) })
        let limits = ImportLimits(maxExpansionRatio: 100, ratioGraceBytes: 4 << 20)
        let result = importBytes(zip, source: "bombs.zip", limits: limits)
        let error = try #require(result.errors.first { $0.kind == .decompressionLimit })
        #expect(error.source.hasPrefix("bombs.zip!note-"))
        #expect(result.documents.count < 10)
    }

    @Test func budgetHoldsAcrossTheFilesOfAFolder() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bomb = zstdCompress([UInt8](repeating: 0x20, count: 1 << 20), level: 19)
        for index in 0..<30 {
            try Data(bomb).write(to: folder.appendingPathComponent(String(format: "note-%02d.txt.zst", index)))
        }
        try Data(Self.log).write(to: folder.appendingPathComponent("z-System.xml"))
        let limits = ImportLimits(maxExpansionRatio: 100, ratioGraceBytes: 4 << 20)
        let result = importPaths([folder.path], limits: limits)
        #expect(result.errors.contains { $0.kind == .decompressionLimit })
        #expect(result.documents.count < 10)
        #expect(result.events.count == 6, "plain files are still read")
    }

    // MARK: - Nesting

    @Test func nestingDeeperThanTheLimitIsReportedAndTheRestIsRead() throws {
        var archive = tarArchive([("level-8.xml", Self.log)])
        for level in stride(from: 7, through: 0, by: -1) {
            archive = tarArchive([("level-\(level).xml", Self.log), ("inner.tar", archive)])
        }
        let result = importBytes(archive, source: "nest.tar")
        let levels = Set(result.events.map { $0.origin.source.split(separator: "!").last.map(String.init) ?? "" })
        #expect(levels == ["level-0.xml", "level-1.xml", "level-2.xml", "level-3.xml", "level-4.xml"])
        let error = try #require(result.errors.first)
        #expect(result.errors.count == 1)
        #expect(error.kind == .nestingLimit)
        #expect(error.source == "nest.tar" + String(repeating: "!inner.tar", count: 5))
    }

    // MARK: - Sniffing

    @Test func strayNulInTheFirstKilobytesOfXMLIsRepairedNotBinary() throws {
        let text = Fixtures.wevtutil.replacingOccurrences(of: "Server Name", with: "Server\u{0}Name")
        let result = importBytes(Array(text.utf8), source: "System.xml")
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.events.count == 6)
        #expect(result.warnings.first?.kind == .repairedCharacters)
    }
}
