import EventImport
import Foundation
import Testing

/// A hostile chunk whose elements name thousands of overlapping long "names" is stopped at the
/// per-chunk cap on decoded names, with a diagnostic, instead of decoding hundreds of MiB.
@Suite("EVTX hostile names")
struct EvtxHostileNamesTests {
    /// One chunk with one record: `elements` empty elements, each naming a different even offset
    /// inside a block of 0x3FFF units, so every name claims 16,383 characters (48 KiB as UTF-8).
    static func hostileLog(elements: Int) -> [UInt8] {
        let tokensStart = EvtxSynthetic.binXmlStart + 4  // after the fragment header
        let blockStart = tokensStart + elements * 10 + 1
        let blockBytes = 32_774 + elements * 2
        var binXml = [UInt8](repeating: 0, count: blockStart + blockBytes - EvtxSynthetic.binXmlStart)
        binXml.replaceSubrange(0..<4, with: [0x0F, 0x01, 0x01, 0x00])
        for index in 0..<elements {
            let token = tokensStart + index * 10 - EvtxSynthetic.binXmlStart
            binXml[token] = 0x01
            EvtxSynthetic.put(UInt32(0), at: token + 1, in: &binXml)
            EvtxSynthetic.put(UInt32(blockStart + index * 2), at: token + 5, in: &binXml)
            binXml[token + 9] = 0x03
        }
        // End of the record's XML (0x00, already there) at blockStart - 1; the block follows it.
        for offset in stride(from: blockStart, to: blockStart + blockBytes, by: 2) {
            EvtxSynthetic.put(UInt16(0x3FFF), at: offset - EvtxSynthetic.binXmlStart, in: &binXml)
        }
        return EvtxSynthetic.file(binXml: binXml)
    }

    @Test func overlappingLongNamesStopAtTheCapWithADiagnostic() throws {
        let result = importBytes(Self.hostileLog(elements: 2_500), source: "hostile.evtx")
        let error = try #require(result.errors.first { $0.message.contains("names take more than 1 MiB") })
        #expect(error.source == "hostile.evtx")
        #expect(result.events.isEmpty)
    }

    @Test func aFewLongNamesAreStillRead() {
        // Below the cap the same shape is read without a word about names (no event: no <Event>).
        let result = importBytes(Self.hostileLog(elements: 10), source: "few.evtx")
        #expect(!result.diagnostics.contains { $0.message.contains("names take more") }, "\(result.diagnostics.map(\.description))")
    }
}
