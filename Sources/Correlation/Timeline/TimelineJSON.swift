import EventImport

/// The JSON forms of a timeline row: `hunt --format ndjson` and `--format timesketch`.
public enum TimelineJSON {
    /// `{"type":"detection","rule":{id,name,title,level},"time","computer","channel","provider",
    /// "eventId","recordId","details","matched":{…},"event":{…the `events` object…},"origin":{…}}`,
    /// or for a correlation the ``CorrelationJSON`` object, each with a newline.
    public static func line(_ row: TimelineRow) -> [UInt8] {
        switch row.kind {
        case .correlation(let alert):
            return CorrelationJSON.line(alert)
        case .detection(let event, let matched):
            var json = JSONWriter()
            json.beginObject()
            json.member("type", "detection")
            json.key("rule")
            json.beginObject()
            json.member("id", row.ruleID)
            json.member("name", row.ruleName)
            json.member("title", row.title)
            json.member("level", row.level)
            json.endObject()
            json.member("time", event.time.description)
            json.member("computer", event.computer)
            json.member("channel", event.channel)
            json.member("provider", event.provider)
            json.member("eventId", event.eventID)
            json.member("recordId", event.recordID)
            json.member("details", row.details)
            json.key("matched")
            json.beginObject()
            for field in matched { json.member(field.name, field.value) }
            json.endObject()
            json.key("event")
            NDJSON.write(event, to: &json)
            NDJSON.writeOrigin(event.origin, to: &json)
            json.endObject()
            json.newline()
            return json.bytes
        }
    }

    /// One Timesketch JSONL line: `message` (rule title and details), `datetime` (ISO 8601 UTC),
    /// `timestamp_desc` (`Event Recorded`), and the row's columns as attributes.
    public static func timesketchLine(_ row: TimelineRow) -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.member("message", row.details.isEmpty ? row.title : "\(row.title): \(row.details)")
        json.member("datetime", row.time.iso8601(fractionDigits: 6))
        json.member("timestamp_desc", "Event Recorded")
        json.member("type", row.typeName)
        json.member("rule_title", row.title)
        json.member("rule_id", row.ruleID)
        json.member("level", row.level)
        json.member("computer", row.computer)
        if !row.channel.isEmpty { json.member("channel", row.channel) }
        if let eventID = row.eventID { json.member("event_id", eventID) }
        json.member("record_id", row.recordID)
        json.member("origin", row.origin?.description)
        json.endObject()
        json.newline()
        return json.bytes
    }
}
