@testable import Diagnosis
import EventImport
import Foundation
import Testing

/// An error report whose ActivityID several client records carry (one client process, several
/// attempts): the report describes the record with its code nearest its time.
@Suite("Report ActivityID shared by several attempts")
struct ReportActivityTests {
    static let t0 = AttemptIdentityTests.t0
    static let activity = "6F0C3A55-1E2B-4C4D-9E1F-0A1B2C3D4E5F"

    @Test func theRecordWithTheReportsCodeAndTimeIsTheReportedOne() throws {
        // Two hours before the 0x904, the same process timed out (reason 264) under the same
        // ActivityID. The report gives 0x904, its UTC time and the ActivityID: it is the later record.
        let earlier = Make.clientAttempt(computer: "WKS-077", target: "rdsh-01", at: Make.at(Self.t0, -7200), lasts: 21, reason: 264)
            .map { $0.replacingOccurrences(of: "<EventRecordID>2", with: "<EventRecordID>12") }
        let failing = Make.clientAttempt(computer: "WKS-077", target: "rdsh-01", at: Self.t0, lasts: 2)
        let report = TextDocument(
            source: "error.txt",
            text: "Error code: 0x904\r\nExtended error code: 0x7\r\nTimestamp (UTC): 2026-06-12T19:41:53.000Z\r\nActivity ID: {\(Self.activity)}\r\n")
        let diagnosis = AttemptIdentityTests.diagnoseCase(
            client: earlier + failing, host: AttemptIdentityTests.background(), documents: [report, ResidualCauseTests.ticket])
        let reported = try #require(diagnosis.failures.first { $0.context.contains { $0.contains("failure reported in error.txt") } })
        #expect(reported.time.description.hasPrefix("2026-06-12T19:41:5"), "\(reported.time) \(reported.context)")
        #expect(reported.code == 0x904)
    }
}
