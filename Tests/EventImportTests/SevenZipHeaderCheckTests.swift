import EventImport
import Foundation
import Testing

/// The check of a 7-Zip archive's headers before libarchive reads it: a coder declaring a larger
/// dictionary or model memory than ``ImportLimits/maxDecoderMemoryBytes`` refuses the archive
/// (libarchive would allocate it), in a plain header and in a packed one; broken headers give
/// diagnostics, never a crash.
@Suite("7-Zip header check")
struct SevenZipHeaderCheckTests {
    static let log = ArchiveFormatTests.log
    static let members: [(name: String, bytes: [UInt8])] = [("a.xml", log), ("b.xml", log)]
    static let oneAndAHalfGiB: UInt32 = 3 << 29

    /// Imports `archive` as `hostile.7z` in a folder beside `System.xml`, from files.
    static func importBesideALog(_ archive: [UInt8], limits: ImportLimits = ImportLimits()) throws -> (ImportResult, String) {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("hostile.7z").path
        try Data(archive).write(to: URL(fileURLWithPath: path))
        try Data(log).write(to: folder.appendingPathComponent("System.xml"))
        return (importPaths([folder.path], limits: limits), path)
    }

    @Test(arguments: [
        HandMadeSevenZip.Coder.lzma2Stored(propertyByte: 16), .lzma(dictionary: 16 << 20), .lzma(dictionary: 64 << 20), .copy,
    ])
    func handMadeArchiveWithinTheLimitIsRead(coder: HandMadeSevenZip.Coder) {
        let archive = HandMadeSevenZip(members: Self.members, coder: coder).bytes()
        let result = importBytes(archive, source: "case.7z")
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.events.count == 12)
        #expect(Set(result.events.map(\.origin.source)) == ["case.7z!a.xml", "case.7z!b.xml"])
    }

    @Test func packedHeaderWithinTheLimitIsRead() {
        for headerCoder in [HandMadeSevenZip.Coder.lzma(dictionary: 1 << 20), .lzma2Stored(propertyByte: 18), .copy] {
            let archive = HandMadeSevenZip(members: Self.members, coder: .lzma(dictionary: 1 << 24), headerCoder: headerCoder).bytes()
            let result = importBytes(archive, source: "case.7z")
            #expect(result.diagnostics.isEmpty, "\(headerCoder): \(result.diagnostics)")
            #expect(result.events.count == 12, "\(headerCoder)")
        }
    }

    @Test func libarchiveWritesAPackedHeaderThatPasses() {
        // libarchive's writer packs the header with LZMA (kEncodedHeader), as 7-Zip does by default.
        let archive = writeArchive(.sevenZip, [("a.xml", Self.log), ("b.xml", Self.log), ("c.xml", Self.log)])
        let offset = archive[12..<20].reversed().reduce(0) { $0 << 8 | Int($1) }
        #expect(archive[32 + offset] == 0x17)
        let result = importBytes(archive, source: "case.7z")
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.events.count == 18)
    }

    @Test func lzmaDictionaryOf1_5GiBIsRefusedAndTheOtherInputsAreRead() throws {
        let archive = HandMadeSevenZip(members: Self.members, coder: .lzma(dictionary: Self.oneAndAHalfGiB)).bytes()
        let (result, path) = try Self.importBesideALog(archive)
        let error = try #require(result.errors.first)
        #expect(result.diagnostics.count == 1, "\(result.diagnostics)")
        #expect(error.source == path)
        #expect(error.kind == .decompressionLimit)
        #expect(error.message.contains("LZMA dictionary of 1.5 GiB (1610612736 bytes"), "\(error.message)")
        #expect(error.message.contains("more than the 64 MiB"), "\(error.message)")
        // The properties are in the first folder's coder record of the plain header, after the
        // packed streams: the offset named is where the 5 property bytes start.
        let offsetText = try #require(error.message.firstMatch(of: /properties at byte (\d+) of the file/)?.1)
        let offset = try #require(Int(offsetText))
        #expect(Array(archive[offset..<(offset + 5)]) == [0x5D] + le32(Self.oneAndAHalfGiB))
        #expect(result.events.count == 6)
        #expect(result.events.allSatisfy { $0.origin.source.hasSuffix("/System.xml") })
    }

    @Test func hostileFolderInsideAPackedHeaderIsRefused() throws {
        for headerCoder in [HandMadeSevenZip.Coder.lzma(dictionary: 1 << 20), .lzma2Stored(propertyByte: 18)] {
            let archive = HandMadeSevenZip(
                members: Self.members, coder: .lzma(dictionary: Self.oneAndAHalfGiB), headerCoder: headerCoder
            ).bytes()
            let (result, path) = try Self.importBesideALog(archive)
            let error = try #require(result.errors.first)
            #expect(result.diagnostics.count == 1, "\(result.diagnostics)")
            #expect(error.source == path)
            #expect(error.kind == .decompressionLimit)
            #expect(error.message.contains("LZMA dictionary of 1.5 GiB"), "\(error.message)")
            #expect(error.message.contains("of the archive's header (packed at byte "), "\(error.message)")
            #expect(result.events.count == 6)
        }
    }

    @Test func hostileDictionaryOfThePackedHeaderItselfIsRefused() throws {
        let archive = HandMadeSevenZip(
            members: Self.members, coder: .lzma2Stored(propertyByte: 16), headerCoder: .lzma(dictionary: Self.oneAndAHalfGiB)
        ).bytes()
        let result = importBytes(archive, source: "case.7z")
        let error = try #require(result.errors.first)
        #expect(result.diagnostics.count == 1, "\(result.diagnostics)")
        #expect(error.kind == .decompressionLimit)
        #expect(error.message.contains("LZMA dictionary of 1.5 GiB"), "\(error.message)")
        #expect(error.message.contains("of the file"), "\(error.message)")
    }

    @Test func lzma2AndPPMdClaimsAreRefusedToo() throws {
        let cases: [(HandMadeSevenZip.Coder, String)] = [
            (.lzma2Stored(propertyByte: 40), "LZMA2 dictionary of 4.0 GiB (4294967295 bytes"),
            (.lzma2Stored(propertyByte: 30), "LZMA2 dictionary of 128 MiB (134217728 bytes"),
            (.ppmd(memory: 0xFFFF_FFDB), "PPMd model memory of 3.9 GiB (4294967259 bytes"),
        ]
        for (coder, expected) in cases {
            let result = importBytes(HandMadeSevenZip(members: Self.members, coder: coder).bytes(), source: "case.7z")
            let error = try #require(result.errors.first)
            #expect(result.diagnostics.count == 1, "\(result.diagnostics)")
            #expect(error.kind == .decompressionLimit)
            #expect(error.message.contains(expected), "\(error.message)")
        }
    }

    @Test func hostileSevenZipInsideATarIsRefusedAndTheTarIsRead() throws {
        let archive = HandMadeSevenZip(members: Self.members, coder: .lzma(dictionary: Self.oneAndAHalfGiB)).bytes()
        let result = importBytes(tarArchive([("bundle.7z", archive), ("System.xml", Self.log)]), source: "case.tar")
        let error = try #require(result.errors.first)
        #expect(result.diagnostics.count == 1, "\(result.diagnostics)")
        #expect(error.source == "case.tar!bundle.7z")
        #expect(error.kind == .decompressionLimit)
        #expect(result.events.count == 6)
    }

    @Test func limitsAreSettable() throws {
        let archive = HandMadeSevenZip(members: Self.members, coder: .lzma(dictionary: 16 << 20), headerCoder: .copy).bytes()
        let smallDictionary = importBytes(archive, source: "case.7z", limits: ImportLimits(maxDecoderMemoryBytes: 8 << 20))
        #expect(smallDictionary.errors.map(\.kind) == [.decompressionLimit])
        #expect(smallDictionary.errors.first?.message.contains("more than the 8 MiB") == true)
        let smallHeader = importBytes(archive, source: "case.7z", limits: ImportLimits(maxSevenZipHeaderBytes: 64))
        #expect(smallHeader.errors.map(\.kind) == [.decompressionLimit])
        #expect(smallHeader.errors.first?.message.contains("header") == true)
        #expect(smallHeader.events.isEmpty)
    }

    @Test func unpackingThePackedHeaderCountsAgainstTheInputsBudget() throws {
        // Header unpacking is decompression: many small archives with large packed headers must not
        // escape the input's budget. The header is unpacked twice (here and by libarchive).
        let archive = HandMadeSevenZip(members: Self.members, coder: .copy, headerCoder: .lzma(dictionary: 1 << 20)).bytes()
        let headerSize = HandMadeSevenZip(members: Self.members, coder: .copy).bytes()[20..<28].reversed().reduce(0) { $0 << 8 | Int($1) }
        let result = importBytes(archive, source: "case.7z", limits: ImportLimits(maxExpandedBytes: 2 * headerSize - 1))
        let error = try #require(result.errors.first)
        #expect(result.errors.count == 1, "\(result.errors)")
        #expect(error.kind == .decompressionLimit)
        #expect(error.source == "case.7z")
        #expect(error.message.contains("decompression stopped"), "\(error.message)")
        #expect(result.events.isEmpty)
        let enough = importBytes(archive, source: "case.7z", limits: ImportLimits(maxExpandedBytes: 2 * headerSize + 2 * Self.log.count))
        #expect(enough.diagnostics.isEmpty, "\(enough.diagnostics)")
        #expect(enough.events.count == 12)
    }

    /// A count libarchive allocates for before reading the entries (it calloc'ed 8 GB for the
    /// 94 million files a fuzzed 200-byte header declared) is checked against the entry limit.
    @Test(arguments: [false, true])
    func hugeFileCountIsRefused(packedHeader: Bool) throws {
        var archive = HandMadeSevenZip(members: Self.members, coder: .lzma2Stored(propertyByte: 16))
        let fileList = 7 + Self.members.reduce(0) { $0 + ($1.name.utf16.count + 1) * 2 }
        archive.headerCoder = packedHeader ? .lzma(dictionary: 1 << 20) : nil
        archive.editHeader = { header in
            let countAt = header.count - fileList + 1
            header.replaceSubrange(countAt...countAt, with: number(94_000_000))
        }
        let result = importBytes(archive.bytes(), source: "case.7z")
        let error = try #require(result.errors.first)
        #expect(result.diagnostics.count == 1, "\(result.diagnostics)")
        #expect(error.kind == .decompressionLimit)
        #expect(error.message.contains("the number of files is 94000000, more than the 1048576"), "\(error.message)")
    }

    @Test func folderAndStreamCountsAreLimited() throws {
        let archive = HandMadeSevenZip(members: Self.members + Self.members, coder: .copy).bytes()
        let result = importBytes(archive, source: "case.7z", limits: ImportLimits(maxSevenZipEntries: 3))
        let error = try #require(result.errors.first)
        #expect(result.diagnostics.count == 1, "\(result.diagnostics)")
        #expect(error.kind == .decompressionLimit)
        #expect(error.message.contains("the number of packed streams is 4, more than the 3"), "\(error.message)")
        #expect(importBytes(archive, source: "case.7z", limits: ImportLimits(maxSevenZipEntries: 4)).events.count == 24)
    }

    @Test func encryptedFileListIsNamed() throws {
        var archive = HandMadeSevenZip(members: Self.members, coder: .copy, headerCoder: .copy).bytes()
        // Turn the packed header's Copy coder (flags 01, id 00) into AES (flags 04, id 06 F1 07 01)
        // by rebuilding the header database with that coder record.
        let offset = archive[12..<20].reversed().reduce(0) { $0 << 8 | Int($1) }
        var next = Array(archive[(32 + offset)...])
        let copyCoder: [UInt8] = [0x0B, 0x01, 0x00, 0x01, 0x01, 0x00]
        let start = try #require(next.indices.first { next[$0...].starts(with: copyCoder) })
        next.replaceSubrange((start + 4)..<(start + 6), with: [0x04, 0x06, 0xF1, 0x07, 0x01])
        archive = HandMadeSevenZip.signatureHeader(nextHeaderOffset: offset, nextHeader: next) + archive[32..<(32 + offset)] + next
        let result = importBytes(archive, source: "case.7z")
        let error = try #require(result.errors.first)
        #expect(result.errors.count == 1)
        #expect(error.kind == .unreadable)
        #expect(error.message.contains("encrypted"))
    }

    /// Every cut of a valid archive, with a plain and a packed header: a diagnostic, never a crash,
    /// never a silent loss.
    @Test(arguments: [false, true])
    func truncatedArchiveIsReported(packedHeader: Bool) {
        let archive = HandMadeSevenZip(
            members: Self.members, coder: .lzma(dictionary: 1 << 20), headerCoder: packedHeader ? .lzma(dictionary: 1 << 20) : nil
        ).bytes()
        for length in stride(from: 6, to: archive.count, by: 1) {
            let result = importBytes(Array(archive.prefix(length)), source: "case.7z")
            #expect(!result.errors.isEmpty, "cut at \(length) of \(archive.count)")
            #expect(result.events.isEmpty, "cut at \(length)")
        }
    }

    /// Every byte of the header database up to the file list (what the check parses) set to each of
    /// a few values, the CRCs fixed so that the parser (not a CRC) meets the damage: the archive is
    /// read whole or a diagnostic says what was not read. A packed header is garbled before it is
    /// packed.
    @Test(arguments: [false, true])
    func garbledHeaderFieldsGiveDiagnostics(packedHeader: Bool) {
        var archive = HandMadeSevenZip(members: Self.members, coder: .lzma(dictionary: 1 << 20))
        let headerSize = archive.bytes()[20..<28].reversed().reduce(0) { $0 << 8 | Int($1) }
        // The file list: kFilesInfo, count, kName, size, external, the UTF-16 names, two kEnd.
        let fileList = 7 + Self.members.reduce(0) { $0 + ($1.name.utf16.count + 1) * 2 }
        archive.headerCoder = packedHeader ? .lzma(dictionary: 1 << 20) : nil
        var refused = 0
        for index in 0..<(headerSize - fileList) {
            for value: UInt8 in [0x00, 0x01, 0x7F, 0x80, 0xFF] {
                archive.editHeader = { header in header[index] = value }
                let result = importBytes(archive.bytes(), source: "case.7z")
                #expect(result.events.count == 12 || !result.errors.isEmpty, "byte \(index) = \(value)")
                if !result.errors.isEmpty { refused += 1 }
            }
        }
        #expect(refused > headerSize - fileList)
    }

    /// Every byte of the file list (the files' count, the names' property and its size, the names,
    /// the ends) set to each of a few values, the CRCs fixed: libarchive accepts many such lists
    /// (a lowered count leaves data streams without a name), so the archive must be read whole or
    /// a diagnostic must say what was not read.
    @Test(arguments: [false, true])
    func garbledFileListGivesDiagnostics(packedHeader: Bool) {
        var archive = HandMadeSevenZip(members: Self.members, coder: .lzma(dictionary: 1 << 20))
        let headerSize = archive.bytes()[20..<28].reversed().reduce(0) { $0 << 8 | Int($1) }
        let fileList = 7 + Self.members.reduce(0) { $0 + ($1.name.utf16.count + 1) * 2 }
        archive.headerCoder = packedHeader ? .lzma(dictionary: 1 << 20) : nil
        for index in (headerSize - fileList)..<headerSize {
            for value: UInt8 in [0x00, 0x01, 0x02, 0x03, 0x7F, 0x80, 0xFF] {
                archive.editHeader = { header in header[index] = value }
                let result = importBytes(archive.bytes(), source: "case.7z")
                // A name garbled into a dot-file is a hidden member, passed over as the README says.
                var plain = archive
                plain.headerCoder = nil
                let header = Array(plain.bytes().suffix(headerSize))
                let names = Self.fileListNames(header, namesAt: headerSize - fileList + 5, end: headerSize - 2)
                    .prefix(Int(header[headerSize - fileList + 1]))
                let expected = names.contains { $0.hasPrefix(".") } ? 6 : 12
                #expect(
                    result.events.count == expected || !result.errors.isEmpty,
                    "byte \(index) = \(value) (names \(names)): \(result.events.count) events, \(result.diagnostics)")
            }
        }
    }

    /// The UTF-16LE names of a plain header's file list between `namesAt` and `end`.
    static func fileListNames(_ header: [UInt8], namesAt start: Int, end: Int) -> [String] {
        guard start < end, end <= header.count else { return [] }
        let units = stride(from: start, to: end - 1, by: 2).map { UInt16(header[$0]) | UInt16(header[$0 + 1]) << 8 }
        return units.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF16.self) }
    }

    /// The files' count lowered from 2 to 1: libarchive reads one member and ends; the second
    /// data stream has no file, and the diagnostic says so.
    @Test func fileCountLoweredIsReported() throws {
        var archive = HandMadeSevenZip(members: Self.members, coder: .lzma(dictionary: 1 << 20))
        let headerSize = archive.bytes()[20..<28].reversed().reduce(0) { $0 << 8 | Int($1) }
        let fileList = 7 + Self.members.reduce(0) { $0 + ($1.name.utf16.count + 1) * 2 }
        archive.editHeader = { header in
            precondition(header[headerSize - fileList] == 0x05 && header[headerSize - fileList + 1] == 0x02)
            header[headerSize - fileList + 1] = 0x01
        }
        let result = importBytes(archive.bytes(), source: "case.7z")
        let error = try #require(result.errors.first, "\(result.events.count) events and no diagnostic")
        #expect(error.source == "case.7z")
        #expect(error.message.contains("2 data streams") && error.message.contains("names only 1 member"), "\(error.message)")
    }

    /// Garbage after the signature: a diagnostic, never a crash.
    @Test func garbageAfterTheSignatureIsReported() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let length = Int.random(in: 0..<200, using: &generator)
            let garbage = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let result = importBytes([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C] + garbage, source: "case.7z")
            #expect(!result.errors.isEmpty)
        }
    }
}

/// The 7-Zip command (`7z`, `7za` or `7zr` on the PATH), or nil when none is installed.
let sevenZipTool: String? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for folder in path.split(separator: ":") {
        for name in ["7z", "7za", "7zr"] where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
            return "\(folder)/\(name)"
        }
    }
    return nil
}()

/// Archives made by 7-Zip itself with the settings people use, read whole through the check.
@Suite("7-Zip archives made by 7-Zip", .enabled(if: sevenZipTool != nil, "7z, 7za or 7zr is not installed (apt-get install p7zip-full)"))
struct SevenZipToolArchiveTests {
    /// Runs 7-Zip on `members` written to a temporary folder with `options`; the archive's path.
    static func makeArchive(_ options: [String], in folder: URL) throws -> String {
        let tool = try #require(sevenZipTool)
        let content = folder.appendingPathComponent("case")
        try FileManager.default.createDirectory(at: content.appendingPathComponent("host"), withIntermediateDirectories: true)
        try Data(ArchiveFormatTests.log).write(to: content.appendingPathComponent("host/System.xml"))
        try Data(Fixtures.eventViewer.utf8).write(to: content.appendingPathComponent("host/Application.xml"))
        try Data(ArchiveFormatTests.log).write(to: content.appendingPathComponent("RDPClient.xml"))
        let archive = folder.appendingPathComponent("case.7z").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["a", "-bd", "-y"] + options + [archive, "case"]
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "7z \(options) failed")
        return archive
    }

    @Test(arguments: [
        ["-mx1"], ["-mx5"], ["-mx9"], ["-mx9", "-ms=off"], ["-mhc=off"], ["-m0=Copy"], ["-m0=PPMd"], ["-m0=BZip2"],
        ["-m0=Deflate"], ["-m0=BCJ2", "-m1=LZMA", "-m2=LZMA", "-m3=LZMA", "-mb0:1", "-mb0s1:2", "-mb0s2:3"],
    ])
    func archiveIsReadWhole(options: [String]) throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let archive = try Self.makeArchive(options, in: folder)
        let result = importPaths([archive])
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.events.count == 14)
    }

    @Test func encryptedFileListIsReportedAsEncrypted() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let archive = try Self.makeArchive(["-psecret", "-mhe=on"], in: folder)
        let result = importPaths([archive])
        let error = try #require(result.errors.first)
        #expect(result.diagnostics.count == 1, "\(result.diagnostics)")
        #expect(error.kind == .unreadable)
        #expect(error.message.contains("file list is encrypted"), "\(error.message)")
    }
}
