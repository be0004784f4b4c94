public import EventImport

/// Which timeline rows `hunt` prints: `--min-level`, `--since`, `--until`, `--computer`.
public struct TimelineFilter: Sendable {
    /// Rows of a lower level are left out (a rule without a level counts as informational).
    public var minimumLevel: TimelineLevel = .informational
    /// Rows before this time are left out.
    public var since: EventTimestamp?
    /// Rows after this time are left out.
    public var until: EventTimestamp?
    /// When not empty, only rows of these machines (a short name matches its FQDN, any letter case).
    public var computers: Set<String> = []

    /// A filter that keeps every row.
    public init() {}

    /// Creates a filter; `computers` are names as the user typed them.
    public init(minimumLevel: TimelineLevel, since: EventTimestamp?, until: EventTimestamp?, computers: [String]) {
        self.minimumLevel = minimumLevel
        self.since = since
        self.until = until
        self.computers = Set(computers.map(HostName.normalized))
    }

    /// True when the row is printed.
    public func keeps(_ row: TimelineRow) -> Bool {
        row.severity >= minimumLevel && EventFilter(since: since, until: until).keeps(time: row.time) && (computers.isEmpty || computers.contains(HostName.normalized(row.computer)))
    }
}
