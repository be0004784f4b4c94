import EventImport

/// Turns the weighed causes of one failed attempt into its findings: the verdict, the logs to
/// collect when it is open, and the failure's time and skew as reported.
struct VerdictBuilder {
    let failure: FailedAttempt
    let context: AttemptContext
    let advisor: MissingLogAdvisor

    /// The findings for the failure, and the logs to collect (none when a cause was found).
    func build(_ weighed: [CauseEvaluator.Weighed]) -> (FailureDiagnosis, [MissingLog]) {
        let verdict: Diagnosis.Verdict = weighed.first?.assessment.status == .likely ? .causeFound : .inconclusive
        var missing: [MissingLog] = []
        if verdict != .causeFound {
            missing = weighed.flatMap(\.missing) + advisor.basicLogs()
        }
        var unique: [MissingLog] = []
        for log in missing where !unique.contains(where: { $0.machine == log.machine && $0.channel == log.channel }) {
            unique.append(log)
        }
        var notes = failure.context + context.notes
        // With the skew known, the failure is placed on the host's clock (servers are the ones
        // kept in time by the domain); the client's own reading stays in the context.
        var reportedTime = context.time
        if context.skewKnown && context.skew != 0 {
            reportedTime = context.hostTime
            notes.append("the failure time is given on the host's clock; the client's clock read \(context.time.iso8601(fractionDigits: 3))")
        }
        let result = FailureDiagnosis(
            host: context.hostDisplay, client: context.clientDisplay, time: reportedTime, code: failure.code,
            extendedCode: failure.extendedCode, verdict: verdict,
            clockSkewSeconds: context.skewKnown ? Double(context.skew) / Double(EventTimestamp.ticksPerSecond) : nil,
            codeMeaning: failure.codeMeaning, context: notes, anchors: failure.anchors(in: context),
            causes: weighed.map(\.assessment))
        return (result, unique)
    }
}
