import EventImport

/// The other reasons for a silence that a case cannot check: a cause that rests only on missing
/// records (no connection reached the listener) is not shown while the logs that would show the
/// silence's other reasons (the service stopped, the host asleep) are missing too.
struct SilenceAlternatives {
    let context: AttemptContext
    let advisor: MissingLogAdvisor
    /// For each Sigma rule name, the channels its events are written to.
    let ruleChannels: [String: [String]]

    /// The logs that showed the silence's other reasons did not hold (they cover the failure and
    /// the refuting items found nothing), one item per log, citing its file: the silence rests on them too.
    func ruledOut(_ against: [CauseDefinition.Evidence], index: CaseIndex) -> [EvidenceItem] {
        var items: [EvidenceItem] = []
        for item in against {
            let rules = Self.stateRules(of: item)
            guard !rules.isEmpty else { continue }
            guard let machine = context.machine(item.machine) else { continue }
            let time = context.time(on: item.machine)
            let channels = Set(rules.flatMap { ruleChannels[$0] ?? [] })
            for channel in channels.sorted() where advisor.covers(channel, on: machine, at: time) {
                guard let log = index.coverage(of: channel, on: machine),
                    !items.contains(where: { $0.channel == log.channel && $0.computer == log.displayName })
                else { continue }
                items.append(
                    EvidenceItem(
                        role: .missing, rule: rules.joined(separator: ", "),
                        meaning: "the \(log.channel) log of \(log.displayName) covers the failure and shows no other reason for the silence (no service stop, sleep or shutdown still in force)",
                        time: time, computer: log.displayName, channel: log.channel, eventID: 0, recordID: nil,
                        origin: EventOrigin(source: log.sources.sorted().first ?? "", line: 0)))
            }
        }
        return items
    }

    /// The logs, one per refuting item, that no log of the case covers at the failure.
    func unchecked(_ against: [CauseDefinition.Evidence]) -> [CauseDefinition.Need] {
        var needs: [CauseDefinition.Need] = []
        for item in against {
            let rules = Self.stateRules(of: item)
            guard !rules.isEmpty else { continue }
            let channels = Array(Set(rules.flatMap { ruleChannels[$0] ?? [] })).sorted()
            guard let first = channels.first else { continue }
            let machine = context.machine(item.machine)
            let time = context.time(on: item.machine)
            guard !channels.contains(where: { advisor.covers($0, on: machine, at: time) }) else { continue }
            let need = CauseDefinition.Need(
                machine: item.machine, channel: first,
                why: "it shows whether the silence has another reason (\(rules.joined(separator: ", ")))")
            if !needs.contains(where: { $0.channel == need.channel && $0.machine == need.machine }) { needs.append(need) }
        }
        return needs
    }

    /// The rules whose records show a state that would explain a silence (the service's or the
    /// host's last transition, a sleep interval); none for other forms.
    private static func stateRules(of item: CauseDefinition.Evidence) -> [String] {
        switch item.test {
        case .latest(let rules, let wanted, _): Array(Set(rules + wanted)).sorted()
        case .interval(let rule, _, _): [rule]
        case .present, .absent, .code: []
        }
    }
}
