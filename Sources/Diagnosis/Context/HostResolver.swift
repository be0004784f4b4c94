import Correlation
import EventImport

/// Decides which host a failed attempt was aimed at, from what names it — most direct first:
/// `--host`, the name or address the client used, the ticket line that goes with the report, the
/// ticket's labelled targets, other machine names in the ticket, the only host with logs. A
/// target known only by its address is mapped to the machine whose records carry that address.
/// When the ticket names several hosts with logs and nothing more direct decides, they are
/// ranked by the traces of an attempt at the failure's time. A named target without logs keeps
/// its name.
struct HostResolver {
    /// What was decided.
    struct Decision {
        /// The host whose logs are in the case.
        var machine: String?
        /// The host as shown.
        var display: String?
        /// Hosts with logs still to rank by the failure's time (several named, none more direct).
        var toRank: [(machine: String, why: String)] = []
    }

    let index: CaseIndex
    let hints: TicketHints
    let options: DiagnosisOptions
    let addresses: MachineAddresses

    /// The host `failure` was aimed at, as far as names decide; `line` is the ticket line that goes with it.
    func decide(_ failure: FailedAttempt, line: TicketHints.Line?, client: String?, notes: inout [String]) -> Decision {
        let clientNames = Set(hints.clients.map { HostName.normalized($0.value) } + hints.clientAddresses.map(\.value) + [client].compactMap { $0 })
        var direct: [(String, String)] = [
            options.host.map { ($0, "given with --host") }, failure.target.map { ($0, "the server name the client used") },
            failure.serverAddress.map { ($0, "the server address the client used") },
        ].compactMap { $0 }
        if let line { direct += line.targets.map { ($0, "named for this failure on line \(line.number) of \(line.source)") } }
        for (name, why) in direct {
            if let (machine, how) = resolve(name, client: client) {
                notes.append("host \(index.displayName(machine)): \(why) (\(name)\(how))")
                return Decision(machine: machine, display: index.displayName(machine))
            }
        }
        if let line, let kept = targetWithoutLogs(line, client: client) {
            notes.append(
                "host \(kept) has no logs in this case: named for this failure on line \(line.number) of \(line.source), and every host with logs is named on another line")
            return Decision(machine: nil, display: kept)
        }
        // A failure whose own ticket line names its target is never given the machines other lines
        // name: those are the other failures' hosts and clients.
        let own = line.flatMap { $0.targets.isEmpty ? nil : $0 }
        let elsewhere = own.map { own in Set(hints.lines.filter { $0 != own }.flatMap { $0.targets + $0.clients }.map(HostName.normalized)) } ?? []
        let labelled = hints.targets.filter { mention in own.map { mention.source == $0.source && mention.line == $0.number } ?? true }
            .map { ($0.value, "named as the target in \($0.source), line \($0.line)") }
        let other = hints.names.filter { !clientNames.contains(HostName.normalized($0.name)) && !elsewhere.contains(HostName.normalized($0.name)) }
            .map { ($0.name, "named in \($0.source)") }
        var resolved: [(machine: String, why: String)] = []
        for (name, why) in labelled.isEmpty ? other : labelled {
            guard let (machine, how) = resolve(name, client: client), !resolved.contains(where: { $0.machine == machine }) else { continue }
            resolved.append((machine, "\(why) (\(name)\(how))"))
        }
        if resolved.count == 1, let only = resolved.first {
            notes.append("host \(index.displayName(only.machine)): \(only.why)")
            return Decision(machine: only.machine, display: index.displayName(only.machine))
        }
        if resolved.count > 1 { return Decision(machine: nil, display: nil, toRank: resolved) }
        let hosts = index.machines.filter { (index.isHost($0) || !index.isClient($0)) && !index.isGateway($0) && $0 != client }
        if hosts.count == 1, let only = hosts.first {
            let named = failure.target ?? failure.serverAddress
            notes.append(
                "host \(index.displayName(only)): the only other machine whose logs are in the case" + (named.map { " (the client connected to \($0))" } ?? ""))
            return Decision(machine: only, display: index.displayName(only))
        }
        // A named target without logs keeps its name (the export commands are addressed to it).
        let shown = (direct + labelled + other).map(\.0).first { !clientNames.contains(HostName.normalized($0)) }
        if let shown {
            notes.append("host \(shown) has no logs in this case")
        } else {
            notes.append("the target host is unknown: give it with --host")
        }
        return Decision(machine: nil, display: shown)
    }

    /// The target `line` names for its failure when it has no logs and each host with logs is the
    /// target of another ticket line (another user's failure): then it is not one of them.
    private func targetWithoutLogs(_ line: TicketHints.Line, client: String?) -> String? {
        guard let target = line.targets.first, line.targets.allSatisfy({ resolve($0, client: client) == nil }) else { return nil }
        let hosts = index.machines.filter { (index.isHost($0) || !index.isClient($0)) && !index.isGateway($0) && $0 != client }
        let claimed = Set(
            hints.lines.filter { $0 != line }.flatMap { other in other.targets.compactMap { resolve($0, client: client)?.0 } })
        guard !hosts.isEmpty, hosts.allSatisfy(claimed.contains) else { return nil }
        return target
    }

    /// The machine `name` names (its name, or an address its records carry), and how it was mapped.
    private func resolve(_ name: String, client: String?) -> (String, String)? {
        let normalized = HostName.normalized(name)
        if normalized != client, index.coverage[normalized] != nil { return (normalized, "") }
        if let (machine, record) = addresses.machine(for: name), machine != client {
            return (machine, "; \(index.displayName(machine))'s records carry that address, \(record.event.locator)")
        }
        return nil
    }

    /// Ranks hosts by the traces of an attempt at `time` (UTC, client clock): a connection that
    /// names the client counts most, one that ended near the time and names nobody less; other
    /// clients' connections and running sessions not at all.
    func rank(_ candidates: [(machine: String, why: String)], at time: EventTimestamp, identity: AttemptIdentity, notes: inout [String]) -> String? {
        let span = AttemptMatcher.skewBound
        var scores: [(machine: String, why: String, score: Double)] = []
        for candidate in candidates {
            let connections = HostConnections(
                index: index, host: candidate.machine, from: EventTimestamp(ticks: time.ticks - span), to: EventTimestamp(ticks: time.ticks + span))
            var score = 0.0
            for connection in connections.connections where !connection.keptRunning(after: time, slack: AttemptMatcher.endSlack) {
                let end = connection.end ?? connection.last
                guard abs(end.ticks - time.ticks) <= ZoneAlignment.window else { continue }
                switch identity.relation(to: connection.identity, activityID: connection.activityID) {
                case .same: score = max(score, 3)
                case .unknown: score = max(score, connection.loggedOn ? 0.5 : 1)
                case .other: continue
                }
            }
            scores.append((candidate.machine, candidate.why, score))
        }
        guard let best = scores.enumerated().max(by: { $0.element.score != $1.element.score ? $0.element.score < $1.element.score : $0.offset > $1.offset })?.element
        else { return nil }
        let others = scores.filter { $0.machine != best.machine }.map { "\(index.displayName($0.machine)) \(String(describing: $0.score))" }
        notes.append(
            "host \(index.displayName(best.machine)): \(best.why); of the \(scores.count) hosts the ticket names, its logs show the strongest trace of an attempt at the failure's time (score \(best.score); \(others.joined(separator: ", ")))")
        return best.machine
    }
}
