import EventImport

/// One incoming connection as the host logged it: the records of one connection sequence.
///
/// The Remote Desktop channels (RCM 261/1149, RdpCoreTS 131/98/139/140, LSM 21–25/40) write the
/// records of one connection under one ActivityID; Security, TermDD and WFP records carry no
/// such link and join the connection whose client address (or user) they name while it is open.
struct HostConnection {
    /// The records, in time order.
    var records: [CaseIndex.Hit]
    /// Who the records name, together.
    var identity: RecordIdentity
    /// The ActivityID shared by its Remote Desktop records ("" for a connection seen only in
    /// Security, TermDD or WFP records).
    var activityID: String

    /// The first record.
    var start: EventTimestamp { records.first?.event.time ?? .epoch }
    /// The last record.
    var last: EventTimestamp { records.last?.event.time ?? .epoch }
    /// The record that opened it (for citing).
    var opening: CaseIndex.Hit? { records.first }

    /// True when a session was logged on over it (LSM 21/22/25, or 4624 logon type 10).
    var loggedOn: Bool { records.contains { Diagnoser.RuleName.sessionStarted.contains($0.rule) } }

    /// When it ended: the session's logoff or disconnect (LSM 23/24, or 40 with a denial), or,
    /// for a connection that never logged a session on, its last record.
    var end: EventTimestamp? {
        if let ended = records.first(where: { Diagnoser.RuleName.sessionEnded.contains($0.rule) }) { return ended.event.time }
        return loggedOn ? nil : last
    }

    /// True when a session over it was still running `slack` after `time` (host clock): such a
    /// session is not an attempt that failed at `time`.
    func keptRunning(after time: EventTimestamp, slack: Int64) -> Bool {
        guard loggedOn else { return false }
        guard let end else { return true }
        return end.ticks > time.ticks + slack
    }

    /// True when it ended within `slack` of `time` (host clock).
    func ended(near time: EventTimestamp, slack: Int64) -> Bool {
        guard let end else { return false }
        return abs(end.ticks - time.ticks) <= slack
    }
}

/// The host's connections around a failure, and which connection each record belongs to.
struct HostConnections {
    /// Every connection found, in order of their first record.
    private(set) var connections: [HostConnection] = []
    private var connectionOfRecord: [EventOrigin: Int] = [:]
    /// Connections by the addresses and users they name (so a record finds its connection
    /// without a scan of every connection).
    private var byAddress: [String: Set<Int>] = [:]
    private var byUser: [String: Set<Int>] = [:]

    /// How long a Security, TermDD or WFP record may lie outside a connection's span and still join it.
    static let joinSlack: Int64 = 10 * EventTimestamp.ticksPerSecond
    /// How far apart two standalone records of one client may be and still be one connection (SYN retries, NLA retries).
    static let retrySlack: Int64 = 30 * EventTimestamp.ticksPerSecond

    /// No connections.
    init() {}

    /// The connections of `host` whose records lie in `from`…`to`.
    init(index: CaseIndex, host: String, from: EventTimestamp, to: EventTimestamp) {
        let hits = index.hits(Diagnoser.RuleName.connectionTraces, on: host, from: from, to: to)
        var byActivity: [String: Int] = [:]
        var standalone: [CaseIndex.Hit] = []
        for hit in hits {
            if connectionOfRecord[hit.event.origin] != nil { continue }  // a record matching several rules
            let channel = hit.event.channel.lowercased()
            let activity = hit.event.activityID
            guard !activity.isEmpty, CaseIndex.hostChannels.contains(channel) else {
                standalone.append(hit)
                continue
            }
            let identity = RecordIdentity(event: hit.event, host: host)
            if let known = byActivity[activity] {
                connections[known].records.append(hit)
                connections[known].identity.formUnion(identity)
                connectionOfRecord[hit.event.origin] = known
            } else {
                byActivity[activity] = connections.count
                connectionOfRecord[hit.event.origin] = connections.count
                connections.append(HostConnection(records: [hit], identity: identity, activityID: activity))
            }
        }
        for position in connections.indices { register(position, connections[position].identity) }
        for hit in standalone where connectionOfRecord[hit.event.origin] == nil {
            join(hit, identity: RecordIdentity(event: hit.event, host: host))
        }
        for position in connections.indices { connections[position].records.sort { $0.event.time < $1.event.time } }
    }

    /// Adds a Security, TermDD or WFP record to the open connection it names, else to a recent
    /// standalone connection of the same client, else as a connection of its own.
    private mutating func join(_ hit: CaseIndex.Hit, identity: RecordIdentity) {
        let time = hit.event.time.ticks
        // The connections that name the record's address (or, without one, its user).
        let named = identity.addresses.isEmpty
            ? Set(identity.users.flatMap { byUser[$0] ?? [] }) : Set(identity.addresses.flatMap { byAddress[$0] ?? [] })
        let open = named.filter { position in
            let connection = connections[position]
            let closes = connection.activityID.isEmpty ? Self.retrySlack : Self.joinSlack
            return connection.start.ticks - Self.joinSlack <= time && time <= connection.last.ticks + closes
        }
        let nearest = open.min { a, b in
            let (da, db) = (abs(connections[a].start.ticks - time), abs(connections[b].start.ticks - time))
            return da != db ? da < db : a < b
        }
        let position = nearest ?? connections.count
        if let nearest {
            connections[nearest].records.append(hit)
            connections[nearest].identity.formUnion(identity)
        } else {
            connections.append(HostConnection(records: [hit], identity: identity, activityID: ""))
        }
        connectionOfRecord[hit.event.origin] = position
        register(position, identity)
    }

    /// Files `position` under the addresses and users `identity` names.
    private mutating func register(_ position: Int, _ identity: RecordIdentity) {
        for address in identity.addresses { byAddress[address, default: []].insert(position) }
        for user in identity.users { byUser[user, default: []].insert(position) }
    }

    /// The connection `hit` belongs to, when it lies in the span these connections were built over.
    func connection(of hit: CaseIndex.Hit) -> Int? { connectionOfRecord[hit.event.origin] }

    /// The connection at `position`.
    subscript(position: Int) -> HostConnection { connections[position] }

    /// The connections that opened in `from`…`to` (connections whose first record is a session's
    /// later life, such as a logoff, did not open there).
    func opened(from: EventTimestamp, to: EventTimestamp) -> [Int] {
        connections.indices.filter { position in
            let connection = connections[position]
            return from <= connection.start && connection.start <= to
                && connection.records.contains { Diagnoser.RuleName.connectionOpening.contains($0.rule) }
        }
    }
}
