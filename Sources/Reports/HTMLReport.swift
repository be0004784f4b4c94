public import Diagnosis
import EventImport

/// The shareable form of a diagnosis: one self-contained HTML file.
///
/// The file has inline CSS and inline SVG only: no scripts, fonts, images or other external
/// assets, and a Content-Security-Policy (`default-src 'none'; style-src 'unsafe-inline'`) that
/// forbids loading anything. Sections collapse with `<details>`, so no JavaScript is needed.
///
/// It shows the verdict with the ticket id and, directly under it, the fix of each likely cause;
/// per failure the headline, the clock skew, the margin to the runner-up, an SVG timeline of the
/// client's and host's evidence around the failure (host lane shifted onto the client's clock,
/// each mark labelled with its event id and meaning, its rules and meanings as a tooltip), the
/// failure records, each likely or possible cause with an evidence table (the matched rule per
/// row) and the remediation of a possible one, and the ruled-out causes; then
/// the logs to collect with their export commands, the warnings and the files read.
///
/// Every string from event data or file names is HTML-escaped (`& < > " '`) in text and
/// attributes alike, and control characters are replaced by visible escapes.
public enum HTMLReport {
    /// Renders the diagnosis as a complete HTML document.
    ///
    /// The output is deterministic: the same diagnosis gives the same bytes (no current time, no
    /// generated ids), so it can be compared with golden files.
    ///
    /// - Parameters:
    ///   - diagnosis: The diagnosis to render.
    ///   - caseName: The case as the engineer named it (a folder or archive path); shown in the title.
    /// - Returns: The HTML document, ending with a newline.
    public static func render(_ diagnosis: Diagnosis, caseName: String) -> String {
        let verdict = Wording.verdict(diagnosis.verdict)
        var out: [String] = []
        out.append("<!DOCTYPE html>")
        out.append("<html lang=\"en\">")
        out.append("<head>")
        out.append("<meta charset=\"utf-8\">")
        out.append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")
        out.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        out.append("<meta name=\"referrer\" content=\"no-referrer\">")
        out.append("<meta name=\"generator\" content=\"rdpcause\">")
        out.append("<title>RDP failure diagnosis: \(HTMLText.escape(caseName)) — \(verdict)</title>")
        out.append("<style>\n\(stylesheet)</style>")
        out.append("</head>")
        out.append("<body>")
        out.append("<header>")
        out.append("<p class=\"kicker\">Remote Desktop failure diagnosis (0x904 / 0x7)</p>")
        out.append("<h1>Case <span class=\"case\">\(HTMLText.escape(caseName))</span></h1>")
        if !diagnosis.ticketIDs.isEmpty {
            let tickets = diagnosis.ticketIDs.map { "<b>\(HTMLText.escape($0))</b>" }.joined(separator: ", ")
            out.append("<p class=\"ticket\">Ticket \(tickets)</p>")
        }
        out.append("<p class=\"verdict verdict-\(diagnosis.verdict.rawValue)\">\(capitalized(verdict))</p>")
        fixUnderVerdict(diagnosis, into: &out)
        out.append("</header>")
        out.append("<main>")
        if diagnosis.failures.isEmpty {
            out.append("<p class=\"no-failure\">\(HTMLText.escape(Wording.withoutFailures(diagnosis)))</p>")
            if !diagnosis.notes.isEmpty {
                out.append("<ul class=\"case-notes\">")
                for note in diagnosis.notes { out.append("<li>\(HTMLText.escape(note))</li>") }
                out.append("</ul>")
            }
            if !diagnosis.candidates.isEmpty {
                out.append("<h2>\(HTMLText.escape(Wording.candidates))</h2>")
                evidenceTable(diagnosis.candidates, into: &out)
            }
            if !diagnosis.noFailureEvidence.isEmpty {
                out.append("<h2>\(HTMLText.escape(Wording.noFailureRecords))</h2>")
                evidenceTable(diagnosis.noFailureEvidence, into: &out)
            }
        }
        for (number, failure) in diagnosis.failures.enumerated() {
            render(failure, number: number + 1, logsToCollect: diagnosis.missingLogs.count, into: &out)
        }
        if !diagnosis.missingLogs.isEmpty {
            out.append("<section class=\"missing\">")
            out.append("<h2>Logs to collect</h2>")
            out.append("<p class=\"hint\">Run each command on the machine named, then add the file to the case.</p>")
            for log in diagnosis.missingLogs {
                out.append("<div class=\"missing-log\">")
                out.append(
                    "<h3><span class=\"machine\">\(HTMLText.escape(log.machine))</span> — \(HTMLText.escape(log.channel))</h3>")
                out.append("<p>\(HTMLText.escape(log.reason))</p>")
                out.append("<pre><code>\(HTMLText.escape(log.command))</code></pre>")
                out.append("</div>")
            }
            out.append("<p class=\"hint\">\(HTMLText.escape(CollectScriptHint.lead(for: diagnosis)))</p>")
            out.append("<pre><code>\(HTMLText.escape(CollectScriptHint.command(for: diagnosis)))</code></pre>")
            out.append("</section>")
        }
        if !diagnosis.warnings.isEmpty {
            out.append("<section class=\"warnings\">")
            out.append("<h2>Warnings</h2>")
            out.append("<ul>")
            for warning in diagnosis.warnings { out.append("<li>\(HTMLText.escape(warning))</li>") }
            out.append("</ul>")
            out.append("</section>")
        }
        if !diagnosis.inputs.isEmpty {
            out.append("<details class=\"inputs\">")
            out.append("<summary>Files read (\(diagnosis.inputs.count))</summary>")
            out.append("<ul>")
            for input in diagnosis.inputs { out.append("<li><code>\(HTMLText.escape(input))</code></li>") }
            out.append("</ul>")
            out.append("</details>")
        }
        out.append("</main>")
        out.append("<footer>Generated by rdpcause from the event logs of the case. Times are UTC.</footer>")
        out.append("</body>")
        out.append("</html>")
        return out.joined(separator: "\n") + "\n"
    }

    // MARK: - Failure

    private static func render(_ failure: FailureDiagnosis, number: Int, logsToCollect: Int, into out: inout [String]) {
        let host = HTMLText.escape(Wording.host(failure))
        let top = Wording.likelyCause(failure)
        out.append("<section class=\"failure\">")
        let heading = "<span class=\"number\">Failure \(number)</span> <span class=\"host\">\(host)</span>: "
        if let top {
            out.append("<h2>\(heading)\(HTMLText.escape(top.title)) — <span class=\"status status-likely\">likely</span></h2>")
        } else {
            out.append(
                "<h2>\(heading)<span class=\"status status-inconclusive\">inconclusive</span> — no cause is likely on the evidence in this case</h2>")
        }
        out.append("<dl class=\"facts\">")
        out.append(
            "<dt>Connection</dt><dd>\(HTMLText.escape(Wording.client(failure))) → \(host) at <time>\(Wording.time(failure.time))</time></dd>")
        out.append("<dt>Error</dt><dd><b>\(Wording.codes(failure))</b> — \(HTMLText.escape(failure.codeMeaning))</dd>")
        if let skew = failure.clockSkewSeconds {
            out.append("<dt>Clock skew</dt><dd>host − client: <b>\(Wording.skew(skew))</b>\(HTMLText.escape(Wording.hostClock(failure)))</dd>")
        }
        if let margin = Wording.margin(failure) {
            out.append("<dt>Margin</dt><dd>\(HTMLText.escape(margin))</dd>")
        }
        if let next = Wording.nextStep(failure, logsToCollect: logsToCollect) {
            out.append("<dt>Next step</dt><dd>\(next)</dd>")
        }
        out.append("</dl>")
        if !failure.context.isEmpty {
            out.append("<details class=\"context\">")
            out.append("<summary>How client, host, time and clock skew were determined</summary>")
            out.append("<ul>")
            for note in failure.context { out.append("<li>\(HTMLText.escape(note))</li>") }
            out.append("</ul>")
            out.append("</details>")
        }
        let timeline = Timeline(failure, number: number)
        out.append("<figure class=\"timeline\">")
        out.append(timeline.svg())
        var caption = "Client and host records around the failure; hover a mark for its rules and meanings."
        if let skew = failure.clockSkewSeconds, !Timeline.inSync(skew) {
            caption += " Host records are shifted by \(Wording.shortSkew(-skew)) onto the client’s clock (host clock \(Wording.shortSkew(skew)))."
        } else if failure.clockSkewSeconds != nil {
            caption += " The host’s clock agrees with the client’s."
        } else {
            caption += " The clock skew is unknown: host records are drawn at their own clock’s time."
        }
        out.append("<figcaption>\(caption)</figcaption>")
        out.append("</figure>")
        if !failure.anchors.isEmpty {
            out.append("<h3>The failure</h3>")
            evidenceTable(failure.anchors, into: &out)
        }
        for cause in Wording.detailed(failure) {
            render(cause, into: &out)
        }
        let others = Wording.others(failure)
        if !others.isEmpty {
            out.append("<h3>Ruled out or not assessable</h3>")
            out.append("<ul class=\"others\">")
            for cause in others {
                var line = "<li><span class=\"status status-\(cause.status.rawValue)\">\(Wording.status(cause.status))</span> "
                line += "<span class=\"cause-id\">\(HTMLText.escape(cause.id))</span>: \(HTMLText.escape(cause.summary))"
                line += evidenceDetails(cause.evidence) + "</li>"
                out.append(line)
            }
            out.append("</ul>")
        }
        out.append("</section>")
    }

    private static func render(_ cause: CauseAssessment, into out: inout [String]) {
        out.append("<article class=\"cause cause-\(cause.status.rawValue)\">")
        out.append(
            "<h3><span class=\"status status-\(cause.status.rawValue)\">\(Wording.status(cause.status))</span> \(HTMLText.escape(cause.title))</h3>")
        let confidence = Wording.confidence(cause.confidence)
        out.append(
            "<p class=\"cause-meta\"><span class=\"cause-id\">\(HTMLText.escape(cause.id))</span> · confidence \(confidence) "
                + "<meter min=\"0\" max=\"1\" value=\"\(confidence)\"></meter></p>")
        out.append("<p class=\"summary\">\(HTMLText.escape(cause.summary))</p>")
        if !cause.evidence.isEmpty { evidenceTable(cause.evidence, into: &out) }
        let steps = Wording.steps(cause)
        if cause.status == .likely && !steps.isEmpty {
            out.append("<p class=\"hint\">The fix is given under the verdict at the top of the report.</p>")
        } else if !steps.isEmpty {
            out.append("<h4>\(cause.status == .likely ? "Fix" : "Fix, if it is this")</h4>")
            out.append("<ol class=\"fix\">")
            for step in steps { out.append("<li>\(HTMLText.rich(step))</li>") }
            out.append("</ol>")
        }
        if cause.status == .likely && !cause.references.isEmpty {
            out.append("<p class=\"references\">References: " + cause.references.map(HTMLText.link).joined(separator: " · ") + "</p>")
        }
        out.append("</article>")
    }

    /// The fix of every failure whose cause is likely, right under the verdict (with the fixes of
    /// the causes that share its evidence).
    private static func fixUnderVerdict(_ diagnosis: Diagnosis, into out: inout [String]) {
        let found = diagnosis.failures.enumerated().compactMap { entry in
            Wording.likelyCause(entry.element).map { (number: entry.offset + 1, failure: entry.element, cause: $0) }
        }
        guard !found.isEmpty else { return }
        out.append("<section class=\"fix-first\">")
        for entry in found {
            let shared = entry.failure.causes.filter { entry.cause.sharedWith.contains($0.id) }
            for cause in [entry.cause] + shared {
                var heading = "Fix"
                if diagnosis.failures.count > 1 { heading += " for failure \(entry.number) (\(HTMLText.escape(Wording.host(entry.failure))))" }
                heading += ": \(HTMLText.escape(cause.title))"
                out.append("<h2>\(heading)</h2>")
                out.append("<ol class=\"fix\">")
                for step in Wording.steps(cause) { out.append("<li>\(HTMLText.rich(step))</li>") }
                out.append("</ol>")
            }
        }
        out.append("</section>")
    }

    /// Evidence of a ruled-out cause, collapsed.
    private static func evidenceDetails(_ items: [EvidenceItem]) -> String {
        guard !items.isEmpty else { return "" }
        var out = ["<details class=\"against\"><summary>\(items.count) \(items.count == 1 ? "record" : "records")</summary>"]
        evidenceTable(items, into: &out)
        out.append("</details>")
        return out.joined(separator: "\n")
    }

    private static func evidenceTable(_ items: [EvidenceItem], into out: inout [String]) {
        out.append("<table class=\"evidence\">")
        out.append(
            "<colgroup><col class=\"c-role\"><col class=\"c-time\"><col class=\"c-record\"><col class=\"c-rule\"><col class=\"c-meaning\"></colgroup>"
        )
        out.append("<thead><tr><th>Role</th><th>Time (UTC)</th><th>Record</th><th>Rule</th><th>Meaning and source</th></tr></thead>")
        out.append("<tbody>")
        for item in items {
            var row = "<tr class=\"role-\(item.role.rawValue)\">"
            row += "<td><span class=\"role\">\(Wording.role(item.role))</span></td>"
            row += "<td class=\"time\">\(Wording.time(item.time))</td>"
            row += "<td><span class=\"machine\">\(HTMLText.escape(item.computer))</span>"
            let event = Wording.event(item)
            if !event.isEmpty { row += "<br><span class=\"event\">\(HTMLText.breakable(event))</span>" }
            row += "</td>"
            row += "<td class=\"rule\">\(HTMLText.breakable(item.rule))</td>"
            row += "<td>\(HTMLText.escape(item.meaning))"
            let source = Wording.source(item)
            if !source.isEmpty { row += "<br><span class=\"source\">\(HTMLText.breakable(source))</span>" }
            row += "</td>"
            row += "</tr>"
            out.append(row)
        }
        out.append("</tbody>")
        out.append("</table>")
    }

    private static func capitalized(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.uppercased() + text.dropFirst()
    }

    // MARK: - Style

    static let stylesheet = """
        :root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa;
          --red: #b42318; --amber: #b54708; --green: #067647; --blue: #175cd3; }
        * { box-sizing: border-box; }
        body { margin: 0 auto; max-width: 1040px; padding: 24px 28px 40px; color: var(--ink); background: #fff;
          font: 14px/1.5 -apple-system, "Segoe UI", system-ui, Roboto, "Helvetica Neue", Arial, sans-serif; }
        code, pre, .time, .source, .rule, .cause-id, .machine { font-family: ui-monospace, "SF Mono", Consolas, "Liberation Mono", monospace; }
        header { margin-bottom: 8px; }
        .kicker { margin: 0; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .06em; }
        h1 { margin: 4px 0 8px; font-size: 22px; }
        h1 .case { font-family: ui-monospace, Consolas, monospace; font-weight: 600; overflow-wrap: anywhere; }
        h2 { font-size: 18px; margin: 28px 0 10px; overflow-wrap: anywhere; }
        h3 { font-size: 15px; margin: 20px 0 8px; }
        h4 { font-size: 13px; margin: 12px 0 4px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
        .verdict { display: inline-block; margin: 0; padding: 3px 12px; border-radius: 999px; font-weight: 600; }
        .ticket { margin: 0 0 8px; color: var(--muted); }
        .fix-first { margin: 14px 0 4px; padding: 4px 16px 8px; border: 1px solid var(--line); border-left: 4px solid var(--green); border-radius: 6px; background: var(--soft); }
        .fix-first h2 { font-size: 15px; margin: 10px 0 4px; }
        .verdict-cause-found { background: #fef3f2; color: var(--red); border: 1px solid #fecdca; }
        .verdict-inconclusive { background: #fffaeb; color: var(--amber); border: 1px solid #fedf89; }
        .verdict-no-failure-found { background: #ecfdf3; color: var(--green); border: 1px solid #abefc6; }
        .failure { border-top: 2px solid var(--line); margin-top: 16px; }
        .failure > h2 .number { color: var(--muted); font-weight: 500; margin-right: 4px; }
        .failure > h2 .host { font-family: ui-monospace, Consolas, monospace; }
        .status { display: inline-block; padding: 0 8px; border-radius: 4px; font-size: 12px; font-weight: 600;
          text-transform: uppercase; letter-spacing: .03em; vertical-align: 2px; white-space: nowrap; }
        .status-likely { background: var(--red); color: #fff; }
        .status-possible { background: #fdb022; color: #3b2a00; }
        .status-inconclusive { background: #fdb022; color: #3b2a00; }
        .status-ruled-out { background: #e3e8ee; color: #394452; }
        .status-not-assessable { background: #fff; color: var(--muted); border: 1px dashed #98a2b3; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; margin: 8px 0 10px; }
        dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        details { margin: 8px 0; }
        summary { cursor: pointer; color: var(--blue); }
        details.context ul, .warnings ul, .inputs ul { margin: 6px 0; padding-left: 22px; color: #333; overflow-wrap: anywhere; }
        figure.timeline { margin: 14px 0; padding: 10px; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
        figure.timeline figcaption { color: var(--muted); font-size: 12px; margin-top: 4px; }
        svg.timeline { display: block; width: 100%; height: auto; font-family: inherit; }
        svg .lane { fill: var(--soft); stroke: #e6eaef; }
        svg .lane-host { fill: #f3f6fc; }
        svg .lane-axis { stroke: #b7c0cc; stroke-width: 1; }
        svg .lane-title { font-size: 12px; font-weight: 700; fill: var(--ink); }
        svg .lane-name { font-size: 11px; fill: var(--ink); font-family: ui-monospace, Consolas, monospace; }
        svg .lane-clock { font-size: 11px; fill: var(--blue); }
        svg .lane-empty { font-size: 11px; fill: var(--muted); font-style: italic; }
        svg .axis { stroke: #8c959f; }
        svg .tick { stroke: #e3e7ec; stroke-dasharray: 2 3; }
        svg .tick-label { font-size: 10px; fill: var(--muted); text-anchor: middle; }
        svg .axis-caption, svg .legend { font-size: 11px; fill: var(--muted); }
        svg .failure-line { stroke: var(--red); stroke-width: 1.5; stroke-dasharray: 5 3; }
        svg .failure-label { font-size: 11px; font-weight: 600; fill: var(--red); text-anchor: middle; }
        svg .mark path, svg .mark circle, svg .mark rect { stroke: #fff; stroke-width: 1.5; fill-opacity: .9; }
        svg .m-failure path, svg .m-failure circle, svg .m-failure rect { fill: var(--red); }
        svg .m-supports path, svg .m-supports circle, svg .m-supports rect { fill: #f79009; }
        svg .m-refutes path, svg .m-refutes circle, svg .m-refutes rect { fill: var(--green); }
        svg .leader { stroke: #98a2b3; stroke-width: .75; }
        svg .mark-label { font-size: 10.5px; fill: var(--ink); text-anchor: middle; font-variant-numeric: tabular-nums; }
        svg .mark:hover .mark-label { font-weight: 700; }
        svg .mark-label, svg .failure-label, svg .lane-empty { paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
        svg .mark { cursor: help; }
        .cause { margin: 16px 0; padding: 4px 16px 10px; border: 1px solid var(--line); border-left-width: 4px; border-radius: 6px; }
        .cause-likely { border-left-color: var(--red); }
        .cause-possible { border-left-color: #fdb022; }
        .cause h3 { margin-top: 10px; }
        .cause-meta { margin: 0 0 6px; color: var(--muted); font-size: 12px; }
        .cause-meta meter { width: 90px; height: 10px; vertical-align: -1px; }
        .summary { margin: 6px 0 10px; }
        table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 12px; table-layout: fixed; }
        th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
        col.c-role { width: 84px; } col.c-time { width: 158px; } col.c-record { width: 24%; } col.c-rule { width: 16%; }
        th { background: var(--soft); font-weight: 600; }
        tbody tr:nth-child(even) { background: #fbfcfd; }
        td.time { white-space: nowrap; }
        .source { color: var(--muted); font-size: 11px; }
        .event { color: var(--muted); }
        ul.others { list-style: none; padding-left: 0; margin: 6px 0; }
        ul.others li { margin: 4px 0; padding-left: 140px; text-indent: -140px; }
        ul.others li .status { width: 128px; text-align: center; text-indent: 0; margin-right: 8px; }
        ul.others details { text-indent: 0; }
        .role { font-weight: 600; white-space: nowrap; }
        .role-failure .role { color: var(--red); }
        .role-supports .role { color: var(--amber); }
        .role-refutes .role { color: var(--green); }
        .role-missing .role { color: var(--muted); }
        ol.fix { margin: 4px 0 8px; padding-left: 22px; }
        ol.fix li { margin: 3px 0; }
        code { background: #eff1f3; padding: 1px 4px; border-radius: 3px; font-size: 12px; overflow-wrap: anywhere; }
        pre { background: #0d1117; color: #e6edf3; padding: 10px 12px; border-radius: 6px; white-space: pre-wrap; overflow-wrap: anywhere; }
        pre code { background: none; padding: 0; color: inherit; }
        .references { font-size: 12px; color: var(--muted); overflow-wrap: anywhere; }
        a { color: var(--blue); }
        .missing-log { margin: 10px 0 16px; }
        .missing-log h3 { margin-bottom: 2px; }
        .missing-log p { margin: 2px 0 6px; }
        .hint { color: var(--muted); }
        footer { margin-top: 32px; padding-top: 10px; border-top: 1px solid var(--line); color: var(--muted); font-size: 12px; }
        @media print { pre { background: #f6f8fa; color: #000; } }

        """
}
