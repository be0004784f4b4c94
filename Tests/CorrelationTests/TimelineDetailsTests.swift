import Correlation
import EventImport
import SigmaKit
import Testing

/// The Details column of the hunt timeline.
struct TimelineDetailsTests {
    static func rule(fields: String = "") -> SigmaRule? {
        let yaml = """
            title: t
            level: high
            \(fields)
            logsource: {product: windows, service: security}
            detection:
              selection: {EventID: 4625, LogonType: 10}
              condition: selection
            """
        return RuleLoader().load(yaml: yaml, source: "t.yml").rules.first
    }

    static let event = WinEvent(
        time: EventTimestamp(secondsSinceEpoch: 1_781_293_200), computer: "DC01", channel: "Security",
        provider: "Microsoft-Windows-Security-Auditing", eventID: 4625,
        fields: [
            EventField("SubjectUserSid", "S-1-5-18"), EventField("TargetUserName", "alice"), EventField("LogonType", "10"),
            EventField("IpAddress", "10.0.0.9"),
        ],
        origin: EventOrigin(source: "Security.xml", line: 1))

    @Test func theRulesFieldsDecide() throws {
        let rule = try #require(Self.rule(fields: "fields: [IpAddress, TargetUserName, Missing]"))
        #expect(TimelineDetails.text(rule: rule, event: Self.event) == "IpAddress: 10.0.0.9 ¦ TargetUserName: alice")
    }

    @Test func withoutFieldsTheChannelDefaultIsUsed() throws {
        let rule = try #require(Self.rule())
        #expect(TimelineDetails.text(rule: rule, event: Self.event) == "TargetUserName: alice ¦ LogonType: 10 ¦ IpAddress: 10.0.0.9")
        var other = Self.event
        other.channel = "Application"
        #expect(
            TimelineDetails.text(rule: rule, event: other)
                == "SubjectUserSid: S-1-5-18 ¦ TargetUserName: alice ¦ LogonType: 10 ¦ IpAddress: 10.0.0.9")
    }

    @Test func matchedFieldsAreThoseTheRuleTests() throws {
        let rule = try #require(Self.rule())
        #expect(Set(TimelineDetails.matchedFields(of: rule, in: Self.event).map(\.name)) == ["EventID", "LogonType"])
    }
}
