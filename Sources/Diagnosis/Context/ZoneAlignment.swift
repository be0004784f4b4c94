import EventImport
import Foundation

/// Finds the UTC offset of a local report time that has no zone, from the host's connection
/// sequences.
///
/// Each candidate offset places the report on the host's clock; it is scored by the distinct
/// connections the host saw end around that moment (the dialog appears when the attempt ends, on a
/// client clock that may run minutes off), not by record counts: a connection that names the
/// attempt's client weighs most, one that failed more than one that carried a session, one from a
/// private (corporate, VPN) address more than one from the internet, and a connection that names
/// nobody least; another client's connection, or a session still running, does not count. A source
/// that opened many connections in the window is a scanner burst: it counts once, and little.
/// A span in which the host's listener could not answer (the service stopped or crashed, the host
/// asleep) explains a failure that left no connection, so it counts as much as an unnamed failed
/// connection, shared among the offsets it covers (a service stopped for days tells none apart).
struct ZoneAlignment {
    /// UTC offsets in use somewhere (whole hours, and the half and three-quarter hours some zones use).
    static let zoneOffsets: [Int] =
        Array(-12...14).map { $0 * 3600 } + [-12600, -9000, 12600, 16200, 19800, 20700, 23400, 34200, 37800]
    /// How far the client's clock may be from the host's when the report is placed.
    static let window: Int64 = 5 * 60 * EventTimestamp.ticksPerSecond
    /// How many connections one source opens in the window before it counts as a burst.
    static let burst = 10

    /// The offset chosen, and how clearly.
    struct Result {
        /// The offset, in seconds.
        var seconds: Int
        /// Its score.
        var score: Double
        /// The connections it counted.
        var sequences: Int
        /// How many of them name the attempt's client.
        var matched: Int
        /// The spans in which the listener could not answer that it counted.
        var outages: Int = 0
        /// The next best offset and its score, when another offset scores at all.
        var runnerUp: (seconds: Int, score: Double)?

        /// True when no other offset comes close (the runner-up scores under half as much).
        var isClear: Bool { (runnerUp?.score ?? 0) < score / 2 }
    }

    let index: CaseIndex

    /// The offset that best explains a local report time by `host`'s connections (every machine
    /// that is not a client when the host is not known), tied to the attempt by `identity`.
    func offset(for local: EventTimestamp, host: String?, identity: AttemptIdentity) -> Result? {
        let hosts = host.map { [$0] } ?? index.machines.filter { !index.isClient($0) }
        let reach = Int64(14 * 3600) * EventTimestamp.ticksPerSecond + Self.window
        let sequences = hosts.map {
            HostConnections(index: index, host: $0, from: EventTimestamp(ticks: local.ticks - reach), to: EventTimestamp(ticks: local.ticks + reach))
        }
        let outages = hosts.flatMap {
            HostOutages(index: index, host: $0, from: EventTimestamp(ticks: local.ticks - reach), to: EventTimestamp(ticks: local.ticks + reach)).outages
        }
        let utcOf = { (offset: Int) in EventTimestamp(ticks: local.ticks - Int64(offset) * EventTimestamp.ticksPerSecond) }
        let offsetsCovered = outages.map { outage in Self.zoneOffsets.filter { outage.distance(to: utcOf($0)) <= Self.window }.count }
        var scored: [Result] = []
        for offset in Self.zoneOffsets {
            let utc = utcOf(offset)
            var best: [String: (weight: Double, matched: Bool)] = [:]
            var opened: [String: Int] = [:]
            for connections in sequences {
                for connection in connections.connections {
                    let end = connection.end ?? connection.last
                    guard abs(end.ticks - utc.ticks) <= Self.window,
                        connection.records.contains(where: { Diagnoser.RuleName.connectionOpening.contains($0.rule) }),
                        !connection.keptRunning(after: utc, slack: Self.window)
                    else { continue }
                    let relation = identity.relation(to: connection.identity, activityID: connection.activityID)
                    if case .other = relation { continue }
                    let source = connection.identity.addresses.sorted().first ?? connection.identity.users.sorted().first ?? ""
                    opened[source, default: 0] += 1
                    var weight = 1.0 / (1 + abs(Double(end.ticks - utc.ticks)) / Double(60 * EventTimestamp.ticksPerSecond))
                    if case .same = relation { weight *= 3 } else if connection.identity.isEmpty { weight *= 0.5 }
                    if !connection.loggedOn { weight *= 2 }
                    if let address = connection.identity.addresses.sorted().first, Self.isPrivate(address) { weight *= 1.5 }
                    let matched: Bool
                    if case .same = relation { matched = true } else { matched = false }
                    if weight > best[source]?.weight ?? 0 { best[source] = (weight, matched) }
                }
            }
            var outageScore = 0.0
            var outageCount = 0
            for (outage, covered) in zip(outages, offsetsCovered) where covered > 0 {
                let distance = outage.distance(to: utc)
                guard distance <= Self.window else { continue }
                outageCount += 1
                outageScore += 1.0 / (1 + Double(distance) / Double(60 * EventTimestamp.ticksPerSecond)) / Double(covered)
            }
            guard !best.isEmpty || outageCount > 0 else { continue }
            // A burst source counts once (above), and for a quarter.
            let score = outageScore + best.reduce(0.0) { sum, entry in sum + entry.value.weight * ((opened[entry.key] ?? 0) >= Self.burst ? 0.25 : 1) }
            scored.append(
                Result(seconds: offset, score: score, sequences: best.count, matched: best.values.filter(\.matched).count, outages: outageCount, runnerUp: nil))
        }
        let ranked = scored.sorted { $0.score != $1.score ? $0.score > $1.score : abs($0.seconds) < abs($1.seconds) }
        guard var result = ranked.first else { return nil }
        result.runnerUp = ranked.dropFirst().first.map { ($0.seconds, $0.score) }
        return result
    }

    /// Private, shared (CGNAT), link-local and unique-local addresses: the ranges corporate
    /// clients, VPN pools and gateways use.
    static func isPrivate(_ address: String) -> Bool {
        let parts = address.split(separator: ".").compactMap { Int($0) }
        if parts.count == 4 {
            switch (parts[0], parts[1]) {
            case (10, _), (192, 168), (169, 254): return true
            case (172, 16...31), (100, 64...127): return true
            default: return false
            }
        }
        let lower = address.lowercased()
        return lower.hasPrefix("fc") || lower.hasPrefix("fd") || lower.hasPrefix("fe8") || lower.hasPrefix("fe9")
            || lower.hasPrefix("fea") || lower.hasPrefix("feb")
    }
}
