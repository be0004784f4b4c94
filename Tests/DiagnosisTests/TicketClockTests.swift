@testable import Diagnosis
import EventImport
import Testing

/// A ticket that gives the time of day of the failure it reports ("at 21:41 CEST", no date) picks
/// that failure among several in the client's log, in the ticket's zone only.
@Suite("A ticket's time of day")
struct TicketClockTests {
    static let t0 = AttemptIdentityTests.t0  // 19:41:51Z, 21:41 in CEST
    static let later = Make.at(t0, 1200)

    static func client() -> [String] {
        Make.clientAttempt(computer: "WKS-077", target: "rdsh-01", at: t0, lasts: 2)
            + Make.clientAttempt(computer: "WKS-077", target: "rdsh-01", at: later, lasts: 2, activity: "6F0C3A55-1E2B-4C4D-9E1F-0A1B2C3D4E60")
    }

    @Test(arguments: ["WKS-077 could not connect to rdsh-01 at 21:41 CEST.", "WKS-077 -> rdsh-01: failed around 9:43 PM (CEST)"])
    func theFailureAtTheTicketsTimeOfDayIsDiagnosedFirst(text: String) throws {
        let ticket = TextDocument(source: "ticket.txt", text: text)
        let diagnosis = AttemptIdentityTests.diagnoseCase(client: Self.client(), host: AttemptIdentityTests.background(), documents: [ticket])
        #expect(diagnosis.failures.count == 2)
        let first = try #require(diagnosis.failures.first)
        #expect(first.time.description.hasPrefix("2026-06-12T19:41:5"), "\(diagnosis.failures.map(\.time))")
        #expect(first.context.contains { $0.contains("ticket.txt gives the time of day") }, "\(first.context)")
    }

    @Test(arguments: [
        "WKS-077 could not connect to rdsh-01 at 21:41.",  // no zone: the time of day could name either
        "WKS-077 could not connect to rdsh-01 on 2026-06-12 21:41 CEST.",  // after a date: not a time of day alone
        "WKS-077 could not connect to rdsh-01 at 23:30 CEST.",  // names neither
    ])
    func otherwiseTheLatestFailureIsDiagnosedFirst(text: String) throws {
        let ticket = TextDocument(source: "ticket.txt", text: text)
        let diagnosis = AttemptIdentityTests.diagnoseCase(client: Self.client(), host: AttemptIdentityTests.background(), documents: [ticket])
        let first = try #require(diagnosis.failures.first)
        #expect(first.time.description.hasPrefix("2026-06-12T20:01:5"), "\(diagnosis.failures.map(\.time))")
        #expect(!first.context.contains { $0.contains("gives the time of day") })
    }
}
