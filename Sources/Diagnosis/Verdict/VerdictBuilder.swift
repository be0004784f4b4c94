import EventImport

/// Turns the weighed causes of one failed attempt into its findings: the verdict, the logs to
/// collect when it is open, and the failure's time and skew as reported.
struct VerdictBuilder {
    let failure: FailedAttempt
    let context: AttemptContext
    let advisor: MissingLogAdvisor

    /// The findings for the failure, and the logs to collect (none when a cause was found).
    func build(_ weighed: [CauseEvaluator.Weighed]) -> (FailureDiagnosis, [MissingLog]) {
        let weighed = CauseExclusivity.apply(weighed)
        let verdict: Diagnosis.Verdict = weighed.first?.assessment.status == .likely ? .causeFound : .inconclusive
        var missing: [MissingLog] = []
        if verdict != .causeFound {
            missing = weighed.flatMap(\.missing) + advisor.basicLogs()
        }
        var unique: [MissingLog] = []
        for log in missing where !unique.contains(where: { $0.machine == log.machine && $0.channel == log.channel }) {
            unique.append(log)
        }
        // The failure's time is what the user saw (the client's clock); the host's reading is beside it.
        let result = FailureDiagnosis(
            host: context.hostDisplay, client: context.clientDisplay, time: context.time,
            hostTime: context.skewKnown ? context.hostTime : nil, code: failure.code,
            extendedCode: failure.extendedCode, verdict: verdict,
            clockSkewSeconds: context.skewKnown ? Double(context.skew) / Double(EventTimestamp.ticksPerSecond) : nil,
            codeMeaning: failure.codeMeaning, context: failure.context + context.notes, anchors: failure.anchors(in: context),
            causes: weighed.map(\.assessment))
        return (result, unique)
    }
}
