import Diagnosis
import EventImport
import Foundation
import Testing

/// Small synthetic cases for the behaviours the issue names: skew, host-name matching,
/// local-time reports, a truncated log.
@Suite("Diagnosis behaviour")
struct DiagnosisBehaviourTests {
    static let client = "WKS-042"
    static let host = "RDSH-01.corp.example"

    /// Client log at 19:41:51–53Z; host log with background from 19:00 to 20:00 in the host's clock.
    static func tlsCase(skewSeconds: Int) -> [WinEvent] {
        func hostTime(_ minute: Int, _ second: Int) -> String {
            let total = 19 * 3600 + minute * 60 + second + skewSeconds
            return String(format: "2026-06-12T%02d:%02d:%02d.1234567Z", total / 3600, total / 60 % 60, total % 60)
        }
        let clientXML = Make.clientAttempt(
            computer: client, target: "rdsh-01", connect: "2026-06-12T19:41:51.0000000Z", disconnect: "2026-06-12T19:41:53.0000000Z")
        let hostXML = [
            Make.systemNoise(computer: host, time: hostTime(0, 0), record: 1),
            Make.stackConnection(computer: host, time: hostTime(41, 51), ip: "10.20.30.40", record: 2),
            Make.noCommonCipher(computer: host, time: hostTime(41, 52), record: 3),
            Make.systemNoise(computer: host, time: hostTime(59, 0), record: 4),
        ].joined(separator: "\r\n")
        return events(clientXML, source: "client/RDPClient.xml") + events(hostXML, source: "host/System.xml")
    }

    @Test(arguments: [0, 240, -240])
    func clockSkewIsEstimatedAndHostEvidenceIsReadInTheHostClock(skew: Int) throws {
        let diagnosis = diagnose(events: Self.tlsCase(skewSeconds: skew))
        let failure = try #require(diagnosis.failures.first)
        let estimated = try #require(failure.clockSkewSeconds)
        #expect(abs(estimated - Double(skew)) < 1)
        // 36874 lies 4 minutes off the client's clock; only the skew correction puts it in its window.
        #expect(failure.causes.first?.id == "tls-mismatch")
        #expect(failure.causes.first?.status == .likely)
        #expect(failure.context.contains { $0.contains("clock skew") })
    }

    @Test func theFailureTimeIsTheClientsClockAndTheHostsReadingIsBesideIt() throws {
        // The host's clock runs 4 minutes ahead: the user saw the error at 19:41:53 (client clock).
        let diagnosis = diagnose(events: Self.tlsCase(skewSeconds: 240))
        let failure = try #require(diagnosis.failures.first)
        #expect(failure.time.iso8601(fractionDigits: 0) == "2026-06-12T19:41:53Z")
        #expect(failure.hostTime?.iso8601(fractionDigits: 0) == "2026-06-12T19:45:53Z")
        let json = DiagnosisJSON.document(diagnosis)
        #expect(json.contains(#""time":"2026-06-12T19:41:53.000Z","hostTime":"2026-06-12T19:45:53.123Z""#))
    }

    @Test func targetTypedAsIPIsMatchedToTheHostNamedInTheTicket() throws {
        var all = Self.tlsCase(skewSeconds: 0)
        all = all.map { event in
            var copy = event
            if copy.eventID == 1024 { copy.fields[1].value = "10.20.4.22" }
            return copy
        }
        // A second host in the case, so "the only host" cannot decide.
        all += events(Make.systemNoise(computer: "FILESRV-09", time: "2026-06-12T19:30:00.0000000Z", record: 9), source: "other/System.xml")
        let ticket = TextDocument(source: "ticket.txt", text: "User on WKS-042 cannot reach rdsh-01 (10.20.4.22) since 21:40 CEST.")
        let diagnosis = diagnose(events: all, documents: [ticket])
        let failure = try #require(diagnosis.failures.first)
        #expect(failure.host == Self.host, "short name from the ticket matches the FQDN the host logs as")
        #expect(failure.context.contains { $0.contains("named as the target in ticket.txt") }, "\(failure.context)")
        #expect(failure.causes.first?.id == "tls-mismatch")
    }

    @Test func fqdnTypedByTheUserMatchesAShortComputerName() throws {
        var all = Self.tlsCase(skewSeconds: 0).map { event -> WinEvent in
            var copy = event
            if copy.computer == Self.host { copy.computer = "RDSH-01" }
            if copy.eventID == 1024 { copy.fields[1].value = "RDSH-01.CORP.EXAMPLE." }
            return copy
        }
        all += events(Make.systemNoise(computer: "FILESRV-09", time: "2026-06-12T19:30:00.0000000Z", record: 9), source: "other/System.xml")
        let diagnosis = diagnose(events: all)
        let failure = try #require(diagnosis.failures.first)
        #expect(failure.host == "RDSH-01")
        #expect(failure.context.contains { $0.contains("the server name the client used") })
    }

    static let dialog = """
        Remote Desktop Connection
        This computer can't connect to the remote computer.
        Error code: 0x904
        Extended error code: 0x7
        Timestamp: 06/12/26 09:41:53 PM
        """

    @Test func localReportTimeIsConvertedWithTheZoneInTheTicket() throws {
        let hostOnly = Self.tlsCase(skewSeconds: 0).filter { $0.computer == Self.host }
        let documents = [
            TextDocument(source: "error.txt", text: Self.dialog),
            TextDocument(source: "ticket.txt", text: "Caller in Paris (UTC+2), machine WKS-042, target RDSH-01."),
        ]
        let diagnosis = diagnose(events: hostOnly, documents: documents)
        let failure = try #require(diagnosis.failures.first)
        #expect(failure.time.iso8601(fractionDigits: 0) == "2026-06-12T19:41:53Z")
        #expect(failure.context.contains { $0.contains("UTC+2") })
        #expect(failure.causes.first?.id == "tls-mismatch")
    }

    @Test func localReportTimeWithoutZoneIsAlignedWithTheHostsConnectionRecords() throws {
        let hostOnly = Self.tlsCase(skewSeconds: 0).filter { $0.computer == Self.host }
        let diagnosis = diagnose(events: hostOnly, documents: [TextDocument(source: "error.txt", text: Self.dialog)])
        let failure = try #require(diagnosis.failures.first)
        #expect(failure.time.iso8601(fractionDigits: 0) == "2026-06-12T19:41:53Z")
        #expect(failure.context.contains { $0.contains("UTC+02:00 aligns it") })
        #expect(failure.host == Self.host, "the case holds the logs of a single host")
    }

    @Test func withoutAClientLogTheSkewIsMeasuredFromTheOnlyConnectionAgainstTheReportsTime() throws {
        // The host's clock runs 6m40s behind the report (a UTC report, no client log): the only
        // connection the host opened within ten minutes ended at 19:35:11 on its clock, so the
        // skew is about −400 s (to within the report's precision) and the host's 36874 falls in
        // tls-mismatch's window on the host's clock.
        let hostOnly = Self.tlsCase(skewSeconds: -400).filter { $0.computer == Self.host }
        let report = TextDocument(
            source: "error.txt", text: "Error code: 0x904\nExtended error code: 0x7\nTimestamp (UTC): 2026-06-12T19:41:53Z\n")
        let diagnosis = diagnose(events: hostOnly, documents: [report])
        let failure = try #require(diagnosis.failures.first)
        let skew = try #require(failure.clockSkewSeconds)
        #expect(abs(skew + 400) < 5)
        #expect(failure.context.contains { $0.contains("the reported failure time") && $0.contains("to within ±5 s") })
        #expect(failure.time.iso8601(fractionDigits: 0) == "2026-06-12T19:41:53Z", "the time stays the client's")
        #expect(failure.causes.first?.id == "tls-mismatch")
        #expect(failure.causes.first?.status == .likely)
    }

    @Test func utcOffsetOptionWins() throws {
        let hostOnly = Self.tlsCase(skewSeconds: 0).filter { $0.computer == Self.host }
        let diagnosis = diagnose(
            events: hostOnly, documents: [TextDocument(source: "error.txt", text: Self.dialog)],
            options: DiagnosisOptions(utcOffsetSeconds: 3 * 3600))
        let failure = try #require(diagnosis.failures.first)
        #expect(failure.time.iso8601(fractionDigits: 0) == "2026-06-12T18:41:53Z")
        #expect(failure.context.contains { $0.contains("--utc-offset +03:00") })
    }

    @Test func truncatedHostLogIsReportedAndWhatPrecedesTheCutStillCounts() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rdpcause-trunc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let hostXML = [
            Make.systemNoise(computer: Self.host, time: "2026-06-12T19:00:00.0000000Z", record: 1),
            Make.stackConnection(computer: Self.host, time: "2026-06-12T19:41:51.5000000Z", ip: "10.20.30.40", record: 2),
            Make.noCommonCipher(computer: Self.host, time: "2026-06-12T19:41:52.0000000Z", record: 3),
            Make.systemNoise(computer: Self.host, time: "2026-06-12T19:59:00.0000000Z", record: 4),
        ].joined(separator: "\r\n")
        let cut = String(hostXML.prefix(hostXML.count - 120))
        try Data(cut.utf8).write(to: folder.appendingPathComponent("System.xml"))
        let clientXML = Make.clientAttempt(
            computer: Self.client, target: "rdsh-01", connect: "2026-06-12T19:41:51.0000000Z", disconnect: "2026-06-12T19:41:53.0000000Z")
        try Data(clientXML.utf8).write(to: folder.appendingPathComponent("RDPClient.xml"))
        let (diagnosis, index) = diagnose([folder.path])
        #expect(index.importDiagnostics.contains { $0.kind == .truncated })
        #expect(diagnosis.warnings.contains { $0.contains("System.xml") && $0.contains("record that starts at line 4") })
        let failure = try #require(diagnosis.failures.first)
        #expect(failure.causes.first?.id == "tls-mismatch")
    }

    @Test func aDisconnectWithAnotherCodeIsAFailureAndSaysItIsNot0x904() throws {
        let clientXML = Make.clientAttempt(
            computer: Self.client, target: "rdsh-01", connect: "2026-06-12T19:41:51.0000000Z",
            disconnect: "2026-06-12T19:42:12.0000000Z", reason: 516)
        let diagnosis = diagnose(events: events(clientXML, source: "client.xml"))
        let failure = try #require(diagnosis.failures.first)
        #expect(failure.code == 516)
        #expect(failure.codeMeaning.contains("0x204"))
        #expect(failure.codeMeaning.contains("not 0x904"))
        #expect(failure.causes.first?.id == "network-path")
    }

    @Test func normalDisconnectsAreNotFailures() {
        let clientXML = Make.clientAttempt(
            computer: Self.client, target: "rdsh-01", connect: "2026-06-12T19:41:51.0000000Z",
            disconnect: "2026-06-12T20:42:12.0000000Z", reason: 2)
        let diagnosis = diagnose(events: events(clientXML, source: "client.xml"))
        #expect(diagnosis.verdict == .noFailureFound)
    }
}

@Suite("Diagnosis output safety")
struct DiagnosisOutputSafetyTests {
    @Test func hostileMachineNamesNeverReachTheExportCommand() throws {
        let hostile = "EVIL;rm -rf ~;`id`$(whoami)"
        let clientXML = Make.clientAttempt(
            computer: "WKS-042", target: hostile, connect: "2026-06-12T19:41:51.0000000Z", disconnect: "2026-06-12T19:41:53.0000000Z")
        let diagnosis = diagnose(events: events(clientXML, source: "client.xml"), options: DiagnosisOptions(host: hostile))
        #expect(diagnosis.verdict == .inconclusive)
        #expect(!diagnosis.missingLogs.isEmpty)
        for log in diagnosis.missingLogs {
            let redirect = try #require(log.command.components(separatedBy: " > ").last)
            #expect(redirect.allSatisfy { $0.isLetter || $0.isNumber || "._-".contains($0) }, "\(redirect)")
            #expect(!log.command.contains(";") && !log.command.contains("`") && !log.command.contains("$("))
        }
    }

    @Test func fieldsARecordDoesNotCarryReadNotApplicable() throws {
        let diagnosis = diagnose(events: DiagnosisBehaviourTests.tlsCase(skewSeconds: 0))
        let failure = try #require(diagnosis.failures.first)
        let meanings = failure.causes.flatMap(\.evidence).map(\.meaning) + failure.causes.map(\.summary)
        #expect(!meanings.contains { $0.contains("{") || $0.contains("}") })
    }
}
