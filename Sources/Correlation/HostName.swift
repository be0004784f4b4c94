/// How rdpcause decides that two spellings name one machine.
///
/// Windows writes a host as a NetBIOS name (`RDSH-01`), an FQDN (`rdsh-01.corp.example`), in any
/// letter case, and users type `\\RDSH-01` or a trailing-dot FQDN. For group-by keys that name a
/// host, values are normalized so these spellings fall in one group:
///
/// 1. surrounding white space, a leading `\\` and a trailing `.` are removed;
/// 2. letters are lower-cased;
/// 3. an IP address (v4, or v6 with or without brackets, port or zone) stays an address (its
///    `:port` is dropped);
/// 4. any other name keeps only its first DNS label (`rdsh-01.corp.example` → `rdsh-01`).
///
/// A group-by key names a host when it (or the field an alias maps it to) is `Computer`,
/// `ComputerName`, `Hostname`, `WorkstationName`, `ServerName`, `TargetServerName`,
/// `DestinationHostname` or `SourceHostname`, or contains `host` (any case). Other keys are
/// compared exactly.
public enum HostName {
    private static let hostFields: Set<String> = [
        "computer", "computername", "hostname", "workstationname", "servername", "targetservername",
        "destinationhostname", "sourcehostname",
    ]

    /// True when a group-by key or field names a host.
    public static func isHostKey(_ key: String) -> Bool {
        let lower = key.lowercased()
        return hostFields.contains(lower) || lower.contains("host")
    }

    /// True when a group-by key or field names an account (`User`, `TargetUserName`, `SubjectUserName`,
    /// `AccountName`, or any key containing `user`, any case), whose values Windows compares
    /// case-insensitively.
    public static func isAccountKey(_ key: String) -> Bool {
        let lower = key.lowercased()
        return lower.contains("user") || lower == "accountname" || lower == "targetaccount"
    }

    /// The normalized form of a host name or address (see the type's documentation).
    public static func normalized(_ raw: String) -> String {
        var text = raw.trimmingWhitespace().lowercased()
        while text.hasPrefix("\\") { text.removeFirst() }
        while text.hasSuffix(".") { text.removeLast() }
        if let address = ipAddress(text) { return address }
        if let dot = text.firstIndex(of: ".") { text = String(text[..<dot]) }
        return text
    }

    /// The address part of an IP literal (`10.0.0.5:3389` → `10.0.0.5`, `[fe80::1%4]:80` → `fe80::1%4`), or nil.
    public static func ipAddress(_ text: String) -> String? {
        var candidate = Substring(text)
        if candidate.hasPrefix("[") {
            guard let close = candidate.firstIndex(of: "]") else { return nil }
            candidate = candidate[candidate.index(after: candidate.startIndex)..<close]
        }
        let colons = candidate.filter { $0 == ":" }.count
        if colons == 1, let colon = candidate.firstIndex(of: ":") {
            candidate = candidate[..<colon]  // IPv4 with a port
        }
        let parts = candidate.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4, parts.allSatisfy({ part in !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isNumber) && (Int(part) ?? 256) < 256 }) {
            return String(candidate)
        }
        if colons >= 2 {
            let body = candidate.split(separator: "%").first ?? candidate
            if body.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) { return String(candidate) }
        }
        return nil
    }
}

/// Group-by keys for host names in correlation rules: a short name and its FQDN are one group,
/// two FQDNs that differ only in their domain are two.
///
/// `RDS01`, `rds01.corp.example` and `RDS01.CORP.EXAMPLE.` fall in group `rds01`; once
/// `rds01.corp.example` has been seen, `rds01.lab.example` is another machine and gets its own
/// group, `rds01.lab.example`. A bare name joins the first domain seen with that name (in event
/// time order). Addresses are grouped as ``HostName/normalized(_:)`` gives them.
struct HostGroupKeys {
    /// First DNS label → the domain first seen with it.
    private var firstDomain: [String: String] = [:]

    /// The group key of a host name or address.
    mutating func key(_ raw: String) -> String {
        var text = raw.trimmingWhitespace().lowercased()
        while text.hasPrefix("\\") { text.removeFirst() }
        while text.hasSuffix(".") { text.removeLast() }
        if let address = HostName.ipAddress(text) { return address }
        guard let dot = text.firstIndex(of: ".") else { return text }
        let label = String(text[..<dot])
        let domain = String(text[text.index(after: dot)...])
        switch firstDomain[label] {
        case nil:
            firstDomain[label] = domain
            return label
        case domain?:
            return label
        default:
            return text
        }
    }
}
