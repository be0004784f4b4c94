public import EventImport

/// An event that contributed to a correlation alert.
public struct ContributingEvent: Sendable, Hashable {
    /// The title (or name) of the detection rule it matched.
    public var rule: String
    /// Its event time.
    public var time: EventTimestamp
    /// Its `Computer`.
    public var computer: String
    /// Its `EventRecordID`.
    public var recordID: UInt64?
    /// Where it was read.
    public var origin: EventOrigin

    /// Creates a reference to an event.
    public init(rule: String, time: EventTimestamp, computer: String, recordID: UInt64?, origin: EventOrigin) {
        self.rule = rule
        self.time = time
        self.computer = computer
        self.recordID = recordID
        self.origin = origin
    }
}

/// A correlation rule that held: which rule, for which group, when, and the events that made it hold.
public struct CorrelationAlert: Sendable, Hashable {
    /// Index of the rule in the engine's spec list.
    public var ruleIndex: Int
    /// The rule's title, id, name and level.
    public var title: String
    /// The rule's `id`.
    public var id: String?
    /// The rule's `name`.
    public var name: String?
    /// The rule's `level`.
    public var level: String?
    /// The rule's type name (`event_count`, …, `rdpcause_absent`).
    public var type: String
    /// The group-by keys and their (normalized) values.
    public var group: [(key: String, value: String)]
    /// The first contributing event's time.
    public var time: EventTimestamp
    /// The last contributing event's time (for `rdpcause_absent`: the end of the checked window).
    public var end: EventTimestamp
    /// The measured value: the count, the number of distinct values or rules, or the metric.
    public var value: Double
    /// The events that made the rule hold (for `rdpcause_absent`: the anchor).
    public var events: [ContributingEvent]
    /// False when an `rdpcause_absent` window reaches past the end of the input (absence not proven).
    public var windowComplete: Bool

    public static func == (lhs: CorrelationAlert, rhs: CorrelationAlert) -> Bool {
        lhs.ruleIndex == rhs.ruleIndex && lhs.group.map(\.key) == rhs.group.map(\.key)
            && lhs.group.map(\.value) == rhs.group.map(\.value) && lhs.time == rhs.time && lhs.end == rhs.end
            && lhs.value == rhs.value && lhs.events == rhs.events && lhs.windowComplete == rhs.windowComplete
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ruleIndex)
        hasher.combine(time)
        hasher.combine(end)
        hasher.combine(events)
    }
}

/// The identity of a detection rule, as correlation rules reference it.
public struct DetectionIdentity: Sendable, Hashable {
    /// The rule's `id`.
    public var id: String?
    /// The rule's `name`.
    public var name: String?
    /// The rule's `title`.
    public var title: String

    /// Creates an identity.
    public init(id: String?, name: String?, title: String) {
        self.id = id
        self.name = name
        self.title = title
    }

    var references: [String] { [id, name].compactMap { $0 } }
}

/// A problem in a correlation rule found while compiling it.
public struct CorrelationProblem: Sendable, Hashable, Error, CustomStringConvertible {
    /// Where the rule is defined (`file:line`).
    public var location: String
    /// What is wrong.
    public var message: String

    /// `location: error: message`.
    public var description: String { "\(location): error: \(message)" }
}

/// Evaluates correlation rules over detection hits arriving in event-time order.
///
/// Windows slide on **event time** (never read time): a window is any interval of length
/// `timespan` ending at the newest hit of its group. State is kept per correlation and group, and
/// entries older than the window are dropped as time advances, so memory is bounded by what the
/// windows hold, not by the input. After a rule holds for a group, the group's window is cleared,
/// so one burst yields one alert (the convention of SEC, Hayabusa and pySigma backends).
///
/// Events must be fed in non-decreasing time order; ``HitMerger`` produces that order from
/// files read in any order and direction.
public final class CorrelationEngine {
    /// The compiled rules, in the order given.
    public let specs: [CorrelationSpec]
    private let detections: [DetectionIdentity]
    private let fieldLookup: (WinEvent, String) -> String?
    /// What the hot path needs of each rule, without copying the whole spec per event.
    private struct Compact {
        var kind: CorrelationSpec.Kind
        var timespan: Int64
        var hasValueField: Bool
        var countsRoles: Bool
    }

    private let compact: [Compact]
    private let absenceRules: [Int]
    private var routesFromDetection: [[Route]]
    private var routesFromCorrelation: [[Route]]
    private var states: [RuleState]
    private var order: [Int]
    private var watermark = EventTimestamp(ticks: .min)
    private var advances = 0

    struct Route {
        var correlation: Int
        var role: Int  // index in `rules`; for absence, -1 marks an absent-rule event
        var referenceNames: [String]
        /// For each group-by key: the field to read for this rule (aliases resolved) and whether it names a host.
        var groupFields: [(field: String, isHost: Bool)] = []
        /// The value field for this rule (aliases resolved).
        var valueField: String?
    }

    /// Compiles `specs` against the detection rules they reference.
    ///
    /// - Parameters:
    ///   - specs: The correlation rules.
    ///   - detections: The detection rules, in the index order ``process(_:matching:)`` uses.
    ///   - fieldLookup: Reads a field (Sigma name, e.g. `Computer` or an EventData name) from an event.
    /// - Throws: The list of problems when a rule references an unknown rule, has a cycle, or lacks a field.
    public init(
        specs: [CorrelationSpec], detections: [DetectionIdentity], fieldLookup: @escaping (WinEvent, String) -> String?
    ) throws(CorrelationProblems) {
        self.specs = specs
        self.detections = detections
        self.fieldLookup = fieldLookup
        compact = specs.map { spec in
            Compact(kind: spec.kind, timespan: spec.timespan, hasValueField: spec.valueField != nil, countsRoles: spec.countsRoles)
        }
        absenceRules = specs.indices.filter { if case .absent = specs[$0].kind { true } else { false } }
        routesFromDetection = Array(repeating: [], count: detections.count)
        routesFromCorrelation = Array(repeating: [], count: specs.count)
        states = specs.map { RuleState(spec: $0) }
        order = Array(specs.indices)
        var problems: [CorrelationProblem] = []
        var detectionByReference: [String: Int] = [:]
        for (index, detection) in detections.enumerated() {
            for reference in detection.references where detectionByReference[reference] == nil {
                detectionByReference[reference] = index
            }
        }
        var correlationByReference: [String: Int] = [:]
        for (index, spec) in specs.enumerated() {
            for reference in [spec.id, spec.name].compactMap({ $0 }) { correlationByReference[reference] = index }
        }
        var dependsOn: [[Int]] = Array(repeating: [], count: specs.count)
        for (index, spec) in specs.enumerated() {
            if spec.valueField == nil, [.valueCount, .valueSum, .valueAverage, .valueMedian].contains(spec.kind) {
                problems.append(CorrelationProblem(location: spec.location, message: "\(spec.kind.name) needs `condition.field`"))
            }
            if case .valuePercentile = spec.kind, spec.valueField == nil {
                problems.append(CorrelationProblem(location: spec.location, message: "value_percentile needs `condition.field`"))
            }
            let roles: [(String, Int)] = spec.rules.enumerated().map { ($0.element, $0.offset) } + spec.absentRules.map { ($0, -1) }
            for (reference, role) in roles {
                if let detection = detectionByReference[reference] {
                    let names = detections[detection].references
                    routesFromDetection[detection].append(Self.route(spec, index, role, names))
                } else if let other = correlationByReference[reference] {
                    let names = [specs[other].id, specs[other].name].compactMap { $0 }
                    routesFromCorrelation[other].append(Self.route(spec, index, role, names))
                    dependsOn[index].append(other)
                } else {
                    problems.append(
                        CorrelationProblem(
                            location: spec.location, message: "references `\(reference)`, which is no loaded rule's id or name"))
                }
            }
        }
        // Chains are evaluated in dependency order; a cycle is an error.
        var visiting = Set<Int>()
        var done = Set<Int>()
        var sorted: [Int] = []
        func visit(_ node: Int) -> Bool {
            if done.contains(node) { return true }
            if visiting.contains(node) { return false }
            visiting.insert(node)
            for dependency in dependsOn[node] where !visit(dependency) { return false }
            visiting.remove(node)
            done.insert(node)
            sorted.append(node)
            return true
        }
        for node in specs.indices where !visit(node) {
            problems.append(CorrelationProblem(location: specs[node].location, message: "correlation rules reference each other in a cycle"))
            break
        }
        order = sorted
        if !problems.isEmpty { throw CorrelationProblems(problems: problems) }
    }

    /// A route with the alias and host-key decisions made once, not per event.
    private static func route(_ spec: CorrelationSpec, _ index: Int, _ role: Int, _ names: [String]) -> Route {
        var route = Route(correlation: index, role: role, referenceNames: names)
        route.groupFields = spec.groupBy.map { key in
            let field = spec.aliasField(forGroupKey: key, ruleNames: names)
            return (field, HostName.isHostKey(key) || HostName.isHostKey(field))
        }
        route.valueField = spec.valueField.map { spec.aliasField(forGroupKey: $0, ruleNames: names) }
        return route
    }

    /// True when any correlation references detection rule `index` (others need not be fed).
    public func isReferenced(detection index: Int) -> Bool {
        index < routesFromDetection.count && !routesFromDetection[index].isEmpty
    }

    /// Feeds one event with the detection rules it matched; returns the alerts that now hold.
    ///
    /// Call for every event in time order — also for events that matched nothing, when
    /// `rdpcause_absent` rules are loaded, because time passing is what proves an absence.
    public func process(_ event: WinEvent, matching detectionIndices: [Int]) -> [CorrelationAlert] {
        var alerts: [CorrelationAlert] = []
        advance(to: event.time, into: &alerts)
        for detection in detectionIndices where detection < routesFromDetection.count {
            let routes = routesFromDetection[detection]
            guard !routes.isEmpty else { continue }
            let contributing = ContributingEvent(
                rule: detections[detection].name ?? detections[detection].title, time: event.time, computer: event.computer,
                recordID: event.recordID, origin: event.origin)
            for route in routes {
                let group = groupValues(route) { fieldLookup(event, $0) }
                let value = route.valueField.flatMap { fieldLookup(event, $0) }
                let entry = WindowEntry(time: event.time, role: route.role, value: value, event: contributing)
                insert(entry, group: group, into: route.correlation, alerts: &alerts)
            }
        }
        return alerts
    }

    /// Signals the end of the input and returns the `rdpcause_absent` alerts still pending.
    ///
    /// - Parameter latestEventTime: The latest time of any event read (hit or not). A pending
    ///   absence whose window ends before it is proven (``CorrelationAlert/windowComplete``);
    ///   one whose window reaches past it is reported as not proven.
    public func finish(latestEventTime: EventTimestamp? = nil) -> [CorrelationAlert] {
        var alerts: [CorrelationAlert] = []
        let end = max(latestEventTime ?? watermark, watermark)
        for index in order {
            guard case .absent = specs[index].kind else { continue }
            for pending in states[index].pendingAnchors {
                emit(absenceAlert(index, pending, complete: pending.deadline < end), into: &alerts)
            }
            states[index].pendingAnchors.removeAll()
        }
        return alerts
    }

    /// The number of groups currently holding state, across all rules (for memory checks).
    public var liveGroupCount: Int { states.reduce(0) { $0 + $1.groups.count } }

    // MARK: - Internals

    private func advance(to time: EventTimestamp, into alerts: inout [CorrelationAlert]) {
        guard time > watermark else { return }
        watermark = time
        for index in absenceRules {
            while let first = states[index].pendingAnchors.first, first.deadline < time {
                states[index].pendingAnchors.removeFirst()
                emit(absenceAlert(index, first, complete: true), into: &alerts)
            }
        }
        advances &+= 1
        if advances & 63 == 0 {
            for index in states.indices { expireGroups(index) }
        }
    }

    /// Drops the groups of rule `index` that nothing has touched within its window, so state is
    /// bounded by what the windows hold. Each insert queues its group once; each queued group is
    /// looked at once when it falls out of the window: amortized O(1) per event.
    private func expireGroups(_ index: Int) {
        let horizon = watermark.ticks &- states[index].span
        while let time = states[index].touchedTimes.first, time < horizon {
            states[index].touchedTimes.removeFirst()
            guard let key = states[index].touchedKeys.first else { break }
            states[index].touchedKeys.removeFirst()
            guard let group = states[index].groups[key] else { continue }
            let lastEntry = group.entries.last?.time.ticks ?? .min
            let lastAbsent = group.lastAbsentEvent?.ticks ?? .min
            if max(lastEntry, lastAbsent) < horizon { states[index].groups[key] = nil }
        }
    }

    private func groupValues(_ route: Route, read: (String) -> String?) -> [String] {
        route.groupFields.map { field, isHost in
            let raw = read(field) ?? ""
            return isHost ? HostName.normalized(raw) : raw
        }
    }

    private func insert(_ entry: WindowEntry, group: [String], into index: Int, alerts: inout [CorrelationAlert]) {
        let rule = compact[index]
        let key = group.count == 1 ? group[0] : group.joined(separator: "\u{1F}")
        if case .absent(let before, let after) = rule.kind {
            let lastAbsent = states[index].groups[key]?.lastAbsentEvent
            if entry.role == -1 {
                states[index].groups[key, default: GroupState(values: group)].lastAbsentEvent = entry.time
                states[index].touch(entry.time, key)
                states[index].pendingAnchors.removeAll { $0.groupKey == key && $0.entry.time.ticks &+ after >= entry.time.ticks }
            } else if let lastAbsent, lastAbsent.ticks >= entry.time.ticks &- before {
                return
            } else {
                states[index].pendingAnchors.append(
                    PendingAnchor(groupKey: key, group: group, entry: entry, deadline: EventTimestamp(ticks: entry.time.ticks &+ after)))
            }
            return
        }
        // The group's state is changed in place (no copy of its window per event); the access ends
        // before an alert is emitted, because emitting feeds chained rules' states.
        let held: (Double, [WindowEntry])? = Self.update(&states[index].groups[key, default: GroupState(values: group)]) { state in
            state.append(entry, valueField: rule.hasValueField, countRoles: rule.countsRoles)
            state.expire(before: entry.time.ticks &- rule.timespan)
            guard let result = Self.evaluate(self.specs[index], state) else { return nil }
            state.clear()
            return result
        }
        states[index].touch(entry.time, key)
        guard let (measure, contributing) = held else { return }
        let spec = specs[index]
        let alert = CorrelationAlert(
            ruleIndex: index, title: spec.title, id: spec.id, name: spec.name, level: spec.level, type: spec.kind.name,
            group: zip(spec.groupBy, group).map { (key: $0, value: $1) },
            time: contributing.first?.time ?? entry.time, end: contributing.last?.time ?? entry.time, value: measure,
            events: contributing.flatMap(\.events), windowComplete: true)
        emit(alert, into: &alerts)
    }

    private static func update<Result>(_ state: inout GroupState, _ body: (inout GroupState) -> Result) -> Result {
        body(&state)
    }

    /// Measures the window and, only when the rule holds, collects the contributing entries.
    ///
    /// - Complexity: O(1) for counts, distinct values and sums; O(*w*) in the window only when the
    ///   rule holds, for `temporal_ordered` once every rule has an event in the window, and for
    ///   median and percentile.
    private static func evaluate(_ spec: CorrelationSpec, _ state: GroupState) -> (Double, [WindowEntry])? {
        switch spec.kind {
        case .eventCount:
            let count = Double(state.entries.count)
            return spec.conditionHolds(count) ? (count, Array(state.entries)) : nil
        case .valueCount:
            let distinct = Double(state.valueCounts.count)
            return spec.conditionHolds(distinct) ? (distinct, Array(state.entries)) : nil
        case .temporal:
            let roles = state.roleCounts.count
            let holds = spec.condition.isEmpty ? roles >= spec.rules.count : spec.conditionHolds(Double(roles))
            return holds ? (Double(roles), Array(state.entries)) : nil
        case .temporalOrdered:
            guard state.roleCounts.count == spec.rules.count else { return nil }
            var chain: [WindowEntry] = []
            for entry in state.entries where entry.role == chain.count {
                chain.append(entry)
                if chain.count == spec.rules.count { break }
            }
            let holds = spec.condition.isEmpty ? chain.count == spec.rules.count : spec.conditionHolds(Double(chain.count))
            return holds && chain.count == spec.rules.count ? (Double(chain.count), chain) : nil
        case .valueSum:
            return spec.conditionHolds(state.sum) ? (state.sum, Array(state.entries)) : nil
        case .valueAverage:
            guard state.numericCount > 0 else { return nil }
            let average = state.sum / Double(state.numericCount)
            return spec.conditionHolds(average) ? (average, Array(state.entries)) : nil
        case .valueMedian, .valuePercentile:
            let entries = Array(state.entries)
            let numbers = entries.compactMap { $0.value.flatMap(parseNumber) }.sorted()
            guard !numbers.isEmpty else { return nil }
            var percentile = 50.0
            if case .valuePercentile(let p) = spec.kind { percentile = p }
            let metric = nearestRankPercentile(numbers, percentile)
            return spec.conditionHolds(metric) ? (metric, entries) : nil
        case .absent:
            return nil
        }
    }

    private func absenceAlert(_ index: Int, _ pending: PendingAnchor, complete: Bool) -> CorrelationAlert {
        let spec = specs[index]
        return CorrelationAlert(
            ruleIndex: index, title: spec.title, id: spec.id, name: spec.name, level: spec.level, type: spec.kind.name,
            group: zip(spec.groupBy, pending.group).map { (key: $0, value: $1) }, time: pending.entry.time,
            end: pending.deadline, value: 0, events: pending.entry.events, windowComplete: complete)
    }

    /// Records an alert and feeds it to the correlations chained on this one.
    private func emit(_ alert: CorrelationAlert, into alerts: inout [CorrelationAlert]) {
        alerts.append(alert)
        for route in routesFromCorrelation[alert.ruleIndex] {
            let groupMap = Dictionary(alert.group.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            let group = groupValues(route) { groupMap[$0] }
            let entry = WindowEntry(
                time: alert.end, role: route.role, value: route.valueField.flatMap { groupMap[$0] }, chained: alert.events)
            insert(entry, group: group, into: route.correlation, alerts: &alerts)
        }
    }
}

/// Every problem found in a set of correlation rules.
public struct CorrelationProblems: Error, Sendable, CustomStringConvertible {
    /// The problems, in rule order.
    public var problems: [CorrelationProblem]

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

// MARK: - Window state

struct WindowEntry {
    var time: EventTimestamp
    var role: Int
    var value: String?
    /// The detection hit itself; nil for a chained alert, whose events are in ``chained``.
    var event: ContributingEvent?
    var chained: [ContributingEvent] = []

    init(time: EventTimestamp, role: Int, value: String?, event: ContributingEvent) {
        self.time = time
        self.role = role
        self.value = value
        self.event = event
    }

    init(time: EventTimestamp, role: Int, value: String?, chained: [ContributingEvent]) {
        self.time = time
        self.role = role
        self.value = value
        self.chained = chained
    }

    /// The events this entry stands for.
    var events: [ContributingEvent] { event.map { [$0] } ?? chained }
}

struct PendingAnchor {
    var groupKey: String
    var group: [String]
    var entry: WindowEntry
    var deadline: EventTimestamp
}

struct GroupState {
    var values: [String]
    var entries = WindowBuffer<WindowEntry>()
    var valueCounts: [String: Int] = [:]
    var sum = 0.0
    var numericCount = 0
    /// Entries per role in the window (only roles present are keys).
    var roleCounts: [Int: Int] = [:]
    var lastAbsentEvent: EventTimestamp?

    init(values: [String]) {
        self.values = values
    }

    mutating func append(_ entry: WindowEntry, valueField: Bool, countRoles: Bool) {
        entries.append(entry)
        if countRoles { roleCounts[entry.role, default: 0] += 1 }
        if valueField, let value = entry.value {
            valueCounts[value, default: 0] += 1
            if let number = parseNumber(value) {
                sum += number
                numericCount += 1
            }
        }
    }

    mutating func expire(before horizon: Int64) {
        while let first = entries.first, first.time.ticks < horizon {
            entries.removeFirst()
            if !roleCounts.isEmpty, let count = roleCounts[first.role] { roleCounts[first.role] = count > 1 ? count - 1 : nil }
            if let value = first.value {
                if let count = valueCounts[value] {
                    valueCounts[value] = count > 1 ? count - 1 : nil
                }
                if let number = parseNumber(value) {
                    sum -= number
                    numericCount -= 1
                }
            }
        }
    }

    mutating func clear() {
        entries.removeAll()
        roleCounts.removeAll()
        valueCounts.removeAll()
        sum = 0
        numericCount = 0
    }
}

struct RuleState {
    var groups: [String: GroupState] = [:]
    /// The time and group key of every insert, oldest first, for expiry (kept apart so the check
    /// of the oldest time touches no string).
    var touchedTimes = WindowBuffer<Int64>()
    var touchedKeys = WindowBuffer<String>()

    mutating func touch(_ time: EventTimestamp, _ key: String) {
        touchedTimes.append(time.ticks)
        touchedKeys.append(key)
    }
    var pendingAnchors: [PendingAnchor] = []
    let span: Int64

    init(spec: CorrelationSpec) {
        if case .absent(let before, let after) = spec.kind {
            span = max(before, after)
        } else {
            span = spec.timespan
        }
    }
}

/// A FIFO with amortized O(1) removal at the front (the sliding window).
struct WindowBuffer<Element> {
    private var storage: [Element] = []
    private var head = 0

    var first: Element? { head < storage.count ? storage[head] : nil }
    var last: Element? { head < storage.count ? storage[storage.count - 1] : nil }
    var count: Int { storage.count - head }

    mutating func append(_ element: Element) { storage.append(element) }

    mutating func removeFirst() {
        head += 1
        if head > 32 && head * 2 > storage.count {
            storage.removeFirst(head)
            head = 0
        }
    }

    mutating func removeAll() {
        storage.removeAll(keepingCapacity: true)
        head = 0
    }
}

extension WindowBuffer: Sequence {
    func makeIterator() -> IndexingIterator<ArraySlice<Element>> { storage[head...].makeIterator() }
}

/// Parses a decimal or `0x` hexadecimal number (event fields mix both).
func parseNumber(_ text: String) -> Double? {
    let trimmed = text.trimmingWhitespace()
    if trimmed.hasPrefix("0x") || trimmed.hasPrefix("0X") {
        return UInt64(trimmed.dropFirst(2), radix: 16).map(Double.init)
    }
    return Double(trimmed)
}

/// The nearest-rank percentile of sorted values (0–100).
func nearestRankPercentile(_ sorted: [Double], _ percentile: Double) -> Double {
    let rank = Int((percentile / 100 * Double(sorted.count)).rounded(.up))
    return sorted[max(0, min(sorted.count - 1, rank - 1))]
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, scalars[start].properties.isWhitespace { start = scalars.index(after: start) }
        while end > start, scalars[scalars.index(before: end)].properties.isWhitespace { end = scalars.index(before: end) }
        return String(scalars[start..<end])
    }
}
