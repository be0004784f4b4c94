import EventImport

/// Follows each Windows Firewall rule by its `RuleId` to its latest state before the failure: a
/// block record counts only while it is still the rule's latest state (not replaced by a later
/// record of the same rule, not deleted), and only when its `RemoteAddresses` scope holds the
/// client's address, when that is known (a block scoped to a VPN pool does not explain an office
/// client's failure).
struct FirewallTimeline {
    let index: CaseIndex

    /// The rule whose records show a firewall rule blocking inbound RDP (added, modified, disabled).
    static let blockRule = "firewall_rdp_rule_blocking"
    /// The rule whose records show a Remote Desktop firewall rule deleted.
    static let deleteRule = "firewall_rdp_rule_deleted"

    /// Whether `rules` name firewall rule records this timeline follows.
    static func follows(_ rules: [String]) -> Bool { rules.contains(blockRule) }

    /// Of the `found` block records, those still in force at `failure` for `client`; and why each other one is not.
    func inForce(
        _ found: [EvidenceItem], on machine: String, failure: EventTimestamp, client: String?
    ) -> (kept: [EvidenceItem], notes: [String]) {
        var kept: [EvidenceItem] = []
        var notes: [String] = []
        for item in found {
            guard item.rule == Self.blockRule, let hit = record(of: item, on: machine) else {
                kept.append(item)
                continue
            }
            let ruleID = hit.event.field(caseInsensitive: "RuleId") ?? ""
            let name = hit.event.field(caseInsensitive: "RuleName") ?? ruleID
            if !ruleID.isEmpty, let later = latest(ruleID, on: machine, after: hit, before: failure) {
                let what = later.rule == Self.deleteRule ? "deleted" : "changed again"
                notes.append("the firewall rule \"\(name)\" was \(what) at \(later.event.time.iso8601(fractionDigits: 0)), before the failure")
                continue
            }
            if let client, let scope = hit.event.field(caseInsensitive: "RemoteAddresses"),
                FirewallScope(scope).contains(client) == .outside
            {
                notes.append("the firewall rule \"\(name)\" blocks only \(scope), which does not hold the client's address \(client)")
                continue
            }
            kept.append(item)
        }
        return (kept, notes)
    }

    /// The record an evidence item cites.
    private func record(of item: EvidenceItem, on machine: String) -> CaseIndex.Hit? {
        index.hits([item.rule], on: machine, from: item.time, to: item.time).first { $0.event.origin == item.origin }
    }

    /// The newest record of rule `ruleID` after `hit` and before `failure`, when it is not `hit` itself.
    private func latest(_ ruleID: String, on machine: String, after hit: CaseIndex.Hit, before failure: EventTimestamp) -> CaseIndex.Hit? {
        guard hit.event.time <= failure else { return nil }
        let records = index.hits([Self.blockRule, Self.deleteRule], on: machine, from: hit.event.time, to: failure)
            .filter { $0.event.field(caseInsensitive: "RuleId") == ruleID && Self.isLater($0, than: hit) }
        return records.max { Self.isLater($1, than: $0) }
    }

    /// Whether `a` was written after `b`: a later time, or in the same instant a later line of the same file
    /// (a rule re-scoped and re-enabled in one instant is logged as records in that order).
    private static func isLater(_ a: CaseIndex.Hit, than b: CaseIndex.Hit) -> Bool {
        if a.event.time != b.event.time { return a.event.time > b.event.time }
        return a.event.origin.source == b.event.origin.source && a.event.origin.line > b.event.origin.line
    }
}
