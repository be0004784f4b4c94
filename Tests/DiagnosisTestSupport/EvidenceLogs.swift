public import Diagnosis
import EventImport

/// Which event-log files of an analysed case the diagnosis drew on.
///
/// A file is *used* when a record cited as evidence (for or against any cause, or as the failure
/// itself) came from it, or when it covers a log whose silence was evidence (an expected record
/// that is missing, an absence that supports a cause, or the silence that rules a cause out: "no
/// sign of it in the System log covering the failure", which a residual cause such as
/// `client-side` needs before it may be likely). The *deciding* files are those that hold the
/// likely top cause's supporting evidence, its proven absences included.
public struct EvidenceLogs: Sendable {
    /// Every event-log file the case's index read.
    public var all: Set<String>
    /// The files evidence came from.
    public var used: Set<String>
    /// The files holding the likely top cause's supporting evidence (empty when no cause is likely).
    public var deciding: Set<String>

    /// The evidence files of an analysed case; `causes` (the pack's definitions) say which logs a
    /// cause ruled out by silence was checked in.
    public init(_ analysis: CaseAnalysis, causes: [CauseDefinition]) {
        let definitions = Dictionary(causes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let coverage = analysis.index.coverage.values.flatMap(\.values)
        let all = Set(coverage.flatMap(\.sources))
        func files(of item: EvidenceItem) -> Set<String> {
            if item.role != .missing, all.contains(item.origin.source) { return [item.origin.source] }
            guard !item.channel.isEmpty else { return [] }
            // Silence as evidence: the logs of that channel on that machine.
            return Set(
                coverage.filter { $0.channel.lowercased() == item.channel.lowercased() && AnswerCheck.sameMachine($0.displayName, item.computer) }
                    .flatMap(\.sources))
        }
        var used = Set<String>()
        var deciding = Set<String>()
        for (position, failure) in analysis.diagnosis.failures.enumerated() {
            for item in failure.anchors { used.formUnion(files(of: item)) }
            for cause in failure.causes {
                for item in cause.evidence { used.formUnion(files(of: item)) }
                // Ruled out by silence: the logs it needs, on the machine that wrote none of its records.
                guard cause.status == .ruledOut, !cause.evidence.contains(where: { $0.role == .refutes }),
                    let definition = definitions[cause.id]
                else { continue }
                for need in definition.needs {
                    let machine = need.machine == .client ? failure.client : need.machine == .host ? failure.host : nil
                    guard let machine else { continue }
                    used.formUnion(
                        coverage.filter { $0.channel.lowercased() == need.channel.lowercased() && AnswerCheck.sameMachine($0.displayName, machine) }
                            .flatMap(\.sources))
                }
            }
            if position == 0, let top = failure.causes.first, top.status == .likely {
                // A proven absence (role missing) supports the cause as much as a record does.
                for item in top.evidence where item.role == .supports || item.role == .missing { deciding.formUnion(files(of: item)) }
            }
        }
        // A failure not located lists host records as candidates: their logs are evidence too.
        for item in analysis.diagnosis.candidates { used.formUnion(files(of: item)) }
        // No failure found: the client's records of connections that ended without an error decide it.
        for item in analysis.diagnosis.noFailureEvidence { used.formUnion(files(of: item)) }
        self.all = all
        self.used = used
        self.deciding = deciding
    }

    /// The files no evidence came from.
    public var unused: Set<String> { all.subtracting(used) }
}
