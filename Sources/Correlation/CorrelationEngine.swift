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
/// groups older than the window are dropped as time advances, so memory is bounded by what the
/// windows hold, not by the input. After a rule holds for a group, the group's window is cleared,
/// so one burst yields one alert (the convention of SEC, Hayabusa and pySigma backends).
///
/// Events must be fed in non-decreasing time order; ``HitMerger`` produces that order from
/// files read in any order and direction.
///
/// Per hit, each distinct group-by field list and value field is read and hashed once, however
/// many rules the hit feeds; each rule then updates one group in place (O(1) for counts, distinct
/// values, sums and temporal roles), and freed groups are recycled, so the steady state does not
/// allocate.
public final class CorrelationEngine {
    /// The compiled rules, in the order given.
    public let specs: [CorrelationSpec]
    private let detectionNames: [String]
    private let fieldLookup: (WinEvent, String) -> String?

    /// What the hot path needs of each rule, without copying the whole spec per event.
    private struct RulePlan {
        var kind: CorrelationSpec.Kind
        var timespan: Int64
        var ruleCount: Int
        var condition: [CorrelationSpec.Comparison]

        func holds(_ measured: Double) -> Bool {
            condition.allSatisfy { $0.holds(for: measured) }
        }
    }

    /// A group-by field as one rule reads it: aliases resolved, host normalization decided.
    struct GroupField: Hashable {
        var field: String
        var isHost: Bool
    }

    /// One rule fed by a detection or a correlation.
    struct Route {
        var correlation: Int
        /// Index in the correlation's `rules`; -1 for an `absent_rules` event.
        var role: Int32
        /// The group-by fields, aliases resolved for the feeding rule.
        var groupFields: [GroupField]
        /// The value field (aliases resolved), if the rule has one.
        var valueField: String?
        /// True for `value_count`, the one kind that keeps the value's text (to count distinct values).
        var countsDistinct: Bool
    }

    /// A route from a detection, reduced to indices (copying it per hit retains nothing).
    struct HitRoute {
        var correlation: Int
        var role: Int32
        /// Index of the route's group-by fields in ``DetectionRouting/keyPlans``.
        var keyPlan: Int
        /// Index of the route's value field in ``DetectionRouting/valuePlans`` (-1: none).
        var valuePlan: Int
        var countsDistinct: Bool
    }

    /// The rules one detection feeds, with the field lists they read, each listed once.
    struct DetectionRouting {
        var routes: [HitRoute] = []
        var keyPlans: [[GroupField]] = []
        var valuePlans: [String] = []
    }

    private let plans: [RulePlan]
    /// The `rdpcause_absent` rules, in dependency order.
    private var absenceRules: [Int] = []
    private var routing: [DetectionRouting]
    private var routesFromCorrelation: [[Route]]
    private var tables: [GroupTable]
    private var pendingAnchors: [[PendingAnchor]]
    private var directory = GroupDirectory()
    private var journal = HitJournal()
    /// The longest window of any non-absence rule: how long the journal keeps a hit.
    private let journalSpan: Int64
    private var watermark = EventTimestamp(ticks: .min)
    private var advances = 0
    // Per-hit scratch, reused so a hit allocates nothing for them.
    private var hitGroups: [Int32] = []
    private var hitValues: [(text: String?, number: Double)] = []

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
        detectionNames = detections.map { $0.name ?? $0.title }
        self.fieldLookup = fieldLookup
        plans = specs.map { spec in
            RulePlan(
                kind: spec.kind, timespan: spec.timespan, ruleCount: spec.rules.count,
                condition: spec.condition)
        }
        tables = specs.map { spec in
            if case .absent(let before, let after) = spec.kind { return GroupTable(span: max(before, after), roles: 0) }
            return GroupTable(span: spec.timespan, roles: spec.countsRoles ? spec.rules.count : 0)
        }
        journalSpan = specs.filter { if case .absent = $0.kind { false } else { true } }.map(\.timespan).max() ?? 0
        pendingAnchors = Array(repeating: [], count: specs.count)
        routing = Array(repeating: DetectionRouting(), count: detections.count)
        routesFromCorrelation = Array(repeating: [], count: specs.count)
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
                    routing[detection].add(Self.route(spec, index, role, detections[detection].references))
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
        absenceRules = sorted.filter { if case .absent = specs[$0].kind { true } else { false } }
        if !problems.isEmpty { throw CorrelationProblems(problems: problems) }
    }

    /// A route with the alias and host-key decisions made once, not per event.
    private static func route(_ spec: CorrelationSpec, _ index: Int, _ role: Int, _ names: [String]) -> Route {
        let groupFields = spec.groupBy.map { key in
            let field = spec.aliasField(forGroupKey: key, ruleNames: names)
            return GroupField(field: field, isHost: HostName.isHostKey(key) || HostName.isHostKey(field))
        }
        return Route(
            correlation: index, role: Int32(role), groupFields: groupFields,
            valueField: spec.valueField.map { spec.aliasField(forGroupKey: $0, ruleNames: names) },
            countsDistinct: spec.kind == .valueCount)
    }

    /// True when any correlation references detection rule `index` (others need not be fed).
    public func isReferenced(detection index: Int) -> Bool {
        index < routing.count && !routing[index].routes.isEmpty
    }

    /// Feeds one event with the detection rules it matched; returns the alerts that now hold.
    ///
    /// Call for every event in time order — also for events that matched nothing, when
    /// `rdpcause_absent` rules are loaded, because time passing is what proves an absence.
    public func process(_ event: WinEvent, matching detectionIndices: [Int]) -> [CorrelationAlert] {
        var alerts: [CorrelationAlert] = []
        advance(to: event.time, into: &alerts)
        for detection in detectionIndices where detection < routing.count && !routing[detection].routes.isEmpty {
            let hit = journal.append(
                ContributingEvent(
                    rule: detectionNames[detection], time: event.time, computer: event.computer, recordID: event.recordID,
                    origin: event.origin))
            readHitFields(event, for: detection)
            for route in routing[detection].routes {
                let value: String? = route.countsDistinct ? hitValues[route.valuePlan].text : nil
                let number = route.valuePlan >= 0 ? hitValues[route.valuePlan].number : .nan
                let entry = WindowEntry(time: event.time.ticks, role: route.role, hit: hit, value: value, number: number, chained: [])
                insert(entry, group: hitGroups[route.keyPlan], into: route.correlation, alerts: &alerts)
            }
        }
        directory.sweep()
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
        for index in absenceRules {
            for pending in pendingAnchors[index] {
                emit(absenceAlert(index, pending, complete: pending.deadline < end), into: &alerts)
            }
            pendingAnchors[index].removeAll()
        }
        directory.sweep()
        return alerts
    }

    /// The number of groups currently holding state, across all rules (for memory checks).
    public var liveGroupCount: Int { tables.reduce(0) { $0 + $1.count } }

    // MARK: - Internals

    /// Reads each distinct group-by field list and value field of `detection`'s routes once.
    private func readHitFields(_ event: WinEvent, for detection: Int) {
        hitGroups.removeAll(keepingCapacity: true)
        hitValues.removeAll(keepingCapacity: true)
        for fields in routing[detection].keyPlans {
            let values = Self.groupValues(fields) { fieldLookup(event, $0) }
            hitGroups.append(directory.number(of: values))
        }
        for field in routing[detection].valuePlans {
            let text = fieldLookup(event, field)
            hitValues.append((text, text.flatMap(parseNumber) ?? .nan))
        }
    }

    private static func groupValues(_ fields: [GroupField], read: (String) -> String?) -> [String] {
        fields.map { field in
            let raw = read(field.field) ?? ""
            return field.isHost ? HostName.normalized(raw) : raw
        }
    }

    private func advance(to time: EventTimestamp, into alerts: inout [CorrelationAlert]) {
        guard time > watermark else { return }
        watermark = time
        for index in absenceRules {
            while let first = pendingAnchors[index].first, first.deadline < time {
                pendingAnchors[index].removeFirst()
                emit(absenceAlert(index, first, complete: true), into: &alerts)
            }
        }
        journal.drop(before: time.ticks &- journalSpan)
        advances &+= 1
        if advances & 63 == 0 {
            for index in tables.indices where tables[index].hasExpired(before: time.ticks &- tables[index].span) {
                tables[index].expire(before: time.ticks &- tables[index].span) { directory.release($0) }
            }
        }
    }

    /// Adds an entry to `group` of rule `index`, and emits the alert when the rule now holds.
    private func insert(_ entry: WindowEntry, group: Int32, into index: Int, alerts: inout [CorrelationAlert]) {
        if case .absent(let before, let after) = plans[index].kind {
            insertAbsence(entry, group: group, into: index, before: before, after: after)
            return
        }
        let plan = plans[index]
        let held: (Double, [WindowEntry])? = update(group, in: index, at: entry.time) { group in
            group.append(entry)
            group.expire(before: entry.time &- plan.timespan)
            guard let result = Self.evaluate(plan, group) else { return nil }
            group.clear()
            return result
        }
        // The group's access has ended here: emitting feeds chained rules, which may touch tables.
        guard let (measure, contributing) = held else { return }
        let spec = specs[index]
        let events = contributing.flatMap(events(of:))
        let alert = CorrelationAlert(
            ruleIndex: index, title: spec.title, id: spec.id, name: spec.name, level: spec.level, type: spec.kind.name,
            group: zip(spec.groupBy, directory.values[Int(group)]).map { (key: $0, value: $1) },
            time: EventTimestamp(ticks: contributing.first?.time ?? entry.time),
            end: EventTimestamp(ticks: contributing.last?.time ?? entry.time), value: measure, events: events,
            windowComplete: true)
        emit(alert, into: &alerts)
    }

    /// `rdpcause_absent`: an absent-rule event cancels the anchors whose window holds it and
    /// suppresses later anchors within `before`; an anchor waits until its window has passed.
    private func insertAbsence(_ entry: WindowEntry, group: Int32, into index: Int, before: Int64, after: Int64) {
        let key = directory.keys[Int(group)]
        if entry.role == -1 {
            update(group, in: index, at: entry.time) { $0.lastAbsentEvent = entry.time }
            pendingAnchors[index].removeAll { $0.key == key && $0.time &+ after >= entry.time }
            return
        }
        if let lastAbsent = tables[index].lastAbsentEvent(of: group), lastAbsent >= entry.time &- before { return }
        pendingAnchors[index].append(
            PendingAnchor(
                key: key, values: directory.values[Int(group)], time: entry.time, events: events(of: entry),
                deadline: EventTimestamp(ticks: entry.time &+ after)))
    }

    /// Runs `body` on `group` of rule `index`, created when absent (the directory then notes
    /// that the table holds the group's number).
    @discardableResult
    private func update<Result>(_ group: Int32, in index: Int, at time: Int64, _ body: (inout GroupState) -> Result) -> Result {
        var created = false
        let result = tables[index].update(group, at: time, created: &created, body)
        if created { directory.hold(group) }
        return result
    }

    /// The events an entry stands for.
    private func events(of entry: WindowEntry) -> [ContributingEvent] {
        entry.hit >= 0 ? [journal[entry.hit]] : entry.chained
    }

    /// Measures the window and, only when the rule holds, collects the contributing entries.
    ///
    /// - Complexity: O(1) for counts, distinct values, sums and temporal roles; O(*w*) in the
    ///   window only when the rule holds, for `temporal_ordered` once every rule has an event in
    ///   the window, and for median and percentile.
    private static func evaluate(_ plan: RulePlan, _ group: GroupState) -> (Double, [WindowEntry])? {
        switch plan.kind {
        case .eventCount:
            let count = Double(group.entries.count)
            return plan.holds(count) ? (count, Array(group.entries)) : nil
        case .valueCount:
            let distinct = Double(group.valueCounts.count)
            return plan.holds(distinct) ? (distinct, Array(group.entries)) : nil
        case .temporal:
            let roles = group.rolesPresent
            let holds = plan.condition.isEmpty ? roles >= plan.ruleCount : plan.holds(Double(roles))
            return holds ? (Double(roles), Array(group.entries)) : nil
        case .temporalOrdered:
            guard group.rolesPresent == plan.ruleCount else { return nil }
            var chain: [WindowEntry] = []
            for entry in group.entries where entry.role == chain.count {
                chain.append(entry)
                if chain.count == plan.ruleCount { break }
            }
            let holds = plan.condition.isEmpty ? chain.count == plan.ruleCount : plan.holds(Double(chain.count))
            return holds && chain.count == plan.ruleCount ? (Double(chain.count), chain) : nil
        case .valueSum:
            return plan.holds(group.sum) ? (group.sum, Array(group.entries)) : nil
        case .valueAverage:
            guard group.numericCount > 0 else { return nil }
            let average = group.sum / Double(group.numericCount)
            return plan.holds(average) ? (average, Array(group.entries)) : nil
        case .valueMedian, .valuePercentile:
            let entries = Array(group.entries)
            let numbers = entries.map(\.number).filter { !$0.isNaN }.sorted()
            guard !numbers.isEmpty else { return nil }
            var percentile = 50.0
            if case .valuePercentile(let p) = plan.kind { percentile = p }
            let metric = nearestRankPercentile(numbers, percentile)
            return plan.holds(metric) ? (metric, entries) : nil
        case .absent:
            return nil
        }
    }

    private func absenceAlert(_ index: Int, _ pending: PendingAnchor, complete: Bool) -> CorrelationAlert {
        let spec = specs[index]
        return CorrelationAlert(
            ruleIndex: index, title: spec.title, id: spec.id, name: spec.name, level: spec.level, type: spec.kind.name,
            group: zip(spec.groupBy, pending.values).map { (key: $0, value: $1) }, time: EventTimestamp(ticks: pending.time),
            end: pending.deadline, value: 0, events: pending.events, windowComplete: complete)
    }

    /// Records an alert and feeds it to the correlations chained on this one.
    private func emit(_ alert: CorrelationAlert, into alerts: inout [CorrelationAlert]) {
        alerts.append(alert)
        for route in routesFromCorrelation[alert.ruleIndex] {
            let groupMap = Dictionary(alert.group.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            let values = Self.groupValues(route.groupFields) { groupMap[$0] }
            let text = route.valueField.flatMap { groupMap[$0] }
            let entry = WindowEntry(
                time: alert.end.ticks, role: route.role, hit: -1, value: route.countsDistinct ? text : nil,
                number: text.flatMap(parseNumber) ?? .nan,
                chained: alert.events)
            let group = directory.number(of: values)
            insert(entry, group: group, into: route.correlation, alerts: &alerts)
        }
    }
}

extension CorrelationEngine.DetectionRouting {
    /// Adds a route, sharing its field lists with the routes already there.
    mutating func add(_ route: CorrelationEngine.Route) {
        let keyPlan = keyPlans.firstIndex(of: route.groupFields) ?? keyPlans.count
        if keyPlan == keyPlans.count { keyPlans.append(route.groupFields) }
        var valuePlan = -1
        if let field = route.valueField {
            valuePlan = valuePlans.firstIndex(of: field) ?? valuePlans.count
            if valuePlan == valuePlans.count { valuePlans.append(field) }
        }
        routes.append(
            CorrelationEngine.HitRoute(
                correlation: route.correlation, role: route.role, keyPlan: keyPlan, valuePlan: valuePlan,
                countsDistinct: route.countsDistinct && valuePlan >= 0))
    }
}

/// An `rdpcause_absent` anchor waiting for its window to pass.
struct PendingAnchor {
    var key: String
    var values: [String]
    var time: Int64
    var events: [ContributingEvent]
    var deadline: EventTimestamp
}

/// Every problem found in a set of correlation rules.
public struct CorrelationProblems: Error, Sendable, CustomStringConvertible {
    /// The problems, in rule order.
    public var problems: [CorrelationProblem]

    public var description: String { problems.map(\.description).joined(separator: "\n") }
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
    /// The text without leading and trailing white space; the text itself (no copy) when it has none.
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.first, let last = scalars.last,
            first.properties.isWhitespace || last.properties.isWhitespace
        else { return self }
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, scalars[start].properties.isWhitespace { start = scalars.index(after: start) }
        while end > start, scalars[scalars.index(before: end)].properties.isWhitespace { end = scalars.index(before: end) }
        return String(scalars[start..<end])
    }
}
