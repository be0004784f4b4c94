public import EventImport
public import SigmaKit

/// One row of the `hunt` timeline: a detection (a rule matched an event) or a correlation alert.
public struct TimelineRow: Sendable {
    /// What raised the row.
    public enum Kind: Sendable {
        /// A detection rule matched ``event``.
        case detection(event: WinEvent, matched: [EventField])
        /// A correlation rule held.
        case correlation(CorrelationAlert)
    }

    /// What raised the row.
    public var kind: Kind
    /// The event time (for a correlation, its first contributing event's time).
    public var time: EventTimestamp
    /// The rule's level as written (nil when the rule has none).
    public var level: String?
    /// The rule's title.
    public var title: String
    /// The rule's `id`.
    public var ruleID: String?
    /// The rule's `name`.
    public var ruleName: String?
    /// The event's `Computer` (for a correlation, its first contributing event's).
    public var computer: String
    /// The event's channel (empty for a correlation).
    public var channel: String
    /// The event id (nil for a correlation).
    public var eventID: UInt32?
    /// The event's `EventRecordID`.
    public var recordID: UInt64?
    /// Where the event was read (for a correlation, its first contributing event).
    public var origin: EventOrigin?
    /// The key facts of the row as `Name: value ¦ Name: value` (see ``TimelineDetails``).
    public var details: String

    /// The row of a detection: `rule` matched `event`.
    public init(rule: SigmaRule, event: WinEvent) {
        kind = .detection(event: event.storedWithoutRendering(), matched: TimelineDetails.matchedFields(of: rule, in: event))
        time = event.time
        level = rule.level
        title = rule.title
        ruleID = rule.id
        ruleName = rule.name
        computer = event.computer
        channel = event.channel
        eventID = event.eventID
        recordID = event.recordID
        origin = event.origin
        details = TimelineDetails.text(rule: rule, event: event)
    }

    /// The row of a correlation alert.
    public init(alert: CorrelationAlert) {
        kind = .correlation(alert)
        time = alert.time
        level = alert.level
        title = alert.title
        ruleID = alert.id
        ruleName = alert.name
        computer = alert.events.first?.computer ?? ""
        channel = ""
        eventID = nil
        recordID = alert.events.first?.recordID
        origin = alert.events.first?.origin
        details = TimelineDetails.text(alert: alert)
    }

    /// The row's level, or informational when the rule names none.
    public var severity: TimelineLevel { level.flatMap(TimelineLevel.init(rawValue:)) ?? .informational }

    /// `detection` or `correlation`.
    public var typeName: String {
        switch kind {
        case .detection: "detection"
        case .correlation: "correlation"
        }
    }
}

/// The Sigma levels, in increasing order of severity.
public enum TimelineLevel: String, Sendable, CaseIterable, Comparable {
    case informational, low, medium, high, critical

    public static func < (lhs: TimelineLevel, rhs: TimelineLevel) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}
