import EventImport
import Testing

/// The same input at every chunk size, so a boundary falls inside a UTF-8 or UTF-16 sequence,
/// a tag, an attribute, a tar header and a zstd frame.
@Suite("Streaming at any chunk size")
struct StreamingTests {
    static let chunkSizes = [1, 2, 3, 7, 64, 509, 4096, 65_536, 1 << 20]

    static let inputs: [(name: String, bytes: [UInt8], reference: [UInt8])] = {
        let wevtutil = Array(Fixtures.wevtutil.utf8)
        let viewer = Array(Fixtures.eventViewer.utf8)
        let copy = Array(Fixtures.viewerCopy.utf8)
        return [
            ("wevtutil", wevtutil, wevtutil),
            ("event viewer", viewer, viewer),
            ("viewer copy", copy, copy),
            ("UTF-16LE event viewer", Fixtures.eventViewer.utf16Bytes(bigEndian: false), viewer),
            ("UTF-16BE wevtutil", Fixtures.wevtutil.utf16Bytes(bigEndian: true), wevtutil),
            ("zstd, 97-byte frames", zstdCompress(wevtutil, frameSize: 97), wevtutil),
        ]
    }()

    @Test(arguments: chunkSizes)
    func everyInputGivesIdenticalEventsAtThisChunkSize(chunkSize: Int) {
        for input in Self.inputs {
            let expected = importBytes(input.reference)
            let result = importBytes(input.bytes, chunkSize: chunkSize)
            #expect(result.diagnostics.isEmpty, "\(input.name) at \(chunkSize)")
            #expect(result.events.count == expected.events.count, "\(input.name) at \(chunkSize)")
            #expect(fingerprint(result.events) == fingerprint(expected.events), "\(input.name) at \(chunkSize)")
        }
    }

    @Test(arguments: [1, 5, 512, 4096])
    func tarOfCompressedMembersInsideZstdStreamsEveryMember(chunkSize: Int) throws {
        let tar = tarArchive([
            ("client/RDPClient.xml", Array(Fixtures.wevtutil.utf8)),
            ("host/System.events.xml.zst", zstdCompress(Array(Fixtures.eventViewer.utf8), frameSize: 300)),
            ("notes/ticket.txt", Array("User says: Error code: 0x904\r\nExtended error code: 0x7\r\n".utf8)),
        ])
        let result = importBytes(zstdCompress(tar, frameSize: 1000), source: "case.tar.zst", chunkSize: chunkSize)
        #expect(result.diagnostics.isEmpty)
        #expect(result.events.count == 8)
        #expect(result.events.first?.origin.source == "case.tar.zst!client/RDPClient.xml")
        #expect(result.events.last?.origin.source == "case.tar.zst!host/System.events.xml.zst")
        let document = try #require(result.documents.first)
        #expect(document.source == "case.tar.zst!notes/ticket.txt")
        #expect(document.text.contains("Extended error code: 0x7"))
    }
}
