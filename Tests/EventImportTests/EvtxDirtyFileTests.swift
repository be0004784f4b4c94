import EventImport
import Foundation
import Testing

/// The 21 edge and dirty `.evtx` files of `corpus/evtx`: every recoverable record is read, the rest
/// is reported with chunk and file offset, nothing crashes or hangs, and nothing is made up.
@Suite("EVTX dirty and edge files", .enabled(if: sharedCorpusAvailable, "../shared/corpus is absent beside the repository"))
struct EvtxDirtyFileTests {
    /// Events, warnings and errors each file gives (established by reading them; see the reasons below).
    static let expected: [String: (events: Int, warnings: Int, errors: Int)] = [
        // Markup in ANSI strings; records left in free space.
        "omerbenamram-evtx__2-system-Microsoft-Windows-LiveId-Operational.evtx.zst": (399, 1, 0),
        // Written without checksums (flag 0x4): nothing to report but free-space leftovers.
        "omerbenamram-evtx__Application_no_crc32.evtx.zst": (17, 1, 0),
        "omerbenamram-evtx__E_ShadowCopy6_windows_system32_winevt_logs_Microsoft-Windows-CAPI2-Operational.evtx.zst": (459, 1, 0),
        "omerbenamram-evtx__E_Windows_system32_winevt_logs_Microsoft-Windows-CAPI2-Operational.evtx.zst": (340, 0, 0),
        "omerbenamram-evtx__E_Windows_system32_winevt_logs_Microsoft-Windows-Shell-Core-Operational.evtx.zst": (1146, 1, 0),
        "omerbenamram-evtx__MSExchange_Management_wec.evtx.zst": (1, 1, 0),
        // A zeroed record inside the record area: reported, no record 0 made up.
        "omerbenamram-evtx__Microsoft-Windows-HelloForBusiness-Operational.evtx.zst": (5, 1, 1),
        // Half-written last record: reported; records checksum mismatch.
        "omerbenamram-evtx__Microsoft-Windows-LanguagePackSetup-Operational.evtx.zst": (16, 2, 1),
        "omerbenamram-evtx__Security_with_size_t.evtx.zst": (636, 0, 0),
        "omerbenamram-evtx__issue_201.evtx.zst": (1, 1, 0),
        "omerbenamram-evtx__new-user-security.evtx.zst": (4, 1, 0),
        "omerbenamram-evtx__post-Security.evtx.zst": (126, 0, 0),
        "omerbenamram-evtx__sample-with-irregular-bool-values.evtx.zst": (3028, 1, 0),
        // Zeroed and signature-less chunks inside the used range, cut-short records, three checksum mismatches.
        "omerbenamram-evtx__sample_with_a_bad_chunk_magic.evtx.zst": (298, 4, 15),
        // Corrupt string-cache table: header checksum warning; names are read from the records.
        "omerbenamram-evtx__security_bad_string_cache.evtx.zst": (2261, 2, 0),
        // Eight chunks of garbage after chunk 8.
        "omerbenamram-evtx__sysmon.evtx.zst": (358, 0, 8),
        // Cut at 200,000 bytes: the complete records of the last chunk are read.
        "plaso__System2.evtx.zst": (283, 0, 2),
        "python-evtx__dns_log_malformed.evtx.zst": (5, 0, 0),
        // One record in the log and 38 older ones in free space (reported, not read as the log's).
        "python-evtx__issue_38.evtx.zst": (1, 1, 0),
        "python-evtx__issue_39.evtx.zst": (394, 1, 0),
        "python-evtx__issue_43.evtx.zst": (1730, 1, 0),
    ]

    @Test func everyEdgeFileHasItsExpectation() {
        #expect(Set(EvtxCorpus.dirty.map(\.file)) == Set(Self.expected.keys))
    }

    @Test(arguments: EvtxCorpus.dirty)
    func dirtyFileReadsItsRecoverableRecordsAndReportsTheRest(entry: EvtxCorpus.Entry) throws {
        let expected = try #require(Self.expected[entry.file])
        let result = importPaths([EvtxCorpus.evtxPath(entry.file)])
        #expect(result.events.count == expected.events)
        #expect(result.warnings.count == expected.warnings, "\(result.warnings.map(\.description))")
        #expect(result.errors.count == expected.errors, "\(result.errors.map(\.description))")
        // No event is made up from damaged bytes: each has its System identity and a time after 1990.
        let earliest = try #require(EventTimestamp(year: 1990, month: 1, day: 1))
        for event in result.events {
            #expect(event.recordID != nil && !event.channel.isEmpty && event.time > earliest, "\(event.locator)")
        }
        // Every diagnostic names the file and, for damage, the chunk and its file offset.
        for diagnostic in result.diagnostics {
            #expect(diagnostic.source.hasSuffix(entry.file))
            if diagnostic.severity == .error && diagnostic.kind == .damagedLog {
                #expect(diagnostic.message.contains("chunk ") && diagnostic.message.contains("file offset "))
            }
        }
    }

    /// SOURCES.md says 28 Data; the record's bytes hold 27 `Data` elements (one name definition and
    /// 26 references to it), empty ones included, and all 27 are kept.
    @Test func forwardedRecordWithoutTemplateKeepsItsUnnamedDataEmptyOnesIncluded() throws {
        let result = importPaths([EvtxCorpus.evtxPath("omerbenamram-evtx__MSExchange_Management_wec.evtx.zst")])
        let event = try #require(result.events.first)
        #expect(event.unnamedData.count == 27)
        #expect(event.unnamedData.filter(\.isEmpty).count == 11)
        #expect(event.unnamedData.first == "Set-Mailbox")
        #expect(event.recordID == 3229 && event.eventID == 1 && event.qualifiers == 16384)
    }

    @Test func sizeTValuesAreHexAsWindowsRendersThem() throws {
        let result = importPaths([EvtxCorpus.evtxPath("omerbenamram-evtx__Security_with_size_t.evtx.zst")])
        let values = result.events.compactMap { $0.field("ProcessId") }
        #expect(values.contains("0x4"))
        #expect(!values.isEmpty && values.allSatisfy { $0.hasPrefix("0x") && $0 == $0.lowercased() })
    }

    @Test func loneSurrogateBecomesAReplacementCharacterAndTheRecordIsRead() throws {
        let result = importPaths([EvtxCorpus.evtxPath("python-evtx__issue_43.evtx.zst")])
        let record = try #require(result.events.first { $0.recordID == 508 })
        #expect(record.fields.contains { $0.value.contains("\u{FFFD}") })
    }

    @Test func truncatedFileReportsWhereItEnds() {
        let result = importPaths([EvtxCorpus.evtxPath("plaso__System2.evtx.zst")])
        #expect(result.errors.contains { $0.kind == .truncated && $0.message.contains("64832 bytes into chunk 2") })
    }

    @Test func chunksWithoutSignatureAreReportedAndTheOthersRead() {
        let result = importPaths([EvtxCorpus.evtxPath("omerbenamram-evtx__sample_with_a_bad_chunk_magic.evtx.zst")])
        let unsigned = result.errors.filter { $0.message.contains("has no ElfChnk signature") }
        #expect(unsigned.map { $0.message.prefix(34) } == ["chunk 6 (file offset 397312) has n", "chunk 10 (file offset 659456) has "])
        #expect(result.events.contains { $0.recordID == 45_819 })
    }

    @Test func oldRecordsInFreeSpaceAreCountedNotRead() {
        let result = importPaths([EvtxCorpus.evtxPath("python-evtx__issue_38.evtx.zst")])
        #expect(result.events.map(\.origin.line) == [1])
        #expect(result.warnings.map(\.message).contains { $0.contains("holds 38 record(s)") })
    }

    /// An `ElfFile` signature is read as a binary log wherever it is, even cut short in its header.
    @Test func fileCutInsideItsHeaderIsReportedAsTruncated() throws {
        let bytes = Array("ElfFile\0".utf8) + [UInt8](repeating: 0, count: 120)
        let result = importBytes(bytes, source: "mystery.bin")
        let error = try #require(result.errors.first)
        #expect(result.errors.count == 1 && result.events.isEmpty)
        #expect(error.kind == .truncated && error.source == "mystery.bin")
        #expect(error.message.contains("ends inside its 4096-byte header"))
    }

    /// An `.evtx` is read wherever it is: a tar member and a zip member give the events of the file.
    @Test func evtxInsideArchivesIsReadNatively() throws {
        let path = EvtxCorpus.evtxPath("omerbenamram-evtx__new-user-security.evtx.zst")
        let whole = importPaths([path])
        let compressed = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let plain = zstdDecompress(compressed)
        #expect(plain.count == 69632)
        for (kind, archive) in [("tar", tarArchive([("logs/Security.evtx", plain)])), ("zip", writeArchive(.zip, [("Security.evtx", plain)]))] {
            let result = importBytes(archive, source: "case.\(kind)")
            #expect(result.events.map(\.fields) == whole.events.map(\.fields), "\(kind)")
            #expect(result.events.first?.origin.source.hasPrefix("case.\(kind)!") == true)
        }
    }

    /// Streaming: the same events whatever the read size (a chunk split across reads at odd places).
    @Test func oddReadSizesGiveTheSameEvents() throws {
        let path = EvtxCorpus.evtxPath("omerbenamram-evtx__new-user-security.evtx.zst")
        let whole = importPaths([path])
        let compressed = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let small = importBytes(compressed, source: "x.evtx.zst", chunkSize: 977)
        #expect(small.events.map(\.fields) == whole.events.map(\.fields))
        #expect(small.events.count == 4)
    }
}
