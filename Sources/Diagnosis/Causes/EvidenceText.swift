import EventImport
import SigmaKit

/// Renders a cause's `says` line for one record: `{Field}` quotes the event (payload or System
/// fields), `{host}`, `{client}`, `{clientAddress}`, `{failureTime}` and `{code}` quote the failure.
struct EvidenceText {
    let context: AttemptContext

    /// The line, with every placeholder filled (a field the record does not carry reads "n/a").
    func render(_ template: String, event: WinEvent?) -> String {
        var output = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            output += rest[..<open]
            let key = String(rest[rest.index(after: open)..<close])
            // Braces never reach the report.
            output += placeholder(key, event: event) ?? "n/a"
            rest = rest[rest.index(after: close)...]
        }
        return output + rest
    }

    private func placeholder(_ key: String, event: WinEvent?) -> String? {
        switch key {
        case "host": return context.hostDisplay ?? "the host"
        case "client": return context.clientDisplay ?? "the client"
        case "clientAddress": return context.clientAddress ?? "the client"
        case "failureTime": return context.time.iso8601(fractionDigits: 0)
        case "code": return "\(context.code) (\(DisconnectCodes.hex(context.code)))"
        default: break
        }
        guard let event else { return nil }
        switch key {
        case "time": return event.time.iso8601(fractionDigits: 0)
        case "Computer": return event.computer
        case "EventID": return String(event.eventID)
        case "Channel": return event.channel
        case "Provider_Name": return event.provider
        default:
            // Sigma's lookup also matches names that differ only in spaces and case ("Error Code").
            if let value = event.field(caseInsensitive: key) ?? SigmaFields.value(key, in: event) {
                return value.isEmpty ? "(empty)" : value
            }
            if key.hasPrefix("Data"), let position = Int(key.dropFirst(4)), position >= 1, position <= event.unnamedData.count {
                return event.unnamedData[position - 1]
            }
            return nil
        }
    }
}

extension EvidenceItem {
    /// An evidence item that cites a rule hit.
    init(_ role: Role, rule: String, hit: CaseIndex.Hit, meaning: String) {
        self.init(
            role: role, rule: rule, meaning: meaning, time: hit.event.time, computer: hit.event.computer, channel: hit.event.channel,
            eventID: hit.event.eventID, recordID: hit.event.recordID, origin: hit.event.origin)
    }
}
