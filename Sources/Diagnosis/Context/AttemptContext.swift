import EventImport

/// Where and when a failed attempt happened, as the diagnosis decided it: the machines, the
/// failure time in UTC on the client's clock, the clock skew to the host, and how each was decided.
struct AttemptContext {
    /// The failure time, UTC, on the client's clock.
    var time: EventTimestamp
    /// The host (normalized) whose logs are in the case, when known.
    var hostMachine: String?
    /// The host as shown in the findings (also when it has no logs).
    var hostDisplay: String?
    /// The client (normalized) whose logs are in the case, when known.
    var clientMachine: String?
    /// The client as shown in the findings.
    var clientDisplay: String?
    /// The RD Gateway (normalized) the attempt went through, when its log is in the case.
    var gatewayMachine: String? = nil
    /// The gateway as shown in the findings.
    var gatewayDisplay: String? = nil
    /// An RD Gateway a ticket or report names while no gateway log is in the case.
    var namedGateway: GatewayPath.Named? = nil
    /// The client's IP address as the host saw it.
    var clientAddress: String?
    /// Host clock minus client clock, in ticks (0 when unknown).
    var skew: Int64
    /// Whether ``skew`` was measured.
    var skewKnown: Bool
    /// The failure's primary disconnect code.
    var code: UInt32
    /// Everything that names the attempt.
    var identity = AttemptIdentity()
    /// The host's connections around the failure.
    var connections = HostConnections()
    /// The host connection that was the attempt, when one is.
    var attempt: Int?
    /// How far the failure time can be trusted: 1 for a UTC time or a stated zone, less when the
    /// zone was inferred (cause confidences are scaled by it).
    var timeConfidence = 1.0
    /// How each of these was decided.
    var notes: [String]

    /// The failure time on the host's clock.
    var hostTime: EventTimestamp { EventTimestamp(ticks: time.ticks + skew) }

    /// The failure time on `machine`'s clock (the gateway's clock is not measured: the client's is used).
    func time(on machine: CauseDefinition.Machine) -> EventTimestamp { machine == .host ? hostTime : time }

    /// The machine (normalized) of that side, when its logs are in the case.
    func machine(_ side: CauseDefinition.Machine) -> String? {
        switch side {
        case .host: hostMachine
        case .client: clientMachine
        case .gateway: gatewayMachine
        }
    }

    /// The name shown for that side.
    func display(_ side: CauseDefinition.Machine) -> String? {
        switch side {
        case .host: hostDisplay
        case .client: clientDisplay
        case .gateway: gatewayDisplay
        }
    }
}
