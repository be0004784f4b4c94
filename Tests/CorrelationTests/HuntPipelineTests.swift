import Correlation
import EventImport
import Foundation
import SigmaKit
import Testing

/// Correlation rules written in YAML, run through the same pipeline `rdpcause hunt` uses.
@Suite("Hunt pipeline")
struct HuntPipelineTests {
    static let rules = """
        title: Failed logon
        name: failed_logon
        id: 6f7c0f8e-0a3e-4f73-9f0e-3c1a9b0f2a11
        logsource: {product: windows, service: security}
        detection:
          selection: {EventID: 4625}
          condition: selection
        ---
        title: Successful logon
        name: good_logon
        id: 6f7c0f8e-0a3e-4f73-9f0e-3c1a9b0f2a12
        logsource: {product: windows, service: security}
        detection:
          selection: {EventID: 4624}
          condition: selection
        ---
        title: Failures then success from one address
        name: spray_then_success
        level: high
        correlation:
          type: temporal_ordered
          rules: [failed_logon, good_logon]
          group-by: [IpAddress]
          timespan: 5m
        ---
        title: Three failures on one host
        name: three_failures
        correlation:
          type: event_count
          rules: [failed_logon]
          group-by: [Computer]
          timespan: 10m
          condition: {gte: 3}
          generate: true
        """

    static func security(_ id: UInt32, second: Int, host: String, ip: String, record: Int) -> WinEvent {
        var event = WinEvent(
            // 1_781_293_200 is 2026-06-12T19:40:00Z.
            time: EventTimestamp(secondsSinceEpoch: 1_781_293_200 + Int64(second)), computer: host,
            channel: "Security", provider: "Microsoft-Windows-Security-Auditing", eventID: id,
            fields: [EventField("IpAddress", ip), EventField("LogonType", "3")],
            origin: EventOrigin(source: "Security.xml", line: record))
        event.recordID = UInt64(record)
        return event
    }

    @Test func correlationAlertsCarryTheirGroupAndContributingEvents() throws {
        let catalog = RuleLoader().load(yaml: Self.rules, source: "mr_test.yml")
        #expect(catalog.errorCount == 0, "\(catalog.diagnostics)")
        let hunt = Hunt(catalog: catalog)
        #expect(hunt.problems.isEmpty)
        var detections: [String] = []
        // Newest-first, as an Event Viewer export would be: the pipeline orders by event time.
        let events = [
            Self.security(4624, second: 40, host: "RDSH-01", ip: "10.0.0.9", record: 5),
            Self.security(4625, second: 30, host: "rdsh-01.corp.example", ip: "10.0.0.9", record: 4),
            Self.security(4625, second: 20, host: "RDSH-01", ip: "10.0.0.9", record: 3),
            Self.security(4625, second: 10, host: "RDSH-01", ip: "10.0.0.7", record: 2),
        ]
        for event in events {
            hunt.process(event) { detections.append(catalog.rules[$0].name ?? "") }
        }
        // good_logon is referenced without generate: it is not reported on its own.
        #expect(detections.sorted() == ["failed_logon", "failed_logon", "failed_logon"])
        let alerts = hunt.finish()
        let ordered = try #require(alerts.first { $0.name == "spray_then_success" })
        #expect(ordered.group.map(\.value) == ["10.0.0.9"])
        #expect(ordered.events.map(\.recordID) == [3, 5])
        let count = try #require(alerts.first { $0.name == "three_failures" })
        #expect(count.group.map(\.value) == ["rdsh-01"], "short name and FQDN are one host")
        #expect(count.events.map(\.recordID) == [2, 3, 4])
        let line = String(decoding: CorrelationJSON.line(count), as: UTF8.self)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["type"] as? String == "correlation")
        #expect((object["rule"] as? [String: Any])?["name"] as? String == "three_failures")
        #expect(object["count"] as? Int == 3)
        #expect((object["group"] as? [String: String])?["Computer"] == "rdsh-01")
        #expect((object["events"] as? [[String: Any]])?.count == 3)
    }

    @Test(arguments: [
        ("type: event_count\n  rules: [x]\n  timespan: 5m", "needs a condition"),
        ("type: event_count\n  rules: [x]\n  timespan: soon\n  condition: {gte: 2}", "timespan"),
        ("type: temporal\n  rules: [x]\n  timespan: 5m\n  condition: 'x and not y'", "v2.2"),
        ("type: rdpcause_absent\n  rules: [x]\n  window: {before: 1m, after: 1m}", "absent"),
        ("type: gossip\n  rules: [x]\n  timespan: 5m", "not supported"),
    ])
    func invalidCorrelationRulesAreReportedWithTheirLocation(body: String, expected: String) throws {
        let yaml = "title: t\nname: c\ncorrelation:\n  \(body)\n"
        let catalog = RuleLoader().load(yaml: yaml, source: "bad.yml")
        let rule = try #require(catalog.rules.first)
        guard case .failure(let problem) = CorrelationSpec.compile(rule) else {
            Issue.record("\(body) must not compile")
            return
        }
        #expect(problem.message.contains(expected), "\(problem.message)")
        #expect(problem.location.hasPrefix("bad.yml:"))
    }
}
