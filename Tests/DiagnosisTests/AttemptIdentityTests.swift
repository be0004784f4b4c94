@testable import Diagnosis
import EventImport
import Foundation
import Testing

/// Host records are tied to the failing attempt by identity, not by time: on a shared host, other
/// users' sessions around the failure are neither evidence nor a clock-skew anchor.
@Suite("Attempt identity on shared hosts")
struct AttemptIdentityTests {
    static let host = "RDSH-01.corp.example"
    static let t0 = "2026-06-12T19:41:51.0000000Z"

    /// Scanner connections an hour apart give the host's RdpCoreTS and RCM logs their time range.
    static func background(_ host: String = host) -> [String] {
        Make.connectionOpens(host: host, at: Make.at(t0, -3000), ip: "185.220.101.47", activity: "F420BF63-3A1C-4C5E-9D10-2B7A40570000")
            + Make.connectionOpens(host: host, at: Make.at(t0, 2400), ip: "193.238.46.71", activity: "F4209D53-0B2E-4F81-A3C4-994B162F0000")
            + [Make.systemNoise(computer: host, time: Make.at(t0, -3100), record: 1), Make.systemNoise(computer: host, time: Make.at(t0, 2500), record: 2)]
    }

    static func diagnoseCase(client: [String], host: [String], documents: [TextDocument] = []) -> Diagnosis {
        diagnose(
            events: events(client.joined(separator: "\r\n"), source: "WKS/RDPClient.xml")
                + events(host.joined(separator: "\r\n"), source: "RDSH/host.xml"),
            documents: documents)
    }

    @Test func otherUsersHealthySessionsAroundTheFailureAreNotTheAttempt() throws {
        // The attempt left no trace on the host; two other users connected 70 s before and 40 s
        // after it and kept working. Time alone would make one of them "the host authenticated
        // the user" and measure the skew from it.
        let client = Make.clientAttempt(computer: "WKS-042", target: "rdsh-01", at: Self.t0, lasts: 2)
        let host = Self.background()
            + Make.healthySession(host: Self.host, at: Make.at(Self.t0, -70), ip: "10.20.31.17", user: "bmueller", activity: "FFAC90A4-1111-4C4D-9E1F-0A1B2C3D0001")
            + Make.healthySession(host: Self.host, at: Make.at(Self.t0, 40), ip: "10.20.31.23", user: "cdubois", activity: "FFAC90A4-2222-4C4D-9E1F-0A1B2C3D0002")
        let diagnosis = Self.diagnoseCase(client: client, host: host)
        let failure = try #require(diagnosis.failures.first)
        #expect(failure.clockSkewSeconds == nil, "another client's connection is never a skew anchor")
        #expect(failure.context.contains { $0.contains("no connection on RDSH-01.corp.example is tied to the attempt") })
        let clientSide = try #require(failure.causes.first { $0.id == "client-side" })
        #expect(clientSide.status != .likely)
        #expect(clientSide.evidence.isEmpty, "\(clientSide.evidence.map(\.meaning))")
        #expect(failure.causes.first?.id == "network-path")
        #expect(failure.causes.first?.status == .likely)
        let cited = failure.causes.flatMap(\.evidence).map(\.meaning)
        #expect(!cited.contains { $0.contains("10.20.31.17") || $0.contains("10.20.31.23") || $0.contains("bmueller") || $0.contains("cdubois") })
    }

    @Test func theWorkstationIn4625TiesTheAttemptAndTheSkewComesFromItsConnection() throws {
        // The host's clock runs 95 s ahead. A colleague logged on in the second the client's own
        // clock started connecting, and a third user mistyped a password shortly after: neither is
        // the attempt. The attempt's 4625 names the workstation WKS-077, which ties its address and
        // the RdpCoreTS records of that address.
        let attempt = "904FB781-5C2D-4E6F-8A9B-0C1D2E3F4A5B"
        let client = Make.clientAttempt(computer: "WKS-077", target: "rdsh-01", at: Self.t0, lasts: 2.3)
        let start = Make.at(Self.t0, 95)
        let host = Self.background()
            + Make.healthySession(host: Self.host, at: Make.at(Self.t0, 1), ip: "10.20.31.12", user: "bmueller", activity: "FFAC90A4-3333-4C4D-9E1F-0A1B2C3D0003")
            + [Make.badPassword(host: Self.host, at: Make.at(Self.t0, 10), user: "jdoe", workstation: "WKS-090", ip: "10.20.31.90")]
            + Make.connectionOpens(host: Self.host, at: start, ip: "10.20.31.77", activity: attempt)
            + [
                Make.badPassword(host: Self.host, at: Make.at(start, 1.59), user: "rsharma", workstation: "WKS-077", ip: "10.20.31.77"),
                Make.nlaRejected(host: Self.host, at: Make.at(start, 1.61), ip: "10.20.31.77", activity: attempt),
            ]
        let diagnosis = Self.diagnoseCase(client: client, host: host)
        let failure = try #require(diagnosis.failures.first)
        let skew = try #require(failure.clockSkewSeconds)
        #expect(abs(skew - 95) < 0.5)
        #expect(failure.context.contains { $0.contains("client address 10.20.31.77") })
        #expect(failure.context.contains { $0.contains("client address 10.20.31.77 (the host's connection at") }, "\(failure.context)")
        let top = try #require(failure.causes.first)
        #expect(top.id == "nla-credssp")
        #expect(top.status == .likely)
        #expect(top.evidence.contains { $0.eventID == 4625 && $0.meaning.contains("rsharma") })
        #expect(top.evidence.contains { $0.eventID == 140 })
        let cited = failure.causes.flatMap(\.evidence).map(\.meaning)
        #expect(!cited.contains { $0.contains("jdoe") || $0.contains("10.20.31.12") || $0.contains("bmueller") })
        #expect(failure.causes.first { $0.id == "client-side" }?.status != .likely)
    }

    @Test func theOnlyConnectionThatEndedWithTheFailureSupportsClientSideAndSetsTheSkew() throws {
        // Nothing names the client (the host logs no workstation for a type 10 logon). The host's
        // clock runs 30 s ahead; another user's session opened in the client's own second and kept
        // running: only the connection that ended with the failure is the attempt.
        let client = Make.clientAttempt(computer: "WKS-099", target: "rdsh-01", at: Self.t0, lasts: 38.3, connected: true)
        let host = Self.background()
            + Make.healthySession(host: Self.host, at: Make.at(Self.t0, 0.4), ip: "10.20.31.44", user: "kweber", activity: "FFAC90A4-4444-4C4D-9E1F-0A1B2C3D0004")
            + Make.healthySession(
                host: Self.host, at: Make.at(Self.t0, 30.01), ip: "10.20.31.99", user: "mtanaka", activity: "FFAC90A4-5555-4C4D-9E1F-0A1B2C3D0005",
                endsAfter: 38.5)
        let diagnosis = Self.diagnoseCase(client: client, host: host)
        let failure = try #require(diagnosis.failures.first)
        let skew = try #require(failure.clockSkewSeconds)
        #expect(abs(skew - 30) < 0.5)
        #expect(failure.context.contains { $0.contains("the only connection") })
        let top = try #require(failure.causes.first)
        #expect(top.id == "client-side")
        #expect(top.status == .likely)
        #expect(top.evidence.allSatisfy { !$0.meaning.contains("10.20.31.44") && !$0.meaning.contains("kweber") })
    }

    @Test func aSessionThatKeepsRunningAfterTheFailureIsNotTheAttempt() throws {
        // The client connected and was dropped after 40 s; the host's only connection nearby is a
        // session that carried on for half an hour: it is not the attempt that failed.
        let client = Make.clientAttempt(computer: "WKS-099", target: "rdsh-01", at: Self.t0, lasts: 40, connected: true)
        let host = Self.background()
            + Make.healthySession(
                host: Self.host, at: Make.at(Self.t0, 0.02), ip: "10.20.31.44", user: "kweber", activity: "FFAC90A4-6666-4C4D-9E1F-0A1B2C3D0006",
                endsAfter: 1800)
        let diagnosis = Self.diagnoseCase(client: client, host: host)
        let failure = try #require(diagnosis.failures.first)
        #expect(failure.clockSkewSeconds == nil)
        let clientSide = try #require(failure.causes.first { $0.id == "client-side" })
        #expect(clientSide.status != .likely)
        #expect(failure.causes.flatMap(\.evidence).allSatisfy { !$0.meaning.contains("kweber") && !$0.meaning.contains("10.20.31.44") })
    }

    @Test func aPacketDropInTheClientsSecondNamesItsAddressOnABusyHost() throws {
        // Filtering Platform auditing is on. Another address was dropped earlier and scanners reached
        // the stack around the attempt; the drop sequence that starts in the second the client
        // started connecting (SYN retries 3 s and 6 s apart, one source port) is the attempt.
        let client = Make.clientAttempt(computer: "WKS-042", target: "rdsh-01", at: Self.t0, lasts: 21)
        let host = Self.background()
            + [0.3, 3.3, 9.3].map { Make.packetDropped(host: Self.host, at: Make.at(Self.t0, $0), ip: "10.20.31.42", port: 52733) }
            + [Make.packetDropped(host: Self.host, at: Make.at(Self.t0, -100), ip: "10.20.31.50", port: 61022)]
            + Make.connectionOpens(host: Self.host, at: Make.at(Self.t0, -60), ip: "212.92.115.217", activity: "F4207288-0C4D-4F81-A3C4-994B162F0000")
            + Make.connectionOpens(host: Self.host, at: Make.at(Self.t0, 30), ip: "24.122.195.210", activity: "F420D92E-1D5E-4F81-A3C4-994B162F0000")
        let diagnosis = Self.diagnoseCase(client: client, host: host)
        let failure = try #require(diagnosis.failures.first)
        #expect(failure.context.contains { $0.contains("opened in the second the client started connecting") })
        #expect(failure.context.contains { $0.contains("client address 10.20.31.42") })
        let skew = try #require(failure.clockSkewSeconds)
        #expect(abs(skew - 0.3) < 0.1)
        let top = try #require(failure.causes.first)
        #expect(top.id == "network-path")
        #expect(top.status == .likely)
        #expect(top.evidence.allSatisfy { !$0.meaning.contains("10.20.31.50") })
    }

    @Test func withoutAMeasuredSkewHostWindowsDoNotWiden() throws {
        // A UTC report, no client log, three scanner probes around it (none can be told from the
        // attempt), and a TLS error eight minutes before the report: without a skew it is outside
        // tls-mismatch's window and is not taken as the cause.
        let report = TextDocument(
            source: "error.txt", text: "Error code: 0x904\nExtended error code: 0x7\nTimestamp (UTC): 2026-06-12T19:41:53Z\n")
        let host = Self.background()
            + Make.connectionOpens(host: Self.host, at: Make.at(Self.t0, -200), ip: "212.92.115.217", activity: "F4207288-0C4D-4F81-A3C4-994B162F0001")
            + Make.connectionOpens(host: Self.host, at: Make.at(Self.t0, -20), ip: "24.122.195.210", activity: "F420D92E-1D5E-4F81-A3C4-994B162F0001")
            + Make.connectionOpens(host: Self.host, at: Make.at(Self.t0, 150), ip: "193.238.46.71", activity: "F420BCF0-2E6F-4F81-A3C4-994B162F0001")
            + [Make.noCommonCipher(computer: Self.host, time: Make.at(Self.t0, -480), record: 3)]
        let diagnosis = Self.diagnoseCase(client: [], host: host, documents: [report])
        let failure = try #require(diagnosis.failures.first)
        #expect(failure.clockSkewSeconds == nil)
        let tls = try #require(failure.causes.first { $0.id == "tls-mismatch" })
        #expect(tls.status != .likely)
        #expect(tls.evidence.isEmpty)
    }
}

@Suite("Record identity")
struct RecordIdentityTests {
    @Test(arguments: [
        ("CORP\\mtanaka", "mtanaka"), ("mtanaka@corp.example", "mtanaka"), ("MTanaka", "mtanaka"),
    ])
    func userNamesAreComparedWithoutDomain(raw: String, expected: String) {
        #expect(RecordIdentity.user(raw) == expected)
    }

    @Test(arguments: ["SYSTEM", "-", "DWM-1", "UMFD-0", "RDSH-01$", "ANONYMOUS LOGON", "NETWORK SERVICE", ""])
    func serviceAndMachineAccountsAreNobody(raw: String) {
        #expect(RecordIdentity.user(raw) == nil)
    }

    @Test(arguments: [
        ("10.20.31.58:52144", "10.20.31.58"), ("[192.168.30.10]:65464", "192.168.30.10"), ("[fe80::1%4]:3389", "fe80::1"),
        ("10.0.0.5", "10.0.0.5"),
    ])
    func addressesAreComparedWithoutPort(raw: String, expected: String) {
        #expect(RecordIdentity.address(raw) == expected)
    }

    @Test(arguments: ["-", "127.0.0.1", "::1", "0.0.0.0", "LOCAL", ""])
    func placeholderAddressesAreNobody(raw: String) {
        #expect(RecordIdentity.address(raw) == nil)
    }

    @Test func aType10LogonNamesTheHostAsWorkstationWhichIsNotTheClient() throws {
        let xml = Make.healthySession(host: "RDSH-07.corp.example", at: "2026-07-08T03:15:05.7000000Z", ip: "10.20.31.99", user: "mtanaka", activity: "A")
        let logon = try #require(events(xml.joined(separator: "\r\n"), source: "s.xml").first { $0.eventID == 4624 })
        let identity = RecordIdentity(event: logon, host: "rdsh-07")
        #expect(identity.workstations.isEmpty)
        #expect(identity.addresses == ["10.20.31.99"])
        #expect(identity.users == ["mtanaka"])
    }

    @Test func theConsoleSessionIsNeverTheAttempt() throws {
        let xml = Make.event(
            provider: Make.lsmProvider, id: 21, channel: Make.lsmChannel, computer: "RDSH-07", time: "2026-07-08T02:00:47.8980000Z", record: 1,
            userData: [("User", "CORP\\mtanaka"), ("SessionID", "1"), ("Address", "LOCAL")], activity: "61A55000-55E8-0000-A0B7-A5612BE8DA01")
        let event = try #require(events(xml, source: "lsm.xml").first)
        var attempt = AttemptIdentity()
        attempt.addUser("mtanaka", from: "ticket")
        #expect(attempt.relation(to: RecordIdentity(event: event, host: "rdsh-07")) == .other("the host's console session"))
    }

    @Test func theStrongestSharedAttributeDecides() {
        var attempt = AttemptIdentity()
        attempt.addAddress("10.20.31.77", from: "ticket")
        attempt.addUser("rsharma", from: "ticket")
        var sameUserOtherMachine = RecordIdentity()
        sameUserOtherMachine.users = ["rsharma"]
        sameUserOtherMachine.addresses = ["10.20.99.5"]
        #expect(attempt.relation(to: sameUserOtherMachine) == .other("address 10.20.99.5"))
        var userOnly = RecordIdentity()
        userOnly.users = ["rsharma"]
        #expect(attempt.relation(to: userOnly) == .same("user rsharma"))
        #expect(attempt.relation(to: RecordIdentity()) == .unknown)
    }
}
