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
            Rules are the pack built into rdpcause, then the folders of RDPCAUSE_RULES, then every `--rules` folder or file (such as SigmaHQ's rules/windows); a rule with the id or name of a rule below it replaces that rule (noted once on standard error). `--no-builtin-rules` hunts with the named folders alone. Inputs are read as by `rdpcause events` (files, folders, archives).

            Output (standard output), chosen with --format:
              table   (default) one row per match: time, level, rule, computer,
                      channel and event ID, origin
              ndjson  one JSON object per match:
                      {"type":"detection",
                       "rule":{"id","name","title","level"},
                       "time","computer","channel","provider",
                       "eventId","recordId","origin"}

            In NDJSON, `origin` is the string "file:line" of the event's `<Event` tag (archive members as "archive.zip!member:line"), and absent rule fields are null.

            Rule problems are printed on standard error as `file:line:column: severity: message [code]` (warnings and errors; `rdpcause rules lint` shows notes too), then a summary line. A rule whose regular expression runs out of its step budget on some event is not evaluated for the rest of the run: a `regex-not-evaluated` warning names it, with the number of events, and the summary counts it (see Rules/README.md, "Limits on hostile rules").

            Exit status: 0 when the run completed (with or without matches); 1 when a rule file has errors (those rules are left out, the others still run) or an input could not be read completely; 64 on a usage error.
            """
    )

    /// Output formats of `hunt`.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table
        case ndjson
    }

    @OptionGroup var rules: RuleSourceOptions

    @Option(help: "Output format: table or ndjson.")
    var format: Format = .table

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

        var table = MatchTable()
        var matchCount = 0
        let format = self.format
        let importer = EventImporter(
            handlers: ImportHandlers(
                onEvent: { event in
                    hunt.process(event) { index in
                        let rule = catalog.rules[index]
                        matchCount += 1
                        switch format {
                        case .ndjson: output.write(DetectionJSON.line(rule: rule, event: event))
                        case .table: table.append(rule: rule, event: event)
                        }
                    }
                },
                onDiagnostic: { diagnostic in errors.writeLine(diagnostic.description) }))
        importer.importPaths(paths)
        let alerts = hunt.finish()
        let gaps = hunt.gaps.diagnostics(rules: catalog.rules)
        for diagnostic in gaps { errors.write(diagnostic.description + "\n") }
        for alert in alerts {
            switch format {
            case .ndjson: output.write(CorrelationJSON.line(alert))
            case .table: table.append(alert: alert)
            }
        }
        if format == .table {
            output.write(table.render())
        }
        let statistics = importer.statistics
        let leftOut: String =
            hunt.problems.isEmpty
            ? "" : "; \(hunt.problems.count) correlation rule\(hunt.problems.count == 1 ? "" : "s") left out (see the errors above)"
        errors.write(
            "hunt: \(matchCount) match\(matchCount == 1 ? "" : "es") and \(alerts.count) correlation alert\(alerts.count == 1 ? "" : "s") in \(statistics.events) events; "
                + "\(engine.evaluatedRuleCount) of \(catalog.rules.count) rules evaluated, "
                + "\(catalog.rejectedRules) not loaded (\(catalog.errorCount) errors, \(catalog.warningCount) warnings)"
                + leftOut
                + (gaps.isEmpty ? "" : "; \(gaps.count) rule(s) not evaluated on some events (see the warnings above)") + "\n")
        if catalog.errorCount > 0 || statistics.errors > 0 || !hunt.problems.isEmpty {
            throw ExitCode(1)
        }
    }
}

/// The NDJSON form of one detection.
enum DetectionJSON {
    /// `{"type":"detection","rule":{…},"time",…,"origin":"file:line"}` and a newline.
    static func line(rule: SigmaRule, event: WinEvent) -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.member("type", "detection")
        json.key("rule")
        json.beginObject()
        json.member("id", rule.id)
        json.member("name", rule.name)
        json.member("title", rule.title)
        json.member("level", rule.level)
        json.endObject()
        json.member("time", event.time.description)
        json.member("computer", event.computer)
        json.member("channel", event.channel)
        json.member("provider", event.provider)
        json.member("eventId", event.eventID)
        json.member("recordId", event.recordID)
        json.member("origin", event.origin.description)
        json.endObject()
        json.newline()
        return json.bytes
    }
}

/// Matches collected for the aligned table output.
///
/// Every cell comes from a rule or an event, so each is made terminal-safe (``TerminalSafe``)
/// before the column widths are measured: no escape sequence, bidi override or newline reaches
/// the terminal, and the columns stay aligned.
struct MatchTable {
    private var rows: [[String]] = []
    private static let header = ["TIME", "LEVEL", "RULE", "COMPUTER", "EVENT", "ORIGIN"]

    private mutating func append(_ cells: [String]) {
        rows.append(cells.map { TerminalSafe.line($0) })
    }

    mutating func append(rule: SigmaRule, event: WinEvent) {
        append([
            event.time.iso8601(fractionDigits: 3), rule.level ?? "-", rule.title, event.computer,
            "\(event.channel) \(event.eventID)", event.origin.description,
        ])
    }

    mutating func append(alert: CorrelationAlert) {
        let group = alert.group.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        append([
            alert.time.iso8601(fractionDigits: 3), alert.level ?? "-", "\(alert.title) [\(alert.type)\(group.isEmpty ? "" : " " + group)]",
            alert.events.first?.computer ?? "-", "\(alert.events.count) event(s)", alert.events.first?.origin.description ?? "-",
        ])
    }

    func render() -> String {
        guard !rows.isEmpty else { return "no matches\n" }
        var widths = Self.header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (index, cell) in cells.enumerated() {
                if index == cells.count - 1 {
                    text += cell
                } else {
                    text += cell + String(repeating: " ", count: widths[index] - cell.count + 2)
                }
            }
            return text + "\n"
        }
        return line(Self.header) + rows.map(line).joined()
    }
}
