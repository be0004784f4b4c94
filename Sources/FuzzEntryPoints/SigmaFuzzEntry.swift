import Correlation
import EventImport
import SigmaKit

/// Sigma rule loading, condition parsing and compilation, then matching of synthetic events.
///
/// The events are built from the input itself, so that rules can match them: one per loaded rule
/// (at most ``maxEvents``), in the channel the rule's `logsource` maps to, with every `key: value`
/// line of the text as a payload field (`EventID` and `Provider_Name` set the event's own).
public enum SigmaFuzzEntry {
    /// Runs one input: the bytes as UTF-8 YAML, loaded, compiled with correlations, and matched.
    public static func run(_ input: [UInt8]) {
        let text = String(decoding: input, as: UTF8.self)
        let catalog = RuleLoader().load(yaml: text, source: "fuzz.yml")
        for diagnostic in catalog.diagnostics {
            _ = diagnostic.description
        }
        let hunt = Hunt(catalog: catalog)
        let pairs = keyValuePairs(text)
        for (index, rule) in catalog.rules.prefix(maxEvents).enumerated() {
            hunt.process(syntheticEvent(for: rule, pairs: pairs, second: Int64(index))) { _ in }
        }
        _ = hunt.finish()
    }

    /// The most synthetic events matched per input.
    static let maxEvents = 8

    /// The most payload fields a synthetic event carries.
    static let maxFields = 64

    /// `key: value` lines (also `- key: value`), the key cut at its first `|` (its modifiers), the
    /// value without surrounding quotes.
    static func keyValuePairs(_ text: String) -> [(key: String, value: String)] {
        var pairs: [(key: String, value: String)] = []
        for rawLine in text.split(whereSeparator: \.isNewline) where pairs.count < maxFields {
            var line = rawLine.drop { $0 == " " || $0 == "\t" }
            if line.hasPrefix("- ") { line = line.dropFirst(2) }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].split(separator: "|", maxSplits: 1).first.map(String.init) ?? ""
            let value = line[line.index(after: colon)...].drop { $0 == " " }.trimmingQuotes()
            guard !key.isEmpty, !value.isEmpty else { continue }
            pairs.append((key, String(value)))
        }
        return pairs
    }

    static func syntheticEvent(for rule: SigmaRule, pairs: [(key: String, value: String)], second: Int64) -> WinEvent {
        var channel = "Security"
        if case .targets(let targets) = WindowsLogSources.resolve(rule.logSource),
            let first = targets.first?.channels.first
        {
            channel = first
        }
        let eventID = pairs.first { $0.key == "EventID" }.flatMap { UInt32($0.value) } ?? 4624
        let provider = pairs.first { $0.key == "Provider_Name" }?.value ?? "Microsoft-Windows-Security-Auditing"
        return WinEvent(
            time: EventTimestamp(secondsSinceEpoch: 1_781_000_000 + second),
            computer: "WKS-042.example.org", channel: channel, provider: provider, eventID: eventID,
            fields: pairs.map { EventField($0.key, $0.value) },
            origin: EventOrigin(source: "fuzz-event", line: Int(second) + 1))
    }
}

extension Substring {
    /// The text without YAML quotes (`'` and `"`) at either end.
    fileprivate func trimmingQuotes() -> Substring {
        var result = self
        while let first = result.first, first == "'" || first == "\"" { result.removeFirst() }
        while let last = result.last, last == "'" || last == "\"" { result.removeLast() }
        return result
    }
}
