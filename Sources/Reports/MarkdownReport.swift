public import Diagnosis
import EventImport

/// The ticket form of a diagnosis: compact Markdown that renders in GitHub, GitLab, Jira and RT.
///
/// It carries the content of ``TextReport`` in the same order: a headline per failure
/// ("HOST: cause — likely"), the failure records and the evidence with times and sources, the fix,
/// the possible causes, the ruled-out causes one line each, a collapsible evidence table, the logs
/// to collect with their export commands as code blocks, and the warnings. Raw events are never
/// included.
///
/// Every string that comes from event data or file names is escaped (``MarkdownText``), so it
/// renders as literal text: it cannot break a table row, start a list or heading, open code or
/// emphasis, or inject a link, an image or HTML.
public enum MarkdownReport {
    /// Renders the diagnosis as Markdown.
    ///
    /// The output is deterministic: the same diagnosis gives the same bytes (no current time, no
    /// generated ids), so it can be compared with golden files.
    ///
    /// - Parameters:
    ///   - diagnosis: The diagnosis to render.
    ///   - caseName: The case as the engineer named it (a folder or archive path); shown in the title.
    /// - Returns: The Markdown text, ending with a newline.
    public static func render(_ diagnosis: Diagnosis, caseName: String) -> String {
        var lines: [String] = []
        lines.append("## RDP failure diagnosis: \(MarkdownText.escape(caseName)) — \(Wording.verdict(diagnosis.verdict))")
        if diagnosis.failures.isEmpty {
            lines.append("")
            lines.append(Wording.withoutFailures(diagnosis))
            if !diagnosis.notes.isEmpty { lines.append("") }
            for note in diagnosis.notes { lines.append("- \(MarkdownText.escape(note))") }
            if !diagnosis.candidates.isEmpty {
                lines.append("")
                lines.append("**\(Wording.candidates)**")
                lines.append("")
                for item in diagnosis.candidates { lines.append("- \(evidenceLine(item))") }
            }
            if !diagnosis.noFailureEvidence.isEmpty {
                lines.append("")
                lines.append("**\(Wording.noFailureRecords)**")
                lines.append("")
                for item in diagnosis.noFailureEvidence { lines.append("- \(evidenceLine(item))") }
            }
        }
        for (number, failure) in diagnosis.failures.enumerated() {
            lines.append("")
            render(failure, number: number + 1, logsToCollect: diagnosis.missingLogs.count, into: &lines)
        }
        if !diagnosis.missingLogs.isEmpty {
            lines.append("")
            lines.append("### Logs to collect")
            for log in diagnosis.missingLogs {
                lines.append("")
                lines.append("**\(MarkdownText.escape(log.machine)) — \(MarkdownText.escape(log.channel))**: \(MarkdownText.escape(log.reason))")
                lines.append("")
                lines.append(MarkdownText.codeBlock(log.command))
            }
            lines += ["", MarkdownText.escape(CollectScriptHint.lead(for: diagnosis)), "", MarkdownText.codeBlock(CollectScriptHint.command(for: diagnosis))]
        }
        if !diagnosis.warnings.isEmpty {
            lines.append("")
            lines.append("### Warnings")
            lines.append("")
            for warning in diagnosis.warnings { lines.append("- \(MarkdownText.escape(warning))") }
        }
        if !diagnosis.inputs.isEmpty {
            lines.append("")
            lines.append("<details><summary>Files read (\(diagnosis.inputs.count))</summary>")
            lines.append("")
            for input in diagnosis.inputs { lines.append("- \(MarkdownText.escape(input))") }
            lines.append("")
            lines.append("</details>")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Failure

    private static func render(_ failure: FailureDiagnosis, number: Int, logsToCollect: Int, into lines: inout [String]) {
        let host = MarkdownText.escape(Wording.host(failure))
        if let top = Wording.likelyCause(failure) {
            lines.append("### Failure \(number) — \(host): \(MarkdownText.escape(top.title)) — likely")
        } else {
            lines.append("### Failure \(number) — \(host): \(Wording.inconclusive)")
        }
        lines.append("")
        var what = "**\(MarkdownText.escape(Wording.client(failure))) → \(host)** at `\(Wording.time(failure.time))`, "
        what += "**\(Wording.codes(failure))** — \(MarkdownText.escape(failure.codeMeaning))"
        if let skew = failure.clockSkewSeconds {
            what += "  \nClock skew (host − client): **\(Wording.skew(skew))**" + MarkdownText.escape(Wording.hostClock(failure), atLineStart: false)
        }
        if let margin = Wording.margin(failure) {
            what += "  \nMargin to the runner-up: \(MarkdownText.escape(margin, atLineStart: false))"
        }
        if let next = Wording.nextStep(failure, logsToCollect: logsToCollect) {
            what += "  \n**Next step:** \(next)"
        }
        lines.append(what)
        if !failure.context.isEmpty {
            lines.append("")
            lines.append("<details><summary>How client, host, time and clock skew were determined</summary>")
            lines.append("")
            for note in failure.context { lines.append("- \(MarkdownText.escape(note))") }
            lines.append("")
            lines.append("</details>")
        }
        if !failure.anchors.isEmpty {
            lines.append("")
            lines.append("**The failure**")
            lines.append("")
            for anchor in failure.anchors { lines.append("- \(evidenceLine(anchor))") }
        }
        for cause in Wording.detailed(failure) {
            lines.append("")
            render(cause, into: &lines)
        }
        let others = Wording.others(failure)
        if !others.isEmpty {
            lines.append("")
            lines.append("**Ruled out or not assessable**")
            lines.append("")
            for cause in others {
                lines.append(
                    "- \(MarkdownText.escape(cause.id)) (\(Wording.status(cause.status))): \(MarkdownText.escape(cause.summary))")
            }
        }
        let rows = evidenceRows(failure)
        if !rows.isEmpty {
            lines.append("")
            lines.append("<details><summary>Evidence table (\(rows.count) \(rows.count == 1 ? "record" : "records"))</summary>")
            lines.append("")
            lines.append("| Cause | Role | Time (UTC) | Machine | Event | Rule | Meaning | Source |")
            lines.append("|---|---|---|---|---|---|---|---|")
            for row in rows {
                let cells = [row.cause, Wording.role(row.item.role), Wording.time(row.item.time), row.item.computer,
                    Wording.event(row.item), row.item.rule, row.item.meaning, Wording.source(row.item)]
                lines.append("| " + cells.map { MarkdownText.escape($0) }.joined(separator: " | ") + " |")
            }
            lines.append("")
            lines.append("</details>")
        }
    }

    private static func render(_ cause: CauseAssessment, into lines: inout [String]) {
        let status = cause.status == .likely ? "Likely" : "Possible"
        lines.append(
            "#### \(status): \(MarkdownText.escape(cause.title)) (\(MarkdownText.escape(cause.id)), confidence \(Wording.confidence(cause.confidence)))")
        lines.append("")
        lines.append(MarkdownText.escape(cause.summary))
        if !cause.evidence.isEmpty {
            lines.append("")
            for item in cause.evidence { lines.append("- \(evidenceLine(item))") }
        }
        let steps = Wording.steps(cause)
        if !steps.isEmpty {
            lines.append("")
            lines.append(cause.status == .likely ? "**Fix**" : "**Fix, if it is this**")
            lines.append("")
            for (index, step) in steps.enumerated() { lines.append("\(index + 1). \(MarkdownText.rich(step))") }
        }
        if cause.status == .likely && !cause.references.isEmpty {
            lines.append("")
            lines.append("References: " + cause.references.map(MarkdownText.link).joined(separator: ", "))
        }
    }

    /// `` *evidence* `2026-…Z` **HOST** System 36870: meaning (file:line, record N) ``
    private static func evidenceLine(_ item: EvidenceItem) -> String {
        var line = "*\(Wording.lead(item))* `\(Wording.time(item.time))` **\(MarkdownText.escape(item.computer))**"
        let event = Wording.event(item)
        if !event.isEmpty { line += " \(MarkdownText.escape(event))" }
        line += ": \(MarkdownText.escape(item.meaning))"
        let source = Wording.source(item)
        if !source.isEmpty { line += " (\(MarkdownText.escape(source)))" }
        return line
    }

    // MARK: - Evidence table

    struct EvidenceRow {
        var cause: String
        var item: EvidenceItem
    }

    /// The failure records, then the evidence of every cause in the model's order.
    static func evidenceRows(_ failure: FailureDiagnosis) -> [EvidenceRow] {
        failure.anchors.map { EvidenceRow(cause: "(failure)", item: $0) }
            + failure.causes.flatMap { cause in cause.evidence.map { EvidenceRow(cause: cause.id, item: $0) } }
    }
}
