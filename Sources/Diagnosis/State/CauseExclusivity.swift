/// Causes whose preconditions contradict each other cannot both be `likely`: an attempt that the
/// RDP stack processed (a certificate, key, NLA or logon failure) was not stopped before the
/// security layer (a sleeping host, a stopped service, a blocked path), and the reverse.
enum CauseExclusivity {
    /// `weighed` (most likely first) with every likely cause whose precondition contradicts the
    /// best likely cause's made `possible`, saying why.
    static func apply(_ weighed: [CauseEvaluator.Weighed]) -> [CauseEvaluator.Weighed] {
        guard let best = weighed.first(where: { $0.assessment.status == .likely }), let kept = best.precondition else {
            return weighed
        }
        return weighed.map { cause in
            guard cause.assessment.status == .likely, let own = cause.precondition, own != kept else { return cause }
            var demoted = cause
            demoted.assessment.status = .possible
            demoted.assessment.confidence = min(cause.assessment.confidence, AttemptState.notLikelyCap)
            demoted.score = min(cause.score, AttemptState.notLikelyCap)
            demoted.assessment.summary +=
                " (not likely together with \(best.assessment.id): one presupposes that the attempt \(phrase(own)), the other that it \(phrase(kept)))"
            return demoted
        }
    }

    private static func phrase(_ precondition: CauseDefinition.Precondition) -> String {
        switch precondition {
        case .reachedStack: "reached the RDP stack"
        case .notPastSecurity: "was stopped before the security layer"
        }
    }
}
