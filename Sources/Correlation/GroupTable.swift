import EventImport

/// The group keys alive in any rule, numbered: a hit's key is hashed once, however many rules it
/// feeds, and the rules' tables index their groups by number. A key is the group-by values joined
/// with U+001F (the value itself when there is one).
///
/// A number is held by every rule table that has a group for it, and freed (for reuse) when the
/// last one lets go, so the numbers in use are bounded by the groups alive, not by the input.
struct GroupDirectory {
    private var numbers: [String: Int32] = [:]
    private(set) var keys: [String] = []
    private(set) var values: [[String]] = []
    private var holders: [Int32] = []
    private var freeNumbers: [Int32] = []
    /// Numbers assigned since the last ``sweep()``, which no table may have come to hold.
    private var assigned: [Int32] = []

    /// The number of the group with these group-by values, assigned (held by nobody yet, until
    /// the next ``sweep()``) when it has none.
    mutating func number(of groupValues: [String]) -> Int32 {
        let key = groupValues.count == 1 ? groupValues[0] : groupValues.joined(separator: "\u{1F}")
        if let number = numbers[key] { return number }
        let number: Int32
        if let free = freeNumbers.popLast() {
            number = free
            keys[Int(number)] = key
            values[Int(number)] = groupValues
        } else {
            number = Int32(keys.count)
            keys.append(key)
            values.append(groupValues)
            holders.append(0)
        }
        numbers[key] = number
        assigned.append(number)
        return number
    }

    /// Notes that one more rule table holds `number`.
    mutating func hold(_ number: Int32) {
        holders[Int(number)] += 1
    }

    /// Notes that a rule table let go of `number`; frees it when nobody holds it.
    mutating func release(_ number: Int32) {
        holders[Int(number)] -= 1
        freeIfUnheld(number)
    }

    /// Frees the numbers assigned since the last sweep that no table came to hold (keys of hits
    /// that only checked for a group, such as `rdpcause_absent` anchors).
    mutating func sweep() {
        for number in assigned { freeIfUnheld(number) }
        assigned.removeAll(keepingCapacity: true)
    }

    private mutating func freeIfUnheld(_ number: Int32) {
        guard holders[Int(number)] == 0, numbers.removeValue(forKey: keys[Int(number)]) != nil else { return }
        values[Int(number)] = []
        freeNumbers.append(number)
    }
}

/// A hash index from group number to slot: open addressing with linear probing and
/// backward-shift deletion over one flat array of (number, slot) pairs (one cache line per
/// probe), hashed by one multiplication.
struct SlotIndex {
    private struct Bucket {
        var number: Int32
        var slot: Int32
    }

    private static let empty = Bucket(number: -1, slot: -1)
    private var buckets = Array(repeating: SlotIndex.empty, count: 16)
    private var mask = 15
    private(set) var count = 0

    private static func home(_ number: Int32, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(UInt32(bitPattern: number)) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// The slot of `number`, or -1.
    func slot(of number: Int32) -> Int32 {
        var bucket = Self.home(number, mask)
        while true {
            let found = buckets[bucket]
            if found.number == number { return found.slot }
            if found.number < 0 { return -1 }
            bucket = (bucket + 1) & mask
        }
    }

    /// Adds `number` (which must be absent) at `slot`.
    mutating func insert(_ number: Int32, slot: Int32) {
        if (count + 1) * 2 > buckets.count { grow() }
        var bucket = Self.home(number, mask)
        while buckets[bucket].number >= 0 { bucket = (bucket + 1) & mask }
        buckets[bucket] = Bucket(number: number, slot: slot)
        count += 1
    }

    /// Removes `number` (which must be present).
    mutating func remove(_ number: Int32) {
        let mask = mask
        var hole = Self.home(number, mask)
        while buckets[hole].number != number { hole = (hole + 1) & mask }
        buckets.withUnsafeMutableBufferPointer { buckets in
            // Backward shift: move later entries of the probe run into the hole so lookups never
            // stop early at it.
            var next = (hole + 1) & mask
            while buckets[next].number >= 0 {
                let wanted = Self.home(buckets[next].number, mask)
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
        for bucket in old where bucket.number >= 0 { insert(bucket.number, slot: bucket.slot) }
    }
}

/// One detection hit or chained alert in a group's window.
struct WindowEntry {
    /// Event time, in ticks.
    var time: Int64
    /// Index of the referenced rule in the correlation's `rules`; -1 for an `absent_rules` event.
    var role: Int32
    /// The hit's sequence number in the engine's ``HitJournal``; -1 for a chained alert.
    var hit: Int
    /// The value field's text, for `value_count` rules (the others need only `number`).
    var value: String?
    /// `value` parsed as a number (NaN when it is none), parsed once per hit.
    var number: Double
    /// For a chained alert: the events of the alert.
    var chained: [ContributingEvent]
}

/// The state of one group of one correlation rule.
struct GroupState {
    /// The group's number in the engine's ``GroupDirectory``.
    var group: Int32
    var entries = WindowBuffer<WindowEntry>()
    var valueCounts: [String: Int] = [:]
    var sum = 0.0
    var numericCount = 0
    /// Entries per role in the window, for temporal rules (one counter per referenced rule).
    var roleCounts: [Int32]
    /// How many roles have at least one entry in the window.
    var rolesPresent = 0
    var lastAbsentEvent: Int64?
    /// Time of the last insert; the groups of a table are listed in this order.
    var lastTouch: Int64 = .min
    var older: Int32 = -1
    var newer: Int32 = -1

    init(group: Int32, roles: Int) {
        self.group = group
        roleCounts = Array(repeating: 0, count: roles)
    }

    mutating func append(_ entry: WindowEntry) {
        entries.append(entry)
        if !roleCounts.isEmpty, entry.role >= 0 {
            let role = Int(entry.role)
            if roleCounts[role] == 0 { rolesPresent += 1 }
            roleCounts[role] += 1
        }
        if let value = entry.value { valueCounts[value, default: 0] += 1 }
        if !entry.number.isNaN {
            sum += entry.number
            numericCount += 1
        }
    }

    mutating func expire(before horizon: Int64) {
        while let first = entries.first, first.time < horizon {
            entries.removeFirst()
            if !roleCounts.isEmpty, first.role >= 0 {
                let role = Int(first.role)
                roleCounts[role] -= 1
                if roleCounts[role] == 0 { rolesPresent -= 1 }
            }
            if let value = first.value, let count = valueCounts[value] {
                valueCounts[value] = count > 1 ? count - 1 : nil
            }
            if !first.number.isNaN {
                sum -= first.number
                numericCount -= 1
            }
        }
    }

    /// Empties the window, keeping the buffers' capacity.
    mutating func clear() {
        if !entries.isEmpty { entries.removeAll() }
        if rolesPresent > 0 {
            for role in roleCounts.indices { roleCounts[role] = 0 }
            rolesPresent = 0
        }
        if !valueCounts.isEmpty { valueCounts.removeAll(keepingCapacity: true) }
        sum = 0
        numericCount = 0
    }
}

/// The groups of one correlation rule: an index from group number to slot, slots reused through
/// a free list (a group that expires leaves its buffers to the next one, so the steady state
/// allocates nothing), and an intrusive list of the slots in last-insert order, so expiry looks
/// only at the oldest group.
struct GroupTable {
    private var index = SlotIndex()
    private var slots: [GroupState] = []
    private var freeSlots: [Int32] = []
    private var oldest: Int32 = -1
    private var newest: Int32 = -1
    /// How long after its last insert a group can still matter.
    let span: Int64
    /// Counters per group for temporal rules (0 for the others).
    let roles: Int

    init(span: Int64, roles: Int) {
        self.span = span
        self.roles = roles
    }

    /// The number of live groups.
    var count: Int { index.count }

    /// The last `absent_rules` event of group `number` (`rdpcause_absent` rules), if the group exists.
    func lastAbsentEvent(of number: Int32) -> Int64? {
        let slot = index.slot(of: number)
        return slot < 0 ? nil : slots[Int(slot)].lastAbsentEvent
    }

    /// Runs `body` on group `number` in place, creating (or recycling) its slot when absent, and
    /// marks it as touched at `time`; `created` is true when the table now holds the number and
    /// did not before.
    mutating func update<Result>(
        _ number: Int32, at time: Int64, created: inout Bool, _ body: (inout GroupState) -> Result
    ) -> Result {
        let slot = touch(number, at: time, created: &created)
        return slots.withUnsafeMutableBufferPointer { body(&$0[slot]) }
    }

    /// The slot of group `number`, created (or recycled) when absent, marked as touched at `time`.
    ///
    /// Times should not decrease from one call to the next (the engine's input is in time order;
    /// chained alerts may come slightly behind, which only delays their group's expiry).
    private mutating func touch(_ number: Int32, at time: Int64, created: inout Bool) -> Int {
        var slot = index.slot(of: number)
        if slot >= 0 {
            unlink(slot)
        } else {
            created = true
            if let free = freeSlots.popLast() {
                slot = free
                slots[Int(slot)].group = number
                slots[Int(slot)].lastAbsentEvent = nil
            } else {
                slot = Int32(slots.count)
                slots.append(GroupState(group: number, roles: roles))
            }
            index.insert(number, slot: slot)
        }
        let previous = newest
        slots.withUnsafeMutableBufferPointer { slots in
            slots[Int(slot)].lastTouch = time
            slots[Int(slot)].older = previous
            slots[Int(slot)].newer = -1
            if previous >= 0 { slots[Int(previous)].newer = slot }
        }
        if previous < 0 { oldest = slot }
        newest = slot
        return Int(slot)
    }

    /// True when ``expire(before:released:)`` has something to free (a check that writes nothing).
    func hasExpired(before horizon: Int64) -> Bool {
        oldest >= 0 && slots[Int(oldest)].lastTouch < horizon
    }

    /// Frees every group not touched since `horizon` (its entries are all older than any window
    /// that can still be evaluated) and calls `released` with its number.
    mutating func expire(before horizon: Int64, released: (Int32) -> Void) {
        while oldest >= 0, slots[Int(oldest)].lastTouch < horizon {
            let slot = oldest
            unlink(slot)
            let number = slots[Int(slot)].group
            index.remove(number)
            slots[Int(slot)].clear()
            freeSlots.append(slot)
            released(number)
        }
    }

    private mutating func unlink(_ slot: Int32) {
        let (older, newer) = (slots[Int(slot)].older, slots[Int(slot)].newer)
        slots.withUnsafeMutableBufferPointer { slots in
            if older >= 0 { slots[Int(older)].newer = newer }
            if newer >= 0 { slots[Int(newer)].older = older }
        }
        if older < 0 { oldest = newer }
        if newer < 0 { newest = older }
    }
}

/// The contributing events of recent hits, in time order, addressed by sequence number; window
/// entries keep only the number, so a hit that feeds many rules is copied once.
struct HitJournal {
    private var events = WindowBuffer<ContributingEvent>()
    private var firstSequence = 0

    /// Adds a hit and returns its sequence number.
    mutating func append(_ event: ContributingEvent) -> Int {
        events.append(event)
        return firstSequence + events.count - 1
    }

    /// The hit with `sequence` (which must not have been dropped).
    subscript(sequence: Int) -> ContributingEvent {
        events[sequence - firstSequence]
    }

    /// Drops hits older than `horizon`: no window reaches them any more.
    mutating func drop(before horizon: Int64) {
        while let first = events.first, first.time.ticks < horizon {
            events.removeFirst()
            firstSequence += 1
        }
    }
}

/// A FIFO with amortized O(1) removal at the front (the sliding window).
struct WindowBuffer<Element> {
    private var storage: [Element] = []
    private var head = 0

    var first: Element? { head < storage.count ? storage[head] : nil }
    var count: Int { storage.count - head }
    var isEmpty: Bool { head == storage.count }

    /// The element `offset` places after the first.
    subscript(offset: Int) -> Element { storage[head + offset] }

    mutating func append(_ element: Element) { storage.append(element) }

    mutating func removeFirst() {
        head += 1
        if head == storage.count {
            storage.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 32 && head * 2 > storage.count {
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
