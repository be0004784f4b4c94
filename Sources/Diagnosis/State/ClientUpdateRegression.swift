import Foundation
import EventImport

/// Whether an update the client installed started its failures: a client update regression.
///
/// Windows Update writes WindowsUpdateClient 19 ("Installation Successful: Windows successfully
/// installed the following update: …") to the client's System log. An update is taken as the
/// start of the failures only when the whole story holds:
/// - it was installed before the failure, at most ``CauseDefinition/Regression/within`` before the
///   client's first failure after it (the client's own RDPClient 1026 records with an error reason,
///   else the failure itself);
/// - the client did not fail in the same span before it (a failure that predates the update
///   breaks the story, and the findings say so);
/// - the host logs another client (another address, workstation or user; never its console) whose
///   session succeeded after the update, up to an hour past the failure: the host is fine for others.
///
/// Then the item counts with the regression's weight. An update that holds but no other client is
/// seen succeeding counts with the item's own weight only (the update alone shows nothing about
/// the host), and an update installed after the failure, long before the failures began or after
/// an earlier failure is no evidence at all; each is said.
struct ClientUpdateRegression {
    /// What the check makes of the updates an item found.
    struct Outcome {
        /// The records that count: the updates that precede the failures, and, when the story
        /// holds, the other client's session that shows the host working after the update.
        var found: [EvidenceItem] = []
        /// The weight to count with: the regression's when the story holds, else nil (the item's own).
        var weight: Double?
        /// Why an update found is not evidence, or only weak evidence.
        var notes: [String] = []
    }

    let index: CaseIndex
    let context: AttemptContext

    /// How long after the failure (host clock) another client's session still shows the host working.
    static let othersAfterFailure: Int64 = 3600 * EventTimestamp.ticksPerSecond

    /// The updates among `found` that may have started the client's failures, and whether other
    /// clients still connect to the host after them.
    func weigh(_ item: CauseDefinition.Evidence, _ regression: CauseDefinition.Regression, found: [EvidenceItem]) -> Outcome {
        var outcome = Outcome()
        guard let client = context.clientMachine else { return outcome }
        let failure = context.time
        let updates = found.compactMap { item in record(of: item, on: client).map { (item: item, hit: $0) } }
            .sorted { $0.item.time < $1.item.time }
        guard let earliest = updates.first?.item.time else { return outcome }
        let failures = clientFailures(on: client, from: EventTimestamp(ticks: earliest.ticks - regression.within), to: failure)
        var qualifying: [(item: EvidenceItem, title: String, first: EventTimestamp)] = []
        for (update, hit) in updates {
            let title = Self.title(of: hit)
            let installed = update.time.iso8601(fractionDigits: 0)
            if update.time > failure {
                outcome.notes.append("\(title) was installed on the client at \(installed), after the failure, so it did not cause it")
                continue
            }
            if let earlier = failures.last(where: { $0.time < update.time && $0.time.ticks >= update.time.ticks - regression.within }) {
                outcome.notes.append(
                    "the client already failed at \(earlier.time.iso8601(fractionDigits: 0)) (reason \(earlier.code)), before \(title) was installed at \(installed), so the failures did not begin with it")
                continue
            }
            let first = failures.first(where: { $0.time >= update.time })?.time ?? failure
            if first.ticks - update.time.ticks > regression.within {
                outcome.notes.append(
                    "\(title) was installed at \(installed), \(Self.days(first.ticks - update.time.ticks)) before the client's first failure after it (\(first.iso8601(fractionDigits: 0))), more than \(Self.days(regression.within)): not taken as the start of the failures")
                continue
            }
            qualifying.append((update, title, first))
        }
        guard let oldest = qualifying.first else { return outcome }
        let hostName = context.hostDisplay ?? "the host"
        let other = otherClientSession(regression.others, after: oldest.item.time)
        for update in qualifying {
            var cited = update.item
            let since = "the client's failures began after it (first at \(update.first.iso8601(fractionDigits: 0)))"
            if other != nil {
                cited.meaning += "; \(since) while other clients still connect to \(hostName)"
                if let kb = Self.knowledgeBase(in: update.title) { cited.meaning += " (to test: `wusa /uninstall /kb:\(kb)`)" }
            } else {
                cited.meaning += "; \(since), but no other client's session on \(hostName) is logged after it, so the update alone does not show that the client is at fault"
            }
            outcome.found.append(cited)
        }
        if let other {
            outcome.found.append(other)
            outcome.weight = regression.weight
        }
        return outcome
    }

    /// One failure of the client in its own log.
    private struct ClientFailure {
        var time: EventTimestamp
        var code: UInt32
    }

    /// The client's own failures (RDPClient 1026 with an error reason) in `from`…`to`, oldest first.
    private func clientFailures(on client: String, from: EventTimestamp, to: EventTimestamp) -> [ClientFailure] {
        index.hits([Diagnoser.RuleName.clientDisconnect], on: client, from: from, to: to).compactMap { hit in
            guard let code = hit.event.field(caseInsensitive: "Value").flatMap({ UInt32($0) }), DisconnectCodes.isError(code) else { return nil }
            return ClientFailure(time: hit.event.time, code: code)
        }
    }

    /// The first session of another client (another address, workstation or user, never the host's
    /// console) that succeeded on the host after `update` (client clock) and up to an hour past the
    /// failure, cited; nil when the host's logs show none or are not in the case.
    private func otherClientSession(_ rules: [String], after update: EventTimestamp) -> EvidenceItem? {
        guard let host = context.hostMachine else { return nil }
        let from = EventTimestamp(ticks: update.ticks + context.skew)
        let to = EventTimestamp(ticks: context.hostTime.ticks + Self.othersAfterFailure)
        guard from < to else { return nil }
        let connections = context.connections
        for hit in index.hits(rules, on: host, from: from, to: to) {
            let position = connections.connection(of: hit)
            let identity = position.map { connections[$0].identity } ?? RecordIdentity(event: hit.event, host: host)
            let activity = position.map { connections[$0].activityID } ?? hit.event.activityID
            guard !identity.isConsole, case .other = context.identity.relation(to: identity, activityID: activity) else { continue }
            let who = Self.describe(identity)
            return EvidenceItem(
                .supports, rule: hit.rule, hit: hit,
                meaning: "another client's session succeeded on \(index.displayName(host)) after the update: \(who) at \(hit.event.time.iso8601(fractionDigits: 0)) (\(hit.event.channel) \(hit.event.eventID))")
        }
        return nil
    }

    /// The record an evidence item cites.
    private func record(of item: EvidenceItem, on machine: String) -> CaseIndex.Hit? {
        index.hits([item.rule], on: machine, from: item.time, to: item.time).first { $0.event.origin == item.origin }
    }

    /// The update's title as the record gives it, quoted, or its record when it has none.
    static func title(of hit: CaseIndex.Hit) -> String {
        let title = hit.event.field(caseInsensitive: "updateTitle")?.trimmingCharacters(in: .whitespaces) ?? ""
        return title.isEmpty ? "the update of \(hit.event.locator)" : "\"\(title)\""
    }

    /// The number of the first `KB` article a title names (`KB5066835` → `5066835`).
    static func knowledgeBase(in title: String) -> String? {
        var rest = Substring(title)
        while let range = rest.range(of: "KB") {
            let digits = rest[range.upperBound...].prefix { $0.isASCII && $0.isNumber }
            if (6...8).contains(digits.count) { return String(digits) }
            rest = rest[range.upperBound...]
        }
        return nil
    }

    /// Who a record names, for the findings: user, address and workstation, as far as it says.
    private static func describe(_ identity: RecordIdentity) -> String {
        var parts: [String] = []
        if let user = identity.users.sorted().first { parts.append(user) }
        if let address = identity.addresses.sorted().first { parts.append("from \(address)") }
        if let workstation = identity.workstations.sorted().first { parts.append("on \(workstation)") }
        return parts.isEmpty ? "a client" : parts.joined(separator: " ")
    }

    /// `n days` (or hours below a day) for a span in ticks.
    private static func days(_ ticks: Int64) -> String {
        let hours = ticks / (3600 * EventTimestamp.ticksPerSecond)
        if hours < 48 { return hours == 1 ? "1 hour" : "\(hours) hours" }
        return "\(hours / 24) days"
    }
}
