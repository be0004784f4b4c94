import ArgumentParser
import Foundation
import Diagnosis
import EventImport
import SigmaKit

/// `rdpcause explain <cause-id>`: what a cause is, what evidence it looks for, how to fix it.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Describe a cause: what it is, the evidence rdpcause looks for, and the fix.",
        discussion: "Without an id, lists the causes. An unknown id is a usage error. Exit status: the scheme common to every command (see `rdpcause --help`)."
    )

    @Argument(help: "A cause id, e.g. private-key-inaccessible.", completion: .custom(causeIDs))
    var cause: String?

    /// Shell completion: the ids of the causes the rules in use define (built in and RDPCAUSE_RULES)
    /// that start with what is typed.
    @Sendable static func causeIDs(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        let sources = RuleSources.resolve(commandLine: [], builtIn: true)
        return RulePack.load(sources).causes.map(\.id).filter { $0.hasPrefix(prefix) }.sorted()
    }

    @OptionGroup var rules: RuleSourceOptions

    mutating func run() throws {
        let output = BufferedOutput(descriptor: 1)
        defer { output.flush() }
        let pack = RulePack.load(try rules.sources())
        guard let id = cause else {
            for cause in pack.causes { output.write(TerminalSafe.line(cause.id) + "\t" + TerminalSafe.line(cause.title) + "\n") }
            return
        }
        guard let definition = pack.causes.first(where: { $0.id == id }) else {
            throw ValidationError(TerminalSafe.line("unknown cause '\(id)'; known: \(pack.causes.map(\.id).joined(separator: ", "))"))
        }
        let titles = Dictionary(pack.catalog.rules.compactMap { rule in rule.name.map { ($0, rule.title) } }, uniquingKeysWith: { a, _ in a })
        output.write(Self.describe(definition, ruleTitles: titles))
    }

    /// The description of a cause, as lines safe for a terminal (rule packs are untrusted text).
    static func describe(_ cause: CauseDefinition, ruleTitles: [String: String]) -> String {
        var lines = ["\(cause.id): \(cause.title)", ""]
        if !cause.description.isEmpty {
            lines += cause.description.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n", omittingEmptySubsequences: false)
                .map(String.init)
            lines.append("")
        }
        if !cause.needs.isEmpty {
            lines.append("Needs (logs that must cover the failure):")
            for need in cause.needs { lines.append("  - \(need.channel) on the \(need.machine.rawValue): \(need.why)") }
            lines.append("")
        }
        lines.append("Evidence for it:")
        lines += cause.evidence.map { "  - " + item($0, ruleTitles) }
        if !cause.against.isEmpty {
            lines.append("Evidence against it:")
            lines += cause.against.map { "  - " + item($0, ruleTitles) }
        }
        if cause.residual { lines.append("  (weighed last: what remains when no host-side cause explains the failure)") }
        lines += ["", "Fix:"]
        lines += cause.remediation.enumerated().map { "  \($0.offset + 1). \($0.element)" }
        if !cause.references.isEmpty {
            lines += ["", "References:"]
            lines += cause.references.map { "  \($0)" }
        }
        return lines.map { TerminalSafe.line($0) }.joined(separator: "\n") + "\n"
    }

    static func item(_ evidence: CauseDefinition.Evidence, _ titles: [String: String]) -> String {
        func names(_ rules: [String]) -> String { rules.map { name in titles[name].map { "\($0) (\(name))" } ?? name }.joined(separator: " or ") }
        func span(_ ticks: Int64) -> String {
            let seconds = ticks / EventTimestamp.ticksPerSecond
            let sign = seconds < 0 ? "-" : "+"
            let magnitude = abs(seconds)
            if magnitude % 86_400 == 0 && magnitude > 0 { return "\(sign)\(magnitude / 86_400)d" }
            if magnitude % 3600 == 0 && magnitude > 0 { return "\(sign)\(magnitude / 3600)h" }
            if magnitude % 60 == 0 && magnitude > 0 { return "\(sign)\(magnitude / 60)m" }
            return "\(sign)\(magnitude)s"
        }
        let window = "from \(span(evidence.window.start)) to \(span(evidence.window.end)) around the failure"
        var weight = "weight \(evidence.weight)"
        if let tier = evidence.atAttempt {
            weight += tier.within > 0 ? "; \(tier.weight) and decisive within \(span(tier.within).dropFirst()) of the attempt" : "; decisive at the attempt (\(tier.weight))"
        }
        if evidence.corroborates { weight += "; corroborates only" }
        if let regression = evidence.regression {
            weight += "; \(regression.weight) when it lies at most \(span(regression.within).dropFirst()) before the client's first failure, "
                + "the client did not fail in that span before it, and the host shows \(names(regression.others)) of another client after it"
        }
        switch evidence.test {
        case .present(let rules): return "\(names(rules)) on the \(evidence.machine.rawValue), \(window) (\(weight))"
        case .absent(let rules): return "no \(names(rules)) on the \(evidence.machine.rawValue), \(window), while its log covers it (\(weight))"
        case .latest(let rules, let latest, _):
            return "the last of \(names(rules)) before the failure is \(names(latest)) (\(weight))"
        case .interval(let rule, let start, let end): return "\(names([rule])) whose \(start)…\(end) holds the failure (\(weight))"
        case .code(let codes): return "the client's disconnect reason is one of \(codes.map(String.init).joined(separator: ", ")) (\(weight))"
        }
    }
}
