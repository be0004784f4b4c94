import EventImport
import Testing

/// A template instance's substitution table is checked once as a whole; a value that runs past the
/// chunk is still reported as the first such value, with its size and offset, and the record skipped.
@Suite("EVTX substitution tables")
struct EvtxValueTableTests {
    /// A record holding one template instance (inline definition, empty body) with three string
    /// values of `sizes` bytes; the value bytes themselves are left to whatever follows.
    static func log(sizes: [UInt16]) -> [UInt8] {
        var binXml: [UInt8] = [0x0F, 0x01, 0x01, 0x00]
        let instance = EvtxSynthetic.binXmlStart + binXml.count
        binXml += [0x0C, 0x01, 0, 0, 0, 0]
        binXml += withUnsafeBytes(of: UInt32(instance + 10).littleEndian, Array.init)
        binXml += [UInt8](repeating: 0, count: 20)  // next definition, GUID
        let body: [UInt8] = [0x0F, 0x01, 0x01, 0x00, 0x00]
        binXml += withUnsafeBytes(of: UInt32(body.count).littleEndian, Array.init) + body
        binXml += withUnsafeBytes(of: UInt32(sizes.count).littleEndian, Array.init)
        for size in sizes { binXml += withUnsafeBytes(of: size.littleEndian, Array.init) + [0x01, 0x00] }
        binXml += [UInt8](repeating: 0x41, count: 8) + [0x00]
        return EvtxSynthetic.file(binXml: binXml)
    }

    /// The chunk offset of the first value of ``log(sizes:)``.
    static let valuesStart = EvtxSynthetic.binXmlStart + 4 + 10 + 24 + 5 + 4 + 3 * 4

    @Test func aValuePastTheChunkIsNamedWithItsOffset() throws {
        let result = importBytes(Self.log(sizes: [2, 0xFFFF, 2]), source: "table.evtx")
        let offset = Self.valuesStart + 2
        let error = try #require(result.errors.first { $0.message.contains("is damaged") }, "\(result.diagnostics.map(\.description))")
        #expect(error.message.contains("a substitution value of 65535 bytes at offset \(offset) lies outside the chunk"), "\(error.message)")
        #expect(error.message.contains("at file offset \(4096 + offset))"), "\(error.message)")
        #expect(result.events.isEmpty)
    }

    @Test func valuesInsideTheChunkAreRead() {
        // The same record with values that fit: no damage reported (no event: the body holds no <Event>).
        let result = importBytes(Self.log(sizes: [2, 4, 2]), source: "table.evtx")
        #expect(!result.diagnostics.contains { $0.message.contains("is damaged") }, "\(result.diagnostics.map(\.description))")
    }
}
