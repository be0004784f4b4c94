import Correlation
import EventImport
import Foundation

/// Looks for one evidence item of a cause in the case, around one failed attempt.
struct EvidenceCheck {
    /// What the search found.
    enum Result {
        /// The item holds; these records (or the proven absence) show it.
        case matched([EvidenceItem])
        /// The item does not hold.
        case notFound
        /// The logs needed to tell are missing (why).
        case notAssessable(String)
    }

    /// How much host-side windows widen on each side when the client–host clock skew is unknown.
    static let unknownSkewSlack: Int64 = 5 * 60 * EventTimestamp.ticksPerSecond
    /// Address fields tried when an item says `same-client: yes`.
    static let addressFields = ["ClientIP", "IpAddress", "Param3", "Address", "IPString", "SourceAddress"]

    let index: CaseIndex
    let failure: FailedAttempt
    let context: AttemptContext
    /// For each Sigma rule name, the channels its events are written to.
    let ruleChannels: [String: [String]]
    /// How far past its last event a log is still taken to cover a time.
    let coverageSlack: Int64

    /// Checks `item`, citing what it finds in `role`.
    func check(_ item: CauseDefinition.Evidence, role: EvidenceItem.Role) -> Result {
        let text = EvidenceText(context: context)
        let machine = context.machine(item.machine)
        let base = context.time(on: item.machine)
        // Without a measured skew the host's clock may differ from the report's by minutes: widen.
        let slack = item.machine == .host && !context.skewKnown ? Self.unknownSkewSlack : 0
        let from = EventTimestamp(ticks: base.ticks + item.window.start - slack)
        let to = EventTimestamp(ticks: base.ticks + item.window.end + slack)
        switch item.test {
        case .code(let codes):
            guard codes.contains(failure.code) else { return .notFound }
            let anchor = failure.disconnect
            return .matched([
                EvidenceItem(
                    role: role, rule: "failure-code", meaning: text.render(item.says, event: anchor?.event),
                    time: context.time, computer: context.clientDisplay ?? "", channel: anchor?.event.channel ?? "",
                    eventID: anchor?.event.eventID ?? 0, recordID: anchor?.event.recordID,
                    origin: anchor?.event.origin ?? EventOrigin(source: failure.report?.source ?? "", line: failure.report?.line ?? 0))
            ])
        case .present(let rules):
            guard let machine else { return .notAssessable("no logs from the \(item.machine.rawValue)") }
            let hits = index.hits(rules, on: machine, from: from, to: to).filter { sameClient($0, item) }
            guard !hits.isEmpty else { return .notFound }
            let nearest = hits.sorted { abs($0.event.time.ticks - base.ticks) < abs($1.event.time.ticks - base.ticks) }.prefix(3)
            return .matched(nearest.map { hit in EvidenceItem(role, rule: hit.rule, hit: hit, meaning: text.render(item.says, event: hit.event)) })
        case .absent(let rules):
            guard let machine else { return .notAssessable("no logs from the \(item.machine.rawValue)") }
            let channels = Set(rules.flatMap { ruleChannels[$0] ?? [] })
            let covered = channels.contains { index.covers($0, on: machine, from: from, through: base, slack: coverageSlack) }
            guard covered else {
                return .notAssessable("\(channels.sorted().joined(separator: " or ")) from \(index.displayName(machine)) do not cover the failure")
            }
            guard index.hits(rules, on: machine, from: from, to: to).filter({ sameClient($0, item) }).isEmpty else {
                return .notFound
            }
            return .matched([
                EvidenceItem(
                    role: .missing, rule: rules.joined(separator: ", "), meaning: text.render(item.says, event: nil),
                    time: base, computer: index.displayName(machine), channel: channels.sorted().joined(separator: ", "), eventID: 0,
                    recordID: nil, origin: EventOrigin(source: "", line: 0))
            ])
        case .latest(let rules, let wanted, let lookback):
            guard let machine else { return .notAssessable("no logs from the \(item.machine.rawValue)") }
            let earlier = index.hits(
                rules, on: machine, from: EventTimestamp(ticks: base.ticks - lookback), to: EventTimestamp(ticks: base.ticks + item.window.end))
            guard let newest = earlier.last else { return .notFound }
            // The newest event may have matched several of the rules: any wanted one counts.
            let sameEvent = earlier.filter { $0.event.origin == newest.event.origin && $0.event.time == newest.event.time }
            guard let match = sameEvent.first(where: { wanted.contains($0.rule) }) else { return .notFound }
            return .matched([EvidenceItem(role, rule: match.rule, hit: match, meaning: text.render(item.says, event: match.event))])
        case .interval(let rule, let startField, let endField):
            guard let machine else { return .notAssessable("no logs from the \(item.machine.rawValue)") }
            let day = 2 * 86_400 * EventTimestamp.ticksPerSecond
            for hit in index.hits([rule], on: machine, from: EventTimestamp(ticks: base.ticks - day), to: EventTimestamp(ticks: base.ticks + day)) {
                guard let start = hit.event.field(caseInsensitive: startField).flatMap(parseEventDate),
                    let end = hit.event.field(caseInsensitive: endField).flatMap(parseEventDate),
                    start <= base, base <= end
                else { continue }
                return .matched([EvidenceItem(role, rule: rule, hit: hit, meaning: text.render(item.says, event: hit.event))])
            }
            return .notFound
        }
    }

    /// False only when the hit names a client address and it is not the failing client's.
    private func sameClient(_ hit: CaseIndex.Hit, _ item: CauseDefinition.Evidence) -> Bool {
        guard let field = item.sameClientField, let address = context.clientAddress else { return true }
        let fields = ["yes", "true", "any"].contains(field.lowercased()) ? Self.addressFields : [field]
        for name in fields {
            guard let value = hit.event.field(caseInsensitive: name), let ip = HostName.ipAddress(value.lowercased()),
                ip != "-", ip != "0.0.0.0"
            else { continue }
            return ip == address
        }
        return true
    }
}

/// Reads date-times written into event data (`2026-06-12T19:20:00.5Z`, `2026-06-12 19:20:00`).
func parseEventDate(_ text: String) -> EventTimestamp? {
    EventTimestamp(iso8601: text.trimmingCharacters(in: .whitespaces)) ?? ClientReport.parseReportTime(text)
}
