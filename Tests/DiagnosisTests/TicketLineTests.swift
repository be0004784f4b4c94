import Diagnosis
import EventImport
import Foundation
import Testing

/// A ticket line with its fields set apart by `|` ("Benutzer: bob | Rechner: WKS-202 | Ziel: … |
/// Meldung: error-bob.txt") is one line: the report it names goes with its user, client and
/// target, and a failure whose own line names a target is never given another line's host.
@Suite("Ticket lines with fields")
struct TicketLineTests {
    static let t0 = AttemptIdentityTests.t0
    static let rdsh01 = "RDSH-01.corp.example"
    static let finsrv = "FINSRV-01"

    /// RDSH-01: alice's TLS failure half an hour before `t0`, its RDP logs covering `t0` too;
    /// FINSRV-01: only its System log, covering `t0`.
    static func hostLogs() -> [WinEvent] {
        let rdsh01 = AttemptIdentityTests.background(Self.rdsh01)
            + Make.connectionOpens(host: Self.rdsh01, at: Make.at(t0, -1800), ip: "10.20.31.101", activity: "904FB781-5C2D-4E6F-8A9B-0C1D2E3F0011")
            + [Make.noCommonCipher(computer: Self.rdsh01, time: Make.at(t0, -1799.8), record: 700)]
        let finsrv = [
            Make.systemNoise(computer: Self.finsrv, time: Make.at(t0, -3000), record: 11),
            Make.systemNoise(computer: Self.finsrv, time: Make.at(t0, 2000), record: 12),
        ]
        return events(rdsh01.joined(separator: "\r\n"), source: "Server_RDSH-01/host.xml")
            + events(finsrv.joined(separator: "\r\n"), source: "Server_FINSRV-01/System.xml")
    }

    static let ticket = TextDocument(
        source: "ticket.txt",
        text: """
            Ticket 89029 – zwei Meldungen zu Remotedesktop

            Benutzer: alice | Rechner: WKS-101 | Ziel: RDSH-01 | Meldung: Fehler_alice.txt
            Benutzer: bob | Rechner: WKS-202 | Ziel: 10.20.4.99 | Meldung: Fehler_bob.txt
            """)

    static func diagnosis() -> Diagnosis {
        diagnose(
            events: hostLogs(),
            documents: [
                ticket,
                TextDocument(source: "Fehler_alice.txt", text: TicketReadingTests.windowsApp(String(Make.at(t0, -1799).prefix(19)) + "Z")),
                TextDocument(source: "Fehler_bob.txt", text: TicketReadingTests.windowsApp(String(Make.at(t0, 2).prefix(19)) + "Z")),
            ])
    }

    @Test func theReportNamedOnALineOfFieldsGoesWithThatLinesClient() throws {
        let diagnosis = Self.diagnosis()
        let bob = try #require(diagnosis.failures.first { $0.anchors.contains { $0.origin.source == "Fehler_bob.txt" } })
        #expect(bob.context.contains("ticket line 4 of ticket.txt goes with this failure"), "\(bob.context)")
        #expect(bob.client == "WKS-202", "\(bob.context)")
    }

    @Test func aTargetOnlyItsOwnLineNamesIsNotReplacedByAnotherLinesHost() throws {
        // Bob typed an address no record in the case carries; RDSH-01 is alice's host. Its logs
        // cover bob's failure and hold nothing from him, but that silence is not bob's: his
        // host's RDP logs are not in the case, so no cause may rest on their absence.
        let diagnosis = Self.diagnosis()
        let bob = try #require(diagnosis.failures.first { $0.anchors.contains { $0.origin.source == "Fehler_bob.txt" } })
        #expect(bob.host == "10.20.4.99", "\(bob.context)")
        #expect(bob.verdict == .inconclusive)
        let networkPath = try #require(bob.causes.first { $0.id == "network-path" })
        #expect(networkPath.status != .likely, "\(networkPath.summary)")
        #expect(!networkPath.evidence.contains { $0.role == .missing }, "\(networkPath.evidence.map(\.meaning))")
        #expect(
            diagnosis.missingLogs.contains {
                $0.machine == "10.20.4.99" && $0.channel == "Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational"
            }, "\(diagnosis.missingLogs.map { "\($0.machine) \($0.channel)" })")
        let alice = try #require(diagnosis.failures.first { $0.anchors.contains { $0.origin.source == "Fehler_alice.txt" } })
        #expect(alice.host == Self.rdsh01, "\(alice.context)")
        #expect(alice.causes.first?.id == "tls-mismatch")
    }
}
