import EventImport
import SigmaKit
import Testing

/// Log-source mapping, field mapping and the channel/event-ID index.
struct EngineTests {
    private func rule(_ title: String, _ logsource: String, _ detection: String) -> String {
        """
        title: \(title)
        logsource:
        \(logsource)
        detection:
        \(detection)
        """
    }

    @Test func processCreationMatchesSysmonOneAndSecurity4688WithFieldMapping() {
        let yaml = rule(
            "Whoami", "    product: windows\n    category: process_creation",
            "    sel:\n        Image|endswith: '\\whoami.exe'\n    condition: sel")
        let engine = TestSupport.engine(yaml)
        let sysmon = TestSupport.event(
            channel: WindowsLogSources.sysmon, provider: "Microsoft-Windows-Sysmon", eventID: 1,
            [("Image", #"C:\Windows\System32\whoami.exe"#)])
        let security = TestSupport.event(
            channel: "Security", eventID: 4688, [("NewProcessName", #"C:\Windows\System32\whoami.exe"#)])
        let wrongID = TestSupport.event(
            channel: WindowsLogSources.sysmon, provider: "Microsoft-Windows-Sysmon", eventID: 11,
            [("Image", #"C:\Windows\System32\whoami.exe"#)])
        let wrongChannel = TestSupport.event(channel: "Application", eventID: 1, [("Image", #"C:\whoami.exe"#)])
        #expect(engine.matchingRules(for: sysmon).map(\.title) == ["Whoami"])
        #expect(engine.matchingRules(for: security).map(\.title) == ["Whoami"])
        #expect(engine.matchingRules(for: wrongID).isEmpty)
        #expect(engine.matchingRules(for: wrongChannel).isEmpty)
    }

    @Test func servicesMapToTheirChannels() {
        let cases: [(String, String)] = [
            ("security", "Security"),
            ("system", "System"),
            ("application", "Application"),
            ("terminalservices-localsessionmanager", "Microsoft-Windows-TerminalServices-LocalSessionManager/Operational"),
            ("terminalservices-remoteconnectionmanager", "Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational"),
            ("rdpcorets", "Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational"),
            ("remotedesktopservices-rdpcorets", "Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational"),
            ("terminalservices-rdpclient", "Microsoft-Windows-TerminalServices-RDPClient/Operational"),
            ("firewall-as", "Microsoft-Windows-Windows Firewall With Advanced Security/Firewall"),
            ("user-profile-service", "Microsoft-Windows-User Profile Service/Operational"),
            ("windefend", "Microsoft-Windows-Windows Defender/Operational"),
            ("powershell", "PowerShellCore/Operational"),
        ]
        for (service, channel) in cases {
            let engine = TestSupport.engine(
                rule(service, "    product: windows\n    service: \(service)", "    sel:\n        EventID: 7\n    condition: sel"))
            #expect(engine.matchingRules(for: TestSupport.event(channel: channel, eventID: 7)).count == 1, "\(service)")
            #expect(engine.matchingRules(for: TestSupport.event(channel: "Other", eventID: 7)).isEmpty, "\(service)")
            #expect(engine.matchingRules(for: TestSupport.event(channel: channel, eventID: 8)).isEmpty, "\(service)")
        }
    }

    @Test func userProfileServiceAlsoMatchesItsApplicationLogEvents() {
        let engine = TestSupport.engine(
            rule("Profile", "    product: windows\n    service: user-profile-service", "    sel:\n        EventID: 1511\n    condition: sel"))
        let fromProvider = TestSupport.event(channel: "Application", provider: "Microsoft-Windows-User Profiles Service", eventID: 1511)
        let otherProvider = TestSupport.event(channel: "Application", provider: "Application Error", eventID: 1511)
        #expect(engine.matchingRules(for: fromProvider).count == 1)
        #expect(engine.matchingRules(for: otherProvider).isEmpty)
    }

    @Test func categoryConditionsRestrictTheEvents() {
        let engine = TestSupport.engine(
            rule("Delete", "    product: windows\n    category: registry_delete", "    sel:\n        TargetObject|contains: 'Run'\n    condition: sel"))
        func event(_ type: String) -> WinEvent {
            TestSupport.event(
                channel: WindowsLogSources.sysmon, provider: "Microsoft-Windows-Sysmon", eventID: 12,
                [("EventType", type), ("TargetObject", #"HKLM\Software\Microsoft\Windows\CurrentVersion\Run\x"#)])
        }
        #expect(engine.matchingRules(for: event("DeleteValue")).count == 1)
        #expect(engine.matchingRules(for: event("DeleteKey")).count == 1)
        #expect(engine.matchingRules(for: event("CreateKey")).isEmpty)
    }

    @Test func defenderAntivirusCategoryMapsSignatureToThreatName() {
        let engine = TestSupport.engine(
            rule("AV", "    category: antivirus", "    sel:\n        Signature|contains: 'Mimikatz'\n    condition: sel"))
        let defender = TestSupport.event(
            channel: "Microsoft-Windows-Windows Defender/Operational", provider: "Microsoft-Windows-Windows Defender",
            eventID: 1116, [("Threat Name", "HackTool:Win32/Mimikatz")])
        #expect(engine.matchingRules(for: defender).count == 1)
    }

    @Test func productOnlyRulesSeeEveryWindowsEvent() {
        let engine = TestSupport.engine(
            rule("Any", "    product: windows", "    keywords:\n        - 'mimikatz'\n    condition: keywords"))
        #expect(engine.matchingRules(for: TestSupport.event(channel: "System", eventID: 1, [("x", "run mimikatz")])).count == 1)
        #expect(engine.matchingRules(for: TestSupport.event(channel: "Foo", eventID: 2, [("x", "MIMIKATZ.exe")])).count == 1)
        #expect(engine.matchingRules(for: TestSupport.event(channel: "Foo", eventID: 2, [("x", "mimi")])).isEmpty)
    }

    @Test func eventsAreTestedOnlyAgainstRulesIndexedForTheirChannelAndEventID() {
        let yaml = [
            rule("Failed logon", "    product: windows\n    service: security", "    sel:\n        EventID: 4625\n    condition: sel"),
            rule("Logon", "    product: windows\n    service: security", "    sel:\n        EventID:\n            - 4624\n            - 4648\n    condition: sel"),
            rule("Any security", "    product: windows\n    service: security", "    sel:\n        LogonType: 10\n    condition: sel"),
            rule("Not 4624", "    product: windows\n    service: security", "    sel:\n        EventID: 4624\n    condition: not sel"),
            rule("Sysmon", "    product: windows\n    category: process_creation", "    sel:\n        Image: x\n    condition: sel"),
            rule("Everything", "    product: windows", "    sel:\n        Foo: x\n    condition: sel"),
        ].joined(separator: "\n---\n")
        let engine = TestSupport.engine(yaml)
        #expect(engine.evaluatedRuleCount == 6)
        // 4625: its own rule, "Any security", "Not 4624" and "Everything".
        #expect(engine.candidateCount(channel: "Security", eventID: 4625) == 4)
        #expect(engine.candidateCount(channel: "Security", eventID: 4648) == 4)
        // The Security 4688 variant of the process_creation rule.
        #expect(engine.candidateCount(channel: "Security", eventID: 4688) == 4)
        #expect(engine.candidateCount(channel: "Application", eventID: 1000) == 1)
        let logon = TestSupport.event(channel: "Security", eventID: 4624, [("LogonType", "10")])
        #expect(engine.matchingRules(for: logon).map(\.title) == ["Logon", "Any security"])
        // Channel lookup ignores ASCII case.
        let lowered = TestSupport.event(channel: "security", eventID: 4625)
        #expect(engine.matchingRules(for: lowered).map(\.title) == ["Failed logon", "Not 4624"])
    }

    @Test func aRequiredProviderNameFiltersBeforeEvaluation() {
        let engine = TestSupport.engine(
            rule(
                "Service installed", "    product: windows\n    service: system",
                "    sel:\n        Provider_Name: 'Service Control Manager'\n        EventID: 7045\n    condition: sel"))
        #expect(engine.matchingRules(for: TestSupport.event(channel: "System", provider: "Service Control Manager", eventID: 7045)).count == 1)
        #expect(engine.matchingRules(for: TestSupport.event(channel: "System", provider: "service control manager", eventID: 7045)).count == 1)
        #expect(engine.matchingRules(for: TestSupport.event(channel: "System", provider: "Other", eventID: 7045)).isEmpty)
    }

    @Test func logSourceResolutionExplainsUnmappedSources() {
        #expect(WindowsLogSources.resolve(LogSource(product: "windows", category: "file_access")) != .targets([]))
        if case .unmapped(let reason) = WindowsLogSources.resolve(LogSource(product: "windows", category: "file_access")) {
            #expect(reason.contains("file_access"))
        } else {
            Issue.record("file_access should be unmapped")
        }
        if case .unmapped(let reason) = WindowsLogSources.resolve(LogSource(product: "windows", service: "nosuch")) {
            #expect(reason.contains("nosuch"))
        } else {
            Issue.record("an unknown service should be unmapped")
        }
    }
}
