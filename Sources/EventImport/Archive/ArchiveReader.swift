import CArchive

#if canImport(Glibc)
    import Glibc
#endif

/// How libarchive is asked to read an input, decided from its first bytes.
enum ArchiveLayout: Equatable {
    /// A zip read through its central directory (needs a seekable source).
    case zipCentralDirectory
    /// A zip read member by member from its local headers (any source).
    case zipLocalHeaders
    /// A 7-Zip archive (needs a seekable source).
    case sevenZip
    /// A tar archive (ustar, pax, GNU, v7).
    case tar
    /// A gzip, bzip2 or xz stream: a tar inside it, or one compressed file.
    case compressedStream
}

/// Reads the members of one archive or compressed stream with libarchive, pulling the archive's
/// bytes from a ``ByteSource`` and handing each regular-file member on as a ``ByteSource``.
///
/// Every libarchive error is reported with the archive (and member) name and the library's own
/// message. Encrypted members are reported by name and skipped; the other members are read.
/// Decompressed bytes (libarchive's filters, compressed zip and 7-Zip members) count against
/// the input's ``ExpansionBudget``; once it is exhausted the archive is not read further.
final class ArchiveReader {
    /// How reading the members ended.
    enum Outcome: Equatable {
        /// Every member was reached.
        case complete
        /// The archive could not be opened or a header could not be read: the library's message,
        /// not yet reported, so that the caller can try another way first.
        case damaged(String)
        /// A member's data was damaged (reported); libarchive cannot go on, but a new reader over
        /// the same seekable source can resume after ``lastOrdinal``.
        case memberDamaged
        /// The input's decompression budget ran out (reported).
        case budgetExhausted
        /// Resuming after a damaged member failed: libarchive cannot pass over it (a 7-Zip member
        /// in a solid block must be decompressed to reach the next one).
        case cannotResume
    }

    private let archive: OpaquePointer
    private let layout: ArchiveLayout
    private let source: any ByteSource
    private let name: String
    private let context: ImportContext
    private let budget: ExpansionBudget
    private let buffer: UnsafeMutableRawPointer
    private let bufferCapacity: Int
    private var opened = false
    private var filterBytesCounted: Int64 = 0
    private var countsMemberBytes = false
    private var memberOpen = false
    private var memberName = ""
    /// The current member's unread data: a block libarchive lent, and zeros for a sparse hole.
    private var block: UnsafeRawPointer?
    private var blockRemaining = 0
    private var holeRemaining = 0
    /// The offset in the member just after the last block.
    private var memberOffset = 0
    /// True when the current member's data ended at damage or at the budget (reported).
    fileprivate private(set) var memberEndedEarly = false
    /// libarchive's warning that came with the member's last block, reported after it.
    private var deferredWarning: String?
    /// True while passing over a member whose damage was reported by an earlier reader.
    private var quietDamage = false
    private var fatal = false
    private var fatalInMemberData = false
    /// Set by the read callback when the budget ran out while libarchive was decompressing.
    private var budgetStoppedRead = false
    /// The 0-based position, among the archive's headers, of the last member reached.
    private(set) var lastOrdinal = -1
    /// Paths of the members reached, so that a reading by another layout can skip them.
    private(set) var reachedPaths: Set<String> = []
    /// The positions, among the archive's headers, of the members met that hold data (whether
    /// read, passed over or refused), for the check of a 7-Zip file list against its data streams.
    private(set) var dataOrdinals: Set<Int> = []

    /// How many bytes of the archive libarchive is handed at a time: always this many (fewer only
    /// at the end), whatever the size of the reads the source answers, so that what libarchive
    /// decodes before damage (it drops the output of a call that fails) never depends on them.
    static let supplySize = 1 << 18

    /// Creates a reader over `source`; nil when libarchive cannot allocate its state.
    init?(layout: ArchiveLayout, source: any ByteSource, name: String, context: ImportContext, budget: ExpansionBudget) {
        guard let archive = archive_read_new() else { return nil }
        self.archive = archive
        self.layout = layout
        self.source = source
        self.name = name
        self.context = context
        self.budget = budget
        bufferCapacity = Self.supplySize
        buffer = UnsafeMutableRawPointer.allocate(byteCount: bufferCapacity, alignment: 16)
        switch layout {
        case .zipCentralDirectory:
            archive_read_support_format_zip_seekable(archive)
        case .zipLocalHeaders:
            archive_read_support_format_zip_streamable(archive)
        case .sevenZip:
            archive_read_support_format_7zip(archive)
        case .tar:
            archive_read_support_format_tar(archive)
        case .compressedStream:
            archive_read_support_filter_gzip(archive)
            archive_read_support_filter_bzip2(archive)
            archive_read_support_filter_xz(archive)
            archive_read_support_format_tar(archive)
            archive_read_support_format_raw(archive)
        }
    }

    deinit {
        archive_read_free(archive)
        buffer.deallocate()
    }

    /// Opens the archive and calls `body` with the display name (`archive!member`) and the data
    /// of every regular-file member, in archive order. Dot-files, `__MACOSX`, the first
    /// `resumeAfter` headers and the paths in `skipping` are passed over.
    func readMembers(resumeAfter: Int = 0, skipping: Set<String> = [], _ body: (String, any ByteSource) -> Void)
        -> Outcome
    {
        guard open() else { return budgetStoppedRead ? stopped() : .damaged(libraryMessage()) }
        let member = ArchiveMemberSource(reader: self)
        var ordinal = -1
        var resynchronizing = false
        while !fatal {
            var entryPointer: OpaquePointer?
            let status = archive_read_next_header(archive, &entryPointer)
            if status == ARCHIVE_EOF { return .complete }
            if ordinal < 0 {
                let format = archive_format(archive) & ARCHIVE_FORMAT_BASE_MASK
                countsMemberBytes = format == ARCHIVE_FORMAT_ZIP || format == ARCHIVE_FORMAT_7ZIP
            }
            guard accountFilterOutput() else { return stopped() }
            if status == ARCHIVE_RETRY {
                // A damaged header: libarchive tries the next block. Say so once per damaged run.
                if !resynchronizing {
                    resynchronizing = true
                    let position = archive_read_header_position(archive)
                    report(
                        ARCHIVE_FAILED, source: name,
                        "damaged header at byte \(position) (libarchive: \(libraryMessage())); the data up to the next "
                            + "intact member was skipped")
                }
                continue
            }
            resynchronizing = false
            guard status > ARCHIVE_FATAL, let entry = entryPointer else {
                return budgetStoppedRead ? stopped() : .damaged(libraryMessage())
            }
            ordinal += 1
            lastOrdinal = ordinal
            if archive_entry_size_is_set(entry) != 0 && archive_entry_size(entry) > 0 { dataOrdinals.insert(ordinal) }
            let path = memberPath(entry)
            let isRaw = archive_format(archive) & ARCHIVE_FORMAT_BASE_MASK == ARCHIVE_FORMAT_RAW
            let display = isRaw ? name : name + "!" + path
            guard ordinal >= resumeAfter, !skipping.contains(path) else {
                // Already handled by an earlier reader: its damage was reported then.
                guard passOver(display, quietly: true) else { return fatalInMemberData ? .cannotResume : stopped() }
                continue
            }
            reachedPaths.insert(path)
            if archive_entry_is_encrypted(entry) != 0 {
                context.report(
                    ImportDiagnostic(
                        .error, .unreadable, source: display,
                        message:
                            "the member is encrypted (password-protected) and was not read; add it to the case "
                            + "unencrypted"))
                continue
            }
            if status == ARCHIVE_FAILED {
                report(status, source: display, "the member cannot be read (libarchive: \(libraryMessage())); it was skipped")
                continue
            }
            if status == ARCHIVE_WARN {
                report(status, source: display, "libarchive: \(libraryMessage())")
            }
            guard carchive_entry_is_regular_file(entry) != 0, !isHidden(path) else {
                guard passOver(display) else { return stopped() }
                continue
            }
            startMember(display)
            body(display, member)
            guard passOver(display) else { return stopped() }
            // A member's own decompression exhausted the budget: this archive cannot go on
            // if it decompresses too.
            if budget.isExhausted && (countsMemberBytes || archive_filter_count(archive) > 1) { return stopped() }
        }
        return stopped()
    }

    /// Why reading stopped before the end.
    private func stopped() -> Outcome {
        if budgetStoppedRead || budget.isExhausted {
            if !fatal { budget.reportExhausted(at: memberOpen ? memberName : name, context: context) }
            return .budgetExhausted
        }
        return fatalInMemberData ? .memberDamaged : .damaged(libraryMessage())
    }

    // MARK: - Member data

    /// Reads the current member's data; 0 at its end or after damage (reported).
    fileprivate func readMemberData(into target: UnsafeMutableRawBufferPointer) -> Int {
        guard let base = target.baseAddress, !target.isEmpty else { return 0 }
        while blockRemaining == 0 && holeRemaining == 0 {
            guard nextBlock() else { return 0 }
        }
        if holeRemaining > 0 {
            let count = min(target.count, holeRemaining)
            base.initializeMemory(as: UInt8.self, repeating: 0, count: count)
            holeRemaining -= count
            return count
        }
        let count = min(target.count, blockRemaining)
        if let block { base.copyMemory(from: block, byteCount: count) }
        block = block.map { $0 + count }
        blockRemaining -= count
        return count
    }

    /// Moves to the member's next block of data, which libarchive hands over without a copy. A
    /// failing call delivers nothing, so the blocks before damage all reach the reader; a warning
    /// (a zip member's CRC mismatch) may come with the member's last block, which is delivered
    /// first, and the warning reported at the next call, as when it comes alone. False at the end
    /// of the member or after damage (reported).
    private func nextBlock() -> Bool {
        guard memberOpen, !fatal else { return false }
        if let warning = deferredWarning {
            deferredWarning = nil
            memberOpen = false
            endMemberAtDamage(ARCHIVE_WARN, warning)
            return false
        }
        var pointer: UnsafeRawPointer?
        var size = 0
        var offset: la_int64_t = 0
        let status = archive_read_data_block(archive, &pointer, &size, &offset)
        if status == ARCHIVE_OK || (status == ARCHIVE_WARN && size > 0 && pointer != nil) {
            if status == ARCHIVE_WARN { deferredWarning = libraryMessage() }
            // A sparse member's hole is data that the archive does not hold: it counts as expanded.
            let hole = max(0, Int(clamping: offset) - memberOffset)
            memberOffset = Int(clamping: offset).addingSaturated(size)
            let counted = (countsMemberBytes ? size : 0).addingSaturated(hole)
            guard accountFilterOutput(), counted == 0 || budget.admit(counted) else {
                memberEndedEarly = true
                stopForBudget(at: memberName)
                return false
            }
            block = pointer
            blockRemaining = pointer == nil ? 0 : size
            holeRemaining = hole
            return true
        }
        memberOpen = false
        if status == ARCHIVE_EOF { return false }
        endMemberAtDamage(status, libraryMessage())
        return false
    }

    /// Ends the current member at damage libarchive reported with `status` and `message`.
    private func endMemberAtDamage(_ status: Int32, _ message: String) {
        memberEndedEarly = true
        if budgetStoppedRead {
            stopForBudget(at: memberName)
            return
        }
        if !quietDamage {
            report(
                status == ARCHIVE_WARN ? ARCHIVE_FAILED : status, source: memberName,
                "the member is damaged (libarchive: \(message)); what came before the damage was read")
        }
        if status <= ARCHIVE_FATAL {
            fatal = true
            fatalInMemberData = true
        }
    }

    /// Leaves the current member: what is left of it is decompressed and counted when skipping
    /// it would make libarchive decompress unseen (7-Zip, and anything under a gzip, bzip2 or xz
    /// filter); a zip or tar member is skipped by libarchive itself. Damage met on the way is
    /// reported unless `quietly`. False when reading must stop.
    private func passOver(_ display: String, quietly: Bool = false) -> Bool {
        defer {
            memberOpen = false
            quietDamage = false
        }
        guard !fatal else { return false }
        guard layout == .sevenZip || archive_filter_count(archive) > 1 else { return true }
        if !memberOpen { startMember(display) }
        quietDamage = quietly
        while nextBlock() {}
        return !fatal
    }

    private func startMember(_ display: String) {
        memberOpen = true
        memberName = display
        memberOffset = 0
        memberEndedEarly = false
        deferredWarning = nil
        block = nil
        blockRemaining = 0
        holeRemaining = 0
    }

    // MARK: - Budget

    /// Counts what libarchive's decompression filters produced since the last call; false (and
    /// reported) when that exhausts the budget.
    private func accountFilterOutput() -> Bool {
        if budgetStoppedRead {
            stopForBudget(at: memberOpen ? memberName : name)
            return false
        }
        guard archive_filter_count(archive) > 1 else { return true }
        let produced = archive_filter_bytes(archive, 0)
        let delta = produced - filterBytesCounted
        filterBytesCounted = max(produced, filterBytesCounted)
        guard delta <= 0 || budget.admit(Int(clamping: delta)) else {
            stopForBudget(at: memberOpen ? memberName : name)
            return false
        }
        return true
    }

    private func stopForBudget(at place: String) {
        if !fatal { budget.reportExhausted(at: place, context: context) }
        fatal = true
        memberOpen = false
    }

    // MARK: - Callbacks

    private func open() -> Bool {
        let client = Unmanaged.passUnretained(self).toOpaque()
        archive_read_set_callback_data(archive, client)
        archive_read_set_read_callback(archive, archiveReaderRead)
        if source.isSeekable {
            archive_read_set_seek_callback(archive, archiveReaderSeek)
            archive_read_set_skip_callback(archive, archiveReaderSkip)
        }
        guard archive_read_open1(archive) == ARCHIVE_OK else { return false }
        opened = true
        return true
    }

    /// libarchive asks for the next bytes of the archive.
    fileprivate func supply(_ pointer: UnsafeMutablePointer<UnsafeRawPointer?>) -> Int {
        if opened && archive_filter_count(archive) > 1 {
            let produced = archive_filter_bytes(archive, 0)
            if produced > filterBytesCounted {
                let delta = Int(clamping: produced - filterBytesCounted)
                filterBytesCounted = produced
                if !budget.admit(delta) { budgetStoppedRead = true }
            }
        }
        if budgetStoppedRead || budget.isExhausted {
            budgetStoppedRead = true
            return Int(ARCHIVE_FATAL)
        }
        pointer.pointee = UnsafeRawPointer(buffer)
        let count = source.readFully(into: UnsafeMutableRawBufferPointer(start: buffer, count: bufferCapacity))
        if count == 0 && budget.isExhausted {
            // The source stopped at the budget (reported there), not at the archive's end.
            budgetStoppedRead = true
            return Int(ARCHIVE_FATAL)
        }
        return count
    }

    fileprivate func seek(to offset: Int64, whence: Int32) -> Int64 {
        source.seek(to: offset, whence: whence) ?? Int64(ARCHIVE_FATAL)
    }

    fileprivate func skip(_ request: Int64) -> Int64 {
        guard request > 0, let start = source.seek(to: 0, whence: SEEK_CUR),
            let end = source.seek(to: request, whence: SEEK_CUR)
        else { return 0 }
        return end - start
    }

    // MARK: - Helpers

    private func memberPath(_ entry: OpaquePointer) -> String {
        if let utf8 = archive_entry_pathname_utf8(entry) { return String(cString: utf8) }
        if let raw = archive_entry_pathname(entry) { return String(cString: raw) }
        return "(unnamed member)"
    }

    /// A dot-file, or a member under a dot-folder or `__MACOSX` (`./` and `../` are not hidden).
    private func isHidden(_ path: String) -> Bool {
        path.split(separator: "/").contains { ($0.hasPrefix(".") && $0 != "." && $0 != "..") || $0 == "__MACOSX" }
    }

    private func libraryMessage() -> String {
        guard let message = archive_error_string(archive) else { return "unknown error" }
        return String(cString: message)
    }

    /// Reports a libarchive result: warnings as warnings, anything worse as an error; a message
    /// saying the data ends early is a truncation.
    private func report(_ status: Int32, source: String, _ message: String) {
        let severity: ImportDiagnostic.Severity = status == ARCHIVE_WARN ? .warning : .error
        let kind: ImportDiagnostic.Kind = message.lowercased().contains("truncated") ? .truncated : .corruptArchive
        context.report(ImportDiagnostic(severity, kind, source: source, message: message))
    }
}

/// The data of the member an ``ArchiveReader`` is positioned at.
private final class ArchiveMemberSource: ByteSource {
    private unowned let reader: ArchiveReader

    init(reader: ArchiveReader) {
        self.reader = reader
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        reader.readMemberData(into: buffer)
    }

    var endedEarly: Bool { reader.memberEndedEarly }
}

private func archiveReaderRead(
    _ archive: OpaquePointer?, _ client: UnsafeMutableRawPointer?, _ pointer: UnsafeMutablePointer<UnsafeRawPointer?>?
) -> la_ssize_t {
    guard let client, let pointer else { return la_ssize_t(ARCHIVE_FATAL) }
    return la_ssize_t(Unmanaged<ArchiveReader>.fromOpaque(client).takeUnretainedValue().supply(pointer))
}

private func archiveReaderSeek(
    _ archive: OpaquePointer?, _ client: UnsafeMutableRawPointer?, _ offset: la_int64_t, _ whence: Int32
) -> la_int64_t {
    guard let client else { return la_int64_t(ARCHIVE_FATAL) }
    return Unmanaged<ArchiveReader>.fromOpaque(client).takeUnretainedValue().seek(to: offset, whence: whence)
}

private func archiveReaderSkip(
    _ archive: OpaquePointer?, _ client: UnsafeMutableRawPointer?, _ request: la_int64_t
) -> la_int64_t {
    guard let client else { return 0 }
    return Unmanaged<ArchiveReader>.fromOpaque(client).takeUnretainedValue().skip(request)
}
