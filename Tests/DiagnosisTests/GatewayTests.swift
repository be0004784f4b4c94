import Diagnosis
import EventImport
import Foundation
import Testing

/// An RD Gateway in the path (issue 15, section 6): which leg failed. Gateway records have the shape
/// of the real 200/300/302/303 records (hayabusa-sample-evtx "ID302 RDS Gateway Logon Logoff.evtx"):
/// `UserData/EventInfo xmlns='aag'` with Username, IpAddress (the client as the gateway saw it),
/// AuthType, Resource, ConnectionProtocol and ErrorCode.
@Suite("RD Gateway legs")
struct GatewayTests {
    typealias Case = EvidenceAtAttemptTests

    static let gateway = "RDGW-01.corp.example"
    static let gatewayAddress = "10.20.1.5"
    /// The client's address as the gateway sees it (NAT): not the one the ticket names.
    static let publicAddress = "198.51.100.74"
    static let gatewayChannel = "Microsoft-Windows-TerminalServices-Gateway/Operational"

    /// One gateway record for `user`, `offset` seconds from the failure.
    static func record(
        _ id: UInt32, _ offset: Double, user: String = "CORP\\alice", resource: String = "", error: String = "0", level: Int = 4
    ) -> String {
        let time = Make.at(Case.failure, offset)
        let fields = [
            ("Username", user), ("IpAddress", publicAddress), ("AuthType", id == 200 || id == 201 ? "NTLM" : ""),
            ("Resource", resource), ("ConnectionProtocol", "HTTP"), ("ErrorCode", error),
        ]
        let info = fields.map { "<\($0.0)>\($0.1)</\($0.0)>" }.joined()
        return "<Event xmlns='\(Make.ns)'><System><Provider Name='Microsoft-Windows-TerminalServices-Gateway' Guid='{4d5ae6a1-c7c8-4e6d-b840-4d8080b42e1b}'/><EventID>\(id)</EventID><Version>0</Version><Level>\(level)</Level><Task>3</Task><Opcode>30</Opcode><Keywords>0x4000000001000000</Keywords><TimeCreated SystemTime='\(time)'/><EventRecordID>\(Make.record(time, Int(id % 10)))</EventRecordID><Correlation ActivityID='{7cf86876-882f-0625-f153-3dec514da0b2}'/><Execution ProcessID='1444' ThreadID='2556'/><Channel>\(gatewayChannel)</Channel><Computer>\(gateway)</Computer><Security UserID='S-1-5-20'/></System><UserData><EventInfo xmlns='aag'>\(info)</EventInfo></UserData></Event>"
    }

    /// The gateway's log around the failure: a colleague's healthy connection an hour before and after
    /// (so the log covers the failure), and `records`.
    static func gatewayLog(_ records: [String]) -> [WinEvent] {
        let colleague = [
            record(200, -3600, user: "CORP\\bob"), record(300, -3599.9, user: "CORP\\bob", resource: "rdsh-05.corp.example"),
            record(302, -3599.8, user: "CORP\\bob", resource: "rdsh-05.corp.example"),
            record(303, 3600, user: "CORP\\bob", resource: "rdsh-05.corp.example", error: "1226"),
        ]
        return events((colleague + records).joined(separator: "\r\n"), source: "gateway/Gateway.xml")
    }

    /// The client's attempt to rdsh-05, a host that has System, RCM and RdpCoreTS logs but no
    /// connection from the client, and the gateway's `records`; the ticket names the user and the
    /// client's office address.
    static func diagnosis(gateway records: [String]?, host extra: [String] = [], ticketNote: String = "") -> Diagnosis {
        let client = Make.clientAttempt(computer: Case.client, target: "rdsh-05", connect: Make.at(Case.failure, -1), disconnect: Case.failure)
        var host = [
            Make.systemNoise(computer: Case.host, time: "2026-06-12T08:00:00.0000000Z", record: 1),
            Make.systemNoise(computer: Case.host, time: "2026-06-12T10:30:00.0000000Z", record: 2),
        ]
        // Another user's sessions before and after: the host's RDP logs cover the failure.
        host += Make.healthySession(host: Case.host, at: "2026-06-12T08:10:00.0000000Z", ip: "10.20.31.12", user: "carol", activity: "B1B2C3D4-0000-4000-8000-00000000AB02", endsAfter: 600)
        host += Make.healthySession(host: Case.host, at: "2026-06-12T10:20:00.0000000Z", ip: "10.20.31.12", user: "carol", activity: "B1B2C3D4-0000-4000-8000-00000000AB03", endsAfter: 600)
        host += extra
        let ticket = TextDocument(source: "ticket.txt", text: "User: CORP\\alice\nClient: \(Case.client) (\(Case.ip))\nTarget: RDSH-05\n\(ticketNote)")
        let all = events(client, source: "client/RDPClient.xml") + events(host.joined(separator: "\r\n"), source: "host/logs.xml") + (records.map(gatewayLog) ?? [])
        return diagnose(events: all, documents: [ticket])
    }

    @Test func aConnectionPolicyRefusalIsTheClientLeg() throws {
        let diagnosis = Self.diagnosis(gateway: [Self.record(201, -0.6, error: "23003", level: 2)])
        #expect(diagnosis.failures.first?.causes.first?.id == "gateway-client-leg")
        let client = try #require(Case.cause("gateway-client-leg", in: diagnosis))
        #expect(client.status == .likely, "\(client.summary)")
        let refusal = try #require(client.evidence.first { $0.eventID == 201 })
        #expect(refusal.meaning.contains("client → gateway leg") && refusal.meaning.contains("CORP\\alice") && refusal.meaning.contains("error 23003"), "\(refusal.meaning)")
        #expect(client.remediation.contains { $0.contains("Connection Authorization Policies") })
        let host = try #require(Case.cause("gateway-host-leg", in: diagnosis))
        #expect(host.status == .ruledOut, "\(host.summary)")
        // The host's silence is explained by the gateway: the generic network path is not the finding.
        let path = try #require(Case.cause("network-path", in: diagnosis))
        #expect(path.status != .likely, "\(path.summary)")
    }

    @Test func aResourcePolicyRefusalIsTheHostLeg() throws {
        let diagnosis = Self.diagnosis(gateway: [
            Self.record(200, -0.7), Self.record(301, -0.68, resource: "rdsh-05", error: "23002", level: 2),
        ])
        #expect(diagnosis.failures.first?.causes.first?.id == "gateway-host-leg")
        let host = try #require(Case.cause("gateway-host-leg", in: diagnosis))
        #expect(host.status == .likely, "\(host.summary)")
        #expect(host.evidence.contains { $0.eventID == 301 && $0.meaning.contains("gateway → host leg") && $0.meaning.contains("rdsh-05") })
        #expect(host.remediation.contains { $0.contains("Resource Authorization Policies") })
        // The gateway authorized the user: the first leg worked.
        let client = try #require(Case.cause("gateway-client-leg", in: diagnosis))
        #expect(client.status == .ruledOut, "\(client.summary)")
        #expect(client.evidence.contains { $0.eventID == 200 && $0.role == .refutes })
    }

    @Test func aGatewayThatCouldNotConnectIsTheHostLeg() throws {
        let diagnosis = Self.diagnosis(gateway: [
            Self.record(200, -21.3), Self.record(300, -21.28, resource: "rdsh-05.corp.example"),
            Self.record(304, -0.2, resource: "rdsh-05.corp.example", error: "10060", level: 2),
        ])
        #expect(diagnosis.failures.first?.causes.first?.id == "gateway-host-leg")
        let host = try #require(Case.cause("gateway-host-leg", in: diagnosis))
        #expect(host.status == .likely, "\(host.summary)")
        #expect(host.evidence.contains { $0.eventID == 304 && $0.meaning.contains("could not connect") })
    }

    @Test func pastTheGatewayTheHostsOwnRecordsDecide() throws {
        // The gateway connected alice to the host (302); the host sees the gateway's address and
        // refuses the logon type (4625 0xc000015b).
        let activity = "C1B2C3D4-0000-4000-8000-00000000AB04"
        let opened = Make.at(Case.failure, -0.8)
        var host = Make.connectionOpens(host: Case.host, at: opened, ip: Self.gatewayAddress, activity: activity)
        host += [
            Make.event(
                provider: Make.rcmProvider, id: 1149, channel: Make.rcmChannel, computer: Case.host, time: Make.at(opened, 0.3),
                record: Make.record(opened, 3), userData: [("Param1", "alice"), ("Param2", "CORP"), ("Param3", Self.gatewayAddress)], activity: activity),
            Make.event(
                provider: Make.securityProvider, id: 4625, channel: "Security", computer: Case.host, time: Make.at(opened, 0.5),
                record: Make.record(opened, 4),
                data: [("TargetUserName", "alice"), ("TargetDomainName", "CORP"), ("Status", "0xc000015b"), ("FailureReason", "%%2308"),
                    ("SubStatus", "0x0"), ("LogonType", "10"), ("WorkstationName", "RDSH-05"), ("IpAddress", Self.gatewayAddress), ("IpPort", "0")],
                level: 0),
        ]
        let diagnosis = Self.diagnosis(
            gateway: [Self.record(200, -1.0), Self.record(300, -0.95, resource: "rdsh-05.corp.example"), Self.record(302, -0.9, resource: "rdsh-05.corp.example")],
            host: host)
        let failure = try #require(diagnosis.failures.first)
        #expect(failure.causes.first?.id == "logon-rights", "\(failure.causes.map { "\($0.id) \($0.status) \($0.summary)" })")
        #expect(failure.causes.first?.status == .likely)
        for id in ["gateway-client-leg", "gateway-host-leg"] {
            let gatewayCause = try #require(Case.cause(id, in: diagnosis))
            #expect(gatewayCause.status == .ruledOut, "\(id): \(gatewayCause.summary)")
            #expect(gatewayCause.evidence.contains { $0.eventID == 302 && $0.role == .refutes })
        }
        #expect(failure.context.contains { $0.contains("the gateway connected the client to rdsh-05.corp.example") }, "\(failure.context)")
        // The ticket's office address is not what the host saw: the attempt is not said to be identified by it.
        #expect(!failure.context.contains { $0.contains("identified by") && $0.contains("client address \(Case.ip)") }, "\(failure.context)")
    }

    @Test func anotherUsersRefusalIsNeverThisAttemptsEvidence() throws {
        let diagnosis = Self.diagnosis(gateway: [
            Self.record(201, -0.6, user: "CORP\\dave", error: "23003", level: 2), Self.record(301, -0.5, user: "CORP\\dave", resource: "rdsh-05", level: 2),
        ])
        for id in ["gateway-client-leg", "gateway-host-leg"] {
            let gatewayCause = try #require(Case.cause(id, in: diagnosis))
            #expect(!gatewayCause.evidence.contains { $0.eventID == 201 || $0.eventID == 301 }, "\(id): \(gatewayCause.evidence.map(\.meaning))")
        }
        #expect(Case.cause("gateway-host-leg", in: diagnosis)?.status == .ruledOut)
    }

    @Test func theGatewayIsNeverTakenForTheTargetHost() throws {
        // Only the client's log and the gateway's: the gateway is not "the only other machine".
        let client = Make.clientAttempt(computer: Case.client, target: "rdsh-05", connect: Make.at(Case.failure, -1), disconnect: Case.failure)
        let diagnosis = diagnose(events: events(client, source: "client/RDPClient.xml") + Self.gatewayLog([Self.record(201, -0.6, level: 2)]))
        let failure = try #require(diagnosis.failures.first)
        #expect(failure.host?.lowercased().hasPrefix("rdgw") != true, "\(failure.host ?? "nil")")
    }

    @Test func aNamedGatewayWithoutItsLogKeepsTheHostsSilenceFromDecidingAndAsksForTheLog() throws {
        // Without the gateway's log, a host that never saw the attempt is a network path problem ...
        let silent = try #require(Case.cause("network-path", in: Self.diagnosis(gateway: nil)))
        #expect(silent.status == .likely, "\(silent.summary)")
        // ... unless the ticket says the connection goes through an RD Gateway: then the silence may be
        // the gateway refusing it, and its log is what to collect.
        let named = Self.diagnosis(gateway: nil, ticketNote: "She works from home and connects through the RD Gateway rdgw.corp.example.\n")
        let path = try #require(Case.cause("network-path", in: named))
        #expect(path.status == .possible, "\(path.summary)")
        #expect(path.summary.contains("the RD Gateway rdgw.corp.example"), "\(path.summary)")
        #expect(named.verdict == .inconclusive)
        #expect(named.missingLogs.contains { $0.channel == "Microsoft-Windows-TerminalServices-Gateway/Operational" && $0.machine == "rdgw.corp.example" }, "\(named.missingLogs)")
        // The collect-script hint then collects it too, on the gateway the ticket names.
        #expect(CollectScriptHint.command(for: named).contains(" --gateway rdgw.corp.example --time "), "\(CollectScriptHint.command(for: named))")
        #expect(CollectScriptHint.lead(for: named).contains("on the client, on the host and on the RD Gateway"))
        // A VPN or default gateway is not an RD Gateway.
        let vpn = Self.diagnosis(gateway: nil, ticketNote: "She connects over the VPN gateway vpn.corp.example.\n")
        #expect(Case.cause("network-path", in: vpn)?.status == .likely)
    }

    @Test func withoutAnyGatewayTheGatewayCausesSaySoOnceInsteadOfAnUncheckedLog() throws {
        for id in ["gateway-client-leg", "gateway-host-leg"] {
            let cause = try #require(Case.cause(id, in: Self.diagnosis(gateway: nil)))
            #expect(cause.status == .ruledOut)
            #expect(cause.summary.hasPrefix("no RD Gateway in the path"), "\(cause.summary)")
            #expect(!cause.summary.contains("not checked"), "\(cause.summary)")
        }
        // A gateway the ticket names, without its log, is not "no gateway".
        let named = Self.diagnosis(gateway: nil, ticketNote: "She connects through the RD Gateway rdgw.corp.example.\n")
        #expect(Case.cause("gateway-client-leg", in: named)?.summary.hasPrefix("no RD Gateway") == false)
    }
}
