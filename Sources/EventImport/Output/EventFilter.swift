/// Which events `rdpcause events` prints: `--since`, `--until`, `--channel`, `--event-id`.
public struct EventFilter: Sendable {
    /// Events before this time are left out.
    public var since: EventTimestamp?
    /// Events after this time are left out.
    public var until: EventTimestamp?
    /// When not empty, only events of these channels (any letter case).
    public var channels: Set<String> = []
    /// When not empty, only events with these ids.
    public var eventIDs: Set<UInt32> = []

    /// Creates a filter; `channels` as the user typed them.
    public init(since: EventTimestamp? = nil, until: EventTimestamp? = nil, channels: [String] = [], eventIDs: [UInt32] = []) {
        self.since = since
        self.until = until
        self.channels = Set(channels.map { $0.lowercased() })
        self.eventIDs = Set(eventIDs)
    }

    /// True when the filter keeps every event.
    public var keepsEverything: Bool { since == nil && until == nil && channels.isEmpty && eventIDs.isEmpty }

    /// True when `event` is printed.
    public func keeps(_ event: WinEvent) -> Bool {
        keeps(time: event.time) && (eventIDs.isEmpty || eventIDs.contains(event.eventID))
            && (channels.isEmpty || channels.contains(event.channel.lowercased()))
    }

    /// True when `time` lies within `since`…`until`.
    public func keeps(time: EventTimestamp) -> Bool {
        (since.map { time >= $0 } ?? true) && (until.map { time <= $0 } ?? true)
    }

    /// Parses a `--since`/`--until` value: `YYYY-MM-DD` (midnight UTC) or an ISO 8601 time (UTC
    /// unless it ends in an offset), or nil.
    public static func time(_ text: String) -> EventTimestamp? {
        if text.utf8.count == 10 { return EventTimestamp(iso8601: text + "T00:00:00Z") }
        return EventTimestamp(iso8601: text)
    }

    /// The accepted forms of a time, for messages.
    public static let timeForms = "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]"
}
