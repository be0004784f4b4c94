import ArgumentParser
import EventImport
import Reports

/// `rdpcause summary OUT/`: what broke most, counted over a findings folder or the watcher's ledger.
struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Count findings per day or week, host, verdict and cause: what broke most this week.",
        discussion: """
            Reads every <case>/findings.json under a findings folder (as analyze --output and watch write \
            them), or the cases the watcher's ledger (OUT/.rdpcause-ledger.jsonl) records as done. A case \
            counts in the period it was analysed (analysedAt, else the file's time), in UTC. Text gives the \
            totals per verdict, cause and host, then each period's causes; CSV and JSON give one row per \
            period, host, verdict and cause.

            Exit status: the scheme common to every command (see `rdpcause --help`).
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, csv, json
    }

    enum Period: String, ExpressibleByArgument, CaseIterable {
        case day, week
    }

    @Argument(help: "A findings folder, or a watcher's ledger file.")
    var findings: String

    @Option(help: "Output format.")
    var format: Format = .text

    @Option(help: "Group cases by UTC day or ISO week.")
    var by: Period = .week

    func run() throws {
        let output = BufferedOutput(descriptor: 1)
        let errors = BufferedOutput(descriptor: 2)
        defer {
            output.flush()
            errors.flush()
        }
        let summary = FindingsSummary.read(findings)
        for problem in summary.problems { errors.writeLine(problem) }
        let period: FindingsSummary.Period = by == .day ? .day : .week
        switch format {
        case .text: output.write(summary.text(by: period))
        case .csv: output.write(summary.csv(by: period))
        case .json: output.write(summary.json(by: period))
        }
        if !summary.problems.isEmpty { throw ExitCode(ExitStatus.inputError) }
    }
}
