import Foundation

/// A set of Windows Firewall network profiles (Domain, Private, Public), as a rule's `Profiles` or
/// an interface's `NewProfile` write it: a bit mask (1 Domain, 2 Private, 4 Public; 2147483647 all),
/// or names (`Domain,Private`, `All`, as Security 4946–4948 render them).
struct FirewallProfiles: Equatable {
    /// The three profiles as bits.
    let bits: UInt8

    static let domain = FirewallProfiles(bits: 1)
    static let `private` = FirewallProfiles(bits: 2)
    static let `public` = FirewallProfiles(bits: 4)
    static let all = FirewallProfiles(bits: 7)

    private init(bits: UInt8) { self.bits = bits & 7 }

    /// The profiles `text` names; nil when it names none (empty, unreadable, or the value with the high
    /// bit set, 2147483649, that the real 2010 records show while a network is being identified).
    init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let mask = UInt32(trimmed) {
            if mask == 0x7FFF_FFFF { self.init(bits: 7); return }
            guard mask & 0x8000_0000 == 0, mask & 7 != 0 else { return nil }
            self.init(bits: UInt8(mask & 7))
            return
        }
        var bits: UInt8 = 0
        for name in trimmed.lowercased().split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            switch name {
            case "domain": bits |= 1
            case "private": bits |= 2
            case "public": bits |= 4
            case "all", "any": bits |= 7
            default: return nil
            }
        }
        guard bits != 0 else { return nil }
        self.init(bits: bits)
    }

    /// Whether the two sets share a profile.
    func overlaps(_ other: FirewallProfiles) -> Bool { bits & other.bits != 0 }

    /// The union of two sets.
    func union(_ other: FirewallProfiles) -> FirewallProfiles { FirewallProfiles(bits: bits | other.bits) }

    /// The profiles by name, as Windows lists them ("Domain, Private"; "all profiles").
    var names: String {
        if bits == 7 { return "all profiles" }
        let named = [(1, "Domain"), (2, "Private"), (4, "Public")].filter { bits & UInt8($0.0) != 0 }.map(\.1)
        return named.joined(separator: ", ")
    }
}
