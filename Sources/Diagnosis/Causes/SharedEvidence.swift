import EventImport

/// Causes that rest on exactly the same evidence are one finding: their shared class.
///
/// When the best cause and others cite the same supporting records (and nothing refutes one but
/// not the other), the records cannot tell them apart; the class is reported with the best
/// one's confidence and status, each naming the others (`sharedWith`), so the findings say "one
/// of these, and here are both fixes" instead of an inconclusive tie.
enum SharedEvidence {
    /// `weighed` (most likely first) with the causes that share the best one's evidence joined.
    static func join(_ weighed: [CauseEvaluator.Weighed]) -> [CauseEvaluator.Weighed] {
        guard let best = weighed.first, best.assessment.status == .likely || best.assessment.status == .possible,
            let records = signature(best.assessment), !records.supporting.isEmpty
        else { return weighed }
        let members = weighed.indices.filter { position in
            let assessment = weighed[position].assessment
            return (assessment.status == .likely || assessment.status == .possible) && signature(assessment) == records
        }
        guard members.count > 1 else { return weighed }
        let ids = members.map { weighed[$0].assessment.id }
        var joined = weighed
        for position in members {
            var member = joined[position]
            member.assessment.sharedWith = ids.filter { $0 != member.assessment.id }
            member.assessment.status = best.assessment.status
            member.assessment.confidence = best.assessment.confidence
            member.score = best.score
            member.assessment.summary += " (the same evidence supports \(member.assessment.sharedWith.joined(separator: ", ")): one of them; each one's fix is listed)"
            joined[position] = member
        }
        // The class members stay together, right after the best one.
        let others = joined.indices.filter { !members.contains($0) }.map { joined[$0] }
        return members.map { joined[$0] } + others
    }

    /// The records a cause's supporting and refuting evidence cite.
    private static func signature(_ assessment: CauseAssessment) -> Signature? {
        func keys(_ role: EvidenceItem.Role) -> Set<String> {
            Set(assessment.evidence.filter { $0.role == role }.map { "\($0.origin.source):\($0.origin.line):\($0.time.ticks):\($0.rule)" })
        }
        return Signature(supporting: keys(.supports).union(keys(.missing)), refuting: keys(.refutes))
    }

    private struct Signature: Equatable {
        var supporting: Set<String>
        var refuting: Set<String>
    }
}
