public import EventImport

/// Puts detection hits from many files into one event-time order.
///
/// Exports come oldest-first (wevtutil) or newest-first (Event Viewer), and a log can jump back
/// in time (clock corrections at boot). Hits are collected, then put in one total order: event
/// time, with ties broken by content (computer, channel, record id, source name, line), never by
/// the order files were given in or read, so results do not depend on file order or direction.
///
/// Only hits are held — events that matched a rule some correlation references — not the
/// input: memory grows with the number of hits. The correlation stage itself then keeps only
/// what its windows hold.
public struct HitMerger: Sendable {
    /// One event with the detection rules it matched.
    public struct Hit: Sendable {
        /// The event.
        public var event: WinEvent
        /// Indices of the matched detection rules.
        public var detections: [Int]

        /// Creates a hit.
        public init(event: WinEvent, detections: [Int]) {
            self.event = event
            self.detections = detections
        }
    }

    private var hits: [Hit] = []
    /// The latest event time seen in any event offered, hit or not.
    public private(set) var latestEventTime: EventTimestamp?

    /// Creates an empty merger.
    public init() {}

    /// Notes an event's time (every event, so absences can be proven up to the end of the input).
    public mutating func observe(_ time: EventTimestamp) {
        if latestEventTime.map({ time > $0 }) ?? true { latestEventTime = time }
    }

    /// Adds a hit, remembered under its source (file or archive member).
    public mutating func add(_ hit: Hit) {
        observe(hit.event.time)
        hits.append(hit)
    }

    /// All hits in event-time order (ties broken by content).
    ///
    /// - Complexity: O(*n* log *n*) in the number of hits.
    public func merged() -> [Hit] {
        hits.sorted(by: Self.precedes)
    }

    static func precedes(_ a: Hit, _ b: Hit) -> Bool {
        let x = a.event
        let y = b.event
        if x.time != y.time { return x.time < y.time }
        if x.computer != y.computer { return x.computer < y.computer }
        if x.channel != y.channel { return x.channel < y.channel }
        if x.recordID != y.recordID { return (x.recordID ?? 0) < (y.recordID ?? 0) }
        if x.origin.source != y.origin.source { return x.origin.source < y.origin.source }
        return x.origin.line < y.origin.line
    }
}
