import EventImport
import Foundation

/// Ties a failed attempt to the host's records by identity: grows the attempt's identity from
/// the host records that name its client, finds the host connection that was the attempt, and
/// measures the clock skew from that connection only.
///
/// A connection is the attempt when it names the attempt's client (ActivityID, address,
/// workstation or user). When nothing names the client, it is the attempt only when it is the
/// only candidate: the only connection the host opened within ``skewBound`` of the attempt, or
/// the only one opened in the very second the client started connecting (clocks in step). A
/// session still running after the failure is never the attempt that failed, and records of
/// other clients are never an anchor. Beyond ``skewBound`` (a host clock tens of minutes off)
/// only a connection that names the client is taken, and only under ``namedSkewBound``.
struct AttemptMatcher {
    /// How far client and host clocks may plausibly differ: a connection further from the
    /// client's attempt is never taken for it.
    static let skewBound: Int64 = 10 * 60 * EventTimestamp.ticksPerSecond
    /// How far off a host's clock may be when a connection that names the attempt's client
    /// (address, workstation, user or ActivityID) shows it: a host outside the domain's time
    /// sync, or a virtual machine resumed from a snapshot, runs tens of minutes off. Such a
    /// connection is taken only when the client's own log holds the attempt (its 1024 or 1026)
    /// and no other attempt in that log lies within ``skewBound`` of it.
    static let namedSkewBound: Int64 = 30 * 60 * EventTimestamp.ticksPerSecond
    /// How close to the failure a connection must end to have ended with it.
    static let endSlack: Int64 = 20 * EventTimestamp.ticksPerSecond
    /// How close to the client's connect record a connection must open to open "in the same second".
    static let sameSecond: Int64 = 2 * EventTimestamp.ticksPerSecond
    /// How precisely a skew measured from a connection's end is known (the host's last record
    /// may precede the client's disconnect or the user's dialog by seconds).
    static let endPrecision: Int64 = 5 * EventTimestamp.ticksPerSecond
    /// How far around the failure the host's connections are read (covers every evidence window
    /// that asks for the same client, at any plausible skew).
    static let readSpan: Int64 = namedSkewBound + 15 * 60 * EventTimestamp.ticksPerSecond

    /// What ties the attempt to the host.
    struct Match {
        /// The attempt's identity, grown from the host records that name its client.
        var identity: AttemptIdentity
        /// The host's connections around the failure.
        var connections: HostConnections
        /// The connection that was the attempt, when one is.
        var attempt: Int?
        /// The clock skew measured from that connection.
        var skew: ClockSkew?
        /// How the identity, the connection and the skew were decided.
        var notes: [String]
    }

    /// The client-side moment a host connection is compared with.
    private struct Anchor {
        /// The client's time of it.
        var time: EventTimestamp
        /// True: the client started connecting (1024), compared with the connection's first
        /// record; false: the attempt failed (1026, or the report's time), compared with its end.
        var isStart: Bool
        /// What it is, for the findings.
        var said: String

        /// The host's time of the same moment if `connection` is the attempt.
        func hostTime(of connection: HostConnection) -> EventTimestamp {
            isStart ? connection.start : connection.end ?? connection.last
        }
    }

    let index: CaseIndex
    let failure: FailedAttempt

    /// Matches the attempt failing at `time` (UTC, client clock) to `host`'s records, starting from
    /// `seed`. `timeIsReliable` is false when the time was only inferred (then no skew is measured
    /// from the reported time).
    func match(host: String, time: EventTimestamp, timeIsReliable: Bool, seed: AttemptIdentity) -> Match {
        let anchor: Anchor
        if let attempt = failure.connectAttempt {
            anchor = Anchor(time: attempt.event.time, isStart: true, said: "client connect \(attempt.event.time.iso8601(fractionDigits: 3))")
        } else if let disconnect = failure.disconnect {
            anchor = Anchor(time: disconnect.event.time, isStart: false, said: "client disconnect \(disconnect.event.time.iso8601(fractionDigits: 3))")
        } else {
            anchor = Anchor(time: time, isStart: false, said: "the reported failure time \(time.iso8601(fractionDigits: 0))")
        }
        let early = min(anchor.time.ticks, time.ticks)
        let late = max(anchor.time.ticks, time.ticks)
        let connections = HostConnections(
            index: index, host: host, from: EventTimestamp(ticks: early - Self.readSpan), to: EventTimestamp(ticks: late + Self.readSpan))
        let clientsOwn = failure.connectAttempt != nil || failure.disconnect != nil
        let all = Self.candidates(
            connections, anchor: anchor, failureAfterAnchor: time.ticks - anchor.time.ticks, bound: clientsOwn ? Self.namedSkewBound : Self.skewBound)
        let distance = { (position: Int) in abs(anchor.hostTime(of: connections[position]).ticks - anchor.time.ticks) }
        let candidates = all.filter { distance($0) <= Self.skewBound }
        let identity = Self.grow(seed, from: candidates, in: connections)
        var match = Match(identity: identity, connections: connections, attempt: nil, skew: nil, notes: [])
        let relation = { (position: Int) in identity.relation(to: connections[position].identity, activityID: connections[position].activityID) }
        var matched = candidates.filter { if case .same = relation($0) { true } else { false } }
        if matched.isEmpty {
            let otherAttempts = otherConnectAttempts(around: anchor.time)
            matched = all.filter { position in
                guard distance(position) > Self.skewBound, case .same = relation(position) else { return false }
                return !otherAttempts.contains { abs(connections[position].start.ticks - $0.ticks) <= Self.skewBound }
            }
        }
        let unknown = candidates.filter { relation($0) == .unknown }
        let minutes = Self.skewBound / 60 / EventTimestamp.ticksPerSecond
        let shown = index.displayName(host)
        var basis: String?
        if let best = matched.min(by: { distance($0) < distance($1) }), case .same(let how) = relation(best) {
            match.attempt = best
            basis = "it names the attempt's client (\(how))"
        } else if matched.isEmpty, unknown.count == 1, let only = unknown.first {
            match.attempt = only
            basis = "the only connection \(shown) opened within ±\(minutes) min of the attempt that did not run on past it"
        } else if matched.isEmpty, anchor.isStart,
            case let sameSecond = unknown.filter({ distance($0) <= Self.sameSecond }), sameSecond.count == 1, let only = sameSecond.first
        {
            match.attempt = only
            basis = "the only connection \(shown) opened in the second the client started connecting"
        }
        if !match.identity.sources.isEmpty { match.notes.append("the attempt is identified by " + match.identity.sources.joined(separator: "; ")) }
        guard let attempt = match.attempt, let basis, let opening = connections[attempt].opening else {
            var said = "no connection on \(shown) is tied to the attempt"
            if !candidates.isEmpty {
                let others = candidates.count - matched.count - unknown.count
                said += ": \(candidates.count) connection(s) opened within ±\(minutes) min"
                if others > 0 { said += ", \(others) of other clients" }
                if unknown.count > 1 { said += ", \(unknown.count) that name no client" }
            }
            match.notes.append(said + "; the clock skew cannot be measured from a connection")
            return match
        }
        if case .same = relation(attempt) {} else {
            // What the only candidate names is the client's from here on (the connection is cited below).
            match.identity.adopt(connections[attempt].identity, from: nil)
        }
        match.notes.append("the attempt's connection on \(shown) opens with \(opening.event.locator): \(basis)")
        if !anchor.isStart, failure.disconnect == nil, !timeIsReliable {
            match.notes.append("no clock skew is measured: the report's time has no known zone")
            return match
        }
        var ticks = anchor.hostTime(of: connections[attempt]).ticks - anchor.time.ticks
        let side = anchor.isStart ? "start" : "end"
        var note = String(
            format: "clock skew: the host's clock is %+.1f s from the client's (%@ vs the %@ of the attempt's connection)",
            Double(ticks) / Double(EventTimestamp.ticksPerSecond), anchor.said, side)
        if !anchor.isStart {
            if abs(ticks) <= Self.endPrecision {
                ticks = 0
                note = "clock skew: the host's and the client's clocks agree within ±\(Self.endPrecision / EventTimestamp.ticksPerSecond) s (\(anchor.said) vs the end of the attempt's connection)"
            } else {
                note += ", to within ±\(Self.endPrecision / EventTimestamp.ticksPerSecond) s"
            }
        }
        match.skew = ClockSkew(ticks: ticks, note: note)
        return match
    }

    /// The connections that may be the attempt: opened within the skew bound of the anchor, and
    /// not a session that ran on past the failure (on the reading of the host's clock that
    /// connection implies).
    private static func candidates(_ connections: HostConnections, anchor: Anchor, failureAfterAnchor: Int64, bound: Int64) -> [Int] {
        connections.connections.indices.filter { position in
            let connection = connections[position]
            let implied = anchor.hostTime(of: connection).ticks - anchor.time.ticks
            guard abs(implied) <= bound, connection.records.contains(where: { Diagnoser.RuleName.connectionOpening.contains($0.rule) })
            else { return false }
            let failureOnHost = EventTimestamp(ticks: anchor.time.ticks + implied + failureAfterAnchor)
            return !connection.keptRunning(after: failureOnHost, slack: endSlack)
        }
    }

    /// The client's other connect records (1024) within ``namedSkewBound`` of `time`: a host
    /// connection one of them explains at an ordinary skew is never taken for this attempt at a
    /// large one.
    private func otherConnectAttempts(around time: EventTimestamp) -> [EventTimestamp] {
        guard let client = failure.connectAttempt?.machine ?? failure.disconnect?.machine else { return [] }
        let own = failure.connectAttempt?.event.origin
        return index.hits(
            [Diagnoser.RuleName.clientConnectAttempt], on: client,
            from: EventTimestamp(ticks: time.ticks - 2 * Self.namedSkewBound), to: EventTimestamp(ticks: time.ticks + 2 * Self.namedSkewBound)
        )
        .filter { $0.event.origin != own }.map(\.event.time)
    }

    /// The identity grown from the candidates that name the client: an address learned from a
    /// 4625 that names the workstation ties the RdpCoreTS records of that address, and so on.
    private static func grow(_ seed: AttemptIdentity, from candidates: [Int], in connections: HostConnections) -> AttemptIdentity {
        var identity = seed
        for _ in 0..<3 {
            var grew = false
            for position in candidates {
                let connection = connections[position]
                guard case .same = identity.relation(to: connection.identity, activityID: connection.activityID) else { continue }
                grew = identity.adopt(connection.identity, from: "the host's connection at \(connection.opening?.event.locator ?? "")") || grew
            }
            if !grew { break }
        }
        return identity
    }
}
