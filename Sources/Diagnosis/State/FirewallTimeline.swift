import EventImport

/// Follows each Windows Firewall rule by its `RuleId` to its latest state before the failure, from
/// every record of an inbound RDP rule (added, modified, deleted). A block record counts only while
/// it is still the rule's latest state (a rule disabled and re-enabled in the same instant is not
/// blocking), and only when its `RemoteAddresses` scope holds the client's address, when that is
/// known (a block scoped to a VPN pool does not explain an office client's failure). An allow rule
/// whose latest state admits only a scope that does not hold the client's address counts too.
struct FirewallTimeline {
    let index: CaseIndex

    /// The rule whose records show a firewall rule blocking inbound RDP (added, modified, disabled).
    static let blockRule = "firewall_rdp_rule_blocking"
    /// The rule whose records show every added or modified inbound RDP rule, whatever its state.
    static let changeRule = "firewall_rdp_rule_changed"
    /// The rule whose records show a Remote Desktop firewall rule deleted.
    static let deleteRule = "firewall_rdp_rule_deleted"

    /// Whether `rules` name firewall rule records this timeline follows.
    static func follows(_ rules: [String]) -> Bool { rules.contains(blockRule) || rules.contains(changeRule) }

    /// Of the `found` firewall records, those whose state is still in force at `failure` and keeps
    /// `client` out; and, for each block record no longer in force, why.
    func inForce(
        _ found: [EvidenceItem], on machine: String, failure: EventTimestamp, client: String?
    ) -> (kept: [EvidenceItem], notes: [String]) {
        var kept: [EvidenceItem] = []
        var notes: [String] = []
        for item in found {
            guard item.rule == Self.blockRule || item.rule == Self.changeRule, let hit = record(of: item, on: machine) else {
                kept.append(item)
                continue
            }
            let ruleID = hit.event.field(caseInsensitive: "RuleId") ?? ""
            let name = hit.event.field(caseInsensitive: "RuleName") ?? ruleID
            if !ruleID.isEmpty, let later = latest(ruleID, on: machine, after: hit, before: failure) {
                // A change record replaced by a later one states nothing; a replaced block is said.
                if item.rule == Self.blockRule {
                    notes.append("the firewall rule \"\(name)\" was \(Self.describe(later)) at \(later.event.time.iso8601(fractionDigits: 0)), before the failure")
                }
                continue
            }
            let scope = hit.event.field(caseInsensitive: "RemoteAddresses")
            let outside = client.flatMap { client in scope.map { FirewallScope($0).contains(client) == .outside } } ?? false
            if item.rule == Self.changeRule {
                // The latest state of an allow rule, in force: evidence only when its scope keeps the client out.
                if Self.isActiveAllow(hit), outside { kept.append(item) }
                continue
            }
            if outside, let client, let scope {
                notes.append("the firewall rule \"\(name)\" blocks only \(scope), which does not hold the client's address \(client)")
                continue
            }
            kept.append(item)
        }
        return (kept, notes)
    }

    /// What a later record of a rule made of it.
    private static func describe(_ later: CaseIndex.Hit) -> String {
        if later.rule == deleteRule { return "deleted" }
        if isActiveAllow(later) {
            let scope = later.event.field(caseInsensitive: "RemoteAddresses").map { " for \($0)" } ?? ""
            return "enabled again as an allow rule\(scope)"
        }
        return "changed again"
    }

    /// Whether a rule record shows an enabled allow rule (`Action` 3, `Active` 1).
    private static func isActiveAllow(_ hit: CaseIndex.Hit) -> Bool {
        hit.event.field(caseInsensitive: "Action") == "3" && hit.event.field(caseInsensitive: "Active") == "1"
    }

    /// The record an evidence item cites.
    private func record(of item: EvidenceItem, on machine: String) -> CaseIndex.Hit? {
        index.hits([item.rule], on: machine, from: item.time, to: item.time).first { $0.event.origin == item.origin }
    }

    /// The newest record of rule `ruleID` after `hit` and before `failure`, when it is not `hit` itself.
    private func latest(_ ruleID: String, on machine: String, after hit: CaseIndex.Hit, before failure: EventTimestamp) -> CaseIndex.Hit? {
        guard hit.event.time <= failure else { return nil }
        let records = index.hits([Self.blockRule, Self.changeRule, Self.deleteRule], on: machine, from: hit.event.time, to: failure)
            .filter { $0.event.field(caseInsensitive: "RuleId") == ruleID && Self.isLater($0, than: hit) }
        return records.max { Self.isLater($1, than: $0) }
    }

    /// Whether `a` was written after `b`: a later time; in the same instant a higher `EventRecordID`
    /// of the same log (a rule re-scoped and re-enabled in one instant is logged as records in that
    /// order, whatever order the export lists them in); else a later line of the same file.
    private static func isLater(_ a: CaseIndex.Hit, than b: CaseIndex.Hit) -> Bool {
        if a.event.time != b.event.time { return a.event.time > b.event.time }
        if let first = b.event.recordID, let second = a.event.recordID, first != second,
            a.event.channel.lowercased() == b.event.channel.lowercased()
        {
            return second > first
        }
        return a.event.origin.source == b.event.origin.source && a.event.origin.line > b.event.origin.line
    }
}
