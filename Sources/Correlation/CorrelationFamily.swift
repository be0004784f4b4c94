import EventImport

/// What evaluating a rule needs of its spec, without copying the spec per event.
struct RulePlan {
    var kind: CorrelationSpec.Kind
    var timespan: Int64
    var ruleCount: Int
    var condition: [CorrelationSpec.Comparison]
    /// True when the rule's measure can only fall as entries leave the window and its condition
    /// only asks for more (`gt`, `gte`, or all referenced rules): a window that does not hold
    /// with its stale entries still counted cannot hold without them, so it is expired only when
    /// it might hold (or when its group is trimmed).
    let expiresLazily: Bool

    init(_ spec: CorrelationSpec) {
        kind = spec.kind
        timespan = spec.timespan
        ruleCount = spec.rules.count
        condition = spec.condition
        let asksForMore = spec.condition.allSatisfy { $0.op == .gt || $0.op == .gte }
        switch spec.kind {
        case .eventCount, .valueCount, .temporal: expiresLazily = asksForMore
        case .temporalOrdered: expiresLazily = true  // it needs every rule present first
        default: expiresLazily = false
        }
    }

    func holds(_ measured: Double) -> Bool {
        condition.allSatisfy { $0.holds(for: measured) }
    }

    /// For `event_count`, `value_count` and `temporal`, measured by the window's counters alone:
    /// the measure when the rule holds, nil when it does not (and for the other kinds).
    func countedMeasure(_ window: RuleWindow) -> Double? {
        let measured: Double
        switch kind {
        case .eventCount: measured = Double(window.count)
        case .valueCount: measured = Double(window.present)
        case .temporal:
            measured = Double(window.present)
            if condition.isEmpty { return Int(window.present) >= ruleCount ? measured : nil }
        default: return nil
        }
        return holds(measured) ? measured : nil
    }

    /// For a rule that ``expiresLazily``: false when `window`, stale entries included, cannot hold.
    func mightHold(_ window: RuleWindow) -> Bool {
        switch kind {
        case .temporalOrdered: Int(window.present) == ruleCount
        default: countedMeasure(window) != nil
        }
    }

    /// True for `rdpcause_absent`, which keeps no window.
    var isAbsence: Bool {
        if case .absent = kind { true } else { false }
    }
}

/// One hit (or chained alert) in a group's shared window: 32 bytes with nothing to retain, so
/// the entries that windows scan are dense in memory. The value's text and a chained alert's
/// events, which few families need, are kept beside the entries (``FamilyGroup``).
struct FamilyEntry {
    /// Event time, in ticks.
    var time: Int64
    /// The value field parsed as a number (NaN when it is none), parsed once per hit.
    var number: Double
    /// The hit's sequence number in the engine's ``HitJournal``; -1 for a chained alert.
    var hit: Int
    /// Which of the family's sources fed it: one reference of a detection or correlation.
    var source: Int32
    /// The number of the value's text in the group's ``ValueTable`` (-1: none, or not kept).
    var value: Int32 = -1
}

/// An entry that made a rule hold, as the engine reports it.
struct Contributor {
    var time: Int64
    /// The hit's sequence number in the engine's ``HitJournal``; -1 for a chained alert.
    var hit: Int
    /// For a chained alert: the events of the alert.
    var chained: [ContributingEvent]
}

/// One rule's view of one group: where its window starts in the group's shared entries, and its
/// running measures (24 bytes, so the windows of a group's rules sit together in a few cache lines).
struct RuleWindow {
    /// Offset in the group's entries of the first entry that may still count.
    var start: Int32 = 0
    /// Entries of the rule in the window.
    var count: Int32 = 0
    /// Roles (temporal rules) or distinct values (`value_count`) with an entry in the window.
    var present: Int32 = 0
    /// Entries whose value is a number.
    var numbers: Int32 = 0
    /// The sum of those numbers.
    var sum = 0.0
}

/// One group of a family: its group-by values and the entries all the family's rules share.
struct FamilyGroup {
    var key: String
    /// `key.hashValue`, kept for the index.
    var hash: Int
    var values: [String]
    var entries = WindowBuffer<FamilyEntry>()
    /// The entries' value texts, numbered, when a rule of the family counts distinct values.
    var valueTable = ValueTable()
    /// The events of each entry's chained alert, when a correlation feeds the family (else empty).
    var chained = WindowBuffer<[ContributingEvent]>()
    var lastTouch: Int64 = .min
    /// For `rdpcause_absent`: the time of the group's last `absent_rules` event.
    var lastAbsentEvent: Int64 = .min
    var older: Int32 = -1
    var newer: Int32 = -1
}

/// The correlation rules that group the same way (same group-by keys, aliases and value field),
/// evaluated together: a hit is looked up once per family, its entry is stored once per group and
/// shared by every rule of the family, and the rules' windows of one group are adjacent in memory.
/// A hit that feeds many rules of a family therefore touches one group, not one group per rule.
///
/// Each rule keeps a ``RuleWindow`` per group: the offset where its window starts in the group's
/// entries, and its counts, role counters, distinct values and sums, updated as entries come in
/// and leave. An entry counts for a rule when its source routes to that rule (a detection
/// referenced twice by a rule is two sources). A rule whose condition only asks for more drops
/// old entries only when its window might hold (``RulePlan/expiresLazily``). Groups are kept in
/// last-touch order and freed when the longest window of the family has passed since their last
/// entry; a group's entries older than twice that window are trimmed as it grows (every window
/// expired first), so memory is bounded by what the windows hold.
struct CorrelationFamily {
    /// A rule of the family that a source feeds, with the role the source has in it.
    struct LocalRoute {
        var rule: Int32
        var role: Int32
    }

    /// The role of a source in a rule it does not feed.
    static let unrouted = Int32.min

    /// The engine's indices of the family's rules, in local order.
    let rules: [Int]
    let plans: [RulePlan]
    /// The longest window of the family's rules (for `rdpcause_absent`, the longer side).
    let maxSpan: Int64
    /// True when a rule counts distinct values (groups then keep each entry's value text).
    let keepsValueText: Bool
    /// True for the family of an `rdpcause_absent` rule (always alone in its family).
    let isAbsence: Bool
    /// True when a correlation feeds the family (groups then keep each entry's chained events).
    private(set) var keepsChained = false
    /// Per source, the rules it feeds, in rule order.
    private(set) var sourceRoutes: [[LocalRoute]] = []
    /// `roles[source * rules.count + rule]`: the source's role in the rule, or ``unrouted``.
    private var roles: [Int32] = []
    /// Per rule, the offset of its role counters in a group's counters (-1: it keeps none).
    private let roleOffsets: [Int]
    private let roleStride: Int
    /// Per rule, the index of its distinct-value counts in a group's (-1: it keeps none).
    private let distinctSlots: [Int]
    private let distinctStride: Int

    private var groupIndex = GroupIndex()
    private var groups: [FamilyGroup] = []
    /// `windows[group * rules.count + rule]`.
    private var windows: [RuleWindow] = []
    /// `roleCounts[group * roleStride + roleOffsets[rule] + role]`: entries per role in the window.
    private var roleCounts: [Int32] = []
    private var freeGroups: [Int32] = []
    private var oldest: Int32 = -1
    private var newest: Int32 = -1

    init(rules: [Int], plans: [RulePlan]) {
        self.rules = rules
        self.plans = plans
        maxSpan = plans.map { plan in
            if case .absent(let before, let after) = plan.kind { return max(before, after) }
            return plan.timespan
        }.max() ?? 0
        var offsets: [Int] = []
        var stride = 0
        var slots: [Int] = []
        var distinct = 0
        for plan in plans {
            switch plan.kind {
            case .temporal, .temporalOrdered:
                offsets.append(stride)
                stride += plan.ruleCount
            default: offsets.append(-1)
            }
            if plan.kind == .valueCount {
                slots.append(distinct)
                distinct += 1
            } else {
                slots.append(-1)
            }
        }
        roleOffsets = offsets
        roleStride = stride
        distinctSlots = slots
        distinctStride = distinct
        keepsValueText = distinct > 0
        isAbsence = plans.first?.isAbsence ?? false
    }

    /// Adds a source with its role in each rule (``unrouted`` where it feeds none) and returns
    /// its index; `chained` when the source is a correlation's alerts.
    mutating func addSource(roles sourceRoles: [Int32], chained: Bool) -> Int32 {
        if chained { keepsChained = true }
        let source = Int32(sourceRoutes.count)
        roles += sourceRoles
        sourceRoutes.append(
            sourceRoles.enumerated().compactMap { rule, role in
                role == Self.unrouted ? nil : LocalRoute(rule: Int32(rule), role: role)
            })
        return source
    }

    /// The number of groups holding state.
    var count: Int { groupIndex.count }

    /// The number of entries the groups hold.
    var entryCount: Int { groups.reduce(0) { $0 + $1.entries.count } }

    /// The number of distinct value texts the groups hold.
    var valueCount: Int { groups.reduce(0) { $0 + $1.valueTable.count } }

    /// The group-by values of `group`.
    func values(of group: Int32) -> [String] { groups[Int(group)].values }

    /// The group with `key` (whose `hashValue` is `hash`), if it exists.
    ///
    /// Inlined: called on a family inside an array, a non-mutating method got a copy of the
    /// whole family to work on.
    @inline(__always)
    private func find(_ key: String, hash: Int) -> Int32? {
        groupIndex.find(hash) { groups[Int($0)].key == key }
    }

    /// The time of the last `absent_rules` event of the group with `key`, if it has had one.
    func lastAbsentEvent(key: String, hash: Int) -> Int64? {
        guard let group = find(key, hash: hash) else { return nil }
        let time = groups[Int(group)].lastAbsentEvent
        return time == .min ? nil : time
    }

    /// The group with `key` (whose `hashValue` is `hash`), created (or recycled) when absent,
    /// marked as touched at `time`.
    mutating func group(key: String, hash: Int, values: [String], at time: Int64) -> Int32 {
        let group: Int32
        if let found = find(key, hash: hash) {
            group = found
            unlink(group)
        } else {
            group = freeGroups.popLast() ?? Int32(groups.count)
            allocate(group, key: key, hash: hash, values: values)
            groupIndex.insert(hash, group: group)
        }
        groups.withUnsafeMutableBufferPointer { groups in
            groups[Int(group)].lastTouch = time
            groups[Int(group)].older = newest
            groups[Int(group)].newer = -1
            if newest >= 0 { groups[Int(newest)].newer = group }
        }
        if newest < 0 { oldest = group }
        newest = group
        return group
    }

    /// Sets up `group` (a freed group, or a new one) empty, for `key`.
    private mutating func allocate(_ group: Int32, key: String, hash: Int, values: [String]) {
        let index = Int(group)
        if index == groups.count {
            groups.append(FamilyGroup(key: key, hash: hash, values: values))
            windows.append(contentsOf: repeatElement(RuleWindow(), count: rules.count))
            roleCounts.append(contentsOf: repeatElement(0, count: roleStride))
            return
        }
        groups[index].key = key
        groups[index].hash = hash
        groups[index].values = values
        groups[index].lastAbsentEvent = .min
        for rule in 0..<rules.count { reset(rule, in: index, start: 0) }
    }

    /// Empties the window of `rule` in group `index`, to start at entry offset `start`.
    ///
    /// A window with no role or value present has all its counters at zero: only what the window
    /// says is in use is reset. (A freed group's value counts went with its value table.)
    @inline(__always)
    private mutating func reset(_ rule: Int, in index: Int, start: Int32) {
        let slot = index * rules.count + rule
        let window = windows[slot]
        if window.present > 0 {
            if roleOffsets[rule] >= 0 {
                resetRoleCounters(rule, in: index)
            } else if distinctSlots[rule] >= 0 {
                // A freed group has no entries left (nor counts: its value table was emptied).
                for offset in Int(window.start)..<max(Int(window.start), groups[index].entries.count) {
                    let value = groups[index].entries[offset].value
                    if value >= 0 { groups[index].valueTable.counts[Int(value) * distinctStride + distinctSlots[rule]] = 0 }
                }
            }
        }
        windows[slot] = RuleWindow(start: start)
    }

    /// Sets the role counters of `rule` in group `index` to zero.
    private mutating func resetRoleCounters(_ rule: Int, in index: Int) {
        let base = index * roleStride + roleOffsets[rule]
        let count = plans[rule].ruleCount
        roleCounts.withUnsafeMutableBufferPointer { counts in
            UnsafeMutableBufferPointer(rebasing: counts[base..<base + count]).update(repeating: 0)
        }
    }

    /// Notes an `absent_rules` event of `group` at `time`.
    mutating func noteAbsentEvent(in group: Int32, at time: Int64) {
        groups[Int(group)].lastAbsentEvent = time
    }

    /// A rule that holds: the measure and the entries that made it hold.
    struct Held {
        var rule: Int
        var measure: Double
        var contributors: [Contributor]
    }

    /// Stores `entry` (with its value text and chained events, kept when the family needs them)
    /// in the group with `key` and lets every rule its source feeds count it; appends the rules
    /// that now hold to `held` and returns the group.
    mutating func insert(
        _ entry: FamilyEntry, text: String?, chained: [ContributingEvent], key: String, hash: Int, values: [String],
        held: inout [Held]
    ) -> Int32 {
        let group = group(key: key, hash: hash, values: values, at: entry.time)
        let offset = append(entry, text: text, chained: chained, to: group)
        for route in sourceRoutes[Int(entry.source)] {
            if let (measure, contributors) = include(offset, of: group, in: Int(route.rule), role: route.role) {
                held.append(Held(rule: rules[Int(route.rule)], measure: measure, contributors: contributors))
            }
        }
        return group
    }

    /// Appends `entry` to `group`'s shared entries and returns its offset there (valid until the
    /// next append). Every earlier entry must have been included by the rules its source feeds.
    private mutating func append(_ entry: FamilyEntry, text: String?, chained: [ContributingEvent], to group: Int32) -> Int32 {
        let index = Int(group)
        if !groups[index].entries.isEmpty, groups[index].entries[0].time < entry.time &- maxSpan &- maxSpan {
            trim(group, now: entry.time)
        }
        var entry = entry
        if keepsValueText, let text {
            entry.value = groups[index].valueTable.number(for: text, counters: distinctStride)
        }
        groups[index].entries.append(entry)
        if keepsChained { groups[index].chained.append(chained) }
        return Int32(groups[index].entries.count - 1)
    }

    /// Expires every rule's window of `group` as of `now` and drops the entries no window starts
    /// before (the windows' offsets move with them).
    private mutating func trim(_ group: Int32, now: Int64) {
        let index = Int(group)
        let base = index * rules.count
        var dropped = Int32.max
        for rule in 0..<rules.count {
            expire(rule, in: index, before: now &- plans[rule].timespan)
            dropped = min(dropped, windows[base + rule].start)
        }
        guard dropped > 0 else { return }
        for _ in 0..<dropped {
            if let value = groups[index].entries.first?.value, value >= 0 { groups[index].valueTable.release(value) }
            groups[index].entries.removeFirst()
            if keepsChained { groups[index].chained.removeFirst() }
        }
        for rule in 0..<rules.count { windows[base + rule].start -= dropped }
    }

    /// Counts the entry at `offset` of `group` in the window of `rule` (as `role`), drops what has
    /// left the window, and, when the rule now holds, returns the measure and the contributing
    /// entries and empties the window (one burst, one alert).
    private mutating func include(
        _ entryOffset: Int32, of group: Int32, in rule: Int, role: Int32
    ) -> (measure: Double, contributors: [Contributor])? {
        let index = Int(group)
        let slot = index * rules.count + rule
        let offset = Int(entryOffset)
        let time = groups[index].entries[offset].time
        let number = groups[index].entries[offset].number
        windows[slot].count += 1
        if roleOffsets[rule] >= 0 {
            let counter = index * roleStride + roleOffsets[rule] + Int(role)
            if roleCounts[counter] == 0 { windows[slot].present += 1 }
            roleCounts[counter] += 1
        }
        let value = groups[index].entries[offset].value
        if distinctSlots[rule] >= 0, value >= 0 {
            let counter = Int(value) * distinctStride + distinctSlots[rule]
            if groups[index].valueTable.counts[counter] == 0 { windows[slot].present += 1 }
            groups[index].valueTable.counts[counter] += 1
        }
        if !number.isNaN {
            windows[slot].sum += number
            windows[slot].numbers += 1
        }
        if plans[rule].expiresLazily, !plans[rule].mightHold(windows[slot]) { return nil }
        expire(rule, in: index, before: time &- plans[rule].timespan)
        guard let measure = measure(rule, in: index, through: offset) else { return nil }
        let contributing = contributors(rule, in: index, through: offset)
        reset(rule, in: index, start: entryOffset + 1)
        return (measure, contributing)
    }

    /// Moves the window of `rule` past its entries older than `horizon` (and past entries of
    /// sources that do not feed it), taking them out of its measures.
    private mutating func expire(_ rule: Int, in index: Int, before horizon: Int64) {
        let slot = index * rules.count + rule
        let end = groups[index].entries.count
        var offset = Int(windows[slot].start)
        while offset < end {
            let role = roles[Int(groups[index].entries[offset].source) * rules.count + rule]
            if role != Self.unrouted {
                let time = groups[index].entries[offset].time
                if time >= horizon { break }
                remove(offset, of: index, from: rule, slot: slot, role: role)
            }
            offset += 1
        }
        windows[slot].start = Int32(offset)
    }

    private mutating func remove(_ offset: Int, of index: Int, from rule: Int, slot: Int, role: Int32) {
        windows[slot].count -= 1
        if roleOffsets[rule] >= 0 {
            let counter = index * roleStride + roleOffsets[rule] + Int(role)
            roleCounts[counter] -= 1
            if roleCounts[counter] == 0 { windows[slot].present -= 1 }
        }
        let value = groups[index].entries[offset].value
        if distinctSlots[rule] >= 0, value >= 0 {
            let counter = Int(value) * distinctStride + distinctSlots[rule]
            groups[index].valueTable.counts[counter] -= 1
            if groups[index].valueTable.counts[counter] == 0 { windows[slot].present -= 1 }
        }
        let number = groups[index].entries[offset].number
        if !number.isNaN {
            windows[slot].numbers -= 1
            // Exactly zero once the window holds no number, whatever rounding the subtractions left.
            windows[slot].sum = windows[slot].numbers == 0 ? 0 : windows[slot].sum - number
        }
    }

    /// The role of the entry at `offset` of group `index` in `rule`.
    @inline(__always)
    private func role(_ offset: Int, of index: Int, in rule: Int) -> Int32 {
        roles[Int(groups[index].entries[offset].source) * rules.count + rule]
    }

    /// The offsets of the entries of `rule`'s window in group `index`, through offset `last`.
    private func windowOffsets(_ rule: Int, in index: Int, through last: Int) -> [Int] {
        let lower = Int(windows[index * rules.count + rule].start)
        return (lower..<max(lower, last + 1)).filter {
            role($0, of: index, in: rule) != Self.unrouted
        }
    }

    /// The rule's measure when it holds.
    ///
    /// - Complexity: O(1) for counts, distinct values, sums and temporal roles; O(*w*) in the
    ///   window for `temporal_ordered` once every rule has an event in the window, and for median
    ///   and percentile.
    /// Mutating only to read the family in place: as a non-mutating method called from
    /// ``include(_:of:in:role:)``, it worked on a copy of the family made for every call.
    private mutating func measure(_ rule: Int, in index: Int, through last: Int) -> Double? {
        let window = windows[index * rules.count + rule]
        let ruleCount = plans[rule].ruleCount
        let measured: Double
        switch plans[rule].kind {
        case .eventCount, .valueCount, .temporal:
            return plans[rule].countedMeasure(window)
        case .temporalOrdered:
            guard window.present == ruleCount else { return nil }
            let chain = Double(orderedChain(rule, in: index, through: last).count)
            return chain == Double(ruleCount) && (plans[rule].condition.isEmpty || plans[rule].holds(chain)) ? chain : nil
        case .valueSum:
            measured = window.sum
        case .valueAverage:
            guard window.numbers > 0 else { return nil }
            measured = window.sum / Double(window.numbers)
        case .valueMedian, .valuePercentile:
            let numbers = windowOffsets(rule, in: index, through: last).map { groups[index].entries[$0].number }
                .filter { !$0.isNaN }.sorted()
            guard !numbers.isEmpty else { return nil }
            var percentile = 50.0
            if case .valuePercentile(let p) = plans[rule].kind { percentile = p }
            measured = nearestRankPercentile(numbers, percentile)
        case .absent:
            return nil
        }
        return plans[rule].holds(measured) ? measured : nil
    }

    /// The earliest chain of entries with roles 0, 1, 2, … in window order.
    private func orderedChain(_ rule: Int, in index: Int, through last: Int) -> [Int] {
        var chain: [Int] = []
        for offset in windowOffsets(rule, in: index, through: last)
        where role(offset, of: index, in: rule) == chain.count {
            chain.append(offset)
            if chain.count == plans[rule].ruleCount { break }
        }
        return chain
    }

    /// The entries that made `rule` hold: the chain for `temporal_ordered`, else the whole window.
    private func contributors(_ rule: Int, in index: Int, through last: Int) -> [Contributor] {
        let offsets =
            plans[rule].kind == .temporalOrdered
            ? orderedChain(rule, in: index, through: last) : windowOffsets(rule, in: index, through: last)
        return offsets.map { offset in
            let entry = groups[index].entries[offset]
            return Contributor(time: entry.time, hit: entry.hit, chained: keepsChained ? groups[index].chained[offset] : [])
        }
    }

    /// Frees every group without an entry since `horizon` (no window of the family reaches back
    /// to it).
    mutating func expireGroups(before now: Int64) {
        let horizon = now &- maxSpan
        while oldest >= 0, groups[Int(oldest)].lastTouch < horizon {
            let group = oldest
            unlink(group)
            let slot = Int(group)
            groupIndex.remove(groups[slot].hash, group: group)
            groups[slot].values = []
            groups[slot].entries.removeAll()
            groups[slot].valueTable.removeAll()
            groups[slot].chained.removeAll()
            freeGroups.append(group)
        }
    }

    private mutating func unlink(_ group: Int32) {
        let (older, newer) = (groups[Int(group)].older, groups[Int(group)].newer)
        groups.withUnsafeMutableBufferPointer { groups in
            if older >= 0 { groups[Int(older)].newer = newer }
            if newer >= 0 { groups[Int(newer)].older = older }
        }
        if older < 0 { oldest = newer }
        if newer < 0 { newest = older }
    }
}

/// A hash index from group key to group number: open addressing with linear probing and
/// backward-shift deletion over one flat array of (hash, group) pairs. Keys are hashed once per
/// hit (not once per family, nor again on removal); a probe compares the key text only when the
/// stored hash is equal.
struct GroupIndex {
    private struct Bucket {
        var hash: Int
        var group: Int32
    }

    private static let empty = Bucket(hash: 0, group: -1)
    private var buckets = Array(repeating: GroupIndex.empty, count: 16)
    private var mask = 15
    private(set) var count = 0

    /// The group whose key has `hash` and satisfies `isKey`, if any.
    func find(_ hash: Int, isKey: (Int32) -> Bool) -> Int32? {
        var bucket = hash & mask
        while true {
            let found = buckets[bucket]
            if found.group < 0 { return nil }
            if found.hash == hash, isKey(found.group) { return found.group }
            bucket = (bucket + 1) & mask
        }
    }

    /// Adds `group` (which must be absent) under `hash`.
    mutating func insert(_ hash: Int, group: Int32) {
        if (count + 1) * 2 > buckets.count { grow() }
        var bucket = hash & mask
        while buckets[bucket].group >= 0 { bucket = (bucket + 1) & mask }
        buckets[bucket] = Bucket(hash: hash, group: group)
        count += 1
    }

    /// Removes `group` (which must be present under `hash`).
    mutating func remove(_ hash: Int, group: Int32) {
        let mask = mask
        var hole = hash & mask
        while buckets[hole].group != group { hole = (hole + 1) & mask }
        buckets.withUnsafeMutableBufferPointer { buckets in
            // Backward shift: move later entries of the probe run into the hole so lookups never
            // stop early at it.
            var next = (hole + 1) & mask
            while buckets[next].group >= 0 {
                let wanted = buckets[next].hash & mask
                // The entry at `next` may fill the hole unless its home lies cyclically in (hole, next].
                let movable = hole <= next ? (wanted <= hole || wanted > next) : (wanted <= hole && wanted > next)
                if movable {
                    buckets[hole] = buckets[next]
                    hole = next
                }
                next = (next + 1) & mask
            }
            buckets[hole] = Self.empty
        }
        count -= 1
    }

    private mutating func grow() {
        let old = buckets
        buckets = Array(repeating: Self.empty, count: old.count * 2)
        mask = buckets.count - 1
        count = 0
        for bucket in old where bucket.group >= 0 { insert(bucket.hash, group: bucket.group) }
    }
}

/// The distinct value texts of one group's entries, numbered so that entries hold a number and
/// each `value_count` rule counts per number in a flat array (no dictionary per rule and group).
/// A number is reused once no entry holds it, so the table is bounded by the entries.
struct ValueTable {
    private var numbers: [String: Int32] = [:]
    private var texts: [String] = []
    /// Entries holding each number.
    private var uses: [Int32] = []
    private var freeNumbers: [Int32] = []
    /// `counts[number * counters + slot]`: entries of a rule's window with that value.
    var counts: [Int32] = []

    /// The number of texts held.
    var count: Int { numbers.count }

    /// The number of `text`, assigned (with `counters` zeroed counters) when it has none; counts
    /// one more entry holding it.
    mutating func number(for text: String, counters: Int) -> Int32 {
        if let number = numbers[text] {
            uses[Int(number)] += 1
            return number
        }
        let number: Int32
        if let free = freeNumbers.popLast() {
            number = free
            texts[Int(number)] = text
            uses[Int(number)] = 1
        } else {
            number = Int32(texts.count)
            texts.append(text)
            uses.append(1)
            counts.append(contentsOf: repeatElement(0, count: counters))
        }
        numbers[text] = number
        return number
    }

    /// Counts one entry fewer holding `number`, and frees the number when none does (no window
    /// counts an entry that is gone, so its counters are zero).
    mutating func release(_ number: Int32) {
        uses[Int(number)] -= 1
        guard uses[Int(number)] == 0 else { return }
        numbers.removeValue(forKey: texts[Int(number)])
        freeNumbers.append(number)
    }

    /// Empties the table (a freed group), keeping its storage.
    mutating func removeAll() {
        guard !texts.isEmpty else { return }
        numbers.removeAll(keepingCapacity: true)
        texts.removeAll(keepingCapacity: true)
        uses.removeAll(keepingCapacity: true)
        freeNumbers.removeAll(keepingCapacity: true)
        counts.removeAll(keepingCapacity: true)
    }
}
