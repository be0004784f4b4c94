import Diagnosis
import EventImport
import Foundation
import Testing

/// "No failure", "failure not located" and hearsay are told apart; one attempt reported twice is
/// one failure.
@Suite("Failure located, not located, or not there")
struct FailureLocationTests {
    static let host = "RDSH-05.corp.example"
    static let t0 = "2026-06-12T19:41:51.0000000Z"

    static func hostLogs() -> [String] {
        AttemptIdentityTests.background(host)
            + Make.healthySession(host: host, at: Make.at(t0, -600), ip: "10.20.31.17", user: "bmueller", activity: "FFAC90A4-7777-4C4D-9E1F-0A1B2C3D0007")
            + Make.healthySession(host: host, at: Make.at(t0, 120), ip: "10.20.31.15", user: "dkim", activity: "FFAC90A4-8888-4C4D-9E1F-0A1B2C3D0008", endsAfter: 900)
    }

    @Test func aTicketThatOnlyMentions0x904WhileTheClientLogShowsCleanDisconnectsIsNoFailure() throws {
        // The user says 0x904 at 21:40 CEST; the client's own log covers that time and shows two
        // connections that ended normally (reason 1 logoff, reason 2 remote disconnect by the user).
        let client = Make.clientAttempt(computer: "WKS-015", target: "rdsh-05", at: Make.at(Self.t0, -1800), lasts: 900, reason: 1, connected: true)
            + Make.clientAttempt(
                computer: "WKS-015", target: "rdsh-05", at: Make.at(Self.t0, 120), lasts: 900, reason: 2, connected: true,
                activity: "7A1C3B55-1E2B-4C4D-9E1F-0A1B2C3D4E60")
        let ticket = TextDocument(
            source: "ticket.txt", text: "D. Kim (WKS-015) reports error 0x904 connecting to RDSH-05 on 12.06.2026 21:40 CEST. No screenshot.")
        let diagnosis = diagnose(
            events: events(client.joined(separator: "\r\n"), source: "WKS-015/RDPClient.xml")
                + events(Self.hostLogs().joined(separator: "\r\n"), source: "RDSH-05/host.xml"),
            documents: [ticket])
        #expect(diagnosis.verdict == .noFailureFound)
        #expect(diagnosis.failures.isEmpty)
        #expect(diagnosis.notes.contains { $0.contains("WKS-015's Remote Desktop client log covers") && $0.contains("disconnect reasons 1, 2") })
        #expect(diagnosis.notes.contains { $0.contains("ticket.txt mentions 0x904") })
        #expect(diagnosis.notes.contains { $0.contains("RDSH-05.corp.example: Security covers") })
        // The verdict cites the records it rests on: the client's two clean disconnects, from its own log.
        #expect(diagnosis.noFailureEvidence.map(\.eventID) == [1026, 1026])
        #expect(diagnosis.noFailureEvidence.allSatisfy { $0.origin.source == "WKS-015/RDPClient.xml" && $0.role == .supports })
        #expect(diagnosis.noFailureEvidence.map(\.meaning).last?.contains("disconnect reason 2, remote disconnection by the user") == true)
    }

    @Test func noReportAndNoClientLogIsAFailureNotLocatedWithHostCandidates() throws {
        // Only the host's logs and a ticket: the failure is somewhere on 12.06.2026. The host shows
        // other users' healthy sessions, one refused logon, a profile error followed by a quick
        // logoff, and a Remote Desktop Services crash: candidates, not a verdict.
        let activity = "FFAC90A4-9999-4C4D-9E1F-0A1B2C3D0009"
        let host = Self.hostLogs() + [
            Make.badPassword(host: Self.host, at: Make.at(Self.t0, -3600), user: "lkoch", workstation: "WKS-201", ip: "10.20.31.201"),
            Make.profileError(host: Self.host, at: Make.at(Self.t0, 300)),
            Make.logoff(host: Self.host, at: Make.at(Self.t0, 340), user: "lkoch", activity: activity),
            Make.termServiceCrashed(host: Self.host, at: Make.at(Self.t0, 1500)),
        ]
        let ticket = TextDocument(
            source: "ticket.txt", text: "Ticket 4471: L. Koch, laptop WKS-201, gets 0x904 on RDSH-05 since the morning of 2026-06-12.")
        let diagnosis = diagnose(events: events(host.joined(separator: "\r\n"), source: "RDSH-05/host.xml"), documents: [ticket])
        #expect(diagnosis.verdict == .inconclusive)
        #expect(diagnosis.failures.isEmpty, "a failure is never placed on a host record of a connection that may have succeeded")
        #expect(diagnosis.notes.first?.hasPrefix("failure not located") == true)
        #expect(diagnosis.notes.contains { $0.contains("--time") && $0.contains("RDPClient") && $0.contains("error text") })
        let candidates = diagnosis.candidates.map(\.eventID)
        #expect(candidates.contains(4625) && candidates.contains(1502) && candidates.contains(7034), "\(candidates)")
        #expect(diagnosis.candidates.contains { $0.eventID == 1502 && $0.meaning.contains("followed by a logoff") })
        #expect(!candidates.contains(1149) && !candidates.contains(21), "healthy sessions are not candidates")
        let missing = try #require(diagnosis.missingLogs.first)
        #expect(missing.machine == "WKS-201")
        #expect(missing.channel == "Microsoft-Windows-TerminalServices-RDPClient/Operational")
    }

    @Test func aHostOnlyCaseWithoutAnyDocumentIsNotLocatedEither() {
        let diagnosis = diagnose(events: events(Self.hostLogs().joined(separator: "\r\n"), source: "RDSH-05/host.xml"))
        #expect(diagnosis.verdict == .inconclusive)
        #expect(diagnosis.failures.isEmpty)
        #expect(diagnosis.missingLogs.contains { $0.channel == "Microsoft-Windows-TerminalServices-RDPClient/Operational" })
    }

    @Test func aClientLogThatDoesNotCoverTheTicketsTimeDoesNotProveThereWasNoFailure() {
        // The client's log ends two days before the day the ticket names.
        let client = Make.clientAttempt(computer: "WKS-015", target: "rdsh-05", at: "2026-06-10T08:00:00.0000000Z", lasts: 600, reason: 1, connected: true)
        let ticket = TextDocument(source: "ticket.txt", text: "WKS-015 cannot connect to RDSH-05 (0x904) on 2026-06-12 at 21:40 CEST.")
        let diagnosis = diagnose(
            events: events(client.joined(separator: "\r\n"), source: "WKS-015/RDPClient.xml")
                + events(Self.hostLogs().joined(separator: "\r\n"), source: "RDSH-05/host.xml"),
            documents: [ticket])
        #expect(diagnosis.verdict == .inconclusive)
        #expect(diagnosis.failures.isEmpty)
        #expect(diagnosis.notes.first?.contains("does not cover the ticket's time") == true, "\(diagnosis.notes)")
    }

    @Test func theTextAndJSONFormsOfOneAttemptAreOneFailure() throws {
        let sample = repositoryRoot.appendingPathComponent("SampleLogs/rdp-service-down").path
        let (diagnosis, _) = diagnose([sample])
        #expect(diagnosis.failures.count == 1)
        let failure = try #require(diagnosis.failures.first)
        #expect(failure.context.contains { $0.contains("reports the same attempt (ActivityID 16298C28-A420-28A2-B168-50C03CB70000)") })
    }

    @Test func reportsWithoutActivityIDAreOneAttemptOnlyAtTheSameMoment() throws {
        let text = TextDocument(source: "error.txt", text: "Error code: 0x904\nExtended error code: 0x7\nTimestamp (UTC): 2026-06-12T19:41:53Z\n")
        let json = TextDocument(
            source: "error.json", text: #"{"code":"0x904","extendedCode":"0x7","timestamp":"2026-06-12T19:41:53.4Z","timestampIsUtc":true,"host":"rdsh-05"}"#)
        let later = TextDocument(source: "retry.txt", text: "Error code: 0x904\nExtended error code: 0x7\nTimestamp (UTC): 2026-06-12T20:12:05Z\n")
        let diagnosis = diagnose(events: events(Self.hostLogs().joined(separator: "\r\n"), source: "RDSH-05/host.xml"), documents: [text, json, later])
        #expect(diagnosis.failures.count == 2)
        #expect(diagnosis.failures.contains { $0.context.contains { $0.contains("reports the same attempt (same code and time)") } })
    }
}

/// A user's note in prose that gives both codes and the time the dialog showed is a failure report.
@Suite("A user's note as a failure report")
struct UserNoteReportTests {
    static let note = """
        Hallo Service Desk,

        seit heute früh komme ich nicht mehr per Remotedesktop auf rdsh-05. Es erscheint jedes Mal die Meldung mit den Codes 0x904 und 0x7.
        Uhrzeit laut Meldung: 12.06.2026 21:41:53

        Viele Grüße
        """

    @Test func aNoteWithBothCodesAndATimeIsAReportAtThatTime() throws {
        let ticket = TextDocument(source: "ticket.txt", text: "Benutzer: dkim\nZiel: RDSH-05\nGemeldet am 12.06.2026 21:45 MESZ.\n")
        let diagnosis = diagnose(
            events: events(FailureLocationTests.hostLogs().joined(separator: "\r\n"), source: "RDSH-05/host.xml"),
            documents: [TextDocument(source: "Nachricht.txt", text: Self.note), ticket])
        let failure = try #require(diagnosis.failures.first, "\(diagnosis.notes)")
        #expect(failure.code == 0x904)
        #expect(failure.extendedCode == 0x7)
        #expect(failure.time.iso8601(fractionDigits: 0) == "2026-06-12T19:41:53Z")
        #expect(failure.context.contains { $0.contains("Nachricht.txt is the user's note") })
        #expect(!diagnosis.notes.contains { $0.hasPrefix("failure not located") })
    }

    @Test func aNoteWithoutATimeOrWithoutTheExtendedCodeStaysAMention() {
        let untimed = Self.note.replacingOccurrences(of: "Uhrzeit laut Meldung: 12.06.2026 21:41:53", with: "")
        let oneCode = Self.note.replacingOccurrences(of: " und 0x7", with: "")
        for text in [untimed, oneCode] {
            let diagnosis = diagnose(
                events: events(FailureLocationTests.hostLogs().joined(separator: "\r\n"), source: "RDSH-05/host.xml"),
                documents: [TextDocument(source: "Nachricht.txt", text: text)])
            #expect(diagnosis.failures.isEmpty, "\(text)")
            #expect(diagnosis.notes.first?.hasPrefix("failure not located") == true, "\(diagnosis.notes)")
        }
    }
}
