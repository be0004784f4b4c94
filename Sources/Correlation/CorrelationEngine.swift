public import EventImport
import SigmaKit

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
/// Rules that group the same way (same group-by keys, aliases and value field) form a
/// ``CorrelationFamily``: per hit, each distinct group-by field list and value field is read and
/// hashed once, the hit is stored once per family and group, and each rule it feeds updates its
/// window of that group in place (O(1) for counts, distinct values, sums and temporal roles).
/// Freed groups are recycled, so the steady state does not allocate. An alert that feeds chained
/// correlations is fed to them after the hit that raised it has been counted by every rule.
public final class CorrelationEngine {
    /// All the state, in a value: a call takes one exclusive access to it, not one per field.
    private var core: CorrelationCore

    /// The compiled rules, in the order given.
    public var specs: [CorrelationSpec] { core.specs }

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
        core = try CorrelationCore(specs: specs, detections: detections, fieldLookup: fieldLookup)
    }

    /// True when any correlation references detection rule `index` (others need not be fed).
    public func isReferenced(detection index: Int) -> Bool {
        core.isReferenced(detection: index)
    }

    /// Feeds one event with the detection rules it matched; returns the alerts that now hold.
    ///
    /// Call for every event in time order — also for events that matched nothing, when
    /// `rdpcause_absent` rules are loaded, because time passing is what proves an absence.
    public func process(_ event: WinEvent, matching detectionIndices: [Int]) -> [CorrelationAlert] {
        core.process(event, matching: detectionIndices)
    }

    /// Signals the end of the input and returns the `rdpcause_absent` alerts still pending.
    ///
    /// - Parameter latestEventTime: The latest time of any event read (hit or not). A pending
    ///   absence whose window ends before it is proven (``CorrelationAlert/windowComplete``);
    ///   one whose window reaches past it is reported as not proven.
    public func finish(latestEventTime: EventTimestamp? = nil) -> [CorrelationAlert] {
        core.finish(latestEventTime: latestEventTime)
    }

    /// The number of groups currently holding state, across all families (for memory checks).
    public var liveGroupCount: Int { core.liveGroupCount }

    /// The number of window entries the groups hold (for memory checks).
    var storedEntryCount: Int { core.storedEntryCount }

    /// The number of distinct value texts the groups hold (for memory checks).
    var storedValueCount: Int { core.storedValueCount }
}

/// The state and logic of a ``CorrelationEngine``.
struct CorrelationCore {
    let specs: [CorrelationSpec]
    private let fieldLookup: (WinEvent, String) -> String?

    /// A group-by field as one rule reads it: aliases resolved, host normalization decided.
    struct GroupField: Hashable {
        var field: String
        var isHost: Bool
        /// True when the key names an account (compared case-insensitively, as Windows does).
        var isAccount: Bool
    }

    /// What feeds a rule: a detection or another correlation.
    enum Feeder: Hashable {
        case detection(Int)
        case correlation(Int)
    }

    /// A source of a family fed by a detection, reduced to indices (copying it per hit retains nothing).
    struct DetectionRoute {
        var family: Int
        var source: Int32
        /// Index of the group-by fields in ``DetectionRouting/keyPlans``.
        var keyPlan: Int
        /// Index of the value field in ``DetectionRouting/valuePlans`` (-1: none).
        var valuePlan: Int
    }

    /// The families one detection feeds, with the field lists they read, each listed once.
    struct DetectionRouting {
        var routes: [DetectionRoute] = []
        var keyPlans: [[GroupField]] = []
        var valuePlans: [String] = []
        /// Each value plan's fields: one, or several for a `value_count` over a list of fields.
        var valuePlanFields: [[String]] = []
    }

    /// A source of a family fed by a correlation's alerts.
    struct ChainRoute {
        var family: Int
        var source: Int32
        var groupFields: [GroupField]
        var valueField: String?
    }

    private var families: [CorrelationFamily] = []
    /// The `rdpcause_absent` rules, in dependency order.
    private var absenceRules: [Int] = []
    private var routing: [DetectionRouting]
    private var chainRoutes: [[ChainRoute]]
    private var pendingAnchors: [[PendingAnchor]]
    private var journal: HitJournal
    /// The longest window of any non-absence rule: how long the journal keeps a hit.
    private let journalSpan: Int64
    private var watermark = EventTimestamp(ticks: .min)
    private var advances = 0
    /// Alerts not yet fed to the correlations chained on their rule.
    private var chainQueue: [CorrelationAlert] = []
    /// Scratch for the rules an entry made hold.
    private var held: [CorrelationFamily.Held] = []
    // Per-hit scratch, reused so a hit allocates nothing for them.
    private var hitKeys: [(key: String, hash: Int, values: [String])?] = []
    private var hostKeys = HostGroupKeys()
    private var hitValues: [(text: String?, number: Double)] = []

    /// See ``CorrelationEngine/init(specs:detections:fieldLookup:)``.
    init(
        specs: [CorrelationSpec], detections: [DetectionIdentity], fieldLookup: @escaping (WinEvent, String) -> String?
    ) throws(CorrelationProblems) {
        self.specs = specs
        journal = HitJournal(ruleNames: detections.map { $0.name ?? $0.title })
        self.fieldLookup = fieldLookup
        journalSpan = specs.filter { !RulePlan($0).isAbsence }.map(\.timespan).max() ?? 0
        pendingAnchors = Array(repeating: [], count: specs.count)
        routing = Array(repeating: DetectionRouting(), count: detections.count)
        chainRoutes = Array(repeating: [], count: specs.count)
        let admission = CorrelationAdmission(specs: specs, detections: detections)
        if !admission.problems.isEmpty { throw CorrelationProblems(problems: admission.problems) }
        absenceRules = admission.dependencyOrder.filter { RulePlan(specs[$0]).isAbsence }
        buildFamilies(feeds: admission.feeds, detections: detections)
    }

    /// Groups the rules into families and gives each family a source per reference that feeds it
    /// (a detection or correlation referenced twice by one rule is two sources).
    private mutating func buildFamilies(feeds: [[(feeder: Feeder, role: Int32)]], detections: [DetectionIdentity]) {
        /// Rules with equal keys read the same fields for a hit, so they can share its entry.
        struct FamilyKey: Hashable {
            var groupBy: [String]
            var aliases: [String: [String: String]]
            var valueField: String?
        }
        var familyByKey: [FamilyKey: Int] = [:]
        var members: [[Int]] = []
        for (index, spec) in specs.enumerated() {
            if RulePlan(spec).isAbsence {
                members.append([index])
                continue
            }
            let key = FamilyKey(groupBy: spec.groupBy, aliases: spec.aliases, valueField: spec.valueField)
            if let family = familyByKey[key] {
                members[family].append(index)
            } else {
                familyByKey[key] = members.count
                members.append([index])
            }
        }
        families = members.map { rules in CorrelationFamily(rules: rules, plans: rules.map { RulePlan(specs[$0]) }) }
        for (family, rules) in members.enumerated() {
            var feeders: [Feeder] = []
            var rolesByFeeder: [Feeder: [[Int32]]] = [:]
            for (local, rule) in rules.enumerated() {
                for (feeder, role) in feeds[rule] {
                    if rolesByFeeder[feeder] == nil {
                        feeders.append(feeder)
                        rolesByFeeder[feeder] = Array(repeating: [], count: rules.count)
                    }
                    rolesByFeeder[feeder]?[local].append(role)
                }
            }
            let spec = specs[rules[0]]
            for feeder in feeders {
                let roles = rolesByFeeder[feeder] ?? []
                let names: [String]
                switch feeder {
                case .detection(let detection): names = detections[detection].references
                case .correlation(let other): names = [specs[other].id, specs[other].name].compactMap { $0 }
                }
                let groupFields = spec.groupBy.map { key in
                    let field = spec.aliasField(forGroupKey: key, ruleNames: names)
                    return GroupField(
                        field: field, isHost: HostName.isHostKey(key) || HostName.isHostKey(field),
                        isAccount: HostName.isAccountKey(key) || HostName.isAccountKey(field))
                }
                let valueField = spec.valueField.map { spec.aliasField(forGroupKey: $0, ruleNames: names) }
                for occurrence in 0..<(roles.map(\.count).max() ?? 0) {
                    let isChained: Bool
                    if case .correlation = feeder { isChained = true } else { isChained = false }
                    let source = families[family].addSource(
                        roles: roles.map { occurrence < $0.count ? $0[occurrence] : CorrelationFamily.unrouted },
                        chained: isChained)
                    switch feeder {
                    case .detection(let detection):
                        routing[detection].add(
                            family: family, source: source, groupFields: groupFields, valueField: valueField)
                    case .correlation(let other):
                        chainRoutes[other].append(
                            ChainRoute(
                                family: family, source: source, groupFields: groupFields, valueField: valueField))
                    }
                }
            }
        }
    }

    func isReferenced(detection index: Int) -> Bool {
        index < routing.count && !routing[index].routes.isEmpty
    }

    /// See ``CorrelationEngine/process(_:matching:)``.
    mutating func process(_ event: WinEvent, matching detectionIndices: [Int]) -> [CorrelationAlert] {
        var alerts: [CorrelationAlert] = []
        advance(to: event.time, into: &alerts)
        feedChains(into: &alerts)
        for detection in detectionIndices where detection < routing.count && !routing[detection].routes.isEmpty {
            let hit = journal.append(detection: detection, event: event)
            readHitFields(event, for: detection)
            for route in routing[detection].routes {
                guard let group = hitKeys[route.keyPlan] else { continue }
                let value: (text: String?, number: Double) = route.valuePlan >= 0 ? hitValues[route.valuePlan] : (nil, .nan)
                let entry = FamilyEntry(time: event.time.ticks, number: value.number, hit: hit, source: route.source)
                insert(
                    entry, text: value.text, chained: [], key: group.key, hash: group.hash,
                    values: group.values, into: route.family, alerts: &alerts)
                feedChains(into: &alerts)
            }
        }
        return alerts
    }

    /// See ``CorrelationEngine/finish(latestEventTime:)``.
    mutating func finish(latestEventTime: EventTimestamp? = nil) -> [CorrelationAlert] {
        var alerts: [CorrelationAlert] = []
        let end = max(latestEventTime ?? watermark, watermark)
        for index in absenceRules {
            for pending in pendingAnchors[index] {
                emit(absenceAlert(index, pending, complete: pending.deadline < end), into: &alerts)
            }
            pendingAnchors[index].removeAll()
        }
        feedChains(into: &alerts)
        return alerts
    }

    var liveGroupCount: Int { families.reduce(0) { $0 + $1.count } }

    var storedEntryCount: Int { families.reduce(0) { $0 + $1.entryCount } }

    var storedValueCount: Int { families.reduce(0) { $0 + $1.valueCount } }

    // MARK: - Internals

    /// Reads each distinct group-by field list and value field of `detection`'s routes once.
    private mutating func readHitFields(_ event: WinEvent, for detection: Int) {
        hitKeys.removeAll(keepingCapacity: true)
        hitValues.removeAll(keepingCapacity: true)
        let lookup = fieldLookup
        for fields in routing[detection].keyPlans {
            if let values = groupValues(fields, read: { lookup(event, $0) }) {
                let key = Self.key(values)
                hitKeys.append((key, key.hashValue, values))
            } else {
                hitKeys.append(nil)
            }
        }
        for fields in routing[detection].valuePlanFields {
            let text: String?
            if fields.count == 1 {
                text = fieldLookup(event, fields[0])
            } else {
                // A distinct combination of several fields (a `value_count` over a list of fields).
                let parts = fields.map { fieldLookup(event, $0) }
                text = parts.allSatisfy { $0 == nil } ? nil : parts.map { $0 ?? "" }.joined(separator: CorrelationRule.fieldListSeparator)
            }
            hitValues.append((text, text.flatMap(parseNumber) ?? .nan))
        }
    }

    /// The group-by values of a hit, or nil when it lacks one of the fields (it then joins no group:
    /// see Rules/README.md, "Group-by values").
    private mutating func groupValues(_ fields: [GroupField], read: (String) -> String?) -> [String]? {
        var values: [String] = []
        values.reserveCapacity(fields.count)
        for field in fields {
            guard let raw = read(field.field) else { return nil }
            values.append(field.isHost ? hostKeys.key(raw) : field.isAccount ? raw.lowercased() : raw)
        }
        return values
    }

    /// A group's key: its group-by values joined with U+001F (the value itself when there is one).
    private static func key(_ values: [String]) -> String {
        values.count == 1 ? values[0] : values.joined(separator: "\u{1F}")
    }

    private mutating func advance(to time: EventTimestamp, into alerts: inout [CorrelationAlert]) {
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
            for family in families.indices { families[family].expireGroups(before: time.ticks) }
        }
    }

    /// Adds an entry to group `key` of `family`, lets every rule its source feeds count it, and
    /// emits the alerts of the rules that now hold.
    private mutating func insert(
        _ entry: FamilyEntry, text: String?, chained: [ContributingEvent], key: String, hash: Int, values: [String],
        into family: Int, alerts: inout [CorrelationAlert]
    ) {
        if families[family].isAbsence {
            insertAbsence(entry, chained: chained, key: key, hash: hash, values: values, into: family)
            return
        }
        let group = families[family].insert(
            entry, text: text, chained: chained, key: key, hash: hash, values: values, held: &held)
        guard !held.isEmpty else { return }
        let groupValues = families[family].values(of: group)
        for rule in held {
            let spec = specs[rule.rule]
            let alert = CorrelationAlert(
                ruleIndex: rule.rule, title: spec.title, id: spec.id, name: spec.name, level: spec.level, type: spec.kind.name,
                group: zip(spec.groupBy, groupValues).map { (key: $0, value: $1) },
                time: EventTimestamp(ticks: rule.contributors.first?.time ?? entry.time),
                end: EventTimestamp(ticks: rule.contributors.last?.time ?? entry.time), value: rule.measure,
                events: rule.contributors.flatMap { events(hit: $0.hit, chained: $0.chained) }, windowComplete: true)
            emit(alert, into: &alerts)
        }
        held.removeAll(keepingCapacity: true)
    }

    /// `rdpcause_absent`: an absent-rule event cancels the anchors whose window holds it and
    /// suppresses later anchors within `before`; an anchor waits until its window has passed.
    private mutating func insertAbsence(
        _ entry: FamilyEntry, chained: [ContributingEvent], key: String, hash: Int, values: [String], into family: Int
    ) {
        let index = families[family].rules[0]
        let role = families[family].sourceRoutes[Int(entry.source)][0].role
        guard case .absent(let before, let after) = families[family].plans[0].kind else { return }
        if role == -1 {
            let group = families[family].group(key: key, hash: hash, values: values, at: entry.time)
            families[family].noteAbsentEvent(in: group, at: entry.time)
            pendingAnchors[index].removeAll { $0.key == key && $0.time &+ after >= entry.time }
            return
        }
        if let lastAbsent = families[family].lastAbsentEvent(key: key, hash: hash), lastAbsent >= entry.time &- before { return }
        pendingAnchors[index].append(
            PendingAnchor(
                key: key, values: values, time: entry.time, events: events(hit: entry.hit, chained: chained),
                deadline: EventTimestamp(ticks: entry.time &+ after)))
    }

    /// The events an entry stands for: its hit, or the chained alert's events.
    private func events(hit: Int, chained: [ContributingEvent]) -> [ContributingEvent] {
        hit >= 0 ? [journal[hit]] : chained
    }

    private func absenceAlert(_ index: Int, _ pending: PendingAnchor, complete: Bool) -> CorrelationAlert {
        let spec = specs[index]
        return CorrelationAlert(
            ruleIndex: index, title: spec.title, id: spec.id, name: spec.name, level: spec.level, type: spec.kind.name,
            group: zip(spec.groupBy, pending.values).map { (key: $0, value: $1) }, time: EventTimestamp(ticks: pending.time),
            end: pending.deadline, value: 0, events: pending.events, windowComplete: complete)
    }

    /// Records an alert and queues it for the correlations chained on its rule.
    private mutating func emit(_ alert: CorrelationAlert, into alerts: inout [CorrelationAlert]) {
        alerts.append(alert)
        if !chainRoutes[alert.ruleIndex].isEmpty { chainQueue.append(alert) }
    }

    /// Feeds the queued alerts to the correlations chained on their rules (and the alerts those
    /// raise, in turn, after them). Called between entries, never while one is being counted, so
    /// every rule counts a group's entries in the order they were stored.
    private mutating func feedChains(into alerts: inout [CorrelationAlert]) {
        while !chainQueue.isEmpty {
            let alert = chainQueue.removeFirst()
            let groupMap = Dictionary(alert.group.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            for route in chainRoutes[alert.ruleIndex] {
                guard let values = groupValues(route.groupFields, read: { groupMap[$0] }) else { continue }
                let text = route.valueField.flatMap { groupMap[$0] }
                let entry = FamilyEntry(time: alert.end.ticks, number: text.flatMap(parseNumber) ?? .nan, hit: -1, source: route.source)
                let key = Self.key(values)
                insert(
                    entry, text: text, chained: alert.events, key: key, hash: key.hashValue,
                    values: values, into: route.family, alerts: &alerts)
            }
        }
    }
}

extension CorrelationCore.DetectionRouting {
    /// Adds a route, sharing its field lists with the routes already there.
    mutating func add(
        family: Int, source: Int32, groupFields: [CorrelationCore.GroupField], valueField: String?
    ) {
        let keyPlan = keyPlans.firstIndex(of: groupFields) ?? keyPlans.count
        if keyPlan == keyPlans.count { keyPlans.append(groupFields) }
        var valuePlan = -1
        if let field = valueField {
            valuePlan = valuePlans.firstIndex(of: field) ?? valuePlans.count
            if valuePlan == valuePlans.count {
                valuePlans.append(field)
                valuePlanFields.append(field.split(separator: CorrelationRule.fieldListSeparator, omittingEmptySubsequences: false).map(String.init))
            }
        }
        routes.append(
            CorrelationCore.DetectionRoute(
                family: family, source: source, keyPlan: keyPlan, valuePlan: valuePlan))
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
        guard let first = scalars.first, let last = scalars.last, Self.mayBeWhitespace(first) || Self.mayBeWhitespace(last)
        else { return self }
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, scalars[start].properties.isWhitespace { start = scalars.index(after: start) }
        while end > start, scalars[scalars.index(before: end)].properties.isWhitespace { end = scalars.index(before: end) }
        return String(scalars[start..<end])
    }

    /// False for the printable ASCII characters (no Unicode property lookup for the usual case).
    private static func mayBeWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value <= 0x20 || (scalar.value >= 0x7F && scalar.properties.isWhitespace)
    }
}
