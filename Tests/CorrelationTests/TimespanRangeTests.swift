import Correlation
import EventImport
import SigmaKit
import Testing

/// Timespans in rules and cause files are untrusted numbers: `99999999999999999d` overflowed the
/// tick multiplication (a trap when the rule was compiled); spans are now range-checked (issue 12).
@Suite("Timespan ranges")
struct TimespanRangeTests {
    @Test(arguments: ["99999999999999999d", "9223372036854775807s", "1537228672809129301w", "3651d", "-5m", "5", "m", "1e3s"])
    func timespansOutOfRangeAreRefused(text: String) {
        #expect(parseTimespan(text) == nil)
    }

    @Test func timespansInRangeAreRead() {
        #expect(parseTimespan("3650d") == maximumTimespan)
        #expect(parseTimespan("521w") == 521 * 604_800 * EventTimestamp.ticksPerSecond)
        #expect(parseTimespan("5m") == 300 * EventTimestamp.ticksPerSecond)
    }

    @Test func aCorrelationWithAHugeTimespanIsAProblemNotATrap() {
        let yaml = """
            title: Failed logons
            name: failed_logon
            logsource:
                product: windows
                service: security
            detection:
                selection:
                    EventID: 4625
                condition: selection
            ---
            title: Many failed logons
            correlation:
                type: event_count
                rules: [failed_logon]
                group-by: [Computer]
                timespan: 99999999999999999d
                condition: {gte: 3}
            """
        let hunt = Hunt(catalog: RuleLoader().load(yaml: yaml, source: "hostile.yml"))
        #expect(hunt.correlations == nil)
        #expect(hunt.problems.contains { $0.description.contains("of at most 3650d") })
    }
}
