import EventImport

/// The way from an event to its number in a ``HitTable``: an open-addressing table of numbers
/// and hashes only, the events themselves staying in the table's list.
///
/// A `[WinEvent: UInt32]` would hold a second copy of every distinct event (about 300 bytes each
/// with their strings shared), and its storage doubles as the case grows: 6.4 MB of a 1 GiB case's
/// peak. This one costs 16 bytes a slot, at most half of them in use.
struct HitTemplateIndex: Sendable {
    /// Each slot's entry number plus one (0: empty).
    private var numbers: [UInt64] = Array(repeating: 0, count: 16)
    /// Each used slot's event hash.
    private var hashes: [Int] = Array(repeating: 0, count: 16)
    private var count = 0

    /// The number of the event among `events` that equals `event` (whose hash is `hash`), or nil.
    func number(of event: WinEvent, hash: Int, in events: [WinEvent]) -> UInt32? {
        let mask = numbers.count - 1
        var slot = hash & mask
        while numbers[slot] != 0 {
            if hashes[slot] == hash {
                let number = Int(numbers[slot] - 1)
                if number < events.count, events[number] == event { return UInt32(truncatingIfNeeded: number) }
            }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// Records that the event with `hash` has `number` (an event not yet in the index).
    mutating func insert(_ number: UInt32, hash: Int) {
        if (count + 1) * 2 > numbers.count { grow() }
        place(UInt64(number) + 1, hash: hash)
        count += 1
    }

    private mutating func place(_ entry: UInt64, hash: Int) {
        let mask = numbers.count - 1
        var slot = hash & mask
        while numbers[slot] != 0 { slot = (slot + 1) & mask }
        numbers[slot] = entry
        hashes[slot] = hash
    }

    private mutating func grow() {
        let (oldNumbers, oldHashes) = (numbers, hashes)
        numbers = Array(repeating: 0, count: oldNumbers.count * 2)
        hashes = Array(repeating: 0, count: oldNumbers.count * 2)
        for (entry, hash) in zip(oldNumbers, oldHashes) where entry != 0 { place(entry, hash: hash) }
    }
}
