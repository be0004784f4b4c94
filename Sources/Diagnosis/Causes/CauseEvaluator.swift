import EventImport

/// Weighs every cause for one failed attempt: support and refutation from the evidence found,
/// the logs each cause needs, and the status that follows.
struct CauseEvaluator {
    /// One cause weighed: its assessment, its score, and the logs that would let it be assessed.
    struct Weighed {
        var assessment: CauseAssessment
        var score: Double
        var missing: [MissingLog]
        /// How far the attempt must have got for the cause to hold.
        var precondition: CauseDefinition.Precondition? = nil
    }

    let causes: [CauseDefinition]
    let check: EvidenceCheck
    let advisor: MissingLogAdvisor

    /// Every cause, most likely first (residual causes weighed after the others, against the best of them).
    ///
    /// A residual cause is what is left once the others are excluded, so it cannot be likely while
    /// another cause could not be checked (its log is missing) and nothing in the case refutes it.
    func weigh() -> [Weighed] {
        let state = AttemptState(check: check, advisor: advisor)
        var weighed = causes.filter { !$0.residual }.map { evaluate($0, otherBest: 0, unchecked: [], state: state) }
        let bestOther = weighed.map(\.score).max() ?? 0
        let unchecked = weighed.map(\.assessment)
            .filter { $0.status == .notAssessable && !$0.evidence.contains { $0.role == .refutes } }
            .map(\.id)
        weighed += causes.filter(\.residual).map { evaluate($0, otherBest: bestOther, unchecked: unchecked, state: state) }
        let sorted = weighed.sorted { a, b in
            if a.score != b.score { return a.score > b.score }
            return Self.rank(a.assessment.status) < Self.rank(b.assessment.status)
        }
        return SharedEvidence.join(sorted)
    }

    private static func rank(_ status: CauseAssessment.Status) -> Int {
        switch status {
        case .likely: 0
        case .possible: 1
        case .ruledOut: 2
        case .notAssessable: 3
        }
    }

    /// The highest score a residual cause may reach while other causes are unchecked: below likely.
    private static let uncheckedResidualCap = 0.59
    /// The score from which a cause is likely.
    static let likelyThreshold = 0.6
    /// The highest score of a cause whose only support is one record not at the attempt: below likely.
    static let thinEvidenceCap = 0.59

    private func evaluate(_ cause: CauseDefinition, otherBest: Double, unchecked: [String], state: AttemptState) -> Weighed {
        let context = check.context
        var evidence: [EvidenceItem] = []
        var against = 0.0
        var unassessed: [String] = []
        var tally = SupportTally()
        var ended: [String] = []
        var updateNotes: [String] = []
        for item in cause.evidence {
            switch check.check(item, role: .supports) {
            case .matched(let found):
                if let regression = item.regression {
                    // An update counts only as far as the story of a client update regression holds.
                    let outcome = state.updates.weigh(item, regression, found: found)
                    updateNotes += outcome.notes
                    if !outcome.found.isEmpty { tally.add(item, found: outcome.found, weight: outcome.weight) }
                    continue
                }
                // A state the last transition shows may have ended since (later signs of life).
                let holding = state.holding(item, found: found)
                // Several items may say the same (every firewall item weighs the same rules): once.
                for note in holding.ended where !ended.contains(note) { ended.append(note) }
                if holding.found.isEmpty { continue }
                tally.add(item, found: holding.found)
            case .notFound:
                break
            case .notAssessable(let why):
                // The same reason is said once.
                if !unassessed.contains(why) { unassessed.append(why) }
            }
        }
        evidence += tally.counted
        let support = tally.support
        for item in cause.against {
            if case .matched(let found) = check.check(item, role: .refutes) {
                let holding = state.holding(item, found: found)
                if holding.found.isEmpty { continue }
                evidence += holding.found
                against = 1 - (1 - against) * (1 - item.weight)
            }
        }
        // A time whose zone was only inferred may place every window wrongly.
        var score = support * (1 - against) * context.timeConfidence
        if cause.residual { score *= 1 - otherBest }
        let cappedByUnchecked = cause.residual && !unchecked.isEmpty && score > Self.uncheckedResidualCap
        if cappedByUnchecked { score = Self.uncheckedResidualCap }
        // A contradicted precondition or an unexplained silence says more than "too little evidence",
        // so it is applied (and said) first.
        let limit = state.limit(for: cause, evidence: evidence)
        if limit == nil { evidence += state.silenceExplained(for: cause, evidence: evidence, index: check.index) }
        let limited = limit != nil && score > AttemptState.notLikelyCap
        if limited { score = AttemptState.notLikelyCap }
        // `likely` needs one decisive record at the attempt or two independent ones.
        let thinEvidence = score >= Self.likelyThreshold && !tally.enoughForLikely
        if thinEvidence { score = Self.thinEvidenceCap }

        // A gateway cause where nothing shows a gateway: said once, not as an unchecked log.
        let noGatewayInPath = support == 0 && cause.evidence.allSatisfy { $0.machine == .gateway }
            && context.gatewayMachine == nil && context.namedGateway == nil
        // Coverage of what the cause needs.
        let uncovered = cause.needs.filter { !advisor.covers($0.channel, on: context.machine($0.machine), at: context.time(on: $0.machine)) }
        let status: CauseAssessment.Status
        var summary: String
        let top = evidence.first { $0.role == .supports || $0.role == .missing }
        if score >= Self.likelyThreshold {
            status = .likely
            summary = "\(cause.title)" + (top.map { ": \($0.meaning)" } ?? "")
        } else if score >= 0.25 {
            status = .possible
            summary = "\(cause.title)" + (top.map { ": \($0.meaning)" } ?? "")
        } else if support == 0 && !uncovered.isEmpty {
            status = .notAssessable
            summary = uncovered.map { need in
                let machine = context.display(need.machine) ?? need.machine.rawValue
                return "no \(need.channel) log from \(machine) covers \(context.time.iso8601(fractionDigits: 0))"
            }.joined(separator: "; ")
        } else {
            status = .ruledOut
            if noGatewayInPath {
                summary = "no RD Gateway in the path: the case holds no gateway log, and neither the ticket nor the report "
                    + "names one (if the client connects through a gateway, add its TerminalServices-Gateway/Operational log)"
            } else if let refuting = evidence.first(where: { $0.role == .refutes }) {
                summary = "ruled out: \(refuting.meaning)"
            } else if support > 0 {
                summary = "weak evidence only" + (top.map { ": \($0.meaning)" } ?? "")
            } else if cause.residual && otherBest >= 0.6 {
                summary = "ruled out: a host-side cause explains the failure"
            } else {
                let logs = cause.needs.map(\.channel).joined(separator: ", ")
                summary = "no sign of it" + (logs.isEmpty ? "" : " in the \(logs) log(s) covering the failure")
            }
        }
        if thinEvidence {
            summary += " (not likely on one record that is not at the attempt: likely needs one at the attempt or two independent ones)"
        }
        if !unassessed.isEmpty && status != .likely && !noGatewayInPath { summary += " (not checked: \(unassessed.joined(separator: "; ")))" }
        if let limit, limited { summary += " (not likely: \(limit.reason))" }
        if !ended.isEmpty, status != .likely { summary += " (no longer in force at the failure: \(ended.joined(separator: "; ")))" }
        if !updateNotes.isEmpty, status != .likely { summary += " (update not counted: \(updateNotes.joined(separator: "; ")))" }
        if cappedByUnchecked {
            summary += " (not likely while \(unchecked.joined(separator: ", ")) could not be checked: their logs are missing)"
        }
        let assessment = CauseAssessment(
            id: cause.id, title: cause.title, status: status, confidence: (score * 100).rounded() / 100, summary: summary,
            evidence: SupportTally.listedOnce(evidence).sorted { $0.time < $1.time }, remediation: cause.remediation,
            references: cause.references)
        var missing = status == .notAssessable ? uncovered.map { advisor.missingLog($0) } : []
        if let limit, limited { missing += limit.needs.map { advisor.missingLog($0) } }
        return Weighed(assessment: assessment, score: score, missing: missing, precondition: cause.precondition)
    }
}
