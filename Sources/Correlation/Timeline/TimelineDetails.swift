public import EventImport
public import SigmaKit

/// The `Details` text of a timeline row: the facts an analyst reads first, as Hayabusa shows them.
///
/// A rule's own `fields:` list decides (each field the event has, `Name: value`, joined with
/// ` ¦ `). Without one, a default per event kind: the logon fields for Security logons, the
/// connection fields for Remote Desktop channels, otherwise the event's first six data fields.
/// Values longer than 200 characters are cut with `…`.
public enum TimelineDetails {
    static let separator = " ¦ "
    static let maxValueCharacters = 200

    /// Fields shown by default for events of a channel (when present in the event).
    static let defaultFields: [String: [String]] = [
        "Security": [
            "TargetUserName", "TargetDomainName", "SubjectUserName", "LogonType", "IpAddress", "WorkstationName", "Status",
            "SubStatus", "ProcessName", "NewProcessName", "CommandLine", "ServiceName",
        ],
        "System": ["param1", "param2", "ServiceName", "ImagePath", "ErrorCode", "Type"],
    ]

    /// The details of a detection row.
    public static func text(rule: SigmaRule, event: WinEvent) -> String {
        let names = rule.fields.isEmpty ? defaultNames(for: event) : rule.fields
        var parts: [String] = []
        for name in names {
            guard let value = SigmaFields.value(name, in: event) else { continue }
            parts.append("\(name): \(clipped(value))")
        }
        return parts.joined(separator: separator)
    }

    /// The details of a correlation row: its type, group and how many events made it hold.
    public static func text(alert: CorrelationAlert) -> String {
        var parts = ["\(alert.type): \(alert.events.count) event\(alert.events.count == 1 ? "" : "s")"]
        parts += alert.group.map { "\($0.key): \(clipped($0.value))" }
        return parts.joined(separator: separator)
    }

    /// The event's values of the fields `rule`'s detection tests, in the order the rule names them.
    public static func matchedFields(of rule: SigmaRule, in event: WinEvent) -> [EventField] {
        (rule.detection?.fieldNames ?? []).compactMap { name in
            SigmaFields.value(name, in: event).map { EventField(name, $0) }
        }
    }

    private static func defaultNames(for event: WinEvent) -> [String] {
        if let names = defaultFields[event.channel] {
            let present = names.filter { event.field($0) != nil }
            if !present.isEmpty { return present }
        }
        var names: [String] = []
        for field in event.fields where !field.name.isEmpty && !names.contains(field.name) {
            names.append(field.name)
            if names.count == 6 { break }
        }
        return names
    }

    private static func clipped(_ value: String) -> String {
        value.count <= maxValueCharacters ? value : String(value.prefix(maxValueCharacters)) + "…"
    }
}
