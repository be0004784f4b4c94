@testable import Diagnosis
import EventImport
import Foundation
import Testing

/// Client error reports and ticket notes are untrusted text: times and offsets out of range, or
/// not numbers at all, must end as a diagnostic, never as a trap in date arithmetic (issue 12).
@Suite("Hostile client reports and ticket notes")
struct HostileReportTests {
    static func report(timestamp: String, key: String = "Timestamp") -> TextDocument {
        TextDocument(
            source: "case/error.txt",
            text: "Remote Desktop Connection\r\nError code: 0x904\r\nExtended error code: 0x7\r\n\(key): \(timestamp)\r\n")
    }

    /// Each of these used to trap (SIGILL): `Int(Double("nan"))`, `Int(1e30)`, or tick arithmetic
    /// overflowing for year 99999 or a huge number of seconds.
    static let hostileTimestamps = [
        "06/12/26 09:41:nan PM", "06/12/26 09:41:inf PM", "06/12/26 09:41:1e30 PM", "06/12/99999 09:41:53 PM",
        "12.06.2026 21:41:99999999999", "12.06.2026 21:41:9223372036854775807", "06/12/26 09:nan:53",
        "99999999999999999999/12/26 09:41:53", "12.06.2026 99999:41:53", "2026-06-12 21:41:-5", "31.02.2026 10:00:00",
    ]

    @Test(arguments: hostileTimestamps)
    func aReportWithAnUnusableTimestampIsStillReadWithItsTimeUnknown(timestamp: String) throws {
        let reports = ClientReport.parse(Self.report(timestamp: timestamp))
        let report = try #require(reports.first)
        #expect(reports.count == 1)
        #expect(report.code == 0x904)
        #expect(report.extendedCode == 7)
        #expect(report.time == nil)
    }

    @Test(arguments: hostileTimestamps)
    func anUnusableTimestampIsReportedWithFileLineAndReason(timestamp: String) throws {
        let (reports, problems) = ClientReport.read(Self.report(timestamp: timestamp))
        #expect(reports.count == 1)
        let problem = try #require(problems.first)
        #expect(problems.count == 1)
        #expect(problem.hasPrefix("case/error.txt:4: warning: the timestamp '"))
        #expect(problem.hasSuffix("the failure's time is unknown"))
    }

    @Test func theReasonNamesTheFieldOutOfRange() throws {
        let (_, yearProblems) = ClientReport.read(Self.report(timestamp: "06/12/99999 09:41:53 PM"))
        #expect(yearProblems.first?.contains("year 99999 is outside 1–9999") == true)
        let (_, dayProblems) = ClientReport.read(Self.report(timestamp: "31.02.2026 10:00:00"))
        #expect(dayProblems.first?.contains("day 31 is outside 1–28 for month 2 of 2026") == true)
        let (_, numberProblems) = ClientReport.read(Self.report(timestamp: "06/12/26 09:41:nan PM"))
        #expect(numberProblems.first?.contains("'nan' in the time of day is not a whole number") == true)
    }

    @Test(arguments: ["nan", "inf", "1e30", "99999-06-12T21:41:53", "06/12/99999 09:41:53 PM", "-1e308"])
    func theJSONFormReachesTheSameChecks(timestamp: String) throws {
        let json = #"{"code":"0x904","extendedCode":"0x7","timestamp":"\#(timestamp)","client":"WKS-042"}"#
        let (reports, problems) = ClientReport.read(TextDocument(source: "case/report.json", text: json))
        let report = try #require(reports.first)
        #expect(report.code == 0x904)
        #expect(report.time == nil)
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("case/report.json:1: warning: the timestamp") == true)
    }

    @Test func theJSONFormWithANumericTimestampIsChecked() throws {
        let json = #"{"code":"0x904","timestamp":1e300}"#
        let reports = ClientReport.parse(TextDocument(source: "case/report.json", text: json))
        #expect(reports.first?.time == nil)
    }

    @Test(arguments: [
        ("06/12/26 09:41:53 PM", "2026-06-12T21:41:53.0000000Z"),
        ("12.06.2026 21:41:53", "2026-06-12T21:41:53.0000000Z"),
        ("2026-06-12 21:41:53.75", "2026-06-12T21:41:53.7500000Z"),
        ("06/12/26 12:05:00 AM", "2026-06-12T00:05:00.0000000Z"),
        ("29.02.2024 23:59:60", "2024-03-01T00:00:00.0000000Z"),
    ])
    func goodTimestampsStillRead(timestamp: String, expected: String) throws {
        let (reports, problems) = ClientReport.read(Self.report(timestamp: timestamp))
        #expect(reports.first?.time?.description == expected)
        #expect(problems.isEmpty)
    }

    @Test func aReportWhoseTimeCannotBeReadLocatesNoFailureAndSaysWhy() throws {
        let diagnosis = diagnose(events: [], documents: [Self.report(timestamp: "06/12/99999 09:41:53 PM")])
        #expect(diagnosis.failures.isEmpty, "a failure placed at no time (it was placed at 1970)")
        #expect(diagnosis.verdict == .inconclusive)
        #expect(diagnosis.warnings.contains { $0.contains("year 99999 is outside 1–9999") })
        #expect(diagnosis.notes.contains { $0.contains("case/error.txt (line 2) reports 0x904, extended 0x7 but gives no time") }, "\(diagnosis.notes)")
        #expect(!diagnosis.missingLogs.isEmpty && diagnosis.missingLogs.allSatisfy { !$0.command.contains("1970") }, "\(diagnosis.missingLogs)")
    }

    @Test func aHostileTimeGivenWithTheTimeOptionIsRefusedWithAWarning() {
        let diagnosis = diagnose(events: [], options: DiagnosisOptions(time: "12.06.2026 21:41:1e30"))
        #expect(diagnosis.failures.isEmpty)
        #expect(diagnosis.warnings.contains { $0.contains("--time") })
    }

    // MARK: - Offsets

    @Test(arguments: [
        "Customer is in UTC+-9223372036854775807", "user writes UTC+-99999999999999999:00", "zone GMT+1:-9223372036854775808",
        "UTC+99999999999999999999", "UTC+15", "UTC+14:60", "GMT-5.5",
    ])
    func aHostileZoneInATicketNoteIsNotAZone(note: String) {
        var hints = TicketHints()
        hints.read(TextDocument(source: "case/ticket.txt", text: note))
        #expect(hints.utcOffset == nil)
    }

    // A zone abbreviation counts only next to a time (a bare "CEST" could be a word), so it is
    // given with one here; explicit UTC/GMT offsets count anywhere.
    @Test(arguments: [("UTC+2", 7200), ("GMT-05:00", -18000), ("UTC+0530", 19800), ("UTC+14", 50400), ("10:41 CEST", 7200)])
    func zonesInTicketNotesStillRead(note: String, seconds: Int) {
        var hints = TicketHints()
        hints.read(TextDocument(source: "case/ticket.txt", text: "The user is in \(note)."))
        #expect(hints.utcOffset?.seconds == seconds)
    }

    @Test(arguments: [
        ("+02:00", 7200), ("-5", -18000), ("5.5", 19800), ("UTC+2", 7200), ("-0930", -34200), ("+14:00", 50400),
        ("GMT-3.75", -13500),
    ])
    func utcOffsetOptionForms(text: String, seconds: Int) {
        #expect(UTCOffsetText.seconds(text) == seconds)
    }

    @Test(arguments: [
        "+-9999999999999999:00", "-9223372036854775808", "nan", "inf", "1e30", "+15", "14.5", "+02:60", "+2:5", "", "+",
        "5.", ".5", "UTC+-2",
    ])
    func utcOffsetOptionRejectsWhatIsNotAnOffset(text: String) {
        #expect(UTCOffsetText.seconds(text) == nil)
    }

    // MARK: - Caps

    /// 60,000 pasted error blocks used to become 60,000 failures, each fully assessed (gigabytes of
    /// memory and of JSON); 1,000 show the cap as well and keep the test quick.
    @Test func reportsPastTheCapAreCountedNotDiagnosed() throws {
        let block = "Error code: 0x904\nExtended error code: 0x7\nTimestamp: 06/12/26 09:41:53 PM\n"
        let document = TextDocument(source: "case/paste.txt", text: String(repeating: block, count: 1_000))
        #expect(ClientReport.parse(document).count == 100)
        let (reports, problems) = ClientReport.read(document)
        #expect(reports.count == ClientReport.maxReportsPerDocument)
        #expect(problems == ["case/paste.txt: warning: 900 more error report(s) past the first 100 of this document are not diagnosed"])
        let diagnosis = diagnose(events: [], documents: [document])
        #expect(diagnosis.failures.count <= ClientReport.maxReportsPerCase)
        #expect(diagnosis.warnings.contains { $0.contains("900 more error report(s)") })
    }

    @Test func reportsAcrossDocumentsAreCappedPerCase() {
        let block = "Error code: 0x904\nTimestamp: 06/12/26 09:41:53 PM\n"
        let documents = (0..<3).map { TextDocument(source: "case/paste\($0).txt", text: String(repeating: block, count: 60)) }
        let (reports, problems) = ClientReport.read(documents)
        #expect(reports.count == ClientReport.maxReportsPerCase)
        #expect(problems == ["the case holds 80 more error report(s) past the first 100; they are not diagnosed"])
    }
}
