#if canImport(Glibc)
    import Glibc
#endif

/// Checks a 7-Zip archive's own headers before libarchive reads it, because libarchive allocates
/// whatever an LZMA or LZMA2 coder declares as its dictionary (up to 4 GiB), a PPMd coder as its
/// model memory, and its header parser per file, folder and stream as many entries as the header's
/// counts say; none of the importer's other limits bounds that.
///
/// The signature header gives the place of the header database at the end of the file. A plain
/// header (`kHeader`) is read and its folders' coders checked. A packed header (`kEncodedHeader`,
/// what 7-Zip writes by default) is described by a small StreamsInfo: its own coder is checked
/// first, then the header is unpacked here with liblzma (see ``SevenZipHeaderUnpacker``), and the
/// folders it lists are checked. The header database may be at most
/// ``ImportLimits/maxSevenZipHeaderBytes`` packed and unpacked, may declare at most
/// ``ImportLimits/maxSevenZipEntries`` files, folders or packed streams, and no coder may declare
/// more than ``ImportLimits/maxDecoderMemoryBytes``. Any value the check cannot verify refuses the
/// archive, so libarchive never sees a header that was not checked.
struct SevenZipPreflight {
    /// The size of the signature header at the start of every 7-Zip archive.
    static let signatureHeaderSize = 32
    private static let signature: [UInt8] = [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]

    let source: any ByteSource
    let name: String
    let limits: ImportLimits
    /// The input's decompression allowance: the packed header unpacked here counts against it,
    /// twice (libarchive unpacks it again), so that many small archives with large packed headers
    /// cost no more than the input's limits allow.
    let budget: ExpansionBudget

    /// What the check decided.
    enum Verdict: Equatable {
        /// libarchive may read the archive, whose file list should name `dataStreams` files with
        /// data (the main streams' unpacked streams): fewer members with data read means the file
        /// list is damaged and the rest of the data has no name.
        case accepted(dataStreams: Int)
        /// The archive is not read: the diagnostic (not yet reported) says why.
        case refused(ImportDiagnostic)
        /// Unpacking the header would pass the input's decompression budget (not yet reported).
        case budgetExhausted
    }

    /// Where a header database's bytes come from, for messages.
    private enum Origin {
        /// Read from the file at this offset.
        case file(Int)
        /// Unpacked from the packed header stored at this offset of the file.
        case unpacked(packedAt: Int)

        func describe(_ offset: Int) -> String {
            switch self {
            case .file(let start): "byte \(start.addingSaturated(offset)) of the file"
            case .unpacked(let packed): "byte \(offset) of the archive's header (packed at byte \(packed) of the file)"
            }
        }
    }

    /// Whether the archive may be handed to libarchive. The source's position is left anywhere:
    /// the caller rewinds it.
    func check() -> Verdict {
        if budget.isExhausted { return .budgetExhausted }
        switch checkHeaders() {
        case .accepted(let dataStreams): return .accepted(dataStreams: dataStreams)
        // Only the budget's own refusal comes with the budget exhausted: a dictionary or header
        // size refusal is decided before the header is counted, or after it was admitted.
        case .refused(let refusal) where refusal.kind == .decompressionLimit && budget.isExhausted: return .budgetExhausted
        case .refused(let refusal): return .refused(refusal)
        }
    }

    /// What checking a header database found.
    private enum HeaderCheck {
        /// The header may be handed to libarchive; its main streams hold this many files with data.
        case accepted(dataStreams: Int)
        /// The archive is not read: the diagnostic says why.
        case refused(ImportDiagnostic)
    }

    /// Whether the archive may be handed to libarchive, and the diagnostic that says why not.
    private func checkHeaders() -> HeaderCheck {
        guard source.seek(to: 0, whence: SEEK_SET) == 0, let fileSize = source.seek(to: 0, whence: SEEK_END),
            source.seek(to: 0, whence: SEEK_SET) == 0
        else {
            return refusal(.unreadable, "a 7-Zip archive needs random access, and this source cannot seek")
        }
        let start = source.readHead(Self.signatureHeaderSize)
        guard start.count == Self.signatureHeaderSize else {
            return refusal(.truncated, "the archive is cut off inside its 32-byte signature header")
        }
        guard start.starts(with: Self.signature) else { return refusal(.corruptArchive, "the 7-Zip signature is missing") }
        guard crc(start[12..<32]) == le32(start[8..<12]) else {
            return refusal(.corruptArchive, "the signature header (bytes 12 to 31) does not match its CRC")
        }
        let offset = le64(start[12..<20])
        let size = le64(start[20..<28])
        if size == 0 { return .accepted(dataStreams: 0) }  // an empty archive: libarchive says it holds no files
        let limit = UInt64(max(limits.maxSevenZipHeaderBytes, 0))
        guard size <= limit else {
            return refusal(
                .decompressionLimit,
                "the archive's header database is \(readableByteCount(size)) (signature header, byte 20), more than "
                    + "the \(readableByteCount(limit)) allowed")
        }
        let headerStart = UInt64(Self.signatureHeaderSize).addingReportingOverflow(offset)
        let headerEnd = headerStart.partialValue.addingReportingOverflow(size)
        guard !headerStart.overflow, !headerEnd.overflow, headerEnd.partialValue <= UInt64(max(fileSize, 0)) else {
            return refusal(
                .truncated,
                "the header database should end at byte \(headerStart.partialValue) + \(size), past the end of the file "
                    + "(\(fileSize) bytes): the archive is truncated or its signature header is damaged")
        }
        let headerOffset = Int(headerStart.partialValue)
        guard source.seek(to: Int64(headerOffset), whence: SEEK_SET) == Int64(headerOffset) else {
            return refusal(.unreadable, "the header database at byte \(headerOffset) cannot be read")
        }
        let header = source.readHead(Int(size))
        guard header.count == Int(size) else {
            return refusal(.truncated, "the file ends inside the header database at byte \(headerOffset)")
        }
        guard crc(header[...]) == le32(start[28..<32]) else {
            return refusal(.corruptArchive, "the header database at byte \(headerOffset) does not match its CRC")
        }
        return checkHeader(header, origin: .file(headerOffset), packedLimit: offset)
    }

    /// Checks a header database: a plain one, or a packed one (unpacked and checked in turn).
    /// `packedLimit` is where the packed streams end (the header database's offset after the signature header).
    private func checkHeader(_ header: [UInt8], origin: Origin, packedLimit: UInt64) -> HeaderCheck {
        var cursor = SevenZipCursor(header, maxEntries: limits.maxSevenZipEntries)
        do throws(SevenZipHeaderError) {
            let id = try cursor.byte()
            if id == SevenZipHeaderParser.kHeader {
                let (streams, main) = try SevenZipHeaderParser.headerStreams(&cursor)
                for info in streams {
                    if let refusal = checkFolders(info.folders, origin: origin) { return refusal }
                }
                return .accepted(dataStreams: main?.unpackStreams ?? 0)
            }
            guard id == SevenZipHeaderParser.kEncodedHeader, case .file = origin else {
                throw cursor.failure("expected a header (property id 1) or a packed header (23), found \(id)", at: 0)
            }
            let streams = try SevenZipHeaderParser.streamsInfo(&cursor)
            if let refusal = checkFolders(streams.folders, origin: origin) { return refusal }
            return unpackAndCheck(streams, origin: origin, packedLimit: packedLimit)
        } catch {
            if error.isLimit {
                return refusal(.decompressionLimit, "at \(origin.describe(error.offset)), \(error.reason)")
            }
            let kind: ImportDiagnostic.Kind = error.isTruncation ? .truncated : .corruptArchive
            return refusal(kind, "the header database is damaged at \(origin.describe(error.offset)): \(error.reason)")
        }
    }

    /// Unpacks the header a packed header describes (its first folder and packed stream, as
    /// libarchive does) and checks it.
    private func unpackAndCheck(_ streams: SevenZipStreamsInfo, origin: Origin, packedLimit: UInt64) -> HeaderCheck {
        guard let folder = streams.folders.first, let packedSize = streams.packSizes.first,
            let unpackedSize = folder.unpackSizes.first
        else {
            return refusal(.corruptArchive, "the packed header's description lists no packed stream or no folder")
        }
        let packEnd = streams.packPosition.addingReportingOverflow(packedSize)
        guard !packEnd.overflow, packEnd.partialValue <= packedLimit else {
            return refusal(
                .corruptArchive,
                "the packed header (at byte \(streams.packPosition) + 32, \(packedSize) bytes) is not before the header "
                    + "database")
        }
        let packedAt = Self.signatureHeaderSize + Int(streams.packPosition)
        let limit = UInt64(max(limits.maxSevenZipHeaderBytes, 0))
        guard unpackedSize <= limit, packedSize <= limit else {
            return refusal(
                .decompressionLimit,
                "the archive's header (packed at byte \(packedAt)) unpacks to \(readableByteCount(unpackedSize)), more "
                    + "than the \(readableByteCount(limit)) allowed")
        }
        if folder.coders.contains(where: { SevenZipMethod(id: $0.methodID) == .aes }) {
            return refusal(
                .unreadable,
                "the archive's file list is encrypted (password-protected, packed at byte \(packedAt)); nothing in it "
                    + "can be read: add the files to the case unencrypted")
        }
        guard folder.coders.count == 1, let coder = folder.coders.first, coder.inStreams == 1, coder.outStreams == 1 else {
            return refusal(
                .unsupportedType,
                "the archive's header (packed at byte \(packedAt)) is packed with \(folder.coders.count) chained coders; "
                    + "rdpcause unpacks headers packed with one Copy, LZMA or LZMA2 coder (what 7-Zip writes) to check "
                    + "the archive's dictionary sizes before reading it: re-pack the archive with 7-Zip")
        }
        let method = SevenZipMethod(id: coder.methodID)
        guard budget.admit(Int(unpackedSize).addingSaturated(Int(unpackedSize))) else {
            return refusal(.decompressionLimit, "the input's decompression budget is exhausted")
        }
        guard source.seek(to: Int64(packedAt), whence: SEEK_SET) == Int64(packedAt) else {
            return refusal(.unreadable, "the packed header at byte \(packedAt) cannot be read")
        }
        switch SevenZipHeaderUnpacker.unpack(
            method: method, properties: coder.properties, source: source, packedSize: Int(packedSize),
            unpackedSize: Int(unpackedSize))
        {
        case .failure(let failure):
            let unpackable = method == .copy || method == .lzma || method == .lzma2
            return refusal(
                failure.isTruncation ? .truncated : unpackable ? .corruptArchive : .unsupportedType,
                "the archive's header (packed at byte \(packedAt)) cannot be checked: \(failure.reason)"
                    + (unpackable ? "" : "; rdpcause checks the archive's dictionary sizes before reading it, so it "
                        + "reads only headers packed as 7-Zip packs them (Copy, LZMA, LZMA2): re-pack the archive with 7-Zip"))
        case .success(let header):
            if let expected = folder.crc, crc(header[...]) != expected {
                return refusal(.corruptArchive, "the archive's header (packed at byte \(packedAt)) does not match its CRC once unpacked")
            }
            return checkHeader(header, origin: .unpacked(packedAt: packedAt), packedLimit: packedLimit)
        }
    }

    /// Refuses the archive when a coder declares more decoder memory than the limit.
    private func checkFolders(_ folders: [SevenZipFolder], origin: Origin) -> HeaderCheck? {
        let limit = UInt64(max(limits.maxDecoderMemoryBytes, 0))
        for (folderIndex, folder) in folders.enumerated() {
            for coder in folder.coders {
                let method = SevenZipMethod(id: coder.methodID)
                guard let memory = method.declaredMemory(properties: coder.properties), memory > limit else { continue }
                return refusal(
                    .decompressionLimit,
                    "folder \(folderIndex + 1) of \(folders.count) declares \(method == .ppmd ? "a" : "an") \(method.name) \(method.memoryName) of "
                        + "\(readableByteCount(memory)) (\(memory) bytes, coder properties at "
                        + "\(origin.describe(coder.propertiesOffset))), more than the \(readableByteCount(limit)) rdpcause "
                        + "lets a 7-Zip decoder allocate (7-Zip's own maximum level uses 64 MiB); a hostile or unusual "
                        + "archive: re-pack it with a smaller dictionary (7z a -md=64m)")
            }
        }
        return nil
    }

    private func refusal(_ kind: ImportDiagnostic.Kind, _ reason: String) -> HeaderCheck {
        .refused(ImportDiagnostic(.error, kind, source: name, message: "the 7-Zip archive was not read: \(reason)"))
    }

    private func crc(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBytes { CRC32.checksum($0) }
    }

    /// A little-endian number of 8 bytes.
    private func le64(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// A little-endian number of 4 bytes.
    private func le32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }
}
