import Dispatch
public import Diagnosis
import EventImport
import Foundation
public import Logging
import Reports
import Synchronization
public import Tickets

#if canImport(Glibc)
    import Glibc
#endif

/// How the drop-folder service runs.
public struct WatchOptions: Sendable {
    /// The watched folder.
    public var dropDirectory: String
    /// Findings go to `<output>/<case>/findings.{md,json,html}`.
    public var outputDirectory: String
    /// Inputs that cannot be analysed go here, each with `<name>.reason.txt`.
    public var quarantineDirectory: String
    /// Analysed inputs are moved here (so a rescan does not hash them again).
    public var processedDirectory: String
    /// The ledger file.
    public var ledgerPath: String
    /// Cases analysed at once.
    public var workers: Int
    /// Seconds a closed or rescanned input must stay unchanged before it is taken.
    public var grace: Double
    /// Process what is there, then exit.
    public var once: Bool
    /// How many times the analysis of one input may start without finishing (the service died
    /// during it: a crash, a kill, the out-of-memory killer) before the input is quarantined.
    public var analysisAttempts: Int
    /// Whether cases done while delivery was not configured (an existing ledger when delivery is
    /// turned on) are posted too; without it they are counted and left.
    public var deliverBacklog: Bool

    /// Options with the defaults: quarantine `<drop>/.quarantine`, processed `<drop>/.processed`,
    /// ledger `<output>/.rdpcause-ledger.jsonl`, one worker per core, a 2 s grace period, an
    /// input quarantined after two unfinished analyses.
    public init(
        dropDirectory: String, outputDirectory: String, quarantineDirectory: String? = nil,
        processedDirectory: String? = nil, ledgerPath: String? = nil, workers: Int? = nil, grace: Double = 2,
        once: Bool = false, analysisAttempts: Int = 2, deliverBacklog: Bool = false
    ) {
        self.deliverBacklog = deliverBacklog
        self.dropDirectory = dropDirectory
        self.outputDirectory = outputDirectory
        self.quarantineDirectory = quarantineDirectory ?? dropDirectory + "/.quarantine"
        self.processedDirectory = processedDirectory ?? dropDirectory + "/.processed"
        self.ledgerPath = ledgerPath ?? outputDirectory + "/.rdpcause-ledger.jsonl"
        self.workers = max(1, workers ?? ProcessInfo.processInfo.activeProcessorCount)
        self.grace = max(0, grace)
        self.once = once
        self.analysisAttempts = max(1, analysisAttempts)
    }
}

/// Where findings are posted: the client and how a case's ticket is found.
public struct DeliveryTarget: Sendable {
    /// The ticket system.
    public var client: any TicketClient
    /// Finds the ticket of a case.
    public var finder: TicketFinder

    /// For a dry run: the configuration each delivery builds a recording client from (see
    /// ``RequestRecorder``); the requests are logged, nothing is sent and the ledger keeps the case
    /// waiting for a real delivery.
    public var dryRun: TicketingConfiguration?

    /// Creates a target.
    public init(client: any TicketClient, finder: TicketFinder) {
        self.client = client
        self.finder = finder
    }

    /// A target that plans deliveries to the system `configuration` names and sends nothing.
    public static func dryRun(_ configuration: TicketingConfiguration, finder: TicketFinder) throws(TicketError)
        -> DeliveryTarget
    {
        var target = DeliveryTarget(client: try configuration.makeClient(recorder: RequestRecorder()), finder: finder)
        target.dryRun = configuration
        return target
    }
}

/// Counters of one run.
public struct WatchSummary: Sendable, Hashable {
    /// Cases analysed and written.
    public var analysed = 0
    /// Inputs skipped because their content was already handled.
    public var duplicates = 0
    /// Inputs quarantined.
    public var quarantined = 0
    /// Deliveries made (or found already present).
    public var delivered = 0
    /// Deliveries that failed.
    public var deliveryFailures = 0
}

/// The unattended drop-folder service: watches a folder with inotify (close-after-write and
/// moved-in) plus a full rescan at start and after a queue overflow, takes each input once it is
/// complete, identifies it by content hash, analyses it on a worker pool, writes the findings
/// atomically, quarantines what cannot be read, and posts the findings to the case's ticket —
/// each step recorded in the ``Ledger`` before the next, so a `kill -9` at any moment followed by
/// a restart ends with every input analysed once and delivered once.
///
/// Restart rules: an `analysing` entry is analysed again (the findings are rewritten atomically),
/// unless its analysis already started ``WatchOptions/analysisAttempts`` times without finishing:
/// such a poison input (one that kills the process) is quarantined, so it cannot stop the service;
/// `done` (or `delivering`, or a retryable `delivery-failed`) is delivered, and delivery first looks
/// for the case's marker on the ticket, so a post that succeeded just before the kill is not repeated.
///
/// An input is taken only when no other process has it open for writing (a Linux read lease tells;
/// where leases cannot, the grace period alone decides), so a writer that pauses longer than the
/// grace period is not cut short. Only regular files are read: FIFOs, sockets and devices are
/// quarantined unopened, symbolic links inside case folders are hashed as links and not followed.
public final class DropFolderService: @unchecked Sendable {
    // @unchecked: configuration is immutable; mutable state lives in `state` (a Mutex) and
    // `stopRequested` (an Atomic); the main loop's own `pending` map is touched only by `run()`.
    private let options: WatchOptions
    private let pack: RulePack
    private let diagnosisOptions: DiagnosisOptions
    private let delivery: DeliveryTarget?
    private let finder: TicketFinder
    private let logger: Logger
    private let ledger: Ledger
    private let stopRequested = Atomic<Bool>(false)
    private let wake: (read: Int32, write: Int32)

    private struct Shared {
        var inFlight: Set<String> = []
        var hashesInFlight: Set<String> = []
        var summary = WatchSummary()
        var retry: [String] = []
    }
    private let state = Mutex(Shared())

    /// Opens the ledger (reporting a torn last line through `logger`) and prepares the folders.
    public init(
        options: WatchOptions, pack: RulePack, diagnosisOptions: DiagnosisOptions = DiagnosisOptions(),
        delivery: DeliveryTarget?, finder: TicketFinder, logger: Logger
    ) throws(DropFolderError) {
        self.options = options
        self.pack = pack
        self.diagnosisOptions = diagnosisOptions
        self.delivery = delivery
        self.finder = finder
        self.logger = TerminalSafeLogHandler.wrapping(logger)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: options.dropDirectory, isDirectory: &isDirectory), isDirectory.boolValue
        else { throw DropFolderError("watch", path: options.dropDirectory, reason: "not a folder") }
        try DropFiles.makeFolder(options.outputDirectory)
        ledger = try Ledger(path: options.ledgerPath)
        for problem in ledger.replayProblems { logger.warning("\(problem)") }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw .errno("pipe", path: options.dropDirectory) }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        wake = (fds[0], fds[1])
    }

    deinit {
        close(wake.read)
        close(wake.write)
    }

    /// The ledger (for tests and status).
    public var ledgerEntries: [LedgerEntry] { ledger.allEntries }

    /// Asks the service to stop: no new case starts, the cases in hand finish. Safe from any thread.
    public func requestStop() {
        stopRequested.store(true, ordering: .sequentiallyConsistent)
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
    }

    private struct Observation {
        var signature: DropFiles.Signature?
        var since: Double
        var complete: Bool
    }

    /// Runs until ``requestStop()`` (or, with `once`, until everything present is handled).
    public func run() throws(DropFolderError) -> WatchSummary {
        let watch = options.once ? nil : try FolderWatch(folder: options.dropDirectory)
        let queue = DispatchQueue(label: "rdpcause.watch.workers", attributes: .concurrent)
        let group = DispatchGroup()
        var pending: [String: Observation] = [:]

        func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
        func rescan() {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: options.dropDirectory)) ?? []
            for name in names where !DropFiles.isIgnored(name) && pending[name] == nil {
                pending[name] = Observation(signature: nil, since: now(), complete: false)
            }
        }

        // Deliveries left over from a previous run (done but not delivered). Cases done while
        // delivery was off are backlog: posted only when asked for.
        if delivery != nil {
            let backlog = ledger.allEntries.filter { $0.state == .done && !$0.awaitsDelivery }
            if !backlog.isEmpty && !options.deliverBacklog {
                logger.notice(
                    "earlier cases not posted",
                    metadata: [
                        "cases": "\(backlog.count)",
                        "why": "they were analysed while no ticket system was configured; --deliver-backlog posts them",
                    ])
            }
            for entry in ledger.allEntries
            where (entry.state == .done && (entry.awaitsDelivery || options.deliverBacklog)) || entry.state == .delivering
                || (entry.state == .deliveryFailed && entry.retryable)
            {
                // Claim the hash like a worker does, so a duplicate input of the same content
                // never delivers concurrently with this job.
                guard state.withLock({ $0.hashesInFlight.insert(entry.hash).inserted }) else { continue }
                group.enter()
                queue.async {
                    self.deliver(hash: entry.hash)
                    self.state.withLock { _ = $0.hashesInFlight.remove(entry.hash) }
                    group.leave()
                }
            }
        }
        rescan()
        while !stopRequested.load(ordering: .sequentiallyConsistent) {
            if let watch {
                let batch = watch.drain()
                if batch.overflowed {
                    logger.warning("inotify queue overflowed; rescanning \(options.dropDirectory)")
                    rescan()
                }
                for name in batch.movedIn where !DropFiles.isIgnored(name) {
                    pending[name] = Observation(signature: nil, since: now(), complete: true)
                }
                for name in batch.closed where !DropFiles.isIgnored(name) && pending[name]?.complete != true {
                    pending[name] = Observation(signature: nil, since: now(), complete: false)
                }
            }
            for name in state.withLock({ shared in
                defer { shared.retry.removeAll() }
                return shared.retry
            }) where pending[name] == nil {
                pending[name] = Observation(signature: nil, since: now(), complete: false)
            }
            // Decide what is ready.
            for (name, observation) in pending {
                let path = options.dropDirectory + "/" + name
                guard let signature = DropFiles.signature(path) else {
                    pending[name] = nil
                    continue
                }
                var ready = observation.complete
                if !ready {
                    if signature != observation.signature {
                        pending[name] = Observation(signature: signature, since: now(), complete: false)
                        continue
                    }
                    ready = now() - observation.since >= options.grace
                }
                guard ready else { continue }
                if DropFiles.isOpenForWriting(path) == true {
                    // Another process is still writing it, however long it paused.
                    if options.once {
                        logger.info("input still open for writing by another process; left for the next run", metadata: ["input": "\(name)"])
                        pending[name] = nil
                    } else {
                        pending[name] = Observation(signature: signature, since: now(), complete: false)
                    }
                    continue
                }
                let started = state.withLock { shared -> Bool in
                    guard shared.inFlight.count < options.workers, !shared.inFlight.contains(name) else { return false }
                    shared.inFlight.insert(name)
                    return true
                }
                guard started else { continue }
                pending[name] = nil
                group.enter()
                queue.async {
                    self.process(name: name)
                    self.state.withLock { _ = $0.inFlight.remove(name) }
                    var byte: UInt8 = 1
                    _ = write(self.wake.write, &byte, 1)
                    group.leave()
                }
            }
            if options.once, pending.isEmpty, state.withLock({ $0.inFlight.isEmpty && $0.retry.isEmpty }) { break }
            waitForActivity(watch: watch, timeout: pending.isEmpty ? 1000 : 50)
        }
        group.wait()
        return state.withLock { $0.summary }
    }

    private func waitForActivity(watch: FolderWatch?, timeout: Int32) {
        var fds = [pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)]
        if let watch { fds.append(pollfd(fd: watch.descriptor, events: Int16(POLLIN), revents: 0)) }
        _ = poll(&fds, nfds_t(fds.count), timeout)
        var sink = [UInt8](repeating: 0, count: 64)
        while read(wake.read, &sink, sink.count) > 0 {}
    }

    // MARK: - One input

    private func process(name: String) {
        let path = options.dropDirectory + "/" + name
        let start = DispatchTime.now().uptimeNanoseconds
        let hash: String
        do {
            hash = try DropFiles.contentHash(path)
        } catch {
            guard access(path, F_OK) == 0 else { return }  // vanished: nothing to do
            quarantine(path: path, hash: nil, reason: "cannot read the input: \(error)")
            return
        }
        let claimed = state.withLock { shared -> Bool in
            shared.hashesInFlight.insert(hash).inserted
        }
        guard claimed else {
            // The same content is being handled under another name: look again later.
            state.withLock { $0.retry.append(name) }
            return
        }
        defer { state.withLock { _ = $0.hashesInFlight.remove(hash) } }
        do {
            try handle(name: name, path: path, hash: hash, start: start)
        } catch {
            logger.error("\(error)", metadata: ["input": "\(name)", "hash": "\(hash)"])
        }
    }

    private func handle(name: String, path: String, hash: String, start: UInt64) throws(DropFolderError) {
        let tag = String(hash.prefix(8))
        if let entry = ledger.entry(hash) {
            switch entry.state {
            case .failed:
                quarantine(path: path, hash: hash, reason: entry.reason ?? "quarantined before", record: false)
                state.withLock { $0.summary.duplicates += 1 }
                return
            case .done, .delivering, .delivered, .deliveryFailed:
                if entry.input != name || entry.state == .delivered {
                    logger.info(
                        "duplicate input", metadata: ["input": "\(name)", "hash": "\(hash)", "case": "\(entry.caseName ?? "")"])
                }
                deliver(hash: hash)
                try DropFiles.move(path, into: options.processedDirectory, tag: tag)
                state.withLock { $0.summary.duplicates += 1 }
                return
            case .seen, .analysing:
                if entry.analysisStarts >= options.analysisAttempts {
                    let reason =
                        "its analysis was started \(entry.analysisStarts) times and never finished: the service died during it "
                        + "each time (a crash, a kill or the out-of-memory killer); it is quarantined so that it cannot stop the service"
                    quarantine(path: path, hash: hash, reason: reason)
                    return
                }
            }
        } else {
            var record = LedgerRecord(hash: hash, state: .seen)
            record.input = name
            try ledger.append(record)
        }
        // The case is named after the input this content was first seen as: a renamed copy that
        // arrives (or is rescanned) while the original is still pending must not take the case, and
        // with it the ticket, over.
        let firstName = ledger.entry(hash)?.input ?? name
        let caseName = try ledger.startAnalysis(hash: hash, input: name, preferred: CaseRunner.caseName(firstName))
        // One thread per case: `--workers` cases already run side by side on the cores.
        let index = CaseIndex.build(paths: [path], engine: pack.engine, workers: 1)
        let hostile = index.importDiagnostics.filter { [.forbiddenDeclaration, .decompressionLimit, .nestingLimit].contains($0.kind) }
        let errors = index.importDiagnostics.filter { $0.severity == .error }
        if !hostile.isEmpty || (index.statistics.events == 0 && !errors.isEmpty) {
            let problems = (hostile.isEmpty ? errors : hostile).prefix(20).map(\.description)
            let reason =
                (hostile.isEmpty ? "nothing in the input could be read" : "the input looks hostile") + ":\n"
                + problems.joined(separator: "\n")
            quarantine(path: path, hash: hash, reason: reason)
            return
        }
        let diagnosis = pack.diagnose(index, options: diagnosisOptions).labelled(case: name)
        let folder = options.outputDirectory + "/" + caseName
        let files: [(String, String)] = [
            ("findings.md", MarkdownReport.render(diagnosis, caseName: name)),
            ("findings.json", DiagnosisJSON.document(diagnosis)),
            ("findings.html", HTMLReport.render(diagnosis, caseName: name)),
        ]
        for (file, text) in files {
            do {
                try AtomicFile.write(Array(text.utf8), to: folder + "/" + file)
            } catch {
                throw DropFolderError("write findings", path: error.path, reason: error.reason)
            }
        }
        // The case name comes from the first input name recorded for this content (a renamed copy
        // that is analysed again after a crash keeps it), so the ticket does not depend on which copy won.
        let ticket = finder.find(
            caseName: caseName, documents: index.documents.map { (path: $0.source, text: $0.text) })
        var done = LedgerRecord(hash: hash, state: .done)
        done.caseName = caseName
        done.outputs = files.map { caseName + "/" + $0.0 }
        done.verdict = diagnosis.verdict.rawValue
        done.ticket = ticket
        done.deliver = delivery != nil
        try ledger.append(done)
        state.withLock { $0.summary.analysed += 1 }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        var metadata: Logger.Metadata = [
            "input": "\(name)", "hash": "\(hash)", "case": "\(caseName)", "verdict": "\(diagnosis.verdict.rawValue)",
            "events": "\(index.statistics.events)", "seconds": "\(String(format: "%.2f", seconds))",
            "ticket": "\(ticket?.raw ?? "-")",
        ]
        if diagnosis.verdict == .causeFound, let top = diagnosis.failures.first?.causes.first { metadata["cause"] = "\(top.id)" }
        logger.info("case analysed", metadata: metadata)
        deliver(hash: hash)
        try DropFiles.move(path, into: options.processedDirectory, tag: tag)
    }

    private func quarantine(path: String, hash: String?, reason: String, record: Bool = true) {
        let name = (path as NSString).lastPathComponent
        let tag = String((hash ?? "unread").prefix(8))
        do {
            if record, let hash {
                var failed = LedgerRecord(hash: hash, state: .failed)
                failed.input = name
                failed.reason = reason
                try ledger.append(failed)
            }
            let target = try DropFiles.move(path, into: options.quarantineDirectory, tag: tag)
            // The reason file is read in a terminal too: every line terminal-safe (the name and the
            // diagnostics quote the input).
            let lines = ["\(name) was quarantined by rdpcause watch."] + (hash.map { ["sha256: \($0)"] } ?? [])
                + reason.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let text = lines.map { TerminalSafe.line($0) }.joined(separator: "\n") + "\n"
            do {
                try AtomicFile.write(Array(text.utf8), to: target + ".reason.txt")
            } catch {
                logger.error("\(error)")
            }
            state.withLock { $0.summary.quarantined += 1 }
            logger.warning(
                "input quarantined",
                metadata: ["input": "\(name)", "hash": "\(hash ?? "-")", "quarantine": "\(target)", "reason": "\(reason)"])
        } catch {
            logger.error("cannot quarantine: \(error)", metadata: ["input": "\(name)"])
        }
    }

    // MARK: - Delivery

    /// Posts the findings of `hash`; the caller holds the hash's claim in `hashesInFlight`, so at
    /// most one delivery per content runs at a time.
    private func deliver(hash: String) {
        guard let delivery, let entry = ledger.entry(hash) else { return }
        switch entry.state {
        case .done, .delivering: break
        case .deliveryFailed where entry.retryable: break
        default: return
        }
        do {
            guard let ticket = entry.ticket, let caseName = entry.caseName else {
                var failed = LedgerRecord(hash: hash, state: .deliveryFailed)
                failed.reason = "no ticket reference in the case name, ticket.txt or ticket.json"
                failed.retryable = false
                try ledger.append(failed)
                logger.warning("no ticket for case", metadata: ["case": "\(entry.caseName ?? "")", "hash": "\(hash)"])
                return
            }
            let findings: Findings
            do {
                findings = try Findings.load(
                    directory: options.outputDirectory + "/" + caseName, marker: "rdpcause:" + hash.prefix(16))
            } catch {
                var failed = LedgerRecord(hash: hash, state: .deliveryFailed)
                failed.reason = "\(error)"
                failed.retryable = false
                try ledger.append(failed)
                return
            }
            if let configuration = delivery.dryRun {
                try plan(findings, to: ticket, caseName: caseName, configuration: configuration)
                return
            }
            if entry.state != .delivering {
                var delivering = LedgerRecord(hash: hash, state: .delivering)
                delivering.ticket = ticket
                try ledger.append(delivering)
            }
            let outcome: Result<DeliveryReceipt, TicketError>
            do {
                outcome = .success(try delivery.client.deliver(findings, to: ticket))
            } catch {
                outcome = .failure(error)
            }
            switch outcome {
            case .success(let receipt):
                var delivered = LedgerRecord(hash: hash, state: .delivered)
                delivered.receipt = receipt
                try ledger.append(delivered)
                state.withLock { $0.summary.delivered += 1 }
                logger.info(
                    "findings delivered",
                    metadata: [
                        "case": "\(caseName)", "system": "\(receipt.system)", "ticket": "\(receipt.ticket)",
                        "reference": "\(receipt.reference)", "alreadyPresent": "\(receipt.alreadyPresent)",
                    ])
            case .failure(let error):
                var failed = LedgerRecord(hash: hash, state: .deliveryFailed)
                failed.reason = error.description
                failed.retryable = error.isRetryable
                try ledger.append(failed)
                state.withLock { $0.summary.deliveryFailures += 1 }
                logger.error(
                    "delivery failed",
                    metadata: ["case": "\(caseName)", "ticket": "\(ticket.raw)", "retryable": "\(error.isRetryable)", "error": "\(error)"])
            }
        } catch {
            logger.error("\(error)", metadata: ["hash": "\(hash)"])
        }
    }

    /// A dry run's delivery: logs each request a real delivery would send (credentials masked) and
    /// writes nothing to the ledger, so the case still waits for a real delivery.
    private func plan(
        _ findings: Findings, to ticket: TicketReference, caseName: String, configuration: TicketingConfiguration
    ) throws(TicketError) {
        let recorder = RequestRecorder()
        let receipt = try configuration.makeClient(recorder: recorder).deliver(findings, to: ticket)
        for request in recorder.requests {
            logger.info(
                "dry run: request not sent",
                metadata: [
                    "case": "\(caseName)", "method": "\(request.method)", "url": "\(request.url)",
                    "headers": "\(request.headers.joined(separator: "; "))", "body": "\(request.body)",
                ])
        }
        logger.info(
            "dry run: findings not delivered",
            metadata: [
                "case": "\(caseName)", "system": "\(receipt.system)", "ticket": "\(receipt.ticket)",
                "requests": "\(recorder.requests.count)",
            ])
    }
}
