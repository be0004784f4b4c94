/// The NDJSON form of events printed by `rdpcause events` (documented in README.md).
public enum NDJSON {
    /// One event as a JSON object followed by a newline.
    ///
    /// Always present: `time` (ISO 8601 UTC, 7 fractional digits), `computer`, `channel`,
    /// `provider`, `eventId`, `recordId` (or null), `level` (or null), `data` (an object in
    /// document order; unnamed classic `<Data>` become `Data[1]`, `Data[2]`, …; a repeated name
    /// gets `#2`, `#3`) and `origin` (`source`, `line`, `offset`). Present when the record has
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
        var unnamed = 0
        var seen: [String: Int] = [:]
        for field in event.fields {
            var name = field.name
            if name.isEmpty {
                unnamed += 1
                name = "Data[\(unnamed)]"
            } else if let count = seen[name] {
                seen[name] = count + 1
                name += "#\(count + 1)"
            } else {
                seen[name] = 1
            }
            json.member(name, field.value)
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
        json.key("origin")
        json.beginObject()
        json.member("source", event.origin.source)
        json.member("line", event.origin.line)
        json.member("offset", event.origin.byteOffset)
        json.endObject()
        json.endObject()
    }

    private static func optional(_ json: inout JSONWriter, _ key: String, _ value: String) {
        if !value.isEmpty { json.member(key, value) }
    }
}
