import EventImport
import Foundation

/// Cites the logs whose silence is evidence: an expected record that is missing is shown by
/// named logs of a named machine over a named span, so the finding says which logs (and files)
/// hold nothing from the client between which times, one item per log.
struct SilenceCitation {
    let index: CaseIndex
    let context: AttemptContext

    /// Short names of the Remote Desktop logs, as engineers say them.
    private static let shortNames = [
        "microsoft-windows-terminalservices-remoteconnectionmanager/operational": "RCM",
        "microsoft-windows-remotedesktopservices-rdpcorets/operational": "RdpCoreTS",
        "microsoft-windows-terminalservices-localsessionmanager/operational": "LSM",
    ]

    /// `found` with each missing-record item split into one item per log of its machine that covers
    /// the item's window, naming that log, its file and the span.
    func cite(_ item: CauseDefinition.Evidence, found: [EvidenceItem]) -> [EvidenceItem] {
        guard let machine = context.machine(item.machine) else { return found }
        let base = context.time(on: item.machine)
        let from = EventTimestamp(ticks: base.ticks + item.window.start)
        let to = EventTimestamp(ticks: base.ticks + item.window.end)
        let client = context.clientAddress ?? context.clientDisplay ?? "the client"
        return found.flatMap { missing -> [EvidenceItem] in
            guard missing.role == .missing else { return [missing] }
            let channels = missing.channel.components(separatedBy: ", ")
            let logs = channels.compactMap { index.coverage(of: $0, on: machine) }
            guard !logs.isEmpty else { return [missing] }
            return logs.map { log in
                var cited = missing
                let name = Self.shortNames[log.channel.lowercased()] ?? log.channel
                let file = log.sources.sorted().first ?? ""
                cited.channel = log.channel
                cited.computer = log.displayName
                cited.origin = EventOrigin(source: file, line: 0)
                cited.meaning = missing.meaning
                    + " (the \(name) log of \(log.displayName) holds nothing from \(client) between \(from.iso8601(fractionDigits: 0)) and \(to.iso8601(fractionDigits: 0)))"
                return cited
            }
        }
    }
}
