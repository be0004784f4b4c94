import ArgumentParser
import Diagnosis
import DropFolder
import Foundation
import Logging
import SigmaKit
import Tickets

#if canImport(Glibc)
    import Glibc
#endif

/// `rdpcause watch`: the unattended drop-folder service (a thin front over `DropFolder`).
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Analyse every case dropped into a folder, once, and post the findings to its ticket.",
        discussion: """
            Watches DROP-DIR with inotify (files closed after writing and files moved in) and rescans it at \
            start and after an inotify overflow. A file is taken once it was moved in, or once its size and time \
            stayed unchanged for --grace seconds, and never while another process still has it open for writing \
            (asked with a Linux read lease; with --once such a file is left for the next run); *.part, *.tmp and \
            dot-files are ignored. Each input is identified by the SHA-256 of its content, so a renamed or \
            re-copied archive is not analysed again. Findings are written atomically to \
            OUTPUT/<case>/findings.{md,json,html}; analysed inputs move to DROP-DIR/.processed, unreadable or \
            hostile ones to DROP-DIR/.quarantine with a <name>.reason.txt, as are FIFOs and other special files \
            (never opened) and an input during whose analysis the service died --analysis-attempts times, \
            so one input cannot stop the service. Every step is recorded in an fsynced ledger \
            (OUTPUT/.rdpcause-ledger.jsonl), so after a crash or kill -9 a restart finishes the work without \
            doing anything twice. Findings, reason files (0640) and the ledger (0600) are never readable by \
            others, whatever the umask.

            Delivery to a ticket system is configured by environment (RDPCAUSE_TICKET_SYSTEM, RDPCAUSE_RT_URL, \
            RDPCAUSE_RT_TOKEN, …) or by --config FILE (YAML); credentials are never taken from the command line \
            and never logged. The ticket comes from the case name (RT-1234, #1234, INC0012345) or a ticket.txt / \
            ticket.json inside the case.

            SIGINT or SIGTERM stops gracefully: no new case starts, cases in hand finish; a second signal exits \
            at once (the ledger makes the next start redo the interrupted case).

            Exit status: the scheme common to every command (see `rdpcause --help`).
            """
    )

    @Argument(help: "The drop folder to watch.")
    var dropDir: String

    @Option(help: ArgumentHelp("Where findings are written (one folder per case).", valueName: "dir"))
    var output: String

    @Flag(help: "Process what is in the folder now, then exit (for cron).")
    var once = false

    @Option(help: "Cases analysed at once (default: the number of cores).")
    var workers: Int?

    @Option(help: "Seconds a file must stay unchanged before it is taken (moved-in files are taken at once).")
    var grace: Double = 2

    @Option(help: "Unfinished analyses of one input (the service died during them) before it is quarantined.")
    var analysisAttempts = 2

    @Option(help: ArgumentHelp("Quarantine folder (default: DROP-DIR/.quarantine).", valueName: "dir"))
    var quarantine: String?

    @Option(help: ArgumentHelp("Where analysed inputs are moved (default: DROP-DIR/.processed).", valueName: "dir"))
    var processed: String?

    @Option(help: ArgumentHelp("The ledger file (default: OUTPUT/.rdpcause-ledger.jsonl).", valueName: "file"))
    var ledger: String?

    @OptionGroup var rules: RuleSourceOptions

    @Option(help: ArgumentHelp("Ticket-system configuration (YAML); the environment overrides it.", valueName: "file"))
    var config: String?

    @Flag(help: "Also post the findings of cases analysed while no ticket system was configured (an existing ledger).")
    var deliverBacklog = false

    @Flag(help: "Log the requests each delivery would send (credentials masked); send nothing, and leave the cases waiting for delivery in the ledger.")
    var dryRun = false

    @Flag(name: .shortAndLong, help: "Only log warnings and errors.")
    var quiet = false

    /// How log records are written.
    enum LogFormat: String, ExpressibleByArgument, CaseIterable {
        case text, logfmt, json
    }

    @Option(help: "Log records as text for a person, or one logfmt or JSON line each for journald and log shippers.")
    var logFormat: LogFormat = .text

    func validate() throws {
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
        if grace < 0 || !grace.isFinite { throw ValidationError("--grace must be a number of seconds, not negative") }
        if analysisAttempts < 1 { throw ValidationError("--analysis-attempts must be at least 1") }
    }

    func run() throws {
        let format = logFormat
        var configured = Logger(label: "rdpcause.watch") { label -> any LogHandler in
            switch format {
            case .text: TerminalSafeLogHandler(StreamLogHandler.standardError(label: label))
            case .logfmt: LineLogHandler(label: label, format: .logfmt)
            case .json: LineLogHandler(label: label, format: .json)
            }
        }
        configured.logLevel = quiet ? .warning : .info
        let logger = configured
        let pack = RulePack.load(try rules.sources())
        // Rule problems and overrides are logged once, at start.
        for diagnostic in pack.catalog.diagnostics where diagnostic.severity >= .warning {
            logger.log(level: diagnostic.severity == .error ? .error : .warning, "\(diagnostic.description)")
        }
        for diagnostic in pack.causeDiagnostics {
            logger.log(level: diagnostic.severity == "error" ? .error : .warning, "\(diagnostic.description)")
        }
        for line in pack.overrides { logger.notice("\(line)") }
        logger.info("rules", metadata: ["version": "\(pack.version)", "causes": "\(pack.causes.count)", "sigmaRules": "\(pack.catalog.rules.count)"])
        let ticketing: TicketingConfiguration?
        let target: DeliveryTarget?
        let finder: TicketFinder
        do {
            ticketing = try TicketingConfiguration.load(file: config)
            finder = try ticketing?.makeFinder() ?? TicketFinder()
            target = try ticketing.map {
                dryRun ? try DeliveryTarget.dryRun($0, finder: finder) : DeliveryTarget(client: try $0.makeClient(), finder: finder)
            }
        } catch {
            logger.critical("\(error)")
            throw ExitCode(ExitStatus.configuration)
        }
        logger.info("delivery: \(ticketing?.description ?? "none configured")")
        let options = WatchOptions(
            dropDirectory: dropDir, outputDirectory: output, quarantineDirectory: quarantine,
            processedDirectory: processed, ledgerPath: ledger, workers: workers, grace: grace, once: once,
            analysisAttempts: analysisAttempts, deliverBacklog: deliverBacklog)
        let service: DropFolderService
        do {
            service = try DropFolderService(
                options: options, pack: pack, delivery: target, finder: finder, logger: logger)
        } catch {
            logger.critical("\(error)")
            throw ExitCode(ExitStatus.outputNotWritten)
        }
        logger.notice(
            "started",
            metadata: [
                "watching": "\(options.dropDirectory)", "output": "\(options.outputDirectory)",
                "quarantine": "\(options.quarantineDirectory)", "processed": "\(options.processedDirectory)",
                "ledger": "\(options.ledgerPath)", "tickets": "\(ticketing?.description ?? "none configured")",
                "workers": "\(options.workers)", "rules": "\(pack.version)", "once": "\(once)",
            ])
        let signals = StopSignals(service: service, logger: logger)
        defer { signals.cancel() }
        do {
            let summary = try service.run()
            logger.info(
                "stopped",
                metadata: [
                    "analysed": "\(summary.analysed)", "duplicates": "\(summary.duplicates)",
                    "quarantined": "\(summary.quarantined)", "delivered": "\(summary.delivered)",
                    "deliveryFailures": "\(summary.deliveryFailures)",
                ])
        } catch {
            logger.critical("\(error)")
            throw ExitCode(ExitStatus.outputNotWritten)
        }
    }
}

/// SIGINT / SIGTERM: the first asks the service to stop gracefully, a second exits at once.
private final class StopSignals: @unchecked Sendable {
    // @unchecked: `sources` is set once in init and only cancelled afterwards (cancel is thread-safe);
    // `count` is only touched on the serial `queue`.
    private var sources: [any DispatchSourceSignal] = []
    private var count = 0
    private let queue = DispatchQueue(label: "rdpcause.watch.signals")

    init(service: DropFolderService, logger: Logger) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [unowned self] in
                self.count += 1
                if self.count > 1 {
                    logger.warning("second signal: exiting now; the next start redoes the interrupted cases")
                    _exit(130)
                }
                logger.info("signal \(number): finishing the cases in hand, then stopping")
                service.requestStop()
            }
            source.resume()
            sources.append(source)
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
