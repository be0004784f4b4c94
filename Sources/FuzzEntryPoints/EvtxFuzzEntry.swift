import EventImport

/// Binary `.evtx` logs read by the native reader.
///
/// An input without the `ElfFile` signature gets one in front, so mutations are spent on the
/// header, chunks and records rather than on the signature. The input is imported in one chunk
/// and in 509-byte chunks (a prime, so reads end everywhere in the 64 KiB chunks and their
/// records), and both must deliver the same events and diagnostics.
public enum EvtxFuzzEntry {
    /// Runs one input.
    public static func run(_ input: [UInt8]) throws(FuzzInvariantViolation) {
        let bytes = input.starts(with: signature) ? input : signature + input
        let whole = ImportRun.importing(bytes, source: "fuzz.evtx", chunkSize: max(1, bytes.count))
        let chunked = ImportRun.importing(bytes, source: "fuzz.evtx", chunkSize: smallChunk)
        try chunked.expectSame(as: whole, what: "\(smallChunk)-byte chunks vs one chunk")
    }

    private static let signature = Array("ElfFile\0".utf8)
    private static let smallChunk = 509
}
