import Diagnosis
import EventImport
import Foundation
import Testing

/// The absence of a connection record is evidence only on the target host, and only while that
/// host's RDP logs cover the failure: a log that ends before it shows nothing about the attempt.
@Suite("Absence needs the target's covering logs")
struct AbsenceCoverageTests {
    static let t0 = AttemptIdentityTests.t0
    static let host = AttemptIdentityTests.host

    @Test func rdpLogsThatEndBeforeTheFailureShowNoAbsence() throws {
        // The host's RCM and RdpCoreTS logs end 90 minutes before the failure (an export cut
        // short); its System log runs on past it.
        let client = Make.clientAttempt(computer: "WKS-042", target: "rdsh-01", at: Self.t0, lasts: 2)
        let host = Make.connectionOpens(host: Self.host, at: Make.at(Self.t0, -5400), ip: "185.220.101.47", activity: "F420BF63-3A1C-4C5E-9D10-2B7A40570000")
            + [Make.systemNoise(computer: Self.host, time: Make.at(Self.t0, -6000), record: 1), Make.systemNoise(computer: Self.host, time: Make.at(Self.t0, 2500), record: 2)]
        let diagnosis = AttemptIdentityTests.diagnoseCase(client: client, host: host)
        let failure = try #require(diagnosis.failures.first)
        #expect(failure.host == Self.host, "\(failure.context)")
        let network = try #require(failure.causes.first { $0.id == "network-path" })
        #expect(network.status != .likely, "\(network.summary)")
        #expect(!network.evidence.contains { $0.role == .missing }, "\(network.evidence.map(\.meaning))")
        #expect(diagnosis.verdict == .inconclusive)
        #expect(
            diagnosis.missingLogs.contains { $0.machine == Self.host && $0.channel == "Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational" },
            "\(diagnosis.missingLogs.map { "\($0.machine) \($0.channel)" })")
    }
}
