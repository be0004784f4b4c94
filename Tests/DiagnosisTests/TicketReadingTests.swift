import Diagnosis
import EventImport
import Foundation
import Testing

/// Tickets are read as a person reads them: labelled fields in English and German, several users
/// and hosts, IP-only targets, targets without logs, and ticket ids that are not machines.
@Suite("Reading tickets")
struct TicketReadingTests {
    static func hints(_ text: String) -> TicketHints {
        var hints = TicketHints()
        hints.read(TextDocument(source: "ticket.txt", text: text))
        return hints
    }

    @Test func germanLabelledFieldsNameUserClientAddressAndTarget() {
        let hints = Self.hints(
            """
            Vorgang: INC0051234
            Benutzer: CORP\\mmueller
            Rechner: PC-0815
            IP: 10.20.31.58
            Ziel: RDSH-01 (10.20.4.21)
            Fehler seit 08:15 MESZ, Neustart hilft nicht.
            """)
        #expect(hints.users.map(\.value) == ["CORP\\mmueller"])
        #expect(hints.clients.map(\.value) == ["PC-0815"])
        #expect(hints.clientAddresses.map(\.value) == ["10.20.31.58"])
        #expect(hints.targets.map(\.value) == ["RDSH-01", "10.20.4.21"])
        #expect(hints.utcOffset?.seconds == 7200)
        #expect(hints.ticketIDs.contains("INC0051234"))
        #expect(!hints.names.map(\.name).contains("INC0051234"))
    }

    @Test func englishLabelsArrowsAndWordsAroundNames() {
        let hints = Self.hints(
            """
            Ticket IN-55302 | Priority: P3
            User: alice (CORP\\alice)
            Device: LT-HOME-22
            Target server: DESIGN-PC-03
            Also: WKS-101 -> RDSH-01, and Emma connects from WKS-310 to RDSH-03.
            """)
        #expect(hints.ticketIDs.contains("IN-55302"))
        #expect(!hints.names.map(\.name).contains("IN-55302"), "a ticket id is not a machine name")
        #expect(hints.users.map(\.value).contains("alice"))
        #expect(hints.clients.map(\.value) == ["LT-HOME-22", "WKS-101", "WKS-310"])
        #expect(hints.targets.map(\.value) == ["DESIGN-PC-03", "RDSH-01", "RDSH-03"])
    }

    @Test(arguments: ["INC0048211  |  Priority: P3", "Ticket IN-55302 | Bengaluru", "Ticket #77120 (Service Desk)", "RT-4471 opened"])
    func ticketIDsAreNotMachineNames(text: String) {
        #expect(Self.hints(text).names.isEmpty, "\(Self.hints(text).names.map(\.name))")
    }

    static let t1 = "2026-06-12T07:41:51.0000000Z"
    static let t2 = "2026-06-12T08:12:05.0000000Z"

    /// RDSH-01: a TLS failure at t1 from alice's WKS-101; RDSH-02: bob's refused logon at t2.
    static func twoHosts() -> [WinEvent] {
        let first = "904FB781-5C2D-4E6F-8A9B-0C1D2E3F0001"
        let second = "904FB781-5C2D-4E6F-8A9B-0C1D2E3F0002"
        let rdsh01 = AttemptIdentityTests.background("RDSH-01.corp.example")
            + Make.connectionOpens(host: "RDSH-01.corp.example", at: Make.at(t1, 0.2), ip: "10.20.31.101", activity: first)
            + [Make.noCommonCipher(computer: "RDSH-01.corp.example", time: Make.at(t1, 0.4), record: 700)]
        let rdsh02 = AttemptIdentityTests.background("RDSH-02.corp.example")
            + Make.connectionOpens(host: "RDSH-02.corp.example", at: Make.at(t2, 0.2), ip: "10.20.31.202", activity: second)
            + [
                Make.badPassword(host: "RDSH-02.corp.example", at: Make.at(t2, 1.5), user: "bob", workstation: "WKS-202", ip: "10.20.31.202"),
                Make.nlaRejected(host: "RDSH-02.corp.example", at: Make.at(t2, 1.6), ip: "10.20.31.202", activity: second),
            ]
        return events(rdsh01.joined(separator: "\r\n"), source: "RDSH-01/host.xml") + events(rdsh02.joined(separator: "\r\n"), source: "RDSH-02/host.xml")
    }

    static func windowsApp(_ time: String) -> String {
        "Error code: 0x904\r\nExtended error code: 0x7\r\nTimestamp (UTC): \(time)\r\n"
    }

    @Test func eachReportGoesToTheHostOnItsTicketLine() throws {
        let ticket = TextDocument(
            source: "ticket.txt",
            text: """
                Two users cannot connect since this morning.
                error-alice.txt: alice on WKS-101 -> RDSH-01
                error-bob.txt: bob on WKS-202 -> RDSH-02
                """)
        let diagnosis = diagnose(
            events: Self.twoHosts(),
            documents: [
                ticket, TextDocument(source: "error-alice.txt", text: Self.windowsApp("2026-06-12T07:41:52Z")),
                TextDocument(source: "error-bob.txt", text: Self.windowsApp("2026-06-12T08:12:07Z")),
            ])
        #expect(diagnosis.failures.count == 2)
        let bob = try #require(diagnosis.failures.first { $0.anchors.contains { $0.origin.source == "error-bob.txt" } })
        let alice = try #require(diagnosis.failures.first { $0.anchors.contains { $0.origin.source == "error-alice.txt" } })
        #expect(bob.host == "RDSH-02.corp.example", "\(bob.context)")
        #expect(bob.client == "WKS-202")
        #expect(bob.causes.first?.id == "nla-credssp")
        #expect(alice.host == "RDSH-01.corp.example", "\(alice.context)")
        #expect(alice.causes.first?.id == "tls-mismatch")
    }

    @Test func severalNamedHostsAreRankedByTheTracesOfAnAttemptAtTheTime() throws {
        let ticket = TextDocument(source: "ticket.txt", text: "Target: RDSH-01 or RDSH-02 (the user is not sure which one failed)")
        let diagnosis = diagnose(events: Self.twoHosts(), documents: [ticket, TextDocument(source: "error.txt", text: Self.windowsApp("2026-06-12T08:12:07Z"))])
        let failure = try #require(diagnosis.failures.first)
        #expect(failure.host == "RDSH-02.corp.example", "\(failure.context)")
        #expect(failure.context.contains { $0.contains("strongest trace of an attempt") })
        #expect(failure.causes.first?.id == "nla-credssp")
    }

    @Test func aTargetTypedAsAnAddressIsTheHostWhoseRecordsCarryIt() throws {
        // Earlier the same client reached rdsh-01 by name, and its 1102 recorded the address the
        // name resolved to; today the user typed the address. A second server's logs are in the case.
        let earlier = Make.clientAttempt(
            computer: "WKS-042", target: "rdsh-01", at: "2026-06-12T06:02:11.0000000Z", lasts: 1800, reason: 1, connected: true,
            activity: "59288327-0E1F-4A2B-9C3D-4E5F60718293")
        let address = Make.event(
            provider: Make.clientProvider, id: 1102, channel: Make.clientChannel, computer: "WKS-042", time: "2026-06-12T06:02:12.4000000Z",
            record: 30, data: [("Name", "ServerAddress"), ("Value", "10.20.4.21"), ("CustomLevel", "Info")],
            activity: "59288327-0E1F-4A2B-9C3D-4E5F60718293")
        let failing = Make.clientAttempt(computer: "WKS-042", target: "10.20.4.21", at: AttemptIdentityTests.t0, lasts: 2)
        let client = events((earlier + [address] + failing).joined(separator: "\r\n"), source: "WKS-042/RDPClient.xml")
        let host = events(AttemptIdentityTests.background().joined(separator: "\r\n"), source: "RDSH-01/host.xml")
        let other = events(Make.systemNoise(computer: "FILESRV-09", time: "2026-06-12T19:30:00.0000000Z", record: 9), source: "FILESRV-09/System.xml")
        let diagnosis = diagnose(events: client + host + other)
        let failure = try #require(diagnosis.failures.first)
        #expect(failure.host == "RDSH-01.corp.example", "\(failure.context)")
        #expect(failure.context.contains { $0.contains("records carry that address") })
    }

    @Test func aNamedTargetWithoutLogsKeepsItsNameAndGetsTheExportCommands() throws {
        let ticket = TextDocument(source: "ticket.txt", text: "User: L. Oberg\nTarget: CRM-TS01 (vendor-owned, no logs yet)")
        let report = TextDocument(source: "error.txt", text: Self.windowsApp("2026-12-01T15:40:18Z"))
        let diagnosis = diagnose(events: [], documents: [ticket, report])
        let failure = try #require(diagnosis.failures.first)
        #expect(failure.host == "CRM-TS01")
        #expect(diagnosis.missingLogs.contains { $0.machine == "CRM-TS01" && $0.command.hasSuffix("CRM-TS01-System.xml") })
    }

    @Test func aUserNamedInTheTicketTiesTheAttemptOnABusyHost() throws {
        // Nothing but the ticket names the client: its user's refused logon is the attempt, the
        // colleague's refused logon a few seconds later is not.
        let ticket = TextDocument(source: "ticket.txt", text: "Benutzer: CORP\\rsharma\nZiel: RDSH-01")
        let start = "2026-06-12T19:41:50.0000000Z"
        let host = AttemptIdentityTests.background()
            + Make.connectionOpens(host: AttemptIdentityTests.host, at: start, ip: "10.20.31.77", activity: "904FB781-5C2D-4E6F-8A9B-0C1D2E3F0003")
            + [Make.badPassword(host: AttemptIdentityTests.host, at: Make.at(start, 1.5), user: "rsharma", workstation: "WKS-077", ip: "10.20.31.77")]
            + Make.connectionOpens(host: AttemptIdentityTests.host, at: Make.at(start, 4), ip: "10.20.31.90", activity: "904FB781-5C2D-4E6F-8A9B-0C1D2E3F0004")
            + [Make.badPassword(host: AttemptIdentityTests.host, at: Make.at(start, 5.5), user: "jdoe", workstation: "WKS-090", ip: "10.20.31.90")]
        let diagnosis = diagnose(
            events: events(host.joined(separator: "\r\n"), source: "RDSH-01/host.xml"),
            documents: [ticket, TextDocument(source: "error.txt", text: Self.windowsApp("2026-06-12T19:41:53Z"))])
        let failure = try #require(diagnosis.failures.first)
        #expect(failure.context.contains { $0.contains("user rsharma (ticket.txt, line 1)") }, "\(failure.context)")
        #expect(failure.context.contains { $0.contains("client address 10.20.31.77") })
        let top = try #require(failure.causes.first)
        #expect(top.id == "nla-credssp")
        #expect(!top.evidence.contains { $0.meaning.contains("jdoe") })
    }
}

/// The user's report: dates that read both ways, and labels in a language rdpcause does not know.
@Suite("Reading error reports")
struct ReportReadingTests {
    static let clientLog = Make.clientAttempt(
        computer: "WKS-042", target: "rdsh-01", connect: "2026-06-12T19:41:51.0000000Z", disconnect: "2026-06-12T19:41:53.0000000Z")

    static func hostOnly() -> [WinEvent] { DiagnosisBehaviourTests.tlsCase(skewSeconds: 0).filter { $0.computer == DiagnosisBehaviourTests.host } }

    @Test func theClientsOwnLogSettlesADateThatReadsBothWays() throws {
        // A 24-hour mstsc time stamp from a day-first locale: 12 June, not 6 December.
        let report = TextDocument(source: "error.txt", text: "Error code: 0x904\nExtended error code: 0x7\nTimestamp: 12/06/26 21:41:53\n")
        let diagnosis = diagnose(events: events(Self.clientLog, source: "WKS-042/RDPClient.xml") + Self.hostOnly(), documents: [report])
        #expect(diagnosis.failures.count == 1, "the report and the client's 1026 are one failure")
        let failure = try #require(diagnosis.failures.first)
        #expect(failure.context.contains { $0.contains("reads both ways") && $0.contains("holds the failure day first") }, "\(failure.context)")
        #expect(failure.time.iso8601(fractionDigits: 0) == "2026-06-12T19:41:53Z")
    }

    @Test(arguments: [
        ("Timestamp: 12/06/26 21:41:53", "read day first", "2026-06-12T19:41:53Z"),
        ("Timestamp: 06/12/26 09:41:53 PM", "read month first", "2026-06-12T19:41:53Z"),
    ])
    func withoutAClientLogTheClockDecidesAndTheAmbiguityIsSaid(line: String, reading: String, utc: String) throws {
        let report = TextDocument(source: "error.txt", text: "Error code: 0x904\nExtended error code: 0x7\n\(line)\n")
        let ticket = TextDocument(source: "ticket.txt", text: "Caller in Paris (CEST).")
        let failure = try #require(diagnose(events: Self.hostOnly(), documents: [report, ticket]).failures.first)
        #expect(failure.context.contains { $0.contains(reading) && $0.contains("the date is ambiguous") }, "\(failure.context)")
        #expect(failure.time.iso8601(fractionDigits: 0) == utc)
    }

    @Test func aReportInAnUnknownLanguageIsRecognisedByItsCodesAndTimestamp() throws {
        // The labels stand for any language rdpcause has no authentic strings for (they are not
        // claimed to be Windows' own translation); the codes, the UTC time stamp and the activity
        // id are what every language shares.
        let text = """
            No se puede conectar al equipo remoto.

            Código de error: 0x904
            Código de error extendido: 0x7
            Marca de tiempo (UTC): 2026-06-12T19:41:53.000Z
            Id. de actividad: {6f0c3a55-1e2b-4c4d-9e1f-0a1b2c3d4e5f}
            """
        let diagnosis = diagnose(
            events: events(Self.clientLog, source: "WKS-042/RDPClient.xml") + Self.hostOnly(),
            documents: [TextDocument(source: "error.txt", text: text)])
        #expect(diagnosis.failures.count == 1)
        let failure = try #require(diagnosis.failures.first)
        #expect(failure.code == 0x904)
        #expect(failure.extendedCode == 7)
        #expect(failure.context.contains { $0.contains("read by its codes and timestamp") })
        #expect(failure.context.contains { $0.contains("matched to the client's disconnect record") })
    }

    @Test func aTicketThatMentionsTheCodesInProseIsNotAReport() {
        let ticket = TextDocument(source: "ticket.txt", text: "User gets 0x904 / 0x7 since 21:40.\nSee attached logs.")
        let diagnosis = diagnose(events: Self.hostOnly(), documents: [ticket])
        #expect(diagnosis.failures.isEmpty)
    }
}
