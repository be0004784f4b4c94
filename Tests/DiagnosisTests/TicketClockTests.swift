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

    /// The case of the two failures, with `text` as its ticket.
    static func diagnose(ticket text: String) -> Diagnosis {
        let ticket = TextDocument(source: "ticket.txt", text: text)
        return AttemptIdentityTests.diagnoseCase(client: client(), host: AttemptIdentityTests.background(), documents: [ticket])
    }

    @Test(arguments: ["WKS-077 could not connect to rdsh-01 at 21:41 CEST.", "WKS-077 -> rdsh-01: failed around 9:43 PM (CEST)"])
    func theFailureAtTheTicketsTimeOfDayIsDiagnosedFirst(text: String) throws {
        let diagnosis = Self.diagnose(ticket: text)
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
        let diagnosis = Self.diagnose(ticket: text)
        let first = try #require(diagnosis.failures.first)
        #expect(first.time.description.hasPrefix("2026-06-12T20:01:5"), "\(diagnosis.failures.map(\.time))")
        #expect(!first.context.contains { $0.contains("gives the time of day") })
    }

    @Test(arguments: [
        "WKS-077 failed at 21:41 CEST, tried again at 22:01, ignore that one.",  // the second time set aside
        "Please ignore the 22:01 attempt. WKS-077 could not connect to rdsh-01 (times in CEST).",  // only the set-aside time
        "WKS-077 could not connect to rdsh-01 at 21:41. All times are CEST.",  // a time at a sentence's end
    ])
    func aTimeTheTicketSetsAsideIsNotTheReportedFailure(text: String) throws {
        let diagnosis = Self.diagnose(ticket: text)
        #expect(diagnosis.failures.count == 2)
        let first = try #require(diagnosis.failures.first)
        #expect(first.time.description.hasPrefix("2026-06-12T19:41:5"), "\(diagnosis.failures.map(\.time))")
    }

    @Test("the mirror: the earlier time set aside in the next sentence, the later one kept")
    func theEarlierTimeSetAside() throws {
        let text = "At 21:41 CEST WKS-077 failed to connect to rdsh-01; that is not this ticket. At 22:01 it failed again, check that one."
        let diagnosis = Self.diagnose(ticket: text)
        let first = try #require(diagnosis.failures.first)
        #expect(first.time.description.hasPrefix("2026-06-12T20:01:5"), "\(diagnosis.failures.map(\.time))")
        #expect(first.context.contains { $0.contains("gives the time of day 22:01") }, "\(first.context)")
        let second = try #require(diagnosis.failures.last)
        #expect(second.context.contains { $0.contains("sets it aside") }, "\(second.context)")
    }

    @Test("which times a ticket sets aside: its own clause's, else the latest clause's that gave one")
    func disowningReadsClauses() {
        func disowned(_ text: String) -> [String] {
            TicketTime.clocksWithoutDate(in: TextDocument(source: "t.txt", text: text)).map { "\($0.text)\($0.disowned ? "-" : "+")" }
        }
        #expect(disowned("first at 09:28 (wrong password), tried again at 09:48, ignore that one") == ["09:28+", "09:48-"])
        #expect(disowned("At 09:50 it failed. That is not this ticket.\nAt 10:25 it failed again.") == ["09:50-", "10:25+"])
        #expect(disowned("Bitte 09:28 ignorieren; um 09:48 ging es wieder nicht.") == ["09:28-", "09:48+"])
        #expect(disowned("failed at 9:15 PM. tried 9:40 PM: same") == ["9:15 PM+", "9:40 PM+"])
        #expect(disowned("on 12.06.2026 21:40, again at 21:55.") == ["21:55+"])
        #expect(disowned("ignore this line; nothing else") == [])
        // Whole words only.
        #expect(disowned("It worked yesterday but not this morning, it failed at 09:28") == ["09:28+"])
        #expect(disowned("the user ignored the warning at 09:28 and retried at 09:40") == ["09:28+", "09:40+"])
    }
}
