/// One Windows event record, normalized from any export form (wevtutil, Event Viewer, PowerShell).
///
/// The value keeps what diagnosis and rule matching need and nothing that the export format
/// adds: System fields, the payload as ordered name/value pairs, the optional localized
/// `RenderingInfo` text, and the ``EventOrigin`` that points back at the exact record.
///
/// Payload forms map to ``fields`` as follows:
/// - `<EventData><Data Name="X">v</Data>` gives `("X", "v")`.
/// - Classic providers' unnamed `<Data>v</Data>` gives `("", "v")`; ``unnamedData`` lists them and
///   JSON output names them `Data[1]`, `Data[2]`, ….
/// - `<UserData><EventXML xmlns="Event_NS"><User>v</User>` gives `("User", "v")`: every leaf
///   element below the UserData wrapper becomes a field named by its local name.
/// - `<Binary>` is kept apart in ``binary`` (upper-case hex as Windows renders it).
public struct WinEvent: Sendable, Hashable {
    /// `TimeCreated/@SystemTime`, in UTC.
    public var time: EventTimestamp
    /// `System/Computer` as written (NetBIOS name or FQDN).
    public var computer: String
    /// `System/Channel`, e.g. `System` or `Microsoft-Windows-TerminalServices-RDPClient/Operational`.
    public var channel: String
    /// `System/Provider/@Name`.
    public var provider: String
    /// `System/Provider/@Guid`, normalized to upper case without braces (empty when absent).
    public var providerGUID: String
    /// `System/Provider/@EventSourceName` for classic sources (empty when absent).
    public var eventSourceName: String
    /// `System/EventID` without the qualifier bits.
    public var eventID: UInt32
    /// `System/EventID/@Qualifiers` for classic providers.
    public var qualifiers: UInt16?
    /// `System/Version`.
    public var version: UInt8?
    /// `System/Level`: 0 LogAlways, 1 Critical, 2 Error, 3 Warning, 4 Information, 5 Verbose.
    public var level: UInt8?
    /// `System/Task`.
    public var task: UInt16?
    /// `System/Opcode`.
    public var opcode: UInt8?
    /// `System/Keywords` as written (a hex string such as `0x8020000000000000`).
    public var keywords: String
    /// `System/EventRecordID`.
    public var recordID: UInt64?
    /// `System/Correlation/@ActivityID`, normalized to upper case without braces (empty when absent).
    public var activityID: String
    /// `System/Execution/@ProcessID`.
    public var processID: UInt32?
    /// `System/Execution/@ThreadID`.
    public var threadID: UInt32?
    /// `System/Security/@UserID` (a SID string, empty when absent).
    public var userID: String
    /// `EventData/@Name` when the manifest names the payload template (empty otherwise).
    public var eventDataName: String
    /// The payload in document order.
    public var fields: [EventField]
    /// `EventData/Binary` as written (hex), empty when absent.
    public var binary: String
    /// Localized strings from `RenderingInfo`, present only in rendered exports.
    public var rendering: RenderingInfo?
    /// Where the record was read from.
    public var origin: EventOrigin

    /// Creates an event; every field but the identity has a neutral default.
    public init(
        time: EventTimestamp,
        computer: String,
        channel: String,
        provider: String,
        eventID: UInt32,
        fields: [EventField] = [],
        origin: EventOrigin = EventOrigin(source: "", line: 0)
    ) {
        self.time = time
        self.computer = computer
        self.channel = channel
        self.provider = provider
        self.providerGUID = ""
        self.eventSourceName = ""
        self.eventID = eventID
        self.qualifiers = nil
        self.version = nil
        self.level = nil
        self.task = nil
        self.opcode = nil
        self.keywords = ""
        self.recordID = nil
        self.activityID = ""
        self.processID = nil
        self.threadID = nil
        self.userID = ""
        self.eventDataName = ""
        self.fields = fields
        self.binary = ""
        self.rendering = nil
        self.origin = origin
    }

    /// The first payload value whose name equals `name` exactly, or `nil`.
    ///
    /// - Complexity: O(*n*) in the number of fields (events carry a handful to a few dozen).
    public func field(_ name: String) -> String? {
        for field in fields where field.name == name {
            return field.value
        }
        return nil
    }

    /// The first payload value whose name equals `name` ignoring ASCII case, or `nil`.
    ///
    /// Real logs spell one field differently across event IDs (`SessionID` / `SessionId`,
    /// `ProcessId` / `ProcessID`), so lookups by people-written names go through here.
    public func field(caseInsensitive name: String) -> String? {
        for field in fields where asciiCaseInsensitiveEquals(field.name, name) {
            return field.value
        }
        return nil
    }

    /// The values of classic providers' unnamed `<Data>` elements, in order.
    public var unnamedData: [String] {
        fields.compactMap { $0.name.isEmpty ? $0.value : nil }
    }

    /// A copy to keep after the import callback returns: its field array holds exactly its
    /// fields (the importer's has room for the largest record seen so far, often several times
    /// more), and it has no `RenderingInfo` (an Event Viewer export's localized text, often the
    /// largest part of a record), which rules and the diagnosis never read.
    public func storedWithoutRendering() -> WinEvent {
        var stored = self
        stored.rendering = nil
        stored.fields = []
        stored.fields.reserveCapacity(fields.count)
        stored.fields.append(contentsOf: fields)
        return stored
    }

    /// A short locator for reports: `source:line` plus the record id when known.
    public var locator: String {
        if let recordID {
            return "\(origin.description) (record \(recordID))"
        }
        return origin.description
    }
}

/// One payload value of an event.
public struct EventField: Sendable, Hashable {
    /// The `Name` attribute or the UserData element's local name; empty for unnamed `<Data>`.
    public var name: String
    /// The text, verbatim except that a whitespace-only value becomes empty.
    public var value: String

    /// Creates a field.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// The localized `RenderingInfo` block of an Event Viewer "Save as XML" or `/f:RenderedXml` export.
public struct RenderingInfo: Sendable, Hashable {
    /// `RenderingInfo/@Culture`, e.g. `en-US` or `fr-FR`.
    public var culture: String = ""
    /// The rendered message text.
    public var message: String = ""
    /// The localized level name.
    public var level: String = ""
    /// The localized task name.
    public var task: String = ""
    /// The localized opcode name.
    public var opcode: String = ""
    /// The localized channel name.
    public var channel: String = ""
    /// The localized provider name.
    public var provider: String = ""
    /// The localized keyword names.
    public var keywords: [String] = []

    /// Creates an empty rendering block.
    public init() {}
}

/// Where an event (or a diagnostic) comes from: a file, or a member inside archives.
public struct EventOrigin: Sendable, Hashable, CustomStringConvertible {
    /// The file path, with archive members appended after `!` (e.g. `case.zip!host/System.xml`).
    public var source: String
    /// The 1-based line of the record's `<Event` start tag in the decoded text.
    public var line: Int
    /// The byte offset of the record's start tag in the decoded (UTF-8) text.
    public var byteOffset: Int

    /// Creates an origin.
    public init(source: String, line: Int, byteOffset: Int = 0) {
        self.source = source
        self.line = line
        self.byteOffset = byteOffset
    }

    /// `source:line`.
    public var description: String { "\(source):\(line)" }
}

/// Compares two strings ignoring ASCII letter case, without allocating.
@inlinable
public func asciiCaseInsensitiveEquals(_ lhs: String, _ rhs: String) -> Bool {
    var left = lhs.utf8.makeIterator()
    var right = rhs.utf8.makeIterator()
    while true {
        switch (left.next(), right.next()) {
        case (nil, nil):
            return true
        case let (a?, b?):
            if a != b && asciiLower(a) != asciiLower(b) { return false }
        default:
            return false
        }
    }
}

/// Lower-cases one ASCII byte; other bytes are returned unchanged.
@inlinable
public func asciiLower(_ byte: UInt8) -> UInt8 {
    (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
}
