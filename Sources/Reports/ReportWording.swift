import Diagnosis
import EventImport

/// Removes what must never reach a report from event content: line breaks and control characters.
///
/// Line breaks (CR, LF, NEL, U+2028/U+2029) and tabs become spaces; every other C0/C1 control
/// character, and the invisible format characters that reorder or hide text (bidirectional
/// overrides and isolates, zero-width characters, the BOM), become a visible `\u{…}` escape:
/// ``TerminalSafe``, the one sanitizer every output uses. Leading and trailing whitespace is trimmed.
enum Sanitizer {
    static func clean(_ text: String) -> String {
        trimmed(TerminalSafe.line(text, lineBreaks: .spaces))
    }

    /// Trims ASCII spaces at both ends.
    static func trimmed(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars
        while let first = scalars.first, first == " " { scalars.removeFirst() }
        while let last = scalars.last, last == " " { scalars.removeLast() }
        return String(scalars)
    }
}

/// Wording shared by the Markdown and HTML reports, following ``TextReport``.
///
/// Everything here returns *unescaped* text: each report escapes it for its own format.
enum Wording {
    /// "cause found", "inconclusive", "no failure found", "input error".
    static func verdict(_ verdict: Diagnosis.Verdict) -> String {
        switch verdict {
        case .causeFound: "cause found"
        case .inconclusive: "inconclusive"
        case .noFailureFound: "no failure found"
        case .inputError: "input error"
        }
    }

    /// The sentence shown when a case has no failure.
    static let noFailure =
        "No failed Remote Desktop connection was found: no client error report and no client disconnect with an error reason."

    /// The sentence shown when a failure is reported but could not be located in the case.
    static let notLocated =
        "The failure could not be located: the case holds no error report with its time and no client log of the attempt."

    /// The sentence shown when the case could not be analysed (the notes say why and what to send).
    static let inputError = "The case could not be analysed: it holds no event records and no error report to diagnose."

    /// The sentence for a case without diagnosed failures.
    static func withoutFailures(_ diagnosis: Diagnosis) -> String {
        switch diagnosis.verdict {
        case .noFailureFound: noFailure
        case .inputError: inputError
        case .causeFound, .inconclusive: notLocated
        }
    }

    /// The heading of the candidates listed when a failure could not be located.
    static let candidates = "Candidates: host records of failed attempts"

    /// The heading of the client's records a no-failure-found verdict rests on.
    static let noFailureRecords = "The client's records: how its connections in the period ended, each without an error"

    /// The sentence shown when no cause is likely.
    static let inconclusive = "inconclusive — no cause is likely on the evidence in this case"

    /// For an inconclusive failure with logs to collect: what to do next (fixed text, no content).
    static func nextStep(_ failure: FailureDiagnosis, logsToCollect: Int) -> String? {
        guard failure.verdict == .inconclusive, logsToCollect > 0 else { return nil }
        let logs = logsToCollect == 1 ? "the log" : "the \(logsToCollect) logs"
        return "collect \(logs) listed under “Logs to collect” below and run the analysis again."
    }

    /// How far the top cause lies above the runner-up: `0.39 above certificate-expired (0.58)`;
    /// nil when no cause is likely or possible (there is nothing to weigh against).
    static func margin(_ failure: FailureDiagnosis) -> String? {
        guard let top = failure.causes.first, top.status == .likely || top.status == .possible,
            let margin = failure.margin, let runnerUp = failure.runnerUp
        else { return nil }
        return "\(confidence(margin)) above \(runnerUp.id) (\(confidence(runnerUp.confidence)))"
    }

    /// A status as words ("likely", "ruled out").
    static func status(_ status: CauseAssessment.Status) -> String {
        switch status {
        case .likely: "likely"
        case .possible: "possible"
        case .ruledOut: "ruled out"
        case .notAssessable: "not assessable"
        }
    }

    /// A role as words ("failure", "supports", "refutes", "missing").
    static func role(_ role: EvidenceItem.Role) -> String { role.rawValue }

    /// The cause named in the failure's headline, when one is likely.
    static func likelyCause(_ failure: FailureDiagnosis) -> CauseAssessment? {
        guard let top = failure.causes.first, top.status == .likely else { return nil }
        return top
    }

    /// The headline subject: the host's name, or a stand-in.
    static func host(_ failure: FailureDiagnosis) -> String { failure.host ?? "unknown host" }

    /// The client's name, or a stand-in.
    static func client(_ failure: FailureDiagnosis) -> String { failure.client ?? "client" }

    /// "0x904/0x7".
    static func codes(_ failure: FailureDiagnosis) -> String {
        DisconnectCodes.hex(failure.code) + (failure.extendedCode.map { "/" + DisconnectCodes.hex($0) } ?? "")
    }

    /// A time as ISO 8601 in whole seconds, UTC.
    static func time(_ time: EventTimestamp) -> String { time.iso8601(fractionDigits: 0) }

    /// "; on the host's clock 2026-04-07T12:26:31Z" when the host's clock reads the failure
    /// differently from the client's (a whole second or more), else "".
    static func hostClock(_ failure: FailureDiagnosis) -> String {
        guard let hostTime = failure.hostTime, time(hostTime) != time(failure.time) else { return "" }
        return "; on the host's clock \(time(hostTime))"
    }

    /// The causes a report details (likely and possible), in the model's order.
    static func detailed(_ failure: FailureDiagnosis) -> [CauseAssessment] {
        failure.causes.filter { $0.status == .likely || $0.status == .possible }
    }

    /// The causes a report lists one line each (ruled out and not assessable).
    static func others(_ failure: FailureDiagnosis) -> [CauseAssessment] {
        failure.causes.filter { $0.status == .ruledOut || $0.status == .notAssessable }
    }

    /// The remediation steps shown for a cause: all for a likely one, the first for a possible one.
    static func steps(_ cause: CauseAssessment) -> [String] {
        Array(cause.remediation.prefix(cause.status == .likely ? 10 : 1))
    }

    /// "System 36870", or the channel alone for an event id of 0 (a report or an absence).
    static func event(_ item: EvidenceItem) -> String {
        if item.eventID == 0 { return item.channel }
        return item.channel.isEmpty ? String(item.eventID) : "\(item.channel) \(item.eventID)"
    }

    /// "file:line, record 687", or "" for an item with no source (a proven absence).
    static func source(_ item: EvidenceItem) -> String {
        guard !item.origin.source.isEmpty else { return "" }
        var text = "\(item.origin.source):\(item.origin.line)"
        if let record = item.recordID { text += ", record \(record)" }
        return text
    }

    /// "evidence", "against", "failure", "missing": the word before an evidence line.
    static func lead(_ item: EvidenceItem) -> String {
        switch item.role {
        case .failure: "failure"
        case .supports: "evidence"
        case .refutes: "against"
        case .missing: "missing"
        }
    }

    /// `0.98`.
    static func confidence(_ value: Double) -> String { fixed(value, digits: 2) }

    /// `+47.0 s`.
    static func skew(_ seconds: Double) -> String { signed(seconds, digits: 1) + " s" }

    /// `+47 s` (one decimal below 10 s): the short form used in the timeline.
    static func shortSkew(_ seconds: Double) -> String {
        signed(seconds, digits: abs(seconds) < 10 && seconds != seconds.rounded() ? 1 : 0) + " s"
    }

    /// A number with a sign and a fixed number of decimals (`+47.0`, `−3.5` with an ASCII minus).
    static func signed(_ value: Double, digits: Int) -> String {
        let text = fixed(abs(value), digits: digits)
        let isZero = text.allSatisfy { $0 == "0" || $0 == "." }
        return (value < 0 && !isZero ? "-" : "+") + text
    }

    /// A non-negative number with a fixed number of decimals, rounded half away from zero,
    /// independent of locale.
    static func fixed(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "?" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9e15 else { return String(value) }
        let units = Int64(scaled)
        let factor = Int64(scale)
        var text = String(units / factor)
        if digits > 0 {
            let fraction = String(units % factor)
            text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return (value < 0 && units != 0 ? "-" : "") + text
    }

    /// Whether a string is an http(s) URL safe to turn into a link: no spaces, quotes, angle
    /// brackets, backslashes, backticks or control characters.
    static func isSafeLink(_ text: String) -> Bool {
        let lower = text.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            scalar.value > 0x20 && scalar.value < 0x7F && !"<>\"'`\\|{}^[]".unicodeScalars.contains(scalar)
        }
    }
}
