import Correlation
import EventImport
import Foundation

/// Decides the context of a failed attempt: the client, the target host, the UTC time (through
/// `--utc-offset`, a zone in a ticket note, or the host's records), the clock skew between client
/// and host, and the client's address as the host saw it. Each decision is noted.
struct ContextResolver {
    let index: CaseIndex
    let hints: TicketHints
    let options: DiagnosisOptions

    /// Where the case's machines' own addresses are shown.
    let addresses: MachineAddresses

    init(index: CaseIndex, hints: TicketHints, options: DiagnosisOptions) {
        self.index = index
        self.hints = hints
        self.options = options
        addresses = MachineAddresses(index: index)
    }

    /// The context of `failure`.
    func resolve(_ failure: FailedAttempt) -> AttemptContext {
        var notes: [String] = []
        // The ticket line that goes with this failure: the one naming its report's file, or its client.
        let line = failure.report.flatMap { hints.line(mentioning: $0.source) } ?? failure.clientMachine.flatMap { hints.line(withClient: $0) }
        if let line { notes.append("ticket line \(line.number) of \(line.source) goes with this failure") }
        let (clientMachine, clientDisplay) = client(of: failure, line: line, notes: &notes)
        let hosts = HostResolver(index: index, hints: hints, options: options, addresses: addresses)
        let decision = hosts.decide(failure, line: line, client: clientMachine, notes: &notes)
        var (hostMachine, hostDisplay) = (decision.machine, decision.display)
        let seed = seedIdentity(failure, clientDisplay: clientDisplay, line: line)
        let (time, timeConfidence) = utcTime(of: failure, host: hostMachine, identity: seed, notes: &notes)
        if !decision.toRank.isEmpty, let ranked = hosts.rank(decision.toRank, at: time, identity: seed, notes: &notes) {
            hostMachine = ranked
            hostDisplay = index.displayName(ranked)
        }
        let timeIsReliable = timeConfidence == 1
        var context = AttemptContext(
            time: time, hostMachine: hostMachine, hostDisplay: hostDisplay, clientMachine: clientMachine,
            clientDisplay: clientDisplay, clientAddress: nil, skew: 0, skewKnown: false, code: failure.code, notes: notes)
        context.identity = seed
        context.timeConfidence = timeConfidence
        if seed.client.users.isEmpty, index.machines.contains(where: { index.isGateway($0) }) {
            // Gateway records are tied by the user: the ticket's only user names this attempt's.
            // Qualified account names (`CORP\alice`, `alice@corp`) first: a bare word after "User" may be prose.
            let qualified = hints.users.filter { $0.value.contains("\\") || $0.value.contains("@") }
            let mentions = qualified.isEmpty ? hints.users : qualified
            let users = Set(mentions.compactMap { RecordIdentity.user($0.value) })
            if users.count == 1, let user = mentions.first {
                context.identity.addUser(user.value, from: "\(user.source), line \(user.line), the only user the ticket names")
            }
        }
        var hostSeed = context.identity
        if let gateway = GatewayPath.find(index: index, identity: context.identity, time: time, host: hostMachine) {
            context.gatewayMachine = gateway.machine
            context.gatewayDisplay = index.displayName(gateway.machine)
            context.notes.append(gateway.note)
            if let connected = gateway.connected {
                // Past the gateway, the host sees the gateway's address, not the client's: the host's
                // records are tied by the user, the workstation and the ActivityID.
                hostSeed.client.addresses = []
                hostSeed.sources.removeAll { $0.hasPrefix("client address ") }
                hostSeed.addUser(connected.event.field(caseInsensitive: "Username") ?? "", from: connected.event.locator)
                context.notes.append(
                    "the gateway connected the client to \(connected.event.field(caseInsensitive: "Resource") ?? "the host") (\(connected.event.locator)): the host's records name the gateway's address, so they are tied to the attempt by user, workstation and ActivityID")
            }
        }
        if context.gatewayMachine == nil,
            let named = GatewayPath.named(in: index.documents.filter { !Diagnoser.isAnswerKey($0.source) })
        {
            context.namedGateway = named
            context.gatewayDisplay = named.name
            context.notes.append("\(named.source), line \(named.line) says the connection goes through \(named.display), whose log is not in the case")
        }
        guard let hostMachine else { return context }
        let match = AttemptMatcher(index: index, failure: failure).match(
            host: hostMachine, time: time, timeIsReliable: timeIsReliable, seed: hostSeed)
        context.identity = match.identity
        context.connections = match.connections
        context.attempt = match.attempt
        context.notes += match.notes
        if let skew = match.skew ?? outageSkew(host: hostMachine, context: context, timeIsReliable: timeIsReliable || failure.disconnect != nil) {
            context.skew = skew.ticks
            context.skewKnown = true
            context.notes.append(skew.note)
        }
        if let (address, record) = clientAddress(host: hostMachine, context: context) {
            context.clientAddress = address
            context.notes.append("client address \(address), from \(record.event.locator)")
        } else {
            context.clientAddress = context.identity.client.addresses.sorted().first
        }
        return context
    }

    /// What names the attempt before the host's records are read: its ActivityID, the client's
    /// name, and the user and client address the ticket gives (its line for this failure, or the
    /// ticket as a whole when it names only one).
    private func seedIdentity(_ failure: FailedAttempt, clientDisplay: String?, line: TicketHints.Line?) -> AttemptIdentity {
        var identity = AttemptIdentity()
        for activity in [failure.activityID, failure.report?.activityID].compactMap({ $0 }) { identity.activityIDs.insert(activity) }
        if let clientDisplay {
            let source = failure.disconnect != nil && failure.clientMachine != nil ? "the client's own log" : "the case"
            identity.addMachine(clientDisplay, from: source)
        }
        if let line {
            for user in line.users { identity.addUser(user, from: "\(line.source), line \(line.number)") }
            for address in line.addresses { identity.addAddress(address, from: "\(line.source), line \(line.number)") }
        } else {
            // Qualified account names (`CORP\alice`, `alice@corp`) first: a bare word after "User" may be prose.
            let qualified = hints.users.filter { $0.value.contains("\\") || $0.value.contains("@") }
            let mentions = qualified.isEmpty ? hints.users : qualified
            let users = Set(mentions.compactMap { RecordIdentity.user($0.value) })
            if users.count == 1, let user = mentions.first {
                identity.addUser(user.value, from: "\(user.source), line \(user.line)")
            } else if users.count > 1, let (user, record) = hashedUser(of: failure, among: mentions) {
                identity.addUser(
                    user.value, from: "the client's user-name hash (\(record.event.locator)) is that of \(user.value), named in \(user.source), line \(user.line)")
            }
            let addresses = Set(hints.clientAddresses.map(\.value))
            if addresses.count == 1, let address = hints.clientAddresses.first {
                identity.addAddress(address.value, from: "\(address.source), line \(address.line)")
            } else if let client = failure.clientMachine, let address = hints.address(besideClient: client) {
                // Several addresses, one written beside this attempt's client: "WKS-494 (10.30.56.116), WKS-495 (…)".
                identity.addAddress(address.value, from: "\(address.source), line \(address.line), beside \(clientDisplay ?? client)")
            }
        }
        return identity
    }

    /// Of several users a ticket names, the one whose name the client's 1029 of the attempt (same
    /// ActivityID) hashes, with that record; nil when none or more than one matches.
    private func hashedUser(of failure: FailedAttempt, among mentions: [TicketHints.Mention]) -> (TicketHints.Mention, CaseIndex.Hit)? {
        guard let activity = failure.activityID else { return nil }
        let records = index.hits(of: Diagnoser.RuleName.clientUserHash).filter { $0.event.activityID == activity }
        for record in records {
            guard let hash = ClientUserHash(traceMessage: record.event.field(caseInsensitive: "TraceMessage") ?? "") else { continue }
            let named = mentions.filter { hash.names($0.value) }
            if Set(named.compactMap { RecordIdentity.user($0.value) }).count == 1, let user = named.first { return (user, record) }
        }
        return nil
    }

    private func client(of failure: FailedAttempt, line: TicketHints.Line?, notes: inout [String]) -> (machine: String?, display: String?) {
        let clientMachines = index.machines.filter { index.isClient($0) }
        if let given = options.client {
            notes.append("client given with --client: \(given)")
            return (HostName.normalized(given), given)
        }
        if let machine = failure.clientMachine {
            return (machine, index.coverage[machine] != nil ? index.displayName(machine) : failure.report?.clientComputer ?? machine)
        }
        if let named = line?.clients.first {
            notes.append("client \(named) named on that line")
            return (HostName.normalized(named), index.coverage[HostName.normalized(named)] != nil ? index.displayName(HostName.normalized(named)) : named)
        }
        let labelled = hints.clients.map(\.value)
        if let named = labelled.first(where: { clientMachines.contains(HostName.normalized($0)) })
            ?? (Set(labelled.map(HostName.normalized)).count == 1 ? labelled.first : nil)
        {
            let machine = HostName.normalized(named)
            notes.append("client \(named) named as the client in the ticket")
            return (machine, index.coverage[machine] != nil ? index.displayName(machine) : named)
        }
        if let named = hints.names.first(where: { clientMachines.contains(HostName.normalized($0.name)) }) {
            notes.append("client \(named.name) named in \(named.source)")
            return (HostName.normalized(named.name), named.name)
        }
        if clientMachines.count == 1, let only = clientMachines.first {
            let display = index.displayName(only)
            notes.append("client \(display): the only machine in the case with a Remote Desktop client log")
            return (only, display)
        }
        return (nil, nil)
    }

    /// How far a time is trusted whose zone was inferred from a clear alignment, from a close
    /// one, or not at all (taken as UTC).
    static let clearAlignment = 0.85
    static let closeAlignment = 0.7
    static let unaligned = 0.7

    /// The failure's UTC time, and how far it is trusted (1 for UTC or a zone that was stated).
    private func utcTime(
        of failure: FailedAttempt, host: String?, identity: AttemptIdentity, notes: inout [String]
    ) -> (EventTimestamp, Double) {
        guard !failure.timeIsUTC else { return (failure.time, 1) }
        let local = failure.time
        let shifted = { (offset: Int) in EventTimestamp(ticks: local.ticks - Int64(offset) * EventTimestamp.ticksPerSecond) }
        if let offset = options.utcOffsetSeconds {
            notes.append("the report's local time was converted with --utc-offset \(formatOffset(offset))")
            return (shifted(offset), 1)
        }
        if let zone = hints.utcOffset {
            notes.append("the report's local time was converted with the zone \(zone.text) (\(formatOffset(zone.seconds))) stated in \(zone.source)")
            return (shifted(zone.seconds), 1)
        }
        if let aligned = ZoneAlignment(index: index).offset(for: local, host: host, identity: identity) {
            var anchors: [String] = []
            if aligned.sequences > 0 || aligned.outages == 0 {
                anchors.append("\(aligned.sequences) connection sequence(s) on the host" + (aligned.matched > 0 ? " (\(aligned.matched) naming the client)" : ""))
            }
            if aligned.outages > 0 { anchors.append("\(aligned.outages) span(s) in which the host's listener could not answer") }
            var said = "the report's time is local with no zone; UTC\(formatOffset(aligned.seconds)) aligns it with " + anchors.joined(separator: " and ")
            said += String(format: ", score %.2f", aligned.score)
            if let runnerUp = aligned.runnerUp {
                said += String(format: "; the next best, UTC%@, scores %.2f", formatOffset(runnerUp.seconds), runnerUp.score)
            }
            let confidence = aligned.isClear ? Self.clearAlignment : Self.closeAlignment
            notes.append(said)
            notes.append(
                "the zone is inferred" + (aligned.isClear ? "" : " and the alignment is close") + String(format: ": cause confidences are scaled by %.2f (give --utc-offset to settle it)", confidence))
            return (shifted(aligned.seconds), confidence)
        }
        notes.append(
            String(format: "the report's time is local with no zone and nothing aligns it; it was taken as UTC and cause confidences are scaled by %.2f (give --utc-offset)", Self.unaligned))
        return (local, Self.unaligned)
    }

    /// How far apart domain members' clocks may be while Kerberos still accepts their tickets
    /// (the default MaxClockSkew): the bound for placing an attempt that left no trace.
    static let outageSkewBound: Int64 = 5 * 60 * EventTimestamp.ticksPerSecond

    /// The clock skew that places an attempt which left no trace on the host into the only span,
    /// within ``outageSkewBound`` of the failure, in which the host's listener could not answer
    /// (service stopped or crashed, host asleep or off); nil when the attempt is tied to a
    /// connection, a connection that names nobody may be it, the time is not reliable, the
    /// failure already lies in such a span, or there is not exactly one.
    private func outageSkew(host: String, context: AttemptContext, timeIsReliable: Bool) -> ClockSkew? {
        guard timeIsReliable, context.attempt == nil else { return nil }
        let bound = Self.outageSkewBound
        let from = EventTimestamp(ticks: context.time.ticks - bound)
        let to = EventTimestamp(ticks: context.time.ticks + bound)
        let connections = context.connections
        let untied = connections.opened(from: from, to: to).contains { position in
            let connection = connections[position]
            return !isOther(context.identity.relation(to: connection.identity, activityID: connection.activityID))
                && !connection.keptRunning(after: context.time, slack: AttemptMatcher.endSlack)
        }
        guard !untied else { return nil }
        let outages = HostOutages(index: index, host: host, from: from, to: to).near(context.time, within: bound)
        guard outages.count == 1, let outage = outages.first, !outage.contains(context.time) else { return nil }
        let placed = outage.nearest(to: context.time)
        let ticks = placed.ticks - context.time.ticks
        let opening = outage.opening.event
        let note = String(
            format: "clock skew: not measured from a connection but inferred as %+.0f s: the attempt left no trace on %@, and the only span within ±%d min of the failure in which its listener could not answer (%@ %d at %@, %@) places it there; the host's time of the failure is known only to within that span",
            Double(ticks) / Double(EventTimestamp.ticksPerSecond), index.displayName(host), Int(bound / CaseIndex.ticksPerMinute),
            opening.channel, Int(opening.eventID), opening.time.iso8601(fractionDigits: 0),
            outage.end.map { "until \($0.iso8601(fractionDigits: 0))" } ?? "with no record of its end")
        return ClockSkew(ticks: ticks, note: note)
    }

    private func isOther(_ relation: AttemptIdentity.Relation) -> Bool {
        if case .other = relation { return true }
        return false
    }

    /// The client's address: from the attempt's connection on the host, else one the identity holds.
    private func clientAddress(host: String, context: AttemptContext) -> (String, CaseIndex.Hit)? {
        guard let attempt = context.attempt else { return nil }
        for record in context.connections[attempt].records {
            if let address = RecordIdentity(event: record.event, host: host).addresses.sorted().first { return (address, record) }
        }
        return nil
    }

}
