import ArgumentParser
import Diagnosis
import DropFolder
import EventImport
import Foundation
import Logging
import Reports
import SigmaKit

#if canImport(Glibc)
    import Glibc
#endif

/// `rdpcause analyze`: diagnose cases (folders or archives) and print or write the findings.
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Explain why a Remote Desktop connection failed (0x904 / 0x7), for one case or many.",
        discussion: """
            Each argument is one case: a folder or an archive (.zip, .tar, .tar.zst) holding the client's error \
            text (mstsc dialog, Windows App details, or JSON) and the exported event logs of client and host. \
            Cases are analysed in parallel; one broken case never stops the others. rdpcause finds each failed \
            connection, weighs every cause of the rule pack (built in, laid over by RDPCAUSE_RULES and --rules \
            folders), and reports the verdict, the evidence records, what was ruled out, the fix, and the logs \
            to collect when the evidence is not enough. The JSON form is documented by \
            Schemas/diagnosis.schema.json.

            With --output DIR, each case gets DIR/<case>/findings.md, findings.json and findings.html (written \
            atomically), and one summary line per case is printed. Without it, the chosen --format goes to \
            standard output (for several cases, one after the other; JSON: one document per line).

            A progress line (cases, files, MB read, events/s, time left; it moves while a case is read) is \
            shown on standard error when it is a terminal (not with --quiet). Output never \
            uses color, so NO_COLOR is always honoured.

            Exit status: the scheme common to every command (see `rdpcause --help`).
            """,
        aliases: ["analyse"]
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, markdown, json, html
    }

    @Argument(help: "Cases: folders or archives (.zip, .tar, .tar.zst).")
    var cases: [String]

    @Option(help: "Output format on standard output (ignored with --output, which writes all three files).")
    var format: Format = .text

    @Option(help: ArgumentHelp("Write findings.md, findings.json and findings.html per case under this folder.", valueName: "dir"))
    var output: String?

    @OptionGroup var rules: RuleSourceOptions

    @Option(help: "How many cores to use, for cases side by side and for the files of one case (default: the number of cores).")
    var jobs: Int?

    @Option(help: "The target host, when the case does not say.")
    var host: String?

    @Option(help: "The client machine, when the case does not say.")
    var client: String?

    @Option(help: "The failure time (ISO 8601; local unless it ends in Z or an offset).")
    var time: String?

    @Option(help: ArgumentHelp("The UTC offset of local timestamps in the case, e.g. +02:00 or -5.", valueName: "offset"))
    var utcOffset: String?

    @Flag(name: .shortAndLong, help: "Print only the findings: no progress, no warnings.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Log each case's import problems and timing on standard error.")
    var verbose = false

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if let utcOffset, UTCOffsetText.seconds(utcOffset) == nil {
            throw ValidationError(UTCOffsetText.refusal(utcOffset))
        }
        if let time, !DiagnosisOptions.isReadableTime(time) {
            throw ValidationError(TerminalSafe.line("--time \(time) is not a time rdpcause can read; accepted forms: \(DiagnosisOptions.acceptedTimeForms)"))
        }
        if quiet && verbose { throw ValidationError("--quiet and --verbose exclude each other") }
    }

    mutating func run() throws {
        let standardOutput = BufferedOutput(descriptor: 1)
        let errors = BufferedOutput(descriptor: 2)
        defer {
            standardOutput.flush()
            errors.flush()
        }
        var configured = Logger(label: "rdpcause.analyze") { label in TerminalSafeLogHandler(StreamLogHandler.standardError(label: label)) }
        configured.logLevel = verbose ? .info : (quiet ? .error : .warning)
        let logger = configured

        let pack = RulePack.load(try rules.sources())
        if !quiet { printOverrides(pack.overrides, to: errors) }
        var ruleErrors = pack.catalog.errorCount
        for diagnostic in pack.catalog.diagnostics where diagnostic.severity >= .warning && !quiet {
            errors.writeLine(diagnostic.description)
        }
        for diagnostic in pack.causeDiagnostics {
            if diagnostic.severity == "error" { ruleErrors += 1 }
            if !quiet || diagnostic.severity == "error" { errors.writeLine(diagnostic.description) }
        }
        errors.flush()
        let options = DiagnosisOptions(
            host: host, client: client, time: time, utcOffsetSeconds: utcOffset.flatMap(UTCOffsetText.seconds))
        let runner = CaseRunner(pack: pack, options: options, parallelism: jobs)
        let progress = BatchProgress(
            totalBytes: cases.reduce(0) { $0 + CaseRunner.inputSize(of: $1) }, cases: cases.count,
            clock: { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 })
        let progressLine = ProgressLine(enabled: !quiet && isatty(2) == 1)
        let output = self.output
        let folders = Dictionary(zip(cases, FindingsFolderName.assign(cases)), uniquingKeysWith: { first, _ in first })
        let unwritten = WriteFailures()
        // Findings are rendered and written on the worker threads (cases in parallel); progress and
        // logging run one case at a time.
        // The line moves while a case is read, not only when it ends.
        var onProgress: (@Sendable (ImportProgress) -> Void)?
        if progressLine.enabled {
            onProgress = { read in
                progress.imported(read)
                if let line = progress.line(every: ProgressLine.interval) { progressLine.show(line) }
            }
        }
        let results = runner.analyze(
            cases,
            progress: onProgress,
            finish: { result in
                guard let output, let folder = folders[result.path] else { return }
                do {
                    try Self.writeFindings(result, to: (output as NSString).appendingPathComponent(folder))
                } catch {
                    unwritten.record(result.path, reason: "\(error)")
                }
            }
        ) { result in
            progress.caseFinished(files: result.statistics.inputs)
            if let line = progress.line(every: ProgressLine.interval, force: true) { progressLine.show(line) }
            var metadata: Logger.Metadata = [
                "case": "\(result.path)", "verdict": "\(result.diagnosis.verdict.rawValue)",
                "seconds": "\(String(format: "%.2f", result.seconds))", "events": "\(result.statistics.events)",
            ]
            if let top = result.diagnosis.failures.first?.causes.first, result.diagnosis.verdict == .causeFound {
                metadata["cause"] = "\(top.id)"
            }
            logger.info("case analysed", metadata: metadata)
        }
        progressLine.clear()

        // Each import and rule problem is printed once on standard error, as
        // `file:line: severity: message` (the findings document lists it as well).
        let problemsOnStandardError = !quiet
        var summary = BatchSummary()
        var inputErrors = 0
        var inconclusive = 0
        for result in results {
            let failure = unwritten.reason(for: result.path)
            summary.add(result, written: failure == nil)
            inputErrors += result.importDiagnostics.filter { $0.severity == .error }.count
            if result.diagnosis.verdict == .inputError { inputErrors += 1 }
            if result.diagnosis.verdict == .inconclusive { inconclusive += 1 }
            if let output {
                let folder = (output as NSString).appendingPathComponent(folders[result.path] ?? result.name)
                if let failure {
                    errors.writeLine("\(result.path): findings not written to \(folder): \(failure)")
                } else {
                    standardOutput.writeLine(Self.summaryLine(result, folder: folder))
                }
            } else {
                standardOutput.write(Self.render(result, format: format))
            }
            if problemsOnStandardError {
                for diagnostic in result.importDiagnostics { errors.writeLine(diagnostic.description) }
                for diagnostic in result.ruleDiagnostics { errors.writeLine(diagnostic.description) }
            }
        }
        if cases.count > 1 && !quiet {
            // After the summary lines on standard output; after the reports on standard error.
            if output != nil { standardOutput.writeLine(summary.line) } else { errors.writeLine(summary.line) }
        }
        if summary.unwritten > 0 { throw ExitCode(ExitStatus.outputNotWritten) }
        if inputErrors > 0 || ruleErrors > 0 { throw ExitCode(ExitStatus.inputError) }
        if inconclusive > 0 { throw ExitCode(ExitStatus.negative) }
    }

    static func render(_ result: CaseResult, format: Format) -> String {
        let diagnosis = result.diagnosis.labelled(case: result.path)
        return switch format {
        case .text: TextReport.render(diagnosis, caseName: result.path)
        case .json: DiagnosisJSON.document(diagnosis)
        case .markdown: MarkdownReport.render(diagnosis, caseName: result.path)
        case .html: HTMLReport.render(diagnosis, caseName: result.path)
        }
    }

    /// Writes findings.md, findings.json and findings.html into `folder`, each atomically.
    static func writeFindings(_ result: CaseResult, to folder: String) throws {
        let diagnosis = result.diagnosis.labelled(case: result.path)
        try AtomicFile.write(Array(MarkdownReport.render(diagnosis, caseName: result.path).utf8), to: folder + "/findings.md")
        try AtomicFile.write(Array(DiagnosisJSON.document(diagnosis).utf8), to: folder + "/findings.json")
        try AtomicFile.write(Array(HTMLReport.render(diagnosis, caseName: result.path).utf8), to: folder + "/findings.html")
    }

    /// `case: verdict — cause on host → folder/findings.{md,json,html}`, naming the folder written
    /// (made terminal-safe by `writeLine`).
    static func summaryLine(_ result: CaseResult, folder: String) -> String {
        let diagnosis = result.diagnosis
        var line = "\(result.path): \(diagnosis.verdict.rawValue)"
        if let failure = diagnosis.failures.first {
            if diagnosis.verdict == .causeFound, let top = failure.causes.first {
                line += " — \(top.id) on \(failure.host ?? "unknown host")"
            } else if !diagnosis.missingLogs.isEmpty {
                line += " — collect \(diagnosis.missingLogs.count) log(s)"
            }
        }
        return line + " → \(folder)/findings.{md,json,html}"
    }
}

/// The cases whose findings could not be written, and why (filled from the worker threads).
final class WriteFailures: @unchecked Sendable {
    // @unchecked: every access to `reasons` holds `lock`.
    private let lock = NSLock()
    private var reasons: [String: String] = [:]

    func record(_ path: String, reason: String) {
        lock.lock()
        reasons[path] = reason
        lock.unlock()
    }

    func reason(for path: String) -> String? {
        lock.lock()
        defer { lock.unlock() }
        return reasons[path]
    }
}

/// The progress line on a terminal (standard error), rewritten in place.
struct ProgressLine: Sendable {
    /// Whether standard error is a terminal that shows it.
    let enabled: Bool
    /// Seconds between two updates while cases are read.
    static let interval = 0.5

    /// Shows `line` in place of the previous one (numbers only: nothing to escape).
    func show(_ line: String) {
        guard enabled else { return }
        let text = Array(("\r" + line + "\u{1B}[K").utf8)
        text.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }

    /// Removes the line.
    func clear() {
        guard enabled else { return }
        let clear = Array("\r\u{1B}[K".utf8)
        clear.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
