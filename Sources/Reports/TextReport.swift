public import Diagnosis
import EventImport
import Foundation

/// The terminal form of a diagnosis: a headline per failure, the evidence with times and
/// sources, the ruled-out causes one line each, the fix, and the missing logs.
public enum TextReport {
    /// Renders the diagnosis as plain text. Host and client names, file names, rule and cause
    /// texts come from untrusted input, so every line goes through ``TerminalSafe/line(_:lineBreaks:)``:
    /// terminal controls and bidirectional overrides are shown as visible escapes, and a newline
    /// inside a value is shown as `\n` instead of starting a line.
    public static func render(_ diagnosis: Diagnosis, caseName: String) -> String {
        var lines: [String] = []
        lines.append("Case \(caseName): \(Wording.verdict(diagnosis.verdict))")
        if diagnosis.failures.isEmpty {
            lines.append("  \(Wording.withoutFailures(diagnosis))")
            for note in diagnosis.notes { lines.append("  · \(note)") }
            if !diagnosis.candidates.isEmpty { lines.append("  \(Wording.candidates):") }
            for item in diagnosis.candidates { lines.append("    candidate: \(evidenceLine(item))") }
            if !diagnosis.noFailureEvidence.isEmpty { lines.append("  \(Wording.noFailureRecords):") }
            for item in diagnosis.noFailureEvidence { lines.append("    record: \(evidenceLine(item))") }
        }
        for (number, failure) in diagnosis.failures.enumerated() {
            lines.append("")
            var title = "Failure \(number + 1): \(Wording.client(failure)) → \(Wording.host(failure)) at \(failure.time.iso8601(fractionDigits: 0))"
            title += ", \(DisconnectCodes.hex(failure.code))" + (failure.extendedCode.map { "/\(DisconnectCodes.hex($0))" } ?? "")
            lines.append(title)
            lines.append("  \(failure.codeMeaning)")
            if let skew = failure.clockSkewSeconds {
                lines.append("  clock skew (host − client): \(String(format: "%+.1f", skew)) s" + Wording.hostClock(failure))
            }
            for note in failure.context { lines.append("  · \(note)") }
            for anchor in failure.anchors { lines.append("  failure: \(evidenceLine(anchor))") }
            let likely = failure.causes.filter { $0.status == .likely || $0.status == .possible }
            if let top = failure.causes.first, top.status == .likely {
                let margin = Wording.margin(failure).map { ", \($0)" } ?? ""
                lines.append("  ⇒ \(failure.host ?? "host"): \(top.title) — likely (confidence \(String(format: "%.2f", top.confidence))\(margin))")
            } else {
                lines.append("  ⇒ inconclusive: no cause is likely on the evidence in this case")
            }
            for cause in likely {
                lines.append("  [\(cause.status.rawValue)] \(cause.id) (\(String(format: "%.2f", cause.confidence))): \(cause.summary)")
                for item in cause.evidence { lines.append("      \(item.role == .refutes ? "against" : "evidence"): \(evidenceLine(item))") }
                for step in cause.remediation.prefix(cause.status == .likely ? 10 : 1) { lines.append("      fix: \(step)") }
            }
            let other = failure.causes.filter { $0.status == .ruledOut || $0.status == .notAssessable }
            if !other.isEmpty { lines.append("  Ruled out or not assessable:") }
            for cause in other { lines.append("    \(cause.id) [\(cause.status.rawValue)]: \(cause.summary)") }
        }
        if !diagnosis.missingLogs.isEmpty {
            lines.append("")
            lines.append("Logs to collect:")
            for log in diagnosis.missingLogs {
                lines.append("  \(log.machine): \(log.channel) — \(log.reason)")
                lines.append("    \(log.command)")
            }
            lines += ["  " + CollectScriptHint.lead(for: diagnosis), "    " + CollectScriptHint.command(for: diagnosis)]
        }
        if !diagnosis.warnings.isEmpty {
            lines.append("")
            lines.append("Warnings:")
            for warning in diagnosis.warnings { lines.append("  \(warning)") }
        }
        return lines.map { TerminalSafe.line($0) }.joined(separator: "\n") + "\n"
    }

    static func evidenceLine(_ item: EvidenceItem) -> String {
        var location = item.origin.source.isEmpty ? "" : " [\(item.origin.source):\(item.origin.line)"
        if let record = item.recordID { location += " record \(record)" }
        if !location.isEmpty { location += "]" }
        let event = item.eventID == 0 ? "" : " \(item.channel) \(item.eventID)"
        return "\(item.time.iso8601(fractionDigits: 0)) \(item.computer)\(event): \(item.meaning)\(location)"
    }
}
