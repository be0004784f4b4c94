import Correlation
import EventImport
import Foundation

/// Who a host record (or a connection of several records) says is on the other end: the client
/// addresses, user names and workstation names it carries.
///
/// Read from the fields Windows writes: RdpCoreTS 131 `ClientIP`, 139/140 `IPString`, RCM 1149
/// `Param1` (user) and `Param3` (address), LSM 21–25 `User` and `Address` (`LOCAL` for the
/// console), Security 4624/4625 `TargetUserName`, `WorkstationName` and `IpAddress`, TermDD 56 its
/// second unnamed `Data`, and WFP 5152/5157 the address on the side that is not port 3389.
struct RecordIdentity: Hashable {
    /// Client IP addresses.
    var addresses: Set<String> = []
    /// User names (lower case, without domain).
    var users: Set<String> = []
    /// Client machine names (normalized).
    var workstations: Set<String> = []
    /// True when the record is about the host's own console (LSM `Address` = `LOCAL`).
    var isConsole = false

    /// True when the record names nobody.
    var isEmpty: Bool { addresses.isEmpty && users.isEmpty && workstations.isEmpty && !isConsole }

    /// Adds what `other` names.
    mutating func formUnion(_ other: RecordIdentity) {
        addresses.formUnion(other.addresses)
        users.formUnion(other.users)
        workstations.formUnion(other.workstations)
        isConsole = isConsole || other.isConsole
    }

    /// What `event`, written on `host` (normalized), names.
    init(event: WinEvent, host: String?) {
        // `Param1`…`Param3` name the user, domain and address only in RCM's records (1149); the
        // same names in other providers' data mean something else (Service Control Manager's
        // `param1` is the service's display name, `param2` its state).
        let namedParams = asciiCaseInsensitiveEquals(event.provider, Self.rcmProvider)
        for field in namedParams ? ["ClientIP", "IpAddress", "Param3", "IPString"] : ["ClientIP", "IpAddress", "IPString"] {
            if let value = event.field(caseInsensitive: field), let address = Self.address(value) { addresses.insert(address) }
        }
        if let value = event.field(caseInsensitive: "Address") {
            if value.uppercased() == "LOCAL" {
                isConsole = true
            } else if let address = Self.address(value) {
                addresses.insert(address)
            }
        }
        if let address = Self.filteredAddress(of: event) { addresses.insert(address) }
        if event.provider == "TermDD", event.unnamedData.count >= 2, let address = Self.address(event.unnamedData[1]) {
            addresses.insert(address)
        }
        for field in namedParams ? ["Param1", "User", "TargetUserName"] : ["User", "TargetUserName"] {
            if let value = event.field(caseInsensitive: field), let user = Self.user(value) { users.insert(user) }
        }
        if let value = event.field(caseInsensitive: "WorkstationName"), let workstation = Self.workstation(value), workstation != host {
            workstations.insert(workstation)
        }
    }

    /// The provider whose `Param1` and `Param3` are a user and a client address.
    static let rcmProvider = "Microsoft-Windows-TerminalServices-RemoteConnectionManager"

    /// An identity naming nothing.
    init() {}

    /// A client address as compared: the IP without port, brackets or zone; nil for `-`, unspecified and loopback.
    static func address(_ text: String) -> String? {
        guard let ip = HostName.ipAddress(text.trimmingCharacters(in: .whitespaces).lowercased()) else { return nil }
        let bare = String(ip.split(separator: "%").first ?? Substring(ip))
        guard !["0.0.0.0", "127.0.0.1", "::", "::1"].contains(bare) else { return nil }
        return bare
    }

    /// A user name as compared: lower case, without `DOMAIN\` or `@domain`; nil for system and
    /// service accounts, machine accounts and placeholders.
    static func user(_ text: String) -> String? {
        var name = Substring(text.trimmingCharacters(in: .whitespaces).lowercased())
        if let slash = name.lastIndex(of: "\\") { name = name[name.index(after: slash)...] }
        if let at = name.firstIndex(of: "@") { name = name[..<at] }
        guard !name.isEmpty, !name.hasSuffix("$"), !systemAccounts.contains(String(name)),
            !name.hasPrefix("dwm-"), !name.hasPrefix("umfd-")
        else { return nil }
        return String(name)
    }

    /// Accounts Windows logs that are never a person at a client.
    static let systemAccounts: Set<String> = ["-", "system", "local service", "network service", "anonymous logon", "defaultuser0"]

    /// A workstation name as compared (normalized), nil for placeholders.
    static func workstation(_ text: String) -> String? {
        let name = HostName.normalized(text)
        guard !name.isEmpty, name != "-", name != "localhost" else { return nil }
        return name
    }

    /// The remote address of a WFP 5152/5157 record for port 3389: the address on the other side.
    private static func filteredAddress(of event: WinEvent) -> String? {
        guard let source = event.field(caseInsensitive: "SourceAddress"), let destination = event.field(caseInsensitive: "DestAddress")
        else { return nil }
        if event.field(caseInsensitive: "DestPort") == "3389" { return address(source) }
        if event.field(caseInsensitive: "SourcePort") == "3389" { return address(destination) }
        return nil
    }
}
