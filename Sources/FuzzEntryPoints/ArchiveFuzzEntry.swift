import EventImport
import Foundation

/// Archives and compressed streams: zip, 7-Zip, tar, zstd and `.tar.zst` read by the importer.
///
/// The input is imported from memory twice, in one chunk and in 509-byte chunks (a prime, so
/// chunk ends fall everywhere in the 512-byte tar blocks), and both must deliver the same. A zip
/// or 7-Zip archive is also written to a temporary file and imported from there, since the
/// importer reads those archives from files (seeking to their directory or header).
public enum ArchiveFuzzEntry {
    /// Runs one input.
    public static func run(_ input: [UInt8]) throws(FuzzInvariantViolation) {
        let whole = ImportRun.importing(input, source: "fuzz.archive", chunkSize: max(1, input.count))
        if input.count > smallChunk {
            let chunked = ImportRun.importing(input, source: "fuzz.archive", chunkSize: smallChunk)
            try chunked.expectSame(as: whole, what: "\(smallChunk)-byte chunks vs one chunk")
        }
        if input.starts(with: [0x50, 0x4B]) || input.starts(with: [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) {
            importFromFile(input)
        }
    }

    private static let smallChunk = 509

    private static func importFromFile(_ input: [UInt8]) {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("rdpcause-fuzz-\(UUID().uuidString).archive").path
        guard FileManager.default.createFile(atPath: path, contents: Data(input)) else { return }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let importer = EventImporter(
            handlers: ImportHandlers(
                onEvent: { _ = NDJSON.line(for: $0) },
                onDiagnostic: { _ = $0.description }),
            limits: ImportRun.limits, chunkSize: 1 << 16)
        importer.importPath(path)
    }
}
