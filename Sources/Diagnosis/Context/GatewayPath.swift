import Correlation
import EventImport
import Foundation

/// The RD Gateway a failed attempt went through, when a gateway's own log
/// (`Microsoft-Windows-TerminalServices-Gateway/Operational`) is in the case.
///
/// Gateway records (200/201 connection authorization, 300/301 resource authorization, 302/303/304
/// the connection to the resource) carry `UserData/EventInfo` `Username` and `IpAddress`, the
/// client as the gateway saw it. They are tied to the attempt by identity, the user first: the
/// gateway often sees the client's NAT or public address, not the one a ticket names, so an
/// address that differs says less than a user name that differs.
struct GatewayPath {
    /// The gateway (normalized).
    var machine: String
    /// The gateway's 302 that connected this attempt's client to the target host, when there is one:
    /// the attempt went past the gateway, and the host sees the gateway's address, not the client's.
    var connected: CaseIndex.Hit?
    /// How the gateway was chosen, for the findings.
    var note: String

    /// The gateway rules of the pack whose records name the client.
    static let rules = [
        "rdg_cap_met", "rdg_cap_refused", "rdg_rap_met", "rdg_rap_refused", "rdg_resource_connected",
        "rdg_resource_disconnected", "rdg_resource_connect_failed",
    ]
    /// The gateway's own log, which says which leg failed.
    static let logNeed = CauseDefinition.Need(
        machine: .gateway, channel: "Microsoft-Windows-TerminalServices-Gateway/Operational",
        why: "the RD Gateway's own log says which leg failed: 200/201 (connection policy), 300/301 (resource policy), 302 connected or 304 could not connect")
    /// The gateway connected the client to the resource (302).
    static let connectedRule = "rdg_resource_connected"
    /// How far from the failure (client clock) gateway records are read: the gateway's clock is not measured.
    static let span: Int64 = 10 * 60 * EventTimestamp.ticksPerSecond

    /// How a gateway record relates to the attempt named by `identity`: by the user name when both
    /// know one; else the same address ties it, and another address tells nothing (NAT).
    static func relation(of event: WinEvent, to identity: AttemptIdentity) -> AttemptIdentity.Relation {
        let user = event.field(caseInsensitive: "Username").flatMap(RecordIdentity.user)
        if let user, !identity.client.users.isEmpty {
            return identity.client.users.contains(user) ? .same("user \(user)") : .other("user \(user)")
        }
        // Another address says little: the gateway often sees the client through NAT.
        let address = event.field(caseInsensitive: "IpAddress").flatMap(RecordIdentity.address)
        if let address, identity.client.addresses.contains(address) { return .same("address \(address)") }
        return .unknown
    }

    /// The gateway of the case for the attempt failing at `time` (client clock) named by `identity`,
    /// aimed at `host`: the gateway whose records around the failure name the client, else the only
    /// gateway in the case; nil when the case holds no gateway log.
    static func find(index: CaseIndex, identity: AttemptIdentity, time: EventTimestamp, host: String?) -> GatewayPath? {
        let gateways = index.machines.filter { index.isGateway($0) }
        guard !gateways.isEmpty else { return nil }
        let from = EventTimestamp(ticks: time.ticks - span)
        let to = EventTimestamp(ticks: time.ticks + span)
        let named = gateways.compactMap { gateway -> (String, [CaseIndex.Hit])? in
            let own = index.hits(rules, on: gateway, from: from, to: to).filter {
                if case .same = relation(of: $0.event, to: identity) { return true }
                return false
            }
            return own.isEmpty ? nil : (gateway, own)
        }
        if let (gateway, records) = named.first {
            let connected = records.filter { $0.rule == connectedRule && names(host, resource: $0.event.field(caseInsensitive: "Resource")) }
                .min { abs($0.event.time.ticks - time.ticks) < abs($1.event.time.ticks - time.ticks) }
            let note = "RD Gateway \(index.displayName(gateway)): its log holds \(records.count) record(s) of this client within ±\(span / CaseIndex.ticksPerMinute) min of the failure"
            return GatewayPath(machine: gateway, connected: connected, note: note)
        }
        guard gateways.count == 1, let only = gateways.first else { return nil }
        return GatewayPath(
            machine: only, connected: nil,
            note: "RD Gateway \(index.displayName(only)): the only gateway whose log is in the case; none of its records within ±\(span / CaseIndex.ticksPerMinute) min of the failure names this client")
    }

    /// Whether a gateway record's `Resource` (a name, an FQDN or an address) is `host`; any
    /// resource when the host is not known.
    private static func names(_ host: String?, resource: String?) -> Bool {
        guard let host else { return true }
        guard let resource, !resource.isEmpty else { return false }
        return HostName.normalized(resource) == host
    }

    /// An RD Gateway a ticket or report names ("connects through the RD Gateway rdgw.corp.example";
    /// "RD", "RDS", "TS" or "Remote Desktop" before "Gateway", so not a VPN or default gateway):
    /// the name when one follows the word, and where it was read.
    struct Named: Equatable {
        /// The gateway's host name as written (letters, digits, `-` and `.` only), or nil.
        var name: String?
        /// The document and line.
        var source: String
        var line: Int

        /// How the findings name it.
        var display: String { name.map { "the RD Gateway \($0)" } ?? "an RD Gateway" }
    }

    /// The first line of `documents` that says the connection goes through an RD Gateway.
    static func named(in documents: [TextDocument]) -> Named? {
        for document in documents {
            for (number, line) in document.text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
                let text = String(line.prefix(1000))
                // "RD Gateway", "RDS Gateway", "TS Gateway", "Remote Desktop Gateway" (not a VPN or default gateway).
                guard let word = text.range(of: #"(?i)\b(rds?|ts|remote ?desktop)[ -]?gateway\b"#, options: .regularExpression) else { continue }
                let after = text[word.upperBound...]
                let name = after.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," || $0 == ";" || $0 == "(" || $0 == ")" || $0 == ":" })
                    .first { token in
                        token.contains(".") && token.count <= 253 && token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }
                            && token.first?.isLetter == true
                    }
                    .map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: ".")) }
                return Named(name: name, source: document.source, line: number + 1)
            }
        }
        return nil
    }
}
