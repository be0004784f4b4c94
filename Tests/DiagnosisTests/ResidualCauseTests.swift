@testable import Diagnosis
import EventImport
import Foundation
import Testing

/// `client-side` is what is left once the host-side causes are excluded: the host's transport and
/// authentication records alone do not make it likely while a host-side cause could not be checked.
@Suite("Residual client-side cause")
struct ResidualCauseTests {
    static let host = AttemptIdentityTests.host
    static let t0 = AttemptIdentityTests.t0
    static let attempt = "904FB781-5C2D-4E6F-8A9B-0C1D2E3F4A77"
    static let ticket = TextDocument(source: "ticket.txt", text: "User: rsharma\nIP: 10.20.31.77\nTarget: rdsh-01\n")

    /// The attempt reached the host's RDP stack (131) and passed network authentication (1149);
    /// the host's logs of the logon itself (Security, Application) are not in the case.
    static func transportAndAuthenticationOnly() -> [String] {
        let start = Make.at(t0, 0.3)
        return AttemptIdentityTests.background()
            + Make.connectionOpens(host: host, at: start, ip: "10.20.31.77", activity: attempt)
            + [
                Make.event(
                    provider: Make.rcmProvider, id: 1149, channel: Make.rcmChannel, computer: host, time: Make.at(start, 1.2),
                    record: Make.record(start, 3), userData: [("Param1", "rsharma"), ("Param2", "CORP"), ("Param3", "10.20.31.77")],
                    activity: attempt)
            ]
    }

    @Test func transportAndAuthenticationAloneLeaveClientSidePossibleWhileTheLogonLogsAreMissing() throws {
        let client = Make.clientAttempt(computer: "WKS-077", target: "rdsh-01", at: Self.t0, lasts: 4, connected: true)
        let diagnosis = AttemptIdentityTests.diagnoseCase(client: client, host: Self.transportAndAuthenticationOnly(), documents: [Self.ticket])
        let failure = try #require(diagnosis.failures.first)
        let clientSide = try #require(failure.causes.first { $0.id == "client-side" })
        #expect(!clientSide.evidence.isEmpty, "the attempt's own 131/1149 are tied to it")
        #expect(clientSide.status == .possible, "\(clientSide.summary)")
        #expect(clientSide.summary.contains("logon-rights"), "\(clientSide.summary)")
        #expect(!failure.causes.contains { $0.status == .likely }, "\(failure.causes.map { "\($0.id) \($0.status)" })")
        #expect(diagnosis.verdict == .inconclusive)
    }

    @Test func theSameRecordsWithTheHostsLogonLogsShowingNothingWrongMakeClientSideLikely() throws {
        // The control: the same attempt, and the host's Security, LSM and Application logs cover it
        // (the user logged on and the shell started), so nothing host-side is left unchecked.
        let client = Make.clientAttempt(computer: "WKS-077", target: "rdsh-01", at: Self.t0, lasts: 4, connected: true)
        let host = AttemptIdentityTests.background()
            + Make.healthySession(host: Self.host, at: Make.at(Self.t0, 0.3), ip: "10.20.31.77", user: "rsharma", activity: Self.attempt, endsAfter: 4.1)
            + [Make.at(Self.t0, -3000), Make.at(Self.t0, 2400)].enumerated().map { index, time in
                Make.event(provider: "Application Error", id: 1001, channel: "Application", computer: Self.host, time: time, record: 70 + index)
            }
        let diagnosis = AttemptIdentityTests.diagnoseCase(client: client, host: host, documents: [Self.ticket])
        let failure = try #require(diagnosis.failures.first)
        let top = try #require(failure.causes.first)
        #expect(top.id == "client-side")
        #expect(top.status == .likely, "\(top.summary)")
    }

    @Test func anAuthenticatedUserRefutesTheTLSCausesWhenNoSystemLogIsInTheCase() throws {
        // The host logged the user on over this connection, so its TLS handshake completed: the
        // certificate, key and TLS causes are refuted by that, not left unchecked for want of a
        // System log, and client-side stays likely.
        let client = Make.clientAttempt(computer: "WKS-077", target: "rdsh-01", at: Self.t0, lasts: 4, connected: true)
        let host = Make.connectionOpens(host: Self.host, at: Make.at(Self.t0, -3000), ip: "185.220.101.47", activity: "F420BF63-3A1C-4C5E-9D10-2B7A40570000")
            + Make.healthySession(host: Self.host, at: Make.at(Self.t0, 0.3), ip: "10.20.31.77", user: "rsharma", activity: Self.attempt, endsAfter: 4.1)
            + Make.connectionOpens(host: Self.host, at: Make.at(Self.t0, 2400), ip: "193.238.46.71", activity: "F4209D53-0B2E-4F81-A3C4-994B162F0000")
            + [Make.at(Self.t0, -3000), Make.at(Self.t0, 2400)].enumerated().map { index, time in
                Make.event(provider: "Application Error", id: 1001, channel: "Application", computer: Self.host, time: time, record: 70 + index)
            }
        let diagnosis = AttemptIdentityTests.diagnoseCase(client: client, host: host, documents: [Self.ticket])
        let failure = try #require(diagnosis.failures.first)
        for id in ["certificate-expired", "private-key-inaccessible", "tls-mismatch"] {
            let cause = try #require(failure.causes.first { $0.id == id })
            #expect(cause.evidence.contains { $0.role == .refutes && $0.meaning.contains("TLS handshake") }, "\(id): \(cause.summary)")
        }
        let top = try #require(failure.causes.first)
        #expect(top.id == "client-side")
        #expect(top.status == .likely, "\(top.summary)")
    }
}
