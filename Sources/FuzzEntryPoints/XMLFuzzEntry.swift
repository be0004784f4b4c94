import Diagnosis

/// The XML event reader fed in chunks: the first byte chooses the chunk size, the rest is the file.
///
/// The same bytes are also imported in one piece, and both imports must deliver the same events,
/// diagnostics and documents: where a chunk ends must never change what is read.
public enum XMLFuzzEntry {
    /// Runs one input.
    public static func run(_ input: [UInt8]) throws(FuzzInvariantViolation) {
        guard let selector = input.first else { return }
        let file = Array(input.dropFirst())
        let chunkSize = chunkSize(selector: selector)
        let chunked = ImportRun.importing(file, source: "fuzz.xml", chunkSize: chunkSize)
        for document in chunked.documents {
            _ = ClientReport.parse(document)
        }
        guard chunkSize < file.count else { return }
        let whole = ImportRun.importing(file, source: "fuzz.xml", chunkSize: file.count)
        try chunked.expectSame(as: whole, what: "\(chunkSize)-byte chunks vs one chunk")
    }

    /// Selector bytes 0x00–0x7F give chunks of 1–128 bytes; 0x80–0xFF give 512, 1024, … 65,536 bytes.
    public static func chunkSize(selector: UInt8) -> Int {
        selector < 0x80 ? Int(selector) + 1 : (Int(selector) - 0x7F) << 9
    }
}
