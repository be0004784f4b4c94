import EventImport

/// Follows each Windows Firewall rule by its `RuleId` to its latest state before the failure, from
/// every record of an inbound TCP rule (added, modified, deleted), and weighs the rules together as
/// Windows does (``FirewallDecision``): the scope (`RemoteAddresses` against the client's address,
/// when known), the ports (`LocalPorts` against 3389), the profiles (`Profiles` against the
/// interfaces' latest 2010 `NewProfile`, when the log has one), direction, action and `Active`.
/// Of the firewall records a cause found, only the one that decided is evidence; every block rule
/// that does not apply is said, with why.
struct FirewallTimeline {
    let index: CaseIndex

    /// The rule whose records show a firewall rule blocking inbound RDP (added, modified, disabled).
    static let blockRule = "firewall_rdp_rule_blocking"
    /// The rule whose records show every added or modified inbound RDP rule, whatever its state.
    static let changeRule = "firewall_rdp_rule_changed"
    /// The rule whose records show a Remote Desktop firewall rule deleted.
    static let deleteRule = "firewall_rdp_rule_deleted"
    /// The rule whose records show every added or modified inbound TCP rule, whatever its ports.
    static let inboundRule = "firewall_inbound_rule_changed"
    /// The rule whose records show any firewall rule deleted.
    static let anyDeleteRule = "firewall_rule_deleted"
    /// The rule whose records show an interface's network profile changed (2010).
    static let profileRule = "firewall_network_profile_changed"

    /// The rules whose records state a rule's state, in the order a deciding record is cited by
    /// (the most specific rule that matched it).
    static let citingOrder = [blockRule, deleteRule, changeRule, inboundRule, anyDeleteRule]
    private static let deletions: Set<String> = [deleteRule, anyDeleteRule]

    /// Whether `rules` name firewall rule records this timeline follows.
    static func follows(_ rules: [String]) -> Bool { rules.contains { citingOrder.contains($0) } }

    /// Of the `found` firewall records (the few nearest the failure that an item of `rules` found in
    /// `window`), the record that decided how the firewall treated the client at `failure`, when it
    /// blocked, lies in `window` and is cited by one of `rules`: its meaning says which rule decided and why.
    /// The notes name the block rules that did not apply, each with why, or the rule that admitted
    /// the client.
    func inForce(
        _ found: [EvidenceItem], rules: [String], window: ClosedRange<EventTimestamp>, on machine: String, failure: EventTimestamp,
        client: String?
    ) -> (kept: [EvidenceItem], notes: [String]) {
        let decision = decide(on: machine, failure: failure, client: client)
        var notes = decision.notes
        if decision.outcome == .allowed, let meaning = decision.meaning { notes.append("\(meaning), which admits the client") }
        var kept = found.filter { !Self.follows([$0.rule]) }
        if decision.outcome == .blocked || decision.outcome == .defaultBlock, let decider = decision.decider,
            let meaning = decision.meaning, window.contains(decider.hit.event.time), let rule = citingRule(of: decider, on: machine),
            rules.contains(rule)
        {
            kept.append(EvidenceItem(found.first?.role ?? .supports, rule: rule, hit: decider.hit, meaning: meaning))
        }
        return (kept, notes)
    }

    /// How the firewall treated inbound TCP 3389 from `client` at `failure`.
    func decide(on machine: String, failure: EventTimestamp, client: String?) -> FirewallDecision {
        let history = states(on: machine, before: failure)
        let profile = activeProfile(on: machine, before: failure)
        var decision = FirewallDecision(outcome: .unknown, profile: profile, client: client)
        var blocks: [FirewallRuleState] = []
        var allows: [FirewallRuleState] = []
        var lostAllows: [(state: FirewallRuleState, why: String)] = []
        for ruleID in history.keys.sorted() {
            guard let states = history[ruleID], let latest = states.last else { continue }
            switch latest.applies(client: client, profile: profile) {
            case .yes:
                if latest.action == .block { blocks.append(latest) } else { allows.append(latest) }
            case .no(let why):
                let stillBlock = latest.action == .block && !latest.deleted
                if states.contains(where: { $0.action == .block && $0.coversRDP }) {
                    let now = latest.action == .allow && !latest.deleted ? "is an allow rule now" : why
                    decision.notes.append("the firewall rule \(latest.cited) does not block the client: it \(now)")
                }
                if states.contains(where: { $0.action == .allow && $0.coversRDP }) || Self.isBuiltInRDPAllow(ruleID) {
                    lostAllows.append((latest, stillBlock ? "was changed into a block rule" : why))
                }
            }
        }
        let newest: (FirewallRuleState, FirewallRuleState) -> Bool = { Self.isLater($1.hit, than: $0.hit) }
        if let block = blocks.max(by: newest) {
            decision.outcome = .blocked
            decision.decider = block
        } else if let allow = allows.max(by: newest) {
            decision.outcome = .allowed
            decision.decider = allow
        } else if let last = lostAllows.max(by: { newest($0.state, $1.state) }) {
            decision.outcome = .defaultBlock
            decision.decider = last.state
            decision.lost = last.why
        }
        decision.notes.sort()
        return decision
    }

    /// Whether `ruleID` is Windows' own Remote Desktop allow rule for TCP (`RemoteDesktop-UserMode-In-TCP`,
    /// `RemoteDesktop-In-TCP-WS` and the like): an RDP allow rule even when the log holds only a
    /// record that moved it off the port.
    private static func isBuiltInRDPAllow(_ ruleID: String) -> Bool {
        let id = ruleID.lowercased()
        return id.hasPrefix("remotedesktop-") && id.contains("in-tcp") && !id.contains("shadow")
    }

    /// Every rule's states before `failure`, oldest first, by `RuleId`.
    private func states(on machine: String, before failure: EventTimestamp) -> [String: [FirewallRuleState]] {
        let records = index.hits(Self.citingOrder, on: machine, from: EventTimestamp(ticks: .min), to: failure)
        var byRule: [String: [FirewallRuleState]] = [:]
        var seen: Set<EventOrigin> = []
        for hit in records.sorted(by: { Self.isLater($1, than: $0) }) where seen.insert(hit.event.origin).inserted {
            let state = FirewallRuleState(hit, deletion: Self.deletions.contains(hit.rule))
            guard !state.ruleID.isEmpty else { continue }
            byRule[state.ruleID, default: []].append(state)
        }
        return byRule
    }

    /// The profiles the host's interfaces were on at `failure`: each interface's latest 2010
    /// `NewProfile`, together; nil when no record says, or an interface's latest is unreadable.
    private func activeProfile(on machine: String, before failure: EventTimestamp) -> FirewallProfiles? {
        var latest: [String: CaseIndex.Hit] = [:]
        for hit in index.hits([Self.profileRule], on: machine, from: EventTimestamp(ticks: .min), to: failure) {
            let interface = hit.event.field(caseInsensitive: "InterfaceGuid") ?? ""
            if let known = latest[interface], !Self.isLater(hit, than: known) { continue }
            latest[interface] = hit
        }
        guard !latest.isEmpty else { return nil }
        var profiles: FirewallProfiles?
        for hit in latest.values {
            guard let profile = FirewallProfiles(hit.event.field(caseInsensitive: "NewProfile") ?? "") else { return nil }
            profiles = profiles.map { $0.union(profile) } ?? profile
        }
        return profiles
    }

    /// The rule a deciding record is cited by: the first of ``citingOrder`` that matched it.
    private func citingRule(of state: FirewallRuleState, on machine: String) -> String? {
        let time = state.hit.event.time
        return Self.citingOrder.first { rule in
            index.hits([rule], on: machine, from: time, to: time).contains { $0.event.origin == state.hit.event.origin }
        }
    }

    /// Whether `a` was written after `b`: a later time; in the same instant a higher `EventRecordID`
    /// of the same log (a rule re-scoped and re-enabled in one instant is logged as records in that
    /// order, whatever order the export lists them in); else a later line of the same file.
    static func isLater(_ a: CaseIndex.Hit, than b: CaseIndex.Hit) -> Bool {
        if a.event.time != b.event.time { return a.event.time > b.event.time }
        if let first = b.event.recordID, let second = a.event.recordID, first != second,
            a.event.channel.lowercased() == b.event.channel.lowercased()
        {
            return second > first
        }
        return a.event.origin.source == b.event.origin.source && a.event.origin.line > b.event.origin.line
    }
}
