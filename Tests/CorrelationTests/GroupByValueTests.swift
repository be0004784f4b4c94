import Correlation
import EventImport
import SigmaKit
import Testing

/// What a group-by value is: host spellings, account letter case, missing fields (Rules/README.md).
@Suite("Group-by values")
struct GroupByValueTests {
    static func rules(groupBy: String) -> String {
        CorrelationChainTests.failedLogonRule + """
        title: Two failures
        name: two_failures
        correlation:
          type: event_count
          rules: [failed_logon]
          group-by: [\(groupBy)]
          timespan: 10m
          condition: {gte: 2}
        """
    }

    static func failure(second: Int, computer: String, fields: [EventField], record: Int) -> WinEvent {
        var event = WinEvent(
            time: EventTimestamp(secondsSinceEpoch: 1_781_293_200 + Int64(second)), computer: computer,
            channel: "Security", provider: "Microsoft-Windows-Security-Auditing", eventID: 4625, fields: fields,
            origin: EventOrigin(source: "Security.xml", line: record))
        event.recordID = UInt64(record)
        return event
    }

    static func alerts(_ yaml: String, _ events: [WinEvent]) -> [CorrelationAlert] {
        let hunt = Hunt(catalog: RuleLoader().load(yaml: yaml, source: "groups.yml"))
        for event in events { hunt.process(event) { _ in } }
        return hunt.finish()
    }

    @Test func sameNameInTwoDomainsIsTwoMachines() {
        let events = [
            Self.failure(second: 1, computer: "RDS01.corp.example", fields: [], record: 1),
            Self.failure(second: 2, computer: "rds01.lab.example", fields: [], record: 2),
        ]
        #expect(Self.alerts(Self.rules(groupBy: "Computer"), events).isEmpty)
    }

    @Test func aShortNameJoinsItsFQDN() {
        let events = [
            Self.failure(second: 1, computer: "RDS01.corp.example", fields: [], record: 1),
            Self.failure(second: 2, computer: "rds01.lab.example", fields: [], record: 2),
            Self.failure(second: 3, computer: "RDS01", fields: [], record: 3),
        ]
        let alerts = Self.alerts(Self.rules(groupBy: "Computer"), events)
        #expect(alerts.map { $0.events.compactMap(\.recordID) } == [[1, 3]])
        #expect(alerts.first?.group.map(\.value) == ["rds01"])
    }

    @Test func accountNamesCompareWithoutLetterCase() {
        let events = [
            Self.failure(second: 1, computer: "DC01", fields: [EventField("TargetUserName", "Alice")], record: 1),
            Self.failure(second: 2, computer: "DC01", fields: [EventField("TargetUserName", "alice")], record: 2),
        ]
        let alerts = Self.alerts(Self.rules(groupBy: "TargetUserName"), events)
        #expect(alerts.count == 1)
        #expect(alerts.first?.group.map(\.value) == ["alice"])
    }

    @Test func otherValuesCompareAsStored() {
        let events = [
            Self.failure(second: 1, computer: "DC01", fields: [EventField("Status", "0xC000006D")], record: 1),
            Self.failure(second: 2, computer: "DC01", fields: [EventField("Status", "0xc000006d")], record: 2),
        ]
        #expect(Self.alerts(Self.rules(groupBy: "Status"), events).isEmpty)
    }

    @Test func anEventWithoutTheGroupByFieldJoinsNoGroup() {
        // Two events without IpAddress are not one group "": they are not counted (as Splunk's `stats by`).
        let events = [
            Self.failure(second: 1, computer: "DC01", fields: [], record: 1),
            Self.failure(second: 2, computer: "DC02", fields: [], record: 2),
            Self.failure(second: 3, computer: "DC01", fields: [EventField("IpAddress", "")], record: 3),
            Self.failure(second: 4, computer: "DC02", fields: [EventField("IpAddress", "")], record: 4),
        ]
        let alerts = Self.alerts(Self.rules(groupBy: "IpAddress"), events)
        // A present but empty value is a value: records 3 and 4 form a group.
        #expect(alerts.map { $0.events.compactMap(\.recordID) } == [[3, 4]])
    }
}
