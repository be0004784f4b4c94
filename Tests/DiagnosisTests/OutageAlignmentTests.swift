@testable import Diagnosis
import EventImport
import Foundation
import Testing

/// An attempt that left no trace on the host is placed in the span in which the host's listener
/// could not answer (service stopped or crashed), both for the clock skew and for a zone-less
/// report time; a ticket line names its own target even after a user label (issue 14, points 1,
/// 3 and 4).
@Suite("Attempts placed in a host's outage")
struct OutageAlignmentTests {
    static let host = AttemptIdentityTests.host
    static let t0 = AttemptIdentityTests.t0
    static let ticket = TextDocument(source: "ticket.txt", text: "User: alice\r\nClient: WKS-042 (10.20.31.58)\r\nTarget: rdsh-01\r\n")

    static func termServiceRunning(at time: String) -> String {
        Make.event(
            provider: "Service Control Manager", id: 7036, channel: "System", computer: host, time: time, record: Make.record(time, 6),
            data: [("param1", "Remote Desktop Services"), ("param2", "running")], qualifiers: "16384")
    }

    /// Other users' healthy sessions around `center` (host clock), none while the service was down.
    static func otherUsers(around center: String) -> [String] {
        Make.healthySession(host: host, at: Make.at(center, -200), ip: "10.20.31.17", user: "bmueller", activity: "FFAC90A4-1111-4C4D-9E1F-0A1B2C3D0001")
            + Make.healthySession(host: host, at: Make.at(center, 150), ip: "10.20.31.23", user: "cdubois", activity: "FFAC90A4-2222-4C4D-9E1F-0A1B2C3D0002")
    }

    @Test func anAttemptWithNoTraceIsPlacedInTheOnlyOutageWithinTheKerberosSkew() throws {
        // The host's clock runs 4 minutes ahead: TermService crashed 14 s before the attempt (host
        // clock t0+226 s) and ran again a minute later. The attempt left nothing on the host.
        let client = Make.clientAttempt(computer: "WKS-042", target: "rdsh-01", at: Self.t0, lasts: 1)
        let host = AttemptIdentityTests.background() + Self.otherUsers(around: Make.at(Self.t0, 240)) + [
            Make.termServiceCrashed(host: Self.host, at: Make.at(Self.t0, 226)), Self.termServiceRunning(at: Make.at(Self.t0, 286)),
        ]
        let diagnosis = AttemptIdentityTests.diagnoseCase(client: client, host: host, documents: [Self.ticket])
        let failure = try #require(diagnosis.failures.first)
        let top = try #require(failure.causes.first)
        #expect(top.id == "rdp-service-down" && top.status == .likely, "\(failure.causes.map { "\($0.id) \($0.status) \($0.summary)" })")
        #expect(failure.causes.first { $0.id == "network-path" }?.status != .likely)
        #expect(failure.context.contains { $0.contains("inferred as +226 s") && $0.contains("could not answer") }, "\(failure.context)")
    }

    @Test func twoOutagesNearTheFailureLeaveTheSkewUnknown() throws {
        // A crash 3 minutes before and a stop 4 minutes after: nothing says which one the attempt met.
        let client = Make.clientAttempt(computer: "WKS-042", target: "rdsh-01", at: Self.t0, lasts: 1)
        let host = AttemptIdentityTests.background() + [
            Make.termServiceCrashed(host: Self.host, at: Make.at(Self.t0, -180)), Self.termServiceRunning(at: Make.at(Self.t0, -120)),
            StateAndPreconditionTests.termServiceStopped(at: Make.at(Self.t0, 240)), Self.termServiceRunning(at: Make.at(Self.t0, 280)),
        ]
        let diagnosis = AttemptIdentityTests.diagnoseCase(client: client, host: host, documents: [Self.ticket])
        let failure = try #require(diagnosis.failures.first)
        #expect(!failure.context.contains { $0.contains("inferred as") }, "\(failure.context)")
        #expect(failure.causes.first { $0.id == "rdp-service-down" }?.status != .likely)
    }

    @Test func aZonelessReportTimeAlignsWithTheServiceStopNotWithAScannersUnnamedConnections() throws {
        // mstsc prints 02:10:31 PM local. TermService was stopped at 12:09:09Z and ran again at
        // 12:13:16Z (UTC+2); three hours earlier a scanner opened 40 connections the listener
        // logged (261) without an address the stack could tie.
        let dialog = "Error code: 0x904\r\nExtended error code: 0x7\r\nTimestamp: 06/12/26 02:10:31 PM\r\n"
        var host = [
            StateAndPreconditionTests.termServiceStopped(at: "2026-06-12T12:09:09.0000000Z"),
            Self.termServiceRunning(at: "2026-06-12T12:13:16.0000000Z"),
            Make.systemNoise(computer: Self.host, time: "2026-06-12T08:00:00.0000000Z", record: 3),
            Make.systemNoise(computer: Self.host, time: "2026-06-12T13:30:00.0000000Z", record: 4),
            Make.stackConnection(computer: Self.host, time: "2026-06-12T08:00:10.0000000Z", ip: "10.20.31.17", record: 5),
            Make.stackConnection(computer: Self.host, time: "2026-06-12T13:30:10.0000000Z", ip: "10.20.31.23", record: 6),
        ]
        for n in 0..<40 {
            let time = Make.at("2026-06-12T09:09:50.0000000Z", Double(n) * 1.1)
            host.append(
                Make.event(
                    provider: Make.rcmProvider, id: 261, channel: Make.rcmChannel, computer: Self.host, time: time, record: 70_000 + n,
                    userData: [("listenerName", "RDP-Tcp")], activity: String(format: "F420%04X-0B2E-4F81-A3C4-994B162F0000", n)))
        }
        let diagnosis = diagnose(
            events: events(host.joined(separator: "\r\n"), source: "RDSH/host.xml"),
            documents: [TextDocument(source: "error.txt", text: dialog), Self.ticket])
        let failure = try #require(diagnosis.failures.first)
        #expect(failure.time.iso8601(fractionDigits: 0) == "2026-06-12T12:10:31Z", "\(failure.context)")
        #expect(failure.context.contains { $0.contains("UTC+02:00 aligns it with 1 span(s) in which the host's listener could not answer") }, "\(failure.context)")
        let top = try #require(failure.causes.first)
        #expect(top.id == "rdp-service-down" && top.status == .likely, "\(failure.causes.map { "\($0.id) \($0.status) \($0.summary)" })")
    }

    @Test func aServerLabelAfterAUserLabelNamesTheTargetEvenInLowerCase() {
        var hints = TicketHints()
        hints.read(TextDocument(source: "ticket.txt", text: "- User: rivanova, Device: WKS-347, Server: crm-ts.corp.example (vendor system)\n"))
        #expect(hints.targets.map(\.value) == ["crm-ts.corp.example"])
        #expect(hints.users.map(\.value) == ["rivanova"])
        #expect(hints.clients.map(\.value) == ["WKS-347"])
    }

    @Test func aTargetWithoutLogsKeepsItsNameWhenEveryHostWithLogsIsAnotherLinesTarget() throws {
        // Two users in one ticket: alice's failure is on rdsh-01 (logs attached), bob's on a vendor
        // system with no logs. Bob's failure must not be given rdsh-01.
        let ticket = TextDocument(
            source: "ticket.txt",
            text: "- User: alice, Device: WKS-042, Server: RDSH-01\n- User: bob, Device: WKS-077, Server: crm-ts.corp.example (no logs)\n")
        let bob = Make.clientAttempt(computer: "WKS-077", target: "crm-ts.corp.example", at: Self.t0, lasts: 1)
        let diagnosis = diagnose(
            events: events(bob.joined(separator: "\r\n"), source: "WKS-077/RDPClient.xml")
                + events(AttemptIdentityTests.background().joined(separator: "\r\n"), source: "RDSH/host.xml"),
            documents: [ticket])
        let failure = try #require(diagnosis.failures.first)
        #expect(failure.host == "crm-ts.corp.example", "\(failure.context)")
    }
}
