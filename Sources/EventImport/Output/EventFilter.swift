/// Which events `rdpcause events` prints: `--since`, `--until`, `--channel`, `--event-id`.
public struct EventFilter: Sendable {
    /// Events before this time are left out.
    public var since: EventTimestamp?
    /// Events after this time are left out.
    public var until: EventTimestamp?
    /// When not empty, only events of these channels (any letter case), lower-cased.
    public private(set) var channels: Set<String> = []
    /// ``channels`` as a list, for the comparison without allocation of an ASCII channel.
    private var channelList: [String] = []
    /// When not empty, only events with these ids.
    public var eventIDs: Set<UInt32> = []

    /// Creates a filter; `channels` as the user typed them.
    public init(since: EventTimestamp? = nil, until: EventTimestamp? = nil, channels: [String] = [], eventIDs: [UInt32] = []) {
        self.since = since
        self.until = until
        self.channels = Set(channels.map { $0.lowercased() })
        self.channelList = self.channels.sorted()
        self.eventIDs = Set(eventIDs)
    }

    /// True when the filter keeps every event.
    public var keepsEverything: Bool { since == nil && until == nil && channels.isEmpty && eventIDs.isEmpty }

    /// True when `event` is printed.
    public func keeps(_ event: WinEvent) -> Bool {
        keeps(time: event.time) && (eventIDs.isEmpty || eventIDs.contains(event.eventID))
            && (channels.isEmpty || keeps(channel: event.channel))
    }

    /// True when `channel` lower-cased is one of ``channels``. An ASCII channel is compared in
    /// place (a lower-cased filter matches it exactly when it matches it ignoring ASCII case, as
    /// lower-casing an ASCII string changes only A–Z); another is lower-cased, as the filter was.
    public func keeps(channel: String) -> Bool {
        guard channel.utf8.allSatisfy({ $0 < 0x80 }) else { return channels.contains(channel.lowercased()) }
        for name in channelList where asciiCaseInsensitiveEquals(name, channel) { return true }
        return false
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
