import EventImport
import Foundation
import SigmaKit

/// Finds failed connections in a case and weighs every cause for each.
///
/// The diagnosis runs in stages, each handing a value to the next:
/// 1. ``FailureCollector`` finds the failed attempts (the users' error reports and the client's
///    own log, joined) — `Attempts/`;
/// 2. ``ContextResolver`` decides each attempt's client and target host (``TicketHints``,
///    ``HostResolver``) and UTC time (``ZoneAlignment``); ``AttemptMatcher`` ties the host's
///    records to the attempt by its ``AttemptIdentity`` and measures the clock skew from the
///    attempt's own connection — `Context/`, `Attempts/`;
/// 3. ``CauseEvaluator`` weighs every ``CauseDefinition`` on the evidence around the attempt, in
///    the host's or the client's clock — `Causes/`; ``AttemptState`` reads the host's state over
///    time (a sleep or stop that later records ended, firewall rules by `RuleId`), how far the
///    attempt got (``AttemptReach``) and each cause's precondition — `State/`;
/// 4. ``VerdictBuilder`` states the verdict and the logs still to collect; with no failed attempt,
///    ``NoFailureFinding`` tells "no failure" from "failure not located", and with no failure
///    and no event records at all ``InputErrorFinding`` says what to send — `Verdict/`.
/// Every decision is recorded in ``FailureDiagnosis/context``.
public struct Diagnoser: Sendable {
    /// The causes weighed.
    public let causes: [CauseDefinition]
    /// For each Sigma rule name, the channels its events are written to (for absence checks).
    public let ruleChannels: [String: [String]]

    /// How far past its last event a log is still taken to cover a time.
    public var coverageSlack: Int64 = 15 * 60 * EventTimestamp.ticksPerSecond

    /// Creates a diagnoser.
    public init(causes: [CauseDefinition], ruleChannels: [String: [String]]) {
        self.causes = causes
        self.ruleChannels = ruleChannels
    }

    /// `expected.json` files hold a case's expected answer (SampleLogs and test cases); they are
    /// never read as evidence or hints.
    static func isAnswerKey(_ source: String) -> Bool {
        let name = source.split(whereSeparator: { $0 == "/" || $0 == "!" }).last.map(String.init) ?? source
        return name == "expected.json" || name.hasSuffix(".expected.json")
    }

    /// Diagnoses a case.
    public func diagnose(_ index: CaseIndex, options: DiagnosisOptions = DiagnosisOptions()) -> Diagnosis {
        var warnings = index.importDiagnostics.map(\.description) + index.ruleDiagnostics.map(\.description)
        var hints = TicketHints()
        let documents = index.documents.filter { !Self.isAnswerKey($0.source) }
        let read = ClientReport.read(documents)
        var reports = read.reports
        warnings += read.problems
        var readByShape = Set<String>()
        var readFromProse = Set<String>()
        let readSources = Set(reports.map(\.source))
        for document in documents {
            if !readSources.contains(document.source), reports.count < ClientReport.maxReportsPerCase {
                if let shaped = ReportReading.byShape(document) {
                    // Labels in a language not known: the codes and the timestamp's shape tell.
                    reports.append(shaped)
                    readByShape.insert(document.source)
                } else if let noted = ReportReading.byProse(document) {
                    // A user's note that gives the code and the time the dialog showed.
                    reports.append(noted)
                    readFromProse.insert(document.source)
                }
            }
            hints.read(document)
        }
        var untimed: [ClientReport] = []
        var failures = FailureCollector(index: index, reports: reports, options: options, readByShape: readByShape, readFromProse: readFromProse)
            .collect(warnings: &warnings, untimed: &untimed)
        if failures.isEmpty {
            // An error report without a time is still the user's report: the case is not an input
            // error, its failure is not located.
            var finding =
                (untimed.isEmpty ? InputErrorFinding(index: index).diagnose(warnings: warnings) : nil)
                ?? NoFailureFinding(index: index, hints: hints, coverageSlack: coverageSlack, untimed: untimed).diagnose(warnings: warnings)
            finding.ticketIDs = hints.ticketIDs.sorted()
            return finding
        }
        // The reported failure first, then 0x904 over other codes, then the one whose time of day
        // the ticket gives (one whose time it gives and sets aside after all others), then the latest.
        let named = TicketClockNaming(documents: documents.filter { !Diagnoser.isAnswerKey($0.source) }, hints: hints)
        // Each failure's mention is found once, beside it, not on every comparison of the sort.
        // 1: the ticket gives its time of day; -1: it gives it and sets it aside ("ignore that one").
        var ranked = failures.map { (failure: $0, named: 0) }
        if failures.count > 1 {
            for position in ranked.indices {
                switch named.mention(of: ranked[position].failure) {
                case .named(let sentence):
                    ranked[position].failure.context.append(sentence)
                    ranked[position].named = 1
                case .disowned(let sentence):
                    ranked[position].failure.context.append(sentence)
                    ranked[position].named = -1
                case nil:
                    continue
                }
            }
        }
        ranked.sort { a, b in
            if (a.failure.report != nil) != (b.failure.report != nil) { return a.failure.report != nil }
            if (a.failure.code == DisconnectCodes.socketClosed) != (b.failure.code == DisconnectCodes.socketClosed) {
                return a.failure.code == DisconnectCodes.socketClosed
            }
            if a.named != b.named { return a.named > b.named }
            return a.failure.time > b.failure.time
        }
        failures = ranked.map(\.failure)
        var results: [FailureDiagnosis] = []
        var missing: [MissingLog] = []
        let resolver = ContextResolver(index: index, hints: hints, options: options)
        for failure in failures {
            let context = resolver.resolve(failure)
            let advisor = MissingLogAdvisor(index: index, context: context, coverageSlack: coverageSlack)
            let check = EvidenceCheck(
                index: index, failure: failure, context: context, ruleChannels: ruleChannels, coverageSlack: coverageSlack)
            let weighed = CauseEvaluator(causes: causes, check: check, advisor: advisor).weigh()
            let (result, needed) = VerdictBuilder(failure: failure, context: context, advisor: advisor).build(weighed)
            results.append(result)
            for log in needed where !missing.contains(log) { missing.append(log) }
        }
        var diagnosis = Diagnosis(
            verdict: results[0].verdict, failures: results, missingLogs: missing, warnings: warnings, inputs: index.inputs.sorted())
        diagnosis.ticketIDs = hints.ticketIDs.sorted()
        return diagnosis
    }
}

/// `+02:00`-style text for an offset in seconds.
func formatOffset(_ seconds: Int) -> String {
    let sign = seconds < 0 ? "-" : "+"
    let magnitude = abs(seconds)
    return String(format: "%@%02d:%02d", sign, magnitude / 3600, magnitude % 3600 / 60)
}
