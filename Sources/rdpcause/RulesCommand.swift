import ArgumentParser
import EventImport
import SigmaKit

/// `rdpcause rules`: check and list Sigma rules.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Check and list Sigma rules.",
        subcommands: [RulesLintCommand.self, RulesListCommand.self, RulesTestCommand.self]
    )
}

/// `rdpcause rules lint [DIR…]`: print every rule diagnostic.
struct RulesLintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Load rules and print every problem found.",
        discussion: """
            Prints each diagnostic on standard error as `file:line:column: severity: message [code]` (notes, warnings and errors), then a summary line. Nothing is skipped silently: a rule that is not loaded has an error saying why; a rule that is loaded but not evaluated (unmapped log source, unresolved placeholder, correlation rule) has a warning or note saying why.

            A regular expression with nested quantifiers (`(a+)+`, `(.*)*`, `(\\w+\\s?)*`) gets a `regex-backtracking` warning: matching it can take exponential time, so it runs under a step budget and the rule is reported as not evaluated wherever the budget runs out (`hunt`, `analyze`). Rule files over 1 MiB, conditions nested more than 64 levels and rules of more than 50,000 values are errors (Rules/README.md, "Limits on hostile rules").

            Exit status: 0 when no rule has an error (warnings and notes allowed); 1 when any rule or file has an error; 64 on a usage error.
            """
    )

    @Argument(help: "Rule folders or files (default: Rules/).")
    var paths: [String] = ["Rules"]

    @OptionGroup var loading: RuleLoadingOptions

    mutating func run() throws {
        let errors = BufferedOutput(descriptor: 2)
        defer { errors.flush() }
        let catalog = RuleLoader(placeholders: try loading.placeholderValues()).load(paths: paths)
        printRuleDiagnostics(catalog, to: errors, minimum: .note)
        let evaluated = SigmaEngine(rules: catalog.rules).evaluatedRuleCount
        let backtracking = catalog.diagnostics.count { $0.code == .regexBacktracking }
        errors.write(
            "lint: \(catalog.filesRead) files, \(catalog.rules.count) rules loaded (\(evaluated) evaluated), "
                + "\(catalog.rejectedRules) not loaded; \(catalog.errorCount) errors, \(catalog.warningCount) warnings"
                + (backtracking == 0 ? "" : " (\(backtracking) regular expression(s) with nested quantifiers)") + "\n")
        if catalog.errorCount > 0 {
            throw ExitCode(1)
        }
    }
}

/// `rdpcause rules list [DIR…]`: one line per loaded rule.
struct RulesListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the loaded rules.",
        discussion: """
            Prints one tab-separated line per loaded rule on standard output: id, level, status, kind (detection, correlation, or not-evaluated with the reason), log source, title and file:line. Errors and warnings go to standard error as with `rules lint`.

            Exit status: 0 when no rule has an error; 1 when any rule or file has an error; 64 on a usage error.
            """
    )

    @Argument(help: "Rule folders or files (default: Rules/).")
    var paths: [String] = ["Rules"]

    @OptionGroup var loading: RuleLoadingOptions

    mutating func run() throws {
        let output = BufferedOutput(descriptor: 1)
        let errors = BufferedOutput(descriptor: 2)
        defer {
            output.flush()
            errors.flush()
        }
        let catalog = RuleLoader(placeholders: try loading.placeholderValues()).load(paths: paths)
        printRuleDiagnostics(catalog, to: errors, minimum: .warning)
        for rule in catalog.rules {
            let kind: String
            switch (rule.kind, rule.evaluation) {
            case (.correlation, _): kind = "correlation"
            case (.detection, .evaluated): kind = "detection"
            case (.detection, .notEvaluated(let reason)): kind = "not-evaluated (\(reason))"
            }
            let cells = [
                rule.id ?? "-", rule.level ?? "-", rule.status ?? "-", kind, rule.logSource.description, rule.title,
                rule.locator,
            ]
            output.write(cells.map { TerminalSafe.line($0) }.joined(separator: "\t") + "\n")
        }
        if catalog.errorCount > 0 {
            throw ExitCode(1)
        }
    }
}
