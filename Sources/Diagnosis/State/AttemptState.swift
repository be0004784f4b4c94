import EventImport

/// The state of the host around one failed attempt, as the cause weighing consults it: how far
/// the attempt got (``AttemptReach``), whether a state a transition record shows still held at
/// the failure (``StateTimeline``), and which other reasons for a silence cannot be checked
/// (``SilenceAlternatives``).
struct AttemptState {
    /// Why a cause may not be `likely`, and the logs that would let it be.
    struct Limit {
        var reason: String
        var needs: [CauseDefinition.Need]
    }

    /// The highest score a cause may reach while a limit holds: below likely.
    static let notLikelyCap = 0.59

    let context: AttemptContext
    let reach: AttemptReach
    let timeline: StateTimeline
    let silence: SilenceAlternatives
    let firewall: FirewallTimeline
    let citation: SilenceCitation
    /// Whether an update the client installed started its failures.
    let updates: ClientUpdateRegression

    init(check: EvidenceCheck, advisor: MissingLogAdvisor) {
        context = check.context
        reach = AttemptReach(context: check.context, index: check.index, coverageSlack: check.coverageSlack)
        timeline = StateTimeline(index: check.index)
        firewall = FirewallTimeline(index: check.index)
        citation = SilenceCitation(index: check.index, context: check.context)
        updates = ClientUpdateRegression(index: check.index, context: check.context)
        silence = SilenceAlternatives(context: check.context, advisor: advisor, ruleChannels: check.ruleChannels)
    }

    /// Of what an item found, what still held at the failure, and why the rest did not: a state a
    /// `latest` item found that later records ended, a firewall rule changed again or scoped away
    /// from the client. A proven absence is cited log by log.
    func holding(_ item: CauseDefinition.Evidence, found: [EvidenceItem]) -> (found: [EvidenceItem], ended: [String]) {
        if let why = ended(item, found: found) { return ([], [why]) }
        if case .absent = item.test { return (citation.cite(item, found: found), []) }
        guard case .present(let rules) = item.test, FirewallTimeline.follows(rules), let machine = context.machine(item.machine) else {
            return (found, [])
        }
        let failure = context.time(on: item.machine)
        // A cause file's window is untrusted: no overflow, no reversed range.
        let (low, lowOverflow) = failure.ticks.addingReportingOverflow(item.window.start)
        let (high, highOverflow) = failure.ticks.addingReportingOverflow(item.window.end)
        guard !lowOverflow, !highOverflow, low <= high else { return (found, []) }
        let window = EventTimestamp(ticks: low)...EventTimestamp(ticks: high)
        let result = firewall.inForce(found, rules: rules, window: window, on: machine, failure: failure, client: context.clientAddress)
        return (result.kept, result.notes)
    }

    /// For a `latest` item with `ended-by` that matched: why the state it found no longer held at
    /// the failure (nil when it held, or the item is of another form).
    private func ended(_ item: CauseDefinition.Evidence, found: [EvidenceItem]) -> String? {
        guard let end = item.endedBy, case .latest = item.test, let machine = context.machine(item.machine),
            let since = found.map(\.time).max()
        else { return nil }
        return timeline.ended(end, on: machine, since: since, failure: context.time(on: item.machine))
    }

    /// For a cause that rests only on missing records and is not limited: the logs that showed
    /// the silence's other reasons did not hold, cited as part of the silence.
    func silenceExplained(for cause: CauseDefinition, evidence: [EvidenceItem], index: CaseIndex) -> [EvidenceItem] {
        let support = evidence.filter { $0.role == .supports || $0.role == .missing }
        guard !support.isEmpty, support.allSatisfy({ $0.role == .missing }) else { return [] }
        let refuted = Set(evidence.filter { $0.role == .refutes }.map(\.rule))
        return silence.ruledOut(cause.against.filter { refuted.isDisjoint(with: $0.ruleNames) }, index: index)
    }

    /// Why `cause` may not be likely on this attempt, given the evidence found for it.
    func limit(for cause: CauseDefinition, evidence: [EvidenceItem]) -> Limit? {
        let host = context.hostDisplay ?? "the host"
        if let precondition = cause.precondition, let why = reach.contradiction(of: precondition, host: host) {
            return Limit(reason: why, needs: [])
        }
        let support = evidence.filter { $0.role == .supports || $0.role == .missing }
        if !support.isEmpty, support.allSatisfy({ $0.role == .missing }) {
            if cause.precondition == .notPastSecurity, let named = context.namedGateway {
                // The host's silence may be the gateway refusing the attempt on either leg.
                return Limit(
                    reason: "\(named.source), line \(named.line) says the connection goes through \(named.display), whose log is not in the case: a host that never saw the attempt may be the gateway refusing it",
                    needs: [GatewayPath.logNeed])
            }
            let needs = silence.unchecked(cause.against)
            if !needs.isEmpty {
                let logs = needs.map(\.channel).joined(separator: ", ")
                return Limit(
                    reason: "it rests only on records that are missing, and no \(logs) log from \(host) shows whether the silence has another reason",
                    needs: needs)
            }
        }
        return nil
    }
}
