@testable import Diagnosis
import EventImport
import Testing

/// An error report pasted without its time stamp (only the codes): the failure is the client log's
/// when that log holds exactly one of its code, takes the time of `--time`, and otherwise is not
/// located. It is never placed at a made-up time (the epoch, which the output and the export
/// commands then showed as 1969-12-31).
@Suite("Error reports without a time")
struct UntimedReportTests {
    static let host = AttemptIdentityTests.host
    static let t0 = AttemptIdentityTests.t0
    /// The dialog's details without their time stamp line.
    static let codesOnly = TextDocument(
        source: "case/error.txt",
        text: "Remote Desktop Connection\r\n\r\nThis computer can't connect to the remote computer.\r\n\r\nError code: 0x904\r\nExtended error code: 0x7\r\n")

    @Test func theClientLogsOnlyFailureOfTheReportedCodeIsTheReportedOne() throws {
        let client = Make.clientAttempt(computer: "WKS-077", target: "rdsh-01", at: Self.t0, lasts: 2)
        let diagnosis = AttemptIdentityTests.diagnoseCase(client: client, host: AttemptIdentityTests.background(), documents: [Self.codesOnly])
        #expect(diagnosis.failures.count == 1, "\(diagnosis.failures.map(\.time))")
        let failure = try #require(diagnosis.failures.first)
        #expect(failure.time.description.hasPrefix("2026-06-12T19:41:5"), "\(failure.time)")
        #expect(failure.context.contains { $0.contains("case/error.txt gives no time") && $0.contains("taken as the reported one") }, "\(failure.context)")
        #expect(failure.context.contains { $0.contains("failure reported in case/error.txt") })
    }

    @Test func withoutTheClientLogTheFailureIsNotLocatedAndTheLastWeekIsAskedFor() throws {
        let host = AttemptIdentityTests.background()
        let diagnosis = diagnose(events: events(host.joined(separator: "\r\n"), source: "RDSH/host.xml"), documents: [Self.codesOnly])
        #expect(diagnosis.failures.isEmpty)
        #expect(diagnosis.verdict == .inconclusive)
        #expect(
            diagnosis.notes.contains { $0.hasPrefix("failure not located: case/error.txt (line 5) reports 0x904, extended 0x7 but gives no time") },
            "\(diagnosis.notes)")
        let command = try #require(diagnosis.missingLogs.first?.command)
        #expect(!command.contains("1969") && !command.contains("1970"), "\(command)")
    }

    @Test func withoutAnyLogTheFailureIsNotLocatedAndTheCommandCoversTheLastWeek() throws {
        let diagnosis = diagnose(events: [], documents: [Self.codesOnly])
        #expect(diagnosis.verdict == .inconclusive, "an error report is input: not an input error")
        let command = try #require(diagnosis.missingLogs.first?.command)
        #expect(command.contains("timediff(@SystemTime) <= 604800000"), "\(command)")
    }

    @Test func theTimeOptionPlacesTheReportedFailure() throws {
        let host = AttemptIdentityTests.background()
        let diagnosis = diagnose(
            events: events(host.joined(separator: "\r\n"), source: "RDSH/host.xml"), documents: [Self.codesOnly],
            options: DiagnosisOptions(time: "2026-06-12T19:41:53Z"))
        let failure = try #require(diagnosis.failures.first)
        #expect(diagnosis.failures.count == 1)
        #expect(failure.time.description == "2026-06-12T19:41:53.0000000Z")
        #expect(failure.extendedCode == 7)
        #expect(failure.context.contains { $0.contains("--time (case/error.txt gives none)") }, "\(failure.context)")
    }

    @Test func aClientLogWithTwoFailuresOfTheCodeLeavesTheReportUnplacedAndSaysSo() throws {
        let client = Make.clientAttempt(computer: "WKS-077", target: "rdsh-01", at: Self.t0, lasts: 2)
            + Make.clientAttempt(
                computer: "WKS-077", target: "rdsh-01", at: Make.at(Self.t0, 7200), lasts: 2, activity: "6F0C3A55-1E2B-4C4D-9E1F-0A1B2C3D4E60")
        let diagnosis = AttemptIdentityTests.diagnoseCase(client: client, host: AttemptIdentityTests.background(), documents: [Self.codesOnly])
        #expect(diagnosis.failures.count == 2)
        #expect(diagnosis.failures.allSatisfy { failure in !failure.context.contains { $0.contains("failure reported in case/error.txt") } })
        #expect(diagnosis.warnings.contains { $0.contains("case/error.txt (line 5) reports 0x904 without a time") }, "\(diagnosis.warnings)")
    }
}
