import EventImport

/// The other reasons for a silence that a case cannot check: a cause that rests only on missing
/// records (no connection reached the listener) is not shown while the logs that would show the
/// silence's other reasons (the service stopped, the host asleep) are missing too.
struct SilenceAlternatives {
    let context: AttemptContext
    let advisor: MissingLogAdvisor
    /// For each Sigma rule name, the channels its events are written to.
    let ruleChannels: [String: [String]]

    /// The logs, one per refuting item, that no log of the case covers at the failure.
    func unchecked(_ against: [CauseDefinition.Evidence]) -> [CauseDefinition.Need] {
        var needs: [CauseDefinition.Need] = []
        for item in against {
            switch item.test {
            case .latest, .interval: break
            case .present, .absent, .code: continue
            }
            let channels = Array(Set(item.ruleNames.flatMap { ruleChannels[$0] ?? [] })).sorted()
            guard let first = channels.first else { continue }
            let machine = context.machine(item.machine)
            let time = context.time(on: item.machine)
            guard !channels.contains(where: { advisor.covers($0, on: machine, at: time) }) else { continue }
            let need = CauseDefinition.Need(
                machine: item.machine, channel: first,
                why: "it shows whether the silence has another reason (\(item.ruleNames.joined(separator: ", ")))")
            if !needs.contains(where: { $0.channel == need.channel && $0.machine == need.machine }) { needs.append(need) }
        }
        return needs
    }
}
