import Correlation
import EventImport
import Foundation
import SigmaKit
import Testing

/// The correlation rules of `Rules/sigma/siem` (the diagnosis logic a SIEM can run) hold in `hunt` too.
struct SIEMCorrelationRuleTests {
    static let rules = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Rules").path

    static func failure(_ second: Int, user: String, ip: String) -> WinEvent {
        WinEvent(
            time: EventTimestamp(secondsSinceEpoch: 1_781_293_200 + Int64(second)), computer: "RDSH-07.corp.example",
            channel: "Security", provider: "Microsoft-Windows-Security-Auditing", eventID: 4625,
            fields: [
                EventField("TargetUserName", user), EventField("Status", "0xC000006D"), EventField("SubStatus", "0xC000006A"),
                EventField("LogonType", "3"), EventField("IpAddress", ip),
            ],
            origin: EventOrigin(source: "Security.xml", line: second + 1))
    }

    @Test func fiveRefusedLogonsOfOneAccountFromOneAddressRaiseTheBurst() throws {
        let catalog = RuleLoader().load(paths: [Self.rules + "/sigma/logon_failure_credentials.yml", Self.rules + "/sigma/siem"])
        #expect(catalog.errorCount == 0, "\(catalog.diagnostics)")
        let hunt = Hunt(catalog: catalog)
        #expect(hunt.problems.isEmpty, "\(hunt.problems)")
        var detections = 0
        // alice fails five times from one address; bob four times; alice once more from another address.
        let events =
            (0..<5).map { Self.failure($0 * 60, user: "alice", ip: "10.0.0.9") }
            + (0..<4).map { Self.failure($0 * 60 + 5, user: "bob", ip: "10.0.0.9") }
            + [Self.failure(30, user: "alice", ip: "10.0.0.10")]
        for event in events.sorted(by: { $0.time < $1.time }) { hunt.process(event) { _ in detections += 1 } }
        let alerts = hunt.finish()
        #expect(alerts.map { $0.group.map(\.value) } == [["alice", "10.0.0.9"]])
        #expect(detections == 10, "generate: true keeps the single failures in the timeline")
    }
}
