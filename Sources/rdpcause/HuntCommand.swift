import ArgumentParser
import Correlation
import Diagnosis
import EventImport
import Foundation
import SigmaKit

/// Options shared by the commands that load Sigma rules.
struct RuleLoadingOptions: ParsableArguments {
    @Option(
        name: .customLong("placeholder"),
        help: ArgumentHelp(
            "A value for an `expand` placeholder, as NAME=VALUE (repeat for several values or names).",
            valueName: "name=value"))
    var placeholders: [String] = []

    /// The placeholders as a dictionary, or a validation error naming the malformed option.
    func placeholderValues() throws -> [String: [String]] {
        var values: [String: [String]] = [:]
        for entry in placeholders {
            guard let equals = entry.firstIndex(of: "="), equals != entry.startIndex else {
                throw ValidationError(TerminalSafe.line("--placeholder '\(entry)' is not NAME=VALUE"))
            }
            var name = String(entry[..<equals])
            if name.hasPrefix("%") && name.hasSuffix("%") && name.count > 2 { name = String(name.dropFirst().dropLast()) }
            values[name, default: []].append(String(entry[entry.index(after: equals)...]))
        }
        return values
    }
}

/// Prints rule diagnostics to standard error as `file:line:column: severity: message [code]`.
func printRuleDiagnostics(_ catalog: RuleCatalog, to errors: BufferedOutput, minimum: SigmaDiagnostic.Severity) {
    for diagnostic in catalog.diagnostics where diagnostic.severity >= minimum {
        errors.writeLine(diagnostic.description)
    }
}

/// `rdpcause hunt`: run Sigma detection rules over exported event logs.
struct HuntCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hunt",
        abstract: "Run Sigma detection rules over exported Windows event logs and print the matches.",
        discussion: """
            Rules are the pack built into rdpcause, then the folders of RDPCAUSE_RULES, then every `--rules` \
            folder or file (such as SigmaHQ's rules/windows); a rule with the id or name of a rule below it \
            replaces that rule (noted once on standard error). `--no-builtin-rules` hunts with the named folders \
            alone. Inputs are read as by `rdpcause events` (files, folders, archives).

            Output (standard output) is a timeline: one row per detection and per correlation alert, sorted by \
            event time across all inputs (newest-first exports and any file order give the same timeline). \
            Columns: Timestamp, Level, Rule, Computer, Channel, EventID, RecordID, Details, Origin. Details are \
            the rule's `fields:` as `Name: value ¦ Name: value` (without them: the logon fields of Security \
            events, the service fields of System events, otherwise the event's first six data fields). Chosen \
            with --format:
              table       (default) aligned columns
              csv         one header line, RFC 4180; a cell starting with =, +, -, @ is prefixed with ' and \
            quoted, so a spreadsheet never runs it as a formula
              ndjson      per detection {"type":"detection", "rule":{"id","name","title","level"}, "time", \
            "computer", "channel", "provider", "eventId", "recordId", "details", "matched":{the fields the rule \
            tests}, "event":{the object `rdpcause events` prints}, "origin":{"source","line","offset"}}; per \
            correlation {"type":"correlation", …}
              timesketch  JSON lines for Timesketch: "message", "datetime", "timestamp_desc" and the columns

            --min-level, --since, --until and --computer leave rows out; standard error then gets the rows per \
            level and per rule, and a summary line.

            Rule problems are printed on standard error as `file:line:column: severity: message [code]` \
            (warnings and errors; `rdpcause rules lint` shows notes too), then a summary line. A rule whose \
            regular expression runs out of its step budget on some event is not evaluated for the rest of the \
            run: a `regex-not-evaluated` warning names it, with the number of events, and the summary counts it \
            (see Rules/README.md, "Limits on hostile rules").

            Exit status: the scheme common to every command (see `rdpcause --help`).
            """
    )

    @OptionGroup var rules: RuleSourceOptions

    @Option(help: "Output format: table, ndjson, csv or timesketch.")
    var format: HuntFormat = .table

    @Option(help: "Leave out rows below this level: informational, low, medium, high or critical.")
    var minLevel: HuntLevel = .informational

    @OptionGroup var timeRange: TimeRangeOptions

    @Option(help: "Keep only rows of this machine (a short name matches its FQDN; repeat for several).")
    var computer: [String] = []

    @OptionGroup var loading: RuleLoadingOptions

    @Argument(help: "Files, folders or archives of exported event logs.")
    var paths: [String]

    mutating func run() throws {
        let output = BufferedOutput(descriptor: 1)
        let errors = BufferedOutput(descriptor: 2)
        defer {
            output.flush()
            errors.flush()
        }
        let catalog = try rules.sources().loadCatalog(placeholders: try loading.placeholderValues())
        printRuleDiagnostics(catalog, to: errors, minimum: .warning)
        printOverrides(catalog.overrides.map(\.description), to: errors)
        let hunt = Hunt(catalog: catalog)
        let engine = hunt.engine
        for problem in hunt.problems { errors.writeLine(problem.description) }
        errors.flush()

        let filter = TimelineFilter(
            minimumLevel: minLevel.timeline, since: timeRange.start, until: timeRange.end,
            computers: computer)
        // Rows are rendered as they come and sorted by event time at the end, so inputs in any
        // order (and newest-first exports) give one timeline; past 16 MiB of rendered rows they
        // wait in sorted runs on disk (TimelineSpool), so memory does not grow with the matches.
        let spool = TimelineSpool(format: format.timeline)
        var summary = TimelineSummary()
        var spoolError: TimelineSpool.SpoolError?
        func keep(_ row: TimelineRow) {
            guard spoolError == nil, filter.keeps(row) else { return }
            summary.count(row)
            do throws(TimelineSpool.SpoolError) { try spool.add(row) } catch { spoolError = error }
        }
        var matchCount = 0
        let importer = EventImporter(
            handlers: ImportHandlers(
                onEvent: { event in
                    hunt.process(event) { index in
                        matchCount += 1
                        keep(TimelineRow(rule: catalog.rules[index], event: event))
                    }
                },
                onDiagnostic: { diagnostic in errors.writeLine(diagnostic.description) }))
        importer.importPaths(paths)
        let alerts = hunt.finish()
        let gaps = hunt.gaps.diagnostics(rules: catalog.rules)
        for diagnostic in gaps { errors.write(diagnostic.description + "\n") }
        for alert in alerts { keep(TimelineRow(alert: alert)) }
        if spoolError == nil {
            do throws(TimelineSpool.SpoolError) { try spool.write(to: output) } catch { spoolError = error }
        }
        if let spoolError {
            errors.writeLine("rdpcause: error: the timeline could not be written: \(spoolError)")
            throw ExitCode(ExitStatus.outputNotWritten)
        }
        for line in summary.lines() { errors.writeLine(TerminalSafe.line(line)) }
        let statistics = importer.statistics
        let leftOut: String =
            hunt.problems.isEmpty
            ? "" : "; \(hunt.problems.count) correlation rule\(hunt.problems.count == 1 ? "" : "s") left out (see the errors above)"
        let shown = spool.count == matchCount + alerts.count ? "" : "; \(spool.count) shown after filtering"
        errors.write(
            "hunt: \(matchCount) match\(matchCount == 1 ? "" : "es") and \(alerts.count) correlation alert\(alerts.count == 1 ? "" : "s") in \(statistics.events) events\(shown); "
                + "\(engine.evaluatedRuleCount) of \(catalog.rules.count) rules evaluated, "
                + "\(catalog.rejectedRules) not loaded (\(catalog.errorCount) errors, \(catalog.warningCount) warnings)"
                + leftOut
                + (gaps.isEmpty ? "" : "; \(gaps.count) rule(s) not evaluated on some events (see the warnings above)") + "\n")
        if catalog.errorCount > 0 || statistics.errors > 0 || !hunt.problems.isEmpty {
            throw ExitCode(ExitStatus.inputError)
        }
    }
}

/// `--format` of `hunt` (the library's ``TimelineFormat``).
enum HuntFormat: String, ExpressibleByArgument, CaseIterable {
    case table, ndjson, csv, timesketch

    var timeline: TimelineFormat { TimelineFormat(rawValue: rawValue) ?? .table }
}

/// `--min-level` of `hunt` (the library's ``TimelineLevel``).
enum HuntLevel: String, ExpressibleByArgument, CaseIterable {
    case informational, low, medium, high, critical

    var timeline: TimelineLevel { TimelineLevel(rawValue: rawValue) ?? .informational }
}
