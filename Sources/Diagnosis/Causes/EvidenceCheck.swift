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
        let from = EventTimestamp(ticks: base.ticks + item.window.start)
        let to = EventTimestamp(ticks: base.ticks + item.window.end)
        switch item.test {
        case .code(let codes):
            guard codes.contains(failure.code) else { return .notFound }
            let anchor = failure.disconnect
            return .matched([
                EvidenceItem(
                    role: role, rule: "failure-code", meaning: text.render(item.says, event: anchor?.event),
                    time: context.time, computer: context.clientDisplay ?? "", channel: anchor?.event.channel ?? "",
                    eventID: anchor?.event.eventID ?? 0, recordID: anchor?.event.recordID,
                    origin: anchor?.event.origin ?? EventOrigin(source: failure.report?.source ?? "", line: failure.report?.line ?? 0),
                    atAttempt: item.atAttempt != nil)
            ])
        case .present(let rules):
            guard let machine else { return .notAssessable("no logs from the \(item.machine.rawValue)") }
            let hits = index.hits(rules, on: machine, from: from, to: to).filter { counts($0, for: item, from: from, to: to) }
            guard !hits.isEmpty else { return .notFound }
            // Records at the identified attempt first (the decisive tier), then the nearest.
            let tiered = hits.map { (hit: $0, atAttempt: atAttempt($0, item: item)) }
            let nearest = tiered.sorted { a, b in
                if a.atAttempt != b.atAttempt { return a.atAttempt }
                return abs(a.hit.event.time.ticks - base.ticks) < abs(b.hit.event.time.ticks - base.ticks)
            }.prefix(3)
            return .matched(
                nearest.map { found in
                    EvidenceItem(
                        role, rule: found.hit.rule, hit: found.hit, meaning: text.render(item.says, event: found.hit.event),
                        atAttempt: found.atAttempt)
                })
        case .absent(let rules):
            guard let machine else { return .notAssessable("no logs from the \(item.machine.rawValue)") }
            let channels = Set(rules.flatMap { ruleChannels[$0] ?? [] })
            let covered = channels.contains { index.covers($0, on: machine, from: from, through: base, slack: coverageSlack) }
            guard covered else {
                return .notAssessable("\(channels.sorted().joined(separator: " or ")) from \(index.displayName(machine)) do not cover the failure")
            }
            let present = index.hits(rules, on: machine, from: from, to: to).filter { relation(of: $0, item: item) != .other }
            if item.machine == .gateway, item.sameClientField != nil, present.contains(where: { relation(of: $0, item: item) == .unknown }) {
                // Gateway records that cannot be compared with this attempt may be its own.
                return .notAssessable("records of \(index.displayName(machine)) around the failure name no user or address this attempt can be compared with")
            }
            guard present.allSatisfy({ !counts($0, for: item, from: from, to: to) }) else { return .notFound }
            if item.sameClientField != nil, item.machine == .host {
                // Connections that name nobody may be this client's (unless they ran on past the
                // failure, which the attempt did not): then its absence is not shown.
                let untied = present.filter { hit in
                    guard relation(of: hit, item: item) == .unknown else { return false }
                    guard let position = context.connections.connection(of: hit) else { return true }
                    return !context.connections[position].keptRunning(after: context.hostTime, slack: AttemptMatcher.endSlack)
                }
                    .map { context.connections.connection(of: $0).map(String.init) ?? $0.event.locator }
                if !untied.isEmpty {
                    return .notAssessable(
                        "\(Set(untied).count) connection(s) reached \(index.displayName(machine)) around the failure and none can be tied to this attempt or to another client")
                }
            }
            return .matched([
                EvidenceItem(
                    role: .missing, rule: rules.joined(separator: ", "), meaning: text.render(item.says, event: nil),
                    time: base, computer: index.displayName(machine), channel: channels.sorted().joined(separator: ", "), eventID: 0,
                    recordID: nil, origin: EventOrigin(source: "", line: 0), atAttempt: item.atAttempt != nil)
            ])
        case .latest(let rules, let wanted, let lookback):
            guard let machine else { return .notAssessable("no logs from the \(item.machine.rawValue)") }
            let earlier = index.hits(
                rules, on: machine, from: EventTimestamp(ticks: base.ticks - lookback), to: EventTimestamp(ticks: base.ticks + item.window.end))
            guard let newest = earlier.last else { return .notFound }
            // The newest event may have matched several of the rules: any wanted one counts.
            let sameEvent = earlier.filter { $0.event.origin == newest.event.origin && $0.event.time == newest.event.time }
            guard let match = sameEvent.first(where: { wanted.contains($0.rule) }) else { return .notFound }
            // The state the newest record set is the state at the attempt.
            return .matched([
                EvidenceItem(role, rule: match.rule, hit: match, meaning: text.render(item.says, event: match.event), atAttempt: item.atAttempt != nil)
            ])
        case .interval(let rule, let startField, let endField):
            guard let machine else { return .notAssessable("no logs from the \(item.machine.rawValue)") }
            let day = 2 * 86_400 * EventTimestamp.ticksPerSecond
            for hit in index.hits([rule], on: machine, from: EventTimestamp(ticks: base.ticks - day), to: EventTimestamp(ticks: base.ticks + day)) {
                guard let start = hit.event.field(caseInsensitive: startField).flatMap(parseEventDate),
                    let end = hit.event.field(caseInsensitive: endField).flatMap(parseEventDate),
                    start <= base, base <= end
                else { continue }
                return .matched([
                    EvidenceItem(role, rule: rule, hit: hit, meaning: text.render(item.says, event: hit.event), atAttempt: item.atAttempt != nil)
                ])
            }
            return .notFound
        }
    }

    /// Whether `hit` was logged at the identified attempt, in the item's `at-attempt` tier: within
    /// its span of the attempt's connection on the host (the records that name the client, such as
    /// RdpCoreTS 131 or TermDD 56 with its address), and either of that connection or its client,
    /// or naming no one and belonging to no other connection (Schannel, certificate and service
    /// records). When no connection reached the host, a record that names no one is at the attempt
    /// when it lies within the span of the failure on the host's clock (a service that crashed).
    private func atAttempt(_ hit: CaseIndex.Hit, item: CauseDefinition.Evidence) -> Bool {
        guard let tier = item.atAttempt, item.machine != .client else { return false }
        if item.machine == .gateway {
            // The gateway's clock is not measured: its record of this client within the span of the failure.
            return relation(of: hit, item: item) == .sameClient && abs(hit.event.time.ticks - context.time.ticks) <= tier.within
        }
        let relation = relation(of: hit, item: item)
        switch relation {
        case .attempt, .sameClient: break
        case .unknown: guard context.connections.connection(of: hit) == nil else { return false }
        case .other: return false
        }
        let time = hit.event.time.ticks
        guard let position = context.attempt else {
            return relation == .unknown && abs(time - context.hostTime.ticks) <= tier.within
        }
        let connection = context.connections[position]
        return time >= connection.start.ticks - tier.within && time <= connection.last.ticks + tier.within
    }

    /// How a record relates to the attempt: host records are compared by identity (a record of the
    /// attempt's own connection is the attempt's), gateway records by the user and address they
    /// name (``GatewayPath/relation(of:to:)``); the client's own log is the client's.
    private func relation(of hit: CaseIndex.Hit, item: CauseDefinition.Evidence) -> Relation {
        if item.machine == .gateway {
            switch GatewayPath.relation(of: hit.event, to: context.identity) {
            case .same: return .sameClient
            case .other: return .other
            case .unknown: return .unknown
            }
        }
        guard item.machine == .host else { return .attempt }
        let position = context.connections.connection(of: hit)
        if let position, position == context.attempt { return .attempt }
        let record = position.map { context.connections[$0].identity } ?? RecordIdentity(event: hit.event, host: context.hostMachine)
        let activity = position.map { context.connections[$0].activityID } ?? hit.event.activityID
        switch context.identity.relation(to: record, activityID: activity) {
        case .same: return .sameClient
        case .other: return .other
        case .unknown: return .unknown
        }
    }

    /// How a record relates to the attempt.
    private enum Relation {
        /// A record of the attempt's own connection, or of the client's own log.
        case attempt
        /// A record that names the attempt's client.
        case sameClient
        /// A record that names another client: never evidence for or against the attempt.
        case other
        /// A record that names nobody the attempt can be compared with.
        case unknown
    }

    /// Whether a hit counts for `item`. A record of another client never does. An item that asks
    /// for the same client takes a record of the attempt's connection, or of its client in a
    /// connection that did not run on past the failure; a record that names nobody only when its
    /// connection is the only one opened in the window (and, for a sign of success, it ended with
    /// the failure).
    private func counts(_ hit: CaseIndex.Hit, for item: CauseDefinition.Evidence, from: EventTimestamp, to: EventTimestamp) -> Bool {
        let relation = relation(of: hit, item: item)
        guard relation != .other else { return false }
        // A gateway record of this client's (by user, else address) when the item asks for the same client.
        if item.machine == .gateway { return item.sameClientField == nil || relation == .sameClient }
        guard item.sameClientField != nil, item.machine == .host else { return true }
        let connections = context.connections
        let failure = context.hostTime
        let slack = AttemptMatcher.endSlack
        switch relation {
        case .attempt:
            return true
        case .sameClient:
            guard let position = connections.connection(of: hit) else { return true }
            return !connections[position].keptRunning(after: failure, slack: slack)
        case .unknown:
            guard let position = connections.connection(of: hit) else { return false }
            let open = connections.opened(from: from, to: to).filter { candidate in
                let connection = connections[candidate]
                let related = context.identity.relation(to: connection.identity, activityID: connection.activityID)
                return !isOther(related) && !connection.keptRunning(after: failure, slack: slack)
            }
            guard open == [position] else { return false }
            return !Diagnoser.RuleName.sessionSuccess.contains(hit.rule) || connections[position].ended(near: failure, slack: slack)
        case .other:
            return false
        }
    }

    private func isOther(_ relation: AttemptIdentity.Relation) -> Bool {
        if case .other = relation { return true }
        return false
    }
}

/// Reads date-times written into event data (`2026-06-12T19:20:00.5Z`, `2026-06-12 19:20:00`).
func parseEventDate(_ text: String) -> EventTimestamp? {
    EventTimestamp(iso8601: text.trimmingCharacters(in: .whitespaces)) ?? ClientReport.parseReportTime(text)
}
