@testable import Correlation
import EventImport

/// A deliberately naive evaluator: for every hit it rescans all earlier hits (quadratic), so its
/// result follows the definitions directly, with no incremental state to get wrong.
///
/// Definitions shared with the engine: a window is `[t - timespan, t]` at each arriving hit `t`;
/// events of other groups never count; after a rule holds for a group, that group's earlier hits
/// are spent; `rdpcause_absent` holds for an anchor when no absent-rule event of its group lies in
/// `[anchor - before, anchor + after]`.
struct ReferenceEvaluator {
    let specs: [CorrelationSpec]
    let detections: [DetectionIdentity]
    let lookup: (WinEvent, String) -> String?

    struct Item {
        var event: WinEvent
        var role: Int
        var names: [String]
    }

    func alerts(for hits: [HitMerger.Hit], latestEventTime: EventTimestamp) -> [CorrelationAlert] {
        var alerts: [CorrelationAlert] = []
        for (index, spec) in specs.enumerated() {
            var items: [Item] = []
            for hit in hits {
                for detection in hit.detections {
                    let identity = detections[detection]
                    let names = [identity.id, identity.name].compactMap { $0 }
                    for (role, reference) in spec.rules.enumerated() where names.contains(reference) {
                        items.append(Item(event: hit.event, role: role, names: names))
                    }
                    for reference in spec.absentRules where names.contains(reference) {
                        items.append(Item(event: hit.event, role: -1, names: names))
                    }
                }
            }
            if case .absent(let before, let after) = spec.kind {
                alerts += absence(index, spec, items, before: before, after: after, latest: latestEventTime)
            } else {
                alerts += windows(index, spec, items)
            }
        }
        return alerts
    }

    private func group(_ spec: CorrelationSpec, _ item: Item) -> [String] {
        spec.groupBy.map { key in
            let field = spec.aliasField(forGroupKey: key, ruleNames: item.names)
            let raw = lookup(item.event, field) ?? ""
            return HostName.isHostKey(key) || HostName.isHostKey(field) ? HostName.normalized(raw) : raw
        }
    }

    private func windows(_ index: Int, _ spec: CorrelationSpec, _ items: [Item]) -> [CorrelationAlert] {
        var alerts: [CorrelationAlert] = []
        var spentThrough: [[String]: Int] = [:]
        for (position, item) in items.enumerated() {
            let key = group(spec, item)
            let floor = spentThrough[key] ?? -1
            let window = items.indices.filter { other in
                other > floor && other <= position && group(spec, items[other]) == key
                    && items[other].event.time.ticks >= item.event.time.ticks - spec.timespan
            }.map { items[$0] }
            let values = window.map { value(spec, $0) }
            let numbers = values.compactMap { $0.flatMap(parseNumber) }
            var measure: Double?
            var contributing = window
            switch spec.kind {
            case .eventCount:
                measure = spec.conditionHolds(Double(window.count)) ? Double(window.count) : nil
            case .valueCount:
                let distinct = Double(Set(values.compactMap { $0 }).count)
                measure = spec.conditionHolds(distinct) ? distinct : nil
            case .temporal:
                let roles = Set(window.map(\.role)).count
                let holds = spec.condition.isEmpty ? roles >= spec.rules.count : spec.conditionHolds(Double(roles))
                measure = holds ? Double(roles) : nil
            case .temporalOrdered:
                // Try every start: the earliest chain r0 ≤ r1 ≤ … in window order.
                var chain: [Item] = []
                for item in window where item.role == chain.count && chain.count < spec.rules.count { chain.append(item) }
                if chain.count == spec.rules.count {
                    measure = Double(chain.count)
                    contributing = chain
                }
            case .valueSum:
                let sum = numbers.reduce(0, +)
                measure = spec.conditionHolds(sum) ? sum : nil
            case .valueAverage:
                if !numbers.isEmpty {
                    let average = numbers.reduce(0, +) / Double(numbers.count)
                    measure = spec.conditionHolds(average) ? average : nil
                }
            case .valueMedian, .valuePercentile:
                if !numbers.isEmpty {
                    var p = 50.0
                    if case .valuePercentile(let given) = spec.kind { p = given }
                    let metric = nearestRankPercentile(numbers.sorted(), p)
                    measure = spec.conditionHolds(metric) ? metric : nil
                }
            case .absent:
                measure = nil
            }
            guard let measure else { continue }
            spentThrough[key] = position
            alerts.append(alert(index, spec, key, contributing, measure))
        }
        return alerts
    }

    private func value(_ spec: CorrelationSpec, _ item: Item) -> String? {
        spec.valueField.flatMap { lookup(item.event, spec.aliasField(forGroupKey: $0, ruleNames: item.names)) }
    }

    private func absence(
        _ index: Int, _ spec: CorrelationSpec, _ items: [Item], before: Int64, after: Int64, latest: EventTimestamp
    ) -> [CorrelationAlert] {
        var alerts: [CorrelationAlert] = []
        for anchor in items where anchor.role >= 0 {
            let key = group(spec, anchor)
            let t = anchor.event.time.ticks
            let present = items.contains { other in
                other.role == -1 && group(spec, other) == key && other.event.time.ticks >= t - before
                    && other.event.time.ticks <= t + after
            }
            if present { continue }
            let deadline = EventTimestamp(ticks: t + after)
            var result = alert(index, spec, key, [anchor], 0)
            result.end = deadline
            result.windowComplete = deadline < latest
            alerts.append(result)
        }
        return alerts
    }

    private func alert(_ index: Int, _ spec: CorrelationSpec, _ key: [String], _ items: [Item], _ measure: Double) -> CorrelationAlert {
        let events = items.map { item in
            let detection = detections.first { [$0.id, $0.name].compactMap { $0 } == item.names }
            return ContributingEvent(
                rule: detection?.name ?? detection?.title ?? "", time: item.event.time, computer: item.event.computer,
                recordID: item.event.recordID, origin: item.event.origin)
        }
        return CorrelationAlert(
            ruleIndex: index, title: spec.title, id: spec.id, name: spec.name, level: spec.level, type: spec.kind.name,
            group: zip(spec.groupBy, key).map { (key: $0, value: $1) }, time: items.first?.event.time ?? .epoch,
            end: items.last?.event.time ?? .epoch, value: measure, events: events, windowComplete: true)
    }
}

/// Orders alerts canonically for comparison (the engine emits absences as time passes).
func canonical(_ alerts: [CorrelationAlert]) -> [CorrelationAlert] {
    alerts.sorted { a, b in
        if a.ruleIndex != b.ruleIndex { return a.ruleIndex < b.ruleIndex }
        if a.time != b.time { return a.time < b.time }
        if a.end != b.end { return a.end < b.end }
        return a.events.map(\.origin.line).lexicographicallyPrecedes(b.events.map(\.origin.line))
    }
}
