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

    @Test(arguments: EvtxCorpus.paired)
    func evtxGivesTheEventsOfItsXML(entry: EvtxCorpus.Entry) throws {
        let xmlName = try #require(entry.pairedXML)
        let evtx = importPaths([EvtxCorpus.evtxPath(entry.file)])
        let xml = importPaths([EvtxCorpus.xmlPath(xmlName)])
        #expect(evtx.diagnostics.isEmpty, "\(evtx.diagnostics.prefix(5).map(\.description))")
        #expect(xml.events.count == entry.pairedCount)
        #expect(evtx.events.count == xml.events.count)
        var mismatches: [String] = []
        for (index, (mine, theirs)) in zip(evtx.events, xml.events).enumerated() {
            if let difference = evtxMismatch(evtx: mine, xml: theirs) {
                mismatches.append("event \(index) (record \(theirs.recordID.map(String.init) ?? "?")): \(difference)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches; first: \(mismatches.prefix(3))")
    }
}
