import Foundation
import ZIPFoundation

#if canImport(Glibc)
    import Glibc
#endif

/// Streams everything a support engineer collected into normalized events.
///
/// Inputs are files, folders (recursive, in sorted order) and archives (`.zip`, `.tar`, `.zst`,
/// `.tar.zst`/`.tzst`, `.xml.zst`), recognised by content rather than by name. Nothing is
/// extracted to disk and no file is loaded whole: each byte passes once through a pipeline of
/// stages (decompression, tar, decoding, XML) that hands each event to
/// ``ImportHandlers/onEvent`` as soon as it is complete.
///
/// ```swift
/// let importer = EventImporter(handlers: ImportHandlers(onEvent: { print($0.eventID) }))
/// importer.importPaths(["case-1234.zip"])
/// print(importer.statistics.events, importer.statistics.errors)
/// ```
///
/// Every problem becomes an ``ImportDiagnostic`` naming file, member and position; the rest of
/// the input is still read.
public final class EventImporter {
    private let context: ImportContext
    private let chunkSize: Int
    private var readBuffer: UnsafeMutableRawPointer

    /// Creates an importer.
    ///
    /// - Parameters:
    ///   - handlers: Where events, diagnostics and text documents go.
    ///   - limits: Protection against hostile input.
    ///   - chunkSize: Bytes read from disk at a time.
    public init(handlers: ImportHandlers, limits: ImportLimits = ImportLimits(), chunkSize: Int = 1 << 20) {
        context = ImportContext(handlers: handlers, limits: limits)
        self.chunkSize = max(1, chunkSize)
        readBuffer = UnsafeMutableRawPointer.allocate(byteCount: self.chunkSize, alignment: 16)
    }

    deinit {
        readBuffer.deallocate()
    }

    /// Counters for everything imported so far.
    public var statistics: ImportStatistics { context.statistics }

    /// Imports each path: a file, a folder (recursively) or an archive.
    public func importPaths(_ paths: [String]) {
        for path in paths { importPath(path) }
    }

    /// Imports one path: a file, a folder (recursively) or an archive.
    public func importPath(_ path: String) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            context.report(ImportDiagnostic(.error, .unreadable, source: path, message: "no such file or folder"))
            return
        }
        if isDirectory.boolValue {
            importDirectory(path)
        } else {
            importFile(path, displayName: path)
        }
    }

    /// Imports bytes held in memory, fed to the pipeline in chunks of `chunkSize` (for tests and
    /// for callers that receive data from elsewhere). Zip archives need a file and are reported.
    public func importData(_ data: [UInt8], source: String, chunkSize: Int? = nil) {
        context.statistics.inputs += 1
        context.statistics.bytesRead += data.count
        let sink = ContentSniffer(source: source, context: context)
        let step = max(1, chunkSize ?? self.chunkSize)
        data.withUnsafeBytes { all in
            var offset = 0
            while offset < all.count && !sink.isDone {
                let end = min(offset + step, all.count)
                sink.consume(UnsafeRawBufferPointer(rebasing: all[offset..<end]))
                offset = end
            }
        }
        sink.finish()
    }

    // MARK: - Folders

    private func importDirectory(_ path: String) {
        let manager = FileManager.default
        guard let enumerator = manager.enumerator(atPath: path) else {
            context.report(ImportDiagnostic(.error, .unreadable, source: path, message: "the folder cannot be listed"))
            return
        }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let components = relative.split(separator: "/")
            if components.contains(where: { $0.hasPrefix(".") || $0 == "__MACOSX" }) { continue }
            let full = (path as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            if manager.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(full)
            }
        }
        for file in files.sorted() {
            importFile(file, displayName: file)
        }
    }

    // MARK: - Files

    private func importFile(_ path: String, displayName: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            context.report(ImportDiagnostic(.error, .unreadable, source: displayName, message: "cannot open: \(reason)"))
            return
        }
        defer { close(descriptor) }
        var magic = [UInt8](repeating: 0, count: 4)
        let peeked = magic.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, 4, 0) }
        if peeked == 4 && magic[0] == 0x50 && magic[1] == 0x4B && (magic[2] == 0x03 || magic[2] == 0x05) {
            importZip(path, displayName: displayName)
            return
        }
        context.statistics.inputs += 1
        let sink = ContentSniffer(source: displayName, context: context)
        while !sink.isDone {
            // Plain XML is read straight into the parser's buffer once parsing has started.
            let direct = sink.directBuffer(capacity: chunkSize)
            let count = readRetrying(descriptor, direct?.baseAddress ?? readBuffer, chunkSize)
            if count < 0 {
                let reason = String(cString: strerror(errno))
                context.report(
                    ImportDiagnostic(.error, .unreadable, source: displayName, message: "read failed: \(reason)"))
                break
            }
            if count == 0 { break }
            context.statistics.bytesRead += count
            if direct != nil {
                sink.consumeDirect(count)
            } else {
                sink.consume(UnsafeRawBufferPointer(start: readBuffer, count: count))
            }
        }
        sink.finish()
    }

    // MARK: - Zip

    private func importZip(_ path: String, displayName: String) {
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            context.report(
                ImportDiagnostic(
                    .error, .corruptArchive, source: displayName,
                    message: "not a readable zip archive (\(error)); nothing in it was read"))
            return
        }
        if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int {
            context.statistics.bytesRead += size
        }
        var entries: [Entry] = []
        for entry in archive where entry.type == .file {
            let components = entry.path.split(separator: "/")
            if components.contains(where: { $0.hasPrefix(".") || $0 == "__MACOSX" }) { continue }
            entries.append(entry)
        }
        for entry in entries {
            importZipEntry(entry, of: archive, source: displayName + "!" + entry.path)
        }
    }

    private func importZipEntry(_ entry: Entry, of archive: Archive, source: String) {
        let limits = context.limits
        let declared = Int(clamping: entry.uncompressedSize)
        let compressed = max(Int(clamping: entry.compressedSize), 1)
        if declared > limits.maxExpandedBytes
            || (declared > limits.ratioGraceBytes && declared / compressed > limits.maxExpansionRatio)
        {
            context.report(
                ImportDiagnostic(
                    .error, .decompressionLimit, source: source,
                    message:
                        "skipped: the member declares \(declared) bytes from \(compressed) compressed, past the "
                        + "size or ratio limit (a decompression bomb)"))
            return
        }
        context.statistics.inputs += 1
        let sink = ContentSniffer(source: source, context: context)
        var expanded = 0
        struct LimitExceeded: Error {}
        do {
            let checksum = try archive.extract(entry, bufferSize: 1 << 18, skipCRC32: false) { data in
                expanded += data.count
                if expanded > limits.maxExpandedBytes
                    || (expanded > limits.ratioGraceBytes && expanded / compressed > limits.maxExpansionRatio)
                {
                    throw LimitExceeded()
                }
                if sink.isDone { return }
                data.withUnsafeBytes { sink.consume($0) }
            }
            sink.finish()
            if checksum != entry.checksum {
                context.report(
                    ImportDiagnostic(
                        .error, .corruptArchive, source: source,
                        message: "the member's CRC-32 does not match its content: it is damaged; events read from it may be wrong"))
            }
        } catch is LimitExceeded {
            sink.finish()
            context.report(
                ImportDiagnostic(
                    .error, .decompressionLimit, source: source,
                    message:
                        "decompression stopped after \(expanded) bytes: past the size or ratio limit "
                        + "(a decompression bomb); the rest of the member was skipped"))
        } catch {
            sink.finish()
            context.report(
                ImportDiagnostic(
                    .error, .corruptArchive, source: source,
                    message: "the member is damaged (\(error)); what came before the damage was read"))
        }
    }
}

/// `read(2)` that retries on `EINTR`; returns the byte count, 0 at end of file, -1 on error.
func readRetrying(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    while true {
        let result = read(descriptor, buffer, count)
        if result < 0 && errno == EINTR { continue }
        return result
    }
}
