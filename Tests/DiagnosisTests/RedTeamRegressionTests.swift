@testable import Diagnosis
import EventImport
import Foundation
import Testing

/// Defects an adversarial evaluation found on realistic cases (a busy host, a deciding record
/// removed, a ticket naming the user), each reduced to the records that decide it.
@Suite("Red-team regressions")
struct RedTeamRegressionTests {
    static let host = AttemptIdentityTests.host
    static let t0 = AttemptIdentityTests.t0
    static let attempt = "904FB781-5C2D-4E6F-8A9B-0C1D2E3F4A78"
    static let ticket = ResidualCauseTests.ticket
    /// A ticket naming two users and two clients, each with its address.
    static let twoClients = TextDocument(
        source: "ticket.txt", text: "Users: CORP\\rsharma, CORP\\bsmith\nClients: WKS-077 (10.20.31.77), WKS-078 (10.20.31.78)\nTarget: rdsh-01\n")

    /// SCM 7036 for Remote Desktop Services (`param1` display name, `param2` state).
    static func termService(_ state: String, at time: String) -> String {
        Make.event(
            provider: "Service Control Manager", id: 7036, channel: "System", computer: host, time: time, record: Make.record(time, 6),
            data: [("param1", "Remote Desktop Services"), ("param2", state)], qualifiers: "16384")
    }

    @Test func serviceControlManagerRecordsNameNobody() throws {
        // SCM's `param1` is the service's display name, not a user: read as one, every SCM record
        // "names another user" once the ticket names the attempt's, and is never evidence.
        let scm = try #require(events(Self.termService("stopped", at: Self.t0), source: "System.xml").first)
        #expect(RecordIdentity(event: scm, host: "rdsh-01").isEmpty, "\(RecordIdentity(event: scm, host: "rdsh-01"))")
        // RCM 1149 still names its user (Param1) and address (Param3).
        let session = Make.healthySession(host: Self.host, at: Self.t0, ip: "10.20.31.77", user: "rsharma", activity: Self.attempt)
        let authenticated = try #require(events(session.joined(separator: "\r\n"), source: "RCM.xml").first { $0.eventID == 1149 })
        let identity = RecordIdentity(event: authenticated, host: "rdsh-01")
        #expect(identity.users == ["rsharma"])
        #expect(identity.addresses == ["10.20.31.77"])
    }

    @Test func theServiceBeingDisabledCountsWhenTheTicketNamesTheUser() throws {
        // Remote Desktop Services was set to disabled (SCM 7040) two days before and stopped (7036)
        // ten minutes before the attempt, which left no trace on the host; the ticket names the user.
        // The start-type change names no one and is cited beside the stop.
        let client = Make.clientAttempt(computer: "WKS-077", target: "rdsh-01", at: Self.t0, lasts: 2)
        let disabled = Make.at(Self.t0, -2 * 86_400)
        let host = AttemptIdentityTests.background() + [
            Make.event(
                provider: "Service Control Manager", id: 7040, channel: "System", computer: Self.host, time: disabled,
                record: Make.record(disabled, 7),
                data: [("param1", "Remote Desktop Services"), ("param2", "demand start"), ("param3", "disabled"), ("param4", "TermService")],
                qualifiers: "16384"),
            Self.termService("stopped", at: Make.at(Self.t0, -600)),
        ]
        let diagnosis = AttemptIdentityTests.diagnoseCase(client: client, host: host, documents: [Self.ticket])
        let failure = try #require(diagnosis.failures.first)
        let service = try #require(failure.causes.first { $0.id == "rdp-service-down" })
        #expect(service.evidence.contains { $0.role == .supports && $0.eventID == 7040 }, "\(service.evidence.map(\.meaning))")
        #expect(service.status == .likely, "\(service.summary)")
    }

    @Test func aServiceStartRightAfterTheFailureKeepsTheSilenceFromNamingTheNetwork() throws {
        // The attempt left no trace on the host, and Remote Desktop Services started 70 s after
        // the failure with no record of its stop (the export lost it): the silence is explained
        // by the service, so network-path may not be likely.
        let client = Make.clientAttempt(computer: "WKS-077", target: "rdsh-01", at: Self.t0, lasts: 2)
        let host = AttemptIdentityTests.background() + [Self.termService("running", at: Make.at(Self.t0, 72))]
        let diagnosis = AttemptIdentityTests.diagnoseCase(client: client, host: host, documents: [Self.ticket])
        let failure = try #require(diagnosis.failures.first)
        let network = try #require(failure.causes.first { $0.id == "network-path" })
        #expect(network.status != .likely, "\(network.summary)")
        #expect(network.evidence.contains { $0.role == .refutes && $0.eventID == 7036 }, "\(network.summary)")
        #expect(diagnosis.verdict == .inconclusive)
    }

    @Test func aSessionTheHostLogsOffBeforeItsShellStartsIsNotTheClientsFault() throws {
        // The host authenticated and logged the user on, then disconnected and logged the session
        // off 1.5 s after the failure with no shell start (a refusal after logon whose own record,
        // e.g. the profile error, is not in the case): client-side may not be likely.
        let client = Make.clientAttempt(computer: "WKS-077", target: "rdsh-01", at: Self.t0, lasts: 4, connected: true)
        let start = Make.at(Self.t0, 0.3)
        let logon = Make.healthySession(host: Self.host, at: start, ip: "10.20.31.77", user: "rsharma", activity: Self.attempt, endsAfter: 3.8)
            .filter { !$0.contains("<EventID>22</EventID>") }
        let host = AttemptIdentityTests.background() + logon
            + [Make.logoff(host: Self.host, at: Make.at(Self.t0, 5.5), user: "rsharma", activity: Self.attempt)]
            + [Make.at(Self.t0, -3000), Make.at(Self.t0, 2400)].enumerated().map { index, time in
                Make.event(provider: "Application Error", id: 1001, channel: "Application", computer: Self.host, time: time, record: 70 + index)
            }
        let diagnosis = AttemptIdentityTests.diagnoseCase(client: client, host: host, documents: [Self.ticket])
        let failure = try #require(diagnosis.failures.first)
        let clientSide = try #require(failure.causes.first { $0.id == "client-side" })
        #expect(clientSide.status != .likely, "\(clientSide.summary)")
        #expect(clientSide.evidence.contains { $0.role == .refutes && $0.eventID == 23 }, "\(clientSide.summary)")
        #expect(diagnosis.verdict == .inconclusive)
    }

    @Test func theAddressWrittenBesideAClientsNameIsThatClients() throws {
        // Two people, two clients with their addresses, one target. The client log is WKS-077's,
        // and the ticket writes 10.20.31.77 beside WKS-077: that is the attempt's address.
        var hints = TicketHints()
        hints.read(Self.twoClients)
        #expect(hints.address(besideClient: "wks-077")?.value == "10.20.31.77")
        #expect(hints.address(besideClient: "wks-078")?.value == "10.20.31.78")
    }

    @Test func aTLSFailureOfTheClientWhoseAddressTheTicketWritesBesideItIsTheAttempts() throws {
        // The same ticket; a TLS cipher mismatch on the connection from WKS-077's address, at the
        // attempt, is the attempt's (the TLS failure names no user, so only the address ties it).
        let client = Make.clientAttempt(computer: "WKS-077", target: "rdsh-01", at: Self.t0, lasts: 1.2)
        let host = AttemptIdentityTests.background()
            + Make.connectionOpens(host: Self.host, at: Make.at(Self.t0, 0.2), ip: "10.20.31.77", activity: Self.attempt)
            + Make.connectionOpens(host: Self.host, at: Make.at(Self.t0, -40), ip: "10.20.31.60", activity: "F4207288-0C4D-4F81-A3C4-994B162F0002")
            + [Make.noCommonCipher(computer: Self.host, time: Make.at(Self.t0, 0.5), record: 3)]
        let diagnosis = AttemptIdentityTests.diagnoseCase(client: client, host: host, documents: [Self.twoClients])
        let failure = try #require(diagnosis.failures.first)
        #expect(failure.context.contains { $0.contains("10.20.31.77") && $0.contains("beside") }, "\(failure.context)")
        let tls = try #require(failure.causes.first { $0.id == "tls-mismatch" })
        #expect(tls.status == .likely, "\(tls.summary)")
    }

    @Test(arguments: [
        ("2026-09-06 오후 11:36:36", "2026-09-06T23:36:36"), ("2026-09-06 오전 12:05:00", "2026-09-06T00:05:00"),
        ("2026/09/06 午後 4:36:36", "2026-09-06T16:36:36"), ("2026/9/6 下午 4:36:36", "2026-09-06T16:36:36"),
        ("2026/9/6 上午 9:05:07", "2026-09-06T09:05:07"),
    ])
    func aMorningOrAfternoonWordBeforeTheTimeIsRead(text: String, expected: String) throws {
        // The ko-KR default clock (and ja-JP, zh-CN 12-hour clocks) writes 오후/午後/下午 before h:mm:ss.
        let time = try #require(ClientReport.parseReportTime(text), "\(text)")
        #expect(time.iso8601(fractionDigits: 0).hasPrefix(expected), "\(text) → \(time.iso8601(fractionDigits: 0))")
    }
}
