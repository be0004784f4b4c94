import EventImport

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
