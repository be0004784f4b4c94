import Correlation
import EventImport
import Foundation
import SigmaKit
import Testing

/// Chained correlations and bad correlation rules, through the pipeline `rdpcause hunt` uses.
@Suite("Correlation chains and bad rules")
struct CorrelationChainTests {
    /// A detection rule for Security 4625, named `failed_logon`, followed by a document separator.
    static let failedLogonRule = """
        title: Failed logon
        name: failed_logon
        logsource: {product: windows, service: security}
        detection:
          selection: {EventID: 4625}
          condition: selection
        ---

        """

    /// The Sigma correlation specification's own chained example: many failed logons of one user,
    /// then a successful logon of that user.
    static let specificationExample = failedLogonRule + """
        title: Successful logon
        name: successful_logon
        logsource: {product: windows, service: security}
        detection:
          selection: {EventID: 4624}
          condition: selection
        ---
        title: Multiple failed logons for a single user (possible brute force attack)
        name: multiple_failed_login
        correlation:
          type: event_count
          rules: [failed_logon]
          group-by: [TargetUserName, TargetDomainName]
          timespan: 10m
          condition: {gte: 10}
        ---
        title: Successful logon after multiple failed logons
        name: brute_force_success
        level: high
        correlation:
          type: temporal_ordered
          rules: [multiple_failed_login, successful_logon]
          group-by: [User]
          timespan: 1h
          aliases:
            User:
              multiple_failed_login: TargetUserName
              successful_logon: TargetUserName
        """

    static func logon(_ id: UInt32, second: Int, user: String, record: Int) -> WinEvent {
        var event = WinEvent(
            // 1_781_293_200 is 2026-06-12T19:40:00Z.
            time: EventTimestamp(secondsSinceEpoch: 1_781_293_200 + Int64(second)), computer: "DC01.corp.example",
            channel: "Security", provider: "Microsoft-Windows-Security-Auditing", eventID: id,
            fields: [EventField("TargetUserName", user), EventField("TargetDomainName", "CORP")],
            origin: EventOrigin(source: "Security.xml", line: record))
        event.recordID = UInt64(record)
        return event
    }

    static func run(_ yaml: String, _ events: [WinEvent]) -> (hunt: Hunt, alerts: [CorrelationAlert]) {
        let catalog = RuleLoader().load(yaml: yaml, source: "chain.yml")
        let hunt = Hunt(catalog: catalog)
        for event in events { hunt.process(event) { _ in } }
        return (hunt, hunt.finish())
    }

    /// Ten failures of alice in 5 minutes, then her successful logon; bob fails twice and logs on.
    static let bruteForce: [WinEvent] =
        (0..<10).map { logon(4625, second: $0 * 30, user: "alice", record: $0 + 1) }
        + [logon(4625, second: 5, user: "bob", record: 20), logon(4625, second: 6, user: "bob", record: 21)]
        + [logon(4624, second: 400, user: "alice", record: 30), logon(4624, second: 401, user: "bob", record: 31)]

    @Test func theSpecificationsChainedExampleFires() throws {
        let (hunt, alerts) = Self.run(Self.specificationExample, Self.bruteForce)
        #expect(hunt.problems.isEmpty, "\(hunt.problems)")
        let chained = try #require(alerts.first { $0.name == "brute_force_success" })
        #expect(chained.group.map(\.value) == ["alice"])
        #expect(chained.events.map(\.recordID) == (1...10).map { UInt64($0) } + [30])
        #expect(!alerts.contains { $0.group.map(\.value).contains("bob") })
        // The referenced correlation has no `generate: true`: it feeds the chain and is not reported on its own.
        #expect(!alerts.contains { $0.name == "multiple_failed_login" })
    }

    @Test func aReferencedCorrelationIsReportedWhenTheChainAsksForIt() throws {
        let yaml = Self.specificationExample.replacingOccurrences(of: "  timespan: 1h\n", with: "  timespan: 1h\n  generate: true\n")
        let (_, alerts) = Self.run(yaml, Self.bruteForce)
        #expect(alerts.contains { $0.name == "multiple_failed_login" })
        #expect(alerts.contains { $0.name == "brute_force_success" })
    }

    @Test func oneBadCorrelationIsLeftOutAloneWithItsReason() throws {
        let yaml = Self.specificationExample + """

            ---
            title: Refers to a rule that does not exist
            name: dangling
            correlation:
              type: event_count
              rules: [no_such_rule]
              timespan: 5m
              condition: {gte: 1}
            ---
            title: Builds on the dangling rule
            name: on_dangling
            correlation:
              type: event_count
              rules: [dangling]
              timespan: 5m
              condition: {gte: 1}
            ---
            title: Bad timespan
            name: bad_timespan
            correlation:
              type: event_count
              rules: [failed_logon]
              timespan: soon
              condition: {gte: 1}
            ---
            title: Builds on the bad timespan
            name: on_bad_timespan
            correlation:
              type: event_count
              rules: [bad_timespan]
              timespan: 5m
              condition: {gte: 1}
            """
        let (hunt, alerts) = Self.run(yaml, Self.bruteForce)
        #expect(alerts.contains { $0.name == "brute_force_success" }, "the good chain still runs")
        let messages = hunt.problems.map(\.message)
        #expect(hunt.problems.count == 4, "\(messages)")
        #expect(messages.contains("references `no_such_rule`, which is no loaded rule's id or name"))
        #expect(messages.contains("references `dangling`, which is left out because of its own error"))
        #expect(messages.contains("references `bad_timespan`, which is left out because of its own error"))
        #expect(hunt.problems.allSatisfy { $0.location.hasPrefix("chain.yml:") })
    }

    @Test func aReferenceCycleLeavesOutItsMembersOnly() throws {
        let yaml = Self.specificationExample + """

            ---
            title: A
            name: cycle_a
            correlation: {type: event_count, rules: [cycle_b], timespan: 5m, condition: {gte: 1}}
            ---
            title: B
            name: cycle_b
            correlation: {type: event_count, rules: [cycle_a], timespan: 5m, condition: {gte: 1}}
            """
        let (hunt, alerts) = Self.run(yaml, Self.bruteForce)
        #expect(alerts.contains { $0.name == "brute_force_success" })
        #expect(hunt.problems.count == 2, "\(hunt.problems)")
        #expect(hunt.problems.allSatisfy { $0.message.contains("cycle") && $0.message.contains("cycle_a → cycle_b") || $0.message.contains("cycle_b → cycle_a") })
    }

    @Test func aLongChainOfRulesIsCheckedWithoutRecursion() {
        // 20,000 chained correlation rules ending in a cycle: checked iteratively, no stack overflow.
        let count = 20_000
        let specs = (0..<count).map { index in
            CorrelationSpec(
                title: "r\(index)", id: nil, name: "r\(index)", level: nil, kind: .eventCount,
                rules: ["r\((index + 1) % count)"], absentRules: [], groupBy: [], timespan: 60,
                condition: [CorrelationSpec.Comparison(.gte, 1)], valueField: nil, aliases: [:], generate: false, location: "x.yml:\(index + 1)")
        }
        let admission = CorrelationAdmission(specs: specs, detections: [])
        #expect(admission.admitted.isEmpty)
        #expect(admission.problems.count == count)
    }

    @Test func valueCountOverAListOfFieldsCountsTheirCombinations() throws {
        let yaml = Self.failedLogonRule + """
            title: Several accounts tried from one host
            name: many_accounts
            correlation:
              type: value_count
              rules: [failed_logon]
              group-by: [Computer]
              timespan: 10m
              condition:
                field: [TargetUserName, TargetDomainName]
                gte: 3
            ---
            title: Sum over two fields is not defined
            name: bad_sum
            correlation:
              type: value_sum
              rules: [failed_logon]
              timespan: 10m
              condition:
                field: [TargetUserName, TargetDomainName]
                gte: 3
            """
        func failure(_ user: String, domain: String, second: Int, record: Int) -> WinEvent {
            var event = Self.logon(4625, second: second, user: user, record: record)
            event.fields = [EventField("TargetUserName", user), EventField("TargetDomainName", domain)]
            return event
        }
        // alice@CORP, alice@LAB and bob@CORP are three combinations; neither field alone has three values.
        let events = [
            failure("alice", domain: "CORP", second: 1, record: 1), failure("alice", domain: "LAB", second: 2, record: 2),
            failure("alice", domain: "CORP", second: 3, record: 3), failure("bob", domain: "CORP", second: 4, record: 4),
        ]
        let (hunt, alerts) = Self.run(yaml, events)
        let alert = try #require(alerts.first { $0.name == "many_accounts" })
        #expect(alert.value == 3)
        #expect(hunt.problems.count == 1)
        #expect(hunt.problems.first?.message.contains("only value_count counts combinations of fields") == true)
    }
}
