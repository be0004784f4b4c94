import EventImport

/// How far a failed attempt got on the host, as its records show: the fact a cause's
/// ``CauseDefinition/Precondition`` is checked against.
enum AttemptReach: Equatable {
    /// The host's RDP stack logs cover the failure and hold no connection that could be the attempt.
    case notReached
    /// The attempt's own connection is in the host's RDP stack records.
    case reachedStack
    /// The attempt's connection went through the security layer to authentication (NLA, logon).
    case pastSecurity
    /// The host's records cannot tell.
    case unknown

    /// The window around the failure (host clock) in which the attempt's connection opens.
    static let window: (before: Int64, after: Int64) = (3 * CaseIndex.ticksPerMinute, CaseIndex.ticksPerMinute)
    /// The channels whose silence shows that no connection reached the stack.
    static let stackChannels = [
        "Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational",
        "Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational",
    ]
    /// Records written once a connection passed TLS into authentication.
    static let authentication: Set<String> = [
        "rdp_user_authenticated", "rdp_logon_success", "rdp_session_logon", "rdp_session_reconnected", "rdp_shell_start",
        "logon_failure_credentials", "logon_failure_rights", "logon_failure_infrastructure", "rdp_nla_bad_credentials",
    ]
    /// Connection records that are not the stack's own (a packet the Filtering Platform dropped).
    static let beforeStack: Set<String> = ["wfp_rdp_blocked"]

    /// How far the attempt in `context` got, from `index`.
    init(context: AttemptContext, index: CaseIndex, coverageSlack: Int64) {
        let connections = context.connections
        if let attempt = context.attempt {
            let rules = Set(connections[attempt].records.map(\.rule))
            if !rules.isDisjoint(with: Self.authentication) {
                self = .pastSecurity
                return
            }
            if !rules.subtracting(Self.beforeStack).isEmpty {
                self = .reachedStack
                return
            }
        }
        guard let host = context.hostMachine else {
            self = .unknown
            return
        }
        let failure = context.hostTime
        let from = EventTimestamp(ticks: failure.ticks - Self.window.before)
        let to = EventTimestamp(ticks: failure.ticks + Self.window.after)
        let covered = Self.stackChannels.contains { index.covers($0, on: host, from: from, through: failure, slack: coverageSlack) }
        guard covered else {
            self = .unknown
            return
        }
        // A stack connection in the window that names nobody (or this client) may be the attempt.
        let maybe = connections.opened(from: from, to: to).contains { position in
            let connection = connections[position]
            guard !Set(connection.records.map(\.rule)).subtracting(Self.beforeStack).isEmpty else { return false }
            if connection.keptRunning(after: failure, slack: AttemptMatcher.endSlack) { return false }
            if case .other = context.identity.relation(to: connection.identity, activityID: connection.activityID) { return false }
            return true
        }
        self = maybe ? .unknown : .notReached
    }

    /// Why `precondition` does not hold for an attempt that got this far; nil when it may hold.
    func contradiction(of precondition: CauseDefinition.Precondition, host: String) -> String? {
        switch (precondition, self) {
        case (.reachedStack, .notReached):
            "the cause needs the attempt to have reached the RDP stack, and the RCM and RdpCoreTS logs of \(host) hold no connection that could be it"
        case (.notPastSecurity, .pastSecurity):
            "the cause needs the attempt to have been stopped before the security layer, and \(host) processed its authentication"
        default:
            nil
        }
    }
}
