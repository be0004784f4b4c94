import EventImport
import Foundation
import Testing

/// Every paired `.evtx` original read natively gives, event by event, what the XML importer reads
/// from its XML rendering, with exactly the four tolerances of `corpus/evtx/SOURCES.md`.
@Suite("EVTX paired corpus", .enabled(if: sharedCorpusAvailable, "../shared/corpus is absent beside the repository"))
struct EvtxPairedCorpusTests {
    @Test func sourcesListsSixtySixPairedAndTwentyOneEdgeFiles() {
        #expect(EvtxCorpus.paired.count == 66)
        #expect(EvtxCorpus.dirty.count == 21)
    }

    /// Records the XML lacks because its converter stops reading a chunk at the first damaged
    /// record, while this reader skips that record and reads the rest of the chunk: file → count.
    static let recoveredBeyondXML: [String: Int] = [
        "omerbenamram-evtx__sample-with-zero-data-size-event.evtx.zst": 114,
        "omerbenamram-evtx__2-vss_0-Microsoft-Windows-RemoteDesktopServices-RdpCoreTS-Operational.evtx.zst": 40,
        "omerbenamram-evtx__2-vss_0-Microsoft-Windows-TerminalServices-RemoteConnectionManager-Operational.evtx.zst": 21,
    ]

    /// Events are compared record by record (the XML lists a wrapped log oldest chunk first, this
    /// reader in file order).
    @Test(arguments: EvtxCorpus.paired)
    func evtxGivesTheEventsOfItsXML(entry: EvtxCorpus.Entry) throws {
        let xmlName = try #require(entry.pairedXML)
        let evtx = importPaths([EvtxCorpus.evtxPath(entry.file)])
        let xml = importPaths([EvtxCorpus.xmlPath(xmlName)])
        #expect(xml.events.count == entry.pairedCount)
        let recovered = Self.recoveredBeyondXML[entry.file] ?? 0
        #expect(evtx.events.count == xml.events.count + recovered)
        if recovered == 0 {
            // A wrapped or cleared log keeps older records in its chunks' free space: one warning says so.
            let problems = evtx.diagnostics.filter { !$0.message.contains("that are not part of the log") }
            #expect(problems.isEmpty, "\(problems.prefix(5).map(\.description))")
            #expect(evtx.warnings.count <= 1)
        } else {
            #expect(evtx.errors.contains { $0.kind == .damagedLog }, "the damaged record is reported")
        }
        var byRecord: [UInt64: [WinEvent]] = [:]
        for event in evtx.events { byRecord[event.recordID ?? .max, default: []].append(event) }
        var mismatches: [String] = []
        for theirs in xml.events {
            let key = theirs.recordID ?? .max
            guard var candidates = byRecord[key], !candidates.isEmpty else {
                mismatches.append("record \(key): not read from the .evtx")
                continue
            }
            let mine = candidates.removeFirst()
            byRecord[key] = candidates
            if let difference = evtxMismatch(evtx: mine, xml: theirs) {
                mismatches.append("record \(key): \(difference)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches; first: \(mismatches.prefix(3))")
        #expect(byRecord.values.reduce(0) { $0 + $1.count } == recovered)
    }
}
