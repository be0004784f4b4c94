import EventImport
import Foundation

/// The terminal form of a diagnosis: a headline per failure, the evidence with times and
/// sources, the ruled-out causes one line each, the fix, and the missing logs.
public enum TextReport {
    /// Renders the diagnosis as plain text (control characters in event content are made visible).
    public static func render(_ diagnosis: Diagnosis, caseName: String) -> String {
        var lines: [String] = []
        lines.append("Case \(caseName): \(headline(diagnosis.verdict))")
        if diagnosis.failures.isEmpty {
            lines.append("  No failed Remote Desktop connection was found: no client error report and no client disconnect with an error reason.")
        }
        for (number, failure) in diagnosis.failures.enumerated() {
            lines.append("")
            var title = "Failure \(number + 1): \(failure.client ?? "client") → \(failure.host ?? "unknown host") at \(failure.time.iso8601(fractionDigits: 0))"
            title += ", \(DisconnectCodes.hex(failure.code))" + (failure.extendedCode.map { "/\(DisconnectCodes.hex($0))" } ?? "")
            lines.append(title)
            lines.append("  \(failure.codeMeaning)")
            if let skew = failure.clockSkewSeconds { lines.append("  clock skew (host − client): \(String(format: "%+.1f", skew)) s") }
            for note in failure.context { lines.append("  · \(visible(note))") }
            for anchor in failure.anchors { lines.append("  failure: \(evidenceLine(anchor))") }
            let likely = failure.causes.filter { $0.status == .likely || $0.status == .possible }
            if let top = failure.causes.first, top.status == .likely {
                lines.append("  ⇒ \(failure.host ?? "host"): \(top.title) — likely (confidence \(String(format: "%.2f", top.confidence)))")
            } else {
                lines.append("  ⇒ inconclusive: no cause is likely on the evidence in this case")
            }
            for cause in likely {
                lines.append("  [\(cause.status.rawValue)] \(cause.id) (\(String(format: "%.2f", cause.confidence))): \(visible(cause.summary))")
                for item in cause.evidence { lines.append("      \(item.role == .refutes ? "against" : "evidence"): \(evidenceLine(item))") }
                for step in cause.remediation.prefix(cause.status == .likely ? 10 : 1) { lines.append("      fix: \(step)") }
            }
            let other = failure.causes.filter { $0.status == .ruledOut || $0.status == .notAssessable }
            if !other.isEmpty { lines.append("  Ruled out or not assessable:") }
            for cause in other { lines.append("    \(cause.id) [\(cause.status.rawValue)]: \(visible(cause.summary))") }
        }
        if !diagnosis.missingLogs.isEmpty {
            lines.append("")
            lines.append("Logs to collect:")
            for log in diagnosis.missingLogs {
                lines.append("  \(log.machine): \(log.channel) — \(log.reason)")
                lines.append("    \(log.command)")
            }
            lines += ["  " + CollectScriptHint.lead, "    " + CollectScriptHint.command(for: diagnosis)]
        }
        if !diagnosis.warnings.isEmpty {
            lines.append("")
            lines.append("Warnings:")
            for warning in diagnosis.warnings { lines.append("  \(visible(warning))") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func headline(_ verdict: Diagnosis.Verdict) -> String {
        switch verdict {
        case .causeFound: "cause found"
        case .inconclusive: "inconclusive"
        case .noFailureFound: "no failure found"
        }
    }

    static func evidenceLine(_ item: EvidenceItem) -> String {
        var location = item.origin.source.isEmpty ? "" : " [\(item.origin.source):\(item.origin.line)"
        if let record = item.recordID { location += " record \(record)" }
        if !location.isEmpty { location += "]" }
        let event = item.eventID == 0 ? "" : " \(item.channel) \(item.eventID)"
        return "\(item.time.iso8601(fractionDigits: 0)) \(visible(item.computer))\(event): \(visible(item.meaning))\(visible(location))"
    }

    /// Replaces control characters (terminal escapes in hostile event data) with visible escapes.
    public static func visible(_ text: String) -> String {
        var output = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) {
                output += scalar == "\n" ? " " : "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }
}
