@testable import Correlation
import EventImport
import PropertyBased
import TestSupport
import Testing

/// Builds events and runs both evaluators.
enum Harness {
    static let detections = [
        DetectionIdentity(id: "11111111-0000-4000-8000-000000000001", name: "rule_a", title: "Rule A"),
        DetectionIdentity(id: "11111111-0000-4000-8000-000000000002", name: "rule_b", title: "Rule B"),
        DetectionIdentity(id: "11111111-0000-4000-8000-000000000003", name: "rule_c", title: "Rule C"),
    ]

    static func lookup(_ event: WinEvent, _ name: String) -> String? {
        switch name {
        case "Computer": event.computer
        default: event.field(name)
        }
    }

    static let second = EventTimestamp.ticksPerSecond

    /// An event `seconds` after a fixed origin, on `host`, with payload fields.
    static func event(_ seconds: Int64, host: String = "RDSH-01", user: String = "alice", bytes: String = "1", target: String = "", line: Int, source: String = "host.xml") -> WinEvent {
        var event = WinEvent(
            time: EventTimestamp(secondsSinceEpoch: 1_781_000_000 + seconds), computer: host, channel: "Test", provider: "Test",
            eventID: 1, fields: [EventField("User", user), EventField("Bytes", bytes), EventField("Target", target)],
            origin: EventOrigin(source: source, line: line))
        event.recordID = UInt64(line)
        return event
    }

    static func run(_ specs: [CorrelationSpec], _ hits: [HitMerger.Hit]) throws -> [CorrelationAlert] {
        let engine = try CorrelationEngine(specs: specs, detections: detections, fieldLookup: lookup)
        var merger = HitMerger()
        for hit in hits { merger.add(hit) }
        var alerts: [CorrelationAlert] = []
        for hit in merger.merged() { alerts += engine.process(hit.event, matching: hit.detections) }
        alerts += engine.finish(latestEventTime: merger.latestEventTime)
        return alerts
    }

    static func reference(_ specs: [CorrelationSpec], _ hits: [HitMerger.Hit]) -> [CorrelationAlert] {
        var merger = HitMerger()
        for hit in hits { merger.add(hit) }
        let evaluator = ReferenceEvaluator(specs: specs, detections: detections, lookup: lookup)
        return evaluator.alerts(for: merger.merged(), latestEventTime: merger.latestEventTime ?? .epoch)
    }
}

@Suite("Correlation engine")
struct CorrelationEngineTests {
    typealias H = Harness

    // MARK: - The three Hayabusa 4.0 bug classes

    @Test func groupByValuesNeverLeakAcrossGroups() throws {
        let spec = CorrelationSpec(
            title: "3 on one host", kind: .eventCount, rules: ["rule_a"], groupBy: ["Computer"], timespan: 300 * H.second,
            condition: [.init(.gte, 3)])
        let hits = [
            HitMerger.Hit(event: H.event(0, host: "RDSH-01", line: 1), detections: [0]),
            HitMerger.Hit(event: H.event(10, host: "RDSH-02", line: 2), detections: [0]),
            HitMerger.Hit(event: H.event(20, host: "RDSH-01", line: 3), detections: [0]),
        ]
        #expect(try H.run([spec], hits).isEmpty)
        let third = HitMerger.Hit(event: H.event(30, host: "rdsh-01.corp.example", line: 4), detections: [0])
        let alerts = try H.run([spec], hits + [third])
        #expect(alerts.count == 1)
        #expect(alerts.first?.group.first?.value == "rdsh-01", "FQDN and short name are one host")
        #expect(alerts.first?.events.map(\.origin.line) == [1, 3, 4])
    }

    @Test func temporalOrderedChecksTheOrderOfEveryRule() throws {
        let spec = CorrelationSpec(
            title: "a then b then c", kind: .temporalOrdered, rules: ["rule_a", "rule_b", "rule_c"], groupBy: ["Computer"],
            timespan: 60 * H.second)
        let wrongOrder = [
            HitMerger.Hit(event: H.event(0, line: 1), detections: [0]),
            HitMerger.Hit(event: H.event(5, line: 2), detections: [2]),
            HitMerger.Hit(event: H.event(10, line: 3), detections: [1]),
        ]
        #expect(try H.run([spec], wrongOrder).isEmpty, "c before b must not match, even though both follow a")
        let rightOrder = wrongOrder + [HitMerger.Hit(event: H.event(20, line: 4), detections: [2])]
        let alerts = try H.run([spec], rightOrder)
        #expect(alerts.count == 1)
        #expect(alerts.first?.events.map(\.origin.line) == [1, 3, 4])
    }

    @Test func eventsOutsideTheTimespanAreNeverCounted() throws {
        let spec = CorrelationSpec(
            title: "3 in 5 minutes", kind: .eventCount, rules: ["rule_a"], groupBy: ["Computer"], timespan: 300 * H.second,
            condition: [.init(.gte, 3)])
        let spread = [0, 240, 540].enumerated().map { HitMerger.Hit(event: H.event(Int64($1), line: $0 + 1), detections: [0]) }
        #expect(try H.run([spec], spread).isEmpty)
        let edge = [0, 150, 300].enumerated().map { HitMerger.Hit(event: H.event(Int64($1), line: $0 + 1), detections: [0]) }
        #expect(try H.run([spec], edge).count == 1, "the window is closed: an event exactly timespan apart counts")
    }

    // MARK: - Types

    @Test func valueCountCountsDistinctValuesPerGroup() throws {
        let spec = CorrelationSpec(
            title: "spray", kind: .valueCount, rules: ["rule_a"], groupBy: ["Computer"], timespan: 60 * H.second,
            condition: [.init(.gte, 3)], valueField: "User")
        let hits = ["alice", "bob", "alice", "carol"].enumerated().map {
            HitMerger.Hit(event: H.event(Int64($0.offset), user: $0.element, line: $0.offset + 1), detections: [0])
        }
        let alerts = try H.run([spec], hits)
        #expect(alerts.count == 1)
        #expect(alerts.first?.value == 3)
    }

    @Test func aliasesJoinTheClientTargetWithTheHostComputer() throws {
        let spec = CorrelationSpec(
            title: "client failure with host error", kind: .temporal, rules: ["rule_a", "rule_b"], groupBy: ["target_host"],
            timespan: 30 * H.second, aliases: ["target_host": ["rule_a": "Target", "rule_b": "Computer"]])
        let client = HitMerger.Hit(event: H.event(10, host: "WKS-042", target: "RDSH-01.CORP.EXAMPLE", line: 1, source: "client.xml"), detections: [0])
        let host = HitMerger.Hit(event: H.event(8, host: "rdsh-01", line: 7), detections: [1])
        let other = HitMerger.Hit(event: H.event(9, host: "RDSH-02", line: 8), detections: [1])
        let alerts = try H.run([spec], [client, other, host])
        #expect(alerts.count == 1)
        #expect(alerts.first?.group.first?.value == "rdsh-01")
        #expect(Set(alerts.first?.events.map(\.origin.source) ?? []) == ["client.xml", "host.xml"])
    }

    @Test func absenceHoldsOnlyWhenNothingOfTheGroupIsAroundTheAnchor() throws {
        let spec = CorrelationSpec(
            title: "failure with no listener activity", kind: .absent(before: 20 * H.second, after: 20 * H.second),
            rules: ["rule_a"], absentRules: ["rule_b"], groupBy: ["target_host"], timespan: 0,
            aliases: ["target_host": ["rule_a": "Target", "rule_b": "Computer"]])
        let anchor = HitMerger.Hit(event: H.event(100, host: "WKS-042", target: "RDSH-01", line: 1, source: "client.xml"), detections: [0])
        let otherHost = HitMerger.Hit(event: H.event(101, host: "RDSH-02", line: 2), detections: [1])
        let later = HitMerger.Hit(event: H.event(400, host: "RDSH-01", line: 3), detections: [2])
        let alerts = try H.run([spec], [anchor, otherHost, later])
        #expect(alerts.count == 1)
        #expect(alerts.first?.windowComplete == true)
        #expect(alerts.first?.events.first?.origin.source == "client.xml")

        let listener = HitMerger.Hit(event: H.event(115, host: "rdsh-01.corp.example", line: 4), detections: [1])
        #expect(try H.run([spec], [anchor, listener, later]).isEmpty)
        let listenerBefore = HitMerger.Hit(event: H.event(85, host: "RDSH-01", line: 5), detections: [1])
        #expect(try H.run([spec], [anchor, listenerBefore, later]).isEmpty)

        let unproven = try H.run([spec], [anchor])
        #expect(unproven.count == 1)
        #expect(unproven.first?.windowComplete == false, "the input ends before the window does")
    }

    @Test func chainedCorrelationSeesAlertsOfTheRuleItReferences() throws {
        let burst = CorrelationSpec(
            title: "burst", name: "burst", kind: .eventCount, rules: ["rule_a"], groupBy: ["Computer"], timespan: 60 * H.second,
            condition: [.init(.gte, 2)])
        let repeated = CorrelationSpec(
            title: "two bursts", kind: .eventCount, rules: ["burst"], groupBy: ["Computer"], timespan: 600 * H.second,
            condition: [.init(.gte, 2)])
        let hits = [0, 10, 200, 210].enumerated().map { HitMerger.Hit(event: H.event(Int64($1), line: $0 + 1), detections: [0]) }
        let alerts = try H.run([repeated, burst], hits)
        #expect(alerts.filter { $0.title == "burst" }.count == 2)
        let chained = try #require(alerts.first { $0.title == "two bursts" })
        #expect(chained.events.map(\.origin.line) == [1, 2, 3, 4])
    }

    @Test func unknownReferencesAndCyclesAreReported() {
        let unknown = CorrelationSpec(title: "x", kind: .eventCount, rules: ["nope"], timespan: 1, condition: [.init(.gte, 1)], location: "r.yml:3")
        #expect(throws: CorrelationProblems.self) { try CorrelationEngine(specs: [unknown], detections: H.detections, fieldLookup: H.lookup) }
        let a = CorrelationSpec(title: "a", name: "ca", kind: .eventCount, rules: ["cb"], timespan: 1, condition: [.init(.gte, 1)])
        let b = CorrelationSpec(title: "b", name: "cb", kind: .eventCount, rules: ["ca"], timespan: 1, condition: [.init(.gte, 1)])
        do {
            _ = try CorrelationEngine(specs: [a, b], detections: H.detections, fieldLookup: H.lookup)
            Issue.record("a cycle must be rejected")
        } catch {
            #expect(error.description.contains("cycle"))
        }
    }

    @Test func stateIsDroppedAsTimePasses() throws {
        let spec = CorrelationSpec(
            title: "per user", kind: .eventCount, rules: ["rule_a"], groupBy: ["User"], timespan: 10 * H.second,
            condition: [.init(.gte, 1000)])
        let engine = try CorrelationEngine(specs: [spec], detections: H.detections, fieldLookup: H.lookup)
        for index in 0..<50_000 {
            _ = engine.process(H.event(Int64(index), user: "user\(index)", line: index), matching: [0])
        }
        #expect(engine.liveGroupCount < 5000, "groups older than the window are dropped, not kept for the whole input")
    }

    /// Rules of one family share each group's entries; a group that never goes quiet must still
    /// drop the entries no window reaches, even those of a rule that is never fed again.
    @Test func aBusyGroupKeepsOnlyWhatItsWindowsHold() throws {
        let often = CorrelationSpec(
            title: "often", kind: .eventCount, rules: ["rule_a"], groupBy: ["Computer"], timespan: 10 * H.second,
            condition: [.init(.gte, 1000)])
        let once = CorrelationSpec(
            title: "once", kind: .eventCount, rules: ["rule_b"], groupBy: ["Computer"], timespan: 30 * H.second,
            condition: [.init(.gte, 1000)])
        let engine = try CorrelationEngine(specs: [often, once], detections: H.detections, fieldLookup: H.lookup)
        _ = engine.process(H.event(0, line: 0), matching: [1])
        for second in 1..<20_000 {
            _ = engine.process(H.event(Int64(second), line: second), matching: [0])
        }
        #expect(engine.liveGroupCount == 1)
        #expect(engine.storedEntryCount <= 61, "entries older than twice the longest window are dropped")
    }

    /// Distinct values are numbered per group; a busy group with a new value on every event keeps
    /// only the values of the entries its windows can still reach.
    @Test func aBusyGroupKeepsOnlyTheValuesItsWindowsHold() throws {
        let spray = CorrelationSpec(
            title: "spray", kind: .valueCount, rules: ["rule_a"], groupBy: ["Computer"], timespan: 10 * H.second,
            condition: [.init(.gte, 1000)], valueField: "User")
        let engine = try CorrelationEngine(specs: [spray], detections: H.detections, fieldLookup: H.lookup)
        for second in 0..<20_000 {
            _ = engine.process(H.event(Int64(second), user: "user\(second)", line: second), matching: [0])
        }
        #expect(engine.liveGroupCount == 1)
        #expect(engine.storedValueCount <= 21, "values of entries older than twice the window are released")
    }

    // MARK: - Streaming engine = brute-force reference, on random streams

    static let hostSpellings = ["RDSH-01", "rdsh-01.corp.example", "RDSH-02", "\\\\RDSH-02", "10.0.0.7"]

    static func specs(timespan: Int64, threshold: Int) -> [CorrelationSpec] {
        let t = timespan * H.second
        let gte = [CorrelationSpec.Comparison(.gte, Double(threshold))]
        return [
            CorrelationSpec(title: "count", kind: .eventCount, rules: ["rule_a", "rule_b"], groupBy: ["Computer"], timespan: t, condition: gte),
            CorrelationSpec(title: "values", kind: .valueCount, rules: ["rule_a"], groupBy: ["Computer"], timespan: t, condition: gte, valueField: "User"),
            CorrelationSpec(title: "temporal", kind: .temporal, rules: ["rule_a", "rule_b", "rule_c"], groupBy: ["Computer", "User"], timespan: t),
            CorrelationSpec(title: "ordered", kind: .temporalOrdered, rules: ["rule_a", "rule_b", "rule_c"], groupBy: ["Computer"], timespan: t),
            // Same group-by as "count" and "ordered" (they share each group's window entries) but a
            // shorter window, other rules, and a rule referenced twice.
            CorrelationSpec(title: "short count", kind: .eventCount, rules: ["rule_c"], groupBy: ["Computer"], timespan: t / 3, condition: gte),
            CorrelationSpec(title: "a b a", kind: .temporalOrdered, rules: ["rule_a", "rule_b", "rule_a"], groupBy: ["Computer"], timespan: t * 2),
            CorrelationSpec(title: "sum", kind: .valueSum, rules: ["rule_b"], groupBy: ["User"], timespan: t, condition: [.init(.gt, Double(threshold * 10))], valueField: "Bytes"),
            CorrelationSpec(title: "avg", kind: .valueAverage, rules: ["rule_a", "rule_c"], groupBy: [], timespan: t, condition: [.init(.gte, 6), .init(.lt, 9)], valueField: "Bytes"),
            CorrelationSpec(title: "median", kind: .valueMedian, rules: ["rule_c"], groupBy: ["Computer"], timespan: t, condition: [.init(.gte, 5)], valueField: "Bytes"),
            CorrelationSpec(title: "p90", kind: .valuePercentile(90), rules: ["rule_a"], groupBy: ["Computer"], timespan: t, condition: [.init(.gte, 8)], valueField: "Bytes"),
            CorrelationSpec(
                title: "absent", kind: .absent(before: t / 2, after: t), rules: ["rule_a"], absentRules: ["rule_c"],
                groupBy: ["target_host"], timespan: 0, aliases: ["target_host": ["rule_a": "Target", "rule_c": "Computer"]]),
        ]
    }

    static let streamGenerator = zip(
        Gen.int(in: 0...200), Gen.int(in: 0...2), Gen.int(in: 0...4), Gen.int(in: 0...2), Gen.int(in: 0...12), Gen.int(in: 0...3)
    ).array(of: 1...70)

    @Test func streamingEngineMatchesTheReferenceOnRandomStreams() async {
        await propertyCheck(count: 150, input: Self.streamGenerator, Gen.int(in: 1...90), Gen.int(in: 2...4)) { rows, timespan, threshold in
            let hits = Self.hits(rows)
            let specs = Self.specs(timespan: Int64(timespan), threshold: threshold)
            let expected = canonical(H.reference(specs, hits))
            let actual = canonical((try? H.run(specs, hits)) ?? [])
            #expect(actual == expected)
        }
    }

    /// Long streams over a long time with short windows: groups expire and their slots are
    /// recycled for other groups many times over, and the hit journal drops old hits.
    @Test func streamingEngineMatchesTheReferenceWhenGroupsExpireAndAreRecycled() async {
        let longStream = zip(
            Gen.int(in: 0...4000), Gen.int(in: 0...2), Gen.int(in: 0...4), Gen.int(in: 0...2), Gen.int(in: 0...12), Gen.int(in: 0...3)
        ).array(of: 100...250)
        await propertyCheck(count: 20, input: longStream, Gen.int(in: 1...40), Gen.int(in: 2...3)) { rows, timespan, threshold in
            let hits = Self.hits(rows)
            let specs = Self.specs(timespan: Int64(timespan), threshold: threshold)
            let expected = canonical(H.reference(specs, hits))
            let actual = canonical((try? H.run(specs, hits)) ?? [])
            #expect(actual == expected)
        }
    }

    @Test func resultsDoNotDependOnFileOrderOrDirection() async {
        await propertyCheck(count: 100, input: Self.streamGenerator, Gen.int(in: 1...90), Gen.int(in: 0...1000)) { rows, timespan, seed in
            let hits = Self.hits(rows)
            let specs = Self.specs(timespan: Int64(timespan), threshold: 2)
            let baseline = canonical((try? H.run(specs, hits)) ?? [])
            // Same events, split into files, files reversed (newest-first exports) and shuffled.
            var generator = SplitMix64(seed: UInt64(seed))
            var files: [[HitMerger.Hit]] = [[], [], []]
            for hit in hits { files[Int(generator.next() % 3)].append(hit) }
            let shuffled = files.enumerated().map { index, file in index % 2 == 0 ? Array(file.reversed()) : file }.reversed().flatMap { $0 }
            let reordered = canonical((try? H.run(specs, shuffled)) ?? [])
            #expect(reordered == baseline)
        }
    }

    static func hits(_ rows: [(Int, Int, Int, Int, Int, Int)]) -> [HitMerger.Hit] {
        rows.enumerated().map { index, row in
            let (second, rule, host, user, bytes, target) = row
            let event = H.event(
                Int64(second), host: hostSpellings[host], user: ["alice", "bob", "carol"][user], bytes: String(bytes),
                target: hostSpellings[target], line: index + 1)
            return HitMerger.Hit(event: event, detections: [rule])
        }
    }
}
