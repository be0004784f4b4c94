import Foundation

/// The local ports of a Windows Firewall rule as its records write them (`LocalPorts` of Windows
/// Firewall With Advanced Security 2004/2005/2097/2099): empty or `*` (any port), numbers, `low-high`
/// ranges and keywords (`RPC`, `RPC-EPMap`, `IPHTTPS`, `Teredo`, …), comma-separated.
struct FirewallPorts {
    /// Whether the list covers a port: yes, no, or not known (text that is neither a port nor a keyword).
    enum Answer: Equatable {
        case covered, notCovered, unknown
    }

    /// The port keywords Windows writes: each names a service's own ports (dynamic RPC endpoints,
    /// IP-HTTPS, Teredo, …), never the Remote Desktop listener.
    private static let keywords: Set<String> = [
        "rpc", "rpc-epmap", "iphttps", "iphttpsin", "iphttpsout", "teredo", "edge traversal", "playtodiscovery",
        "mdns", "dhcp", "ply2disc", "cortana",
    ]

    private var ranges: [ClosedRange<UInt16>] = []
    private var everything = false
    private var unreadable = false
    /// The list as written, for the evidence.
    let text: String

    /// The ports `text` lists.
    init(_ text: String) {
        self.text = text
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed == "*" || trimmed.lowercased() == "any" {
            everything = true
            return
        }
        for part in trimmed.split(separator: ",") {
            let entry = part.trimmingCharacters(in: .whitespaces)
            if let range = Self.range(entry) {
                ranges.append(range)
            } else if !Self.keywords.contains(entry.lowercased()) {
                unreadable = true
            }
        }
    }

    /// Whether the list is every port (empty, `*`, `Any`).
    var isEverything: Bool { everything }

    /// Whether `port` is in the list.
    func covers(_ port: UInt16) -> Answer {
        if everything || ranges.contains(where: { $0.contains(port) }) { return .covered }
        return unreadable ? .unknown : .notCovered
    }

    /// The ports one entry names: `n` or `low-high` (1–65535, low ≤ high); nil for anything else.
    private static func range(_ entry: String) -> ClosedRange<UInt16>? {
        let bounds = entry.split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 1 || bounds.count == 2 else { return nil }
        var values: [UInt16] = []
        for bound in bounds {
            let digits = bound.trimmingCharacters(in: .whitespaces)
            // At most five digits: no arithmetic on untrusted text beyond what UInt16 holds.
            guard !digits.isEmpty, digits.count <= 5, digits.allSatisfy(\.isASCII), let value = UInt16(digits), value > 0 else {
                return nil
            }
            values.append(value)
        }
        guard let low = values.first, let high = values.last, low <= high else { return nil }
        return low...high
    }
}
