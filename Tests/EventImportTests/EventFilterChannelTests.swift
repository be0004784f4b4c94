import EventImport
import Testing

/// `--channel`: any letter case, and the comparison without allocation gives exactly what
/// lower-casing both sides gives.
struct EventFilterChannelTests {
    /// Channel names and look-alikes: ASCII in mixed case, a prefix, non-ASCII letters whose
    /// lower case is ASCII (the Kelvin sign) or not, and the empty name.
    static let names = [
        "System", "SYSTEM", "system", "Syste", "Systemx", "Microsoft-Windows-TerminalServices-RDPClient/Operational",
        "microsoft-windows-terminalservices-rdpclient/operational", "Security", "\u{212A}ey", "Key", "key", "Überwachung",
        "überwachung", "ÜBERWACHUNG", "", "İstanbul", "i\u{307}stanbul",
    ]

    @Test func anyLetterCaseAsLowerCasingBothSides() {
        for typed in Self.names {
            let filter = EventFilter(channels: [typed])
            for channel in Self.names {
                let expected = typed.lowercased() == channel.lowercased()
                #expect(filter.keeps(channel: channel) == expected, "--channel \(typed) on \(channel)")
            }
        }
        let several = EventFilter(channels: ["security", "SYSTEM"])
        #expect(several.keeps(channel: "System") && several.keeps(channel: "Security") && !several.keeps(channel: "Application"))
    }
}
