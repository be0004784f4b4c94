import EventImport
import Foundation

/// Archives and compressed streams: zip, 7-Zip, tar, zstd and `.tar.zst` read by the importer.
///
/// The input is imported from memory twice, in one chunk and in 509-byte chunks (a prime, so
/// chunk ends fall everywhere in the 512-byte tar blocks), and both must deliver the same. A zip
/// or 7-Zip archive is also written to a temporary file and imported from there, since the
/// importer reads those archives from files (seeking to their directory or header). A 7-Zip
/// archive's two header CRCs are recomputed first (see ``checksumsFixed(_:)``).
public enum ArchiveFuzzEntry {
    /// Runs one input.
    public static func run(_ input: [UInt8]) throws(FuzzInvariantViolation) {
        let input = checksumsFixed(input)
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

    /// A 7-Zip archive with the CRC of its header database (when that lies inside the input) and of
    /// its signature header recomputed, so that a mutation of the header reaches the header check
    /// and libarchive's parser instead of stopping at a CRC mismatch; other input unchanged.
    static func checksumsFixed(_ input: [UInt8]) -> [UInt8] {
        guard input.count >= 32, input.starts(with: [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) else { return input }
        func little(_ range: Range<Int>) -> UInt64 { input[range].reversed().reduce(0) { $0 << 8 | UInt64($1) } }
        func store(_ value: UInt32, at offset: Int, in bytes: inout [UInt8]) {
            for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
        }
        var fixed = input
        let offset = little(12..<20)
        let size = little(20..<28)
        if offset <= UInt64(input.count), size <= UInt64(input.count), 32 + offset + size <= UInt64(input.count) {
            let start = 32 + Int(offset)
            let crc = input[start..<(start + Int(size))].withUnsafeBytes { CRC32.checksum($0) }
            store(crc, at: 28, in: &fixed)
        }
        store(fixed[12..<32].withUnsafeBytes { CRC32.checksum($0) }, at: 8, in: &fixed)
        return fixed
    }

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
