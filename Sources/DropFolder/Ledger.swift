import Foundation
public import Tickets
import Diagnosis

#if canImport(Glibc)
    import Glibc
#endif

/// A failure of the drop-folder service: the operation, the path and the system's reason.
public struct DropFolderError: Error, CustomStringConvertible, Sendable {
    /// What was attempted (`open ledger`, `inotify_add_watch`, …).
    public var operation: String
    /// The path involved.
    public var path: String
    /// Why it failed.
    public var reason: String

    /// Creates an error.
    public init(_ operation: String, path: String, reason: String) {
        self.operation = operation
        self.path = path
        self.reason = reason
    }

    /// An error from the current `errno`.
    static func errno(_ operation: String, path: String) -> DropFolderError {
        DropFolderError(operation, path: path, reason: String(cString: strerror(Glibc.errno)))
    }

    public var description: String { "\(path): \(operation): \(reason)" }
}

/// The life of one input, identified by the SHA-256 of its content.
public enum LedgerState: String, Codable, Sendable, Hashable {
    /// The input was hashed and recorded.
    case seen
    /// Analysis started (an entry left here by a crash is analysed again).
    case analysing
    /// The findings are written (the record lists them).
    case done
    /// The input could not be analysed and was quarantined (the record says why).
    case failed
    /// Posting to the ticket started (after a crash, the ticket is checked for the marker first).
    case delivering
    /// The findings are on the ticket.
    case delivered
    /// Delivery failed: `retryable` ones are tried again at the next start.
    case deliveryFailed = "delivery-failed"
}

/// One line of the ledger: a state transition of one input.
public struct LedgerRecord: Codable, Sendable, Hashable {
    /// The input's content hash (SHA-256, hex).
    public var hash: String
    /// The new state.
    public var state: LedgerState
    /// When (ISO 8601, UTC).
    public var time: String
    /// The input's file name in the drop folder.
    public var input: String?
    /// The findings folder name under the output folder.
    public var caseName: String?
    /// The files written, relative to the output folder.
    public var outputs: [String]?
    /// The diagnosis verdict.
    public var verdict: String?
    /// The ticket found for the case.
    public var ticket: TicketReference?
    /// Why it failed.
    public var reason: String?
    /// Whether a failed delivery is worth retrying.
    public var retryable: Bool?
    /// What the ticket system answered.
    public var receipt: DeliveryReceipt?
    /// On `done`: whether ticket delivery was configured when the case was analysed, so its
    /// findings are due to be posted (a case done without it is backlog, see ``LedgerEntry/awaitsDelivery``).
    public var deliver: Bool?

    /// Creates a record stamped with the current time.
    public init(hash: String, state: LedgerState) {
        self.hash = hash
        self.state = state
        self.time = ISO8601DateFormatter().string(from: Date())
    }
}

/// What the ledger knows about one input: its records folded together.
public struct LedgerEntry: Sendable, Hashable {
    /// The content hash.
    public var hash: String
    /// The latest state.
    public var state: LedgerState
    /// The latest input name.
    public var input: String?
    /// The findings folder name.
    public var caseName: String?
    /// The files written.
    public var outputs: [String]
    /// The verdict.
    public var verdict: String?
    /// The ticket.
    public var ticket: TicketReference?
    /// The last failure reason.
    public var reason: String?
    /// Whether the last delivery failure is retryable.
    public var retryable: Bool
    /// The delivery receipt.
    public var receipt: DeliveryReceipt?
    /// How many times analysis started (more than one means it was redone after a crash).
    public var analysisStarts: Int
    /// How many `delivered` records exist (the crash test requires exactly one).
    public var deliveries: Int
    /// Whether the findings are due to be posted: the case was done while delivery was
    /// configured. Cases done before delivery was turned on are backlog (posted only with
    /// `--deliver-backlog`).
    public var awaitsDelivery = false

    mutating func apply(_ record: LedgerRecord) {
        state = record.state
        if let value = record.deliver { awaitsDelivery = value }
        if let value = record.input { input = value }
        if let value = record.caseName { caseName = value }
        if let value = record.outputs { outputs = value }
        if let value = record.verdict { verdict = value }
        if let value = record.ticket { ticket = value }
        if let value = record.reason { reason = value }
        if let value = record.receipt { receipt = value }
        retryable = record.retryable ?? false
        if record.state == .analysing { analysisStarts += 1 }
        if record.state == .delivered { deliveries += 1 }
    }
}

/// The drop folder's memory: an append-only JSON-lines file, one record per state transition,
/// each line written with a single `write(2)` and `fsync`ed before the step it records is taken.
///
/// Why a log and not SQLite: every transition is an append of one small line, the whole history
/// stays readable with `cat`/`jq`, there is no new dependency to build, and crash semantics are
/// simple to reason about: a line is either complete (and counts) or torn (the last line only,
/// from a kill mid-write; it is reported and cut off at start). Replay folds the lines into one
/// ``LedgerEntry`` per hash. The file is `flock`ed, so two watchers never share a ledger.
public final class Ledger: @unchecked Sendable {
    // @unchecked: `descriptor` is immutable after init; `entries` and writes are guarded by `lock`.
    private let lock = NSLock()
    private let descriptor: Int32
    private var entries: [String: LedgerEntry] = [:]
    /// The ledger file.
    public let path: String
    /// Problems found while replaying (a torn last line, undecodable lines).
    public private(set) var replayProblems: [String] = []

    /// Opens (creating when needed) and replays the ledger at `path`, and locks it.
    public init(path: String) throws(DropFolderError) {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder.isEmpty ? "." : folder, withIntermediateDirectories: true)
        descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .errno("open ledger", path: path) }
        // Owner-only whatever the umask, also for a ledger an older version created world-readable:
        // it names inputs, cases, tickets and failure reasons.
        guard fchmod(descriptor, 0o600) == 0 else {
            let error = DropFolderError.errno("restrict ledger to its owner", path: path)
            close(descriptor)
            throw error
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw DropFolderError("lock ledger", path: path, reason: "another rdpcause watch uses this ledger")
        }
        try replay()
    }

    deinit { close(descriptor) }

    private func replay() throws(DropFolderError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DropFolderError("read ledger", path: path, reason: "cannot read")
        }
        var bytes = [UInt8](data)
        if let last = bytes.last, last != UInt8(ascii: "\n") {
            let keep = (bytes.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }) ?? 0
            replayProblems.append(
                "ledger \(path): the last line (\(bytes.count - keep) bytes) is torn (a crash during a write); it is ignored and removed")
            guard ftruncate(descriptor, off_t(keep)) == 0, fsync(descriptor) == 0 else {
                throw .errno("truncate torn ledger line", path: path)
            }
            bytes.removeSubrange(keep...)
        }
        let decoder = JSONDecoder()
        for (number, line) in bytes.split(separator: UInt8(ascii: "\n")).enumerated() where !line.isEmpty {
            guard let record = try? decoder.decode(LedgerRecord.self, from: Data(line)) else {
                replayProblems.append("ledger \(path): line \(number + 1) is not a ledger record; skipped")
                continue
            }
            fold(record)
        }
    }

    private func fold(_ record: LedgerRecord) {
        var entry =
            entries[record.hash]
            ?? LedgerEntry(
                hash: record.hash, state: record.state, outputs: [], retryable: false, analysisStarts: 0, deliveries: 0)
        entry.apply(record)
        entries[record.hash] = entry
    }

    /// Appends `record` durably (write + fsync) and folds it in.
    public func append(_ record: LedgerRecord) throws(DropFolderError) {
        lock.lock()
        defer { lock.unlock() }
        try appendLocked(record)
    }

    private func appendLocked(_ record: LedgerRecord) throws(DropFolderError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var line = try? encoder.encode(record) else {
            throw DropFolderError("encode ledger record", path: path, reason: "JSON encoding failed")
        }
        line.append(UInt8(ascii: "\n"))
        let written = line.withUnsafeBytes { raw -> Int in
            var offset = 0
            while offset < raw.count, let base = raw.baseAddress {
                let n = write(descriptor, base + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return -1
                }
                offset += n
            }
            return offset
        }
        guard written == line.count, fsync(descriptor) == 0 else { throw .errno("append to ledger", path: path) }
        fold(record)
    }

    /// The entry for `hash`.
    public func entry(_ hash: String) -> LedgerEntry? {
        lock.lock()
        defer { lock.unlock() }
        return entries[hash]
    }

    /// Every entry.
    public var allEntries: [LedgerEntry] {
        lock.lock()
        defer { lock.unlock() }
        return Array(entries.values)
    }

    /// Records `analysing` with a findings folder name by ``FindingsFolderName``: `preferred`
    /// unless another input already owns it, else `preferred-<first 8 hex of the hash>`. A redo
    /// keeps the name chosen before.
    public func startAnalysis(hash: String, input: String, preferred: String) throws(DropFolderError) -> String {
        lock.lock()
        defer { lock.unlock() }
        let name =
            entries[hash]?.caseName
            ?? FindingsFolderName.choose(preferred: preferred, key: hash) { name in
                entries.values.contains { $0.hash != hash && $0.caseName == name }
            }
        var record = LedgerRecord(hash: hash, state: .analysing)
        record.input = input
        record.caseName = name
        try appendLocked(record)
        return name
    }
}
