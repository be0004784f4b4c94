import CZstd
import EventImport
import Foundation

/// What one import produced.
struct ImportResult {
    var events: [WinEvent] = []
    var diagnostics: [ImportDiagnostic] = []
    var documents: [TextDocument] = []
    var statistics = ImportStatistics()

    var errors: [ImportDiagnostic] { diagnostics.filter { $0.severity == .error } }
    var warnings: [ImportDiagnostic] { diagnostics.filter { $0.severity == .warning } }
}

/// Collects everything an importer delivers.
final class Collector {
    var result = ImportResult()

    func makeImporter(limits: ImportLimits = ImportLimits(), chunkSize: Int = 1 << 20) -> EventImporter {
        EventImporter(
            handlers: ImportHandlers(
                onEvent: { [unowned self] in self.result.events.append($0) },
                onDiagnostic: { [unowned self] in self.result.diagnostics.append($0) },
                onDocument: { [unowned self] in self.result.documents.append($0) }),
            limits: limits, chunkSize: chunkSize)
    }
}

/// Imports in-memory bytes at the given chunk size.
func importBytes(
    _ bytes: [UInt8], source: String = "input.xml", chunkSize: Int = 1 << 20, limits: ImportLimits = ImportLimits()
) -> ImportResult {
    let collector = Collector()
    // The importer reads at most its own chunk size at a time, so a larger feed needs a larger importer chunk.
    let importer = collector.makeImporter(limits: limits, chunkSize: max(chunkSize, 1 << 20))
    importer.importData(bytes, source: source, chunkSize: chunkSize)
    collector.result.statistics = importer.statistics
    return collector.result
}

/// Imports files or folders.
func importPaths(_ paths: [String], limits: ImportLimits = ImportLimits(), chunkSize: Int = 1 << 20) -> ImportResult {
    let collector = Collector()
    let importer = collector.makeImporter(limits: limits, chunkSize: chunkSize)
    importer.importPaths(paths)
    collector.result.statistics = importer.statistics
    return collector.result
}

/// The shared reference folder beside the repository (or `$RDPCAUSE_SHARED`), or nil when it is absent.
let sharedFolder: URL? = {
    if let override = ProcessInfo.processInfo.environment["RDPCAUSE_SHARED"] {
        return URL(fileURLWithPath: override)
    }
    let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let shared = repository.deletingLastPathComponent().appendingPathComponent("shared")
    return FileManager.default.fileExists(atPath: shared.appendingPathComponent("corpus/real").path) ? shared : nil
}()

/// Says why shared-corpus tests are skipped, once, on standard error.
let sharedCorpusAvailable: Bool = {
    if sharedFolder == nil {
        FileHandle.standardError.write(
            Data("note: ../shared/corpus/real is absent beside the repository; the real-corpus tests are skipped\n".utf8))
    }
    return sharedFolder != nil
}()

/// zstd-compresses bytes (one frame per `frameSize` bytes, to put frame boundaries inside the data).
func zstdCompress(_ bytes: [UInt8], level: Int32 = 3, frameSize: Int? = nil) -> [UInt8] {
    let step = frameSize ?? max(bytes.count, 1)
    var output: [UInt8] = []
    var offset = 0
    repeat {
        let end = min(offset + step, bytes.count)
        let slice = Array(bytes[offset..<end])
        let bound = ZSTD_compressBound(slice.count)
        var frame = [UInt8](repeating: 0, count: bound)
        let written = frame.withUnsafeMutableBytes { out in
            slice.withUnsafeBytes { input in
                ZSTD_compress(out.baseAddress, bound, input.baseAddress, slice.count, level)
            }
        }
        output.append(contentsOf: frame.prefix(written))
        offset = end
    } while offset < bytes.count
    return output
}

/// A minimal ustar archive of the given members.
func tarArchive(_ members: [(name: String, bytes: [UInt8])]) -> [UInt8] {
    var archive: [UInt8] = []
    for member in members {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int) {
            for (index, byte) in text.utf8.enumerated() { header[offset + index] = byte }
        }
        put(member.name, at: 0)
        put("0000644", at: 100)
        put("0000000", at: 108)
        put("0000000", at: 116)
        let size = String(member.bytes.count, radix: 8)
        put(String(repeating: "0", count: 11 - size.count) + size, at: 124)
        put("00000000000", at: 136)
        header[156] = UInt8(ascii: "0")
        put("ustar", at: 257)
        put("00", at: 263)
        for index in 148..<156 { header[index] = 0x20 }
        let sum = header.reduce(0) { $0 + Int($1) }
        let checksum = String(sum, radix: 8)
        put(String(repeating: "0", count: 6 - checksum.count) + checksum, at: 148)
        header[154] = 0
        header[155] = 0x20
        archive += header
        archive += member.bytes
        archive += [UInt8](repeating: 0, count: (512 - member.bytes.count % 512) % 512)
    }
    archive += [UInt8](repeating: 0, count: 1024)
    return archive
}

extension String {
    /// The string encoded as UTF-16 with a byte-order mark.
    func utf16Bytes(bigEndian: Bool, bom: Bool = true) -> [UInt8] {
        var bytes: [UInt8] = bom ? (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) : []
        for unit in utf16 {
            let high = UInt8(unit >> 8)
            let low = UInt8(unit & 0xFF)
            bytes += bigEndian ? [high, low] : [low, high]
        }
        return bytes
    }
}

/// A fresh temporary folder, removed by the caller.
func makeTemporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("rdpcause-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Events reduced to what must not depend on how the input was chunked or packed.
func fingerprint(_ events: [WinEvent]) -> [String] {
    events.map { event in
        var copy = event
        copy.origin.source = ""
        return String(describing: copy)
    }
}

/// Events reduced to what they say, without where they came from (source, line, offset), for
/// comparing the same records read from inputs of different shapes or lengths.
func contentFingerprint(_ events: [WinEvent]) -> [String] {
    events.map { event in
        var copy = event
        copy.origin = EventOrigin(source: "", line: 0)
        return String(describing: copy)
    }
}

/// The folder `SampleLogs` of this repository.
let sampleLogsFolder: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("SampleLogs")
