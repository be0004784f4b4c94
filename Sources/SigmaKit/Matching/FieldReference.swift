public import EventImport

/// A `System` value of an event, named as Sigma names them (`EventID`, `Provider_Name`, …).
enum SystemField: String, Sendable, Hashable, CaseIterable {
    case eventID = "EventID"
    case channel = "Channel"
    case providerName = "Provider_Name"
    case providerGUID = "Provider_Guid"
    case eventSourceName = "Provider_EventSourceName"
    case computer = "Computer"
    case level = "Level"
    case task = "Task"
    case opcode = "Opcode"
    case keywords = "Keywords"
    case version = "Version"
    case recordID = "EventRecordID"
    case userID = "Security_UserID"
    case processID = "Execution_ProcessID"
    case threadID = "Execution_ThreadID"
    case activityID = "Correlation_ActivityID"
    case timeCreated = "TimeCreated_SystemTime"
    case qualifiers = "EventID_Qualifiers"
    /// `EventData/Binary` as upper-case hex (classic providers; 7036 holds the service's short
    /// name and state there, e.g. UTF-16LE "TermService/1", independent of the host's language).
    case binary = "Binary"

    /// Names that some rule writers use for the same values.
    static let aliases: [String: SystemField] = [
        "eventsourcename": .eventSourceName,
        "qualifiers": .qualifiers,
        "eventid_qualifiers": .qualifiers,
        "timecreated": .timeCreated,
    ]

    /// Every field by its lower-cased name and by its aliases (a name before an alias of the same spelling).
    static let byLoweredName: [String: SystemField] = Dictionary(
        allCases.map { ($0.rawValue.lowercased(), $0) } + aliases.map { ($0.key, $0.value) },
        uniquingKeysWith: { first, _ in first })

    /// Whether an EventData field of the same name (Sysmon's `Version`, …) takes precedence.
    var payloadFirst: Bool {
        switch self {
        case .level, .task, .opcode, .keywords, .version, .binary: true
        default: false
        }
    }

    /// The field's value as text, or `nil` when the event lacks it.
    func value(in event: WinEvent) -> String? {
        switch self {
        case .eventID: String(event.eventID)
        case .channel: event.channel
        case .providerName: event.provider
        case .providerGUID: event.providerGUID.isEmpty ? nil : event.providerGUID
        case .eventSourceName: event.eventSourceName.isEmpty ? nil : event.eventSourceName
        case .computer: event.computer
        case .level: event.level.map { String($0) }
        case .task: event.task.map { String($0) }
        case .opcode: event.opcode.map { String($0) }
        case .keywords: event.keywords.isEmpty ? nil : event.keywords
        case .version: event.version.map { String($0) }
        case .recordID: event.recordID.map { String($0) }
        case .userID: event.userID.isEmpty ? nil : event.userID
        case .processID: event.processID.map { String($0) }
        case .threadID: event.threadID.map { String($0) }
        case .activityID: event.activityID.isEmpty ? nil : event.activityID
        case .timeCreated: event.time.description
        case .qualifiers: event.qualifiers.map { String($0) }
        case .binary: event.binary.isEmpty ? nil : event.binary
        }
    }
}

/// A payload field name, with its spaceless lower-case form for the fallback comparison.
struct PayloadName: Sendable, Hashable {
    let name: String
    /// `name` lowered, spaces removed: `Threat Name` and `ThreatName` both give `threatname`.
    let folded: [UInt8]
    /// The first byte of `name` when the whole name is ASCII, else `nil`.
    let asciiFirstByte: UInt8?

    init(_ name: String) {
        self.name = name
        folded = name.utf8.compactMap { $0 == 0x20 ? nil : foldByte($0, true) }
        asciiFirstByte = name.utf8.allSatisfy { $0 < 0x80 } ? name.utf8.first : nil
    }

    /// Whether an event field name equals this name as `String` compares them (canonical
    /// equivalence), with most different names told apart by their first byte.
    ///
    /// An ASCII name is its own canonical decomposition, and a name that starts with an ASCII
    /// character starts its decomposition with that character (nothing is reordered in front of a
    /// starter): when both first bytes are ASCII and differ, the names are not equal. Anything else
    /// (`K` against the Kelvin sign, which decomposes to `K`) is left to `==`.
    @inline(__always)
    func equals(_ other: String) -> Bool {
        var bytes = other.utf8.makeIterator()  // `utf8.first` is not inlined; the iterator is.
        if let asciiFirstByte, let first = bytes.next(), first < 0x80, first != asciiFirstByte { return false }
        return other == name
    }

    /// Whether an event field name equals this name ignoring spaces and ASCII case.
    @inline(__always)
    func looselyEquals(_ other: String) -> Bool {
        let count = folded.count
        // Spaces are dropped, nothing is added: a shorter name cannot match.
        if other.utf8.count < count { return false }
        var index = 0
        for byte in other.utf8 where byte != 0x20 {
            if index == count || foldByte(byte, true) != folded[index] { return false }
            index += 1
        }
        return index == count
    }
}

/// How a rule's field name is found in an event.
enum FieldReference: Sendable, Hashable {
    /// A `System` value.
    case system(SystemField)
    /// A payload value (EventData `Name`, UserData element).
    case payload(PayloadName)
    /// A payload value if the event has one by that name, else the `System` value.
    case payloadThenSystem(PayloadName, SystemField)
    /// `Data`: classic providers' unnamed `<Data>` elements (and any payload field named `Data`).
    case unnamedData

    /// Resolves a rule field name.
    static func resolve(_ name: String) -> FieldReference {
        let lowered = name.lowercased()
        if lowered == "data" { return .unnamedData }
        if let system = SystemField.byLoweredName[lowered] {
            return system.payloadFirst ? .payloadThenSystem(PayloadName(name), system) : .system(system)
        }
        return .payload(PayloadName(name))
    }

    /// Calls `predicate` with each value of the field, and the event, until it returns `true`.
    ///
    /// - Returns: `nil` when the event has no such field, else whether a value satisfied `predicate`.
    @inline(__always)
    func anyValue(in event: WinEvent, _ predicate: (String, WinEvent) -> Bool) -> Bool? {
        anyValue(in: event, passing: ()) { value, event, _ in predicate(value, event) }
    }

    /// Calls `predicate` with each value of the field, the event and `context`, until it returns `true`.
    ///
    /// The event and `context` are handed to `predicate` rather than captured by it: a closure that
    /// captures a struct made its specialization copy it per call (for the event, a copy and a
    /// destroy of every string of the event; for a ``DetectionProgram``, a retain and a release of
    /// each of its arrays).
    ///
    /// - Returns: `nil` when the event has no such field, else whether a value satisfied `predicate`.
    @inline(__always)
    func anyValue<Context>(
        in event: WinEvent, passing context: Context, _ predicate: (String, WinEvent, Context) -> Bool
    ) -> Bool? {
        switch self {
        case .system(let field):
            guard let value = field.value(in: event) else { return nil }
            return predicate(value, event, context)
        case .payload(let name):
            return Self.payloadValues(name, in: event, context, predicate)
        case .payloadThenSystem(let name, let field):
            if let result = Self.payloadValues(name, in: event, context, predicate) { return result }
            guard let value = field.value(in: event) else { return nil }
            return predicate(value, event, context)
        case .unnamedData:
            var found = false
            let fields = event.fields
            for index in fields.indices where fields[index].name.isEmpty || fields[index].name == "Data" {
                found = true
                if predicate(fields[index].value, event, context) { return true }
            }
            return found ? false : nil
        }
    }

    /// Looks a payload name up exactly first, then ignoring spaces and ASCII case (Windows Defender
    /// writes `Threat Name` where SigmaHQ rules write `ThreatName`).
    @inline(__always)
    private static func payloadValues<Context>(
        _ name: PayloadName, in event: WinEvent, _ context: Context, _ predicate: (String, WinEvent, Context) -> Bool
    ) -> Bool? {
        var found = false
        let fields = event.fields
        for index in fields.indices where name.equals(fields[index].name) {
            found = true
            if predicate(fields[index].value, event, context) { return true }
        }
        if found { return false }
        for index in fields.indices where !fields[index].name.isEmpty && name.looselyEquals(fields[index].name) {
            found = true
            if predicate(fields[index].value, event, context) { return true }
        }
        return found ? false : nil
    }

    /// The rule-side name, for messages.
    var displayName: String {
        switch self {
        case .system(let field): field.rawValue
        case .payload(let name), .payloadThenSystem(let name, _): name.name
        case .unnamedData: "Data"
        }
    }
}

/// Reads event fields by the names Sigma rules use.
public enum SigmaFields {
    /// The value of field `name` in `event` as a rule would see it: System fields (`Computer`,
    /// `EventID`, `Channel`, `Provider_Name`, …), EventData and UserData names, `Data` for unnamed
    /// classic data (the first one); `nil` when the event lacks the field.
    public static func value(_ name: String, in event: WinEvent) -> String? {
        var first: String?
        _ = FieldReference.resolve(name).anyValue(in: event) { value, _ in
            first = value
            return true
        }
        return first
    }
}
