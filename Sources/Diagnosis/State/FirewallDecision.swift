/// How the host's firewall treated inbound Remote Desktop (TCP 3389) from the client at the failure,
/// weighed as Windows weighs its rules: an enabled inbound block rule that covers the port, the
/// active profile and the client's address wins over every allow rule; otherwise an enabled allow
/// rule that covers them admits the connection; with none, the default inbound action blocks it.
/// Only rules the Firewall log shows are weighed: a rule never changed while the log ran is not in it.
struct FirewallDecision {
    /// What decided.
    enum Outcome: Equatable {
        /// An enabled block rule applies (``FirewallDecision/decider`` is its latest state).
        case blocked
        /// No block rule applies and an enabled allow rule does.
        case allowed
        /// An allow rule once admitted RDP, but none applies any more: the default inbound action
        /// blocks (``FirewallDecision/decider`` is the latest state of the allow rule changed last).
        case defaultBlock
        /// The log shows no rule that applies, and no allow rule that once did.
        case unknown
    }

    var outcome: Outcome
    /// The rule state that decided (nil for ``Outcome/unknown``).
    var decider: FirewallRuleState?
    /// Why the decider's rule no longer admits the client (``Outcome/defaultBlock`` only).
    var lost: String?
    /// The profiles the host's interfaces were on (nil: no 2010 record says).
    var profile: FirewallProfiles?
    /// The client's address, when known.
    var client: String?
    /// Block rules the log shows that do not apply to this attempt, each with why.
    var notes: [String] = []

    /// The sentence the deciding record is cited with.
    var meaning: String? {
        guard let decider else { return nil }
        switch outcome {
        case .blocked:
            var text = "the firewall rule \(decider.cited) blocks inbound TCP \(FirewallRuleState.rdpPort)"
            if decider.scope != "*", !decider.scope.isEmpty {
                text += " from \(decider.scope)" + (client.map { ", which holds the client's address \($0)" } ?? "")
            }
            text += profileClause(decider)
            return text + ": an enabled block rule wins over every allow rule"
        case .defaultBlock:
            return "no enabled firewall rule the Firewall log shows admits inbound TCP \(FirewallRuleState.rdpPort)"
                + (client.map { " from \($0)" } ?? "") + " any more, so the default inbound action blocks it: the allow rule "
                + "\(decider.cited) \(lost ?? "no longer applies")"
        case .allowed:
            return "the firewall rule \(decider.cited) admits inbound TCP \(FirewallRuleState.rdpPort)" + profileClause(decider)
        case .unknown:
            return nil
        }
    }

    /// " on the Domain profile", and whether the host's active profile is known, for a rule that
    /// does not apply to every profile.
    private func profileClause(_ state: FirewallRuleState) -> String {
        guard let profiles = state.profiles, profiles != .all else { return "" }
        guard let profile else {
            return " on the \(profiles.names) profile (the host's active network profile is not in its Firewall log: the rule is taken to apply)"
        }
        return profiles == profile
            ? " on the \(profiles.names) profile, which the host was on"
            : " on the \(profiles.names) profile; the host was on the \(profile.names) profile"
    }
}
