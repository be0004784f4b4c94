import EventImport
import Foundation
import SigmaKit

/// Renders a cause's `says` line for one record: `{Field}` quotes the event (payload or System
/// fields), `{host}`, `{client}`, `{clientAddress}`, `{failureTime}` and `{code}` quote the failure.
///
/// Unnamed data is quoted by position, `{Data[1]}`; `{Name|Data[1]}` takes the named field, or
/// else the first unnamed value, cited as `value (Data[1])`. A field the record does not carry
/// (or carries empty) is left out of the sentence with the parenthesis or `[…]` segment around
/// it, so a line never reads "with n/a"; values are quoted without surrounding white space.
struct EvidenceText {
    let context: AttemptContext

    /// The line, with every placeholder filled and every clause whose field is absent left out.
    func render(_ template: String, event: WinEvent?) -> String {
        var position = template.startIndex
        let rendered = segment(template, from: &position, closing: nil, event: event).text
        return Self.tidy(rendered)
    }

    /// Renders up to `closing` (or the end), returning the text and whether a field was absent.
    private func segment(
        _ template: String, from position: inout String.Index, closing: Character?, event: WinEvent?
    ) -> (text: String, absent: Bool) {
        var output = ""
        var absent = false
        while position < template.endIndex {
            let character = template[position]
            if character == closing {
                position = template.index(after: position)
                return (output, absent)
            }
            switch character {
            case "{":
                guard let close = template[position...].firstIndex(of: "}") else {
                    output.append(character)
                    position = template.index(after: position)
                    continue
                }
                let key = String(template[template.index(after: position)..<close])
                position = template.index(after: close)
                // Braces never reach the report.
                if let value = value(key, event: event) { output += value } else { absent = true }
            case "(", "[":
                position = template.index(after: position)
                let inner = segment(template, from: &position, closing: character == "(" ? ")" : "]", event: event)
                // A clause whose field is absent is left out; `[…]` marks a clause without parentheses.
                if !inner.absent { output += character == "(" ? "(\(inner.text))" : inner.text }
            default:
                output.append(character)
                position = template.index(after: position)
            }
        }
        return (output, absent)
    }

    /// Spaces doubled or left before punctuation where a clause was left out.
    private static func tidy(_ text: String) -> String {
        var output = ""
        for character in text {
            if character == " ", output.last == " " { continue }
            if [",", ".", ";", ":", ")"].contains(character), output.last == " " { output.removeLast() }
            output.append(character)
        }
        return output.trimmingCharacters(in: .whitespaces)
    }

    /// The value of `key` (alternatives separated by `|`), or nil when the record does not carry it.
    private func value(_ key: String, event: WinEvent?) -> String? {
        let alternatives = key.split(separator: "|").map { String($0).trimmingCharacters(in: .whitespaces) }
        for (order, alternative) in alternatives.enumerated() {
            guard let found = placeholder(alternative, event: event) else { continue }
            let trimmed = found.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { continue }
            // A positional value that stands in for a named field says where it came from.
            if order > 0, Self.position(alternative) != nil { return "\(trimmed) (\(alternative))" }
            return trimmed
        }
        return nil
    }

    /// The 1-based position of `Data[n]` (or the older `Datan`), if `key` is one.
    private static func position(_ key: String) -> Int? {
        guard key.hasPrefix("Data") else { return nil }
        var digits = key.dropFirst(4)
        if digits.hasPrefix("["), digits.hasSuffix("]") { digits = digits.dropFirst().dropLast() }
        guard let position = Int(digits), position >= 1 else { return nil }
        return position
    }

    private func placeholder(_ key: String, event: WinEvent?) -> String? {
        switch key {
        case "host": return context.hostDisplay ?? "the host"
        case "client": return context.clientDisplay ?? "the client"
        case "gateway": return context.gatewayDisplay ?? "the RD Gateway"
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
            if let position = Self.position(key) {
                return position <= event.unnamedData.count ? event.unnamedData[position - 1] : nil
            }
            // Sigma's lookup also matches names that differ only in spaces and case ("Error Code").
            return event.field(caseInsensitive: key) ?? SigmaFields.value(key, in: event)
        }
    }
}

extension EvidenceItem {
    /// An evidence item that cites a rule hit.
    init(_ role: Role, rule: String, hit: CaseIndex.Hit, meaning: String, atAttempt: Bool = false) {
        self.init(
            role: role, rule: rule, meaning: meaning, time: hit.event.time, computer: hit.event.computer, channel: hit.event.channel,
            eventID: hit.event.eventID, recordID: hit.event.recordID, origin: hit.event.origin, atAttempt: atAttempt)
    }
}
