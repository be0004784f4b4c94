import EventImport

/// One Windows Firewall rule as one record leaves it (an add or modify record, or a delete), and
/// whether that state bears on inbound Remote Desktop (TCP 3389) from a client.
struct FirewallRuleState {
    /// What a rule does to the traffic it matches.
    enum Action: Equatable {
        case allow, block, other
    }

    /// Whether a state applies to an attempt: it does (or may: an unknown profile, client address or
    /// port text is taken to apply), or it does not, and why.
    enum Applies: Equatable {
        case yes
        case no(because: String)
    }

    /// The Remote Desktop port.
    static let rdpPort: UInt16 = 3389

    /// The record that states it.
    let hit: CaseIndex.Hit
    let ruleID: String
    let name: String
    /// True for a deletion record (2006/2052): the rule is gone.
    let deleted: Bool
    let action: Action
    let active: Bool
    let inbound: Bool
    let ports: FirewallPorts
    let scope: String
    /// The profiles the rule is for; nil when the record does not say.
    let profiles: FirewallProfiles?
    /// Whether the rule is bound to a program or service other than the Remote Desktop service, or is
    /// an any-protocol, any-port, any-address rule: the real logs show those only for app packages
    /// (`@{Microsoft.…}` AppContainer rules) and service restrictions, whose package or service the
    /// record does not always name; no administrator's rule for RDP looks like that.
    let boundElsewhere: Bool
    /// Whether its protocol is TCP or any protocol.
    let tcp: Bool

    /// The state `hit` states; `deletion` for a deletion record.
    init(_ hit: CaseIndex.Hit, deletion: Bool) {
        let event = hit.event
        self.hit = hit
        ruleID = event.field(caseInsensitive: "RuleId") ?? ""
        name = event.field(caseInsensitive: "RuleName") ?? ruleID
        deleted = deletion
        switch event.field(caseInsensitive: "Action") {
        case "3": action = .allow
        case "2": action = .block
        default: action = .other
        }
        active = event.field(caseInsensitive: "Active") == "1"
        inbound = event.field(caseInsensitive: "Direction") == "1"
        let protocolNumber = event.field(caseInsensitive: "Protocol")
        tcp = protocolNumber == "6" || protocolNumber == "256"
        ports = FirewallPorts(event.field(caseInsensitive: "LocalPorts") ?? "")
        scope = event.field(caseInsensitive: "RemoteAddresses") ?? "*"
        profiles = event.field(caseInsensitive: "Profiles").flatMap(FirewallProfiles.init)
        let service = (event.field(caseInsensitive: "ServiceName") ?? "").lowercased()
        let program = (event.field(caseInsensitive: "ApplicationPath") ?? "").lowercased()
        let serviceElsewhere = !service.isEmpty && service != "*" && service != "termservice"
        let programElsewhere = !program.isEmpty && program != "system" && !program.hasSuffix("\\svchost.exe")
        let everything = protocolNumber == "256" && ports.isEverything && FirewallScope(scope).isEverything
        boundElsewhere = serviceElsewhere || programElsewhere || everything
    }

    /// The record's time, as the evidence writes it.
    var time: String { hit.event.time.iso8601(fractionDigits: 0) }

    /// "Name" (RuleId …, 2026-…Z): the rule and the record, as a support engineer looks them up.
    var cited: String {
        let id = ruleID.isEmpty || ruleID == name ? "" : "RuleId \(ruleID), "
        return "\"\(name)\" (\(id)\(time))"
    }

    /// Whether this state lets the rule act on inbound TCP 3389 from `client` on a host whose active
    /// profiles are `profile` (either may be unknown: then the rule is taken to apply).
    func applies(client: String?, profile: FirewallProfiles?) -> Applies {
        if deleted { return .no(because: "was deleted") }
        guard inbound, tcp, action != .other else { return .no(because: "does not act on inbound TCP") }
        if !active { return .no(because: "is disabled") }
        if boundElsewhere { return .no(because: "applies only to another program or service") }
        if ports.covers(Self.rdpPort) == .notCovered {
            return .no(because: "covers local port(s) \(ports.text.isEmpty ? "none" : ports.text), not \(Self.rdpPort)")
        }
        if let profiles, let profile, !profiles.overlaps(profile) {
            return .no(because: "applies only on the \(profiles.names) profile, and the host was on the \(profile.names) profile")
        }
        if let client, FirewallScope(scope).contains(client) == .outside {
            let verb = action == .block ? "blocks" : "admits"
            return .no(because: "\(verb) only \(scope), which does not hold the client's address \(client)")
        }
        return .yes
    }

    /// Whether this state covers inbound TCP 3389 as an enabled allow or block rule, whatever the
    /// client and profile: the rule took part in deciding RDP.
    var coversRDP: Bool {
        !deleted && inbound && tcp && active && action != .other && !boundElsewhere && ports.covers(Self.rdpPort) != .notCovered
    }
}
