/// The NDJSON form of events printed by `rdpcause events` (documented in README.md).
public enum NDJSON {
    /// One event as a JSON object followed by a newline.
    ///
    /// Always present: `time` (ISO 8601 UTC, 7 fractional digits), `computer`, `channel`,
    /// `provider`, `eventId`, `recordId` (or null), `level` (or null), `data` (an object in
    /// document order; unnamed classic `<Data>` become `Data[1]`, `Data[2]`, …; a key already used
    /// gets the lowest free `#2`, `#3`…, so keys never repeat) and `origin` (`source`, `line`,
    /// `offset`). Present when the record has
    /// them: `qualifiers`, `version`, `task`, `opcode`, `keywords`, `activityId`, `processId`,
    /// `threadId`, `userId`, `providerGuid`, `eventSourceName`, `eventDataName`, `binary`,
    /// `rendering`.
    public static func line(for event: WinEvent) -> [UInt8] {
        var json = JSONWriter()
        write(event, to: &json)
        json.newline()
        return json.bytes
    }

    /// Writes one event object into `json`.
    public static func write(_ event: WinEvent, to json: inout JSONWriter) {
        json.beginObject()
        json.member("time", event.time.description)
        json.member("computer", event.computer)
        json.member("channel", event.channel)
        json.member("provider", event.provider)
        json.member("eventId", event.eventID)
        json.member("recordId", event.recordID)
        json.member("level", event.level)
        if let qualifiers = event.qualifiers { json.member("qualifiers", qualifiers) }
        if let version = event.version { json.member("version", version) }
        if let task = event.task { json.member("task", task) }
        if let opcode = event.opcode { json.member("opcode", opcode) }
        optional(&json, "keywords", event.keywords)
        optional(&json, "activityId", event.activityID)
        if let processID = event.processID { json.member("processId", processID) }
        if let threadID = event.threadID { json.member("threadId", threadID) }
        optional(&json, "userId", event.userID)
        optional(&json, "providerGuid", event.providerGUID)
        optional(&json, "eventSourceName", event.eventSourceName)
        optional(&json, "eventDataName", event.eventDataName)
        json.key("data")
        json.beginObject()
        var keys = DataKeys()
        for field in event.fields {
            json.member(keys.next(for: field.name), field.value)
        }
        json.endObject()
        optional(&json, "binary", event.binary)
        if let rendering = event.rendering {
            json.key("rendering")
            json.beginObject()
            json.member("culture", rendering.culture)
            json.member("message", rendering.message)
            json.member("level", rendering.level)
            json.member("task", rendering.task)
            json.member("opcode", rendering.opcode)
            json.member("channel", rendering.channel)
            json.member("provider", rendering.provider)
            json.key("keywords")
            json.beginArray()
            for keyword in rendering.keywords {
                json.element()
                json.string(keyword)
            }
            json.endArray()
            json.endObject()
        }
        writeOrigin(event.origin, to: &json)
        json.endObject()
    }

    /// Writes `"origin":{"source","line","offset"}` into the open object (the form every
    /// NDJSON output of rdpcause uses for where an event was read).
    public static func writeOrigin(_ origin: EventOrigin, to json: inout JSONWriter) {
        json.key("origin")
        json.beginObject()
        json.member("source", origin.source)
        json.member("line", origin.line)
        json.member("offset", origin.byteOffset)
        json.endObject()
    }

    private static func optional(_ json: inout JSONWriter, _ key: String, _ value: String) {
        if !value.isEmpty { json.member(key, value) }
    }
}

/// The keys of an NDJSON event's `data` object, one per field in document order, never the same twice.
///
/// A field is keyed by its name; an unnamed classic `<Data>` by `Data[n]`, counting unnamed ones.
/// A key already used in the object gets the lowest `#2`, `#3`, … suffix not used yet, so that a
/// crafted name (`Data[1]` beside an unnamed `Data`, or `A#2` beside two `A`) can never repeat, and
/// so shadow, another field's key.
struct DataKeys {
    private var used: Set<String> = []
    private var nextSuffix: [String: Int] = [:]
    private var unnamed = 0

    /// Creates an empty key set, for one object.
    init() {}

    /// The key for the next field, whose name is `name` (empty for an unnamed `<Data>`).
    mutating func next(for name: String) -> String {
        var base = name
        if base.isEmpty {
            unnamed += 1
            base = "Data[\(unnamed)]"
        }
        if used.insert(base).inserted { return base }
        var suffix = nextSuffix[base, default: 2]
        while !used.insert("\(base)#\(suffix)").inserted { suffix += 1 }
        nextSuffix[base] = suffix + 1
        return "\(base)#\(suffix)"
    }
}
