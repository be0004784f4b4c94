import Foundation

/// The remote-address scope of a Windows Firewall rule as its records write it (`RemoteAddresses`
/// of Windows Firewall With Advanced Security 2004/2005/2097/2099: `*`, addresses, `a.b.c.d/len`,
/// `a.b.c.d/mask`, `first-last` ranges, comma-separated, or keywords such as `LocalSubnet`).
struct FirewallScope {
    /// Whether an address lies in the scope: yes, no, or not known (keywords, IPv6, unreadable text).
    enum Answer: Equatable {
        case inside, outside, unknown
    }

    private var ranges: [ClosedRange<UInt32>] = []
    private var everything = false
    private var unreadable = false

    /// Whether the scope is every address (empty, `*`, `Any`).
    var isEverything: Bool { everything }

    /// The scope `text` describes.
    init(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed == "*" || trimmed.lowercased() == "any" {
            everything = true
            return
        }
        for part in trimmed.split(separator: ",") {
            if let range = Self.range(part.trimmingCharacters(in: .whitespaces)) {
                ranges.append(range)
            } else {
                unreadable = true
            }
        }
    }

    /// Whether `address` (IPv4 dotted text) lies in the scope.
    func contains(_ address: String) -> Answer {
        if everything { return .inside }
        guard let value = Self.ipv4(address) else { return .unknown }
        if ranges.contains(where: { $0.contains(value) }) { return .inside }
        return unreadable ? .unknown : .outside
    }

    /// The addresses one entry covers: `a`, `a/len`, `a/mask` or `a-b`.
    private static func range(_ entry: String) -> ClosedRange<UInt32>? {
        if let dash = entry.firstIndex(of: "-") {
            guard let low = ipv4(String(entry[..<dash])), let high = ipv4(String(entry[entry.index(after: dash)...])), low <= high
            else { return nil }
            return low...high
        }
        if let slash = entry.firstIndex(of: "/") {
            guard let base = ipv4(String(entry[..<slash])) else { return nil }
            let suffix = String(entry[entry.index(after: slash)...])
            let mask: UInt32
            if let length = Int(suffix), (0...32).contains(length) {
                mask = length == 0 ? 0 : UInt32.max << UInt32(32 - length)
            } else if let dotted = ipv4(suffix) {
                mask = dotted
            } else {
                return nil
            }
            let low = base & mask
            return low...(low | ~mask)
        }
        guard let single = ipv4(entry) else { return nil }
        return single...single
    }

    /// The value of dotted IPv4 text, when it is one.
    static func ipv4(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard octet.count <= 3, let byte = UInt8(octet) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }
}
