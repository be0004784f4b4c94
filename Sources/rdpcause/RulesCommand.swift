import ArgumentParser
import Correlation
import Diagnosis
import EventImport
import SigmaKit

/// `rdpcause rules`: check and list Sigma rules.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Check, list and test the rules: Sigma rules and cause definitions.",
        subcommands: [RulesLintCommand.self, RulesListCommand.self, RulesTestCommand.self]
    )
}

/// `rdpcause rules lint [DIR…]`: print every rule and cause diagnostic.
struct RulesLintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Load the rules and print every problem found.",
        discussion: """
            Loads the rules as every command does (the built-in pack, RDPCAUSE_RULES, then the folders given as \
            arguments or with --rules) and prints each diagnostic on standard error as `file:line:column: \
            severity: message [code]` (notes, warnings and errors), each rule or cause that replaces one of a \
            lower source, then a summary line. Nothing is skipped silently: a rule that is not loaded has an \
            error saying why; a rule that is loaded but not evaluated (unmapped log source, unresolved \
            placeholder, correlation rule) has a warning or note saying why; a cause that names a rule no source \
            defines is an error.

            A regular expression with nested quantifiers (`(a+)+`, `(.*)*`, `(\\w+\\s?)*`) gets a \
            `regex-backtracking` warning: matching it can take exponential time, so it runs under a step budget \
            and the rule is reported as not evaluated wherever the budget runs out (`hunt`, `analyze`). Rule \
            files over 1 MiB, conditions nested more than 64 levels and rules of more than 50,000 values are \
            errors (Rules/README.md, "Limits on hostile rules").

            Exit status: the scheme common to every command (see `rdpcause --help`).
            """
    )

    @Argument(help: "Rule folders or files to check, laid over the built-in pack (as with --rules).")
    var paths: [String] = []

    @OptionGroup var rules: RuleSourceOptions

    @OptionGroup var loading: RuleLoadingOptions

    mutating func run() throws {
        let errors = BufferedOutput(descriptor: 2)
        defer { errors.flush() }
        let pack = RulePack.load(try rules.sources(adding: paths), placeholders: try loading.placeholderValues())
        let catalog = pack.catalog
        printRuleDiagnostics(catalog, to: errors, minimum: .note)
        for diagnostic in pack.causeDiagnostics { errors.writeLine(diagnostic.description) }
        let correlationProblems = CompiledCorrelations(catalog: catalog).problems
        for problem in correlationProblems { errors.writeLine("\(problem.description) [correlation]") }
        printOverrides(pack.overrides, to: errors)
        let evaluated = pack.engine.evaluatedRuleCount
        let causeErrors = pack.causeDiagnostics.count { $0.severity == "error" }
        let backtracking = catalog.diagnostics.count { $0.code == .regexBacktracking }
        errors.write(
            "lint: \(catalog.filesRead) files, \(catalog.rules.count) rules loaded (\(evaluated) evaluated), "
                + "\(catalog.rejectedRules) not loaded, \(pack.causes.count) causes; "
                + "\(catalog.errorCount + causeErrors + correlationProblems.count) errors, \(catalog.warningCount) warnings"
                + (backtracking == 0 ? "" : " (\(backtracking) regular expression(s) with nested quantifiers)")
                + "; rules \(pack.version)\n")
        if catalog.errorCount + causeErrors + correlationProblems.count > 0 {
            throw ExitCode(ExitStatus.negative)
        }
    }
}

/// `rdpcause rules list [DIR…]`: one line per loaded rule and cause, with where it came from.
struct RulesListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the loaded rules and causes, and where each came from.",
        discussion: """
            Loads the rules as every command does (the built-in pack, RDPCAUSE_RULES, then the folders given as \
            arguments or with --rules) and prints one tab-separated line per Sigma rule on standard output: id, \
            level, status, kind (detection, correlation, or not-evaluated with the reason), log source, title, \
            file:line, and where it came from (built-in, RDPCAUSE_RULES DIR or --rules DIR, with "overrides \
            FILE:LINE" when it replaced a rule of a lower source). Then one line per cause: id, -, -, cause, the \
            machine it lives on, title, file and origin. Built-in files are named <built-in>/sigma/… and \
            <built-in>/causes/…. Errors and warnings go to standard error as with `rules lint`.

            Exit status: the scheme common to every command (see `rdpcause --help`).
            """
    )

    @Argument(help: "Rule folders or files, laid over the built-in pack (as with --rules).")
    var paths: [String] = []

    @OptionGroup var rules: RuleSourceOptions

    @OptionGroup var loading: RuleLoadingOptions

    mutating func run() throws {
        let output = BufferedOutput(descriptor: 1)
        let errors = BufferedOutput(descriptor: 2)
        defer {
            output.flush()
            errors.flush()
        }
        let pack = RulePack.load(try rules.sources(adding: paths), placeholders: try loading.placeholderValues())
        let catalog = pack.catalog
        printRuleDiagnostics(catalog, to: errors, minimum: .warning)
        for diagnostic in pack.causeDiagnostics { errors.write(diagnostic.description + "\n") }
        let replacedRules = Dictionary(
            catalog.overrides.map { ($0.rule.locator, $0.replaced.locator) }, uniquingKeysWith: { first, _ in first })
        let replacedCauses = Dictionary(
            pack.causeOverrides.map { ($0.source, $0.replacedSource) }, uniquingKeysWith: { first, _ in first })
        func origin(_ source: String, replacing replaced: String?) -> String {
            var text = pack.sources.origin(ofSource: source).map { folder in
                folder.origin == .builtIn ? "built-in" : "\(folder.origin) \(folder.path)"
            } ?? "-"
            if let replaced { text += " (overrides \(replaced))" }
            return text
        }
        for rule in catalog.rules {
            let kind: String
            switch (rule.kind, rule.evaluation) {
            case (.correlation, _): kind = "correlation"
            case (.detection, .evaluated): kind = "detection"
            case (.detection, .notEvaluated(let reason)): kind = "not-evaluated (\(reason))"
            }
            let cells = [
                rule.id ?? "-", rule.level ?? "-", rule.status ?? "-", kind, rule.logSource.description, rule.title,
                rule.locator, origin(rule.source, replacing: replacedRules[rule.locator]),
            ]
            output.write(cells.map { TerminalSafe.line($0) }.joined(separator: "\t") + "\n")
        }
        for cause in pack.causes {
            let cells = [
                cause.id, "-", "-", "cause", cause.side.rawValue, cause.title, cause.source,
                origin(cause.source, replacing: replacedCauses[cause.source]),
            ]
            output.write(cells.map { TerminalSafe.line($0) }.joined(separator: "\t") + "\n")
        }
        if catalog.errorCount > 0 || pack.causeDiagnostics.contains(where: { $0.severity == "error" }) {
            throw ExitCode(ExitStatus.negative)
        }
    }
}
