@testable import Diagnosis
import EventImport
import Foundation
import Testing

/// A host whose clock runs tens of minutes off (outside the domain's time sync, a virtual machine
/// resumed from a snapshot): the connection that names the attempt's client still ties the
/// attempt and measures the skew, while a connection that another attempt of the client's own
/// log explains is never taken at so large a skew.
@Suite("Host clock drift")
struct HostClockDriftTests {
    static let host = AttemptIdentityTests.host
    static let t0 = AttemptIdentityTests.t0
    static let attempt = "904FB781-5C2D-4E6F-8A9B-0C1D2E3F4D01"

    /// The attempt's connection `offset` seconds off on the host's clock: RCM 261 and RdpCoreTS
    /// 131 from the client's address, then the refused NLA logon (4625 type 3 and RdpCoreTS 140).
    static func refusedLogon(at offset: Double, activity: String = attempt) -> [String] {
        let start = Make.at(t0, offset)
        return Make.connectionOpens(host: host, at: start, ip: "10.20.31.77", activity: activity) + [
            Make.badPassword(host: host, at: Make.at(start, 0.6), user: "rsharma", workstation: "WKS-077", ip: "10.20.31.77"),
            Make.nlaRejected(host: host, at: Make.at(start, 0.7), ip: "10.20.31.77", activity: activity),
        ]
    }

    /// Security records of other users an hour around the attempt, so the Security log covers it.
    static let securityCoverage = [
        Make.badPassword(host: host, at: Make.at(t0, -3500), user: "jdoe", workstation: "WKS-090", ip: "10.20.31.90"),
        Make.badPassword(host: host, at: Make.at(t0, 3500), user: "jdoe", workstation: "WKS-090", ip: "10.20.31.90"),
    ]

    @Test(arguments: [22.0 * 60, -17.0 * 60, 28.0 * 60])
    func aConnectionNamingTheClientTiesTheAttemptOnAHostTensOfMinutesOff(offset: Double) throws {
        let client = Make.clientAttempt(computer: "WKS-077", target: "rdsh-01", at: Self.t0, lasts: 1.5)
        let host = AttemptIdentityTests.background() + Self.securityCoverage + Self.refusedLogon(at: offset)
        let diagnosis = AttemptIdentityTests.diagnoseCase(client: client, host: host, documents: [ResidualCauseTests.ticket])
        let failure = try #require(diagnosis.failures.first)
        let skew = try #require(failure.clockSkewSeconds, "\(failure.context)")
        #expect(abs(skew - offset) < 1, "\(skew)")
        let top = try #require(failure.causes.first)
        #expect(top.id == "nla-credssp", "\(failure.causes.map { "\($0.id) \($0.status)" })")
        #expect(top.status == .likely, "\(top.summary)")
        #expect(failure.causes.first { $0.id == "network-path" }?.status != .likely)
    }

    @Test func aConnectionAnEarlierAttemptExplainsIsNotTakenAtALargeSkew() throws {
        // The client tried twice, 20 minutes apart. The first attempt reached the host (bad
        // password, host clock in step); the second left no trace. The first attempt's connection
        // names the client too, but it is the first attempt's: the second is not tied to it.
        let first = Make.clientAttempt(
            computer: "WKS-077", target: "rdsh-01", at: Make.at(Self.t0, -1200), lasts: 1.5, activity: "6F0C3A55-1E2B-4C4D-9E1F-0A1B2C3D0001"
        ).map { $0.replacingOccurrences(of: "<EventRecordID>2", with: "<EventRecordID>12") }
        let second = Make.clientAttempt(computer: "WKS-077", target: "rdsh-01", at: Self.t0, lasts: 21)
        let host = AttemptIdentityTests.background() + Self.securityCoverage + Self.refusedLogon(at: -1200 + 0.2)
        let diagnosis = AttemptIdentityTests.diagnoseCase(client: first + second, host: host, documents: [ResidualCauseTests.ticket])
        let late = try #require(diagnosis.failures.first { abs($0.time.ticks - (EventTimestamp(iso8601: Self.t0) ?? .epoch).ticks) < 60 * EventTimestamp.ticksPerSecond })
        #expect(late.clockSkewSeconds.map { abs($0) < 600 } ?? true, "\(late.context)")
        #expect(late.causes.first { $0.id == "nla-credssp" }?.status != .likely, "\(late.causes.map { "\($0.id) \($0.status)" })")
    }
}
