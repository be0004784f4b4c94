import EventImport

/// The contributing events of recent hits, in time order, addressed by sequence number; window
/// entries keep only the number, so a hit that feeds many rules is copied once.
///
/// A hit is kept as numbers only (``CompactHit``: no string, so appending and dropping one retains
/// and releases nothing): its detection by index into the engine's names, and its computer and
/// source file by a *place*, a run of consecutive hits that share both. Hits come in runs from
/// one log of one machine, so places are few; they are kept in a window of their own and dropped
/// with the last hit that uses them. ``subscript(_:)`` builds the ``ContributingEvent`` back,
/// which happens only for the hits of an alert.
struct HitJournal {
    /// One hit without its strings.
    struct CompactHit {
        var time: EventTimestamp
        var recordID: UInt64
        var line: Int
        var byteOffset: Int
        /// The place's sequence number in ``places``.
        var place: Int
        /// The detection's index in the engine's names.
        var detection: Int32
        var hasRecordID: Bool
    }

    /// The computer and source of a run of consecutive hits.
    struct Place {
        var computer: String
        var source: String
    }

    private var hits = WindowBuffer<CompactHit>()
    private var firstSequence = 0
    private var places = WindowBuffer<Place>()
    private var firstPlace = 0
    private let ruleNames: [String]

    /// A journal whose hits name their detection by its index in `ruleNames`.
    init(ruleNames: [String] = []) {
        self.ruleNames = ruleNames
    }

    /// Adds a hit of detection `detection` (an index into the rule names) on `event`; returns its
    /// sequence number.
    mutating func append(detection: Int, event: WinEvent) -> Int {
        // `==` on the same string storage (the importer interns computers and sources) is one
        // comparison of two words; another spelling starts a new place.
        if places.isEmpty || places[places.count - 1].computer != event.computer
            || places[places.count - 1].source != event.origin.source
        {
            places.append(Place(computer: event.computer, source: event.origin.source))
        }
        hits.append(
            CompactHit(
                time: event.time, recordID: event.recordID ?? 0, line: event.origin.line,
                byteOffset: event.origin.byteOffset, place: firstPlace + places.count - 1,
                detection: Int32(truncatingIfNeeded: detection), hasRecordID: event.recordID != nil))
        return firstSequence + hits.count - 1
    }

    /// The hit with `sequence` (which must not have been dropped).
    subscript(sequence: Int) -> ContributingEvent {
        let hit = hits[sequence - firstSequence]
        let place = places[hit.place - firstPlace]
        let detection = Int(hit.detection)
        return ContributingEvent(
            rule: detection < ruleNames.count ? ruleNames[detection] : "", time: hit.time, computer: place.computer,
            recordID: hit.hasRecordID ? hit.recordID : nil,
            origin: EventOrigin(source: place.source, line: hit.line, byteOffset: hit.byteOffset))
    }

    /// The number of hits held.
    var count: Int { hits.count }

    /// The number of places (computer and source runs) held.
    var placeCount: Int { places.count }

    /// Drops hits older than `horizon`: no window reaches them any more; and the places that no
    /// hit held uses.
    mutating func drop(before horizon: Int64) {
        while let first = hits.first, first.time.ticks < horizon {
            hits.removeFirst()
            firstSequence += 1
        }
        let oldestPlaceInUse = hits.first?.place ?? firstPlace + places.count
        // The newest place stays while it is the current run (a new hit may join it).
        while firstPlace < oldestPlaceInUse && places.count > 1 {
            places.removeFirst()
            firstPlace += 1
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
