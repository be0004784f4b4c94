import EventImport

/// Follows a machine's state past its last transition record: a host that went to sleep or shut
/// down, or a service that stopped, is only down at the failure if nothing shows it came back.
///
/// Real exports lose the records of the way back often (logs filtered by event id, cleared logs,
/// a hibernate resume that writes only Power-Troubleshooter 1), so the state is read as a
/// timeline: any record the machine wrote after going down closes the "down" interval, and the
/// listener's and stack's records close "the service was stopped".
struct StateTimeline {
    let index: CaseIndex

    /// How long a machine may go on writing after a shutdown or sleep record (services stopping,
    /// the event log closing) before a record shows it running again.
    static let shutdownTail: Int64 = 3 * CaseIndex.ticksPerMinute
    /// How long records of connections torn down by a service stop may follow the stop record.
    static let stopTail: Int64 = 10 * EventTimestamp.ticksPerSecond

    /// What shows that the state found at `since` had ended before `failure`, said for the
    /// findings; nil when the state held.
    func ended(
        _ end: CauseDefinition.StateEnd, on machine: String, since: EventTimestamp, failure: EventTimestamp
    ) -> String? {
        let name = index.displayName(machine)
        switch end {
        case .anyRecord:
            let from = EventTimestamp(ticks: since.ticks + Self.shutdownTail)
            guard let alive = index.firstActivity(on: machine, from: from, to: failure) else { return nil }
            return "\(name) wrote records again from \(alive.iso8601(fractionDigits: 0)), after the transition at "
                + "\(since.iso8601(fractionDigits: 0)) and before the failure, so it was running again"
        case .rules(let rules):
            let from = EventTimestamp(ticks: since.ticks + Self.stopTail)
            guard from < failure, let hit = index.hits(rules, on: machine, from: from, to: failure).first else { return nil }
            return "\(name) logged \(hit.event.channel) \(hit.event.eventID) at \(hit.event.time.iso8601(fractionDigits: 0)), "
                + "after the change at \(since.iso8601(fractionDigits: 0)) and before the failure, so it was running again"
        }
    }
}
